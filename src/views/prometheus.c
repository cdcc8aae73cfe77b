/* status --format prometheus: what status knows, as metric families (the
 * list in vbtool(8), "Prometheus metrics"). Every family's HELP and TYPE is
 * printed even when it has no sample here, so the set of families is the
 * same on every machine; unknown values are left out, never 0. */
#include "views/views.h"
#include "views/prom.h"

#include <stddef.h>
#include <string.h>

#define KB(v) ((v) * UINT64_C(1024))

static void features_info(FILE *out, struct prom_labels *l, const struct virtio_device *d)
{
	struct strbuf neg, unk;
	sb_init(&neg);
	sb_init(&unk);
	for (unsigned bit = 0; bit < d->features.nbits; bit++) {
		if (!features_test(&d->features, bit))
			continue;
		const struct bit_name *bn = feature_lookup(d->device_id.known ? (unsigned)d->device_id.v : 0, bit);
		struct strbuf *sb = bn ? &neg : &unk;
		if (sb->len)
			sb_adds(sb, ",");
		if (bn)
			sb_adds(sb, bn->name);
		else
			sb_addf(sb, "%u", bit);
	}
	prom_label(l, "device", d->name);
	prom_label(l, "driver", d->driver ? d->driver : "");
	prom_label(l, "transport", d->transport);
	prom_label(l, "negotiated", neg.len ? neg.buf : "");
	prom_label(l, "unknown_bits", unk.len ? unk.buf : "");
	prom_label(l, "deflate_on_oom", features_test(&d->features, VIRTIO_BALLOON_F_DEFLATE_ON_OOM) ? "true" : "false");
	prom_label(l, "stats_vq", features_test(&d->features, VIRTIO_BALLOON_F_STATS_VQ) ? "true" : "false");
	prom_sample_u64(out, "vbtool_balloon_features_info", l, 1);
	sb_free(&neg);
	sb_free(&unk);
}

/* Target and actual size as each driver states them. */
static void target_actual(FILE *out, struct prom_labels *l, const struct balloon_report *r, bool target)
{
	const char *name = target ? "vbtool_balloon_target_bytes" : "vbtool_balloon_actual_bytes";
	const struct dbg_virtio *dv[] = { &r->dvirtio, &r->dvirtio_module };
	for (size_t i = 0; i < 2; i++) {
		struct opt_u64 v = target ? dv[i]->target_kb : dv[i]->actual_kb;
		if (dv[i]->status == SRC_OK && v.known) {
			prom_label(l, "driver", "virtio_balloon");
			prom_label(l, "path", dv[i]->path);
			prom_sample_u64(out, name, l, KB(v.v));
		}
	}
	struct opt_u64 pages = target ? r->dvmw.target_pages : r->dvmw.current_pages;
	if (r->dvmw.status == SRC_OK && pages.known) {
		prom_label(l, "driver", "vmw_balloon");
		prom_label(l, "path", DEBUGFS_VMW);
		prom_sample_u64(out, name, l, pages.v * 4096); /* vmw counts 4 KiB frames */
	}
}

