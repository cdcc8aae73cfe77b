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

char *report_answer(const struct balloon_report *r)
{
	const struct balloon_summary *b = &r->balloon;
	char h1[32], h2[32];
	if (b->no_balloon)
		return xstrdup("The host holds nothing: there is no balloon device");

	struct strbuf sb;
	sb_init(&sb);
	if (b->size_kb.known) {
		sb_addf(&sb, "The host holds %s", b->size_kb.v < 1024 ? (snprintf(h1, sizeof(h1), "%llu kB",
										 (unsigned long long)b->size_kb.v), h1)
								      : fmt_kb(h1, sizeof(h1), b->size_kb.v));
		/* whole percent, as the report below: a tenth only under 1% */
		if (b->ram_kb.known)
			sb_addf(&sb, " (%.*f%% of the %s the VM was given)",
				b->percent_of_ram > 0 && b->percent_of_ram < 1 ? 1 : 0, b->percent_of_ram,
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
	sb_adds(&sb, doom == 1   ? "; the guest can get it back on OOM"
		     : doom == 0 ? "; the guest cannot get it back on OOM (no DEFLATE_ON_OOM)"
				 : "; whether the guest can get it back on OOM is unknown");
	return sb_detach(&sb);
}
