/* What top watches between samples: OOM kills in the kernel log and
 * virtio devices coming and going (libudev, kernel uevents). Both are read
 * without blocking, once per refresh. */
#ifndef VBTOOL_TOP_WATCH_H
#define VBTOOL_TOP_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "top/model.h"

struct udev;
struct udev_monitor;
struct top_oom;

struct top_watch {
	struct top_oom *oom; /* explain-oom's parser, fed every kernel record */
	int kmsg_fd;         /* /dev/kmsg positioned at its end, or -1 */
	char *kmsg_buf;
	struct udev *udev;
	struct udev_monitor *mon; /* NULL when uevents cannot be received */
	unsigned uevents;         /* virtio uevents seen since the last drain */
};

/* Live: opens /dev/kmsg (at its end) and the uevent monitor; either may be
 * missing (not root, no netlink). Under --sysroot: OOM kills in the captured
 * kernel log go to the event log once, nothing is watched afterwards. */
void top_watch_open(struct top_watch *w, struct top_model *m);
/* Reads what arrived since the last call into m's event log. Returns true
 * when a virtio uevent arrived (a reason to sample at once). */
bool top_watch_drain(struct top_watch *w, struct top_model *m);
void top_watch_close(struct top_watch *w);

/* Recognises the kernel's "Killed process PID (COMM)" message and writes
 * the event text ("OOM kill: pid N (comm), anon-rss K kB"). */
bool top_oom_kill_text(const char *msg, size_t len, char *text, size_t textlen);

#endif
