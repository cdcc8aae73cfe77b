/* A streaming JSON writer: the text json-c writes for a tree with
 * JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, cleaned the way
 * json_fputs (format.h) cleans it, byte for byte, but written as it goes,
 * without building the tree (no allocation per value, one pass over each
 * string). For views that write many values (explain-oom --json).
 *
 * The form, as json-c's: an object or array opens with "{\n" or "[\n", each
 * member goes on its own line indented two spaces per level ("key":value,
 * no blank), ",\n" between members, and the closing bracket on a line of its
 * own at the parent's indent ("[\n]" when empty, indented). Strings: '"',
 * '\\' and the C0 controls escaped as json-c escapes them ("\n", "\u001b"),
 * '/' as it is; DEL and the C1 controls U+0080-U+009F as "\u007f",
 * "\u0085"; each byte that is not valid UTF-8 becomes '?'.
 *
 * Text is gathered in a buffer and written to the stream in large pieces;
 * with no stream it stays in the buffer (w->buf, w->len bytes). Errors are
 * sticky: after a write error, or misuse (a key inside an array, none inside
 * an object, closing what is not open, more than JSONW_DEPTH_MAX levels),
 * jsonw_finish returns false. */
#ifndef VBTOOL_JSONW_H
#define VBTOOL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/parse.h"

#define JSONW_DEPTH_MAX 64

struct jsonw {
	FILE *out; /* NULL: the text stays in buf */
	char *buf;
	size_t len, cap;
	unsigned depth;	   /* containers open */
	uint64_t members;  /* bit d-1: the container at depth d has a member */
	uint64_t arrays;   /* bit d-1: the container at depth d is an array */
	bool failed;
};

void jsonw_init(struct jsonw *w, FILE *out);
/* Writes what is buffered to the stream (nothing without one); false once
 * anything failed. */
bool jsonw_flush(struct jsonw *w);
/* jsonw_flush, then frees the buffer; false once anything failed. */
bool jsonw_finish(struct jsonw *w);

/* Each value takes its member's key: a string inside an object, NULL inside
 * an array and at the top. */
void jsonw_object(struct jsonw *w, const char *key);
void jsonw_array(struct jsonw *w, const char *key);
/* Closes the innermost object or array. */
void jsonw_end(struct jsonw *w);
void jsonw_null(struct jsonw *w, const char *key);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
void jsonw_i64(struct jsonw *w, const char *key, int64_t v);
void jsonw_u64(struct jsonw *w, const char *key, uint64_t v);
/* v as a number, or null when unknown. */
void jsonw_opt_u64(struct jsonw *w, const char *key, struct opt_u64 v);
/* A string; null for NULL. */
void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
/* A number already formatted (as json_object_new_double_s prints it),
 * written as it is: the caller makes it valid JSON. */
void jsonw_number(struct jsonw *w, const char *key, const char *text);

/* Appends s[0..n) as it is, outside of any value: the frame around values
 * (a document's own punctuation). */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);
/* Appends JSON text another writer made (json-c), cleaned as above: DEL and
 * C1 escaped, bytes that are not UTF-8 as '?' (json_fputs). */
void jsonw_text(struct jsonw *w, const char *s, size_t n);

#endif
