/* status --qmp/--libvirt --format prometheus: the vbtool_vm_* families of
 * vbtool(8), one `vm` label per VM (the socket or the libvirt domain). Every
 * family's HELP and TYPE is printed, samples only for what is known. */
#include "host/view.h"
#include "views/prom.h"
#include "views/views.h"

#include <stddef.h>
#include <string.h>

static const char *vm_label(const struct host_vm *vm)
{
	return vm->target->domain ? vm->target->domain : vm->target->address;
}

static void gauge(FILE *out, struct prom_labels *l, const struct host_vm *vms, size_t n, const char *name,
		  const char *help, size_t offset)
{
	prom_family(out, name, "gauge", help);
	for (size_t i = 0; i < n; i++) {
		const struct opt_u64 *v = (const struct opt_u64 *)((const char *)&vms[i] + offset);
		if (v->known) {
			prom_label(l, "vm", vm_label(&vms[i]));
			prom_sample_u64(out, name, l, v->v);
		}
	}
}

static void join(struct strbuf *sb, char **names, size_t n, const unsigned *bits, size_t nbits)
{
	sb->len = 0;
	sb_adds(sb, "");
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "%s%s", sb->len ? "," : "", names ? names[i] : "");
	for (size_t i = 0; i < nbits; i++)
		sb_addf(sb, "%s%u", sb->len ? "," : "", bits[i]);
}

static void features(FILE *out, struct prom_labels *l, const struct host_vm *vm)
{
	struct strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	for (int side = 0; side < 2; side++) {
		join(&a, side ? vm->guest_features : vm->host_features, side ? vm->nguest_features : vm->nhost_features,
		     NULL, 0);
		join(&b, NULL, 0, side ? vm->guest_unknown_bits : vm->host_unknown_bits,
		     side ? vm->nguest_unknown_bits : vm->nhost_unknown_bits);
		prom_label(l, "vm", vm_label(vm));
		prom_label(l, "side", side ? "guest" : "host");
		prom_label(l, "features", a.buf);
		prom_label(l, "unknown_bits", b.buf);
		prom_sample_u64(out, "vbtool_vm_balloon_features_info", l, 1);
	}
	sb_free(&a);
	sb_free(&b);
}

/* The device label: QEMU's id (libvirt's alias), or "#N", its place in
 * query-memory-devices, for a device without one (an id starts with a
 * letter, so the two cannot meet). */
static void vmem_device_label(struct prom_labels *l, const struct host_virtio_mem *d, size_t i)
{
	char idx[32];
	snprintf(idx, sizeof(idx), "#%zu", i);
	prom_label(l, "device", d->id ? d->id : idx);
}

/* Every virtio-mem device of every VM, one family per size (#18). */
static void virtio_mem(FILE *out, struct prom_labels *l, const struct host_vm *vms, size_t n)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{ "vbtool_vm_virtio_mem_size_bytes", "A virtio-mem device's plugged size (size).",
		  offsetof(struct host_virtio_mem, size) },
		{ "vbtool_vm_virtio_mem_requested_bytes", "The size the host asks a virtio-mem device to plug (requested-size).",
		  offsetof(struct host_virtio_mem, requested_size) },
		{ "vbtool_vm_virtio_mem_max_size_bytes", "The most a virtio-mem device can plug, its region (max-size).",
		  offsetof(struct host_virtio_mem, max_size) },
		{ "vbtool_vm_virtio_mem_block_size_bytes", "The block size a virtio-mem device plugs in (block-size).",
		  offsetof(struct host_virtio_mem, block_size) },
	};
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		prom_family(out, fam[f].name, "gauge", fam[f].help);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < vms[i].nvmem_devices; j++) {
				const struct host_virtio_mem *d = &vms[i].vmem_devices[j];
				const struct opt_u64 *v = (const struct opt_u64 *)((const char *)d + fam[f].off);
				if (!v->known)
					continue;
				prom_label(l, "vm", vm_label(&vms[i]));
				vmem_device_label(l, d, j);
				prom_sample_u64(out, fam[f].name, l, v->v);
			}
	}
	prom_family(out, "vbtool_vm_virtio_mem_info", "gauge",
		    "A virtio-mem device's NUMA node and memory backend as labels (empty: unknown); always 1.");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < vms[i].nvmem_devices; j++) {
			const struct host_virtio_mem *d = &vms[i].vmem_devices[j];
			char node[32] = "";
			if (d->node.known)
				snprintf(node, sizeof(node), "%llu", (unsigned long long)d->node.v);
			prom_label(l, "vm", vm_label(&vms[i]));
			vmem_device_label(l, d, j);
			prom_label(l, "node", node);
			prom_label(l, "memdev", d->memdev ? d->memdev : "");
			prom_sample_u64(out, "vbtool_vm_virtio_mem_info", l, 1);
		}
}

