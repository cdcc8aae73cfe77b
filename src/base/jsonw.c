/* The streaming JSON writer (jsonw.h): json-c's pretty form and
 * json_fputs's cleaning in one pass, into a buffer written in large pieces. */
#include "base/jsonw.h"

#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "base/term.h"
#include "base/util.h"

#define JSONW_CHUNK (64 * 1024) /* with a stream, the buffer is written past this */

void jsonw_init(struct jsonw *w, FILE *out)
{
	*w = (struct jsonw){ .out = out };
}

bool jsonw_flush(struct jsonw *w)
{
	if (w->out && w->len) {
		if (!w->failed && fwrite(w->buf, 1, w->len, w->out) != w->len)
			w->failed = true;
		w->len = 0;
	}
	return !w->failed;
}

bool jsonw_finish(struct jsonw *w)
{
	bool ok = jsonw_flush(w);
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
	return ok;
}

static char *room_slow(struct jsonw *w, size_t n)
{
	if (w->out && w->len && w->len + n > JSONW_CHUNK)
		jsonw_flush(w);
	w->buf = xgrow(w->buf, &w->cap, w->len + n, 1);
	return w->buf + w->len;
}

/* Where the next n bytes go (w->len grows by what the caller wrote). */
static inline char *room(struct jsonw *w, size_t n)
{
	return w->cap - w->len >= n ? w->buf + w->len : room_slow(w, n);
}

static inline void put(struct jsonw *w, const void *s, size_t n)
{
	if (!n)
		return; /* buf may still be NULL, and memcpy must not see it */
	memcpy(room(w, n), s, n);
	w->len += n;
}

/* ---- strings -------------------------------------------------------------
 * Byte classes: QUOTED bytes are escaped inside a string by json-c (C0, '"',
 * '\\'); LOOK bytes (DEL, 0x80 and up) are looked at by json_fputs's rule.
 * Outside a string (jsonw_text) only LOOK bytes are. */
enum { QUOTED = 1, LOOK = 2 };
static const unsigned char byte_class[256] = {
	[0x00 ... 0x1f] = QUOTED, ['"'] = QUOTED, ['\\'] = QUOTED, [0x7f ... 0xff] = LOOK,
};

/* No byte of the eight at p has a class in mask (exact for "any": the
 * borrows and carries only follow a byte that already counts). */
static inline bool word_plain(const unsigned char *p, unsigned mask)
{
	const uint64_t ones = 0x0101010101010101u, top = 0x8080808080808080u;
	uint64_t x;
	memcpy(&x, p, 8);
	uint64_t bad = ((x + ones) | x) & top; /* DEL (0x7f + 1 sets the top bit) or 0x80 and up */
	if (mask & QUOTED) {
		uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
		bad |= (x - ones * 0x20) & ~x & top; /* below 0x20 */
		bad |= ((q - ones) & ~q & top) | ((b - ones) & ~b & top);
	}
	return !bad;
}

/* "\u00xx" (lowercase, as json-c writes C0) for a byte below 0x100 at p;
 * returns 6. */
static size_t u_escape(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	p[0] = '\\';
	p[1] = 'u';
	p[2] = '0';
	p[3] = '0';
	p[4] = hex[(v >> 4) & 15];
	p[5] = hex[v & 15];
	return 6;
}

/* Appends s[0..n) cleaned; with QUOTED in mask, escaped as a string's
 * inside. A string's bytes are judged on their own: the bytes json-c's
 * escapes change are ASCII, which never continue a UTF-8 sequence, so a
 * sequence is as valid here as in the whole document json_fputs sees. */
static void clean(struct jsonw *w, const unsigned char *s, size_t n, unsigned mask)
{
	size_t i = 0;
	while (i < n) {
		size_t run = i, len = 0;
		for (;;) {
			while (run + 8 <= n && word_plain(s + run, mask))
				run += 8;
			while (run < n && !(byte_class[s[run]] & mask))
				run++;
			if (run >= n || byte_class[s[run]] != LOOK || s[run] == 0x7f)
				break;
			len = term_utf8_len((const char *)s + run, n - run);
			if (!len || (len == 2 && s[run] == 0xc2 && s[run + 1] < 0xa0))
				break; /* not UTF-8, or a C1 control */
			run += len;
			len = 0;
		}
		put(w, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		unsigned char c = s[i];
		char *p = room(w, 6);
		size_t k = 2;
		p[0] = '\\';
		if (c == 0x7f || (c >= 0x80 && len == 2)) {
			/* DEL and C1 appear only inside strings: the same
			 * character, escaped, so that a terminal showing the
			 * document does not act on it */
			k = u_escape(p, c == 0x7f ? c : s[i + 1]);
			i += c == 0x7f ? 1 : 2;
		} else if (c >= 0x80) {
			p[0] = '?'; /* not UTF-8: the text was given raw bytes */
			k = 1;
			i++;
		} else {
			switch (c) {
			case '"': p[1] = '"'; break;
			case '\\': p[1] = '\\'; break;
			case '\b': p[1] = 'b'; break;
			case '\t': p[1] = 't'; break;
			case '\n': p[1] = 'n'; break;
			case '\f': p[1] = 'f'; break;
			case '\r': p[1] = 'r'; break;
			default:
				k = u_escape(p, c);
			}
			i++;
		}
		w->len += k;
	}
}

void jsonw_text(struct jsonw *w, const char *s, size_t n)
{
	clean(w, (const unsigned char *)s, n, LOOK);
}

void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	put(w, s, n);
}

