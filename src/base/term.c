/* The terminal sanitizer (see term.h for what it removes and why). */
#include "base/term.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

size_t term_utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0; /* a continuation byte, an overlong lead (c0, c1) or past U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* How many bytes at s form one character (1 for a byte that is not valid
 * UTF-8), and in *ok whether it may be printed as it is. */
static size_t char_len(const char *s, size_t n, enum term_mode mode, bool *ok)
{
	unsigned char c = (unsigned char)s[0];
	*ok = false;
	if (c < 0x20) {
		*ok = mode == TERM_TEXT && (c == '\n' || c == '\t');
		return 1;
	}
	if (c == 0x7f)
		return 1;
	size_t len = term_utf8_len(s, n);
	if (len == 0)
		return 1;
	/* U+0080-U+009F are the C1 controls in their UTF-8 form */
	*ok = !(len == 2 && c == 0xc2 && (unsigned char)s[1] < 0xa0);
	return len;
}

void term_clean(struct strbuf *sb, const char *s, size_t n, enum term_mode mode)
{
	size_t i = 0;
	while (i < n) {
		size_t run = 0, len = 0;
		bool ok = false;
		/* copy runs of printable characters at once */
		while (i + run < n && (len = char_len(s + i + run, n - i - run, mode, &ok), ok))
			run += len;
		sb_add(sb, s + i, run);
		i += run;
		if (i < n) {
			sb_add(sb, "?", 1);
			i += len;
		}
	}
}

size_t term_clean_buf(char *dst, size_t cap, const char *src, size_t n, enum term_mode mode)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		bool ok;
		size_t len = char_len(src + i, n - i, mode, &ok);
		size_t take = ok ? len : 1;
		if (o + take >= cap)
			break;
		memcpy(dst + o, ok ? src + i : "?", take);
		o += take;
		i += len;
	}
	dst[o] = '\0';
	return o;
}

char *term_ndup(const char *s, size_t n)
{
	struct strbuf sb;
	sb_init(&sb);
	term_clean(&sb, s, n, TERM_VALUE);
	return sb_detach(&sb);
}

char *term_dup(const char *s)
{
	return s ? term_ndup(s, strlen(s)) : NULL;
}

/* Eight bytes of s that are all printable ASCII (0x20-0x7e)? */
static inline bool ascii8_printable(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	/* a byte below 0x20 borrows into its top bit; one of 0x7f or above has
	 * it set after adding 1 */
	return !(((w - 0x20 * ones) | w | (w + ones)) & high);
}

bool term_write(FILE *out, const char *s, size_t n)
{
	/* straight to the stream, run by run: no second copy of a long view */
	bool ok = true;
	size_t i = 0;
	while (i < n && ok) {
		size_t run = 0, len = 0;
		bool printable = false;
		for (;;) {
			while (i + run + 8 <= n && ascii8_printable(s + i + run))
				run += 8;
			if (i + run >= n || !(len = char_len(s + i + run, n - i - run, TERM_TEXT, &printable), printable))
				break;
			run += len;
		}
		if (run)
			ok = fwrite(s + i, 1, run, out) == run;
		i += run;
		if (i < n && ok) {
			ok = fputc('?', out) != EOF;
			i += len;
		}
	}
	return ok;
}

int term_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	int n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("vbtool: out of memory\n", stderr);
		abort();
	}
	bool ok = term_write(out, p, (size_t)n);
	free(p);
	return ok ? n : -1;
}

/* A UTF-8 sequence cut at the end of a write: how many bytes at the end of
 * s[0..n) start a character that the next write completes. */
static size_t cut_tail(const char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = (unsigned char)s[n - k];
		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: look further back */
		size_t need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

static ssize_t view_write(void *cookie, const char *buf, size_t size)
{
	struct term_view *v = cookie;
	if (!v->ncarry) { /* the common case: nothing held back from the last write */
		size_t keep = cut_tail(buf, size);
		bool ok = term_write(v->out, buf, size - keep);
		memcpy(v->carry, buf + size - keep, keep);
		v->ncarry = keep;
		return ok ? (ssize_t)size : -1;
	}
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, v->carry, v->ncarry);
	sb_add(&sb, buf, size);
	size_t keep = cut_tail(sb.buf, sb.len);
	bool ok = term_write(v->out, sb.buf, sb.len - keep);
	memcpy(v->carry, sb.buf + sb.len - keep, keep);
	v->ncarry = keep;
	sb_free(&sb);
	return ok ? (ssize_t)size : -1;
}

static int view_close(void *cookie)
{
	struct term_view *v = cookie;
	bool ok = term_write(v->out, v->carry, v->ncarry); /* a cut character: '?' */
	v->ncarry = 0;
	return ok ? 0 : EOF;
}

FILE *term_view_begin(struct term_view *v, FILE *out)
{
	v->out = out;
	v->ncarry = 0;
	v->f = fopencookie(v, "w", (cookie_io_functions_t){ .write = view_write, .close = view_close });
	if (!v->f) {
		fputs("vbtool: out of memory\n", stderr);
		abort();
	}
	return v->f;
}

bool term_view_end(struct term_view *v)
{
	bool ok = fclose(v->f) == 0;
	v->f = NULL;
	return ok;
}
