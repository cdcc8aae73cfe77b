/* target: ask a VM's balloon for a new logical size over QMP, and with
 * --wait follow BALLOON_CHANGE until the guest gets there or time runs out. */
#include "host/target.h"
#include "host/client.h"
#include "host/floor.h"
#include "host/host.h"
#include "host/libvirt.h"
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

/* Close enough: guests balloon in pages, and QEMU rounds the target down to
 * whole 4 KiB pages. */
#define REACHED_SLACK (1024 * 1024)
/* In case an event is missed, ask this often. */
#define POLL_MS 1000
/* libvirt: no events followed; its balloon.current is cheap to ask (libvirt
 * keeps it from QEMU's BALLOON_CHANGE events). */
#define LIBVIRT_POLL_MS 200
/* At most one progress step per STEP_MS (it keeps the newest value of its
 * window), and at most MAX_STEPS (then the last one keeps moving): a QEMU
 * flooding BALLOON_CHANGE recorded 5.29 M steps, 5.5 GB, in 5 s. */
#define STEP_MS 100
#define MAX_STEPS 4096

struct progress {
	double t_s;
	uint64_t actual;
};

struct target_run {
	const char *who;
	uint64_t target, ram, start_actual, actual;
	bool ram_known, json;
	char *run_state;
	int running;
	struct progress *steps;
	size_t nsteps, cap;
	long long t0, step_opened; /* when the last step's window opened */
};

static bool reached(const struct target_run *r)
{
	uint64_t d = r->actual > r->target ? r->actual - r->target : r->target - r->actual;
	return d <= REACHED_SLACK;
}

static void record(struct target_run *r, uint64_t actual)
{
	char a[32], b[32];
	if (actual == r->actual)
		return;
	r->actual = actual;
	long long now = qmp_now_ms();
	double t = (double)(now - r->t0) / 1000.0;
	if (r->nsteps > 0 && (now - r->step_opened < STEP_MS || r->nsteps == MAX_STEPS)) {
		r->steps[r->nsteps - 1] = (struct progress){ t, actual };
		return; /* printed once per window, at its start */
	}
	r->step_opened = now;
	r->steps = xgrow(r->steps, &r->cap, r->nsteps + 1, sizeof(*r->steps));
	r->steps[r->nsteps++] = (struct progress){ t, actual };
	if (!r->json) {
		printf("  %6.1f s  actual %s", t, fmt_bytes(a, sizeof(a), actual));
		if (r->ram_known && r->ram >= actual)
			printf("  (balloon %s)", fmt_bytes(b, sizeof(b), r->ram - actual));
		printf("\n");
		fflush(stdout);
	}
}

static int query_actual(struct qmp_client *c, uint64_t *actual, struct qmp_error *e)
{
	struct json_object *ret;
	if (qmp_execute(c, "query-balloon", NULL, &ret, e) < 0)
		return -1;
	struct opt_u64 v = qmp_member_u64(ret, "actual");
	json_object_put(ret);
	if (!v.known) {
		qmp_error_clear(e);
		e->message = xstrdup("query-balloon: the reply has no \"actual\"");
		return -1;
	}
	*actual = v.v;
	return 0;
}

static void read_context(struct qmp_client *c, struct target_run *r)
{
	struct qmp_error e = { 0 };
	struct json_object *ret;
	if (qmp_execute(c, "query-status", NULL, &ret, &e) == 0) {
		const char *st = qmp_member_str(ret, "status");
		struct json_object *run;
		r->run_state = st ? xstrndup_printable(st, strlen(st)) : NULL; /* a hostile guest's text */
		if (json_object_object_get_ex(ret, "running", &run))
			r->running = json_object_get_boolean(run);
		json_object_put(ret);
	}
	qmp_error_clear(&e);
}

