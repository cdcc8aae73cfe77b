/* Findings: short, rule-based lines computed from the model, like a linter.
 * A rule is a row: a code that never changes, a severity, a test that
 * returns the message (or NULL when the rule does not apply), and a hint. */
#include "model/report.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* A balloon this large without DEFLATE_ON_OOM can starve the guest. */
#define LARGE_BALLOON_PERCENT 10.0
#define PSI_SOME_WARN 10.0

struct rule {
	const char *code;
	const char *severity;
	char *(*test)(const struct balloon_report *r);
	const char *hint;
};

static const struct virtio_device *first_device(const struct balloon_report *r)
{
	return r->ndevices ? &r->devices[0] : NULL;
}

static char *no_balloon(const struct balloon_report *r)
{
	if (!r->balloon.no_balloon)
		return NULL;
	return xstrdup("no balloon device or driver found: the host cannot take memory back through a balloon here");
}

/* Memory held, yet no device or driver vbtool knows: say so rather than
 * "no balloon", which the numbers above would contradict. */
static char *unidentified_driver(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	if (r->ndevices || r->vmw_driver || r->hv_driver || !b->size_kb.known || b->size_kb.v == 0)
		return NULL;
	return xasprintf("the kernel counts %llu kB in a balloon (%s) but no virtio, VMware or Hyper-V balloon was "
			 "found: another driver (Xen's balloon, pseries-cmm) holds it",
			 (unsigned long long)b->size_kb.v, b->size_from);
}

static char *ram_contradiction(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	if (!b->ram_contradiction)
		return NULL;
	if (b->derived_ram_kb.known && b->derived_ram_kb.v > b->present_kb.v)
		return xasprintf("MemTotal %llu kB %s the balloon's %llu kB (%s) = %llu kB, more than the %llu kB the VM "
				 "was given (zones' present pages): the balloon size or its accounting is wrong",
				 (unsigned long long)r->mem.mem_total_kb.v,
				 b->accounting == ACCT_SUBTRACTED ? "+" : "already counting",
				 (unsigned long long)b->size_kb.v, b->size_from, (unsigned long long)b->derived_ram_kb.v,
				 (unsigned long long)b->present_kb.v);
	return xasprintf("the balloon's %llu kB (%s) is more than the %llu kB the VM was given (zones' present pages)",
			 (unsigned long long)b->size_kb.v, b->size_from, (unsigned long long)b->present_kb.v);
}

static char *no_driver(const struct balloon_report *r)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < r->ndevices; i++)
		if (!r->devices[i].driver)
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", r->devices[i].name);
	if (!sb.len)
		return NULL;
	char *m = xasprintf("balloon device %s has no driver bound: the host's requests go unanswered", sb.buf);
	sb_free(&sb);
	return m;
}

static char *device_failed(const struct balloon_report *r)
{
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct virtio_device *d = &r->devices[i];
		if (d->status.known && (d->status.v & 0xc0))
			return xasprintf("%s status 0x%llx has %s set", d->name, (unsigned long long)d->status.v,
					 (d->status.v & 0x80) ? "FAILED" : "NEEDS_RESET");
	}
	return NULL;
}

static char *features_unreadable(const struct balloon_report *r)
{
	for (size_t i = 0; i < r->ndevices; i++)
		if (r->devices[i].features_error)
			return xasprintf("%s: negotiated features unknown (%s)", r->devices[i].name,
					 r->devices[i].features_error);
	return NULL;
}

static char *large_no_deflate(const struct balloon_report *r)
{
	const struct virtio_device *d = first_device(r);
	const struct balloon_summary *b = &r->balloon;
	if (!d || !d->features.valid || features_test(&d->features, VIRTIO_BALLOON_F_DEFLATE_ON_OOM))
		return NULL;
	if (!b->size_kb.known || !b->ram_kb.known || b->percent_of_ram < LARGE_BALLOON_PERCENT)
		return NULL;
	return xasprintf("the balloon holds %llu kB (%.0f%% of the memory the VM was given) and DEFLATE_ON_OOM is not "
			 "negotiated: the guest cannot take it back when it runs out of memory",
			 (unsigned long long)b->size_kb.v, b->percent_of_ram);
}

static char *no_stats_vq(const struct balloon_report *r)
{
	const struct virtio_device *d = first_device(r);
	if (!d || !d->features.valid || features_test(&d->features, VIRTIO_BALLOON_F_STATS_VQ))
		return NULL;
	return xasprintf("%s: STATS_VQ not negotiated: the host gets no memory statistics from this guest", d->name);
}

static char *debugfs_missing(const struct balloon_report *r)
{
	if (r->debugfs == SRC_NO_DEBUGFS)
		return xstrdup(r->sysroot ? "debugfs was not mounted on the captured machine (or not captured): "
					    "the drivers' own counters are missing"
					  : "debugfs is not mounted: the drivers' own counters cannot be read");
	return NULL;
}

