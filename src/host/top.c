/* top for a host: the VMs' balloons side by side, asked again every
 * interval (QMP: one connection per VM per frame; libvirt: one statistics
 * call per frame). What moved between two frames goes to the event log.
 * Each frame is built once, as the JSON object `-b --json` prints; batch
 * text and the live screen (src/top/hostframe.c, through cmd_top.c) are
 * drawn from it, so they never disagree. */
#include "host/top.h"
#include "host/host.h"
#include "host/libvirt.h"
#include "host/size.h"
#include "host/values.h"
#include "host/view.h"
#include "base/exit_codes.h"
#include "base/format.h"
#include "base/term.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A virtio-mem device as the previous frame saw it. */
struct seen_vmem {
	char *id;
	struct opt_u64 size, requested;
};

/* What the previous frame saw of one VM, to tell changes. */
struct seen {
	char *key; /* socket or domain */
	char *name; /* the last name the VM answered with, or NULL */
	bool ok;
	struct opt_u64 actual;
	double t;
	struct seen_vmem *vmem;
	size_t nvmem;
};

struct host_top {
	struct host_top_options o;
	struct host_target *targets; /* QMP: expanded once; libvirt: per frame */
	size_t ntargets;
	struct host_libvirt *lv;
	struct seen *prev;
	size_t nprev;
	uint64_t frames;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *key_of(const struct host_vm *vm)
{
	return vm->target->domain ? vm->target->domain : vm->target->address;
}

static struct opt_u64 stat_of(const struct host_vm *vm, const char *name)
{
	if (!host_vm_stats_present(vm))
		return OPT_U64_UNKNOWN;
	for (size_t i = 0; i < vm->nstats; i++)
		if (strcmp(vm->stats[i].name, name) == 0)
			return vm->stats[i].value;
	return OPT_U64_UNKNOWN;
}

static double pct_of(const struct host_vm *vm)
{
	return vm->balloon.known && vm->ram.known && vm->ram.v ? 100.0 * (double)vm->balloon.v / (double)vm->ram.v : -1;
}

/* --- the order of the rows, on the JSON frame (batch and screen alike) --- */

static const char *sort_key;

static const char *row_name(struct json_object *v)
{
	const char *s = qmp_member_str(v, "name");
	if (!s)
		s = qmp_member_str(v, "domain");
	if (!s)
		s = qmp_member_str(v, "socket");
	return s ? s : "";
}

static double row_pct(struct json_object *v)
{
	struct json_object *p;
	if (!json_object_object_get_ex(v, "balloon_pct", &p) ||
	    !(json_object_is_type(p, json_type_double) || json_object_is_type(p, json_type_int)))
		return -1;
	return json_object_get_double(p);
}

static int cmp_row(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
	if (strcmp(sort_key, "balloon") == 0 || strcmp(sort_key, "available") == 0) {
		const char *k = sort_key[0] == 'b' ? "balloon_bytes" : "available_memory_bytes";
		struct opt_u64 vx = qmp_member_u64(x, k), vy = qmp_member_u64(y, k);
		if (vx.known != vy.known)
			return vx.known ? -1 : 1;
		if (vx.known && vx.v != vy.v) /* balloon: largest first; available: smallest first */
			return (vx.v > vy.v) == (sort_key[0] == 'b') ? -1 : 1;
	} else if (strcmp(sort_key, "pct") == 0) {
		double px = row_pct(x), py = row_pct(y);
		if (px != py)
			return px > py ? -1 : 1;
	}
	int c = strverscmp(row_name(x), row_name(y));
	if (c)
		return c;
	/* two VMs of one name: by socket or domain, so the order is stable */
	const char *sx = qmp_member_str(x, "socket"), *sy = qmp_member_str(y, "socket");
	return strcmp(sx ? sx : "", sy ? sy : "");
}

bool host_top_sort_key_valid(const char *key)
{
	static const char *const keys[] = HOST_TOP_SORT_KEYS;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

void host_top_sort(struct json_object *frame, const char *key)
{
	struct json_object *vms;
	if (!json_object_object_get_ex(frame, "vms", &vms) || !json_object_is_type(vms, json_type_array))
		return;
	sort_key = key && host_top_sort_key_valid(key) ? key : "name";
	json_object_array_sort(vms, cmp_row);
}

/* --- one frame --- */

static bool collect(struct host_top *s, struct host_vm **vms, size_t *n, char **err)
{
	if (s->o.libvirt) {
		if (s->targets)
			host_targets_free(s->targets, s->ntargets);
		s->targets = NULL;
		s->ntargets = 0;
		bool ok = host_libvirt_collect(s->lv, s->o.domains, (size_t)(s->o.ndomains > 0 ? s->o.ndomains : 0), -1,
					       &s->targets, vms, n, err);
		s->ntargets = ok ? *n : 0;
		return ok;
	}
	struct host_collect_options co = { .timeout_s = s->o.timeout_s, .stats_interval = -1 };
	*n = s->ntargets;
	*vms = xcalloc(*n ? *n : 1, sizeof(**vms));
	host_collect(s->targets, *n, &co, *vms);
	return true;
}

static struct seen *find_seen(struct seen *s, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].key, key) == 0)
			return &s[i];
	return NULL;
}

