/* ISO 8601 from the time text of every prefix the normaliser knows:
 *   dmesg -T           "Sat Apr 27 22:56:09 2019", "So Jun  9 01:03:02 2013",
 *                      "dim. avril 19 18:03:30 2026", "日  4月 19 18:03:30 2026"
 *   journalctl short   "Nov 30 10:16:57[.123456]", also syslog: no year
 *   short-iso          "2026-11-22T10:00:00[.123456]+0000"
 *   short-full         "Sun 2026-11-22 10:00:00 UTC"
 *   dmesg, kmsg        "123.456789": seconds since boot, no date at all
 * The text is split at blanks and each word is known by its shape (year,
 * day, hh:mm:ss, yyyy-mm-dd, offset, zone) or by its name (month, weekday),
 * so every order a locale's format puts them in reads the same. */
#include "oom/timeparse.h"

#include <stdio.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals the first n bytes of name, ASCII letters in any case. */
static bool prefix_eq(const char *name, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!name[i] || ascii_lower(name[i]) != ascii_lower(s[i]))
			return false;
	return true;
}

static int lookup(const char *s, size_t n, bool month)
{
	for (size_t k = 0; k < oom_time_nnames; k++) {
		const struct oom_time_name *t = &oom_time_names[k];
		int v = month ? t->month : t->wday;
		if (v && prefix_eq(t->name, s, n) && !t->name[n])
			return v;
	}
	return 0;
}

/* Exact (any ASCII case), or with one trailing '.' more or less. */
static int lookup_dot(const char *s, size_t n, bool month)
{
	int v = lookup(s, n, month);
	if (v || n < 2)
		return v;
	if (s[n - 1] == '.')
		return lookup(s, n - 1, month);
	char buf[40];
	if (n + 1 >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '.';
	return lookup(buf, n + 1, month);
}

int oom_month_of(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return 0;
	int m = lookup_dot(s, n, true);
	if (m)
		return m;
	if (s[n - 1] == '.')
		n--;
	if (n < 3)
		return 0;
	/* a prefix of longer names that all name the same month */
	for (size_t k = 0; k < oom_time_nnames; k++) {
		const struct oom_time_name *t = &oom_time_names[k];
		if (!t->month || !prefix_eq(t->name, s, n) || !t->name[n])
			continue;
		if (m && m != t->month)
			return 0;
		m = t->month;
	}
	return m;
}

bool oom_is_weekday(const char *s, size_t n)
{
	return n && n <= 32 && lookup_dot(s, n, false) != 0;
}

struct parts {
	int year, month, day, hour, min, sec; /* -1: not in the text */
	char frac[10];                        /* fraction digits as printed, at most 9 */
	bool utc, offset;
	int off_min; /* with offset: minutes east of UTC */
	char zone[8]; /* a zone printed as a name ("CEST"), not UTC */
	int month_sure, month_maybe; /* from names; maybe: also a weekday ("mar") */
};

/* Reads 1..max digits at s[*i]; false when there are none. */
static bool read_num(const char *s, size_t n, size_t *i, size_t min, size_t max, int *v)
{
	size_t st = *i;
	int x = 0;
	while (*i < n && is_digit(s[*i]) && *i - st < max)
		x = x * 10 + (s[(*i)++] - '0');
	*v = x;
	return *i - st >= min;
}

/* "Z", "+hh", "+hhmm", "+hh:mm" (or '-'): the whole of s[0..n). */
static bool parse_offset(const char *s, size_t n, struct parts *p)
{
	if (n == 1 && s[0] == 'Z') {
		p->utc = true;
		return true;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		return false;
	size_t i = 1;
	int h, m = 0;
	if (!read_num(s, n, &i, 2, 2, &h))
		return false;
	if (i < n && s[i] == ':')
		i++;
	if (i < n && !read_num(s, n, &i, 2, 2, &m))
		return false;
	if (i != n || h > 23 || m > 59 || p->offset || p->utc)
		return false;
	p->offset = true;
	p->off_min = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return true;
}

/* "hh:mm:ss[.frac][offset]": the whole of s[0..n). */
static bool parse_clock(const char *s, size_t n, struct parts *p)
{
	size_t i = 0;
	if (p->hour >= 0 || !read_num(s, n, &i, 1, 2, &p->hour) || i >= n || s[i++] != ':' ||
	    !read_num(s, n, &i, 2, 2, &p->min) || i >= n || s[i++] != ':' || !read_num(s, n, &i, 2, 2, &p->sec))
		return false;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		size_t st = ++i;
		while (i < n && is_digit(s[i]))
			i++;
		if (i == st || i - st >= sizeof(p->frac))
			return false;
		memcpy(p->frac, s + st, i - st);
		p->frac[i - st] = '\0';
	}
	return i == n || parse_offset(s + i, n - i, p);
}

/* "yyyy-mm-dd" or "yyyy-mm-ddThh:mm:ss...": the whole of s[0..n). */
static bool parse_date(const char *s, size_t n, struct parts *p)
{
	size_t i = 0;
	if (p->year >= 0 || p->day >= 0 || !read_num(s, n, &i, 4, 4, &p->year) || i >= n || s[i++] != '-' ||
	    !read_num(s, n, &i, 2, 2, &p->month) || i >= n || s[i++] != '-' || !read_num(s, n, &i, 2, 2, &p->day))
		return false;
	if (i == n)
		return true;
	return s[i] == 'T' && parse_clock(s + i + 1, n - i - 1, p);
}

static bool parse_word(const char *s, size_t n, struct parts *p)
{
	size_t d = 0;
	while (d < n && is_digit(s[d]))
		d++;
	if (d == n) { /* a number: the year or the day */
		size_t i = 0;
		if (n == 4 && p->year < 0)
			return read_num(s, n, &i, 4, 4, &p->year);
		if (n <= 2 && p->day < 0)
			return read_num(s, n, &i, 1, 2, &p->day);
		return false;
	}
	if (d == 4 && s[4] == '-')
		return parse_date(s, n, p);
	if (d && memchr(s, ':', n))
		return parse_clock(s, n, p);
	if (s[0] == '+' || s[0] == '-' || (n == 1 && s[0] == 'Z'))
		return parse_offset(s, n, p);
	if ((n == 3 && (memcmp(s, "UTC", 3) == 0 || memcmp(s, "GMT", 3) == 0)) || (n == 2 && memcmp(s, "UT", 2) == 0)) {
		if (p->offset)
			return false;
		p->utc = true;
		return true;
	}
	int m = oom_month_of(s, n);
	bool wd = oom_is_weekday(s, n);
	if (m && !wd) {
		if (p->month_sure && p->month_sure != m)
			return false;
		p->month_sure = m;
		return true;
	}
	if (m) { /* es/it "mar" is both: the weekday comes first, the month last */
		p->month_maybe = m;
		return true;
	}
	if (wd)
		return true; /* the weekday follows from the date: not checked */
	/* a zone printed as its abbreviation: CET, CEST, MSK, JST */
	if (n < 2 || n >= sizeof(p->zone) || p->zone[0])
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	memcpy(p->zone, s, n);
	p->zone[n] = '\0';
	return true;
}

static bool is_uptime(const char *s)
{
	size_t i = 0;
	while (is_digit(s[i]))
		i++;
	if (i == 0 || s[i] != '.')
		return false;
	size_t f = ++i;
	while (is_digit(s[i]))
		i++;
	return i > f && !s[i];
}

static int days_in(int year, int month)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month != 2)
		return d[month - 1];
	/* no year: 29 February may still be a real date */
	if (year < 0 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return 28;
}

