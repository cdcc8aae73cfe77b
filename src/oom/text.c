/* The event parser's text helpers: tokens, numbers, display copies. */
#include "oom/parser.h"
#include "base/term.h"
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
	term_clean_buf(dst, cap, src, n, TERM_VALUE);
}

/* A cgroup path for display: as copy_text, without blanks. A path holds
 * none (systemd escapes them as \x20), so any blank is a paste's wrap. */
void copy_path(char *dst, size_t cap, const char *src, size_t n)
{
	copy_text(dst, cap, src, n);
	size_t o = 0;
	for (size_t i = 0; dst[i]; i++)
		if (dst[i] != ' ')
			dst[o++] = dst[i];
	dst[o] = '\0';
}

/* " (comm)" at s; the comm ends at the first terminator found after the
 * '(' (comms may hold spaces and parentheses), else at the last ')'. */
bool comm_at(const char *s, const char *end, const char *const *terms, char *comm, size_t cap)
{
	if (end - s < 2 || s[0] != ' ' || s[1] != '(')
		return false;
	const char *c = s + 2, *ce = NULL;
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

/* "PID (comm)" at s, the comm as comm_at() finds it. */
bool pid_comm(const char *s, const char *end, const char *const *terms, struct opt_u64 *pid, char *comm,
	      size_t cap)
{
	const char *p;
	*pid = num_at(s, end, &p);
	return pid->known && comm_at(p, end, terms, comm, cap);
}
