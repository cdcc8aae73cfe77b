/* The answer: how much memory the host holds, according to which sources,
 * and where it shows up. Each source is an independent statement; the first
 * known one in priority order (driver's own counters first) is reported, and
 * a disagreement between any two is flagged, never averaged away. */
#include "model/report.h"

#include <stdio.h>
#include <string.h>

/* Sources within this much of each other agree: the balloon moves while
 * the files are read one after another. */
#define AGREE_SLACK_KB 1024
/* MemTotal + balloon may pass the present pages by this much before it is
 * a contradiction: the two files are read one after the other. */
#define RAM_SLACK_KB 1024

static void add_source(struct balloon_summary *b, const char *name, const char *path, const char *driver,
		       uint64_t kb, bool cumulative)
{
	if (b->nsources >= sizeof(b->sources) / sizeof(b->sources[0]))
		return;
	b->sources[b->nsources++] = (struct size_source){ name, path, driver, kb, cumulative };
}

static bool pages_to_kb(uint64_t pages, uint64_t page_size, uint64_t *kb)
{
	uint64_t bytes;
	if (!mul_u64(pages, page_size, &bytes))
		return false;
	*kb = bytes / 1024;
	return true;
}

static void add_virtio_debugfs(struct balloon_report *r, const struct dbg_virtio *d)
{
	uint64_t kb;
	if (d->status != SRC_OK || (!d->inflated_total_kb.known && !d->inflated_free_kb.known))
		return;
	if (add_u64(d->inflated_total_kb.known ? d->inflated_total_kb.v : 0,
		    d->inflated_free_kb.known ? d->inflated_free_kb.v : 0, &kb))
		add_source(&r->balloon, "debugfs_virtio_balloon", d->path, "virtio_balloon", kb, false);
}

static void gather(struct balloon_report *r)
{
	struct balloon_summary *b = &r->balloon;
	uint64_t kb;

	add_virtio_debugfs(r, &r->dvirtio);
	add_virtio_debugfs(r, &r->dvirtio_module);
	if (r->dvmw.status == SRC_OK && r->dvmw.current_pages.known &&
	    pages_to_kb(r->dvmw.current_pages.v, 4096, &kb))
		add_source(b, "debugfs_vmmemctl", DEBUGFS_VMW, "vmw_balloon", kb, false);
	if (r->dhv.status == SRC_OK && r->dhv.pages_ballooned.known &&
	    pages_to_kb(r->dhv.pages_ballooned.v, 4096, &kb))
		add_source(b, "debugfs_hv_balloon", DEBUGFS_HV, "hv_balloon", kb, false);
	/* Xen: the pages on the driver's list, low and high memory */
	if (r->xen.status == SRC_OK && add_u64(r->xen.low_kb.v, r->xen.high_kb.v, &kb))
		add_source(b, "xen_balloon", r->xen.path, "xen_balloon", kb, false);
	if (r->mem.balloon_kb.known)
		add_source(b, "meminfo_balloon", "/proc/meminfo", "any", r->mem.balloon_kb.v, false);
	if ((r->mem.inflated_total_kb.known || r->mem.inflated_free_kb.known) &&
	    add_u64(r->mem.inflated_total_kb.known ? r->mem.inflated_total_kb.v : 0,
		    r->mem.inflated_free_kb.known ? r->mem.inflated_free_kb.v : 0, &kb))
		add_source(b, "meminfo_inflated", "/proc/meminfo", "virtio_balloon", kb, false);
	if (r->vm.nr_balloon_pages.known) {
		if (pages_to_kb(r->vm.nr_balloon_pages.v, r->sys.page_size, &kb))
			add_source(b, "vmstat_nr_balloon_pages", "/proc/vmstat", "any", kb, false);
		else
			report_add_problem(r, "/proc/vmstat", NULL, "nr_balloon_pages %llu is more memory than exists",
					   (unsigned long long)r->vm.nr_balloon_pages.v);
	}
	/* Cumulative since boot; only virtio and VMware count here (Xen's
	 * balloon never does: its 0 would contradict the driver's own size). */
	if (r->vm.balloon_inflate.known && r->vm.balloon_deflate.known &&
	    !(r->xen.status == SRC_OK && !r->ndevices && !r->vmw_driver)) {
		if (r->vm.balloon_inflate.v >= r->vm.balloon_deflate.v) {
			if (pages_to_kb(r->vm.balloon_inflate.v - r->vm.balloon_deflate.v, r->sys.page_size, &kb))
				add_source(b, "vmstat_inflate_deflate", "/proc/vmstat", "virtio_balloon", kb, true);
		} else {
			report_add_problem(r, "/proc/vmstat", NULL,
					   "balloon_deflate (%llu) exceeds balloon_inflate (%llu): counters not usable",
					   (unsigned long long)r->vm.balloon_deflate.v,
					   (unsigned long long)r->vm.balloon_inflate.v);
		}
	}
}