static void seen_free(struct seen *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].key);
		free(s[i].name);
		for (size_t k = 0; k < s[i].nvmem; k++)
			free(s[i].vmem[k].id);
		free(s[i].vmem);
	}
	free(s);
}

static struct json_object *event_new(struct json_object *evs, const char *vm, const char *what)
{
	struct json_object *e = json_object_new_object();
	json_object_object_add(e, "vm", json_str_or_null(vm));
	json_object_object_add(e, "event", json_object_new_string(what));
	json_object_array_add(evs, e);
	return e;
}

/* A device without an id (QEMU allows it) cannot be told apart from the
 * others between frames: it is shown, never followed. */
static void vmem_events(struct json_object *evs, const char *vm, const struct seen *p, const struct host_vm *cur)
{
	for (size_t i = 0; i < cur->nvmem_devices; i++) {
		const struct host_virtio_mem *d = &cur->vmem_devices[i];
		for (size_t k = 0; d->id && k < p->nvmem; k++) {
			const struct seen_vmem *o = &p->vmem[k];
			if (!o->id || strcmp(o->id, d->id) != 0)
				continue;
			if (o->size.known == d->size.known && o->size.v == d->size.v &&
			    o->requested.known == d->requested_size.known && o->requested.v == d->requested_size.v)
				break;
			struct json_object *e = event_new(evs, vm, "virtio-mem");
			json_object_object_add(e, "device", json_str_or_null(d->id));
			json_object_object_add(e, "from_size_bytes", json_opt_u64(o->size));
			json_object_object_add(e, "to_size_bytes", json_opt_u64(d->size));
			json_object_object_add(e, "from_requested_size_bytes", json_opt_u64(o->requested));
			json_object_object_add(e, "to_requested_size_bytes", json_opt_u64(d->requested_size));
			break;
		}
	}
}

