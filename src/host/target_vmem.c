/* target --virtio-mem ID: set a virtio-mem device's requested-size over QMP
 * (qom-set on /machine/peripheral/ID) and with --wait poll
 * query-memory-devices until the device's size equals the request. The
 * checks and the outcome (target_vmem.h) serve the libvirt path too
 * (libvirt_vmem.c). */
#include "host/target.h"
#include "host/target_vmem.h"
#include "host/client.h"
#include "host/floor.h"
#include "host/host.h"
#include "host/size.h"
#include "host/transport.h"
#include "host/values.h"
#include "views/views.h"
#include "base/exit_codes.h"
#include "base/term.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* query-memory-devices is cheap, but a paused or slow guest moves in blocks:
 * twice a second is enough to see it. */
#define VMEM_POLL_MS 500

const char *vmem_who(const struct target_request *req)
{
	return req->qmp ? req->qmp : req->domain;
}

const struct host_virtio_mem *vmem_find(const struct host_vm *vm, const char *id)
{
	for (size_t i = 0; i < vm->nvmem_devices; i++)
		if (vm->vmem_devices[i].id && strcmp(vm->vmem_devices[i].id, id) == 0)
			return &vm->vmem_devices[i];
	return NULL;
}

/* The device's plugged size now, from query-memory-devices. */
static int query_size(struct qmp_client *c, const char *id, uint64_t *size, struct qmp_error *e)
{
	struct json_object *ret;
	if (qmp_execute(c, "query-memory-devices", NULL, &ret, e) < 0)
		return -1;
	struct opt_u64 v = OPT_U64_UNKNOWN;
	if (json_object_is_type(ret, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(ret); i++) {
			struct json_object *d = json_object_array_get_idx(ret, i), *data;
			const char *type = qmp_member_str(d, "type"), *did;
			if (!type || strcmp(type, "virtio-mem") != 0 || !json_object_object_get_ex(d, "data", &data))
				continue;
			did = qmp_member_str(data, "id");
			if (did && strcmp(did, id) == 0) {
				v = qmp_member_u64(data, "size");
				break;
			}
		}
	}
	json_object_put(ret);
	if (!v.known) {
		qmp_error_clear(e);
		e->message = xstrdup("query-memory-devices: the device's \"size\" is missing");
		return -1;
	}
	*size = v.v;
	return 0;
}

/* The memory the guest has now: base and pc-dimms less the balloon, plus
 * every virtio-mem device's plugged memory. */
static struct opt_u64 guest_total(const struct host_vm *vm)
{
	uint64_t t;
	if (vm->has_balloon && vm->actual.known && vm->virtio_mem.known && add_u64(vm->actual.v, vm->virtio_mem.v, &t))
		return opt_u64(t);
	return vm->ram;
}

/* Refuses (true, after saying why) a shrink that leaves the guest's total
 * below the safe floor (host/floor.c, measured on base + virtio-mem). */
static bool below_floor(const struct target_request *req, const struct host_vm *vm, const struct host_virtio_mem *d)
{
	char t[32], fl[32], nt[32], u[32], m[32], ram[32];
	struct safe_floor f;
	struct host_vm whole = *vm; /* shallow: only read by host_safe_floor */
	struct opt_u64 now = guest_total(vm);
	if (req->force || !d->size.known || req->target >= d->size.v)
		return false;
	whole.balloon_ram = vm->ram; /* the floor's share is of all the guest's RAM */
	fmt_bytes(t, sizeof(t), req->target);
	if (!now.known || now.v < d->size.v || !host_safe_floor(&whole, &f)) {
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing virtio-mem %s at %s: the guest's memory is not known, so no safe floor "
			    "can be told",
			    vmem_who(req), req->virtio_mem_id, t);
		return true;
	}
	uint64_t after = now.v - d->size.v + req->target; /* no overflow: target <= max-size */
	if (after >= f.floor)
		return false;
	fmt_bytes(fl, sizeof(fl), f.floor);
	fmt_bytes(nt, sizeof(nt), after);
	if (f.from_stats)
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing virtio-mem %s at %s: the guest would have %s, below the safe floor of "
			    "%s (the guest uses %s: total_memory %llu - available_memory %llu bytes, plus a margin of %s)",
			    vmem_who(req), req->virtio_mem_id, t, nt, fl, fmt_bytes(u, sizeof(u), f.used),
			    (unsigned long long)f.total, (unsigned long long)f.available, fmt_bytes(m, sizeof(m), f.margin));
	else
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing virtio-mem %s at %s: the guest would have %s, below the safe floor of "
			    "%s (%d%% of its RAM %s: the guest reports no memory statistics)",
			    vmem_who(req), req->virtio_mem_id, t, nt, fl, FLOOR_NO_STATS_PCT, fmt_bytes(ram, sizeof(ram), f.ram));
	return true;
}

