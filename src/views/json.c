/* status --json: the contract documented in vbtool(8). */
#include "views/views.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static struct json_object *status_bits(struct opt_u64 st)
{
	if (!st.known)
		return NULL;
	struct json_object *o = json_object_new_object(), *bits = json_object_new_array();
	ADD(o, "value", json_object_new_uint64(st.v));
	for (size_t i = 0; i < virtio_status_bits_count; i++)
		if (st.v & (UINT64_C(1) << virtio_status_bits[i].bit))
			json_object_array_add(bits, json_object_new_string(virtio_status_bits[i].name));
	ADD(o, "bits", bits);
	return o;
}

static struct json_object *features_json(const struct virtio_device *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *neg = json_object_new_array(), *unk = json_object_new_array();
	ADD(o, "valid", json_object_new_boolean(d->features.valid));
	ADD(o, "length", d->features.valid ? json_object_new_int((int)d->features.nbits) : NULL);
	for (unsigned bit = 0; d->features.valid && bit < d->features.nbits; bit++) {
		if (!features_test(&d->features, bit))
			continue;
		const struct bit_name *bn = feature_lookup(d->device_id.known ? (unsigned)d->device_id.v : 0, bit);
		if (bn)
			json_object_array_add(neg, json_object_new_string(bn->name));
		else
			json_object_array_add(unk, json_object_new_int((int)bit));
	}
	ADD(o, "negotiated", neg);
	ADD(o, "unknown_bits", unk);
	ADD(o, "error", json_str_or_null(d->features_error));
	return o;
}

static struct json_object *device_json(const struct virtio_device *d)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "name", json_str_or_null(d->name));
	ADD(o, "syspath", json_str_or_null(d->syspath));
	ADD(o, "transport", json_str_or_null(d->transport));
	ADD(o, "address", json_str_or_null(d->address));
	ADD(o, "device_id", json_opt_u64(d->device_id));
	ADD(o, "vendor_id", json_opt_u64(d->vendor_id));
	ADD(o, "driver", json_str_or_null(d->driver));
	ADD(o, "status", status_bits(d->status));
	ADD(o, "features", features_json(d));
	if (d->features.valid) {
		ADD(o, "deflate_on_oom", json_object_new_boolean(features_test(&d->features, VIRTIO_BALLOON_F_DEFLATE_ON_OOM)));
		ADD(o, "stats_vq", json_object_new_boolean(features_test(&d->features, VIRTIO_BALLOON_F_STATS_VQ)));
	} else {
		ADD(o, "deflate_on_oom", NULL);
		ADD(o, "stats_vq", NULL);
	}
	return o;
}

static struct json_object *meminfo_json(const struct meminfo *m)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(m->status)));
	ADD(o, "mem_total_kb", json_opt_u64(m->mem_total_kb));
	ADD(o, "mem_free_kb", json_opt_u64(m->mem_free_kb));
	ADD(o, "mem_available_kb", json_opt_u64(m->mem_available_kb));
	ADD(o, "buffers_kb", json_opt_u64(m->buffers_kb));
	ADD(o, "cached_kb", json_opt_u64(m->cached_kb));
	ADD(o, "swap_total_kb", json_opt_u64(m->swap_total_kb));
	ADD(o, "swap_free_kb", json_opt_u64(m->swap_free_kb));
	ADD(o, "balloon_kb", json_opt_u64(m->balloon_kb));
	ADD(o, "inflated_total_kb", json_opt_u64(m->inflated_total_kb));
	ADD(o, "inflated_free_kb", json_opt_u64(m->inflated_free_kb));
	return o;
}

static struct json_object *vmstat_json(const struct vmstat *v)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(v->status)));
	ADD(o, "nr_balloon_pages", json_opt_u64(v->nr_balloon_pages));
	ADD(o, "balloon_inflate", json_opt_u64(v->balloon_inflate));
	ADD(o, "balloon_deflate", json_opt_u64(v->balloon_deflate));
	ADD(o, "balloon_migrate", json_opt_u64(v->balloon_migrate));
	ADD(o, "pswpin", json_opt_u64(v->pswpin));
	ADD(o, "pswpout", json_opt_u64(v->pswpout));
	ADD(o, "pgmajfault", json_opt_u64(v->pgmajfault));
	return o;
}

