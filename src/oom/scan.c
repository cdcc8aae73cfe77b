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

#include <pthread.h>
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

#define OVERREAD 66	    /* the vector loads read up to this many bytes past where they stop */
#define PAD OOM_SCAN_PAD /* >= OVERREAD: zeroed bytes after the buffer's text */
_Static_assert(PAD >= OVERREAD, "the pad must cover the vector loads");
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
	if (q[0] == 'M') /* a syslogd wall broadcast's header: its time is the next line's */
		return left >= 20 && memcmp(q, "Message from syslogd", 20) == 0;
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
	       (p[0] == 'O' && (p[1] == 'O' || p[1] == 'u')) || (p[0] == 'M' && p[1] == 'e');
}

/* The vector filters below mark the positions where a key may start: "oom"
 * and "oon" (alloon) by their three bytes, the rare capitals by their first
 * two ("Ki", "Ke", "Ou", "OO", "Me"); key_at decides. Nine constants, so
 * the loop keeps them all in registers (the exact three-byte test for every
 * key needed fourteen and reloaded some on each pass: 30% slower). Each
 * scans [*pp, vend), reading up to OVERREAD bytes past vend, and returns the
 * first key or NULL, with *pp where it stopped. */
#define KEY_CONSTS(T, set1)                                                                                   \
	const T k_o = set1('o'), k_m = set1('m'), k_n = set1('n'), k_K = set1('K'), k_i = set1('i'),          \
		k_e = set1('e'), k_O = set1('O'), k_u = set1('u'), k_M = set1('M')
#define KEY_MASK(T, cmpeq, and, or, a, b, c)                                                                  \
	or(or(and(and(cmpeq(a, k_o), cmpeq(b, k_o)), or(cmpeq(c, k_m), cmpeq(c, k_n))),                      \
	      and(cmpeq(a, k_K), or(cmpeq(b, k_i), cmpeq(b, k_e)))),                                          \
	   or(and(cmpeq(a, k_O), or(cmpeq(b, k_u), cmpeq(b, k_O))), and(cmpeq(a, k_M), cmpeq(b, k_e))))

/* The candidates in bits, lowest first: the first that key_at accepts, or
 * NULL. */
static inline const char *first_key(const char *base, const char *p, uint64_t bits, const char *end)
{
	for (; bits; bits &= bits - 1) {
		const char *q = p + __builtin_ctzll(bits);
		if (q >= end)
			return NULL;
		if (key_at(base, q, end))
			return q;
	}
	return NULL;
}

#ifdef __SSE2__
static const char *find_key_sse2(const char *base, const char **pp, const char *vend, const char *end)
{
	KEY_CONSTS(__m128i, _mm_set1_epi8);
	const char *p = *pp;
	for (; p < vend; p += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)p), b = _mm_loadu_si128((const __m128i *)(p + 1)),
			c = _mm_loadu_si128((const __m128i *)(p + 2));
		unsigned bits = (unsigned)_mm_movemask_epi8(KEY_MASK(__m128i, _mm_cmpeq_epi8, _mm_and_si128,
								       _mm_or_si128, a, b, c));
		const char *k = bits ? first_key(base, p, bits, end) : NULL;
		if (k)
			return k;
	}
	*pp = p;
	return NULL;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
/* 64 bytes a pass, one branch for both halves. */
__attribute__((target("avx2"))) static const char *find_key_avx2(const char *base, const char **pp,
								   const char *vend, const char *end)
{
	KEY_CONSTS(__m256i, _mm256_set1_epi8);
	const char *p = *pp;
	for (; p < vend; p += 64) {
		__m256i a = _mm256_loadu_si256((const __m256i *)p), b = _mm256_loadu_si256((const __m256i *)(p + 1)),
			c = _mm256_loadu_si256((const __m256i *)(p + 2));
		__m256i a2 = _mm256_loadu_si256((const __m256i *)(p + 32)),
			b2 = _mm256_loadu_si256((const __m256i *)(p + 33)),
			c2 = _mm256_loadu_si256((const __m256i *)(p + 34));
		uint64_t lo = (uint32_t)_mm256_movemask_epi8(
			KEY_MASK(__m256i, _mm256_cmpeq_epi8, _mm256_and_si256, _mm256_or_si256, a, b, c));
		uint64_t hi = (uint32_t)_mm256_movemask_epi8(
			KEY_MASK(__m256i, _mm256_cmpeq_epi8, _mm256_and_si256, _mm256_or_si256, a2, b2, c2));
		uint64_t bits = lo | hi << 32;
		const char *k = bits ? first_key(base, p, bits, end) : NULL;
		if (k)
			return k;
	}
	*pp = p;
	return NULL;
}
#endif

