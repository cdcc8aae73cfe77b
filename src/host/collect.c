/* One VM: the QMP queries behind `status --qmp`, into a struct host_vm. */
#include "host/client.h"
#include "host/features.h"
#include "host/host.h"
#include "host/values.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add_note(struct host_vm *vm, const char *msg)
{
	size_t cap = vm->nnotes;
	vm->notes = xgrow(vm->notes, &cap, vm->nnotes + 1, sizeof(*vm->notes));
	vm->notes[vm->nnotes++] = xstrdup(msg);
}

/* The reply of one call, or NULL after keeping a note of the error (unless
 * its class is one the caller expects: quiet_class). A dead connection
 * becomes the VM's error. */
static struct json_object *result(struct qmp_client *c, struct host_vm *vm, struct qmp_call *call,
				  const char *quiet_class)
{
	if (call->status == 0)
		return call->ret;
	if (qmp_is_dead(c)) {
		if (!vm->error) {
			vm->error = xstrdup(call->err.message);
			vm->error_hint = call->err.hint;
		}
	} else if (!(quiet_class && call->err.class && strcmp(call->err.class, quiet_class) == 0)) {
		add_note(vm, call->err.message);
	}
	return NULL;
}

static bool error_is(const struct qmp_call *call, const char *class)
{
	return call->status != 0 && call->err.class && strcmp(call->err.class, class) == 0;
}

static struct json_object *path_args(const char *path, const char *property)
{
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, "path", json_object_new_string(path));
	if (property)
		json_object_object_add(a, "property", json_object_new_string(property));
	return a;
}

/* "child<virtio-balloon-pci>" -> "virtio-balloon-pci" when it is a balloon. */
static char *balloon_type(const char *qom_type)
{
	static const char prefix[] = "child<";
	size_t n = strlen(qom_type);
	if (strncmp(qom_type, prefix, sizeof(prefix) - 1) != 0 || n < sizeof(prefix) || qom_type[n - 1] != '>')
		return NULL;
	const char *t = qom_type + sizeof(prefix) - 1;
	if (strncmp(t, "virtio-balloon", 14) != 0)
		return NULL;
	return xstrndup(t, (size_t)(qom_type + n - 1 - t));
}

