/* The model's own functions: names for its enums, problems, and freeing. */
#include "model/report.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *src_status_name(enum src_status s)
{
	switch (s) {
	case SRC_NOT_READ:
		return "not_read";
	case SRC_OK:
		return "ok";
	case SRC_ABSENT:
		return "absent";
	case SRC_DENIED:
		return "denied";
	case SRC_NO_DEBUGFS:
		return "not_mounted";
	case SRC_ERROR:
		return "error";
	}
	return "error";
}

const char *accounting_name(enum accounting a)
{
	switch (a) {
	case ACCT_SUBTRACTED:
		return "subtracted_from_memtotal";
	case ACCT_USED:
		return "counted_as_used";
	case ACCT_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *accounting_text(enum accounting a)
{
	switch (a) {
	case ACCT_SUBTRACTED:
		return "taken off MemTotal";
	case ACCT_USED:
		return "counted as used";
	case ACCT_UNKNOWN:
		break;
	}
	return "unknown";
}

void report_add_problem(struct balloon_report *r, const char *what, const char *hint, const char *fmt, ...)
{
	va_list ap;
	char *why;
	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = xstrdup("(message lost)");
	va_end(ap);
	/* Grow one at a time: problems are few. */
	r->problems = xrealloc(r->problems, (r->nproblems + 1) * sizeof(*r->problems));
	r->problems[r->nproblems++] = (struct problem){ xstrdup(what), why, hint };
}

void virtio_device_free(struct virtio_device *d)
{
	free(d->name);
	free(d->syspath);
	free(d->transport);
	free(d->address);
	free(d->driver);
	free(d->features_error);
	memset(d, 0, sizeof(*d));
}

void dbg_virtio_free(struct dbg_virtio *d)
{
	for (size_t i = 0; i < d->nextra; i++) {
		free(d->extra_keys[i]);
		free(d->extra_values[i]);
	}
	free(d->extra_keys);
	free(d->extra_values);
	free(d->device);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

void dbg_hv_free(struct dbg_hv *d)
{
	free(d->host_version);
	free(d->capabilities);
	memset(d, 0, sizeof(*d));
}

/* A kernel counter holding memory (Balloon: in /proc/meminfo counts every
 * driver, Xen's included) is a balloon even when no driver vbtool knows is seen. */
bool report_has_balloon(const struct balloon_report *r)
{
	return r->ndevices > 0 || r->vmw_driver || r->hv_driver || xen_balloon_present(r) ||
	       (r->balloon.size_kb.known && r->balloon.size_kb.v > 0);
}

void report_free(struct balloon_report *r)
{
	free(r->sysroot);
	free(r->sys.kernel);
	free(r->sys.hostname);
	free(r->hyp.sys_vendor);
	free(r->hyp.product_name);
	free(r->hyp.hypervisor_type);
	for (size_t i = 0; i < r->ndevices; i++)
		virtio_device_free(&r->devices[i]);
	free(r->devices);
	for (size_t i = 0; i < r->nrelated; i++)
		virtio_device_free(&r->related[i]);
	free(r->related);
	dbg_virtio_free(&r->dvirtio);
	dbg_virtio_free(&r->dvirtio_module);
	dbg_hv_free(&r->dhv);
	free(r->memblocks.auto_online);
	free(r->memblocks.memmap_on_memory);
	free(r->klog.last_out_of_puff);
	free(r->klog.last_hv_hot_add_failed);
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].message);
	free(r->findings);
	for (size_t i = 0; i < r->nproblems; i++) {
		free(r->problems[i].what);
		free(r->problems[i].why);
	}
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

bool xen_balloon_present(const struct balloon_report *r)
{
	return r->xen.status != SRC_NOT_READ && r->xen.status != SRC_ABSENT;
}

bool report_on_xen(const struct balloon_report *r)
{
	return (r->hyp.hypervisor_type && strcmp(r->hyp.hypervisor_type, "xen") == 0) ||
	       (r->hyp.sys_vendor && strcmp(r->hyp.sys_vendor, "Xen") == 0);
}
