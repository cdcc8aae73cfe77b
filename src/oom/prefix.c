/* Turns any kernel log line prefix into (time, message). The prefixes are
 * peeled one at a time, in any order, because tools stack them:
 * "May 12 10:43:01 host kernel: [46106.736962] msg" is syslog then dmesg. */
#include "oom/prefix.h"
#include "oom/timeparse.h"
#include "base/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t oom_clean_line(const char *src, size_t len, char *dst, size_t cap)
{
	if (len < cap && !memchr(src, '\r', len) && !memchr(src, 0x1b, len) && !memchr(src, 0, len)) {
		memcpy(dst, src, len); /* the common case: nothing to remove */
		dst[len] = '\0';
		return len;
	}
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '\r')
			continue;
		if (c == 0x1b) { /* ESC [ params final, or ESC X */
			if (i + 1 < len && src[i + 1] == '[') {
				i += 2;
				while (i < len && !((unsigned char)src[i] >= 0x40 && (unsigned char)src[i] <= 0x7e))
					i++;
			} else {
				i++;
			}
			continue;
		}
		if (c == 0)
			c = '?';
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return o;
}

/* Every caller bounds n below OOM_TIME_MAX (a bracket is at most 80 bytes,
 * the other peels stop sooner); the clamp only guards against a new one. */
static void set_time(struct oom_line *out, const char *s, size_t n)
{
	if (n >= OOM_TIME_MAX)
		n = OOM_TIME_MAX - 1;
	memcpy(out->time_text, s, n);
	out->time_text[n] = '\0';
}

/* " 123.456789" (blanks, digits, '.', >= 3 digits): an uptime. */
static bool parse_uptime(const char *s, size_t n, double *out)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	size_t int_start = i;
	double sec = 0;
	while (i < n && is_digit(s[i])) {
		if (i - int_start >= 30)
			return false;
		sec = sec * 10 + (s[i] - '0');
		i++;
	}
	if (i == int_start || i >= n || s[i] != '.')
		return false;
	i++;
	size_t frac_start = i;
	uint64_t frac = 0, scale = 1;
	while (i < n && is_digit(s[i])) {
		if (i - frac_start < 9) {
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			scale *= 10;
		}
		i++;
	}
	if (i - frac_start < 3)
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i != n)
		return false;
	*out = sec + (double)frac / (double)scale;
	return true;
}

/* "[ 123.456]" or "[Sat Apr 27 22:56:09 2019]" (dmesg -T, any locale) at s.
 * Returns the length consumed including one following blank, or 0. */
static size_t peel_bracket(const char *s, size_t n, struct oom_line *out)
{
	if (n < 3 || s[0] != '[')
		return 0;
	const char *close = memchr(s, ']', n < 80 ? n : 80);
	if (!close)
		return 0;
	size_t inner = (size_t)(close - s) - 1;
	double up;
	if (parse_uptime(s + 1, inner, &up)) {
		out->has_uptime = true;
		out->uptime_s = up;
		if (!out->time_text[0]) {
			const char *t = s + 1;
			size_t tn = inner;
			while (tn && *t == ' ')
				t++, tn--;
			set_time(out, t, tn);
		}
	} else {
		/* A date: has a digit, a colon (hh:mm:ss), and no '=' or '('. */
		bool digit = false, colon = false;
		for (size_t i = 1; i <= inner; i++) {
			if (is_digit(s[i]))
				digit = true;
			else if (s[i] == ':')
				colon = true;
			else if (s[i] == '=' || s[i] == '(' || s[i] == '[')
				return 0;
		}
		if (!digit || !colon || inner < 8)
			return 0;
		set_time(out, s + 1, inner);
	}
	size_t used = inner + 2;
	/* CONFIG_PRINTK_CALLER: "[  12.345678][ T1234] " or "[C1]" */
	if (out->has_uptime && used + 3 < n && s[used] == '[') {
		size_t k = used + 1;
		while (k < n && s[k] == ' ')
			k++;
		if (k < n && (s[k] == 'T' || s[k] == 'C')) {
			bool task = s[k] == 'T';
			size_t d = ++k;
			while (k < n && is_digit(s[k]))
				k++;
			if (k > d && k < n && s[k] == ']') {
				used = k + 1;
				uint64_t tid;
				if (task && parse_u64(s + d, k - d, 10, &tid))
					out->caller_tid = tid;
			}
		}
	}
	if (used < n && s[used] == ' ')
		used++;
	return used;
}

/* /dev/kmsg: "PRI,SEQ,USEC,FLAGS;message". */
static bool peel_kmsg(const char *s, size_t n, struct oom_line *out)
{
	size_t i = 0;
	uint64_t usec = 0;
	for (int field = 0; field < 3; field++) {
		size_t start = i;
		uint64_t v = 0;
		while (i < n && is_digit(s[i]) && i - start < 20) {
			v = v * 10 + (uint64_t)(s[i] - '0');
			i++;
		}
		if (i == start || i >= n || s[i] != ',')
			return false;
		if (field == 2)
			usec = v;
		i++;
	}
	size_t flags_start = i;
	while (i < n && s[i] != ';' && i - flags_start < 16)
		i++;
	if (i >= n || s[i] != ';')
		return false;
	out->kmsg = true;
	out->prefixed = true;
	out->has_uptime = true;
	out->uptime_s = (double)usec / 1e6;
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu.%06llu", (unsigned long long)(usec / 1000000),
		 (unsigned long long)(usec % 1000000));
	set_time(out, buf, strlen(buf));
	out->msg = s + i + 1;
	out->len = n - i - 1;
	return true;
}