static void hv_memory(FILE *out, struct prom_labels *l, const struct dbg_hv *h)
{
	if (h->status != SRC_OK || !h->page_size.known)
		return;
	const struct {
		const char *kind;
		struct opt_u64 v;
	} k[] = {
		{ "added", h->pages_added },
		{ "onlined", h->pages_onlined },
		{ "ballooned", h->pages_ballooned },
		{ "total_committed", h->total_pages_committed },
		{ "vm_committed", h->vm_pages_committed },
		{ "max_dynamic", h->max_dynamic_page_count },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (k[i].v.known) {
			prom_label(l, "kind", k[i].kind);
			prom_sample_u64(out, "vbtool_hv_balloon_memory_bytes", l, k[i].v.v * h->page_size.v);
		}
}

/* Xen's balloon driver (sources/xen.c): its sysfs files or /proc/xen/balloon
 * as they are, in bytes. target and current are the domain's allocation
 * (what the guest has), not the balloon's size: that is low + high. */
static void xen_balloon(FILE *out, struct prom_labels *l, const struct xen_balloon *x)
{
	/* each value is set only when its file was read and understood */
	prom_family(out, "vbtool_xen_balloon_target_bytes", "gauge",
		    "Xen balloon: the memory the toolstack wants the guest to have (target_kb).");
	if (x->target_kb.known)
		prom_sample_u64(out, "vbtool_xen_balloon_target_bytes", l, KB(x->target_kb.v));
	prom_family(out, "vbtool_xen_balloon_current_bytes", "gauge",
		    "Xen balloon: the memory the guest has now (info/current_kb).");
	if (x->current_kb.known)
		prom_sample_u64(out, "vbtool_xen_balloon_current_bytes", l, KB(x->current_kb.v));
	prom_family(out, "vbtool_xen_balloon_ballooned_bytes", "gauge",
		    "Xen balloon: pages the host holds, low and high memory (zone label).");
	const struct {
		const char *zone;
		struct opt_u64 v;
	} z[] = { { "low", x->low_kb }, { "high", x->high_kb } };
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++)
		if (z[i].v.known) {
			prom_label(l, "zone", z[i].zone);
			prom_sample_u64(out, "vbtool_xen_balloon_ballooned_bytes", l, KB(z[i].v.v));
		}
	prom_family(out, "vbtool_xen_balloon_retries", "gauge",
		    "Xen balloon: failed steps toward the target so far and the most before it gives up (kind label; 0 max: no limit).");
	const struct {
		const char *kind;
		struct opt_u64 v;
	} rt[] = { { "count", x->retry_count }, { "max", x->max_retry_count } };
	for (size_t i = 0; i < sizeof(rt) / sizeof(rt[0]); i++)
		if (rt[i].v.known) {
			prom_label(l, "kind", rt[i].kind);
			prom_sample_u64(out, "vbtool_xen_balloon_retries", l, rt[i].v.v);
		}
	prom_family(out, "vbtool_xen_balloon_schedule_delay_seconds", "gauge",
		    "Xen balloon: seconds until the next step toward the target, now and at most (kind label).");
	const struct {
		const char *kind;
		struct opt_u64 v;
	} sd[] = { { "current", x->schedule_delay }, { "max", x->max_schedule_delay } };
	for (size_t i = 0; i < sizeof(sd) / sizeof(sd[0]); i++)
		if (sd[i].v.known) {
			prom_label(l, "kind", sd[i].kind);
			prom_sample_u64(out, "vbtool_xen_balloon_schedule_delay_seconds", l, sd[i].v.v);
		}
	/* the sysctl exists only with CONFIG_XEN_BALLOON_MEMORY_HOTPLUG */
	prom_family(out, "vbtool_xen_balloon_hotplug_unpopulated", "gauge",
		    "Xen balloon: /proc/sys/xen/balloon/hotplug_unpopulated (1: hot-plugs memory for unpopulated pages).");
	if (x->hotplug == 1 && x->hotplug_unpopulated.known)
		prom_sample_u64(out, "vbtool_xen_balloon_hotplug_unpopulated", l, x->hotplug_unpopulated.v);
}

/* virtio-mem devices as their driver logged them, one device label each. */
static void virtio_mem(FILE *out, struct prom_labels *l, const struct klog_summary *k)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{ "vbtool_virtio_mem_requested_bytes", "virtio-mem: the size the host asks for (the driver's last \"requested size\").",
		  offsetof(struct virtio_mem_log, requested_bytes) },
		{ "vbtool_virtio_mem_plugged_bytes", "virtio-mem: what was plugged when the host last changed the request (\"plugged size\").",
		  offsetof(struct virtio_mem_log, plugged_bytes) },
		{ "vbtool_virtio_mem_block_size_bytes", "virtio-mem: the device block size it plugs in.",
		  offsetof(struct virtio_mem_log, block_size_bytes) },
		{ "vbtool_virtio_mem_region_bytes", "virtio-mem: the region size, the most the device can plug.",
		  offsetof(struct virtio_mem_log, region_size_bytes) },
	};
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		prom_family(out, fam[f].name, "gauge", fam[f].help);
		for (unsigned i = 0; k->status == SRC_OK && i < k->nvmem; i++) {
			const struct opt_u64 *v = (const struct opt_u64 *)((const char *)&k->vmem[i] + fam[f].off);
			if (v->known) {
				prom_label(l, "device", k->vmem[i].name);
				prom_sample_u64(out, fam[f].name, l, v->v);
			}
		}
	}
}

/* /sys/devices/system/memory: hot-plugged memory (virtio-mem, Xen, ACPI) is
 * usable only once its blocks are online. */