static struct json_object *psi_line_json(const struct psi_line *p)
{
	if (!p->known)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "avg10", json_object_new_double(p->avg10));
	ADD(o, "avg60", json_object_new_double(p->avg60));
	ADD(o, "avg300", json_object_new_double(p->avg300));
	ADD(o, "total_us", json_object_new_uint64(p->total_us));
	return o;
}

static struct json_object *pressure_json(const struct pressure *p)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(p->status)));
	ADD(o, "some", psi_line_json(&p->some));
	ADD(o, "full", psi_line_json(&p->full));
	return o;
}

static struct json_object *dvirtio_json(const struct dbg_virtio *d)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(d->status)));
	ADD(o, "path", json_str_or_null(d->path));
	if (d->status != SRC_OK)
		return o;
	ADD(o, "inflated_total_kb", json_opt_u64(d->inflated_total_kb));
	ADD(o, "inflated_free_kb", json_opt_u64(d->inflated_free_kb));
	ADD(o, "target_kb", json_opt_u64(d->target_kb));
	ADD(o, "actual_kb", json_opt_u64(d->actual_kb));
	ADD(o, "deflate_on_oom", d->deflate_on_oom < 0 ? NULL : json_object_new_boolean(d->deflate_on_oom));
	ADD(o, "device", json_str_or_null(d->device));
	struct json_object *extra = json_object_new_object();
	for (size_t i = 0; i < d->nextra; i++)
		ADD(extra, d->extra_keys[i], json_str_or_null(d->extra_values[i]));
	ADD(o, "extra", extra);
	return o;
}

static struct json_object *dvmw_json(const struct dbg_vmw *d)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(d->status)));
	if (d->status != SRC_OK)
		return o;
	ADD(o, "layout", json_object_new_string(d->layout == VMW_LAYOUT_PRE_4_20 ? "pre-4.20"
						: d->layout == VMW_LAYOUT_CURRENT ? "current"
										   : "unknown"));
	ADD(o, "capabilities", json_opt_u64(d->capabilities));
	ADD(o, "used_capabilities", json_opt_u64(d->used_capabilities));
	ADD(o, "is_resetting", d->is_resetting < 0 ? NULL : json_object_new_boolean(d->is_resetting));
	ADD(o, "target_pages", json_opt_u64(d->target_pages));
	ADD(o, "current_pages", json_opt_u64(d->current_pages));
	ADD(o, "rate_alloc_pages_per_s", json_opt_u64(d->rate_alloc));
	ADD(o, "alloc_fail_4k", json_opt_u64(d->alloc_fail_4k));
	ADD(o, "alloc_fail_2m", json_opt_u64(d->alloc_fail_2m));
	ADD(o, "counters_all_zero", json_object_new_boolean(d->counters_all_zero));
	return o;
}

static struct json_object *dhv_json(const struct dbg_hv *d)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(d->status)));
	if (d->status != SRC_OK)
		return o;
	ADD(o, "layout", json_object_new_string(d->layout == HV_LAYOUT_VENDOR ? "vendor"
						: d->layout == HV_LAYOUT_MAINLINE ? "mainline"
										   : "unknown"));
	ADD(o, "host_version", json_str_or_null(d->host_version));
	ADD(o, "capabilities", json_str_or_null(d->capabilities));
	ADD(o, "state", json_opt_u64(d->state));
	ADD(o, "state_name", json_str_or_null(d->state_name));
	ADD(o, "page_size", json_opt_u64(d->page_size));
	ADD(o, "pages_added", json_opt_u64(d->pages_added));
	ADD(o, "pages_onlined", json_opt_u64(d->pages_onlined));
	ADD(o, "pages_ballooned", json_opt_u64(d->pages_ballooned));
	ADD(o, "total_pages_committed", json_opt_u64(d->total_pages_committed));
	ADD(o, "vm_pages_committed", json_opt_u64(d->vm_pages_committed));
	ADD(o, "max_dynamic_page_count", json_opt_u64(d->max_dynamic_page_count));
	return o;
}