/* Follows the guest until it reaches the target or the deadline passes. */
static int follow(struct qmp_client *c, struct target_run *r, long long deadline, struct qmp_error *e)
{
	long long next_poll = qmp_now_ms() + POLL_MS;
	while (!reached(r) && qmp_ms_left(deadline) > 0) {
		long long until = next_poll < deadline ? next_poll : deadline;
		struct json_object *ev = NULL;
		int got = qmp_has_events(c) ? qmp_next_event(c, until, &ev, e) : 0;
		if (got < 0)
			return -1;
		if (got > 0) {
			struct json_object *data;
			const char *name = qmp_member_str(ev, "event");
			if (name && strcmp(name, "BALLOON_CHANGE") == 0 && json_object_object_get_ex(ev, "data", &data)) {
				struct opt_u64 a = qmp_member_u64(data, "actual");
				if (a.known)
					record(r, a.v);
			}
			json_object_put(ev);
			continue;
		}
		if (!qmp_has_events(c)) {
			int left = qmp_ms_left(until);
			struct timespec ts = { left / 1000, (left % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (qmp_now_ms() >= next_poll && qmp_ms_left(deadline) > 0) {
			uint64_t a;
			if (query_actual(c, &a, e) < 0)
				return -1;
			record(r, a);
			next_poll = qmp_now_ms() + POLL_MS;
		}
	}
	/* One last look: the final event may be rate-limited away. Not when a
	 * poll just answered after the deadline: the run ends within --wait
	 * plus one call's timeout. */
	if (!reached(r) && next_poll - POLL_MS < deadline) {
		uint64_t a;
		if (query_actual(c, &a, e) == 0)
			record(r, a);
		qmp_error_clear(e);
	}
	return 0;
}

/* Refuses (true, after saying why) a shrink below the safe floor: the
 * balloon would take memory the guest uses. Growing is always allowed. */
static bool below_floor(const struct target_request *req, const struct target_run *r, const struct host_vm *vm)
{
	char t[32], fl[32], u[32], m[32], ram[32];
	struct safe_floor f;
	if (req->force || !vm->has_balloon || r->target >= r->start_actual)
		return false;
	if (!host_safe_floor(vm, &f)) {
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing %s: neither the VM's RAM nor the guest's statistics are known, "
			    "so no safe floor can be told",
			    r->who, fmt_bytes(t, sizeof(t), r->target));
		return true;
	}
	if (r->target >= f.floor)
		return false;
	fmt_bytes(t, sizeof(t), r->target);
	fmt_bytes(fl, sizeof(fl), f.floor);
	if (f.from_stats)
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing %s: below the safe floor of %s (the guest uses %s: total_memory %llu - "
			    "available_memory %llu bytes, plus a margin of %s)",
			    r->who, t, fl, fmt_bytes(u, sizeof(u), f.used), (unsigned long long)f.total,
			    (unsigned long long)f.available, fmt_bytes(m, sizeof(m), f.margin));
	else
		vb_err_hint("give --force to set it anyway",
			    "target: %s: refusing %s: below the safe floor of %s (%d%% of RAM %s: the guest reports no "
			    "memory statistics)",
			    r->who, t, fl, FLOOR_NO_STATS_PCT, fmt_bytes(ram, sizeof(ram), f.ram));
	return true;
}

static void print_json(const struct target_run *r, bool waited, double wait_s, int exit_code)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "vm", json_object_new_string(r->who));
	json_object_object_add(o, "run_state", r->run_state ? json_object_new_string(r->run_state) : NULL);
	json_object_object_add(o, "ram_bytes", r->ram_known ? json_object_new_uint64(r->ram) : NULL);
	json_object_object_add(o, "requested_bytes", json_object_new_uint64(r->target));
	json_object_object_add(o, "start_actual_bytes", json_object_new_uint64(r->start_actual));
	json_object_object_add(o, "actual_bytes", json_object_new_uint64(r->actual));
	json_object_object_add(o, "balloon_bytes",
			       r->ram_known && r->ram >= r->actual ? json_object_new_uint64(r->ram - r->actual) : NULL);
	json_object_object_add(o, "waited", json_object_new_boolean(waited));
	json_object_object_add(o, "wait_s", waited ? json_object_new_double(wait_s) : NULL);
	json_object_object_add(o, "reached", waited ? json_object_new_boolean(exit_code == VB_EXIT_OK) : NULL);
	struct json_object *steps = json_object_new_array();
	for (size_t i = 0; i < r->nsteps; i++) {
		struct json_object *s = json_object_new_object();
		json_object_object_add(s, "t_s", json_object_new_double(r->steps[i].t_s));
		json_object_object_add(s, "actual_bytes", json_object_new_uint64(r->steps[i].actual));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "progress", steps);
	json_write(stdout, o);
	json_object_put(o);
}