static void memory_blocks(FILE *out, struct prom_labels *l, const struct memory_blocks *m)
{
	bool ok = m->status == SRC_OK;
	prom_family(out, "vbtool_memory_blocks", "gauge", "Memory blocks by state (online, offline, other).");
	const struct {
		const char *state;
		unsigned n;
	} s[] = { { "online", m->online }, { "offline", m->offline }, { "other", m->other } };
	for (size_t i = 0; ok && i < sizeof(s) / sizeof(s[0]); i++) {
		prom_label(l, "state", s[i].state);
		prom_sample_u64(out, "vbtool_memory_blocks", l, s[i].n);
	}
	prom_family(out, "vbtool_memory_block_size_bytes", "gauge", "The size of one memory block (block_size_bytes).");
	if (ok && m->block_size_bytes.known)
		prom_sample_u64(out, "vbtool_memory_block_size_bytes", l, m->block_size_bytes.v);
	prom_family(out, "vbtool_memory_auto_online_info", "gauge",
		    "What the kernel does with added memory blocks (auto_online_blocks as the policy label); always 1.");
	if (ok && m->auto_online) {
		prom_label(l, "policy", m->auto_online);
		prom_sample_u64(out, "vbtool_memory_auto_online_info", l, 1);
	}
}

/* A finding with the same code and severity as an earlier one would be a
 * duplicate series, which Prometheus rejects. */
bool finding_seen(const struct finding *f, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(f[j].code, f[i].code) == 0 && strcmp(f[j].severity, f[i].severity) == 0)
			return true;
	return false;
}

