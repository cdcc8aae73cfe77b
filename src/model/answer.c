/* The one sentence that answers the support engineer's question (issue #12):
 * how much the host holds, of what, through which driver, where it shows up
 * and whether the guest can get it back on OOM. Built from the summary only;
 * each part the model does not know is said as unknown. */
#include "model/report.h"
#include "base/format.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

static const struct virtio_device *negotiated_device(const struct balloon_report *r)
{
	for (size_t i = 0; i < r->ndevices; i++)
		if (r->devices[i].features.valid)
			return &r->devices[i];
	return NULL;
}

static const char *driver_name(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	if (b->nsources && strcmp(b->sources[0].driver, "any") != 0)
		return b->sources[0].driver;
	if (r->ndevices)
		return "virtio_balloon";
	if (r->vmw_driver || r->dvmw.status == SRC_OK)
		return "vmw_balloon";
	if (r->hv_driver || r->dhv.status == SRC_OK)
		return "hv_balloon";
	if (xen_balloon_present(r))
		return "xen_balloon";
	return NULL;
}

/* 1 yes, 0 no, -1 unknown: only virtio_balloon's DEFLATE_ON_OOM says. */
static int deflate_on_oom(const struct balloon_report *r)
{
	const struct virtio_device *d = negotiated_device(r);
	if (d)
		return features_test(&d->features, VIRTIO_BALLOON_F_DEFLATE_ON_OOM) ? 1 : 0;
	if (r->dvirtio.status == SRC_OK && r->dvirtio.deflate_on_oom >= 0)
		return r->dvirtio.deflate_on_oom;
	if (r->dvirtio_module.status == SRC_OK && r->dvirtio_module.deflate_on_oom >= 0)
		return r->dvirtio_module.deflate_on_oom;
	return -1;
}

/* Xen: current_kb against target_kb, the driver's own goal (balloon.c:
 * current_credit() = target - current); equal means it is done. */
static void xen_target_clause(struct strbuf *sb, const struct xen_balloon *x)
{
	char h1[32], h2[32];
	if (x->status != SRC_OK || x->current_kb.v == x->target_kb.v)
		return;
	sb_addf(sb, "; the guest is still moving toward its target of %s (it has %s: %s)",
		fmt_kb(h1, sizeof(h1), x->target_kb.v), fmt_kb(h2, sizeof(h2), x->current_kb.v),
		x->current_kb.v > x->target_kb.v ? "the host is taking more" : "the host is giving memory back");
}

/* What /proc/iomem says is plugged now in the region of the device named
 * NAME (virtioN, the same name the driver logs under); unknown without the
 * file or with its addresses hidden. */
static struct opt_u64 iomem_plugged(const struct iomem *io, const char *name)
{
	if (io->status != SRC_OK)
		return OPT_U64_UNKNOWN;
	for (unsigned i = 0; i < io->nregions; i++)
		if (strcmp(io->regions[i].name, name) == 0)
			return io->regions[i].plugged_bytes;
	return OPT_U64_UNKNOWN;
}

/* virtio-mem resizes the VM by plugging memory, not by a balloon: one
 * clause per device the driver logged. The log's plugged size is only what
 * was plugged when the host last asked; /proc/iomem, when it has sizes,
 * says what is plugged now, so it takes its place. */
static void virtio_mem_clause(struct strbuf *sb, const struct balloon_report *r)
{
	char h1[32], h2[32];
	for (unsigned i = 0; i < r->klog.nvmem; i++) {
		const struct virtio_mem_log *v = &r->klog.vmem[i];
		const char *asked =
			v->requested_bytes.known ? fmt_kb(h1, sizeof(h1), v->requested_bytes.v / 1024) : "an unknown size";
		struct opt_u64 now = iomem_plugged(&r->iomem, v->name);
		if (now.known) {
			sb_addf(sb, "; virtio-mem %s: %s plugged, the host asks for %s", v->name,
				fmt_kb(h2, sizeof(h2), now.v / 1024), asked);
			if (v->requested_bytes.known && now.v != v->requested_bytes.v)
				sb_adds(sb, " (the device is still moving toward it)");
			continue;
		}
		sb_addf(sb, "; virtio-mem %s: the host asks for %s", v->name, asked);
		if (v->plugged_bytes.known)
			sb_addf(sb, " (%s was plugged when it asked)", fmt_kb(h2, sizeof(h2), v->plugged_bytes.v / 1024));
	}
}

char *report_answer(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	char h1[32], h2[32], pc[32];
	if (b->no_balloon && !r->klog.nvmem)
		return xstrdup("The host holds nothing: there is no balloon device");

	struct strbuf sb;
	sb_init(&sb);
	if (b->no_balloon) {
		sb_adds(&sb, "The host holds nothing through a balloon (there is no balloon device)");
		virtio_mem_clause(&sb, r);
		return sb_detach(&sb);
	}
	if (b->size_kb.known) {
		sb_addf(&sb, "The host holds %s", fmt_kb(h1, sizeof(h1), b->size_kb.v));
		/* the one percentage every view prints (fmt_percent) */
		if (b->ram_kb.known)
			sb_addf(&sb, " (%s of the %s the VM was given)", fmt_percent(pc, sizeof(pc), b->size_kb.v, b->ram_kb.v),
				fmt_kb(h2, sizeof(h2), b->ram_kb.v));
		else
			sb_adds(&sb, " (share of the memory the VM was given unknown)");
	} else {
		sb_adds(&sb, "The host holds an unknown amount (no source on this system says)");
	}
	const char *drv = driver_name(r);
	sb_addf(&sb, " through %s", drv ? drv : "an unknown driver");
	if (b->disagree) /* the size is the first source's; never an average */
		sb_adds(&sb, " (the sources disagree: see below)");
	sb_adds(&sb, b->accounting == ACCT_SUBTRACTED ? "; it is taken off MemTotal"
		     : b->accounting == ACCT_USED     ? "; it counts as used memory"
						      : "; whether it counts as used memory or is taken off MemTotal is unknown");
	int doom = deflate_on_oom(r);
	if (drv && strcmp(drv, "xen_balloon") == 0) {
		xen_target_clause(&sb, &r->xen);
		/* drivers/xen/balloon.c registers no OOM notifier */
		sb_adds(&sb, "; the guest cannot get it back on OOM (Xen's balloon has no OOM notifier: only a higher "
			     "target from the host gives memory back)");
		return sb_detach(&sb);
	}
	if (doom == -1 && drv && strcmp(drv, "hv_balloon") == 0) {
		/* hv_balloon.c registers no OOM notifier: only the host deflates */
		sb_adds(&sb, "; the guest cannot get it back on OOM (hv_balloon has no OOM notifier: only the host "
			     "gives memory back)");
		return sb_detach(&sb);
	}
	sb_adds(&sb, doom == 1   ? "; the guest can get it back on OOM"
		     : doom == 0 ? "; the guest cannot get it back on OOM (no DEFLATE_ON_OOM)"
				 : "; whether the guest can get it back on OOM is unknown");
	virtio_mem_clause(&sb, r);
	return sb_detach(&sb);
}