/* Xen's balloon driver (sources/xen.c); documented in vbtool(8) */
static struct json_object *xen_json(const struct xen_balloon *x)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(x->status)));
	if (x->status == SRC_ABSENT || x->status == SRC_NOT_READ)
		return o;
	ADD(o, "layout", json_object_new_string(x->layout == XEN_LAYOUT_SYSFS ? "sysfs"
						: x->layout == XEN_LAYOUT_PROC ? "proc"
										 : "unknown"));
	ADD(o, "path", json_str_or_null(x->path));
	ADD(o, "target_kb", json_opt_u64(x->target_kb));
	ADD(o, "target_bytes", json_opt_u64(x->target_bytes));
	ADD(o, "current_kb", json_opt_u64(x->current_kb));
	ADD(o, "low_kb", json_opt_u64(x->low_kb));
	ADD(o, "high_kb", json_opt_u64(x->high_kb));
	ADD(o, "hard_limit_kb", json_opt_u64(x->hard_limit_kb));
	ADD(o, "driver_kb", json_opt_u64(x->driver_kb));
	ADD(o, "schedule_delay_s", json_opt_u64(x->schedule_delay));
	ADD(o, "max_schedule_delay_s", json_opt_u64(x->max_schedule_delay));
	ADD(o, "retry_count", json_opt_u64(x->retry_count));
	ADD(o, "max_retry_count", json_opt_u64(x->max_retry_count));
	/* null: not known whether the kernel has the hot-plug code */
	ADD(o, "hotplug", x->hotplug < 0 ? NULL : json_object_new_boolean(x->hotplug));
	ADD(o, "hotplug_unpopulated", json_opt_u64(x->hotplug_unpopulated));
	bool ok = x->status == SRC_OK;
	ADD(o, "moving", ok ? json_object_new_string(x->current_kb.v > x->target_kb.v   ? "down"
						     : x->current_kb.v < x->target_kb.v ? "up"
											 : "done")
			    : NULL);
	return o;
}

/* /proc/iomem (sources/iomem.c): sizes are null when the addresses read 0 */
static struct json_object *iomem_json(const struct iomem *io)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "status", json_object_new_string(src_status_name(io->status)));
	if (io->status != SRC_OK)
		return o;
	ADD(o, "addresses_hidden", json_object_new_boolean(io->addresses_hidden));
	ADD(o, "lines_not_understood", json_object_new_int64(io->bad_lines));
	ADD(o, "system_ram_ranges", json_object_new_int64(io->system_ram_ranges));
	ADD(o, "system_ram_bytes", json_opt_u64(io->system_ram_bytes));
	struct json_object *drv = json_object_new_array();
	for (unsigned i = 0; i < io->ndrivers; i++) {
		struct json_object *d = json_object_new_object();
		ADD(d, "driver", json_object_new_string(io->drivers[i].name));
		ADD(d, "ranges", json_object_new_int64(io->drivers[i].ranges));
		ADD(d, "bytes", json_opt_u64(io->drivers[i].bytes));
		json_object_array_add(drv, d);
	}
	ADD(o, "driver_managed", drv);
	struct json_object *reg = json_object_new_array();
	for (unsigned i = 0; i < io->nregions; i++) {
		struct json_object *g = json_object_new_object();
		ADD(g, "name", json_object_new_string(io->regions[i].name));
		ADD(g, "region_bytes", json_opt_u64(io->regions[i].region_bytes));
		ADD(g, "plugged_bytes", json_opt_u64(io->regions[i].plugged_bytes));
		ADD(g, "ranges", json_object_new_int64(io->regions[i].ranges));
		json_object_array_add(reg, g);
	}
	ADD(o, "virtio_mem_regions", reg);
	return o;
}

