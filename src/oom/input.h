/* Byte sources for explain-oom: a file or stdin, plain or compressed
 * (gzip, xz, zstd: recognised by their magic bytes, not the file name). */
#ifndef VBTOOL_OOM_INPUT_H
#define VBTOOL_OOM_INPUT_H

#include <stddef.h>
#include <sys/types.h>

struct oom_input;

/* "-" is stdin. Returns 0, or a negative errno. */
int oom_input_open(const char *path, struct oom_input **out);
/* Up to len bytes: >0 read, 0 end, <0 a negative errno (-EILSEQ: corrupt
 * compressed data). */
ssize_t oom_input_read(struct oom_input *in, char *buf, size_t len);
const char *oom_input_format(const struct oom_input *in); /* "plain", "gzip", "xz", "zstd" */
void oom_input_close(struct oom_input *in);

#endif
