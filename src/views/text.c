/* status: the human view, one screen. Unknown is printed as "unknown". */
#include "views/views.h"
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *kb_or_unknown(char *buf, size_t len, struct opt_u64 v)
{
	if (!v.known)
		return "unknown";
	char h[32];
	if (v.v < 1024)
		snprintf(buf, len, "%llu KiB", (unsigned long long)v.v);
	else
		snprintf(buf, len, "%llu KiB (%s)", (unsigned long long)v.v, fmt_kb(h, sizeof(h), v.v));
	return buf;
}

static const char *u64_or_unknown(char *buf, size_t len, struct opt_u64 v)
{
	if (!v.known)
		return "unknown";
	snprintf(buf, len, "%llu", (unsigned long long)v.v);
	return buf;
}

/* The names from the tree as values: the view keeps '\n' for its own lines,
 * a directory name must not add one. */
static void print_names(FILE *out, const struct virtio_device *d)
{
	char b[64];
	char *name = term_dup(d->name), *sys = term_dup(d->syspath), *tr = term_dup(d->transport),
	     *addr = term_dup(d->address), *drv = term_dup(d->driver);
	fprintf(out, "Balloon device %s\n", name);
	fprintf(out, "  sysfs       %s\n", sys ? sys : "unknown");
	fprintf(out, "  transport   %s%s%s\n", tr, addr ? " " : "", addr ? addr : "");
	fprintf(out, "  vendor      %s\n", d->vendor_id.known ? (snprintf(b, sizeof(b), "0x%04llx", (unsigned long long)d->vendor_id.v), b) : "unknown");
	fprintf(out, "  driver      %s\n", drv ? drv : "none bound");
	free(name);
	free(sys);
	free(tr);
	free(addr);
	free(drv);
}

static void print_device(FILE *out, const struct virtio_device *d)
{
	print_names(out, d);
	fprintf(out, "  status      ");
	if (d->status.known) {
		fprintf(out, "0x%08llx", (unsigned long long)d->status.v);
		for (size_t i = 0; i < virtio_status_bits_count; i++)
			if (d->status.v & (UINT64_C(1) << virtio_status_bits[i].bit))
				fprintf(out, " %s", virtio_status_bits[i].name);
		fputc('\n', out);
	} else {
		fprintf(out, "unknown\n");
	}
	if (!d->features.valid) {
		fprintf(out, "  features    unknown (%s)\n", d->features_error ? d->features_error : "not read");
		return;
	}
	fprintf(out, "  features    (%u-bit string, negotiated)\n", d->features.nbits);
	unsigned id = d->device_id.known ? (unsigned)d->device_id.v : 0;
	for (unsigned bit = 0; bit < d->features.nbits; bit++) {
		if (!features_test(&d->features, bit))
			continue;
		const struct bit_name *bn = feature_lookup(id, bit);
		if (bn)
			fprintf(out, "    %3u %-20s %s\n", bit, bn->name, bn->desc);
		else
			fprintf(out, "    %3u unknown bit %u\n", bit, bit);
	}
}

static void print_memory(FILE *out, const struct balloon_report *r)
{
	char b[96];
	const struct meminfo *m = &r->mem;
	fprintf(out, "\nMemory (/proc/meminfo%s)\n", m->status == SRC_OK ? "" : ": not readable");
	fprintf(out, "  MemTotal      %s\n", kb_or_unknown(b, sizeof(b), m->mem_total_kb));
	fprintf(out, "  MemFree       %s\n", kb_or_unknown(b, sizeof(b), m->mem_free_kb));
	fprintf(out, "  MemAvailable  %s\n", kb_or_unknown(b, sizeof(b), m->mem_available_kb));
	fprintf(out, "  Balloon:      %s\n", m->balloon_kb.known ? kb_or_unknown(b, sizeof(b), m->balloon_kb)
								   : "no such line (kernel before 6.15)");
	if (m->inflated_total_kb.known || m->inflated_free_kb.known) {
		fprintf(out, "  InflatedTotal %s\n", kb_or_unknown(b, sizeof(b), m->inflated_total_kb));
		fprintf(out, "  InflatedFree  %s\n", kb_or_unknown(b, sizeof(b), m->inflated_free_kb));
	}
	const struct vmstat *v = &r->vm;
	char b1[32], b2[32], b3[32], b4[32];
	/* words here; the kernel's counter names are in the man page and the JSON */
	fprintf(out, "  vmstat        balloon pages %s; since boot: inflated %s, deflated %s, migrated %s pages\n",
		u64_or_unknown(b1, sizeof(b1), v->nr_balloon_pages), u64_or_unknown(b2, sizeof(b2), v->balloon_inflate),
		u64_or_unknown(b3, sizeof(b3), v->balloon_deflate), u64_or_unknown(b4, sizeof(b4), v->balloon_migrate));
	if (r->psi.some.known)
		fprintf(out, "  pressure      some avg10 %.2f%%, full avg10 %.2f%%\n", r->psi.some.avg10,
			r->psi.full.known ? r->psi.full.avg10 : 0.0);
	else
		fprintf(out, "  pressure      %s\n", r->psi.status == SRC_ABSENT ? "no PSI on this kernel" : "unknown");
}