static struct json_object *balloon_json(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	struct json_object *o = json_object_new_object(), *src = json_object_new_array();
	ADD(o, "size_kb", json_opt_u64(b->size_kb));
	ADD(o, "size_from", json_str_or_null(b->size_from));
	ADD(o, "ram_kb", json_opt_u64(b->ram_kb));
	ADD(o, "ram_basis", json_object_new_string(ram_basis_name(b->ram_basis)));
	ADD(o, "present_kb", json_opt_u64(b->present_kb));
	ADD(o, "derived_ram_kb", json_opt_u64(b->derived_ram_kb));
	ADD(o, "ram_contradiction", json_object_new_boolean(b->ram_contradiction));
	ADD(o, "percent_of_ram",
	    b->size_kb.known && b->ram_kb.known ? json_object_new_double((double)(long long)(b->percent_of_ram * 100 + 0.5) / 100)
						: NULL);
	for (size_t i = 0; i < b->nsources; i++) {
		struct json_object *s = json_object_new_object();
		ADD(s, "name", json_object_new_string(b->sources[i].name));
		ADD(s, "path", json_object_new_string(b->sources[i].path));
		ADD(s, "driver", json_object_new_string(b->sources[i].driver));
		ADD(s, "size_kb", json_object_new_uint64(b->sources[i].size_kb));
		ADD(s, "cumulative", json_object_new_boolean(b->sources[i].cumulative));
		json_object_array_add(src, s);
	}
	ADD(o, "sources", src);
	ADD(o, "sources_agree", json_object_new_boolean(!b->disagree));
	ADD(o, "accounting", json_object_new_string(accounting_name(b->accounting)));
	ADD(o, "accounting_basis", json_str_or_null(b->accounting_basis));
	/* the text view's "free pages" lines: pages the host takes back without
	 * the balloon inflating; null when no device's negotiation is known */
	const struct virtio_device *d = NULL;
	for (size_t i = 0; i < r->ndevices && !d; i++)
		if (r->devices[i].features.valid)
			d = &r->devices[i];
	ADD(o, "free_page_reporting",
	    d ? json_object_new_boolean(features_test(&d->features, VIRTIO_BALLOON_F_REPORTING)) : NULL);
	ADD(o, "free_page_hinting",
	    d ? json_object_new_boolean(features_test(&d->features, VIRTIO_BALLOON_F_FREE_PAGE_HINT)) : NULL);
	return o;
}