/* The first key in [p, end), base <= p the start of the text. padded: OVERREAD
 * bytes past end are readable (the scan buffer's pad), so the vector loop
 * runs to the end; otherwise it stops that much short and the last bytes
 * go one by one. */
static const char *find_key(const char *base, const char *p, const char *end, bool padded)
{
	const char *vend = padded ? end : end - (end - p < OVERREAD ? end - p : OVERREAD);
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
	/* A line this short goes through a padded copy, so the vector loop
	 * covers all of it: byte by byte, its last OVERREAD bytes cost more
	 * than the copy (the parser asks this of every line of a report). */
	enum { SHORT = 512 };
	if (n <= SHORT) {
		char tmp[SHORT + PAD];
		memcpy(tmp, s, n);
		memset(tmp + n, 0, OVERREAD);
		return find_key(tmp, tmp, tmp + n, true) != NULL;
	}
	return find_key(s, s, s + n, false) != NULL;
}

struct scan {
	struct oom_parser *p;
	char *buf;
	const char *base;  /* buf, or a mapped window of the file */
	uint64_t base_off; /* stream offset of base[0] */
	bool want;	   /* the parser asked for the next line */
	/* A mapped window's keys, found by the read-ahead thread: the first
	 * key of each line holding one, as offsets from base, for the lines
	 * before base + keys_end; NULL: none found ahead. */
	const uint32_t *keys;
	size_t nkeys, ki;
	size_t keys_end;
};

/* The first key at or after q, a line start, in [q, lim). */
static const char *next_key(struct scan *s, const char *q, const char *lim)
{
	if (s->keys) {
		while (s->ki < s->nkeys && s->base + s->keys[s->ki] < q)
			s->ki++;
		if (s->ki < s->nkeys)
			return s->base + s->keys[s->ki] < lim ? s->base + s->keys[s->ki] : NULL;
		if (s->base + s->keys_end >= lim)
			return NULL;
		if (q < s->base + s->keys_end)
			q = s->base + s->keys_end;
	}
	return find_key(s->base, q, lim, true);
}

/* Complete lines in [q, lim): the hot loop. */
static void scan_lines(struct scan *s, const char *q, const char *lim)
{
	while (q < lim) {
		const char *ls = q;
		bool key = !s->want;
		if (key) {
			const char *k = next_key(s, q, lim);
			if (!k)
				return;
			const char *nl = k > q ? memrchr(q, '\n', (size_t)(k - q)) : NULL;
			ls = nl ? nl + 1 : q;
		}
		const char *e = memchr(ls, '\n', (size_t)(lim - ls));
		if (!e)
			e = lim;
		if (!key) /* a line the parser asked for: it may hold a key too */
			key = next_key(s, ls, e) != NULL;
		s->want = oom_parser_line(s->p, ls, (size_t)(e - ls), s->base_off + (uint64_t)(ls - s->base), key, false);
		q = e + 1;
	}
}

/* ---- a large regular file: mapped a window at a time ----------------------
 * No copy into a buffer (a read copies every byte once more, a fifth of the
 * time of a whole run), and the windows are unmapped as they are done, so
 * the mapped file adds at most three windows to the resident memory (the
 * one read, the next, the last on its way out). If the
 * file is cut while it is mapped, reading past its new end raises SIGBUS:
 * the handler puts a zero page there and the scan stops with an error. */

