/* The event parser's text helpers: tokens, numbers, display copies. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "key" followed by a number, where key starts a token. */
const char *token_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *p = s, *end = s + n;
	while (p < end && (p = memmem(p, (size_t)(end - p), key, kl))) {
		if (p == s || p[-1] == ' ' || p[-1] == ',' || p[-1] == '(' || p[-1] == '\t')
			return p + kl;
		p++;
	}
	return NULL;
}

struct opt_u64 tok_u64_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *v = token_n(s, n, key, kl);
	if (!v)
		return OPT_U64_UNKNOWN;
	while (v < s + n && *v == ' ')
		v++;
	return num_at(v, s + n, NULL);
}

struct opt_i64 tok_i64_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *v = token_n(s, n, key, kl);
	if (!v)
		return (struct opt_i64){ false, 0 };
	while (v < s + n && *v == ' ')
		v++;
	return snum_at(v, s + n);
}

/* Copies text for display: control bytes and invalid UTF-8 become '?'. */
void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap;) {
		unsigned char c = (unsigned char)src[i];
		size_t seq = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		bool valid = seq > 0 && i + seq <= n && !(seq == 2 && c < 0xc2);
		for (size_t k = 1; valid && k < seq; k++)
			if (((unsigned char)src[i + k] & 0xc0) != 0x80)
				valid = false;
		if (!valid || c < 0x20 || c == 0x7f) {
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + seq >= cap)
			break;
		memcpy(dst + o, src + i, seq);
		o += seq;
		i += seq;
	}
	dst[o] = '\0';
}

/* "PID (comm)" at s; the comm ends at the first terminator found after the
 * '(' (comms may hold spaces and parentheses), else at the last ')'. */
bool pid_comm(const char *s, const char *end, const char *const *terms, struct opt_u64 *pid, char *comm,
		     size_t cap)
{
	const char *p;
	*pid = num_at(s, end, &p);
	if (!pid->known || end - p < 2 || p[0] != ' ' || p[1] != '(')
		return false;
	const char *c = p + 2, *ce = NULL;
	for (size_t i = 0; terms && terms[i] && !ce; i++)
		ce = memmem(c, (size_t)(end - c), terms[i], strlen(terms[i]));
	if (!ce) {
		ce = end;
		while (ce > c && ce[-1] != ')')
			ce--;
		if (ce == c)
			return false;
		ce--;
	}
	copy_text(comm, cap, c, (size_t)(ce - c));
	return true;
}
