/* Formatting shared by every view: human sizes and JSON values. */
#include "base/format.h"
#include "base/jsonw.h"
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

char *fmt_u64_before(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

const char *fmt_kb(char *buf, size_t len, uint64_t kb)
{
	static const char units[][5] = { " KiB", " MiB", " GiB", " TiB", " PiB" };
	size_t u = 0;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && kb >> (10 * (u + 1)))
		u++;
	if (u && kb >= (uint64_t)1 << 53) { /* past a double's exact integers: as printf rounds it */
		double v = (double)kb;
		for (size_t k = 0; k < u; k++)
			v /= 1024;
		snprintf(buf, len, "%.1f%s", v, units[u]);
		return buf;
	}
	/* written backwards, in integers: printf was a tenth of explain-oom's
	 * text view, six sizes a task row */
	char tmp[32], *end = tmp + sizeof(tmp), *p = end - 4;
	memcpy(p, units[u], 4);
	if (u == 0) {
		p = fmt_u64_before(p, kb);
	} else {
		/* kb / 1024^u to a tenth, rounded as printf's %.1f rounds the
		 * exact binary value: to nearest, a tie to even */
		unsigned shift = 10 * (unsigned)u;
		uint64_t x = kb * 10, tenths = x >> shift; /* kb < 2^53: no overflow */
		uint64_t rem = x & (((uint64_t)1 << shift) - 1), half = (uint64_t)1 << (shift - 1);
		if (rem > half || (rem == half && (tenths & 1)))
			tenths++;
		*--p = (char)('0' + tenths % 10);
		*--p = '.';
		p = fmt_u64_before(p, tenths / 10);
	}
	if (len) { /* cut as snprintf cuts */
		size_t n = (size_t)(end - p) < len ? (size_t)(end - p) : len - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
	}
	return buf;
}

const char *fmt_percent(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (!whole) {
		snprintf(buf, len, "?");
		return buf;
	}
	long double p = (long double)part * 100 / (long double)whole;
	if (p > 1e9L) /* absurd input: keep the conversion defined */
		p = 1e9L;
	if (part && p < 0.05L)
		snprintf(buf, len, "<0.1%%");
	else if (part && p < 0.95L)
		snprintf(buf, len, "%.1Lf%%", p);
	else
		snprintf(buf, len, "%llu%%", (unsigned long long)(p + 0.5L));
	return buf;
}

struct json_object *json_opt_u64(struct opt_u64 v)
{
	return v.known ? json_object_new_uint64(v.v) : NULL;
}

/* Strings read from other machines may hold anything: keep valid UTF-8,
 * replace every other byte with '?', so the document stays valid JSON.
 * Controls stay (json-c escapes C0; json_fputs escapes DEL and C1). */
struct json_object *json_str_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	char *copy = xmalloc(len + 1), *o = copy;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = term_utf8_len((const char *)p, len - (size_t)(p - (const unsigned char *)s));
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

bool json_fputs(FILE *out, const char *s)
{
	/* the writer's cleaning, through its buffer: large writes, no copy of
	 * a long document */
	struct jsonw w;
	jsonw_init(&w, out);
	jsonw_text(&w, s, strlen(s));
	return jsonw_finish(&w);
}

bool json_write(FILE *out, struct json_object *o)
{
	return json_fputs(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) &&
	       fputc('\n', out) != EOF;
}
