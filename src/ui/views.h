/* Views: they only format the model. */
#ifndef VBTOOL_VIEWS_H
#define VBTOOL_VIEWS_H

#include <stdio.h>

#include <json-c/json.h>

#include "report.h"

void view_status_text(FILE *out, const struct balloon_report *r);
/* The JSON contract of `status --json`, documented in vbtool(8). */
struct json_object *view_status_json(const struct balloon_report *r);
/* Writes a JSON document with a trailing newline; false on a write error. */
bool json_write(FILE *out, struct json_object *o);
/* Helpers for other views: an opt_u64 as a number or null. */
struct json_object *json_opt_u64(struct opt_u64 v);
struct json_object *json_str_or_null(const char *s);

/* The findings array, the same on the guest and the host side:
 * [{severity, code, message, hint}]. */
struct json_object *json_findings(const struct finding *f, size_t n);

/* "1.5 GiB" style sizes from kB, into buf. */
const char *fmt_kb(char *buf, size_t len, uint64_t kb);

#endif