/* How far it got, in words. */
static void print_outcome(const struct target_run *r, bool waited, int code)
{
	char a[32], t[32], s[32];
	fmt_bytes(a, sizeof(a), r->actual);
	fmt_bytes(t, sizeof(t), r->target);
	if (!waited) {
		term_printf(stdout, "%s: requested logical size %s (actual now %s); the guest follows in its own time\n",
			    r->who, t, a);
		return;
	}
	if (code == VB_EXIT_OK) {
		term_printf(stdout, "%s: reached %s (actual %s)\n", r->who, t, a);
		return;
	}
	uint64_t want = r->target > r->start_actual ? r->target - r->start_actual : r->start_actual - r->target;
	uint64_t done = 0;
	if ((r->target < r->start_actual && r->actual < r->start_actual) ||
	    (r->target > r->start_actual && r->actual > r->start_actual))
		done = r->actual > r->start_actual ? r->actual - r->start_actual : r->start_actual - r->actual;
	term_printf(stdout, "%s: did not reach %s in time: actual %s (started at %s), %.0f%% of the way\n", r->who, t, a,
		    fmt_bytes(s, sizeof(s), r->start_actual), want ? 100.0 * (double)done / (double)want : 0.0);
}

static void say_not_running(const struct target_run *r)
{
	/* Said with or without --wait: the request stays pending until it runs. */
	if (r->running == 0 && !r->json)
		term_printf(stdout, "%s: the VM is not running (%s): the guest cannot move the balloon until it runs\n",
			    r->who, r->run_state ? r->run_state : "state unknown");
}

static void say_waiting(const struct target_run *r, double wait_s)
{
	char a[32], t[32];
	if (r->json)
		return;
	term_printf(stdout, "%s: waiting up to %g s for actual %s -> %s\n", r->who, wait_s,
		    fmt_bytes(a, sizeof(a), r->start_actual), fmt_bytes(t, sizeof(t), r->target));
	fflush(stdout);
}

/* target --libvirt: the same rules, through virDomainSetMemoryFlags. */
static int target_libvirt(const struct target_request *req, struct target_run *r)
{
	char *err = NULL;
	struct host_target *t;
	struct host_vm *vms;
	size_t n;
	int code = VB_EXIT_FAILURE;
	struct host_libvirt *lv = host_libvirt_open_domain(req->connect_uri, req->domain, &t, &vms, &n);
	if (!lv)
		return code;
	struct host_vm *vm = &vms[0];
	if (vm->nvmem_devices && (!vm->virtio_mem.known || vm->virtio_mem.v)) {
		/* libvirt's balloon.current and its memory size count what
		 * virtio-mem plugged: sent or read through libvirt, a balloon size
		 * would be off by that much (and --wait never see it arrive) */
		char b[32];
		vb_err_hint("resize the virtio-mem device (--virtio-mem ID SIZE), or the balloon with --qmp",
			    "target: %s: virtio-mem has %s plugged, which libvirt counts in the balloon's sizes: not "
			    "sent",
			    r->who, vm->virtio_mem.known ? fmt_bytes(b, sizeof(b), vm->virtio_mem.v) : "an unknown amount");
		goto out;
	}
	if (!vm->has_balloon) {
		vb_err_hint("add <memballoon model='virtio'/> to the domain", "target: %s: no balloon device (%s)", r->who,
			    vm->no_balloon_device ? "memballoon model='none'" : "not in the domain XML");
		code = VB_EXIT_NO_BALLOON;
		goto out;
	}
	if (!vm->actual.known) {
		vb_err("target: %s: libvirt did not say the balloon's size", r->who);
		goto out;
	}
	r->ram_known = vm->balloon_ram.known;
	r->ram = vm->balloon_ram.v;
	r->run_state = vm->run_state ? xstrdup(vm->run_state) : NULL;
	r->running = vm->running;
	r->start_actual = r->actual = vm->actual.v;
	if (below_floor(req, r, vm)) {
		code = VB_EXIT_REFUSED;
		goto out;
	}
	say_not_running(r);
	uint64_t send = r->target;
	if (r->ram_known && r->target > r->ram) {
		char b[32];
		/* libvirt refuses more than the maximum; QEMU would deflate fully: do that. */
		vb_err("target: %s is more than the VM's RAM (%s): QEMU deflates the balloon fully instead",
		       req->size_text, fmt_bytes(b, sizeof(b), r->ram));
		send = r->ram;
	}
	if (!host_libvirt_set_size(lv, req->domain, send, &err)) {
		vb_err("target: %s: %s", r->who, err);
		goto out;
	}
	if (req->wait_s >= 0) {
		say_waiting(r, req->wait_s);
		r->t0 = qmp_now_ms();
		long long deadline = qmp_deadline_after(req->wait_s);
		uint64_t a;
		while (!reached(r) && qmp_ms_left(deadline) > 0) {
			int left = qmp_ms_left(deadline);
			int ms = left < LIBVIRT_POLL_MS ? left : LIBVIRT_POLL_MS;
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			if (!host_libvirt_actual(lv, req->domain, &a, &err)) {
				vb_err("target: %s: %s", r->who, err);
				goto out;
			}
			record(r, a);
		}
		code = reached(r) ? VB_EXIT_OK : VB_EXIT_NOT_REACHED;
	} else {
		code = VB_EXIT_OK;
	}
	if (req->json)
		print_json(r, req->wait_s >= 0, req->wait_s, code);
	else
		print_outcome(r, req->wait_s >= 0, code);
out:
	free(err);
	host_libvirt_close_domain(lv, t, vms, n);
	return code;
}