/* Looks for a balloon in a qom-list reply of directory dir. */
static bool find_in(struct json_object *list, struct host_vm *vm, const char *dir, const char *how)
{
	bool found = false;
	if (!list || !json_object_is_type(list, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(list) && !found; i++) {
		struct json_object *p = json_object_array_get_idx(list, i);
		const char *name = qmp_member_str(p, "name"), *type = qmp_member_str(p, "type");
		char *bt = name && type ? balloon_type(type) : NULL;
		if (!bt)
			continue;
		char *safe = xstrndup_printable(name, strlen(name));
		vm->device_path = xasprintf("%s/%s", dir, safe);
		free(safe);
		vm->device_type = bt;
		vm->device_found_by = how;
		/* Proxies (PCI, CCW) hold the virtio device as a child; the plain
		 * virtio-balloon-device is the virtio device itself. */
		vm->backend_path = strcmp(bt, "virtio-balloon-device") == 0
					   ? xstrdup(vm->device_path)
					   : xasprintf("%s/virtio-backend", vm->device_path);
		found = true;
	}
	return found;
}

/* x-query-virtio (QEMU 7.2+): [{"name": "virtio-balloon", "path": ...}]. */
static bool find_by_virtio_list(struct json_object *list, struct host_vm *vm)
{
	bool found = false;
	if (!list || !json_object_is_type(list, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(list) && !found; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		const char *name = qmp_member_str(d, "name"), *path = qmp_member_str(d, "path");
		if (!name || !path || strcmp(name, "virtio-balloon") != 0)
			continue;
		static const char backend[] = "/virtio-backend";
		size_t n = strlen(path), b = sizeof(backend) - 1;
		vm->backend_path = xstrndup_printable(path, n);
		vm->device_path = xstrndup_printable(path, n > b && strcmp(path + n - b, backend) == 0 ? n - b : n);
		vm->device_found_by = "x-query-virtio";
		found = true;
	}
	return found;
}

static void read_features(struct json_object *st, struct host_vm *vm)
{
	struct json_object *v;
	if (!st)
		return;
	vm->features_known = true;
	if (json_object_object_get_ex(st, "host-features", &v))
		host_features_decode(v, &vm->host_features, &vm->nhost_features, &vm->host_unknown_bits,
				     &vm->nhost_unknown_bits);
	if (json_object_object_get_ex(st, "guest-features", &v))
		host_features_decode(v, &vm->guest_features, &vm->nguest_features, &vm->guest_unknown_bits,
				     &vm->nguest_unknown_bits);
	if (json_object_object_get_ex(st, "started", &v) && json_object_is_type(v, json_type_boolean))
		vm->driver_started = json_object_get_boolean(v);
}

/* The virtio spec's order, so output does not depend on QEMU's hash order. */
static const char *const stat_order[] = {
	"swap_in",	"swap_out",	 "major_faults",  "minor_faults",   "free_memory",
	"total_memory", "available_memory", "disk_caches", "htlb_pgalloc", "htlb_pgfail",
	"oom_kills",	"alloc_stalls",	 "async_scans",	  "direct_scans",   "async_reclaims",
	"direct_reclaims",
};

static size_t stat_rank(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(stat_order); i++)
		if (strcmp(stat_order[i], name) == 0)
			return i;
	return ARRAY_SIZE(stat_order);
}

static int cmp_stat(const void *a, const void *b)
{
	const struct host_stat *x = a, *y = b;
	size_t rx = stat_rank(x->name), ry = stat_rank(y->name);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

void host_vm_sort_stats(struct host_vm *vm)
{
	if (vm->nstats)
		qsort(vm->stats, vm->nstats, sizeof(*vm->stats), cmp_stat);
}

static void read_stats(struct json_object *gs, struct host_vm *vm)
{
	struct json_object *stats;
	if (!gs)
		return;
	if (!json_object_object_get_ex(gs, "stats", &stats) || !json_object_is_type(stats, json_type_object)) {
		add_note(vm, "qom-get guest-stats: the reply has no \"stats\" object");
		return;
	}
	vm->stats_read = true;
	size_t cap = 0;
	json_object_object_foreach(stats, key, val)
	{
		vm->stats = xgrow(vm->stats, &cap, vm->nstats + 1, sizeof(*vm->stats));
		vm->stats[vm->nstats].name = qmp_stat_key(key);
		vm->stats[vm->nstats].value = qmp_stat_value(val);
		vm->nstats++;
	}
	host_vm_sort_stats(vm);
	struct json_object *lu;
	if (json_object_object_get_ex(gs, "last-update", &lu))
		vm->last_update = qmp_stat_value(lu);
	time_t now = time(NULL);
	if (vm->last_update.known && vm->last_update.v > 0)
		vm->stats_age_s = opt_u64((uint64_t)now > vm->last_update.v ? (uint64_t)now - vm->last_update.v : 0);
}

static void read_memory(struct json_object *r, struct host_vm *vm)
{
	if (!r)
		return;
	vm->base_memory = qmp_member_u64(r, "base-memory");
	vm->plugged_memory = qmp_member_u64(r, "plugged-memory");
	/* The balloon works on all of the guest's RAM, hot-plugged DIMMs included. */
	if (vm->base_memory.known) {
		uint64_t ram = vm->base_memory.v;
		if (!vm->plugged_memory.known || add_u64(ram, vm->plugged_memory.v, &ram))
			vm->ram = opt_u64(ram);
	}
}

static char *member_printable(struct json_object *obj, const char *key)
{
	const char *v = qmp_member_str(obj, key);
	return v ? xstrndup_printable(v, strlen(v)) : NULL;
}

/* Every "virtio-mem" entry of query-memory-devices, each member checked on
 * its own: one QEMU did not give stays unknown. */
static void read_virtio_mem_devices(struct json_object *list, struct host_vm *vm)
{
	size_t cap = 0;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i), *data = NULL;
		const char *type = qmp_member_str(d, "type");
		if (!type || strcmp(type, "virtio-mem") != 0 || !json_object_object_get_ex(d, "data", &data) ||
		    !json_object_is_type(data, json_type_object))
			continue;
		vm->vmem_devices = xgrow(vm->vmem_devices, &cap, vm->nvmem_devices + 1, sizeof(*vm->vmem_devices));
		vm->vmem_devices[vm->nvmem_devices++] = (struct host_virtio_mem){
			.id = member_printable(data, "id"),
			.memdev = member_printable(data, "memdev"),
			.size = qmp_member_u64(data, "size"),
			.requested_size = qmp_member_u64(data, "requested-size"),
			.max_size = qmp_member_u64(data, "max-size"),
			.block_size = qmp_member_u64(data, "block-size"),
			.node = qmp_member_u64(data, "node"),
		};
	}
}

