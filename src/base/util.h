/* src/base/: what every layer uses and nothing of vbtool's own: util.h
 * (allocation that cannot return NULL, errors in the house style, a growable
 * string), parse.h (checked numbers, line walking), format.h (sizes, JSON
 * values), term.h (what may reach a terminal), exit_codes.h. base/ may
 * include only base/. */
#ifndef VBTOOL_UTIL_H
#define VBTOOL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of elem-sized items to hold at least need items. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A copy of one value (at most n bytes) cleaned by term_ndup (base/term.h):
 * controls and invalid UTF-8 become '?', for text that reaches a terminal. */
char *xstrndup_printable(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "vbtool: <what>: <why>" on stderr, one line cleaned by base/term.h. */
void vb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, then "vbtool: hint: <hint>". */
void vb_err_hint(const char *hint, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable, always NUL-terminated byte string. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_detach(struct strbuf *sb);

#endif