int host_target(const struct target_request *req)
{
	struct target_run r = { .who = req->qmp ? req->qmp : req->domain, .running = -1, .json = req->json,
				.target = req->target };
	static const char *const events[] = { "BALLOON_CHANGE", NULL }; /* the only one followed */
	struct qmp_options qo = { .timeout_s = req->timeout_s, .events = events };
	struct qmp_error e = { 0 };
	/* What status --qmp sees (RAM, the guest's statistics) decides the floor. */
	struct host_target ht = { .address = (char *)req->qmp };
	struct host_collect_options co = { .timeout_s = req->timeout_s, .stats_interval = -1 };
	struct host_vm vm;
	struct qmp_client *cl = NULL;
	int code = VB_EXIT_FAILURE;
	if (req->domain) {
		code = target_libvirt(req, &r);
		free(r.steps);
		free(r.run_state);
		return code;
	}
	host_collect_one(&ht, &co, &vm);
	if (vm.error) {
		e.message = vm.error;
		e.hint = vm.error_hint;
		vm.error = NULL;
		goto fail;
	}
	/* The RAM QEMU's balloon counts from: virtio-mem memory is not in it. */
	r.ram_known = vm.balloon_ram.known;
	r.ram = vm.balloon_ram.v;
	cl = qmp_connect(req->qmp, &qo, &e);
	if (!cl)
		goto fail;
	read_context(cl, &r);
	if (query_actual(cl, &r.start_actual, &e) < 0)
		goto fail;
	r.actual = r.start_actual;
	if (below_floor(req, &r, &vm)) {
		code = VB_EXIT_REFUSED;
		goto out;
	}
	say_not_running(&r);
	if (r.ram_known && r.target > r.ram) {
		char b[32];
		vb_err("target: %s is more than the VM's RAM (%s): QEMU deflates the balloon fully instead",
		       req->size_text, fmt_bytes(b, sizeof(b), r.ram));
	}
	struct json_object *args = json_object_new_object();
	json_object_object_add(args, "value", json_object_new_int64((int64_t)r.target));
	if (qmp_execute(cl, "balloon", args, NULL, &e) < 0)
		goto fail;
	if (req->wait_s < 0) {
		code = VB_EXIT_OK;
	} else {
		say_waiting(&r, req->wait_s);
		r.t0 = qmp_now_ms();
		if (follow(cl, &r, qmp_deadline_after(req->wait_s), &e) < 0)
			goto fail;
		code = reached(&r) ? VB_EXIT_OK : VB_EXIT_NOT_REACHED;
	}
	if (req->json)
		print_json(&r, req->wait_s >= 0, req->wait_s, code);
	else
		print_outcome(&r, req->wait_s >= 0, code);
out:
	qmp_close(cl);
	host_vm_free(&vm);
	free(r.steps);
	free(r.run_state);
	return code;
fail:
	if (e.class && strcmp(e.class, "DeviceNotActive") == 0) {
		vb_err_hint("add -device virtio-balloon-pci,id=balloon0 (libvirt: <memballoon model='virtio'/>)",
			    "target: %s: no balloon device (%s)", r.who, e.message);
		code = VB_EXIT_NO_BALLOON;
	} else if (e.hint) {
		vb_err_hint(e.hint, "target: %s: %s", r.who, e.message ? e.message : "failed");
	} else {
		vb_err("target: %s: %s", r.who, e.message ? e.message : "failed");
	}
	qmp_error_clear(&e);
	qmp_close(cl);
	host_vm_free(&vm);
	free(r.steps);
	free(r.run_state);
	return code;
}