static void print_debugfs(FILE *out, const struct balloon_report *r)
{
	char b[96];
	fprintf(out, "\ndebugfs\n");
	if (r->debugfs != SRC_OK) {
		fprintf(out, "  %s\n", r->debugfs == SRC_DENIED ? "not readable by this user (run as root)"
					: r->sysroot ? "not captured in this tree"
						     : "not mounted (mount -t debugfs none /sys/kernel/debug)");
		return;
	}
	const struct dbg_virtio *dvs[] = { &r->dvirtio, &r->dvirtio_module };
	for (size_t i = 0; i < 2; i++) {
		const struct dbg_virtio *dv = dvs[i];
		if (dv->status == SRC_OK) {
			fprintf(out, "  %s: InflatedTotal %s", dv->path, kb_or_unknown(b, sizeof(b), dv->inflated_total_kb));
			fprintf(out, ", InflatedFree %s\n", kb_or_unknown(b, sizeof(b), dv->inflated_free_kb));
			if (dv->target_kb.known || dv->actual_kb.known) {
				fprintf(out, "    the device's target %s", kb_or_unknown(b, sizeof(b), dv->target_kb));
				fprintf(out, ", the device's actual %s\n", kb_or_unknown(b, sizeof(b), dv->actual_kb));
			}
		} else if (i == 0) {
			fprintf(out, "  virtio-balloon: %s\n",
				dv->status == SRC_ABSENT ? "absent (mainline kernels lack it; the vbtool module writes vbtool-balloon)"
							 : src_status_name(dv->status));
		}
	}
	if (r->dvmw.status == SRC_OK) {
		fprintf(out, "  vmmemctl (%s layout): target %s pages", r->dvmw.layout == VMW_LAYOUT_PRE_4_20 ? "pre-4.20" : "current",
			u64_or_unknown(b, sizeof(b), r->dvmw.target_pages));
		fprintf(out, ", current %s pages\n", u64_or_unknown(b, sizeof(b), r->dvmw.current_pages));
	} else {
		fprintf(out, "  vmmemctl: %s\n", src_status_name(r->dvmw.status));
	}
	if (r->dhv.status == SRC_OK) {
		fprintf(out, "  hv-balloon (%s layout): state %s (%s)", r->dhv.layout == HV_LAYOUT_VENDOR ? "vendor" : "mainline",
			u64_or_unknown(b, sizeof(b), r->dhv.state), r->dhv.state_name ? r->dhv.state_name : "unknown");
		fprintf(out, ", pages ballooned %s\n", u64_or_unknown(b, sizeof(b), r->dhv.pages_ballooned));
		char b2[32];
		/* hot-add: the host giving memory, the other way of Dynamic Memory */
		fprintf(out, "    hot add: pages added %s, pages onlined %s\n",
			u64_or_unknown(b, sizeof(b), r->dhv.pages_added), u64_or_unknown(b2, sizeof(b2), r->dhv.pages_onlined));
	} else {
		fprintf(out, "  hv-balloon: %s\n", src_status_name(r->dhv.status));
	}
}

/* What is plugged now, from /proc/iomem (sources/iomem.c): the log's
 * "plugged" is as of the host's last request. Without root the kernel
 * shows every address as 0: then ranges only. */
