/* What is wrong with a VM's balloon, seen from the host: a table of rules,
 * each a condition and what to say when it holds. */
#include "host/host.h"
#include "host/size.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* vbtool's names (model/feature_bits), as host/features.c decodes them. */
#define STATS_VQ "STATS_VQ"
#define DEFLATE_ON_OOM "DEFLATE_ON_OOM"

struct host_rule {
	const char *code;
	const char *severity;
	/* Returns the message (allocated) when the rule applies, else NULL. */
	char *(*check)(const struct host_vm *vm);
	const char *hint;
};

static bool polling_on(const struct host_vm *vm)
{
	return vm->polling_interval_s.known && vm->polling_interval_s.v > 0;
}

/* Any bit, named or not: a guest that accepted only unknown bits did negotiate. */
static bool guest_negotiated(const struct host_vm *vm)
{
	return vm->features_known && (vm->nguest_features > 0 || vm->nguest_unknown_bits > 0);
}

static struct opt_u64 stat_value(const struct host_vm *vm, const char *name)
{
	for (size_t i = 0; i < vm->nstats; i++)
		if (strcmp(vm->stats[i].name, name) == 0)
			return vm->stats[i].value;
	return OPT_U64_UNKNOWN;
}

/* Statistics recent enough to judge the balloon by: reported, and not older
 * than the stats-stale rule allows. */
static bool stats_fresh(const struct host_vm *vm)
{
	if (!host_vm_stats_present(vm) || !vm->stats_age_s.known)
		return false;
	uint64_t interval = vm->polling_interval_s.known ? vm->polling_interval_s.v : 0;
	return interval > 0 && vm->stats_age_s.v <= 2 * interval + 5;
}

/* The balloon leaves the guest at most RAM - balloon: available memory above
 * that means the balloon does not hold what QEMU says. After system_reset
 * QEMU keeps the old size while the rebooted guest holds nothing. The same
 * bound holds with DEFLATE_ON_OOM (balloon pages are counted as used) and
 * without it (they leave MemTotal). */
static bool balloon_contradicted(const struct host_vm *vm)
{
	struct opt_u64 avail = stat_value(vm, "available_memory");
	uint64_t sum;
	if (!vm->balloon.known || vm->balloon.v == 0 || !vm->ram.known || !avail.known || !stats_fresh(vm))
		return false;
	return !add_u64(avail.v, vm->balloon.v, &sum) || sum > vm->ram.v;
}

static char *no_balloon(const struct host_vm *vm)
{
	return vm->no_balloon_device ? xstrdup("no balloon device: QEMU answers query-balloon with DeviceNotActive")
				     : NULL;
}

static char *device_not_found(const struct host_vm *vm)
{
	return vm->has_balloon && !vm->device_path
		       ? xstrdup("QEMU has a balloon but no virtio-balloon device was found (an hv-balloon, QEMU 8.2+?): "
				 "statistics and features unknown")
		       : NULL;
}

static char *vm_paused(const struct host_vm *vm)
{
	if (vm->running != 0)
		return NULL;
	return xasprintf("the VM is not running (%s): guest statistics are frozen and the balloon cannot move",
			 vm->run_state ? vm->run_state : "state unknown");
}

static char *polling_off(const struct host_vm *vm)
{
	if (!vm->device_path || !vm->polling_interval_s.known || vm->polling_interval_s.v != 0)
		return NULL;
	/* Turned off after a poll: QEMU keeps the last answer, shown above. */
	if (host_vm_stats_present(vm))
		return vm->stats_age_s.known
			       ? xasprintf("guest statistics polling is off: the statistics shown are from the last "
					   "poll, %llu s ago, and will not change",
					   (unsigned long long)vm->stats_age_s.v)
			       : xstrdup("guest statistics polling is off: the statistics shown are from an earlier "
					 "poll and will not change");
	return xstrdup("guest statistics polling is off: QEMU never asks the guest, so every statistic is unset");
}

static char *stats_vq_missing(const struct host_vm *vm)
{
	if (!guest_negotiated(vm) || !host_vm_has_feature(vm, false, STATS_VQ) ||
	    host_vm_has_feature(vm, true, STATS_VQ))
		return NULL;
	if (host_vm_stats_present(vm))
		return xstrdup("the guest driver did not negotiate VIRTIO_BALLOON_F_" STATS_VQ
			       ": the statistics shown are left from an earlier driver or boot, and will not change");
	return xstrdup("the guest driver did not negotiate VIRTIO_BALLOON_F_" STATS_VQ
		       ": it will never report statistics");
}

static char *never_reported(const struct host_vm *vm)
{
	if (!polling_on(vm) || !vm->stats_read || host_vm_stats_present(vm))
		return NULL;
	const char *why;
	if (vm->running == 0)
		why = "the VM is not running";
	else if (vm->features_known && !guest_negotiated(vm))
		why = "the guest's balloon driver has not started (not booted yet, or no driver)";
	else if (vm->features_known && host_vm_has_feature(vm, true, STATS_VQ))
		/* Said by the features above: the driver has the queue but is silent. */
		why = "the driver negotiated STATS_VQ but has not answered a poll (polling just turned on, or a "
		      "Windows guest without the balloon service)";
	else if (vm->features_known)
		why = "the guest's driver did not negotiate STATS_VQ";
	else
		why = "a driver without STATS_VQ, or a Windows guest without the balloon service";
	return xasprintf("polling every %llu s, but the guest has never reported statistics: %s",
			 (unsigned long long)vm->polling_interval_s.v, why);
}

