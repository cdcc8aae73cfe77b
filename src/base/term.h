/* Text for a terminal: the one place that decides which bytes of text read
 * from customers' trees, logs, sockets and VMs may be printed. A terminal
 * acts on control characters (ESC sequences clear the screen, retitle the
 * window, fake earlier lines; C1 bytes such as 0x9b are a one-byte ESC [),
 * so every text view, every error message and every value copied out of
 * hostile data goes through term_clean. Each C0 control, DEL, C1 control
 * (raw 0x80-0x9f or UTF-8 U+0080-U+009F) and each byte that is not valid
 * UTF-8 becomes one '?'. */
#ifndef VBTOOL_TERM_H
#define VBTOOL_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/util.h"

enum term_mode {
	TERM_VALUE, /* one value: '\n', '\r' and '\t' are replaced too */
	TERM_TEXT,  /* a whole view: '\n' and '\t' are its structure and stay */
};

/* The length of the well-formed UTF-8 sequence at s (at most n bytes):
 * 1 for ASCII, 2-4, or 0 when s does not start one. */
size_t term_utf8_len(const char *s, size_t n);
/* Appends s[0..n) to sb, cleaned. */
void term_clean(struct strbuf *sb, const char *s, size_t n, enum term_mode mode);
/* Cleans into dst (cap > 0), cutting at a character boundary when it does
 * not fit; always NUL-terminated. Returns the bytes written. */
size_t term_clean_buf(char *dst, size_t cap, const char *src, size_t n, enum term_mode mode);
/* A cleaned copy of one value; NULL for NULL. */
char *term_dup(const char *s);
char *term_ndup(const char *s, size_t n);
/* Writes text, cleaned; false on a write error. */
bool term_write(FILE *out, const char *s, size_t n);
int term_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A view that prints with plain stdio calls: it writes into the stream
 * term_view_begin returns, which cleans the text (TERM_TEXT) on its way to
 * out; term_view_end closes it. Nothing is held but stdio's buffer. */
struct term_view {
	FILE *out, *f;
	char carry[4]; /* a UTF-8 character cut between two writes */
	size_t ncarry;
};
FILE *term_view_begin(struct term_view *v, FILE *out);
bool term_view_end(struct term_view *v);

#endif