static void print_iomem(FILE *out, const struct iomem *io)
{
	char b1[32], b2[32];
	if (io->status != SRC_OK)
		return;
	const char *hidden = "sizes unknown: /proc/iomem shows every address as 0 to a user who is not root";
	for (unsigned i = 0; i < io->nregions; i++) {
		const struct iomem_region *g = &io->regions[i];
		if (io->addresses_hidden)
			fprintf(out, "  virtio-mem %s: %u range(s) plugged now, %s\n", g->name, g->ranges, hidden);
		else
			fprintf(out, "  virtio-mem %s: %s plugged now in %u range(s), of a %s region (/proc/iomem)\n", g->name,
				g->plugged_bytes.known ? fmt_kb(b1, sizeof(b1), g->plugged_bytes.v / 1024) : "unknown", g->ranges,
				g->region_bytes.known ? fmt_kb(b2, sizeof(b2), g->region_bytes.v / 1024) : "unknown");
	}
	/* the other drivers' hot-added RAM (virtio-mem's is above) */
	for (unsigned i = 0; i < io->ndrivers; i++) {
		const struct iomem_driver *d = &io->drivers[i];
		if (io->nregions && strcmp(d->name, "virtio_mem") == 0)
			continue;
		if (io->addresses_hidden)
			fprintf(out, "  hot-added System RAM (%s): %u range(s), %s\n", d->name, d->ranges, hidden);
		else
			fprintf(out, "  hot-added System RAM (%s): %s in %u range(s) (/proc/iomem)\n", d->name,
				d->bytes.known ? fmt_kb(b1, sizeof(b1), d->bytes.v / 1024) : "unknown", d->ranges);
	}
}

/* virtio-mem: its own line per device, from the driver's log */
static void print_virtio_mem(FILE *out, const struct balloon_report *r)
{
	char b1[32], b2[32], b3[32];
	for (unsigned i = 0; i < r->klog.nvmem; i++) {
		const struct virtio_mem_log *v = &r->klog.vmem[i];
		fprintf(out, "  virtio-mem %s: requested %s, plugged %s when the host last asked, device block %s (kernel log)\n",
			v->name,
			v->requested_bytes.known ? fmt_kb(b1, sizeof(b1), v->requested_bytes.v / 1024) : "unknown",
			v->plugged_bytes.known ? fmt_kb(b2, sizeof(b2), v->plugged_bytes.v / 1024) : "unknown",
			v->block_size_bytes.known ? fmt_kb(b3, sizeof(b3), v->block_size_bytes.v / 1024) : "unknown");
	}
	print_iomem(out, &r->iomem);
	const struct memory_blocks *m = &r->memblocks;
	if (r->nrelated && m->status == SRC_OK) {
		/* auto_online_blocks in words (mm/memory_hotplug.c online_type_to_str) */
		const char *a = m->auto_online;
		const char *words = !a				   ? "unknown"
				    : strcmp(a, "offline") == 0	   ? "left offline"
				    : strcmp(a, "online") == 0	   ? "onlined"
				    : strcmp(a, "online_kernel") == 0  ? "onlined, kernel zone"
				    : strcmp(a, "online_movable") == 0 ? "onlined, movable zone"
								       : a;
		/* memmap_on_memory: where an added block's struct pages go */
		const char *mm = m->memmap_on_memory;
		const char *memmap = !mm			   ? ""
				     : strcmp(mm, "N") == 0	   ? "; its memmap taken from the memory already there"
				     : strcmp(mm, "Y") == 0	   ? "; its memmap on the block itself"
				     : strcmp(mm, "force") == 0 ? "; its memmap on the block itself (forced)"
								 : "";
		fprintf(out, "  memory blocks %u online, %u offline (new memory is %s%s)\n", m->online, m->offline, words,
			memmap);
	}
}

/* Xen's balloon driver, as its files say (sources/xen.c) */
static void print_xen(FILE *out, const struct balloon_report *r)
{
	const struct xen_balloon *x = &r->xen;
	char b[32], b2[32], b3[32], b4[32];
	if (x->status == SRC_ABSENT || x->status == SRC_NOT_READ)
		return;
	fprintf(out, "\nXen balloon (%s)\n", x->path ? x->path : "unknown");
	if (x->status != SRC_OK) {
		fprintf(out, "  %s\n", src_status_name(x->status));
		return;
	}
	fprintf(out, "  target        %llu KiB\n", (unsigned long long)x->target_kb.v);
	fprintf(out, "  current       %llu KiB (%s)\n", (unsigned long long)x->current_kb.v,
		x->current_kb.v > x->target_kb.v   ? "above the target: still ballooning down"
		: x->current_kb.v < x->target_kb.v ? "below the target: still getting memory back"
						   : "at the target");
	fprintf(out, "  ballooned     low %llu KiB, high %llu KiB\n", (unsigned long long)x->low_kb.v,
		(unsigned long long)x->high_kb.v);
	if (x->hard_limit_kb.known)
		fprintf(out, "  hard limit    %llu KiB\n", (unsigned long long)x->hard_limit_kb.v);
	if (x->retry_count.known || x->schedule_delay.known)
		fprintf(out, "  retries       %s (at most %s, 0 = no limit), next try in %s s (at most %s s)\n",
			u64_or_unknown(b, sizeof(b), x->retry_count), u64_or_unknown(b2, sizeof(b2), x->max_retry_count),
			u64_or_unknown(b3, sizeof(b3), x->schedule_delay), u64_or_unknown(b4, sizeof(b4), x->max_schedule_delay));
	if (x->hotplug == 1)
		fprintf(out, "  hot-plug      built in (CONFIG_XEN_BALLOON_MEMORY_HOTPLUG); unpopulated hot-plug %s\n",
			!x->hotplug_unpopulated.known ? "unknown" : x->hotplug_unpopulated.v ? "on" : "off");
	else
		fprintf(out, "  hot-plug      unknown (the kernel has no sysctl that says)\n");
}

