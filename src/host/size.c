#include "host/size.h"
#include "base/parse.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *suffix;
	unsigned shift;
} units[] = {
	{ "", 0 },     { "b", 0 },    { "k", 10 },   { "kb", 10 },  { "kib", 10 }, { "m", 20 },
	{ "mb", 20 },  { "mib", 20 }, { "g", 30 },   { "gb", 30 },  { "gib", 30 }, { "t", 40 },
	{ "tb", 40 },  { "tib", 40 },
};

bool parse_size_bytes(const char *s, uint64_t *out, const char **why)
{
	size_t n = strlen(s);
	size_t digits = 0;
	while (digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits == 0) {
		*why = "not a number";
		return false;
	}
	uint64_t v;
	if (!parse_u64(s, digits, 10, &v)) {
		*why = "number too large";
		return false;
	}
	const char *suf = s + digits;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(suf, units[i].suffix) != 0)
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift)) {
			*why = "number too large";
			return false;
		}
		*out = v << units[i].shift;
		return true;
	}
	*why = "unknown unit (use K, M, G or T, powers of 1024)";
	return false;
}

const char *fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < sizeof(names) / sizeof(names[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, names[u]);
	else
		snprintf(buf, len, "%.1f %s", v, names[u]);
	return buf;
}
