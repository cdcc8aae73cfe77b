/* top's watchers: /dev/kmsg followed from its end, and a libudev monitor on
 * the kernel uevent source (it works without udevd). */
#include "top/watch.h"
#include "top/oom.h"
#include "sources/klog.h"
#include "base/parse.h"
#include "sources/sysroot.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KMSG_RECORDS_PER_DRAIN 512 /* bounds the work of one refresh */
#define UEVENTS_PER_DRAIN 64

static const char *find_span(const char *s, size_t len, const char *lit)
{
	return memmem(s, len, lit, strlen(lit));
}

bool top_oom_kill_text(const char *msg, size_t len, char *text, size_t textlen)
{
	static const char killed[] = "Killed process ";
	const char *k = find_span(msg, len, killed);
	if (!k)
		return false;
	const char *p = k + strlen(killed), *end = msg + len;
	const char *pid = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	uint64_t pidv;
	if (p == pid || !parse_u64(pid, (size_t)(p - pid), 10, &pidv))
		return false;
	if (end - p < 3 || p[0] != ' ' || p[1] != '(')
		return false;
	const char *comm = p + 2;
	/* a comm may hold ')' itself: the name ends at the ')' before " total-vm" */
	const char *tv = find_span(comm, (size_t)(end - comm), ") total-vm");
	const char *close = tv ? tv : memrchr(comm, ')', (size_t)(end - comm));
	if (!close)
		return false;
	size_t clen = (size_t)(close - comm);
	if (clen > 64)
		clen = 64;
	const char *anon = find_span(close, (size_t)(end - close), "anon-rss:");
	char rss[40] = "";
	if (anon) {
		const char *a = anon + strlen("anon-rss:"), *q = a;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		uint64_t kb;
		if (q > a && parse_u64(a, (size_t)(q - a), 10, &kb))
			snprintf(rss, sizeof(rss), ", anon-rss %llu KiB", (unsigned long long)kb);
	}
	bool memcg = find_span(msg, (size_t)(k - msg), "Memory cgroup") != NULL;
	snprintf(text, textlen, "OOM kill%s: pid %llu (%.*s)%s", memcg ? " in a memory cgroup" : "",
		 (unsigned long long)pidv, (int)clen, comm, rss);
	return true;
}

struct record_ctx {
	struct top_watch *w;
	struct top_model *m;
};

/* Every kernel record goes to explain-oom's parser; a kill line becomes an
 * event, with the verdict on the report that led to it. */
static void on_record(struct top_watch *w, struct top_model *m, const char *rec, size_t len, bool captured)
{
	struct klog_record kr;
	/* only the kernel writes facility 0: a user's line in /dev/kmsg is no kill */
	if (!klog_parse_record(rec, len, &kr) || kr.facility != 0)
		return;
	char text[TOP_EVENT_TEXT], code[32], summary[TOP_VERDICT_TEXT];
	bool kill = top_oom_kill_text(kr.msg, kr.msglen, text, sizeof(text));
	bool judged = top_oom_feed(w->oom, rec, len, kill, code, sizeof(code), summary, sizeof(summary));
	if (!kill)
		return;
	char when[24];
	if (captured)
		snprintf(when, sizeof(when), "[%llu.%06llu]", (unsigned long long)(kr.usec / 1000000),
			 (unsigned long long)(kr.usec % 1000000));
	struct top_event *e =
		top_model_add_event(m, TE_OOM_KILL, captured ? when : NULL, "%s%s", text, captured ? " (captured)" : "");
	if (judged)
		top_event_set_verdict(e, code, summary);
}

static int captured_record(void *ctx, const char *rec, size_t len)
{
	struct record_ctx *c = ctx;
	on_record(c->w, c->m, rec, len, true);
	return 0;
}

void top_watch_open(struct top_watch *w, struct top_model *m)
{
	memset(w, 0, sizeof(*w));
	w->kmsg_fd = -1;
	w->oom = top_oom_new();
	if (!sysroot_is_live()) {
		/* no uevents tell a tree's changes: every refresh reads it all */
		m->always_rescan = true;
		/* a static replay: the capture's kills, once; absent logs are fine */
		struct record_ctx c = { w, m };
		(void)klog_foreach_record(captured_record, &c);
		return;
	}
	w->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->kmsg_fd >= 0) {
		if (lseek(w->kmsg_fd, 0, SEEK_END) < 0) {
			close(w->kmsg_fd);
			w->kmsg_fd = -1;
		} else {
			w->kmsg_buf = xmalloc(KLOG_RECORD_MAX + 1);
		}
	}
	m->always_rescan = true; /* until the uevent monitor runs */
	w->udev = udev_new();
	if (w->udev) {
		w->mon = udev_monitor_new_from_netlink(w->udev, "kernel");
		if (w->mon && (udev_monitor_filter_add_match_subsystem_devtype(w->mon, "virtio", NULL) < 0 ||
			       udev_monitor_enable_receiving(w->mon) < 0)) {
			udev_monitor_unref(w->mon);
			w->mon = NULL;
		}
		if (w->mon) {
			/* receive_device must not block: the refresh timer drives us */
			int fd = udev_monitor_get_fd(w->mon);
			int fl = fcntl(fd, F_GETFL);
			if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
				udev_monitor_unref(w->mon);
				w->mon = NULL;
			}
		}
		/* devices come and go with a uevent: the list is kept in between */
		m->always_rescan = w->mon == NULL;
	}
}

static void drain_kmsg(struct top_watch *w, struct top_model *m)
{
	for (int i = 0; i < KMSG_RECORDS_PER_DRAIN; i++) {
		ssize_t n = read(w->kmsg_fd, w->kmsg_buf, KLOG_RECORD_MAX);
		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue; /* records were overwritten before we read them */
			return;       /* EAGAIN: nothing more for now */
		}
		if (n == 0)
			return;
		w->kmsg_buf[n] = '\0';
		/* the record ends at the first newline; " KEY=value" lines follow it */
		char *nl = memchr(w->kmsg_buf, '\n', (size_t)n);
		size_t len = nl ? (size_t)(nl - w->kmsg_buf) : (size_t)n;
		on_record(w, m, w->kmsg_buf, len, false);
	}
}

bool top_watch_drain(struct top_watch *w, struct top_model *m)
{
	if (w->kmsg_fd >= 0)
		drain_kmsg(w, m);
	bool changed = false;
	for (int i = 0; w->mon && i < UEVENTS_PER_DRAIN; i++) {
		struct udev_device *d = udev_monitor_receive_device(w->mon);
		if (!d)
			break;
		/* what changed is read by the next sample, the one reader of sysfs,
		 * which then reads every source again */
		changed = true;
		m->rescan = true;
		w->uevents++;
		udev_device_unref(d);
	}
	return changed;
}

void top_watch_close(struct top_watch *w)
{
	if (w->kmsg_fd >= 0)
		close(w->kmsg_fd);
	free(w->kmsg_buf);
	top_oom_free(w->oom);
	if (w->mon)
		udev_monitor_unref(w->mon);
	if (w->udev)
		udev_unref(w->udev);
	memset(w, 0, sizeof(*w));
	w->kmsg_fd = -1;
}