/* SIZE must fit the device: QEMU would refuse it too, but without saying the
 * limits in the user's units. */
static bool fits_device(const struct target_request *req, const struct host_virtio_mem *d)
{
	char a[32], b[32];
	if (d->max_size.known && req->target > d->max_size.v) {
		vb_err("target: %s: virtio-mem %s: %s is more than its max-size %s (%llu bytes)", vmem_who(req),
		       req->virtio_mem_id, req->size_text, fmt_bytes(a, sizeof(a), d->max_size.v),
		       (unsigned long long)d->max_size.v);
		return false;
	}
	if (d->block_size.known && d->block_size.v && req->target % d->block_size.v) {
		uint64_t down = req->target - req->target % d->block_size.v;
		vb_err_hint("give a multiple of the block size",
			    "target: %s: virtio-mem %s: %s (%llu bytes) is not a multiple of its block-size %s "
			    "(%llu bytes); the nearest below is %s",
			    vmem_who(req), req->virtio_mem_id, req->size_text, (unsigned long long)req->target,
			    fmt_bytes(a, sizeof(a), d->block_size.v), (unsigned long long)d->block_size.v,
			    fmt_bytes(b, sizeof(b), down));
		return false;
	}
	return true;
}

/* Polls (size(ctx, size) twice a second) until the device's size is the
 * request or the deadline passes; *size keeps the last value seen. */
static int vmem_follow(const struct target_request *req, uint64_t *size, int (*query)(void *ctx, uint64_t *size), void *ctx)
{
	long long deadline = qmp_deadline_after(req->wait_s);
	while (*size != req->target && qmp_ms_left(deadline) > 0) {
		int left = qmp_ms_left(deadline), ms = left < VMEM_POLL_MS ? left : VMEM_POLL_MS;
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		if (query(ctx, size) < 0)
			return -1;
	}
	return 0;
}

static void print_json(const struct target_request *req, const struct host_virtio_mem *d, uint64_t start,
		       uint64_t size, int code)
{
	bool waited = req->wait_s >= 0;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "vm", json_object_new_string(vmem_who(req)));
	json_object_object_add(o, "virtio_mem_id", json_object_new_string(req->virtio_mem_id));
	json_object_object_add(o, "requested_bytes", json_object_new_uint64(req->target));
	json_object_object_add(o, "start_size_bytes", json_object_new_uint64(start));
	json_object_object_add(o, "size_bytes", json_object_new_uint64(size));
	json_object_object_add(o, "max_size_bytes", json_opt_u64(d->max_size));
	json_object_object_add(o, "block_size_bytes", json_opt_u64(d->block_size));
	json_object_object_add(o, "waited", json_object_new_boolean(waited));
	json_object_object_add(o, "wait_s", waited ? json_object_new_double(req->wait_s) : NULL);
	json_object_object_add(o, "reached", waited ? json_object_new_boolean(code == VB_EXIT_OK) : NULL);
	json_write(stdout, o);
	json_object_put(o);
}

static void print_outcome(const struct target_request *req, uint64_t start, uint64_t size, int code)
{
	char a[32], t[32], s[32];
	fmt_bytes(a, sizeof(a), size);
	fmt_bytes(t, sizeof(t), req->target);
	if (req->wait_s < 0) {
		term_printf(stdout,
			    "%s: virtio-mem %s: requested %s (plugged now %s); the guest follows in its own time\n",
			    vmem_who(req), req->virtio_mem_id, t, a);
		return;
	}
	if (code == VB_EXIT_OK) {
		term_printf(stdout, "%s: virtio-mem %s: reached %s\n", vmem_who(req), req->virtio_mem_id, t);
		return;
	}
	uint64_t want = req->target > start ? req->target - start : start - req->target;
	uint64_t done = 0;
	if ((req->target < start && size < start) || (req->target > start && size > start))
		done = size > start ? size - start : start - size;
	if (done > want)
		done = want;
	term_printf(stdout, "%s: virtio-mem %s: did not reach %s in time: plugged %s (started at %s), %.0f%% of the way\n",
		    vmem_who(req), req->virtio_mem_id, t, a, fmt_bytes(s, sizeof(s), start),
		    want ? 100.0 * (double)done / (double)want : 0.0);
}