/* query-memory-devices: balloon_ram = base + every pc-dimm ("dimm"), as
 * QEMU's balloon counts; virtio-mem's plugged "size" apart. Without the list,
 * only a VM with nothing plugged has a known balloon_ram. */
static void read_memory_devices(struct json_object *list, struct host_vm *vm)
{
	if (!vm->base_memory.known)
		return;
	if (!list || !json_object_is_type(list, json_type_array)) {
		if (vm->plugged_memory.known && vm->plugged_memory.v == 0)
			vm->balloon_ram = vm->base_memory;
		return;
	}
	read_virtio_mem_devices(list, vm);
	uint64_t ram = vm->base_memory.v, vmem = 0;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i), *data;
		const char *type = qmp_member_str(d, "type");
		bool dimm = type && strcmp(type, "dimm") == 0, virtio_mem = type && strcmp(type, "virtio-mem") == 0;
		if (!dimm && !virtio_mem)
			continue; /* nvdimm, virtio-pmem, sgx-epc: not RAM the balloon counts */
		struct opt_u64 size = json_object_object_get_ex(d, "data", &data) ? qmp_member_u64(data, "size")
										  : OPT_U64_UNKNOWN;
		if (!size.known || !add_u64(dimm ? ram : vmem, size.v, dimm ? &ram : &vmem))
			return; /* a size we cannot read: both stay unknown */
	}
	vm->balloon_ram = opt_u64(ram);
	vm->virtio_mem = opt_u64(vmem);
}

static void read_balloon(struct json_object *r, struct host_vm *vm)
{
	if (!r)
		return;
	vm->has_balloon = true;
	vm->actual = qmp_member_u64(r, "actual");
	if (vm->actual.known && vm->balloon_ram.known && vm->balloon_ram.v >= vm->actual.v)
		vm->balloon = opt_u64(vm->balloon_ram.v - vm->actual.v);
}

static void read_name_status(struct json_object *name, struct json_object *status, struct host_vm *vm)
{
	const char *n = qmp_member_str(name, "name");
	const char *st = qmp_member_str(status, "status");
	struct json_object *running;
	if (n)
		vm->name = xstrndup_printable(n, strlen(n));
	if (st)
		vm->run_state = xstrndup_printable(st, strlen(st));
	if (status && json_object_object_get_ex(status, "running", &running))
		vm->running = json_object_get_boolean(running);
}

