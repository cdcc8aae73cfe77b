/* Views of a guest's report: status as text and as JSON, and the findings
 * array that the host side and top share. Views only format the model:
 * they may include base/ and model/, never sources/ or the collector. */
#ifndef VBTOOL_VIEWS_H
#define VBTOOL_VIEWS_H

#include <stdio.h>

#include <json-c/json.h>

#include "base/format.h"
#include "model/report.h"

void view_status_text(FILE *out, const struct balloon_report *r);
/* The JSON contract of `status --json`, documented in vbtool(8). */
struct json_object *view_status_json(const struct balloon_report *r);

/* The findings array, the same on the guest and the host side:
 * [{severity, code, message, hint}]. */
struct json_object *json_findings(const struct finding *f, size_t n);

/* status --format prometheus: the families listed in vbtool(8). */
void view_status_prometheus(FILE *out, const struct balloon_report *r);
/* True when f[i] repeats an earlier finding's code and severity. */
bool finding_seen(const struct finding *f, size_t i);


#endif