static struct json_object *vm_json(const struct host_vm *vm, const char *name, double rate)
{
	struct json_object *v = json_object_new_object();
	json_object_object_add(v, "socket", json_str_or_null(vm->target->address));
	json_object_object_add(v, "domain", json_str_or_null(vm->target->domain));
	json_object_object_add(v, "name", json_str_or_null(name));
	json_object_object_add(v, "error", json_str_or_null(vm->error));
	json_object_object_add(v, "run_state", json_str_or_null(vm->run_state));
	json_object_object_add(v, "ram_bytes", json_opt_u64(vm->ram));
	json_object_object_add(v, "balloon_device", vm->error ? NULL : json_object_new_boolean(vm->has_balloon));
	json_object_object_add(v, "balloon_bytes", json_opt_u64(vm->balloon));
	json_object_object_add(v, "balloon_pct", pct_of(vm) >= 0 ? json_object_new_double(pct_of(vm)) : NULL);
	json_object_object_add(v, "actual_bytes", json_opt_u64(vm->actual));
	json_object_object_add(v, "actual_rate_bytes_per_s", json_object_new_double(rate));
	json_object_object_add(v, "stats_age_s", json_opt_u64(vm->stats_age_s));
	json_object_object_add(v, "free_memory_bytes", json_opt_u64(stat_of(vm, "free_memory")));
	json_object_object_add(v, "available_memory_bytes", json_opt_u64(stat_of(vm, "available_memory")));
	json_object_object_add(v, "oom_kills", json_opt_u64(stat_of(vm, "oom_kills")));
	json_object_object_add(v, "findings", json_object_new_int((int)vm->nfindings));
	/* every statistic the guest reported, by vbtool's name (as status
	 * --json's "stats"): the tags of newer kernels show up here */
	struct json_object *stats = NULL;
	if (host_vm_stats_present(vm)) {
		stats = json_object_new_object();
		for (size_t i = 0; i < vm->nstats; i++)
			json_object_object_add(stats, vm->stats[i].name, json_opt_u64(vm->stats[i].value));
	}
	json_object_object_add(v, "stats", stats);
	json_object_object_add(v, "virtio_mem_devices", host_view_vmem_json(vm));
	return v;
}

struct host_top *host_top_open(const struct host_top_options *o)
{
	struct host_top *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	char *err = NULL;
	if (o->libvirt) {
		s->lv = host_libvirt_open(o->connect_uri, false, &err);
		if (!s->lv) {
			vb_err_hint(strcmp(err, HOST_LIBVIRT_MISSING) == 0 ? HOST_LIBVIRT_MISSING_HINT : NULL, "top --libvirt: %s",
				    err);
			free(err);
			free(s);
			return NULL;
		}
	} else if (!host_targets_expand(o->sockets, (size_t)(o->nsockets > 0 ? o->nsockets : 0), o->sockets_natural,
					&s->targets, &s->ntargets)) {
		free(s);
		return NULL;
	}
	return s;
}

void host_top_close(struct host_top *s)
{
	if (!s)
		return;
	seen_free(s->prev, s->nprev);
	host_targets_free(s->targets, s->ntargets);
	host_libvirt_close(s->lv);
	free(s);
}