/* Bits 3 and 5 give pages back without the balloon inflating: the host's
 * RSS of the VM can shrink while every size above says 0. */
static void print_free_page_notes(FILE *out, const struct balloon_report *r)
{
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct virtio_device *d = &r->devices[i];
		if (!d->features.valid)
			continue;
		if (features_test(&d->features, VIRTIO_BALLOON_F_REPORTING))
			fprintf(out, "  free pages    REPORTING negotiated: the guest reports free pages and the host takes "
				     "them back without the balloon inflating (the VM's RSS on the host can shrink while the "
				     "balloon shows 0)\n");
		if (features_test(&d->features, VIRTIO_BALLOON_F_FREE_PAGE_HINT))
			fprintf(out, "  free pages    FREE_PAGE_HINT negotiated: during live migration the guest hints which pages "
				     "are free and the host skips them without the balloon inflating (the VM's RSS on the "
				     "destination can be smaller while the balloon shows 0)\n");
		break; /* one device's negotiation is the VM's */
	}
}

static void print_oom_kills(FILE *out, const struct balloon_report *r)
{
	if (r->klog.status == SRC_OK)
		fprintf(out, "\nOOM kills since boot: %u (kernel log)\n", r->klog.oom_kills);
	else if (r->klog.status == SRC_NOT_READ)
		fprintf(out, "\nOOM kills since boot: unknown (kernel log not read)\n");
	else
		fprintf(out, "\nOOM kills since boot: unknown (kernel log: %s)\n", src_status_name(r->klog.status));
	if (r->klog.status == SRC_OK && r->klog.hv_hot_add_failed)
		fprintf(out, "Hyper-V hot add failed %u times (kernel log; last: %s)\n", r->klog.hv_hot_add_failed,
			r->klog.last_hv_hot_add_failed);
}

static void print_answer(FILE *out, const struct balloon_report *r)
{
	const struct balloon_summary *bs = &r->balloon;
	char h[32], pc[32];
	fprintf(out, "\nThe host holds: ");
	if (bs->no_balloon) {
		fprintf(out, "nothing: there is no balloon device\n");
	} else if (bs->size_kb.known) {
		fprintf(out, "%llu KiB", (unsigned long long)bs->size_kb.v);
		if (bs->size_kb.v >= 1024)
			fprintf(out, " (%s)", fmt_kb(h, sizeof(h), bs->size_kb.v));
		/* whole percent (fmt_percent): the guest's estimate of the VM's
		 * memory is not exact to a tenth (firmware holes); every view
		 * rounds the same way */
		if (bs->ram_kb.known)
			fprintf(out, ", %s of the %s the VM was given (%s)",
				fmt_percent(pc, sizeof(pc), bs->size_kb.v, bs->ram_kb.v), fmt_kb(h, sizeof(h), bs->ram_kb.v),
				ram_basis_text(bs->ram_basis));
		else
			fprintf(out, "; the memory the VM was given is unknown (no usable /proc/zoneinfo)");
		fputc('\n', out);
	} else {
		fprintf(out, "unknown: no source on this system says\n");
	}
	for (size_t i = 0; i < bs->nsources; i++)
		fprintf(out, "  %-46s %llu KiB%s%s\n", size_source_text(bs->sources[i].name),
			(unsigned long long)bs->sources[i].size_kb, bs->sources[i].cumulative ? " (since-boot counters)" : "",
			i == 0 ? " (the size given above)" : "");
	print_virtio_mem(out, r);
	if (bs->disagree)
		fprintf(out, "  !!! THE SOURCES DISAGREE: see the findings\n");
	if (bs->ram_contradiction)
		fprintf(out, "  !!! MemTotal and this balloon add up to more than the VM was given: see the findings\n");
	if (bs->no_balloon)
		return;
	fprintf(out, "  shows up as   %s: %s\n",
		bs->accounting == ACCT_SUBTRACTED ? "subtracted from MemTotal"
		: bs->accounting == ACCT_USED     ? "counted as used memory"
						  : "unknown",
		bs->accounting_basis);
	print_free_page_notes(out, r);
}