/* dmesg -x: "kern  :warn  : ". */
static size_t peel_facility(const char *s, size_t n)
{
	static const char *const fac[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
					   "news", "uucp", "cron", "authpriv", "ftp", "local0", "local1",
					   "local2", "local3", "local4", "local5", "local6", "local7" };
	if (n < 6 || s[0] < 'a' || s[0] > 'z' || !memchr(s, ':', n < 12 ? n : 12))
		return 0;
	size_t i = 0;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])) && i < 10)
		i++;
	bool known = false; /* the names are 3 to 8 bytes: most words fail before the table */
	for (size_t k = 0; i >= 3 && i <= 8 && !known && k < sizeof(fac) / sizeof(fac[0]); k++)
		known = fac[k][0] == s[0] && strncmp(s, fac[k], i) == 0 && fac[k][i] == '\0'; /* stops at fac[k]'s end */
	if (!known)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	size_t lvl = i;
	while (i < n && is_alpha(s[i]))
		i++;
	if (i == lvl)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "host ident[pid]: " after a syslog/journal time. Returns the length and
 * whether the ident is the kernel; 0 when it does not look like one. */
static size_t peel_host_ident(const char *s, size_t n, bool *kernel)
{
	size_t i = 0;
	while (i < n && s[i] != ' ' && i < 256)
		i++;
	if (i == 0 || i >= n)
		return 0;
	/* no hostname ("Dec 14 17:13:12 kernel: ..."): journalctl prints this
	 * when the hostname is empty, and people paste it; hostnames hold no ':' */
	size_t id = 0;
	if (s[i - 1] == ':')
		i--;
	else
		id = ++i;
	while (i < n && s[i] != ':' && s[i] != ' ' && i - id < 128)
		i++;
	if (i >= n || s[i] != ':' || i == id)
		return 0;
	size_t idlen = i - id;
	*kernel = idlen == 6 && memcmp(s + id, "kernel", 6) == 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* The length of the first word of s[0..n) when it is 1..32 bytes and a
 * digit follows its blanks (a day or a date), else 0. Most messages fail
 * here, once per round for both peels below, so the month and weekday names
 * are looked up rarely. */
static size_t first_word(const char *s, size_t n)
{
	size_t w = 0;
	while (w < n && w <= 32 && s[w] != ' ')
		w++;
	if (w == 0 || w > 32)
		return 0;
	size_t i = w;
	while (i < n && s[i] == ' ' && i < w + 4)
		i++;
	return i < n && is_digit(s[i]) ? w : 0;
}

/* "Nov 22 10:00:00[.123456] " (short, short-precise, syslog); journalctl
 * prints the month in the user's locale: "апр 19", "4月 19", "avr. 19". The
 * shape is checked first, the name last, so other lines cost little. */
static size_t peel_month_time(const char *s, size_t n, size_t w)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (n < 16 || !w)
		return 0;
	size_t i = w;
	while (i < n && s[i] == ' ' && i < w + 4)
		i++;
	size_t day = i;
	while (i < n && is_digit(s[i]) && i < day + 2)
		i++;
	if (i == day || i + 9 > n || s[i] != ' ' || !is_digit(s[i + 1]) || s[i + 3] != ':' || s[i + 6] != ':')
		return 0;
	i += 9;
	size_t frac = i;
	while (i < n && (is_digit(s[i]) || s[i] == '.') && i - frac < 16)
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	bool ok = false;
	if (w == 3)
		for (int m = 0; m < 12 && !ok; m++)
			ok = memcmp(s, months + 3 * m, 3) == 0;
	if (!ok && !oom_month_of(s, w))
		return 0;
	return i;
}

