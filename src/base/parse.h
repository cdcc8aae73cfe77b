/* Checked conversions for numbers read from files vbtool does not control:
 * no silent wrap-around, no trailing garbage, no partial numbers. */
#ifndef VBTOOL_PARSE_H
#define VBTOOL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value that may be unknown: never report unknown as 0. */
struct opt_u64 {
	bool known;
	uint64_t v;
};
#define OPT_U64_UNKNOWN ((struct opt_u64){ false, 0 })
static inline struct opt_u64 opt_u64(uint64_t v)
{
	return (struct opt_u64){ true, v };
}

/* Parses exactly s[0..len) (leading/trailing blanks allowed) as an unsigned
 * number in base 10, or base 16 with "0x" when base is 0 or 16. */
bool parse_u64(const char *s, size_t len, int base, uint64_t *out);
bool parse_i64(const char *s, size_t len, int64_t *out);
bool parse_double(const char *s, size_t len, double *out);

/* a * b and a + b without overflow; false when they would overflow. */
bool mul_u64(uint64_t a, uint64_t b, uint64_t *out);
bool add_u64(uint64_t a, uint64_t b, uint64_t *out);

/* Iterates over the lines of a buffer (which may hold NUL bytes).
 * Returns false at the end; the line and its length exclude the newline. */
struct line_iter {
	const char *p;
	const char *end;
};
void line_iter_init(struct line_iter *it, const char *buf, size_t len);
bool line_iter_next(struct line_iter *it, const char **line, size_t *len);

/* Splits "key<sep>value" at the first sep, trimming blanks around both. */
bool split_kv(const char *line, size_t len, char sep, const char **key, size_t *klen,
	      const char **val, size_t *vlen);

/* Calls fn with each non-blank "key<sep>value" line, both sides trimmed.
 * Returns how many lines were not understood: no separator, NUL bytes, or
 * fn returned false. */
typedef bool (*kv_line_fn)(void *ctx, const char *key, size_t klen, const char *val, size_t vlen);
int kv_foreach(const char *buf, size_t len, char sep, kv_line_fn fn, void *ctx);

bool mem_has_nul(const char *s, size_t len);
/* Trims blanks and the newline; returns the new length. */
size_t trim_span(const char **s, size_t len);
bool span_eq(const char *s, size_t len, const char *lit);

#endif
