/* Findings: short, rule-based lines computed from the model, like a linter.
 * A rule is a row: a code that never changes, a severity, a test that
 * returns the message (or NULL when the rule does not apply), and a hint. */
#include "model/report.h"
#include "base/format.h"
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
	if (r->ndevices || r->vmw_driver || r->hv_driver || xen_balloon_present(r) || !b->size_kb.known ||
	    b->size_kb.v == 0)
		return NULL;
	return xasprintf("the kernel counts %llu KiB in a balloon (%s) but no virtio, VMware or Hyper-V balloon was "
			 "found: another driver (Xen's balloon, pseries-cmm) holds it",
			 (unsigned long long)b->size_kb.v, size_source_text(b->size_from));
}

static char *ram_contradiction(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	if (!b->ram_contradiction)
		return NULL;
	if (b->derived_ram_kb.known && b->derived_ram_kb.v > b->present_kb.v)
		return xasprintf("MemTotal %llu KiB %s the balloon's %llu KiB (%s) = %llu KiB, more than the %llu KiB the VM "
				 "was given (zones' present pages): the balloon size or its accounting is wrong",
				 (unsigned long long)r->mem.mem_total_kb.v,
				 b->accounting == ACCT_SUBTRACTED ? "+" : "already counting",
				 (unsigned long long)b->size_kb.v, size_source_text(b->size_from),
				 (unsigned long long)b->derived_ram_kb.v,
				 (unsigned long long)b->present_kb.v);
	return xasprintf("the balloon's %llu KiB (%s) is more than the %llu KiB the VM was given (zones' present pages)",
			 (unsigned long long)b->size_kb.v, size_source_text(b->size_from), (unsigned long long)b->present_kb.v);
}

/* The vbtool module counts the balloon from the guest's own vm events and
 * prints the device's `actual` beside it, with ActualMatches and
 * DeviceState lines: a device that kept its size over a reset, or that is
 * gone, is said here instead of being taken as the size. */
static const char *module_extra(const struct balloon_report *r, const char *key)
{
	const struct dbg_virtio *d = &r->dvirtio_module;
	if (d->status != SRC_OK)
		return NULL;
	for (size_t i = 0; i < d->nextra; i++)
		if (!strcmp(d->extra_keys[i], key))
			return d->extra_values[i];
	return NULL;
}

static char *device_actual_disagrees(const struct balloon_report *r)
{
	const char *m = module_extra(r, "ActualMatches");
	if (!m || strcmp(m, "no") != 0)
		return NULL;
	const struct dbg_virtio *d = &r->dvirtio_module;
	uint64_t guest = d->inflated_total_kb.v + d->inflated_free_kb.v;
	if (!d->actual_kb.known)
		return xasprintf("the device's actual differs from what the guest holds (%s)", d->path);
	return xasprintf("the device says the balloon holds %llu KiB but the guest holds %llu KiB (%s): the device kept "
			 "an old size (a reset or kexec) or is still moving; the guest's count is the size",
			 (unsigned long long)d->actual_kb.v, (unsigned long long)guest, d->path);
}

