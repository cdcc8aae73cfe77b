/* The prefix normaliser: every log format in guest-interfaces.md §4 gives
 * the same message; times as printed. Expected values are read off the
 * input strings below. */
#include <string.h>

#include "oom/prefix.h"
#include "oom/timeparse.h"
#include "tap.h"

static const char *msg_of(const char *line, struct oom_line *ol)
{
	static char buf[512];
	static char clean[512];
	size_t n = oom_clean_line(line, strlen(line), clean, sizeof(clean));
	oom_normalise(clean, n, ol);
	memcpy(buf, ol->msg, ol->len);
	buf[ol->len] = '\0';
	return buf;
}

#define MSG "dnf invoked oom-killer: gfp_mask=0x24280ca, order=0"

static void check(const char *name, const char *line, const char *want_time, bool want_uptime, double uptime)
{
	struct oom_line ol;
	is_str(msg_of(line, &ol), MSG, "%s: message", name);
	is_str(ol.time_text, want_time, "%s: time as printed", name);
	ok(ol.has_uptime == want_uptime, "%s: uptime %s", name, want_uptime ? "known" : "unknown");
	if (want_uptime)
		ok(ol.uptime_s > uptime - 1e-7 && ol.uptime_s < uptime + 1e-7, "%s: uptime %.6f", name, uptime);
	ok(!ol.foreign, "%s: a kernel line", name);
}

/* The time text as ISO 8601 (issue #19); want_iso "" when none. */
static void check_iso(const char *text, const char *want_iso, const char *want_note)
{
	struct oom_time t;
	oom_time_parse(text, &t);
	is_str(t.iso, want_iso, "\"%s\": ISO", text);
	is_str(t.note, want_note, "\"%s\": note", text);
}

/* Localised prefixes (issue #11), names from glibc 2.36's locale data
 * (`locale abmon abday mon alt_mon` under each locale). */