static char *stale(const struct host_vm *vm)
{
	if (!polling_on(vm) || !vm->stats_age_s.known)
		return NULL;
	uint64_t limit = 2 * vm->polling_interval_s.v + 5;
	if (vm->stats_age_s.v <= limit)
		return NULL;
	return xasprintf("statistics are %llu s old although QEMU polls every %llu s: %s",
			 (unsigned long long)vm->stats_age_s.v, (unsigned long long)vm->polling_interval_s.v,
			 vm->running == 0 ? "the VM is not running" : "the guest stopped answering");
}

static char *stale_balloon(const struct host_vm *vm)
{
	char b[32], a[32], r[32];
	if (!vm->balloon_stale)
		return NULL;
	return xasprintf("QEMU reports a balloon of %s, but the guest's statistics (%llu s old) show %s available "
			 "of %s RAM, more than the balloon would leave it: QEMU's value is stale, as after a "
			 "system_reset (the rebooted guest holds nothing until the balloon is set again)",
			 fmt_bytes(b, sizeof(b), vm->balloon.v), (unsigned long long)vm->stats_age_s.v,
			 fmt_bytes(a, sizeof(a), stat_value(vm, "available_memory").v),
			 fmt_bytes(r, sizeof(r), vm->ram.v));
}

static char *inflated(const struct host_vm *vm)
{
	char b[32];
	if (!vm->balloon.known || vm->balloon.v == 0 || !vm->ram.known || vm->ram.v == 0 || vm->balloon_stale)
		return NULL;
	return xasprintf("the balloon holds %s, %.1f%% of the VM's RAM", fmt_bytes(b, sizeof(b), vm->balloon.v),
			 100.0 * (double)vm->balloon.v / (double)vm->ram.v);
}

static char *no_deflate(const struct host_vm *vm)
{
	char b[32];
	if (!vm->balloon.known || vm->balloon.v == 0 || !vm->features_known || vm->balloon_stale ||
	    host_vm_has_feature(vm, false, DEFLATE_ON_OOM))
		return NULL;
	return xasprintf("the balloon holds %s and deflate-on-oom is off: the guest can run out of memory while "
			 "the balloon keeps it",
			 fmt_bytes(b, sizeof(b), vm->balloon.v));
}

static char *not_started(const struct host_vm *vm)
{
	/* QEMU's "started" true with nothing negotiated: do not say "not running". */
	if (!vm->features_known || guest_negotiated(vm) || vm->driver_started == 1)
		return NULL;
	return xstrdup("the guest has not negotiated any balloon feature: its driver is not running (yet)");
}

/* Every virtio-mem device whose plugged size is not the requested one. */
static char *vmem_pending(const struct host_vm *vm)
{
	char *msg = NULL;
	for (size_t i = 0; i < vm->nvmem_devices; i++) {
		const struct host_virtio_mem *d = &vm->vmem_devices[i];
		char a[32], b[32];
		if (!d->size.known || !d->requested_size.known || d->size.v == d->requested_size.v)
			continue;
		char *one = xasprintf("virtio-mem device %s has plugged %s of the %s requested: the guest has not "
				      "reached the request yet, or has no virtio-mem driver",
				      d->id ? d->id : "(no id)", fmt_bytes(a, sizeof(a), d->size.v),
				      fmt_bytes(b, sizeof(b), d->requested_size.v));
		if (msg) {
			char *both = xasprintf("%s; %s", msg, one);
			free(msg);
			free(one);
			one = both;
		}
		msg = one;
	}
	return msg;
}

static const struct host_rule rules[] = {
	{ "no-balloon-device", "warning", no_balloon,
	  "add -device virtio-balloon-pci,id=balloon0 (libvirt: <memballoon model='virtio'/>)" },
	{ "balloon-device-not-found", "info", device_not_found, NULL },
	{ "vm-paused", "info", vm_paused, "resume it: QMP cont, or virsh resume DOMAIN" },
	{ "stats-polling-off", "warning", polling_off,
	  "vbtool status --qmp SOCKET --stats-interval 5 (libvirt: virsh dommemstat DOMAIN --period 5)" },
	{ "driver-not-started", "info", not_started, NULL },
	{ "stats-vq-not-negotiated", "warning", stats_vq_missing, NULL },
	{ "stats-never-reported", "warning", never_reported,
	  "check the guest: virtio_balloon loaded (Linux), the Balloon service running (Windows)" },
	{ "stats-stale", "warning", stale, NULL },
	{ "balloon-stale", "warning", stale_balloon,
	  "set the size again (vbtool target --qmp SOCKET SIZE) so that QEMU and the guest agree" },
	{ "balloon-inflated", "info", inflated, NULL },
	{ "virtio-mem-not-reached", "info", vmem_pending,
	  "check the guest: virtio_mem loaded (CONFIG_VIRTIO_MEM), memory blocks onlined" },
	{ "no-deflate-on-oom", "warning", no_deflate,
	  "-device virtio-balloon-pci,deflate-on-oom=on (libvirt: <memballoon autodeflate='on'>)" },
};

void host_findings_evaluate(struct host_vm *vm)
{
	size_t cap = 0;
	vm->balloon_stale = balloon_contradicted(vm);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		char *msg = rules[i].check(vm);
		if (!msg)
			continue;
		vm->findings = xgrow(vm->findings, &cap, vm->nfindings + 1, sizeof(*vm->findings));
		vm->findings[vm->nfindings++] = (struct finding){
			.severity = rules[i].severity,
			.code = rules[i].code,
			.message = msg,
			.hint = rules[i].hint,
		};
	}
}