static char *device_gone(const struct balloon_report *r)
{
	const char *st = module_extra(r, "DeviceState");
	if (!st || !strcmp(st, "ok"))
		return NULL;
	return xasprintf("the vbtool module says the balloon device is %s (%s): its config values are not read",
			 st, r->dvirtio_module.path);
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
	char pc[32];
	return xasprintf("the balloon holds %llu KiB (%s of the memory the VM was given) and DEFLATE_ON_OOM is not "
			 "negotiated: the guest cannot take it back when it runs out of memory",
			 (unsigned long long)b->size_kb.v, fmt_percent(pc, sizeof(pc), b->size_kb.v, b->ram_kb.v));
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
		sb_addf(&sb, "%s%s %llu KiB", i ? ", " : "", size_source_text(b->sources[i].name),
			(unsigned long long)b->sources[i].size_kb);
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

/* On Xen (hypervisor type or DMI) with neither xen_memory0 nor
 * /proc/xen/balloon: the toolstack's memory target goes unanswered. */
static char *xen_no_driver(const struct balloon_report *r)
{
	if (!report_on_xen(r) || xen_balloon_present(r))
		return NULL;
	return xasprintf("this guest runs on Xen (%s) but has no Xen balloon driver (no %s, no %s): the host's memory "
			 "target goes unanswered and the guest keeps what it booted with",
			 r->hyp.hypervisor_type ? "/sys/hypervisor/type says xen" : "DMI vendor Xen",
			 "/sys/devices/system/xen_memory/xen_memory0", "/proc/xen/balloon");
}

/* balloon.c works toward target_kb (current_credit() = target - current) in
 * steps, retrying with a doubling delay when pages cannot be had. */
static char *xen_moving(const struct balloon_report *r)
{
	const struct xen_balloon *x = &r->xen;
	if (x->status != SRC_OK || x->current_kb.v == x->target_kb.v)
		return NULL;
	bool down = x->current_kb.v > x->target_kb.v;
	uint64_t diff = down ? x->current_kb.v - x->target_kb.v : x->target_kb.v - x->current_kb.v;
	struct strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "Xen's balloon is still %s: the guest has %llu KiB, its target is %llu KiB (%llu KiB to go)",
		down ? "inflating (the host is taking memory)" : "deflating (the host is giving memory back)",
		(unsigned long long)x->current_kb.v, (unsigned long long)x->target_kb.v, (unsigned long long)diff);
	/* retry_count is reset to 1 after every step that got its pages */
	if (x->retry_count.known && x->retry_count.v > 1) {
		sb_addf(&sb, "; it is retrying (try %llu", (unsigned long long)x->retry_count.v);
		/* max_retry_count 0 is RETRY_UNLIMITED */
		if (x->max_retry_count.known && x->max_retry_count.v)
			sb_addf(&sb, " of %llu: it gives up after that until the target changes",
				(unsigned long long)x->max_retry_count.v);
		if (x->schedule_delay.known)
			sb_addf(&sb, ", next try in %llu s", (unsigned long long)x->schedule_delay.v);
		sb_adds(&sb, ")");
	}
	return sb_detach(&sb);
}

/* The target is above all the guest has (current + the balloon's pages):
 * only hot-plug reaches it. balloon.c's reserve_additional_memory() adds a
 * region and then waits (BP_WAIT) until its blocks come online; without
 * the hot-plug code it lowers the target to what the guest has. */
static char *xen_hotplug(const struct balloon_report *r)
{
	const struct xen_balloon *x = &r->xen;
	uint64_t have;
	if (x->status != SRC_OK || !add_u64(x->current_kb.v, x->low_kb.v, &have) || !add_u64(have, x->high_kb.v, &have) ||
	    x->target_kb.v <= have)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "the Xen target %llu KiB is above all the guest has (current + ballooned = %llu KiB): only memory "
		     "hot-plug reaches it (CONFIG_XEN_BALLOON_MEMORY_HOTPLUG: %s)",
		(unsigned long long)x->target_kb.v, (unsigned long long)have,
		x->hotplug == 1 ? "built in" : "unknown");
	const struct memory_blocks *m = &r->memblocks;
	if (m->status == SRC_OK && m->offline)
		sb_addf(&sb, "; %u memory block(s) are offline (/sys/devices/system/memory/auto_online_blocks: %s): the "
			     "driver waits until added memory is online",
			m->offline, m->auto_online ? m->auto_online : "unknown");
	return sb_detach(&sb);
}

static const struct rule rules[] = {
	{ "no-balloon-device", "info", no_balloon, NULL },
	{ "device-failed", "error", device_failed, "the device needs a reset: reload virtio_balloon or reboot" },
	{ "driver-not-bound", "warning", no_driver, "modprobe virtio_balloon" },
	{ "features-unknown", "warning", features_unreadable, NULL },
	{ "large-balloon-no-deflate-on-oom", "warning", large_no_deflate,
	  "give the device deflate-on-oom=on (libvirt: <memballoon autodeflate='on'>), or deflate it from the host" },
	{ "sources-disagree", "warning", sources_disagree, "run again; if it persists, trust the driver's own counter" },
	{ "device-actual-disagrees", "warning", device_actual_disagrees,
	  "compare with the host (vbtool status --qmp or --libvirt); after a reset the host's target may be stale too" },
	{ "module-device-state", "warning", device_gone, "check dmesg for virtio errors; reload virtio_balloon or reboot" },
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
	{ "xen-no-balloon-driver", "warning", xen_no_driver,
	  "a kernel built with CONFIG_XEN_BALLOON=y (built in, never a module) follows the toolstack's target" },
	{ "xen-balloon-moving", "info", xen_moving, NULL },
	{ "xen-hotplug-needed", "warning", xen_hotplug,
	  "online the new blocks (echo online > /sys/devices/system/memory/memoryN/state) or write online to "
	  "/sys/devices/system/memory/auto_online_blocks" },
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