static void localised(void)
{
	/* journalctl short: "%b %d %H:%M:%S" */
	check("journalctl short ru", "апр 19 18:03:30 host kernel: " MSG, "апр 19 18:03:30", false, 0);
	check("journalctl short de", "Mär 19 18:03:30 host kernel: " MSG, "Mär 19 18:03:30", false, 0);
	check("journalctl short fr", "avril 19 18:03:30 host kernel: " MSG, "avril 19 18:03:30", false, 0);
	check("journalctl short fr févr.", "févr. 19 18:03:30 host kernel: " MSG, "févr. 19 18:03:30", false, 0);
	check("journalctl short es", "abr 19 18:03:30 host kernel: " MSG, "abr 19 18:03:30", false, 0);
	check("journalctl short pt", "set 19 18:03:30 host kernel: " MSG, "set 19 18:03:30", false, 0);
	check("journalctl short it", "mag 19 18:03:30 host kernel: " MSG, "mag 19 18:03:30", false, 0);
	check("journalctl short pl", "paź 19 18:03:30 host kernel: " MSG, "paź 19 18:03:30", false, 0);
	check("journalctl short zh", "10月 19 18:03:30 host kernel: " MSG, "10月 19 18:03:30", false, 0);
	check("journalctl short ja", " 4月 19 18:03:30.123456 host kernel: " MSG, "4月 19 18:03:30.123456", false, 0);
	/* journalctl short-full: "%a %Y-%m-%d %H:%M:%S %Z" */
	check("journalctl short-full de", "So 2026-04-19 18:03:30 CEST host kernel: " MSG, "So 2026-04-19 18:03:30 CEST",
	      false, 0);
	check("journalctl short-full ru", "Вс 2026-04-19 18:03:30 MSK host kernel: " MSG, "Вс 2026-04-19 18:03:30 MSK",
	      false, 0);
	check("journalctl short-full ja", "日 2026-04-19 18:03:30 JST host kernel: " MSG, "日 2026-04-19 18:03:30 JST",
	      false, 0);
	/* dmesg -T: "%a %b %e %H:%M:%S %Y" */
	check("dmesg -T fr", "[dim. avril 19 18:03:30 2026] " MSG, "dim. avril 19 18:03:30 2026", false, 0);
	check("dmesg -T zh", "[日 4月 19 18:03:30 2026] " MSG, "日 4月 19 18:03:30 2026", false, 0);

	struct oom_line ol;
	is_str(msg_of("Node 0 DMA32 free:3528kB min:5632kB", &ol), "Node 0 DMA32 free:3528kB min:5632kB",
	       "a message with a word, a number and a colon is not a month prefix");
	is_str(msg_of("Foo 19 18:03:30 host kernel: x", &ol), "Foo 19 18:03:30 host kernel: x",
	       "an unknown month name is not a prefix");

	const char *no_zone = "local time: the log prints no zone";
	check_iso("Sat Apr 27 22:56:09 2019", "2019-04-27T22:56:09", no_zone);
	check_iso("So Jun  9 01:03:02 2013", "2013-06-09T01:03:02", no_zone);
	check_iso("Вс апр 19 18:03:30 2026", "2026-04-19T18:03:30", no_zone);
	check_iso("Вс 19 апреля 2026 18:03:30", "2026-04-19T18:03:30", no_zone);
	check_iso("Чт мая 14 18:03:30 2026", "2026-05-14T18:03:30", no_zone);
	check_iso("Di Mär 10 08:01:02 2026", "2026-03-10T08:01:02", no_zone);
	check_iso("dim. 19 avril 18:03:30 2026", "2026-04-19T18:03:30", no_zone);
	check_iso("mar. févr. 10 08:01:02 2026", "2026-02-10T08:01:02", no_zone);
	check_iso("mar. avr. 21 08:01:02 2026", "2026-04-21T08:01:02", no_zone);
	check_iso("déc. 24 23:59:59", "", "the log prints no year");
	check_iso("mar mar 10 07:00:00 2026", "2026-03-10T07:00:00", no_zone);
	check_iso("mié dic 30 07:00:00 2026", "2026-12-30T07:00:00", no_zone);
	check_iso("qua set 30 07:00:00 2026", "2026-09-30T07:00:00", no_zone);
	check_iso("gio ott 1 07:00:00 2026", "2026-10-01T07:00:00", no_zone);
	check_iso("śro, 30 wrz 2026, 07:00:00", "2026-09-30T07:00:00", no_zone);
	check_iso("śro 30 września 2026 07:00:00", "2026-09-30T07:00:00", no_zone);
	check_iso("三 9月 30 07:00:00 2026", "2026-09-30T07:00:00", no_zone);
	check_iso("水 12月 30 07:00:00 2026", "2026-12-30T07:00:00", no_zone);
	check_iso("星期三 十二月 30 07:00:00 2026", "2026-12-30T07:00:00", no_zone);

	check_iso("2026-11-22T10:00:00+0000", "2026-11-22T10:00:00+00:00", "");
	check_iso("2026-11-22T10:00:00.123456+0530", "2026-11-22T10:00:00.123456+05:30", "");
	check_iso("2026-11-22T10:00:00.5-08:00", "2026-11-22T10:00:00.5-08:00", "");
	check_iso("2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z", "");
	check_iso("2026-11-22 10:00:00", "2026-11-22T10:00:00", no_zone);
	/* dmesg --time-format=iso: a comma before the fraction */
	check("dmesg --time-format=iso", "2026-11-22T10:00:00,123456+0100 " MSG, "2026-11-22T10:00:00,123456+0100", false,
	      0);
	check_iso("2026-11-22T10:00:00,123456+0100", "2026-11-22T10:00:00.123456+01:00", "");
	check_iso("Sun 2026-11-22 10:00:00 UTC", "2026-11-22T10:00:00Z", "");
	check_iso("So 2026-04-19 18:03:30 CEST", "2026-04-19T18:03:30", "local time in CEST: the log prints no UTC offset");
	check_iso("Nov 30 10:16:57", "", "the log prints no year");
	check_iso("Nov 22 10:00:00.123456", "", "the log prints no year");
	check_iso("123.456789", "", "uptime only: seconds since boot (uptime_s), no date");
	check_iso("", "", "the log prints no time");
	check_iso("Sat Feb 29 10:00:00 2025", "", "a time vbtool cannot read");
	check_iso("Sat Feb 29 10:00:00 2024", "2024-02-29T10:00:00", no_zone);
	check_iso("Sat Apr 27 24:00:00 2019", "", "a time vbtool cannot read");
	check_iso("Sat Apr 27 22:56:09 2019 2020", "", "a time vbtool cannot read");
	check_iso("2026-11-22T10:00:00.1234567890+0000", "", "a time vbtool cannot read");
	check_iso("2026-11-22T10:00:00+2400", "", "a time vbtool cannot read");
}