void host_view_prometheus(FILE *out, const struct host_vm *vms, size_t n)
{
	struct prom_labels l;
	prom_labels_init(&l);

	prom_family(out, "vbtool_vm_up", "gauge", "1 when the VM answered, 0 when it could not be queried.");
	for (size_t i = 0; i < n; i++) {
		prom_label(&l, "vm", vm_label(&vms[i]));
		prom_sample_u64(out, "vbtool_vm_up", &l, vms[i].error ? 0 : 1);
	}
	prom_family(out, "vbtool_vm_info", "gauge", "The VM's name, QEMU version and run state as labels; always 1.");
	for (size_t i = 0; i < n; i++) {
		if (vms[i].error)
			continue;
		prom_label(&l, "vm", vm_label(&vms[i]));
		prom_label(&l, "name", vms[i].name);
		prom_label(&l, "qemu_version", vms[i].qemu_version);
		prom_label(&l, "run_state", vms[i].run_state);
		prom_sample_u64(out, "vbtool_vm_info", &l, 1);
	}
	prom_family(out, "vbtool_vm_balloon_device", "gauge", "1 when the VM has a balloon device, 0 when QEMU says it has none.");
	for (size_t i = 0; i < n; i++) {
		if (vms[i].error || (!vms[i].has_balloon && !vms[i].no_balloon_device))
			continue;
		prom_label(&l, "vm", vm_label(&vms[i]));
		prom_sample_u64(out, "vbtool_vm_balloon_device", &l, vms[i].has_balloon ? 1 : 0);
	}
	gauge(out, &l, vms, n, "vbtool_vm_ram_bytes", "The memory the VM was given (base plus plugged).",
	      offsetof(struct host_vm, ram));
	gauge(out, &l, vms, n, "vbtool_vm_virtio_mem_bytes", "Memory all virtio-mem devices have plugged (part of RAM).",
	      offsetof(struct host_vm, virtio_mem));
	virtio_mem(out, &l, vms, n);
	gauge(out, &l, vms, n, "vbtool_vm_balloon_actual_bytes", "The guest's logical memory size (query-balloon actual).",
	      offsetof(struct host_vm, actual));
	gauge(out, &l, vms, n, "vbtool_vm_balloon_size_bytes", "Memory the balloon holds: RAM minus actual.",
	      offsetof(struct host_vm, balloon));
	prom_family(out, "vbtool_vm_balloon_features_info", "gauge",
		    "Balloon features the host offered and the guest negotiated (side label); always 1.");
	for (size_t i = 0; i < n; i++)
		if (vms[i].features_known)
			features(out, &l, &vms[i]);
	gauge(out, &l, vms, n, "vbtool_vm_stats_polling_interval_seconds", "The guest statistics' polling interval (0: off).",
	      offsetof(struct host_vm, polling_interval_s));
	gauge(out, &l, vms, n, "vbtool_vm_stats_age_seconds", "Seconds since the guest last reported its statistics.",
	      offsetof(struct host_vm, stats_age_s));

	/* The guest's statistics: sizes are gauges, swap_in/out and the event
	 * counts are since the guest booted. */
	static const struct {
		const char *name, *type, *help;
		int kind; /* 0 bytes gauge, 1 swap bytes counter, 2 event counter */
	} fam[] = {
		{ "vbtool_vm_guest_memory_bytes", "gauge", "The guest's memory statistics in bytes (stat label).", 0 },
		{ "vbtool_vm_guest_swap_bytes_total", "counter", "Bytes the guest swapped in and out (direction label).", 1 },
		{ "vbtool_vm_guest_events_total", "counter", "The guest's event counts since boot (stat label: major_faults, oom_kills, ...).", 2 },
	};
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		prom_family(out, fam[f].name, fam[f].type, fam[f].help);
		for (size_t i = 0; i < n; i++) {
			if (!host_vm_stats_present(&vms[i]))
				continue;
			for (size_t s = 0; s < vms[i].nstats; s++) {
				const struct host_stat *st = &vms[i].stats[s];
				bool swap = strcmp(st->name, "swap_in") == 0 || strcmp(st->name, "swap_out") == 0;
				int kind = swap ? 1 : host_stat_is_bytes(st->name) ? 0 : 2;
				if (kind != fam[f].kind || !st->value.known)
					continue;
				prom_label(&l, "vm", vm_label(&vms[i]));
				if (swap)
					prom_label(&l, "direction", st->name + 5);
				else
					prom_label(&l, "stat", st->name);
				prom_sample_u64(out, fam[f].name, &l, st->value.v);
			}
		}
	}

	prom_family(out, "vbtool_vm_finding", "gauge", "One series per finding about a VM (code and severity labels); always 1.");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < vms[i].nfindings; j++) {
			if (finding_seen(vms[i].findings, j))
				continue;
			prom_label(&l, "vm", vm_label(&vms[i]));
			prom_label(&l, "code", vms[i].findings[j].code);
			prom_label(&l, "severity", vms[i].findings[j].severity);
			prom_sample_u64(out, "vbtool_vm_finding", &l, 1);
		}
	prom_labels_free(&l);
}