void view_status_prometheus(FILE *out, const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	struct prom_labels l;
	prom_labels_init(&l);

	prom_family(out, "vbtool_info", "gauge", "vbtool's version and the kernel it read; always 1.");
	prom_label(&l, "version", PACKAGE_VERSION);
	prom_label(&l, "kernel", r->sys.kernel ? r->sys.kernel : "");
	prom_sample_u64(out, "vbtool_info", &l, 1);

	prom_family(out, "vbtool_balloon_present", "gauge", "1 when a balloon device, driver or counter was found.");
	prom_sample_u64(out, "vbtool_balloon_present", &l, report_has_balloon(r) ? 1 : 0);

	prom_family(out, "vbtool_balloon_size_bytes", "gauge", "Memory the balloon holds now (the best source).");
	if (b->size_kb.known) {
		prom_label(&l, "source", b->size_from ? b->size_from : "");
		prom_sample_u64(out, "vbtool_balloon_size_bytes", &l, KB(b->size_kb.v));
	}

	prom_family(out, "vbtool_balloon_target_bytes", "gauge", "The balloon size the host asks for, per driver.");
	target_actual(out, &l, r, true);
	prom_family(out, "vbtool_balloon_actual_bytes", "gauge", "The balloon size the driver reached, per driver.");
	target_actual(out, &l, r, false);

	prom_family(out, "vbtool_balloon_ram_bytes", "gauge", "The VM's RAM that the balloon percentage is of; basis says how it was found.");
	if (b->ram_kb.known) {
		prom_label(&l, "basis", ram_basis_name(b->ram_basis));
		prom_sample_u64(out, "vbtool_balloon_ram_bytes", &l, KB(b->ram_kb.v));
	}
	prom_family(out, "vbtool_balloon_ram_ratio", "gauge", "Balloon size over vbtool_balloon_ram_bytes (0.25 = 25%).");
	if (b->size_kb.known && b->ram_kb.known)
		prom_sample_double(out, "vbtool_balloon_ram_ratio", &l, b->percent_of_ram / 100);

	prom_family(out, "vbtool_balloon_accounting_info", "gauge", "How the balloon shows in /proc/meminfo (mode label); always 1.");
	prom_label(&l, "mode", accounting_name(b->accounting));
	prom_sample_u64(out, "vbtool_balloon_accounting_info", &l, 1);

	prom_family(out, "vbtool_balloon_features_info", "gauge", "A balloon device's negotiated virtio features as labels; always 1.");
	for (size_t i = 0; i < r->ndevices; i++)
		if (r->devices[i].features.valid)
			features_info(out, &l, &r->devices[i]);

	prom_family(out, "vbtool_balloon_source_bytes", "gauge", "The balloon size as each independent source states it.");
	for (size_t i = 0; i < b->nsources; i++) {
		prom_label(&l, "source", b->sources[i].name);
		prom_label(&l, "driver", b->sources[i].driver);
		prom_label(&l, "path", b->sources[i].path);
		prom_sample_u64(out, "vbtool_balloon_source_bytes", &l, KB(b->sources[i].size_kb));
	}
	prom_family(out, "vbtool_balloon_sources_agree", "gauge", "1 when the size sources agree, 0 when they do not.");
	if (b->nsources)
		prom_sample_u64(out, "vbtool_balloon_sources_agree", &l, b->disagree ? 0 : 1);

	prom_family(out, "vbtool_vmstat_balloon_bytes_total", "counter", "Pages the balloon moved since boot (/proc/vmstat balloon_*), in bytes.");
	const struct {
		const char *event;
		struct opt_u64 v;
	} ev[] = { { "inflate", r->vm.balloon_inflate }, { "deflate", r->vm.balloon_deflate }, { "migrate", r->vm.balloon_migrate } };
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		if (ev[i].v.known) {
			prom_label(&l, "event", ev[i].event);
			prom_sample_u64(out, "vbtool_vmstat_balloon_bytes_total", &l, ev[i].v.v * r->sys.page_size);
		}

	prom_family(out, "vbtool_debugfs_virtio_inflated_bytes", "gauge", "virtio_balloon debugfs: inflated_total and inflated_free, per file.");
	const struct dbg_virtio *dv[] = { &r->dvirtio, &r->dvirtio_module };
	for (size_t i = 0; i < 2; i++) {
		if (dv[i]->status != SRC_OK)
			continue;
		const struct {
			const char *kind;
			struct opt_u64 v;
		} k[] = { { "total", dv[i]->inflated_total_kb }, { "free", dv[i]->inflated_free_kb } };
		for (size_t j = 0; j < 2; j++)
			if (k[j].v.known) {
				prom_label(&l, "path", dv[i]->path);
				prom_label(&l, "kind", k[j].kind);
				prom_sample_u64(out, "vbtool_debugfs_virtio_inflated_bytes", &l, KB(k[j].v.v));
			}
	}
	prom_family(out, "vbtool_vmw_balloon_alloc_failures_total", "counter", "vmw_balloon debugfs: failed page allocations, per page size.");
	if (r->dvmw.status == SRC_OK) {
		if (r->dvmw.alloc_fail_4k.known) {
			prom_label(&l, "page", "4k");
			prom_sample_u64(out, "vbtool_vmw_balloon_alloc_failures_total", &l, r->dvmw.alloc_fail_4k.v);
		}
		if (r->dvmw.alloc_fail_2m.known) {
			prom_label(&l, "page", "2m");
			prom_sample_u64(out, "vbtool_vmw_balloon_alloc_failures_total", &l, r->dvmw.alloc_fail_2m.v);
		}
	}
	prom_family(out, "vbtool_hv_balloon_memory_bytes", "gauge", "hv_balloon debugfs: memory added, onlined, ballooned and committed (kind label).");
	hv_memory(out, &l, &r->dhv);
	prom_family(out, "vbtool_hv_balloon_state", "gauge", "hv_balloon debugfs: the driver's state number (state_name label).");
	if (r->dhv.status == SRC_OK && r->dhv.state.known) {
		prom_label(&l, "state_name", r->dhv.state_name ? r->dhv.state_name : "");
		prom_sample_u64(out, "vbtool_hv_balloon_state", &l, r->dhv.state.v);
	}

	xen_balloon(out, &l, &r->xen);
	virtio_mem(out, &l, &r->klog);
	memory_blocks(out, &l, &r->memblocks);

	prom_family(out, "vbtool_uptime_seconds", "gauge", "Seconds since the guest booted (the age of the since-boot counters).");
	if (r->sys.uptime_s.known)
		prom_sample_u64(out, "vbtool_uptime_seconds", &l, r->sys.uptime_s.v);

	prom_family(out, "vbtool_kernel_log_oom_kills_total", "counter", "OOM kills in the kernel log buffer.");
	if (r->klog.status == SRC_OK)
		prom_sample_u64(out, "vbtool_kernel_log_oom_kills_total", &l, r->klog.oom_kills);
	prom_family(out, "vbtool_kernel_log_inflate_failures_total", "counter",
		    "virtio_balloon \"Out of puff\" messages (inflation failing) in the kernel log buffer.");
	if (r->klog.status == SRC_OK)
		prom_sample_u64(out, "vbtool_kernel_log_inflate_failures_total", &l, r->klog.out_of_puff);

	prom_family(out, "vbtool_finding", "gauge", "One series per finding of status (code and severity labels); always 1.");
	for (size_t i = 0; i < r->nfindings; i++) {
		if (finding_seen(r->findings, i))
			continue;
		prom_label(&l, "code", r->findings[i].code);
		prom_label(&l, "severity", r->findings[i].severity);
		prom_sample_u64(out, "vbtool_finding", &l, 1);
	}
	prom_labels_free(&l);
}