/* qom-list of /machine/peripheral has a "child<virtio-mem-pci>" (or -ccw). */
static bool has_virtio_mem(struct json_object *per)
{
	if (!per || !json_object_is_type(per, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(per); i++) {
		const char *t = qmp_member_str(json_object_array_get_idx(per, i), "type");
		if (t && strncmp(t, "child<virtio-mem", 16) == 0)
			return true;
	}
	return false;
}

/* Each step is one round trip: QEMU's answers are pipelined. */
enum { Q_NAME, Q_STATUS, Q_MEMORY, Q_BALLOON, Q_PERIPHERAL, Q_FIRST_STEP };
enum { D_POLL, D_STATS, D_FEATURES, D_SET_POLL, D_STEP };

static void ask_basics(struct qmp_client *c, struct host_vm *vm)
{
	struct qmp_call q[Q_FIRST_STEP] = {
		[Q_NAME] = { .command = "query-name" },
		[Q_STATUS] = { .command = "query-status" },
		[Q_MEMORY] = { .command = "query-memory-size-summary" },
		[Q_BALLOON] = { .command = "query-balloon" },
		[Q_PERIPHERAL] = { .command = "qom-list", .args = path_args("/machine/peripheral", NULL) },
	};
	qmp_execute_many(c, q, ARRAY_SIZE(q));
	read_name_status(result(c, vm, &q[Q_NAME], NULL), result(c, vm, &q[Q_STATUS], NULL), vm);
	read_memory(result(c, vm, &q[Q_MEMORY], NULL), vm);
	struct json_object *per = result(c, vm, &q[Q_PERIPHERAL], "DeviceNotFound");
	/* Nothing plugged: balloon_ram is base memory, no need to ask QEMU for
	 * its memory devices (each command costs QEMU CPU time), unless a
	 * virtio-mem device with an id exists: its requested size is news even
	 * while it has plugged nothing. */
	if (vm->plugged_memory.known && vm->plugged_memory.v == 0 && !has_virtio_mem(per)) {
		read_memory_devices(NULL, vm);
		if (vm->balloon_ram.known)
			vm->virtio_mem = opt_u64(0);
	} else if (!qmp_is_dead(c)) {
		struct qmp_call md = { .command = "query-memory-devices" };
		qmp_execute_many(c, &md, 1);
		read_memory_devices(result(c, vm, &md, "CommandNotFound"), vm);
		qmp_calls_clear(&md, 1);
	}
	vm->no_balloon_device = error_is(&q[Q_BALLOON], "DeviceNotActive");
	read_balloon(result(c, vm, &q[Q_BALLOON], "DeviceNotActive"), vm);
	if (vm->has_balloon)
		find_in(per, vm, "/machine/peripheral", "peripheral");
	qmp_calls_clear(q, ARRAY_SIZE(q));
}

/* A balloon without an id (libvirt always gives one), or somewhere else. */
static void ask_where(struct qmp_client *c, struct host_vm *vm)
{
	struct qmp_call q[2] = {
		{ .command = "qom-list", .args = path_args("/machine/peripheral-anon", NULL) },
		{ .command = "x-query-virtio" },
	};
	qmp_execute_many(c, q, ARRAY_SIZE(q));
	struct json_object *anon = result(c, vm, &q[0], "DeviceNotFound");
	struct json_object *list = result(c, vm, &q[1], "CommandNotFound");
	if (!find_in(anon, vm, "/machine/peripheral-anon", "peripheral-anon"))
		find_by_virtio_list(list, vm);
	qmp_calls_clear(q, ARRAY_SIZE(q));
}

static void ask_device(struct qmp_client *c, struct host_vm *vm, long set_interval)
{
	struct qmp_call q[D_STEP] = {
		[D_POLL] = { .command = "qom-get", .args = path_args(vm->device_path, "guest-stats-polling-interval") },
		[D_STATS] = { .command = "qom-get", .args = path_args(vm->device_path, "guest-stats") },
		[D_FEATURES] = { .command = "x-query-virtio-status", .args = path_args(vm->backend_path, NULL) },
		[D_SET_POLL] = { .command = "qom-set",
				 .args = path_args(vm->device_path, "guest-stats-polling-interval") },
	};
	json_object_object_add(q[D_SET_POLL].args, "value", json_object_new_int64(set_interval));
	/* The set goes first, so the reads see it. */
	struct qmp_call order[D_STEP];
	size_t n = 0;
	if (set_interval >= 0)
		order[n++] = q[D_SET_POLL];
	else
		json_object_put(q[D_SET_POLL].args);
	order[n++] = q[D_POLL];
	order[n++] = q[D_STATS];
	order[n++] = q[D_FEATURES];
	qmp_execute_many(c, order, n);
	size_t i = 0;
	if (set_interval >= 0)
		result(c, vm, &order[i++], NULL);
	struct json_object *poll = result(c, vm, &order[i++], NULL);
	if (poll && json_object_is_type(poll, json_type_int) && json_object_get_int64(poll) >= 0)
		vm->polling_interval_s = opt_u64((uint64_t)json_object_get_int64(poll));
	read_stats(result(c, vm, &order[i++], NULL), vm);
	struct qmp_call *feat = &order[i++];
	if (!error_is(feat, "CommandNotFound"))
		read_features(result(c, vm, feat, NULL), vm);
	qmp_calls_clear(order, n);
}

void host_collect_one(const struct host_target *t, const struct host_collect_options *opt,
		      struct host_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->target = t;
	vm->running = -1;
	vm->driver_started = -1;
	struct qmp_options qo = { .timeout_s = opt ? opt->timeout_s : 0 };
	struct qmp_error e = { 0 };
	struct qmp_client *c = qmp_connect(t->address, &qo, &e);
	if (!c) {
		vm->error = e.message;
		vm->error_hint = e.hint;
		e.message = NULL;
		qmp_error_clear(&e);
		return;
	}
	if (qmp_qemu_version(c))
		vm->qemu_version = xstrdup(qmp_qemu_version(c));
	ask_basics(c, vm);
	if (vm->has_balloon && !vm->device_path && !vm->error)
		ask_where(c, vm);
	if (vm->device_path && vm->backend_path && !vm->error)
		ask_device(c, vm, opt ? opt->stats_interval : -1);
	qmp_close(c);
	if (!vm->error)
		host_findings_evaluate(vm);
}

bool host_vm_has_feature(const struct host_vm *vm, bool guest, const char *name)
{
	char **f = guest ? vm->guest_features : vm->host_features;
	size_t n = guest ? vm->nguest_features : vm->nhost_features;
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], name) == 0)
			return true;
	return false;
}

