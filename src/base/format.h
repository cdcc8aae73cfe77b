/* Formatting shared by every view (status, top, explain-oom, the host side):
 * human sizes and the JSON building blocks. */
#ifndef VBTOOL_FORMAT_H
#define VBTOOL_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "base/parse.h"

/* v in decimal, written so that it ends just before end (at most 20
 * bytes); returns where it starts. */
char *fmt_u64_before(char *end, uint64_t v);
/* "1.5 GiB" style sizes from kB, into buf. */
const char *fmt_kb(char *buf, size_t len, uint64_t kb);
/* part/whole as a percentage, the one rounding every view uses (issue #12):
 * whole percent, half up; a tenth below 1% ("<0.1%" for a sliver), so a
 * small balloon is not "0%". "?" when whole is 0. */
const char *fmt_percent(char *buf, size_t len, uint64_t part, uint64_t whole);

/* Writes a JSON document with a trailing newline; false on a write error.
 * DEL and C1 controls (U+0080-U+009F) in strings are written as \u escapes,
 * like json-c writes C0: the data stays whole, a terminal sees no control. */
bool json_write(FILE *out, struct json_object *o);
/* Writes JSON text json-c serialized, escaped the same way, no newline. */
bool json_fputs(FILE *out, const char *s);
/* An opt_u64 as a number, or NULL (JSON null) when unknown. */
struct json_object *json_opt_u64(struct opt_u64 v);
/* A string as valid UTF-8 (other bytes become '?'), or NULL for NULL. */
struct json_object *json_str_or_null(const char *s);

#endif