struct json_object *host_top_frame(struct host_top *s, const char *sort, char **err)
{
	struct host_vm *vms = NULL;
	size_t n = 0;
	double t = now_s();
	if (!collect(s, &vms, &n, err))
		return NULL;
	bool first = s->frames++ == 0;
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array(),
			   *evs = json_object_new_array();
	json_object_object_add(o, "time", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "interval_s", json_object_new_double(s->o.interval_s));
	struct seen *cur = xcalloc(n ? n : 1, sizeof(*cur));
	for (size_t i = 0; i < n; i++) {
		const struct host_vm *vm = &vms[i];
		double rate = 0;
		cur[i] = (struct seen){ .key = xstrdup(key_of(vm)), .ok = !vm->error, .actual = vm->actual, .t = t };
		cur[i].vmem = xcalloc(vm->nvmem_devices ? vm->nvmem_devices : 1, sizeof(*cur[i].vmem));
		for (size_t k = 0; k < vm->nvmem_devices; k++)
			cur[i].vmem[cur[i].nvmem++] = (struct seen_vmem){ vm->vmem_devices[k].id ? xstrdup(vm->vmem_devices[k].id) : NULL,
									  vm->vmem_devices[k].size,
									  vm->vmem_devices[k].requested_size };
		struct seen *p = first ? NULL : find_seen(s->prev, s->nprev, cur[i].key);
		/* a VM that no longer answers (QEMU gone) keeps the name it had */
		const char *name = vm->name ? vm->name : vm->error && p ? p->name : NULL;
		cur[i].name = name ? xstrdup(name) : NULL;
		if (!first && (!p || !p->ok) && !vm->error)
			event_new(evs, key_of(vm), "start");
		else if (p && p->ok && vm->error)
			event_new(evs, key_of(vm), "stop");
		if (p && p->ok && !vm->error && p->actual.known && vm->actual.known && p->actual.v != vm->actual.v) {
			rate = ((double)vm->actual.v - (double)p->actual.v) / (t - p->t > 0 ? t - p->t : 1);
			struct json_object *e = event_new(evs, key_of(vm), "balloon");
			json_object_object_add(e, "from_actual_bytes", json_opt_u64(p->actual));
			json_object_object_add(e, "to_actual_bytes", json_opt_u64(vm->actual));
		}
		if (p && p->ok && !vm->error)
			vmem_events(evs, key_of(vm), p, vm);
		json_object_array_add(arr, vm_json(vm, cur[i].name, rate));
	}
	for (size_t i = 0; !first && i < s->nprev; i++) /* gone from the list (libvirt: stopped) */
		if (s->prev[i].ok && !find_seen(cur, n, s->prev[i].key))
			event_new(evs, s->prev[i].key, "stop");
	json_object_object_add(o, "vms", arr);
	json_object_object_add(o, "events", evs);
	seen_free(s->prev, s->nprev);
	s->prev = cur;
	s->nprev = n;
	for (size_t i = 0; i < n; i++)
		host_vm_free(&vms[i]);
	free(vms);
	host_top_sort(o, sort);
	return o;
}

/* --- batch text, from the JSON frame --- */