/* "2026-11-22T10:00:00[.frac][+0000] " (short-iso, short-iso-precise, rsyslog). */
static size_t peel_iso_time(const char *s, size_t n)
{
	if (n < 20 || !is_digit(s[0]) || !is_digit(s[3]) || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return 0;
	size_t i = 11;
	while (i < n && s[i] != ' ' && i < 48)
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	return i;
}

/* journalctl -o short-full: "Sun 2026-11-22 10:00:00 UTC ", the weekday
 * in the user's locale ("So", "Вс", "dim."). */
static size_t peel_full_time(const char *s, size_t n, size_t w)
{
	if (!w || w > 24 || n < w + 22)
		return 0;
	const char *d = s + w + 1;
	if (!is_digit(d[0]) || !is_digit(d[3]) || d[4] != '-' || d[7] != '-' || d[10] != ' ' || d[13] != ':')
		return 0;
	static const char days[] = "SunMonTueWedThuFriSat";
	bool ok = false;
	if (w == 3)
		for (int k = 0; k < 7 && !ok; k++)
			ok = memcmp(s, days + 3 * k, 3) == 0;
	if (!ok && !oom_is_weekday(s, w))
		return 0;
	size_t i = w + 12;
	while (i < n && s[i] != ' ' && i < w + 32)
		i++;
	i++; /* the time zone */
	while (i < n && s[i] != ' ' && i < w + 48)
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	return i;
}

/* An uptime bracket somewhere in the first bytes, after a login prompt or
 * other junk a serial console glued on. */
static const char *find_glued_bracket(const char *s, size_t n)
{
	size_t lim = n < 128 ? n : 128;
	for (size_t i = 1; i < lim; i++) {
		if (s[i] != '[')
			continue;
		const char *close = memchr(s + i, ']', n - i < 40 ? n - i : 40);
		double up;
		if (close && parse_uptime(s + i + 1, (size_t)(close - s - i - 1), &up))
			return s + i;
	}
	return NULL;
}

/* A syslogd wall broadcast's header, "Message from syslogd@HOST at TIME ...":
 * rsyslog's RSYSLOG_WallFmt prints TIME as "Feb 23 22:42:17", sysklogd
 * ctime's "Mon Feb 23 22:42:17 2015"; a mail archive may print "@" as
 * "_at_". The kernel's line follows it (" kernel:MSG"). */
static bool peel_wall(const char *s, size_t n, struct oom_line *out)
{
	static const char head[] = "Message from syslogd";
	const size_t hn = sizeof(head) - 1;
	if (n < hn || memcmp(s, head, hn) != 0)
		return false;
	size_t i = hn;
	while (i < n && s[i] != ' ' && i < hn + 256)
		i++;
	if (i + 4 > n || memcmp(s + i, " at ", 4) != 0)
		return false;
	const char *t = s + i + 4, *end = s + n;
	while (end > t && end[-1] == ' ')
		end--;
	if (end - t < 4 || memcmp(end - 4, " ...", 4) != 0)
		return false;
	end -= 4;
	if (end - t < 8 || end - t >= OOM_TIME_MAX || !memchr(t, ':', (size_t)(end - t)))
		return false;
	set_time(out, t, (size_t)(end - t));
	out->wall = true;
	out->prefixed = true;
	out->msg = end;
	out->len = 0;
	return true;
}

static bool is_dict_line(const char *s, size_t n)
{
	if (n < 3 || s[0] != ' ')
		return false;
	size_t i = 1;
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
		i++;
	return i > 1 && i < n && s[i] == '=';
}

void oom_normalise(const char *line, size_t len, struct oom_line *out)
{
	memset(out, 0, sizeof(*out));
	const char *s = line;
	size_t n = len;
	if (is_dict_line(s, n)) {
		out->kmsg_dict = true;
		out->msg = s;
		out->len = n;
		return;
	}
	for (int round = 0; round < 8; round++) {
		while (n && (*s == ' ' || *s == '\t' || *s == '\a')) /* the wall header rings the bell */
			s++, n--;
		if (!out->prefixed && n && *s == 'M' && peel_wall(s, n, out))
			return;
		size_t k;
		if (n >= 3 && s[0] == '<' && is_digit(s[1])) { /* syslog <PRI> */
			const char *gt = memchr(s, '>', n < 6 ? n : 6);
			if (gt) {
				k = (size_t)(gt - s) + 1;
				s += k, n -= k;
				out->prefixed = true;
				continue;
			}
		}
		if (!out->prefixed && peel_kmsg(s, n, out))
			return;
		if ((k = peel_facility(s, n))) {
			s += k, n -= k;
			out->prefixed = true;
			continue;
		}
		if ((k = peel_bracket(s, n, out))) {
			s += k, n -= k;
			out->prefixed = true;
			/* short-monotonic: "[  123.456] host kernel: msg" */
			bool kernel = false;
			size_t h = peel_host_ident(s, n, &kernel);
			if (h && kernel)
				s += h, n -= h;
			continue;
		}
		size_t w = first_word(s, n);
		if ((k = peel_month_time(s, n, w)) || (k = peel_iso_time(s, n)) || (k = peel_full_time(s, n, w))) {
			set_time(out, s, k);
			s += k + 1, n -= k + 1;
			out->prefixed = true;
			bool kernel = false;
			size_t h = peel_host_ident(s, n, &kernel);
			if (h) {
				s += h, n -= h;
				if (!kernel)
					out->foreign = true;
			}
			continue;
		}
		/* a mail quote ("> ", ">> ", "> > ") before anything else */
		if (!out->prefixed && n && s[0] == '>') {
			while (n && (*s == '>' || *s == ' '))
				s++, n--;
			continue;
		}
		if (n >= 7 && memcmp(s, "kernel:", 7) == 0) {
			s += 7, n -= 7;
			out->prefixed = true;
			continue;
		}
		if (round == 0) {
			const char *b = find_glued_bracket(s, n);
			if (b) {
				n -= (size_t)(b - s);
				s = b;
				continue;
			}
		}
		break;
	}
	out->msg = s;
	out->len = n;
}
