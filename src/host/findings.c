/* What is wrong with a VM's balloon, seen from the host: a table of rules,
 * each a condition and what to say when it holds. */
#include "host/host.h"
#include "host/size.h"
#include "base/util.h"

#include <string.h>

#define STATS_VQ "VIRTIO_BALLOON_F_STATS_VQ"
#define DEFLATE_ON_OOM "VIRTIO_BALLOON_F_DEFLATE_ON_OOM"

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

static bool guest_negotiated(const struct host_vm *vm)
{
	return vm->features_known && vm->nguest_features > 0;
}

static char *no_balloon(const struct host_vm *vm)
{
	return vm->has_balloon ? NULL
			       : xstrdup("no balloon device: QEMU answers query-balloon with DeviceNotActive");
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
	return xstrdup("guest statistics polling is off: QEMU never asks the guest, so every statistic is unset");
}

static char *stats_vq_missing(const struct host_vm *vm)
{
	if (!guest_negotiated(vm) || !host_vm_has_feature(vm, false, STATS_VQ) ||
	    host_vm_has_feature(vm, true, STATS_VQ))
		return NULL;
	return xstrdup("the guest driver did not negotiate " STATS_VQ ": it will never report statistics");
}

static char *never_reported(const struct host_vm *vm)
{
	if (!polling_on(vm) || !vm->stats_read || !vm->last_update.known || vm->last_update.v != 0)
		return NULL;
	const char *why;
	if (vm->running == 0)
		why = "the VM is not running";
	else if (vm->features_known && !guest_negotiated(vm))
		why = "the guest's balloon driver has not started (not booted yet, or no driver)";
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

static char *inflated(const struct host_vm *vm)
{
	char b[32];
	if (!vm->balloon.known || vm->balloon.v == 0 || !vm->ram.known || vm->ram.v == 0)
		return NULL;
	return xasprintf("the balloon holds %s, %.1f%% of the VM's RAM", fmt_bytes(b, sizeof(b), vm->balloon.v),
			 100.0 * (double)vm->balloon.v / (double)vm->ram.v);
}

static char *no_deflate(const struct host_vm *vm)
{
	char b[32];
	if (!vm->balloon.known || vm->balloon.v == 0 || !vm->features_known ||
	    host_vm_has_feature(vm, false, DEFLATE_ON_OOM))
		return NULL;
	return xasprintf("the balloon holds %s and deflate-on-oom is off: the guest can run out of memory while "
			 "the balloon keeps it",
			 fmt_bytes(b, sizeof(b), vm->balloon.v));
}

static char *not_started(const struct host_vm *vm)
{
	if (!vm->features_known || guest_negotiated(vm))
		return NULL;
	return xstrdup("the guest has not negotiated any balloon feature: its driver is not running (yet)");
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
	{ "balloon-inflated", "info", inflated, NULL },
	{ "no-deflate-on-oom", "warning", no_deflate,
	  "-device virtio-balloon-pci,deflate-on-oom=on (libvirt: <memballoon autodeflate='on'>)" },
};

void host_findings_evaluate(struct host_vm *vm)
{
	size_t cap = 0;
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
