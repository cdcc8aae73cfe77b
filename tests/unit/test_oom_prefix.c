/* The prefix normaliser: every log format in guest-interfaces.md §4 gives
 * the same message; times as printed. Expected values are read off the
 * input strings below. */
#include <string.h>

#include "oom/prefix.h"
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