static char *debugfs_denied(const struct balloon_report *r)
{
	if (r->debugfs == SRC_DENIED)
		return xstrdup("debugfs is not readable by this user: the drivers' own counters are missing");
	return NULL;
}

static char *out_of_puff(const struct balloon_report *r)
{
	if (!r->klog.out_of_puff)
		return NULL;
	return xasprintf("inflation is failing: the kernel log has %u \"Out of puff!\" message(s) (last: %s)",
			 r->klog.out_of_puff, r->klog.last_out_of_puff ? r->klog.last_out_of_puff : "?");
}

static char *sources_disagree(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	if (!b->disagree)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < b->nsources; i++)
		sb_addf(&sb, "%s%s %llu kB", i ? ", " : "", b->sources[i].name, (unsigned long long)b->sources[i].size_kb);
	char *m = xasprintf("SOURCES DISAGREE on the balloon size: %s", sb.buf);
	sb_free(&sb);
	return m;
}

static char *size_unknown(const struct balloon_report *r)
{
	if (r->balloon.size_kb.known || !r->ndevices)
		return NULL;
	return xstrdup("nothing on this kernel says how much memory the balloon holds");
}

static char *virtio_mem(const struct balloon_report *r)
{
	if (!r->nrelated)
		return NULL;
	return xasprintf("%zu virtio-mem device(s) present (%s): they resize memory too, but are not balloons",
			 r->nrelated, r->related[0].name);
}

static char *pressure_high(const struct balloon_report *r)
{
	if (!r->psi.some.known || r->psi.some.avg10 < PSI_SOME_WARN)
		return NULL;
	return xasprintf("memory pressure: tasks stalled on memory %.1f%% of the last 10 s (PSI some avg10)",
			 r->psi.some.avg10);
}

static char *vmw_first_read(const struct balloon_report *r)
{
	if (r->dvmw.status != SRC_OK || !r->dvmw.counters_all_zero)
		return NULL;
	return xstrdup("vmmemctl counters are all zero: the first read only switches them on; run again for real counts");
}

static char *hv_error(const struct balloon_report *r)
{
	if (r->dhv.status != SRC_OK || !r->dhv.state.known || r->dhv.state.v != 5)
		return NULL;
	return xstrdup("hv_balloon is in the Error state: Dynamic Memory has stopped working");
}

static char *vmw_alloc_fail(const struct balloon_report *r)
{
	uint64_t f = (r->dvmw.alloc_fail_4k.known ? r->dvmw.alloc_fail_4k.v : 0) +
		     (r->dvmw.alloc_fail_2m.known ? r->dvmw.alloc_fail_2m.v : 0);
	if (r->dvmw.status != SRC_OK || !f)
		return NULL;
	return xasprintf("vmw_balloon failed to allocate pages %llu time(s): the guest is short of memory to give",
			 (unsigned long long)f);
}

static const struct rule rules[] = {
	{ "no-balloon-device", "info", no_balloon, NULL },
	{ "device-failed", "error", device_failed, "the device needs a reset: reload virtio_balloon or reboot" },
	{ "driver-not-bound", "warning", no_driver, "modprobe virtio_balloon" },
	{ "features-unknown", "warning", features_unreadable, NULL },
	{ "large-balloon-no-deflate-on-oom", "warning", large_no_deflate,
	  "give the device deflate-on-oom=on (libvirt: <memballoon autodeflate='on'>), or deflate it from the host" },
	{ "sources-disagree", "warning", sources_disagree, "run again; if it persists, trust the driver's own counter" },
	{ "ram-contradiction", "warning", ram_contradiction,
	  "after a reset the device may keep its old size: compare with the host (vbtool status --qmp)" },
	{ "unidentified-balloon-driver", "info", unidentified_driver, NULL },
	{ "inflation-failing", "warning", out_of_puff, "the host asks for more than the guest can give" },
	{ "hv-balloon-error", "error", hv_error, NULL },
	{ "vmw-alloc-failures", "warning", vmw_alloc_fail, NULL },
	{ "memory-pressure", "warning", pressure_high, NULL },
	{ "stats-vq-not-negotiated", "info", no_stats_vq, NULL },
	{ "balloon-size-unknown", "info", size_unknown,
	  "load the vbtool module (kmod/), or run a 6.15+ kernel (Balloon: in /proc/meminfo)" },
	{ "debugfs-not-mounted", "info", debugfs_missing, "mount -t debugfs none /sys/kernel/debug" },
	{ "debugfs-denied", "info", debugfs_denied, "run as root" },
	{ "vmw-counters-first-read", "info", vmw_first_read, NULL },
	{ "virtio-mem-present", "info", virtio_mem, NULL },
};

void findings_evaluate(struct balloon_report *r)
{
	size_t cap = 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char *msg = rules[i].test(r);
		if (!msg)
			continue;
		r->findings = xgrow(r->findings, &cap, r->nfindings + 1, sizeof(*r->findings));
		r->findings[r->nfindings++] =
			(struct finding){ rules[i].severity, rules[i].code, msg, rules[i].hint };
	}
}
