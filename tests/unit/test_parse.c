#include "base/parse.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int u64(const char *s, int base, uint64_t *v)
{
	return parse_u64(s, strlen(s), base, v);
}

static int kv_count;
static bool count_kv(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	(void)ctx;
	kv_count++;
	return span_eq(k, klen, "key") && span_eq(v, vlen, "value");
}

int main(void)
{
	uint64_t v = 0;
	int64_t i = 0;
	ok(u64("0", 10, &v) && v == 0, "zero");
	ok(u64("  42 \n", 10, &v) && v == 42, "blanks and newline around a number");
	ok(u64("18446744073709551615", 10, &v) && v == UINT64_MAX, "UINT64_MAX is accepted");
	ok(!u64("18446744073709551616", 10, &v), "UINT64_MAX + 1 overflows and is rejected");
	ok(!u64("99999999999999999999999", 10, &v), "far too large is rejected");
	ok(!u64("", 10, &v), "empty is rejected");
	ok(!u64("12a", 10, &v), "trailing garbage is rejected");
	ok(!u64("-1", 10, &v), "negative is rejected for unsigned");
	ok(!u64("1 2", 10, &v), "two numbers are rejected");
	ok(u64("0x0005", 16, &v) && v == 5, "hex with 0x");
	ok(u64("0x1af4", 0, &v) && v == 0x1af4, "base 0 detects hex");
	ok(u64("0x0000000f", 16, &v) && v == 15, "status format");
	ok(!u64("0x", 16, &v), "bare 0x is rejected");
	ok(!u64("0xfffffffffffffffff", 16, &v), "17 hex digits overflow");
	ok(!parse_u64("12\0" "3", 4, 10, &v), "an embedded NUL is rejected");
	ok(parse_i64("-5", 2, &i) && i == -5, "signed negative");
	ok(parse_i64("-9223372036854775808", 20, &i) && i == INT64_MIN, "INT64_MIN");
	ok(!parse_i64("9223372036854775808", 19, &i), "INT64_MAX + 1 is rejected");
	double d;
	ok(parse_double("12.50", 5, &d) && d == 12.5, "double");
	ok(!parse_double("nan", 3, &d), "NaN is rejected");
	ok(!parse_double("1e999", 5, &d), "infinity is rejected");
	ok(!mul_u64(UINT64_MAX / 2 + 1, 2, &v), "multiplication overflow is caught");
	ok(mul_u64(262144, 4096, &v) && v == 1073741824ULL, "pages to bytes");

	struct line_iter it;
	const char *l;
	size_t n;
	const char buf[] = "a\nbb\n\nccc";
	int count = 0;
	line_iter_init(&it, buf, sizeof(buf) - 1);
	while (line_iter_next(&it, &l, &n))
		count++;
	is_u64(count, 4, "line iterator yields 4 lines including the empty one and the unterminated last");

	const char *k, *val;
	size_t kl, vl;
	ok(split_kv("balloon capabilities  :     0x3e", 32, ':', &k, &kl, &val, &vl) && kl == 20 && vl == 4,
	   "split_kv trims both sides");
	ok(!split_kv("no separator", 12, ':', &k, &kl, &val, &vl), "split_kv without a separator");

	/* Leading blanks on the last line: the trimmed length must be used
	 * (an over-read past the buffer otherwise, seen by ASan). */
	static const char kv[] = "key: value\n   \n  key  :  value  \nnocolon\n\n    key:value";
	char *heap = strndup(kv, sizeof(kv) - 1);
	kv_count = 0;
	is_u64(kv_foreach(heap, strlen(heap), ':', count_kv, NULL), 1, "one line without a separator");
	is_u64(kv_count, 3, "three key/value lines, blank lines skipped");
	free(heap);
	static const char nul[] = "key: value\nk\0ey: value\n";
	kv_count = 0;
	is_u64(kv_foreach(nul, sizeof(nul) - 1, ':', count_kv, NULL), 1, "a line with a NUL byte is not understood");
	return tap_done();
}
