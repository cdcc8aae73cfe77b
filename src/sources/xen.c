/* Xen's balloon driver (see xen.h). Every value is one "%lu\n" (sysfs) or
 * one "Key: %8lu kB" line (/proc/xen/balloon); anything else is a problem,
 * never a guess. */
#include "sources/xen.h"
#include "sources/sysroot.h"
#include "sources/value.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const xen_balloon_files[] = {
	XEN_MEMORY_DIR "/target_kb",
	XEN_MEMORY_DIR "/target",
	XEN_MEMORY_DIR "/schedule_delay",
	XEN_MEMORY_DIR "/max_schedule_delay",
	XEN_MEMORY_DIR "/retry_count",
	XEN_MEMORY_DIR "/max_retry_count",
	XEN_MEMORY_DIR "/info/current_kb",
	XEN_MEMORY_DIR "/info/low_kb",
	XEN_MEMORY_DIR "/info/high_kb",
	XEN_PROC_BALLOON,
	XEN_HOTPLUG_SYSCTL,
	NULL,
};

/* "   1234 kB" -> 1234; "     ??? kB" (no hard limit) is unknown, not bad. */
static bool kb_value(const char *v, size_t vlen, struct opt_u64 *out, bool *bad)
{
	size_t n = trim_span(&v, vlen);
	if (n >= 3 && memcmp(v + n - 3, " kB", 3) == 0)
		n -= 3;
	n = trim_span(&v, n);
	if (span_eq(v, n, "???"))
		return true;
	uint64_t x;
	if (!parse_u64(v, n, 10, &x)) {
		*bad = true;
		return false;
	}
	*out = opt_u64(x);
	return true;
}

static bool proc_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct xen_balloon *x = ctx;
	bool bad = false;
	if (span_eq(k, klen, "Current allocation"))
		kb_value(v, vlen, &x->current_kb, &bad);
	else if (span_eq(k, klen, "Requested target"))
		kb_value(v, vlen, &x->target_kb, &bad);
	else if (span_eq(k, klen, "Low-mem balloon"))
		kb_value(v, vlen, &x->low_kb, &bad);
	else if (span_eq(k, klen, "High-mem balloon"))
		kb_value(v, vlen, &x->high_kb, &bad);
	else if (span_eq(k, klen, "Driver pages"))
		kb_value(v, vlen, &x->driver_kb, &bad);
	else if (span_eq(k, klen, "Xen hard limit")) {
		/* older: "%8lu kB (inc. %8lu kB driver headroom)"; the limit only */
		const char *paren = memchr(v, '(', vlen);
		kb_value(v, paren ? (size_t)(paren - v) : vlen, &x->hard_limit_kb, &bad);
	} else
		return false;
	return !bad;
}

int xen_proc_balloon_parse(const char *buf, size_t len, struct xen_balloon *x)
{
	return kv_foreach(buf, len, ':', proc_line, x);
}

/* One sysfs attribute holding "%lu\n". Absent is no problem (older kernels
 * lack target and the delay files); anything else unreadable is. */
static void read_u64_attr(struct balloon_report *r, const char *path, struct opt_u64 *out)
{
	char *v;
	enum src_status st = source_read_value(r, path, &v);
	uint64_t x;
	if (st == SRC_OK && parse_u64(v, strlen(v), 10, &x))
		*out = opt_u64(x);
	else if (st == SRC_OK)
		report_add_problem(r, path, NULL, "not one decimal number: ignored");
	free(v);
}

static void scan_sysfs(struct balloon_report *r)
{
	struct xen_balloon *x = &r->xen;
	x->layout = XEN_LAYOUT_SYSFS;
	x->path = XEN_MEMORY_DIR;
	read_u64_attr(r, XEN_MEMORY_DIR "/target_kb", &x->target_kb);
	read_u64_attr(r, XEN_MEMORY_DIR "/target", &x->target_bytes);
	read_u64_attr(r, XEN_MEMORY_DIR "/schedule_delay", &x->schedule_delay);
	read_u64_attr(r, XEN_MEMORY_DIR "/max_schedule_delay", &x->max_schedule_delay);
	read_u64_attr(r, XEN_MEMORY_DIR "/retry_count", &x->retry_count);
	read_u64_attr(r, XEN_MEMORY_DIR "/max_retry_count", &x->max_retry_count);
	read_u64_attr(r, XEN_MEMORY_DIR "/info/current_kb", &x->current_kb);
	read_u64_attr(r, XEN_MEMORY_DIR "/info/low_kb", &x->low_kb);
	read_u64_attr(r, XEN_MEMORY_DIR "/info/high_kb", &x->high_kb);
	/* every kernel since 2.6.36 has these four; without them there is no size */
	x->status = x->target_kb.known && x->current_kb.known && x->low_kb.known && x->high_kb.known ? SRC_OK : SRC_ERROR;
	if (x->status != SRC_OK)
		report_add_problem(r, XEN_MEMORY_DIR, NULL,
				   "target_kb, info/current_kb, info/low_kb or info/high_kb missing or unreadable");
}

static void scan_proc(struct balloon_report *r)
{
	struct xen_balloon *x = &r->xen;
	struct file_data fd;
	int e = sysroot_read(XEN_PROC_BALLOON, SYSFS_ATTR_MAX, &fd);
	if (e < 0) {
		x->status = e == -ENOENT ? SRC_ABSENT : e == -EACCES || e == -EPERM ? SRC_DENIED : SRC_ERROR;
		if (e != -ENOENT)
			report_add_problem(r, XEN_PROC_BALLOON, NULL, "%s", sysroot_strerror(e));
		return;
	}
	x->layout = XEN_LAYOUT_PROC;
	x->path = XEN_PROC_BALLOON;
	int bad = xen_proc_balloon_parse(fd.data, fd.len, x);
	if (bad)
		report_add_problem(r, XEN_PROC_BALLOON, NULL, "%d line(s) not understood", bad);
	file_data_free(&fd);
	x->status = x->target_kb.known && x->current_kb.known && x->low_kb.known && x->high_kb.known ? SRC_OK : SRC_ERROR;
	if (x->status != SRC_OK)
		report_add_problem(r, XEN_PROC_BALLOON, NULL, "no current allocation, target or balloon line");
}

void xen_scan(struct balloon_report *r)
{
	struct xen_balloon *x = &r->xen;
	x->hotplug = -1;
	if (sysroot_exists(XEN_MEMORY_DIR))
		scan_sysfs(r);
	else
		scan_proc(r);
	if (x->status == SRC_ABSENT)
		return;
	/* balloon.c registers this sysctl only with the hot-plug code built in;
	 * its absence proves nothing (older kernels had the code without it) */
	if (sysroot_exists(XEN_HOTPLUG_SYSCTL)) {
		x->hotplug = 1;
		read_u64_attr(r, XEN_HOTPLUG_SYSCTL, &x->hotplug_unpopulated);
	}
}