int vmem_check(const struct target_request *req, const struct host_vm *vm, const struct host_virtio_mem **dev)
{
	const struct host_virtio_mem *d = *dev = vmem_find(vm, req->virtio_mem_id);
	if (!d) {
		vb_err_hint(req->qmp ? "status --qmp SOCKET lists the VM's virtio-mem devices"
				     : "status --libvirt DOMAIN lists the domain's virtio-mem devices (id: libvirt's alias)",
			    "target: %s: no virtio-mem device with id '%s'", vmem_who(req), req->virtio_mem_id);
		return VB_EXIT_FAILURE;
	}
	if (!fits_device(req, d))
		return VB_EXIT_USAGE;
	if (below_floor(req, vm, d))
		return VB_EXIT_REFUSED;
	if (vm->running == 0 && !req->json)
		term_printf(stdout, "%s: the VM is not running (%s): the guest cannot plug or unplug until it runs\n",
			    vmem_who(req), vm->run_state ? vm->run_state : "state unknown");
	return VB_EXIT_OK;
}

int vmem_wait_and_report(const struct target_request *req, const struct host_virtio_mem *d, uint64_t start,
			 uint64_t size, int (*query)(void *ctx, uint64_t *size), void *ctx)
{
	int code = VB_EXIT_OK;
	if (req->wait_s >= 0) {
		if (!req->json)
			term_printf(stdout, "%s: virtio-mem %s: waiting up to %g s for %s plugged\n", vmem_who(req),
				    req->virtio_mem_id, req->wait_s, req->size_text);
		fflush(stdout);
		if (vmem_follow(req, &size, query, ctx) < 0)
			return -1;
		code = size == req->target ? VB_EXIT_OK : VB_EXIT_NOT_REACHED;
	}
	if (req->json)
		print_json(req, d, start, size, code);
	else
		print_outcome(req, start, size, code);
	return code;
}

struct qmp_size_ctx {
	struct qmp_client *cl;
	const char *id;
	struct qmp_error *e;
};

static int qmp_size(void *ctx, uint64_t *size)
{
	struct qmp_size_ctx *c = ctx;
	return query_size(c->cl, c->id, size, c->e);
}

int host_target_virtio_mem(const struct target_request *req)
{
	if (req->domain)
		return host_target_virtio_mem_libvirt(req);
	struct host_target ht = { .address = (char *)req->qmp };
	struct host_collect_options co = { .timeout_s = req->timeout_s, .stats_interval = -1 };
	struct qmp_options qo = { .timeout_s = req->timeout_s };
	struct qmp_error e = { 0 };
	struct qmp_client *cl = NULL;
	struct host_vm vm;
	const struct host_virtio_mem *d;
	int code = VB_EXIT_FAILURE;
	host_collect_one(&ht, &co, &vm);
	if (vm.error) {
		vb_err_hint(vm.error_hint, "target: %s: %s", req->qmp, vm.error);
		goto out;
	}
	code = vmem_check(req, &vm, &d);
	if (code != VB_EXIT_OK)
		goto out;
	cl = qmp_connect(req->qmp, &qo, &e);
	if (!cl)
		goto fail;
	char *path = xasprintf("/machine/peripheral/%s", req->virtio_mem_id);
	struct json_object *args = json_object_new_object();
	json_object_object_add(args, "path", json_object_new_string(path));
	json_object_object_add(args, "property", json_object_new_string("requested-size"));
	json_object_object_add(args, "value", json_object_new_uint64(req->target));
	free(path);
	if (qmp_execute(cl, "qom-set", args, NULL, &e) < 0)
		goto fail;
	uint64_t start = d->size.known ? d->size.v : 0, size = start;
	if (query_size(cl, req->virtio_mem_id, &size, &e) < 0)
		goto fail;
	struct qmp_size_ctx qc = { cl, req->virtio_mem_id, &e };
	code = vmem_wait_and_report(req, d, start, size, qmp_size, &qc);
	if (code < 0)
		goto fail;
	goto out;
fail:
	code = VB_EXIT_FAILURE;
	vb_err_hint(e.hint, "target: %s: virtio-mem %s: %s", req->qmp, req->virtio_mem_id,
		    e.message ? e.message : "failed");
	qmp_error_clear(&e);
out:
	qmp_close(cl);
	host_vm_free(&vm);
	return code;
}
