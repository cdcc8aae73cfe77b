/* See scan.h. The buffer is OOM_SCAN_BUF bytes plus a zeroed pad, so the
 * vector loads may run past the last line without reading garbage.
 *
 * Which lines reach oom_parser_line (the rule; the parser and this file
 * keep it together):
 * - a line holding a key (key_at below) always, with key = true;
 * - any other line only when the parser's last return asked for the next
 *   line. It asks (event.c, wants_all) while a line it holds may go on in
 *   a wrapped continuation, in an event's tail, and inside an event until
 *   BODY_QUIET_LINES (parser.h) lines in a row were nothing a report holds
 *   (in_event_line returned false: chatter, or a report whose kill line
 *   never came). After that only key lines come until the next event, so
 *   a line type the parser needs in a report's body must be known to
 *   in_event_line (return true), or hold a key, or come within that many
 *   lines of a known one.
 * Lines are never copied here: the parser gets pointers into the buffer. */
#include "oom/scan.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "base/util.h"

#define PAD 64 /* >= 34: the vector loads past the last byte (find_key) */
/* Regular files from this size on are mapped, MAP_WINDOW at a time; the
 * last MAP_TAIL bytes go through the read path (it has the padding and
 * follows a file that grows). */
#define MAP_MIN ((uint64_t)16 << 20)
#define MAP_WINDOW ((uint64_t)1 << 20) /* 4 MiB: the same speed, 3 MiB more RSS */
#define MAP_TAIL ((uint64_t)64 << 10)

/* Is there a key at q, a candidate pair ("oo", "Ki", "Ke", "Ou", "OO") in
 * [base, end)? Reads only [base, end), so a key never spans lines. */
static inline bool key_at(const char *base, const char *q, const char *end)
{
	size_t left = (size_t)(end - q);
	if (q[0] == 'K') { /* Kill, Killed; "Kernel panic - not syncing:" (an OOM death without a report) */
		if (q[1] == 'i')
			return left >= 4 && q[2] == 'l' && q[3] == 'l';
		return left >= 28 && memcmp(q, "Kernel panic - not syncing: ", 28) == 0;
	}
	if (q[0] == 'O') { /* "Out of memory and no killable", SysRq-f's "Manual OOM execution" */
		if (q[1] == 'u')
			return left >= 29 && memcmp(q, "Out of memory and no killable", 29) == 0;
		return left >= 3 && q[2] == 'M' && q - base >= 7 && memcmp(q - 7, "Manual ", 7) == 0;
	}
	if (left < 3)
		return false;
	if (q[2] == 'm')
		return true; /* oom */
	return q[2] == 'n' && q - base >= 3 && q[-1] == 'l' && q[-2] == 'l' && q[-3] == 'a'; /* alloon */
}

static inline bool key_pair(const char *p)
{
	return (p[0] == 'o' && p[1] == 'o') || (p[0] == 'K' && (p[1] == 'i' || p[1] == 'e')) ||
	       (p[0] == 'O' && (p[1] == 'O' || p[1] == 'u'));
}

/* The vector filters below mark the positions where three bytes start a
 * key: "oom", "oon" (alloon), "Kil", "Ker", "Out", "OOM"; key_at decides.
 * Each scans [*pp, vend), reading up to 34 bytes past vend, and returns the
 * first key or NULL, with *pp where it stopped. */
#define KEY_MASK(T, set1, cmpeq, and, or)                                                                    \
	do {                                                                                                 \
		T o_ = set1('o'), b_o = cmpeq(b, o_);                                                       \
		T ko = and(and(cmpeq(a, o_), b_o), or(cmpeq(c, set1('m')), cmpeq(c, set1('n'))));           \
		T kk = and(cmpeq(a, set1('K')), or(and(cmpeq(b, set1('i')), cmpeq(c, set1('l'))),            \
						   and(cmpeq(b, set1('e')), cmpeq(c, set1('r')))));          \
		T kO = and(cmpeq(a, set1('O')), or(and(cmpeq(b, set1('u')), cmpeq(c, set1('t'))),            \
						   and(cmpeq(b, set1('O')), cmpeq(c, set1('M')))));          \
		m = or(or(ko, kk), kO);                                                                      \
	} while (0)

#ifdef __SSE2__
static const char *find_key_sse2(const char *base, const char **pp, const char *vend, const char *end)
{
	const char *p = *pp;
	for (; p < vend; p += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)p), b = _mm_loadu_si128((const __m128i *)(p + 1)),
			c = _mm_loadu_si128((const __m128i *)(p + 2)), m;
		KEY_MASK(__m128i, _mm_set1_epi8, _mm_cmpeq_epi8, _mm_and_si128, _mm_or_si128);
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		for (; bits; bits &= bits - 1) {
			const char *q = p + __builtin_ctz(bits);
			if (q >= end)
				break;
			if (key_at(base, q, end))
				return q;
		}
	}
	*pp = p;
	return NULL;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
__attribute__((target("avx2"))) static const char *find_key_avx2(const char *base, const char **pp,
								   const char *vend, const char *end)
{
	const char *p = *pp;
	for (; p < vend; p += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)p), b = _mm256_loadu_si256((const __m256i *)(p + 1)),
			c = _mm256_loadu_si256((const __m256i *)(p + 2)), m;
		KEY_MASK(__m256i, _mm256_set1_epi8, _mm256_cmpeq_epi8, _mm256_and_si256, _mm256_or_si256);
		unsigned bits = (unsigned)_mm256_movemask_epi8(m);
		for (; bits; bits &= bits - 1) {
			const char *q = p + __builtin_ctz(bits);
			if (q >= end)
				break;
			if (key_at(base, q, end))
				return q;
		}
	}
	*pp = p;
	return NULL;
}
#endif