static const char *volatile bus_lo, *volatile bus_hi; /* the window being read */
static const char *volatile ahead_lo, *volatile ahead_hi; /* the one being faulted in */
static volatile sig_atomic_t bus_hit;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	const char *a = si->si_addr;
	long pg = sysconf(_SC_PAGESIZE);
	bool ours = (a >= bus_lo && a < bus_hi) || (a >= ahead_lo && a < ahead_hi);
	if (!ours || pg <= 0) {
		signal(sig, SIG_DFL); /* not ours: die of it when the load runs again */
		return;
	}
	void *page = (void *)(a - ((uintptr_t)a % (uintptr_t)pg)); /* pointer arithmetic, no int-to-pointer cast */
	if (mmap(page, (size_t)pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		signal(sig, SIG_DFL);
	bus_hit = 1;
}

/* The next window is mapped, its pages faulted in, and the last one
 * unmapped by a second thread while this one scans: the page faults and
 * unmaps (a fifth of a run's time, all in the kernel) leave the scan's
 * path. One request at a time. It reads a byte every FAULT_STEP: each
 * fault maps that much (the kernel's fault-around), where MAP_POPULATE
 * maps page by page, at 16 times the faults. */
#define FAULT_STEP ((size_t)64 << 10)
/* It also finds the window's key lines (the vector scan, a fifth of a run's
 * time), at most AHEAD_KEYS of them; the scan finds any past them itself. */
#define AHEAD_KEYS 4096
struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	uint64_t off, len; /* the window asked for */
	uint64_t start;	   /* the file offset of its first whole line */
	char *map;	   /* it, or MAP_FAILED */
	char *done;	   /* a window to unmap */
	size_t done_len;
	uint32_t *keys[2]; /* the window being read's, the next one's */
	unsigned slot;	   /* keys[slot] is filled next */
	const uint32_t *found; /* the taken window's keys, NULL when none */
	size_t nfound, found_end;
	bool asked, ready, quit;
	bool running;
};

/* The first key of each line of [q, lim), lines whole, as offsets from
 * base into keys (at most AHEAD_KEYS). Returns how far that covers, as an
 * offset from base: lim, or the line after the last key that fitted. */
static size_t find_line_keys(const char *base, const char *q, const char *lim, uint32_t *keys, size_t *n)
{
	*n = 0;
	while (q < lim) {
		if (*n == AHEAD_KEYS)
			return (size_t)(q - base);
		const char *k = find_key(base, q, lim, true);
		if (!k)
			break;
		keys[(*n)++] = (uint32_t)(k - base);
		const char *e = memchr(k, '\n', (size_t)(lim - k));
		if (!e)
			break;
		q = e + 1;
	}
	return (size_t)(lim - base);
}

