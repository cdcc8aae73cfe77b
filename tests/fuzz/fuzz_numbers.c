/* The checked number parsers every other parser relies on, against an
 * independent oracle (strtoull/strtoll on the same text). */
#include "base/parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What parse_u64 must accept: optional blanks, digits of the base (with
 * "0x" for base 16/0), optional blanks; and nothing that overflows. */
static bool oracle_u64(const char *s, size_t len, int base, uint64_t *out)
{
	while (len && blank(*s))
		s++, len--;
	while (len && blank(s[len - 1]))
		len--;
	if (len == 0 || len > 64)
		return false;
	int b = base ? base : 10;
	if ((base == 0 || base == 16) && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2, len -= 2, b = 16;
	}
	char tmp[80];
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = b == 16 ? isxdigit((unsigned char)c) : (c >= '0' && c <= '9');
		if (!ok)
			return false;
		tmp[i] = c;
	}
	tmp[len] = '\0';
	errno = 0;
	char *end;
	unsigned long long v = strtoull(tmp, &end, b);
	if (errno == ERANGE || *end)
		return false;
	*out = v;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 100)
		return 0;
	int base = data[0] % 3 == 0 ? 0 : data[0] % 3 == 1 ? 10 : 16;
	size_t len = size - 1;
	char *s = malloc(len ? len : 1);
	memcpy(s, data + 1, len);

	uint64_t got = 0, want = 0;
	bool gok = parse_u64(s, len, base, &got);
	bool wok = oracle_u64(s, len, base, &want);
	if (gok != wok || (gok && got != want))
		abort();

	/* parse_i64: an optional sign directly followed by what parse_u64
	 * accepts in base 10 ("- 4" is not a number). */
	int64_t i64;
	bool iok = parse_i64(s, len, &i64);
	{
		const char *t = s;
		size_t tl = len;
		while (tl && blank(*t))
			t++, tl--;
		bool neg = false, signed_blank = false;
		if (tl && (*t == '-' || *t == '+')) {
			neg = *t == '-', t++, tl--;
			signed_blank = tl && blank(*t);
		}
		uint64_t mag;
		bool mok = !signed_blank && oracle_u64(t, tl, 10, &mag);
		bool want_ok = mok && (neg ? mag <= (uint64_t)INT64_MAX + 1 : mag <= (uint64_t)INT64_MAX);
		if (iok != want_ok)
			abort();
		if (iok && (neg ? (uint64_t)0 - (uint64_t)i64 != mag : (uint64_t)i64 != mag))
			abort();
	}

	double d;
	if (parse_double(s, len, &d) && !isfinite(d))
		abort();

	uint64_t a = got, b2 = want ^ 0x5555, r;
	if (mul_u64(a, b2, &r) && b2 && r / b2 != a)
		abort();
	if (add_u64(a, b2, &r) && r < a)
		abort();
	free(s);
	return 0;
}
