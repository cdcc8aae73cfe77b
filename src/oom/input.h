/* Byte sources for explain-oom: a file or stdin, plain or compressed
 * (gzip, xz, zstd: recognised by their magic bytes, not the file name). */
#ifndef VBTOOL_OOM_INPUT_H
#define VBTOOL_OOM_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct oom_input;

/* Decoders may use at most this much memory: an .xz header can ask for a
 * 4 GiB dictionary, a .zst frame for a 2 GiB window. */
#define OOM_INPUT_MEM_MAX ((uint64_t)256 << 20)
#define OOM_INPUT_MEM_MAX_TEXT "256 MiB"

/* Errors of our own, beyond errno's range: */
#define OOM_INPUT_EMEMLIMIT 4096 /* the data needs more than OOM_INPUT_MEM_MAX */
#define OOM_INPUT_ENOTFILE 4097 /* a named input that is neither a regular file nor a FIFO */
#define OOM_INPUT_ESHRANK 4098 /* a mapped file was cut while it was read */

/* "-" is stdin, whatever it is. A named input must be a regular file or a
 * FIFO (see open_named). Returns 0, or a negative errno. */
int oom_input_open(const char *path, struct oom_input **out);
/* Up to len bytes: >0 read, 0 end, <0 a negative errno (-EILSEQ: corrupt
 * compressed data; -OOM_INPUT_EMEMLIMIT). */
ssize_t oom_input_read(struct oom_input *in, char *buf, size_t len);
/* buf[0..len) (malloc'd; the input frees it) comes out of the next reads
 * before the rest of the input: what was read ahead, given back. */
void oom_input_unread(struct oom_input *in, char *buf, size_t len);
/* A plain (uncompressed) named regular file of at least min bytes: its fd
 * and size, to be mapped instead of read (scan.c). */
bool oom_input_mappable(const struct oom_input *in, uint64_t min, int *fd, uint64_t *size);
/* Plain input only: the next read starts at byte off of the file. Returns 0
 * or a negative errno. */
int oom_input_seek(struct oom_input *in, uint64_t off);
/* The message for an error of oom_input_open or oom_input_read. */
const char *oom_input_strerror(int err);
const char *oom_input_format(const struct oom_input *in); /* "plain", "gzip", "xz", "zstd" */
void oom_input_close(struct oom_input *in);

#endif