/* The keys of window m (the scan's lines of it: see scan_mapped). */
static void ahead_find_keys(struct ahead *a, const char *m, uint64_t off, uint64_t len, uint64_t start)
{
	a->found = NULL;
	const char *from = m + (start - off), *end = m + len - PAD;
	const char *nl = end > from ? memrchr(from, '\n', (size_t)(end - from)) : NULL;
	if (!nl)
		return;
	uint32_t *keys = a->keys[a->slot];
	a->found_end = find_line_keys(m, from, nl + 1, keys, &a->nfound);
	a->found = keys;
	a->slot ^= 1;
}

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->asked && !a->done && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		char *done = a->done;
		size_t done_len = a->done_len;
		bool asked = a->asked;
		uint64_t off = a->off, len = a->len, start = a->start;
		bool quit = a->quit;
		a->done = NULL;
		a->asked = false;
		pthread_mutex_unlock(&a->mu);
		if (done)
			munmap(done, done_len);
		char *m = MAP_FAILED;
		if (asked)
			m = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, a->fd, (off_t)off);
		if (m != MAP_FAILED) {
			(void)madvise(m, (size_t)len, MADV_SEQUENTIAL);
			ahead_lo = m;
			ahead_hi = m + len;
			unsigned sum = 0; /* a file cut meanwhile: on_sigbus puts a zero page there */
			for (size_t i = 0; i < len; i += FAULT_STEP)
				sum += (unsigned char)((volatile const char *)m)[i];
			(void)sum;
			ahead_find_keys(a, m, off, len, start);
			ahead_lo = ahead_hi = NULL;
		}
		pthread_mutex_lock(&a->mu);
		if (asked) {
			a->map = m;
			a->ready = true;
			pthread_cond_broadcast(&a->cv);
		}
		if (quit && !a->done && !a->asked)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static void ahead_ask(struct ahead *a, uint64_t off, uint64_t len, uint64_t start)
{
	pthread_mutex_lock(&a->mu);
	a->off = off;
	a->len = len;
	a->start = start;
	a->asked = true;
	a->ready = false;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* The window asked for, its keys into s. */
static char *ahead_take(struct ahead *a, struct scan *s)
{
	pthread_mutex_lock(&a->mu);
	while (!a->ready)
		pthread_cond_wait(&a->cv, &a->mu);
	a->ready = false;
	char *m = a->map;
	s->keys = m != MAP_FAILED ? a->found : NULL;
	s->nkeys = a->nfound;
	s->keys_end = a->found_end;
	s->ki = 0;
	pthread_mutex_unlock(&a->mu);
	return m;
}

static void ahead_unmap(struct ahead *a, char *m, size_t len)
{
	pthread_mutex_lock(&a->mu);
	if (a->done) /* the last one is not gone yet: this thread does it */
		munmap(m, len);
	else
		a->done = m, a->done_len = len;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* Where the window holding file offset off starts, and its length. */
static void window_at(uint64_t off, uint64_t size, long pg, uint64_t *moff, uint64_t *mlen)
{
	*moff = off & ~(uint64_t)(pg - 1);
	*mlen = size - *moff < MAP_WINDOW ? size - *moff : MAP_WINDOW;
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
	struct ahead a = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .fd = fd };
	uint32_t *keys = xmalloc(2 * AHEAD_KEYS * sizeof(*keys));
	a.keys[0] = keys;
	a.keys[1] = keys + AHEAD_KEYS;
	pthread_t tid;
	a.running = size - *off > MAP_TAIL && pthread_create(&tid, NULL, ahead_main, &a) == 0;
	uint64_t moff, mlen;
	window_at(*off, size, pg, &moff, &mlen);
	if (a.running)
		ahead_ask(&a, moff, mlen, *off);
	while (size - *off > MAP_TAIL) {
		window_at(*off, size, pg, &moff, &mlen);
		char *m = a.running ? ahead_take(&a, s) : mmap(NULL, (size_t)mlen, PROT_READ, MAP_PRIVATE, fd, (off_t)moff);
		if (m == MAP_FAILED)
			break;
		bus_lo = m;
		bus_hi = m + mlen;
		/* whole lines that end PAD bytes before the window does, so the
		 * vector loads stay inside it */
		const char *start = m + (*off - moff), *end = m + mlen - PAD;
		const char *nl = end > start ? memrchr(start, '\n', (size_t)(end - start)) : NULL;
		uint64_t next = nl ? moff + (uint64_t)(nl + 1 - m) : *off;
		if (nl && a.running && size - next > MAP_TAIL) { /* the next window, while this one is read */
			uint64_t noff, nlen;
			window_at(next, size, pg, &noff, &nlen);
			ahead_ask(&a, noff, nlen, next);
		}
		if (nl) {
			s->base = m;
			s->base_off = moff;
			scan_lines(s, start, nl + 1);
			*off = next;
		}
		s->keys = NULL;
		bus_lo = bus_hi = NULL;
		if (a.running)
			ahead_unmap(&a, m, (size_t)mlen);
		else
			munmap(m, (size_t)mlen);
		if (bus_hit) {
			err = -OOM_INPUT_ESHRANK;
			break;
		}
		if (!nl) /* a line longer than a window: the read path cuts it */
			break;
	}
	if (a.running) {
		pthread_mutex_lock(&a.mu);
		a.quit = true;
		pthread_cond_broadcast(&a.cv);
		pthread_mutex_unlock(&a.mu);
		pthread_join(tid, NULL);
		if (a.ready && a.map != MAP_FAILED) /* asked for, never taken */
			munmap(a.map, (size_t)a.len);
	}
	s->keys = NULL;
	free(keys);
	sigaction(SIGBUS, &old, NULL);
	return err;
}

void oom_scan_memory(struct oom_parser *p, const char *buf, size_t len)
{
	struct scan s = { .p = p, .base = buf };
	scan_lines(&s, buf, buf + len);
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
