/* Formatting shared by every view: human sizes and JSON values. */
#include "base/format.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const char *fmt_kb(char *buf, size_t len, uint64_t kb)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)kb;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu KiB", (unsigned long long)kb);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

struct json_object *json_opt_u64(struct opt_u64 v)
{
	return v.known ? json_object_new_uint64(v.v) : NULL;
}

/* Strings read from other machines may hold anything: keep valid UTF-8,
 * replace every other byte with '?', so the document stays valid JSON. */
static size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

struct json_object *json_str_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	char *copy = xmalloc(len + 1), *o = copy;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			*o++ = '?';
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	struct json_object *j = json_object_new_string(copy);
	free(copy);
	return j;
}

bool json_write(FILE *out, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	return fputs(s, out) >= 0 && fputc('\n', out) != EOF;
}
