#include "host/view.h"
#include "host/size.h"
#include "host/transport.h"
#include "views/views.h"
#include "base/term.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

bool host_stat_is_bytes(const char *name)
{
	static const char *const bytes[] = { "swap_in",	    "swap_out",		"free_memory",
					     "total_memory", "available_memory", "disk_caches" };
	for (size_t i = 0; i < ARRAY_SIZE(bytes); i++)
		if (strcmp(bytes[i], name) == 0)
			return true;
	return false;
}

static const char *transport_name(const struct host_target *t)
{
	if (t->domain)
		return "libvirt";
	return qmp_address_is_tcp(t->address, NULL, NULL) ? "tcp" : "unix";
}

static const char *vm_label(const struct host_vm *vm)
{
	return vm->target->domain ? vm->target->domain : vm->target->address;
}

/* --- text ------------------------------------------------------------ */

static void size_line(FILE *out, const char *label, struct opt_u64 v, const char *note)
{
	char b[32];
	if (v.known)
		fprintf(out, "  %-10s %s%s\n", label, fmt_bytes(b, sizeof(b), v.v), note);
	else
		fprintf(out, "  %-10s unknown\n", label);
}

/* Names as the guest side prints them; bits no table names by number. */
static void feature_line(FILE *out, const char *label, char **f, size_t n, const unsigned *unk, size_t nunk)
{
	fprintf(out, "  %-10s", label);
	if (n == 0 && nunk == 0)
		fputs(" none", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %s", f[i]);
	for (size_t i = 0; i < nunk; i++)
		fprintf(out, " unknown-bit-%u", unk[i]);
	fputc('\n', out);
}

/* QEMU's statistic names (JSON) as words: "swap_in" -> "swap in". */
static void stat_words(FILE *out, const char *name)
{
	size_t n = 0;
	fputs("    ", out);
	for (; name[n]; n++)
		fputc(name[n] == '_' ? ' ' : name[n], out);
	fprintf(out, "%*s ", n < 18 ? (int)(18 - n) : 0, "");
}

static void text_stats(FILE *out, const struct host_vm *vm)
{
	if (vm->polling_interval_s.known)
		fprintf(out, vm->polling_interval_s.v ? "  %-10s every %llu s\n" : "  %-10s off\n", "polling",
			(unsigned long long)vm->polling_interval_s.v);
	if (!vm->stats_read)
		return;
	if (!host_vm_stats_present(vm)) {
		fprintf(out, "  %-10s never reported by the guest\n", "stats");
		return;
	}
	if (vm->stats_age_s.known)
		fprintf(out, "  %-10s updated %llu s ago\n", "stats", (unsigned long long)vm->stats_age_s.v);
	for (size_t i = 0; i < vm->nstats; i++) {
		char b[32];
		const struct host_stat *s = &vm->stats[i];
		stat_words(out, s->name);
		if (!s->value.known)
			fprintf(out, "not reported\n");
		else if (host_stat_is_bytes(s->name))
			fprintf(out, "%s\n", fmt_bytes(b, sizeof(b), s->value.v));
		else
			fprintf(out, "%llu\n", (unsigned long long)s->value.v);
	}
}

static const char *size_or_unknown(char *buf, size_t len, struct opt_u64 v)
{
	return v.known ? fmt_bytes(buf, len, v.v) : "an unknown size";
}

/* One line per virtio-mem device, in words: what it plugged of what the host
 * asked for. */
static void text_virtio_mem(FILE *out, const struct host_vm *vm)
{
	for (size_t i = 0; i < vm->nvmem_devices; i++) {
		const struct host_virtio_mem *d = &vm->vmem_devices[i];
		char a[32], b[32], m[32], k[32];
		fprintf(out, "  virtio-mem device %s: %s plugged of %s requested (at most %s, in blocks of %s",
			d->id ? d->id : "(no id)", size_or_unknown(a, sizeof(a), d->size), size_or_unknown(b, sizeof(b), d->requested_size),
			size_or_unknown(m, sizeof(m), d->max_size), size_or_unknown(k, sizeof(k), d->block_size));
		if (d->node.known)
			fprintf(out, ", NUMA node %llu", (unsigned long long)d->node.v);
		if (d->memdev)
			fprintf(out, ", memory backend %s", d->memdev);
		fputs(")\n", out);
	}
}

static void text_vm(FILE *out, const struct host_vm *vm)
{
	char *label = term_dup(vm_label(vm)); /* a socket's file name may hold a newline */
	fprintf(out, "VM %s", vm->name ? vm->name : "(no name)");
	fprintf(out, vm->target->domain ? " (libvirt %s)" : " (%s)", label);
	free(label);
	if (vm->error) {
		fprintf(out, "\n  error: %s\n", vm->error);
		if (vm->error_hint)
			fprintf(out, "  hint: %s\n", vm->error_hint);
		return;
	}
	if (vm->qemu_version)
		fprintf(out, " QEMU %s", vm->qemu_version);
	fprintf(out, ", %s\n", vm->run_state ? vm->run_state : "state unknown");
	size_line(out, "RAM", vm->ram, "");
	if (vm->virtio_mem.known && vm->virtio_mem.v)
		size_line(out, "virtio-mem", vm->virtio_mem, " plugged (part of RAM; the balloon does not count it)");
	text_virtio_mem(out, vm);
	if (!vm->has_balloon) {
		fprintf(out, "  %-10s %s\n", "balloon", vm->no_balloon_device ? "none" : "unknown (see the note)");
	} else {
		/* QEMU's actual leaves virtio-mem out: say so where the two differ. */
		size_line(out, "actual", vm->actual,
			  vm->virtio_mem.known && vm->virtio_mem.v
				  ? " (RAM without virtio-mem - balloon; the guest also has the virtio-mem memory)"
				  : " (what the guest may use: RAM - balloon)");
		/* the percentage status and explain-oom print (fmt_percent), of
		 * the same base: all the memory the VM was given */
		char pct[96] = "", pc[32], rb[32];
		if (vm->balloon.known && vm->ram.known && vm->ram.v)
			snprintf(pct, sizeof(pct), " (%s of the %s the VM was given)",
				 fmt_percent(pc, sizeof(pc), vm->balloon.v, vm->ram.v), fmt_bytes(rb, sizeof(rb), vm->ram.v));
		size_line(out, "balloon", vm->balloon,
			  vm->balloon_stale ? " (QEMU's value; the guest's statistics say it is stale)" : pct);
	}
	if (vm->device_path)
		fprintf(out, "  %-10s %s (%s, found via %s)\n", "device", vm->device_path,
			vm->device_type ? vm->device_type : "virtio-balloon", vm->device_found_by);
	if (vm->features_known) {
		feature_line(out, "offered", vm->host_features, vm->nhost_features, vm->host_unknown_bits,
			     vm->nhost_unknown_bits);
		feature_line(out, "accepted", vm->guest_features, vm->nguest_features, vm->guest_unknown_bits,
			     vm->nguest_unknown_bits);
	}
	if (vm->configured_known)
		feature_line(out, "configured", vm->configured_features, vm->nconfigured_features, NULL, 0);
	text_stats(out, vm);
	for (size_t i = 0; i < vm->nnotes; i++)
		fprintf(out, "  note: %s\n", vm->notes[i]);
	for (size_t i = 0; i < vm->nfindings; i++) {
		const struct finding *f = &vm->findings[i];
		fprintf(out, "  %s: %s [%s]\n", f->severity, f->message, f->code);
		if (f->hint)
			fprintf(out, "    hint: %s\n", f->hint);
	}
}

/* Printed through the terminal sanitizer: names, states and errors come
 * from QEMU, whose guest is not trusted. */
void host_view_text(FILE *out, const struct host_vm *vms, size_t n)
{
	struct term_view tv;
	out = term_view_begin(&tv, out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\n', out);
		text_vm(out, &vms[i]);
	}
	term_view_end(&tv);
}

/* --- JSON ------------------------------------------------------------ */


static struct json_object *jtri(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static struct json_object *jstrv(char **v, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_str_or_null(v[i]));
	return a;
}

/* A list of bit numbers, as the guest side's unknown_bits. */
static struct json_object *jbits(const unsigned *b, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int((int)b[i]));
	return a;
}