static void set_note(struct oom_time *out, const char *note)
{
	snprintf(out->note, sizeof(out->note), "%s", note);
}

void oom_time_parse(const char *text, struct oom_time *out)
{
	out->iso[0] = '\0';
	out->note[0] = '\0';
	if (!text || !text[0]) {
		set_note(out, "the log prints no time");
		return;
	}
	if (is_uptime(text)) {
		set_note(out, "uptime only: seconds since boot (uptime_s), no date");
		return;
	}
	struct parts p = { .year = -1, .month = -1, .day = -1, .hour = -1, .min = -1, .sec = -1 };
	size_t n = strlen(text), i = 0;
	unsigned words = 0;
	bool ok = true;
	while (ok && i < n) {
		while (i < n && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i >= n)
			break;
		size_t st = i;
		while (i < n && text[i] != ' ' && text[i] != '\t')
			i++;
		size_t wn = i - st;
		if (text[st + wn - 1] == ',') /* pl: "%a, %-d %b %Y" */
			wn--;
		ok = ++words <= 8 && (wn == 0 || parse_word(text + st, wn, &p));
	}
	if (p.month < 0)
		p.month = p.month_sure ? p.month_sure : p.month_maybe ? p.month_maybe : -1;
	if (!ok || p.hour < 0 || p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in(p.year, p.month) ||
	    p.hour > 23 || p.min > 59 || p.sec > 60 || (p.year >= 0 && p.year < 1970)) {
		set_note(out, "a time vbtool cannot read");
		return;
	}
	if (p.year < 0) {
		set_note(out, "the log prints no year");
		return;
	}
	char zone[16] = "";
	if (p.utc)
		snprintf(zone, sizeof(zone), "Z");
	else if (p.offset)
		snprintf(zone, sizeof(zone), "%c%02d:%02d", p.off_min < 0 ? '-' : '+',
			 (p.off_min < 0 ? -p.off_min : p.off_min) / 60, (p.off_min < 0 ? -p.off_min : p.off_min) % 60);
	snprintf(out->iso, sizeof(out->iso), "%04d-%02d-%02dT%02d:%02d:%02d%s%s%s", p.year, p.month, p.day, p.hour,
		 p.min, p.sec, p.frac[0] ? "." : "", p.frac, zone);
	if (p.zone[0])
		snprintf(out->note, sizeof(out->note), "local time in %s: the log prints no UTC offset", p.zone);
	else if (!zone[0])
		set_note(out, "local time: the log prints no zone");
}