/* Which device's negotiation decides the accounting: the first bound balloon. */
static const struct virtio_device *main_device(const struct balloon_report *r)
{
	for (size_t i = 0; i < r->ndevices; i++)
		if (r->devices[i].features.valid)
			return &r->devices[i];
	return NULL;
}

/* hv_balloon calls adjust_managed_page_count() for every page it balloons
 * (so MemTotal shrinks) since Linux 5.11: "hv_balloon: do
 * adjust_managed_page_count() when ballooning/un-ballooning" (Vitaly
 * Kuznetsov, posted 2020-12-02 for the 5.11 merge window). Before it, the
 * pages stayed in MemTotal and looked used. */
#define HV_ADJUSTS_SINCE_MAJOR 5
#define HV_ADJUSTS_SINCE_MINOR 11

/* 1 when the release ("6.1.0-13-amd64") is at least maj.min, 0 when older,
 * -1 when it does not start with two numbers. */
static int kernel_at_least(const char *release, unsigned maj, unsigned min)
{
	unsigned a, b;
	int n = 0;
	if (!release || sscanf(release, "%u.%u%n", &a, &b, &n) != 2 || n == 0)
		return -1;
	return a > maj || (a == maj && b >= min);
}

static void decide_accounting(struct balloon_report *r)
{
	struct balloon_summary *b = &r->balloon;
	const struct virtio_device *d = main_device(r);
	const struct dbg_virtio *dv = r->dvirtio.status == SRC_OK ? &r->dvirtio : &r->dvirtio_module;

	if (d) {
		if (features_test(&d->features, VIRTIO_BALLOON_F_DEFLATE_ON_OOM)) {
			b->accounting = ACCT_USED;
			b->accounting_basis = "DEFLATE_ON_OOM negotiated: MemTotal is unchanged and the balloon's pages look used";
		} else {
			b->accounting = ACCT_SUBTRACTED;
			b->accounting_basis = "DEFLATE_ON_OOM not negotiated: every inflated page is taken off MemTotal";
		}
	} else if (dv->status == SRC_OK && dv->inflated_total_kb.known && dv->inflated_total_kb.v > 0) {
		b->accounting = ACCT_SUBTRACTED;
		b->accounting_basis = "the driver reports InflatedTotal: taken off MemTotal";
	} else if (dv->status == SRC_OK && dv->inflated_free_kb.known && dv->inflated_free_kb.v > 0) {
		b->accounting = ACCT_USED;
		b->accounting_basis = "the driver reports InflatedFree: counted as used";
	} else if (r->xen.status == SRC_OK) {
		/* drivers/xen/balloon.c, every version: totalram_pages-- in
		 * balloon_append() (2.6.x to 3.10), then
		 * adjust_managed_page_count(page, -1), moved into
		 * decrease_reservation() by "xen/balloon: Only mark a page as
		 * managed when it is released" (Ross Lagerwall, 2016). Pages
		 * above the boot allocation (balloon_add_region) and hot-added
		 * pages not yet populated were never in MemTotal either. */
		b->accounting = ACCT_SUBTRACTED;
		b->accounting_basis = "Xen's balloon takes ballooned pages off MemTotal in every kernel version";
	} else if (r->dvmw.status == SRC_OK || r->vmw_driver) {
		b->accounting = ACCT_USED;
		b->accounting_basis = "vmw_balloon never adjusts MemTotal: the balloon's pages look used";
	} else if ((r->hv_driver || r->dhv.status == SRC_OK) &&
		   kernel_at_least(r->sys.kernel, HV_ADJUSTS_SINCE_MAJOR, HV_ADJUSTS_SINCE_MINOR) >= 0) {
		/* by the kernel version: a vendor kernel may carry the change earlier */
		if (kernel_at_least(r->sys.kernel, HV_ADJUSTS_SINCE_MAJOR, HV_ADJUSTS_SINCE_MINOR)) {
			b->accounting = ACCT_SUBTRACTED;
			b->accounting_basis = "hv_balloon takes ballooned pages off MemTotal since Linux 5.11 "
					      "(by the kernel version)";
		} else {
			b->accounting = ACCT_USED;
			b->accounting_basis = "hv_balloon leaves MemTotal unchanged before Linux 5.11: the balloon's "
					      "pages look used (by the kernel version)";
		}
	} else {
		b->accounting = ACCT_UNKNOWN;
		b->accounting_basis = r->hv_driver ? "hv_balloon: the kernel version is unknown"
						   : "no balloon device whose negotiation says";
	}
}

