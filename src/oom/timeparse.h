/* Event times a script can use (issue #19): the time text the prefix
 * normaliser kept, as printed, becomes ISO 8601 where the log says enough,
 * else a reason. Parsed for the events shown only, never for every line. */
#ifndef VBTOOL_OOM_TIMEPARSE_H
#define VBTOOL_OOM_TIMEPARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Month and weekday names of the locales dmesg -T and journalctl print in
 * (timenames.c, generated from glibc's locale data). */
struct oom_time_name {
	const char *name; /* UTF-8, as glibc prints it */
	unsigned char month; /* 1-12, or 0 */
	unsigned char wday;  /* 1 (Sunday) - 7, or 0 */
};
extern const struct oom_time_name oom_time_names[];
extern const size_t oom_time_nnames;

/* The month (1-12) s[0..n) names in any of those locales, abbreviated, full
 * or genitive; ASCII letters match in any case, one trailing '.' may be
 * missing or extra, and an unambiguous prefix of at least 3 bytes of a full
 * name counts (older glibc's "avr." for avril). 0 when none. */
int oom_month_of(const char *s, size_t n);
/* s[0..n) is a weekday name in one of those locales. */
bool oom_is_weekday(const char *s, size_t n);

/* "2026-11-22T10:00:00.123456789+05:30" is 35 bytes. */
#define OOM_ISO_MAX 40
#define OOM_TIME_NOTE_MAX 96

struct oom_time {
	char iso[OOM_ISO_MAX];        /* ISO 8601, "" when the text has no full date and time */
	char note[OOM_TIME_NOTE_MAX]; /* why iso is "", or what it leaves out (no zone); "" when nothing */
};

/* text: a struct oom_line time_text ("" when the line had none). */
void oom_time_parse(const char *text, struct oom_time *out);

#endif