bool host_vm_stats_present(const struct host_vm *vm)
{
	if (!vm->stats_read)
		return false;
	if (vm->last_update.known && vm->last_update.v > 0)
		return true;
	for (size_t i = 0; i < vm->nstats; i++)
		if (vm->stats[i].value.known)
			return true;
	return false;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void host_vm_free(struct host_vm *vm)
{
	free(vm->error);
	free(vm->qemu_version);
	free(vm->name);
	free(vm->run_state);
	free(vm->device_path);
	free(vm->device_type);
	free(vm->backend_path);
	for (size_t i = 0; i < vm->nvmem_devices; i++) {
		free(vm->vmem_devices[i].id);
		free(vm->vmem_devices[i].memdev);
	}
	free(vm->vmem_devices);
	free_strv(vm->host_features, vm->nhost_features);
	free_strv(vm->guest_features, vm->nguest_features);
	free(vm->host_unknown_bits);
	free(vm->guest_unknown_bits);
	for (size_t i = 0; i < vm->nstats; i++)
		free(vm->stats[i].name);
	free(vm->stats);
	free_strv(vm->configured_features, vm->nconfigured_features);
	free_strv(vm->notes, vm->nnotes);
	for (size_t i = 0; i < vm->nfindings; i++)
		free(vm->findings[i].message);
	free(vm->findings);
	memset(vm, 0, sizeof(*vm));
}
