/* See scan.h. The buffer is OOM_SCAN_BUF bytes plus a zeroed pad, so the
 * vector loads may run past the last line without reading garbage. */
#include "oom/scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/util.h"

#define PAD 64

/* q points at "oo" or "Ki" (q >= base, q[0..3] readable). */
static inline bool key_at(const char *base, const char *q)
{
	if (q[0] == 'K')
		return q[2] == 'l' && q[3] == 'l'; /* Kill, Killed */
	if (q[2] == 'm')
		return true; /* oom */
	return q[2] == 'n' && q - base >= 3 && q[-1] == 'l' && q[-2] == 'l' && q[-3] == 'a'; /* alloon */
}

/* The first key in [p, end); p..end+PAD readable. */
static const char *find_key(const char *base, const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i o = _mm_set1_epi8('o'), k = _mm_set1_epi8('K'), i = _mm_set1_epi8('i');
	for (; p < end; p += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(p + 1));
		__m128i m = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, o), _mm_cmpeq_epi8(b, o)),
					 _mm_and_si128(_mm_cmpeq_epi8(a, k), _mm_cmpeq_epi8(b, i)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		while (bits) {
			const char *q = p + __builtin_ctz(bits);
			if (q >= end)
				return NULL;
			if (key_at(base, q))
				return q;
			bits &= bits - 1;
		}
	}
	return NULL;
#else
	for (; p < end; p++)
		if (((p[0] == 'o' && p[1] == 'o') || (p[0] == 'K' && p[1] == 'i')) && key_at(base, p))
			return p;
	return NULL;
#endif
}

bool oom_has_key(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == 'o' && s[i + 1] == 'o') || (s[i] == 'K' && s[i + 1] == 'i')) {
			char q[4] = { s[i], s[i + 1], i + 2 < n ? s[i + 2] : 0, i + 3 < n ? s[i + 3] : 0 };
			if (q[0] == 'K' ? (q[2] == 'l' && q[3] == 'l')
					: (q[2] == 'm' || (q[2] == 'n' && i >= 3 && memcmp(s + i - 3, "all", 3) == 0)))
				return true;
		}
	return false;
}

struct scan {
	struct oom_parser *p;
	char *buf;
	uint64_t base_off; /* stream offset of buf[0] */
	bool want;	   /* the parser asked for the next line */
};

/* Complete lines in [q, lim): the hot loop. */
static void scan_lines(struct scan *s, const char *q, const char *lim)
{
	while (q < lim) {
		const char *ls = q;
		bool key = !s->want;
		if (key) {
			const char *k = find_key(s->buf, q, lim);
			if (!k)
				return;
			const char *nl = k > q ? memrchr(q, '\n', (size_t)(k - q)) : NULL;
			ls = nl ? nl + 1 : q;
		}
		const char *e = memchr(ls, '\n', (size_t)(lim - ls));
		if (!e)
			e = lim;
		if (!key) /* a line the parser asked for: it may hold a key too */
			key = find_key(s->buf, ls, e) != NULL;
		s->want = oom_parser_line(s->p, ls, (size_t)(e - ls), s->base_off + (uint64_t)(ls - s->buf), key, false);
		q = e + 1;
	}
}

int oom_scan_input(struct oom_input *in, struct oom_parser *p)
{
	struct scan s = { .p = p, .buf = xmalloc(OOM_SCAN_BUF + PAD) };
	size_t have = 0;
	bool eof = false, skipping = false;
	int err = 0;
	while (!eof) {
		ssize_t r = oom_input_read(in, s.buf + have, OOM_SCAN_BUF - have);
		if (r < 0) {
			err = (int)r;
			eof = true; /* still parse what was read */
		} else if (r == 0) {
			eof = true;
		}
		have += r > 0 ? (size_t)r : 0;
		memset(s.buf + have, 0, PAD);
		char *start = s.buf, *end = s.buf + have;
		if (skipping) { /* the rest of an over-long line */
			char *nl = memchr(start, '\n', have);
			if (!nl) {
				s.base_off += have;
				have = 0;
				continue;
			}
			start = nl + 1;
			skipping = false;
		}
		char *lim;
		if (eof) {
			lim = end;
		} else {
			char *nl = end > start ? memrchr(start, '\n', (size_t)(end - start)) : NULL;
			lim = nl ? nl + 1 : NULL;
		}
		if (!lim) {
			if (start == s.buf && have == OOM_SCAN_BUF) {
				/* a line longer than the buffer: parse its head, skip the rest */
				bool key = find_key(s.buf, s.buf, end) != NULL;
				if (s.want || key)
					s.want = oom_parser_line(p, s.buf, have, s.base_off, key, true);
				skipping = true;
				s.base_off += have;
				have = 0;
				continue;
			}
			lim = start;
		}
		scan_lines(&s, start, lim);
		size_t rest = (size_t)(end - lim);
		memmove(s.buf, lim, rest);
		s.base_off += (uint64_t)(lim - s.buf);
		have = rest;
	}
	free(s.buf);
	return err;
}
