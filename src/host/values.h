/* Reading numbers out of QMP replies. Guest statistics use UINT64_MAX (and,
 * in very old QEMU, -1) for "not reported": those become unknown. */
#ifndef VBTOOL_QMP_VALUES_H
#define VBTOOL_QMP_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "base/parse.h"

/* A statistic: unknown unless a number other than -1 and UINT64_MAX. */
struct opt_u64 qmp_stat_value(struct json_object *v);
/* A plain non-negative integer member of obj; unknown when missing, not an
 * integer, or negative. */
struct opt_u64 qmp_member_u64(struct json_object *obj, const char *key);
/* A string member, or NULL. */
const char *qmp_member_str(struct json_object *obj, const char *key);
/* "stat-free-memory" -> "free_memory" (allocated). */
char *qmp_stat_key(const char *qemu_name);

#endif