/* DMI, /sys/hypervisor and the CPU flag as they are: no name is guessed. */
static void print_hypervisor(FILE *out, const struct hypervisor_info *h)
{
	fprintf(out, "hypervisor: ");
	if (h->dmi == SRC_OK)
		fprintf(out, "DMI %s / %s", h->sys_vendor, h->product_name ? h->product_name : "unknown product");
	else if (h->dmi == SRC_ABSENT)
		fprintf(out, "no DMI tables");
	else
		fprintf(out, "DMI %s", src_status_name(h->dmi));
	if (h->xen == SRC_OK)
		fprintf(out, "; /sys/hypervisor/type %s", h->hypervisor_type);
	else if (h->xen != SRC_ABSENT)
		fprintf(out, "; /sys/hypervisor/type %s", src_status_name(h->xen));
	if (h->cpu_flag == 1)
		fprintf(out, "; the CPU's hypervisor flag is set (a virtual machine)\n");
	else if (h->cpu_flag == 0)
		fprintf(out, "; the CPU's hypervisor flag is not set\n");
	else
		fprintf(out, "; the CPU's hypervisor flag is unknown (/proc/cpuinfo: %s)\n",
			h->cpuinfo == SRC_OK ? "no flags line" : src_status_name(h->cpuinfo));
}

static void status_text(FILE *out, const struct balloon_report *r)
{
	/* the question answered first (issue #12); the details below say why */
	char *answer = report_answer(r);
	fprintf(out, "%s\n\n", answer);
	free(answer);
	char *sysroot = term_dup(r->sysroot); /* the user's path, often named after the customer's host */
	fprintf(out, "vbtool status: %s%s\n", r->sysroot ? "captured tree " : "this machine", sysroot ? sysroot : "");
	free(sysroot);
	fprintf(out, "kernel %s, hostname %s\n", r->sys.kernel ? r->sys.kernel : "unknown",
		r->sys.hostname ? r->sys.hostname : "unknown");
	print_hypervisor(out, &r->hyp);
	fputc('\n', out);
	if (!r->ndevices)
		fprintf(out, "No virtio balloon device%s.\n", r->device_scan == SRC_ERROR ? " (the device scan failed)" : "");
	for (size_t i = 0; i < r->ndevices; i++) {
		if (i)
			fputc('\n', out);
		print_device(out, &r->devices[i]);
	}
	for (size_t i = 0; i < r->nrelated; i++)
		fprintf(out, "Related: %s is a virtio-mem device (not a balloon)\n", r->related[i].name);
	if (r->vmw_driver)
		fprintf(out, "VMware balloon driver (vmw_balloon) present\n");
	if (r->hv_driver)
		fprintf(out, "Hyper-V balloon driver (hv_balloon) present\n");
	if (xen_balloon_present(r))
		fprintf(out, "Xen balloon driver (xen_balloon) present\n");
	print_memory(out, r);
	print_debugfs(out, r);
	print_xen(out, r);
	print_answer(out, r);
	print_oom_kills(out, r);
	if (!r->nfindings)
		fprintf(out, "\nFindings: none\n");
	else {
		fprintf(out, "\nFindings\n");
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct finding *f = &r->findings[i];
			fprintf(out, "  %-7s %s: %s\n", f->severity, f->code, f->message);
			if (f->hint)
				fprintf(out, "          hint: %s\n", f->hint);
		}
	}
	if (r->nproblems) {
		fprintf(out, "\nNot read (this report is incomplete)\n");
		for (size_t i = 0; i < r->nproblems; i++) {
			/* paths and link targets from the tree, one line each */
			char *what = term_dup(r->problems[i].what), *why = term_dup(r->problems[i].why),
			     *hint = term_dup(r->problems[i].hint);
			fprintf(out, "  %s: %s%s%s\n", what, why, hint ? "; hint: " : "", hint ? hint : "");
			free(what);
			free(why);
			free(hint);
		}
	}
}

/* Printed through the terminal sanitizer: names and values come from the
 * customer's tree. */
void view_status_text(FILE *out, const struct balloon_report *r)
{
	struct term_view tv;
	status_text(term_view_begin(&tv, out), r);
	term_view_end(&tv);
}