/* A source's stable name (JSON) as words for the text views. */
const char *size_source_text(const char *name)
{
	static const struct {
		const char *name, *text;
	} t[] = {
		{ "debugfs_virtio_balloon", "virtio-balloon's counters in debugfs" },
		{ "debugfs_vmmemctl", "vmmemctl's current pages in debugfs" },
		{ "debugfs_hv_balloon", "hv-balloon's pages ballooned in debugfs" },
		{ "xen_balloon", "Xen balloon's low + high memory pages" },
		{ "meminfo_balloon", "the Balloon: line of /proc/meminfo" },
		{ "meminfo_inflated", "InflatedTotal + InflatedFree in /proc/meminfo" },
		{ "vmstat_nr_balloon_pages", "the balloon pages in /proc/vmstat" },
		{ "vmstat_inflate_deflate", "inflated minus deflated in /proc/vmstat" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].text;
	return name;
}

const char *ram_basis_name(enum ram_basis rb)
{
	switch (rb) {
	case RAM_BASIS_ZONES_PRESENT:
		return "zones_present";
	case RAM_BASIS_MEMTOTAL_PLUS_BALLOON:
		return "memtotal_plus_balloon";
	case RAM_BASIS_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *ram_basis_text(enum ram_basis rb)
{
	switch (rb) {
	case RAM_BASIS_ZONES_PRESENT:
		return "zones' present pages in /proc/zoneinfo";
	case RAM_BASIS_MEMTOTAL_PLUS_BALLOON:
		return "MemTotal + the balloon; no /proc/zoneinfo: leaves out the kernel's own reservations, "
		       "so the share is a little high";
	case RAM_BASIS_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The one definition of the percentage's base: the memory the VM was given,
 * which is what the host (QMP) and explain-oom ("pages RAM", zones' present)
 * count. The zones' present pages are that memory less the firmware's holes
 * (well under 1%); a balloon never changes them. MemTotal is what is left
 * after the kernel's own reservations (several % of a small VM) and, without
 * DEFLATE_ON_OOM, after the balloon: MemTotal + balloon is only a fallback,
 * and MemTotal alone is no estimate of it at all. */
static void decide_ram(struct balloon_report *r)
{
	struct balloon_summary *b = &r->balloon;
	uint64_t kb;

	if (r->zones.present_pages.known && pages_to_kb(r->zones.present_pages.v, r->sys.page_size, &kb))
		b->present_kb = opt_u64(kb);
	if (r->mem.mem_total_kb.known && b->size_kb.known) {
		if (b->accounting == ACCT_SUBTRACTED) {
			if (add_u64(r->mem.mem_total_kb.v, b->size_kb.v, &kb))
				b->derived_ram_kb = opt_u64(kb);
		} else if (b->accounting == ACCT_USED || b->size_kb.v == 0) {
			b->derived_ram_kb = r->mem.mem_total_kb;
		}
	}
	if (b->present_kb.known) {
		b->ram_kb = b->present_kb;
		b->ram_basis = RAM_BASIS_ZONES_PRESENT;
		/* MemTotal is at most the present pages less what the balloon
		 * took off them; more is a stale or wrong balloon size (e.g. the
		 * device's "actual" kept across a system_reset) or accounting */
		uint64_t limit = b->present_kb.v > UINT64_MAX - RAM_SLACK_KB ? UINT64_MAX : b->present_kb.v + RAM_SLACK_KB;
		if ((b->derived_ram_kb.known && b->derived_ram_kb.v > limit) || (b->size_kb.known && b->size_kb.v > limit))
			b->ram_contradiction = true;
	} else if (b->accounting == ACCT_SUBTRACTED && b->derived_ram_kb.known) {
		b->ram_kb = b->derived_ram_kb;
		b->ram_basis = RAM_BASIS_MEMTOTAL_PLUS_BALLOON;
	}
}

void balloon_summarize(struct balloon_report *r)
{
	struct balloon_summary *b = &r->balloon;
	gather(r);
	if (b->nsources) {
		b->size_kb = opt_u64(b->sources[0].size_kb);
		b->size_from = b->sources[0].name;
	}
	for (size_t i = 1; i < b->nsources; i++) {
		uint64_t x = b->sources[i].size_kb, y = b->sources[0].size_kb;
		uint64_t diff = x > y ? x - y : y - x, big = x > y ? x : y;
		if (diff > AGREE_SLACK_KB && diff > big / 100)
			b->disagree = true;
	}
	decide_accounting(r);
	/* Truly nothing: no device, no driver, no counter holding memory. A
	 * non-zero counter alone (Xen's balloon, pseries-cmm) is a balloon. */
	if (!r->ndevices && !r->vmw_driver && !r->hv_driver && !xen_balloon_present(r) && r->device_scan != SRC_ERROR &&
	    !(b->size_kb.known && b->size_kb.v > 0)) {
		b->no_balloon = true;
		if (!b->size_kb.known) {
			b->size_kb = opt_u64(0);
			b->size_from = "no_balloon";
		}
	}
	decide_ram(r);
	if (b->size_kb.known && b->ram_kb.known && b->ram_kb.v > 0)
		b->percent_of_ram = 100.0 * (double)b->size_kb.v / (double)b->ram_kb.v;
}