int main(void)
{
	check("raw dmesg", "[  123.456789] " MSG, "123.456789", true, 123.456789);
	check("dmesg -T", "[Sun Nov 22 10:00:00 2026] " MSG, "Sun Nov 22 10:00:00 2026", false, 0);
	check("dmesg -T German", "[So Nov 22 10:00:00 2026] " MSG, "So Nov 22 10:00:00 2026", false, 0);
	check("dmesg -x", "kern  :warn  : [  123.456789] " MSG, "123.456789", true, 123.456789);
	check("dmesg -Tx indented", "    kern  :warn  : [Thu Aug 17 17:29:27 2023] " MSG, "Thu Aug 17 17:29:27 2023",
	      false, 0);
	check("journalctl short", "Nov 22 10:00:00 host kernel: " MSG, "Nov 22 10:00:00", false, 0);
	check("journalctl short-precise", "Nov 22 10:00:00.123456 host kernel: " MSG, "Nov 22 10:00:00.123456", false,
	      0);
	check("journalctl short-iso", "2026-11-22T10:00:00+0000 host kernel: " MSG, "2026-11-22T10:00:00+0000", false,
	      0);
	check("journalctl short-full", "Sun 2026-11-22 10:00:00 UTC host kernel: " MSG, "Sun 2026-11-22 10:00:00 UTC",
	      false, 0);
	check("journalctl short-monotonic", "[  123.456789] host kernel: " MSG, "123.456789", true, 123.456789);
	check("kern.log with uptime", "May 12 10:43:01 ip-10-0-0-1 kernel: [46106.733511] " MSG, "May 12 10:43:01", true,
	      46106.733511);
	check("syslog <pri>", "<4>[  123.456789] " MSG, "123.456789", true, 123.456789);
	check("kmsg record", "4,1234,5678901,-;" MSG, "5.678901", true, 5.678901);
	check("printk caller id", "[ 1629.930998][T14021] " MSG, "1629.930998", true, 1629.930998);
	check("serial: ANSI and CR", "\x1b[1;31m[  901.234567] " MSG "\x1b[0m\r", "901.234567", true, 901.234567);
	check("serial: login prompt glued on", "rhel7 login: [  901.234567] " MSG, "901.234567", true, 901.234567);
	check("mail paste, kernel: only", "kernel: " MSG, "", false, 0);
	check("no prefix", MSG, "", false, 0);
	localised();

	struct oom_line ol;
	msg_of("Nov 22 10:00:00 host systemd[1]: app.service: killed by the OOM killer", &ol);
	ok(ol.foreign, "a journal line from systemd is not a kernel line");
	msg_of(" SUBSYSTEM=virtio", &ol);
	ok(ol.kmsg_dict, "a /dev/kmsg dictionary line is recognised");
	is_str(msg_of("[ 7592]    33  7592    74834     2178 apache2", &ol), "[ 7592]    33  7592    74834     2178 apache2",
	       "a task table row is not taken for a time prefix");
	is_str(msg_of("[  pid  ]   uid  tgid total_vm      rss name", &ol), "[  pid  ]   uid  tgid total_vm      rss name",
	       "nor the task table header");
	ok(!ol.prefixed, "the header has no prefix");
	is_str(msg_of("[99999999999999999999.500000] x", &ol), "x", "an absurd uptime is still a prefix");

	char out[8];
	size_t n = oom_clean_line("ab\0c\r\x1b[0mdefghijk", 17, out, sizeof(out));
	is_u64(n, 7, "clean_line stops at the buffer and NUL-terminates");
	is_str(out, "ab?cdef", "NUL becomes ?, CR and escapes go");
	return tap_done();
}