struct json_object *json_findings(const struct finding *f, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		ADD(o, "severity", json_object_new_string(f[i].severity));
		ADD(o, "code", json_object_new_string(f[i].code));
		ADD(o, "message", json_str_or_null(f[i].message));
		ADD(o, "hint", json_str_or_null(f[i].hint));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *view_status_json(const struct balloon_report *r)
{
	struct json_object *root = json_object_new_object();
	ADD(root, "vbtool_version", json_object_new_string(PACKAGE_VERSION));
	ADD(root, "sysroot", json_str_or_null(r->sysroot));
	/* the text view's first line */
	char *answer = report_answer(r);
	ADD(root, "answer", json_object_new_string(answer));
	free(answer);

	struct json_object *sys = json_object_new_object();
	ADD(sys, "kernel", json_str_or_null(r->sys.kernel));
	ADD(sys, "hostname", json_str_or_null(r->sys.hostname));
	ADD(sys, "uptime_s", json_opt_u64(r->sys.uptime_s));
	ADD(sys, "page_size", json_object_new_uint64(r->sys.page_size));
	ADD(sys, "page_size_assumed", json_object_new_boolean(r->sys.page_size_assumed));
	ADD(root, "system", sys);

	const struct hypervisor_info *h = &r->hyp;
	struct json_object *hyp = json_object_new_object();
	ADD(hyp, "dmi_status", json_object_new_string(src_status_name(h->dmi)));
	ADD(hyp, "sys_vendor", json_str_or_null(h->sys_vendor));
	ADD(hyp, "product_name", json_str_or_null(h->product_name));
	ADD(hyp, "hypervisor_type_status", json_object_new_string(src_status_name(h->xen)));
	ADD(hyp, "hypervisor_type", json_str_or_null(h->hypervisor_type));
	ADD(hyp, "cpuinfo_status", json_object_new_string(src_status_name(h->cpuinfo)));
	ADD(hyp, "cpu_hypervisor_flag", h->cpu_flag < 0 ? NULL : json_object_new_boolean(h->cpu_flag));
	ADD(root, "hypervisor", hyp);

	struct json_object *devs = json_object_new_array();
	for (size_t i = 0; i < r->ndevices; i++)
		json_object_array_add(devs, device_json(&r->devices[i]));
	ADD(root, "devices", devs);
	struct json_object *rel = json_object_new_array();
	for (size_t i = 0; i < r->nrelated; i++) {
		struct json_object *d = device_json(&r->related[i]);
		ADD(d, "kind", json_object_new_string("virtio-mem"));
		json_object_array_add(rel, d);
	}
	ADD(root, "related_devices", rel);

	struct json_object *drv = json_object_new_object();
	ADD(drv, "vmw_balloon", json_object_new_boolean(r->vmw_driver));
	ADD(drv, "hv_balloon", json_object_new_boolean(r->hv_driver));
	ADD(drv, "xen_balloon", json_object_new_boolean(xen_balloon_present(r)));
	ADD(root, "other_drivers", drv);

	ADD(root, "xen_balloon", xen_json(&r->xen));
	struct json_object *mb = json_object_new_object();
	ADD(mb, "status", json_object_new_string(src_status_name(r->memblocks.status)));
	ADD(mb, "block_size_bytes", json_opt_u64(r->memblocks.block_size_bytes));
	ADD(mb, "auto_online_blocks", json_str_or_null(r->memblocks.auto_online));
	ADD(mb, "memmap_on_memory", json_str_or_null(r->memblocks.memmap_on_memory));
	ADD(mb, "online", json_object_new_int64(r->memblocks.online));
	ADD(mb, "offline", json_object_new_int64(r->memblocks.offline));
	ADD(mb, "other", json_object_new_int64(r->memblocks.other));
	ADD(root, "memory_blocks", mb);
	ADD(root, "iomem", iomem_json(&r->iomem));
	ADD(root, "meminfo", meminfo_json(&r->mem));
	ADD(root, "vmstat", vmstat_json(&r->vm));
	ADD(root, "pressure", pressure_json(&r->psi));

	struct json_object *dbg = json_object_new_object();
	ADD(dbg, "status", json_object_new_string(src_status_name(r->debugfs)));
	ADD(dbg, "virtio_balloon", dvirtio_json(&r->dvirtio));
	ADD(dbg, "vbtool_balloon", dvirtio_json(&r->dvirtio_module));
	ADD(dbg, "vmmemctl", dvmw_json(&r->dvmw));
	ADD(dbg, "hv_balloon", dhv_json(&r->dhv));
	ADD(root, "debugfs", dbg);

	struct json_object *kl = json_object_new_object();
	ADD(kl, "status", json_object_new_string(src_status_name(r->klog.status)));
	ADD(kl, "source", json_str_or_null(r->klog.source));
	if (r->klog.status == SRC_OK) {
		ADD(kl, "out_of_puff", json_object_new_int64(r->klog.out_of_puff));
		ADD(kl, "vmw_balloon_messages", json_object_new_int64(r->klog.vmw_messages));
		ADD(kl, "hv_balloon_messages", json_object_new_int64(r->klog.hv_messages));
		ADD(kl, "oom_kills", json_object_new_int64(r->klog.oom_kills));
		ADD(kl, "hv_hot_add_failed", json_object_new_int64(r->klog.hv_hot_add_failed));
	}
	/* virtio-mem's sizes from the driver's log (sources/virtio_mem.c) */
	struct json_object *vm = json_object_new_array();
	for (unsigned i = 0; i < r->klog.nvmem; i++) {
		const struct virtio_mem_log *v = &r->klog.vmem[i];
		struct json_object *o = json_object_new_object();
		ADD(o, "name", json_object_new_string(v->name));
		ADD(o, "requested_bytes", json_opt_u64(v->requested_bytes));
		ADD(o, "plugged_bytes", json_opt_u64(v->plugged_bytes));
		ADD(o, "block_size_bytes", json_opt_u64(v->block_size_bytes));
		ADD(o, "region_size_bytes", json_opt_u64(v->region_size_bytes));
		ADD(o, "source", json_object_new_string("kernel_log"));
		json_object_array_add(vm, o);
	}
	ADD(root, "virtio_mem", vm);
	ADD(root, "kernel_log", kl);

	ADD(root, "balloon", balloon_json(r));

	ADD(root, "findings", json_findings(r->findings, r->nfindings));

	struct json_object *ps = json_object_new_array();
	for (size_t i = 0; i < r->nproblems; i++) {
		struct json_object *p = json_object_new_object();
		ADD(p, "what", json_str_or_null(r->problems[i].what));
		ADD(p, "why", json_str_or_null(r->problems[i].why));
		ADD(p, "hint", json_str_or_null(r->problems[i].hint));
		json_object_array_add(ps, p);
	}
	ADD(root, "problems", ps);
	return root;
}