/* ---- structure ---------------------------------------------------------- */

/* Before a value: the separator and indent inside a container, and the key. */
static void member(struct jsonw *w, const char *key)
{
	if (!w->depth) {
		if (key)
			w->failed = true;
		return;
	}
	uint64_t bit = 1ULL << (w->depth - 1);
	if (!(w->arrays & bit) != !!key)
		w->failed = true; /* a key in an array, or none in an object */
	size_t ind = 2 * (size_t)w->depth, klen = key ? strlen(key) : 0, k = 0;
	char *p = room(w, 2 + ind + klen + 3);
	if (w->members & bit) {
		p[k++] = ',';
		p[k++] = '\n';
	}
	memset(p + k, ' ', ind);
	k += ind;
	w->members |= bit;
	if (!key) {
		w->len += k;
		return;
	}
	/* a plain key (every key vbtool names) is copied in this one piece;
	 * from its first byte that needs a look on, clean() writes it */
	p[k++] = '"';
	size_t j = 0;
	while (j < klen && !byte_class[(unsigned char)key[j]])
		p[k++] = key[j++];
	if (j == klen) {
		p[k++] = '"';
		p[k++] = ':';
		w->len += k;
		return;
	}
	w->len += k;
	clean(w, (const unsigned char *)key + j, klen - j, QUOTED | LOOK);
	put(w, "\":", 2);
}

static void open_container(struct jsonw *w, const char *key, bool array)
{
	member(w, key);
	if (w->depth >= JSONW_DEPTH_MAX) {
		w->failed = true;
		return;
	}
	put(w, array ? "[\n" : "{\n", 2);
	uint64_t bit = 1ULL << w->depth++;
	w->members &= ~bit;
	w->arrays = array ? w->arrays | bit : w->arrays & ~bit;
}

void jsonw_object(struct jsonw *w, const char *key)
{
	open_container(w, key, false);
}

void jsonw_array(struct jsonw *w, const char *key)
{
	open_container(w, key, true);
}

void jsonw_end(struct jsonw *w)
{
	if (!w->depth) {
		w->failed = true;
		return;
	}
	uint64_t bit = 1ULL << (w->depth - 1);
	size_t ind = 2 * (size_t)(w->depth - 1), k = 0;
	char *p = room(w, 2 + ind);
	if (w->members & bit)
		p[k++] = '\n';
	memset(p + k, ' ', ind);
	k += ind;
	p[k++] = w->arrays & bit ? ']' : '}';
	w->len += k;
	w->depth--;
}

/* ---- scalars ------------------------------------------------------------ */

static void scalar(struct jsonw *w, const char *key, const char *s, size_t n)
{
	member(w, key);
	put(w, s, n);
}

void jsonw_null(struct jsonw *w, const char *key)
{
	scalar(w, key, "null", 4);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	if (v)
		scalar(w, key, "true", 4);
	else
		scalar(w, key, "false", 5);
}

void jsonw_u64(struct jsonw *w, const char *key, uint64_t v)
{
	char buf[24], *end = buf + sizeof(buf), *p = fmt_u64_before(end, v);
	scalar(w, key, p, (size_t)(end - p));
}

void jsonw_i64(struct jsonw *w, const char *key, int64_t v)
{
	char buf[24], *end = buf + sizeof(buf);
	/* the magnitude in unsigned arithmetic: INT64_MIN has no positive twin */
	char *p = fmt_u64_before(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	scalar(w, key, p, (size_t)(end - p));
}

void jsonw_opt_u64(struct jsonw *w, const char *key, struct opt_u64 v)
{
	if (v.known)
		jsonw_u64(w, key, v.v);
	else
		jsonw_null(w, key);
}

void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n)
{
	member(w, key);
	put(w, "\"", 1);
	clean(w, (const unsigned char *)s, n, QUOTED | LOOK);
	put(w, "\"", 1);
}

void jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	if (s)
		jsonw_strn(w, key, s, strlen(s));
	else
		jsonw_null(w, key);
}

void jsonw_number(struct jsonw *w, const char *key, const char *text)
{
	scalar(w, key, text, strlen(text));
}