/* The first key in [p, end), base <= p the start of the text. padded: 34
 * bytes past end are readable (the scan buffer's pad), so the vector loop
 * runs to the end; otherwise it stops that much short and the last bytes
 * go one by one. */
static const char *find_key(const char *base, const char *p, const char *end, bool padded)
{
	const char *vend = padded ? end : end - (end - p < 34 ? end - p : 34);
	const char *k = NULL;
#ifdef HAVE_AVX2_PATH
	static int avx2 = -1;
	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (avx2)
		k = find_key_avx2(base, &p, vend, end);
	else
#endif
#ifdef __SSE2__
		k = find_key_sse2(base, &p, vend, end);
#else
		(void)vend;
#endif
	if (k || p >= end)
		return k;
	for (; p + 1 < end; p++)
		if (key_pair(p) && key_at(base, p, end))
			return p;
	return NULL;
}

bool oom_has_key(const char *s, size_t n)
{
	return find_key(s, s, s + n, false) != NULL;
}

struct scan {
	struct oom_parser *p;
	char *buf;
	const char *base;  /* buf, or a mapped window of the file */
	uint64_t base_off; /* stream offset of base[0] */
	bool want;	   /* the parser asked for the next line */
};

/* Complete lines in [q, lim): the hot loop. */
static void scan_lines(struct scan *s, const char *q, const char *lim)
{
	while (q < lim) {
		const char *ls = q;
		bool key = !s->want;
		if (key) {
			const char *k = find_key(s->base, q, lim, true);
			if (!k)
				return;
			const char *nl = k > q ? memrchr(q, '\n', (size_t)(k - q)) : NULL;
			ls = nl ? nl + 1 : q;
		}
		const char *e = memchr(ls, '\n', (size_t)(lim - ls));
		if (!e)
			e = lim;
		if (!key) /* a line the parser asked for: it may hold a key too */
			key = find_key(s->base, ls, e, true) != NULL;
		s->want = oom_parser_line(s->p, ls, (size_t)(e - ls), s->base_off + (uint64_t)(ls - s->base), key, false);
		q = e + 1;
	}
}

/* ---- a large regular file: mapped a window at a time ----------------------
 * No copy into a buffer (a read copies every byte once more, a fifth of the
 * time of a whole run), and the windows are unmapped as they are done, so
 * the mapped file adds at most MAP_WINDOW to the resident memory. If the
 * file is cut while it is mapped, reading past its new end raises SIGBUS:
 * the handler puts a zero page there and the scan stops with an error. */

static const char *volatile bus_lo, *volatile bus_hi; /* the window being read */
static volatile sig_atomic_t bus_hit;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	const char *a = si->si_addr;
	long pg = sysconf(_SC_PAGESIZE);
	if (a < bus_lo || a >= bus_hi || pg <= 0) {
		signal(sig, SIG_DFL); /* not ours: die of it when the load runs again */
		return;
	}
	void *page = (void *)(a - ((uintptr_t)a % (uintptr_t)pg)); /* pointer arithmetic, no int-to-pointer cast */
	if (mmap(page, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		signal(sig, SIG_DFL);
	bus_hit = 1;
}

/* Scans whole lines of the file's [*off, size) through windows and stops,
 * *off at a line start, where the read path must go on: near the end, at a
 * line longer than a window, or when mmap fails. Returns
 * -OOM_INPUT_ESHRANK when the file was cut under it, else 0. */
static int scan_mapped(struct scan *s, int fd, uint64_t size, uint64_t *off)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		return 0;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) < 0)
		return 0;
	int err = 0;
	bus_hit = 0;
	while (size - *off > MAP_TAIL) {
		uint64_t moff = *off & ~(uint64_t)(pg - 1);
		uint64_t mlen = size - moff < MAP_WINDOW ? size - moff : MAP_WINDOW;
		/* no MAP_POPULATE: it maps page by page, faults map 16 at a time
		 * (fault-around) and cost less (explain-oom bench: -12%) */
		char *m = mmap(NULL, (size_t)mlen, PROT_READ, MAP_PRIVATE, fd, (off_t)moff);
		if (m == MAP_FAILED)
			break;
		bus_lo = m;
		bus_hi = m + mlen;
		(void)madvise(m, (size_t)mlen, MADV_SEQUENTIAL);
		/* whole lines that end PAD bytes before the window does, so the
		 * vector loads stay inside it */
		const char *start = m + (*off - moff), *end = m + mlen - PAD;
		const char *nl = end > start ? memrchr(start, '\n', (size_t)(end - start)) : NULL;
		if (nl) {
			s->base = m;
			s->base_off = moff;
			scan_lines(s, start, nl + 1);
			*off = moff + (uint64_t)(nl + 1 - m);
		}
		bus_lo = bus_hi = NULL;
		munmap(m, (size_t)mlen);
		if (bus_hit) {
			err = -OOM_INPUT_ESHRANK;
			break;
		}
		if (!nl) /* a line longer than a window: the read path cuts it */
			break;
	}
	sigaction(SIGBUS, &old, NULL);
	return err;
}

int oom_scan_input(struct oom_input *in, struct oom_parser *p)
{
	struct scan s = { .p = p, .buf = xmalloc(OOM_SCAN_BUF + PAD) };
	size_t have = 0;
	bool eof = false, skipping = false;
	int err = 0;
	int fd;
	uint64_t size, off = 0;
	if (oom_input_mappable(in, MAP_MIN, &fd, &size)) {
		err = scan_mapped(&s, fd, size, &off);
		if (err < 0 || (off && (err = oom_input_seek(in, off)) < 0)) {
			free(s.buf);
			return err;
		}
		s.base_off = off;
	}
	s.base = s.buf;
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
				bool key = find_key(s.buf, s.buf, end, true) != NULL;
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