struct json_object *host_view_vmem_json(const struct host_vm *vm)
{
	struct json_object *vmem = json_object_new_array();
	for (size_t i = 0; i < vm->nvmem_devices; i++) {
		const struct host_virtio_mem *d = &vm->vmem_devices[i];
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "id", json_str_or_null(d->id));
		json_object_object_add(j, "size_bytes", json_opt_u64(d->size));
		json_object_object_add(j, "requested_size_bytes", json_opt_u64(d->requested_size));
		json_object_object_add(j, "max_size_bytes", json_opt_u64(d->max_size));
		json_object_object_add(j, "block_size_bytes", json_opt_u64(d->block_size));
		json_object_object_add(j, "node", json_opt_u64(d->node));
		json_object_object_add(j, "memdev", json_str_or_null(d->memdev));
		json_object_array_add(vmem, j);
	}
	return vmem;
}

static struct json_object *json_vm(const struct host_vm *vm)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "socket", json_str_or_null(vm->target->address));
	json_object_object_add(o, "domain", json_str_or_null(vm->target->domain));
	json_object_object_add(o, "transport", json_object_new_string(transport_name(vm->target)));
	json_object_object_add(o, "error", json_str_or_null(vm->error));
	json_object_object_add(o, "error_hint", json_str_or_null(vm->error ? vm->error_hint : NULL));
	json_object_object_add(o, "qemu_version", json_str_or_null(vm->qemu_version));
	json_object_object_add(o, "name", json_str_or_null(vm->name));
	json_object_object_add(o, "run_state", json_str_or_null(vm->run_state));
	json_object_object_add(o, "running", jtri(vm->running));
	json_object_object_add(o, "ram_bytes", json_opt_u64(vm->ram));
	json_object_object_add(o, "base_memory_bytes", json_opt_u64(vm->base_memory));
	json_object_object_add(o, "plugged_memory_bytes", json_opt_u64(vm->plugged_memory));
	json_object_object_add(o, "virtio_mem_bytes", json_opt_u64(vm->virtio_mem));
	json_object_object_add(o, "balloon_ram_bytes", json_opt_u64(vm->balloon_ram));
	json_object_object_add(o, "virtio_mem_devices", host_view_vmem_json(vm));
	json_object_object_add(o, "balloon_device",
			       vm->error || (!vm->has_balloon && !vm->no_balloon_device)
				       ? NULL
				       : json_object_new_boolean(vm->has_balloon));
	json_object_object_add(o, "actual_bytes", json_opt_u64(vm->actual));
	json_object_object_add(o, "balloon_bytes", json_opt_u64(vm->balloon));
	json_object_object_add(o, "balloon_stale", vm->error ? NULL : json_object_new_boolean(vm->balloon_stale));

	struct json_object *dev = NULL;
	if (vm->device_path) {
		dev = json_object_new_object();
		json_object_object_add(dev, "path", json_str_or_null(vm->device_path));
		json_object_object_add(dev, "type", json_str_or_null(vm->device_type));
		json_object_object_add(dev, "found_by", json_str_or_null(vm->device_found_by));
		json_object_object_add(dev, "backend_path", json_str_or_null(vm->backend_path));
	}
	json_object_object_add(o, "device", dev);

	struct json_object *feat = NULL;
	if (vm->features_known) {
		feat = json_object_new_object();
		json_object_object_add(feat, "host_offered", jstrv(vm->host_features, vm->nhost_features));
		json_object_object_add(feat, "guest_negotiated", jstrv(vm->guest_features, vm->nguest_features));
		json_object_object_add(feat, "host_unknown_bits", jbits(vm->host_unknown_bits, vm->nhost_unknown_bits));
		json_object_object_add(feat, "guest_unknown_bits",
				       jbits(vm->guest_unknown_bits, vm->nguest_unknown_bits));
		json_object_object_add(feat, "driver_started", jtri(vm->driver_started));
	}
	json_object_object_add(o, "features", feat);
	json_object_object_add(o, "configured_features",
			       vm->configured_known ? jstrv(vm->configured_features, vm->nconfigured_features) : NULL);

	json_object_object_add(o, "polling_interval_s", json_opt_u64(vm->polling_interval_s));
	struct json_object *stats = NULL;
	if (host_vm_stats_present(vm)) {
		stats = json_object_new_object();
		for (size_t i = 0; i < vm->nstats; i++)
			json_object_object_add(stats, vm->stats[i].name, json_opt_u64(vm->stats[i].value));
	}
	json_object_object_add(o, "stats", stats);
	json_object_object_add(o, "stats_last_update",
			       vm->last_update.known && vm->last_update.v ? json_opt_u64(vm->last_update) : NULL);
	json_object_object_add(o, "stats_age_s", json_opt_u64(vm->stats_age_s));

	json_object_object_add(o, "findings", json_findings(vm->findings, vm->nfindings));
	json_object_object_add(o, "notes", jstrv(vm->notes, vm->nnotes));
	return o;
}

struct json_object *host_view_json(const struct host_vm *vms, size_t n)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_vm(&vms[i]));
	json_object_object_add(root, "vms", arr);
	return root;
}
