#include "host/values.h"
#include "base/util.h"

#include <string.h>

struct opt_u64 qmp_stat_value(struct json_object *v)
{
	if (!v || !json_object_is_type(v, json_type_int))
		return OPT_U64_UNKNOWN;
	/* get_uint64 turns negatives into 0 and get_int64 clamps big values to
	 * INT64_MAX, so ask for the sign first. */
	if (json_object_get_int64(v) < 0)
		return OPT_U64_UNKNOWN;
	uint64_t u = json_object_get_uint64(v);
	if (u == UINT64_MAX)
		return OPT_U64_UNKNOWN;
	return opt_u64(u);
}

struct opt_u64 qmp_member_u64(struct json_object *obj, const char *key)
{
	struct json_object *v;
	if (!obj || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return OPT_U64_UNKNOWN;
	return opt_u64(json_object_get_uint64(v));
}

const char *qmp_member_str(struct json_object *obj, const char *key)
{
	struct json_object *v;
	if (!obj || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

char *qmp_stat_key(const char *qemu_name)
{
	if (strncmp(qemu_name, "stat-", 5) == 0)
		qemu_name += 5;
	char *k = xstrndup_printable(qemu_name, strlen(qemu_name));
	for (char *p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	return k;
}
