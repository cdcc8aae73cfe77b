#include "base/parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t trim_span(const char **s, size_t len)
{
	const char *p = *s;
	while (len && is_blank(*p)) {
		p++;
		len--;
	}
	while (len && is_blank(p[len - 1]))
		len--;
	*s = p;
	return len;
}

bool span_eq(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return len == n && memcmp(s, lit, n) == 0;
}

bool mem_has_nul(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

bool parse_u64(const char *s, size_t len, int base, uint64_t *out)
{
	len = trim_span(&s, len);
	if (len == 0 || len > 64)
		return false;
	if ((base == 0 || base == 16) && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
		base = 16;
	} else if (base == 0) {
		base = 10;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return true;
}

bool parse_i64(const char *s, size_t len, int64_t *out)
{
	len = trim_span(&s, len);
	bool neg = false;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
		if (len && is_blank(s[0]))
			return false;
	}
	uint64_t v;
	if (!parse_u64(s, len, 10, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

bool parse_double(const char *s, size_t len, double *out)
{
	char tmp[64];
	len = trim_span(&s, len);
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	char *end;
	errno = 0;
	double d = strtod(tmp, &end);
	if (errno || end != tmp + len || !isfinite(d))
		return false;
	*out = d;
	return true;
}

bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

bool add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

void line_iter_init(struct line_iter *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf ? buf + len : buf;
}

bool line_iter_next(struct line_iter *it, const char **line, size_t *len)
{
	if (!it->p || it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *stop = nl ? nl : it->end;
	*line = it->p;
	*len = (size_t)(stop - it->p);
	it->p = nl ? nl + 1 : it->end;
	return true;
}

int kv_foreach(const char *buf, size_t len, char sep, kv_line_fn fn, void *ctx)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen;
	int bad = 0;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if ((n = trim_span(&line, n)) == 0)
			continue;
		if (mem_has_nul(line, n) || !split_kv(line, n, sep, &k, &klen, &v, &vlen) || !fn(ctx, k, klen, v, vlen))
			bad++;
	}
	return bad;
}

bool split_kv(const char *line, size_t len, char sep, const char **key, size_t *klen,
	      const char **val, size_t *vlen)
{
	const char *c = memchr(line, sep, len);
	if (!c)
		return false;
	*key = line;
	*klen = trim_span(key, (size_t)(c - line));
	*val = c + 1;
	*vlen = trim_span(val, len - (size_t)(c - line) - 1);
	return *klen > 0;
}
