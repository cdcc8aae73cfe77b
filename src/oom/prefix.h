/* The prefix normaliser: whatever tool wrote a kernel log line (dmesg, dmesg -T,
 * dmesg -x, journalctl in its short formats, syslog/kern.log, /dev/kmsg
 * records, a serial console), it becomes (time, message). */
#ifndef VBTOOL_OOM_PREFIX_H
#define VBTOOL_OOM_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* room for any time the peels accept: a dmesg -T bracket is at most 80
 * bytes, a localised one in UTF-8 is longer than the English one */
#define OOM_TIME_MAX 80

struct oom_line {
	const char *msg; /* points into the cleaned line */
	size_t len;
	bool prefixed;  /* some known prefix was found */
	bool foreign;   /* a journal/syslog line from something other than the kernel */
	bool kmsg;      /* a /dev/kmsg record */
	bool kmsg_dict; /* a /dev/kmsg " KEY=value" dictionary line */
	bool wall;	/* a syslogd wall broadcast's header: time_text is the next line's time, msg empty */
	bool has_uptime;
	double uptime_s;
	char time_text[OOM_TIME_MAX]; /* the time as printed, "" when none */
	uint64_t caller_tid;          /* CONFIG_PRINTK_CALLER "[T1234]": the printing task, 0 when none */
};

/* Removes CR, ANSI escape sequences and NUL bytes from src into dst (at most
 * cap-1 bytes, NUL-terminated); returns the new length. */
size_t oom_clean_line(const char *src, size_t len, char *dst, size_t cap);

/* Splits a cleaned line into its prefix and message. */
void oom_normalise(const char *line, size_t len, struct oom_line *out);

#endif
