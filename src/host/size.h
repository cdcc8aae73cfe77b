/* Sizes on the command line: "1073741824", "1048576K", "1024M", "1G"
 * (K, M, G, T are powers of 1024; KiB/MiB/GiB/TiB and a trailing B are
 * accepted too). */
#ifndef VBTOOL_QMP_SIZE_H
#define VBTOOL_QMP_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* False with *why (static) on junk, overflow or a fraction of a byte. */
bool parse_size_bytes(const char *s, uint64_t *out, const char **why);
/* "1.5 GiB" style, into buf. */
const char *fmt_bytes(char *buf, size_t len, uint64_t bytes);

#endif