static const char *bytes_or_dash(char *buf, size_t len, struct json_object *o, const char *key)
{
	struct opt_u64 v = qmp_member_u64(o, key);
	return v.known ? fmt_bytes(buf, len, v.v) : "-";
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static void text_event(FILE *out, struct json_object *e)
{
	char a[32], b[32], c[32], d[32];
	const char *vm = qmp_member_str(e, "vm") ? qmp_member_str(e, "vm") : "?";
	const char *what = qmp_member_str(e, "event") ? qmp_member_str(e, "event") : "?";
	if (strcmp(what, "balloon") == 0)
		fprintf(out, "  event: %s: actual %s -> %s\n", vm, bytes_or_dash(a, sizeof(a), e, "from_actual_bytes"),
			bytes_or_dash(b, sizeof(b), e, "to_actual_bytes"));
	else if (strcmp(what, "virtio-mem") == 0)
		fprintf(out, "  event: %s: virtio-mem %s: size %s -> %s, requested %s -> %s\n", vm,
			qmp_member_str(e, "device") ? qmp_member_str(e, "device") : "?",
			bytes_or_dash(a, sizeof(a), e, "from_size_bytes"), bytes_or_dash(b, sizeof(b), e, "to_size_bytes"),
			bytes_or_dash(c, sizeof(c), e, "from_requested_size_bytes"),
			bytes_or_dash(d, sizeof(d), e, "to_requested_size_bytes"));
	else
		fprintf(out, "  event: %s: %s\n", vm, strcmp(what, "start") == 0 ? "started" : "stopped");
}

static void text_frame(FILE *out, struct json_object *f)
{
	char t[16], b[4][32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(t, sizeof(t), "%H:%M:%S", localtime_r(&now, &tm));
	struct json_object *vms = member(f, "vms"), *evs = member(f, "events");
	size_t n = json_object_array_length(vms);
	fprintf(out, "vbtool top %s  %zu VM%s\n", t, n, n == 1 ? "" : "s");
	fprintf(out, "%-20s %-10s %10s %10s %6s %11s %6s %10s %10s %4s %4s\n", "VM", "STATE", "RAM", "BALLOON", "%",
		"RATE/s", "AGE", "FREE", "AVAIL", "OOM", "FIND");
	for (size_t i = 0; i < n; i++) {
		struct json_object *vm = json_object_array_get_idx(vms, i);
		const char *name = row_name(vm);
		if (qmp_member_str(vm, "error")) {
			fprintf(out, "%-20.20s error: %s\n", name, qmp_member_str(vm, "error"));
			continue;
		}
		char pct[16] = "-", rt[32] = "-", age[16] = "-", oom[24] = "-";
		if (row_pct(vm) >= 0)
			snprintf(pct, sizeof(pct), "%.1f", row_pct(vm));
		struct json_object *r = member(vm, "actual_rate_bytes_per_s");
		double rate = r ? json_object_get_double(r) : 0;
		if (rate != 0) {
			fmt_bytes(rt + 1, sizeof(rt) - 1, (uint64_t)(rate < 0 ? -rate : rate));
			rt[0] = rate < 0 ? '-' : '+'; /* the guest's actual: down is the balloon inflating */
		}
		struct opt_u64 v = qmp_member_u64(vm, "stats_age_s");
		if (v.known)
			snprintf(age, sizeof(age), "%llus", (unsigned long long)v.v);
		v = qmp_member_u64(vm, "oom_kills");
		if (v.known)
			snprintf(oom, sizeof(oom), "%llu", (unsigned long long)v.v);
		struct json_object *has = member(vm, "balloon_device");
		fprintf(out, "%-20.20s %-10.10s %10s %10s %6s %11s %6s %10s %10s %4s %4llu\n", name,
			qmp_member_str(vm, "run_state") ? qmp_member_str(vm, "run_state") : "-",
			bytes_or_dash(b[0], sizeof(b[0]), vm, "ram_bytes"),
			has && json_object_get_boolean(has) ? bytes_or_dash(b[1], sizeof(b[1]), vm, "balloon_bytes") : "none",
			pct, rt, age, bytes_or_dash(b[2], sizeof(b[2]), vm, "free_memory_bytes"),
			bytes_or_dash(b[3], sizeof(b[3]), vm, "available_memory_bytes"), oom,
			(unsigned long long)qmp_member_u64(vm, "findings").v);
		struct json_object *vmem = member(vm, "virtio_mem_devices");
		for (size_t k = 0; vmem && k < json_object_array_length(vmem); k++) {
			struct json_object *d = json_object_array_get_idx(vmem, k);
			fprintf(out, "  virtio-mem %s: %s of %s requested\n", qmp_member_str(d, "id") ? qmp_member_str(d, "id") : "-",
				bytes_or_dash(b[0], sizeof(b[0]), d, "size_bytes"),
				bytes_or_dash(b[1], sizeof(b[1]), d, "requested_size_bytes"));
		}
	}
	for (size_t i = 0; evs && i < json_object_array_length(evs); i++)
		text_event(out, json_object_array_get_idx(evs, i));
	fputc('\n', out);
}

static void sleep_s(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0)
		;
}

int host_top_run(const struct host_top_options *o)
{
	struct host_top *s = host_top_open(o);
	if (!s)
		return VB_EXIT_FAILURE;
	int code = VB_EXIT_OK;
	for (uint64_t it = 0; o->iterations == 0 || it < o->iterations; it++) {
		if (it)
			sleep_s(o->interval_s);
		char *err = NULL;
		struct json_object *f = host_top_frame(s, o->sort, &err);
		if (!f) {
			vb_err("top --libvirt: %s", err);
			free(err);
			code = VB_EXIT_FAILURE;
			break;
		}
		if (o->json) {
			puts(json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN));
		} else {
			struct term_view tv;
			FILE *out = term_view_begin(&tv, stdout); /* names and errors come from guests */
			text_frame(out, f);
			term_view_end(&tv);
		}
		json_object_put(f);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			vb_err("top: writing failed");
			code = VB_EXIT_FAILURE;
			break;
		}
	}
	host_top_close(s);
	return code;
}
