/* top for a host: the VMs' balloons side by side, asked again every
 * interval (QMP: one connection per VM per frame; libvirt: one statistics
 * call per frame). What moved between two frames goes to the event log. */
#include "host/top.h"
#include "host/host.h"
#include "host/libvirt.h"
#include "host/size.h"
#include "base/exit_codes.h"
#include "base/format.h"
#include "base/term.h"
#include "base/util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the previous frame saw of one VM, to tell changes. */
struct seen {
	char *key; /* socket or domain */
	bool ok;
	struct opt_u64 actual;
	double t;
};

struct frame {
	struct host_target *targets; /* QMP: expanded once; libvirt: per frame */
	struct host_vm *vms;
	size_t n;
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

static const char *sort_key;

static int cmp_vm(const void *a, const void *b)
{
	const struct host_vm *x = a, *y = b;
	if (strcmp(sort_key, "balloon") == 0 || strcmp(sort_key, "available") == 0) {
		struct opt_u64 vx = sort_key[0] == 'b' ? x->balloon : stat_of(x, "available_memory");
		struct opt_u64 vy = sort_key[0] == 'b' ? y->balloon : stat_of(y, "available_memory");
		if (vx.known != vy.known)
			return vx.known ? -1 : 1;
		if (vx.known && vx.v != vy.v) /* balloon: largest first; available: smallest first */
			return (vx.v > vy.v) == (sort_key[0] == 'b') ? -1 : 1;
	} else if (strcmp(sort_key, "pct") == 0) {
		double px = pct_of(x), py = pct_of(y);
		if (px != py)
			return px > py ? -1 : 1;
	}
	const char *nx = x->name ? x->name : key_of(x), *ny = y->name ? y->name : key_of(y);
	return strverscmp(nx, ny);
}

static bool collect(const struct host_top_options *o, struct host_libvirt *lv, struct frame *f, char **err)
{
	if (o->libvirt) {
		if (f->targets)
			host_targets_free(f->targets, f->n);
		f->targets = NULL;
		return host_libvirt_collect(lv, o->domains, (size_t)(o->ndomains > 0 ? o->ndomains : 0), -1,
					    &f->targets, &f->vms, &f->n, err);
	}
	struct host_collect_options co = { .timeout_s = o->timeout_s, .stats_interval = -1 };
	f->vms = xcalloc(f->n ? f->n : 1, sizeof(*f->vms));
	host_collect(f->targets, f->n, &co, f->vms);
	return true;
}

static struct seen *find_seen(struct seen *s, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].key, key) == 0)
			return &s[i];
	return NULL;
}

struct event {
	const char *vm;
	const char *what; /* "start", "stop", "balloon" */
	struct opt_u64 from, to;
};

static void add_event(struct event **ev, size_t *n, size_t *cap, struct event e)
{
	*ev = xgrow(*ev, cap, *n + 1, sizeof(**ev));
	(*ev)[(*n)++] = e;
}

static const char *bytes_or_dash(char *buf, size_t len, struct opt_u64 v)
{
	return v.known ? fmt_bytes(buf, len, v.v) : "-";
}

static void text_frame(FILE *out, const struct frame *f, const double *rate, const struct event *ev, size_t nev)
{
	char t[16], b[6][32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(t, sizeof(t), "%H:%M:%S", localtime_r(&now, &tm));
	fprintf(out, "vbtool top %s  %zu VM%s\n", t, f->n, f->n == 1 ? "" : "s");
	fprintf(out, "%-20s %-10s %10s %10s %6s %11s %6s %10s %10s %4s %4s\n", "VM", "STATE", "RAM", "BALLOON", "%",
		"RATE/s", "AGE", "FREE", "AVAIL", "OOM", "FIND");
	for (size_t i = 0; i < f->n; i++) {
		const struct host_vm *vm = &f->vms[i];
		const char *name = vm->name ? vm->name : key_of(vm);
		if (vm->error) {
			fprintf(out, "%-20.20s error: %s\n", name, vm->error);
			continue;
		}
		char pct[16] = "-", rt[32] = "-", age[16] = "-", oom[24] = "-";
		if (pct_of(vm) >= 0)
			snprintf(pct, sizeof(pct), "%.1f", pct_of(vm));
		if (rate[i] != 0) {
			fmt_bytes(rt + 1, sizeof(rt) - 1, (uint64_t)(rate[i] < 0 ? -rate[i] : rate[i]));
			rt[0] = rate[i] < 0 ? '-' : '+'; /* the guest's actual: down is the balloon inflating */
		}
		if (vm->stats_age_s.known)
			snprintf(age, sizeof(age), "%llus", (unsigned long long)vm->stats_age_s.v);
		struct opt_u64 k = stat_of(vm, "oom_kills");
		if (k.known)
			snprintf(oom, sizeof(oom), "%llu", (unsigned long long)k.v);
		fprintf(out, "%-20.20s %-10.10s %10s %10s %6s %11s %6s %10s %10s %4s %4zu\n", name,
			vm->run_state ? vm->run_state : "-", bytes_or_dash(b[0], sizeof(b[0]), vm->ram),
			vm->has_balloon ? bytes_or_dash(b[1], sizeof(b[1]), vm->balloon) : "none", pct, rt, age,
			bytes_or_dash(b[2], sizeof(b[2]), stat_of(vm, "free_memory")),
			bytes_or_dash(b[3], sizeof(b[3]), stat_of(vm, "available_memory")), oom, vm->nfindings);
	}
	for (size_t i = 0; i < nev; i++) {
		if (strcmp(ev[i].what, "balloon") == 0)
			fprintf(out, "  event: %s: actual %s -> %s\n", ev[i].vm, bytes_or_dash(b[4], sizeof(b[4]), ev[i].from),
				bytes_or_dash(b[5], sizeof(b[5]), ev[i].to));
		else
			fprintf(out, "  event: %s: %s\n", ev[i].vm, strcmp(ev[i].what, "start") == 0 ? "started" : "stopped");
	}
	fputc('\n', out);
}

static struct json_object *json_frame(const struct frame *f, const double *rate, const struct event *ev, size_t nev)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	json_object_object_add(o, "time", json_object_new_int64((int64_t)time(NULL)));
	for (size_t i = 0; i < f->n; i++) {
		const struct host_vm *vm = &f->vms[i];
		struct json_object *v = json_object_new_object();
		json_object_object_add(v, "socket", json_str_or_null(vm->target->address));
		json_object_object_add(v, "domain", json_str_or_null(vm->target->domain));
		json_object_object_add(v, "name", json_str_or_null(vm->name));
		json_object_object_add(v, "error", json_str_or_null(vm->error));
		json_object_object_add(v, "run_state", json_str_or_null(vm->run_state));
		json_object_object_add(v, "ram_bytes", json_opt_u64(vm->ram));
		json_object_object_add(v, "balloon_device",
				       vm->error ? NULL : json_object_new_boolean(vm->has_balloon));
		json_object_object_add(v, "balloon_bytes", json_opt_u64(vm->balloon));
		json_object_object_add(v, "balloon_pct", pct_of(vm) >= 0 ? json_object_new_double(pct_of(vm)) : NULL);
		json_object_object_add(v, "actual_bytes", json_opt_u64(vm->actual));
		json_object_object_add(v, "actual_rate_bytes_per_s", json_object_new_double(rate[i]));
		json_object_object_add(v, "stats_age_s", json_opt_u64(vm->stats_age_s));
		json_object_object_add(v, "free_memory_bytes", json_opt_u64(stat_of(vm, "free_memory")));
		json_object_object_add(v, "available_memory_bytes", json_opt_u64(stat_of(vm, "available_memory")));
		json_object_object_add(v, "oom_kills", json_opt_u64(stat_of(vm, "oom_kills")));
		json_object_object_add(v, "findings", json_object_new_int((int)vm->nfindings));
		json_object_array_add(arr, v);
	}
	json_object_object_add(o, "vms", arr);
	struct json_object *evs = json_object_new_array();
	for (size_t i = 0; i < nev; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "vm", json_object_new_string(ev[i].vm));
		json_object_object_add(e, "event", json_object_new_string(ev[i].what));
		if (strcmp(ev[i].what, "balloon") == 0) {
			json_object_object_add(e, "from_actual_bytes", json_opt_u64(ev[i].from));
			json_object_object_add(e, "to_actual_bytes", json_opt_u64(ev[i].to));
		}
		json_object_array_add(evs, e);
	}
	json_object_object_add(o, "events", evs);
	return o;
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
	struct frame f = { 0 };
	struct host_libvirt *lv = NULL;
	char *err = NULL;
	int code = VB_EXIT_OK;
	sort_key = o->sort ? o->sort : "name";
	if (o->libvirt) {
		lv = host_libvirt_open(o->connect_uri, false, &err);
		if (!lv) {
			vb_err_hint(strcmp(err, HOST_LIBVIRT_MISSING) == 0 ? HOST_LIBVIRT_MISSING_HINT : NULL, "top --libvirt: %s",
				    err);
			free(err);
			return VB_EXIT_FAILURE;
		}
	} else if (!host_targets_expand(o->sockets, (size_t)(o->nsockets > 0 ? o->nsockets : 0), o->sockets_natural,
					&f.targets, &f.n)) {
		return VB_EXIT_FAILURE;
	}
	struct seen *prev = NULL;
	size_t nprev = 0;
	for (uint64_t it = 0; o->iterations == 0 || it < o->iterations; it++) {
		if (it)
			sleep_s(o->interval_s);
		double t = now_s();
		if (!collect(o, lv, &f, &err)) {
			vb_err("top --libvirt: %s", err);
			free(err);
			code = VB_EXIT_FAILURE;
			break;
		}
		qsort(f.vms, f.n, sizeof(*f.vms), cmp_vm);
		double *rate = xcalloc(f.n ? f.n : 1, sizeof(*rate));
		struct event *ev = NULL;
		size_t nev = 0, evcap = 0;
		struct seen *cur = xcalloc(f.n ? f.n : 1, sizeof(*cur));
		for (size_t i = 0; i < f.n; i++) {
			const struct host_vm *vm = &f.vms[i];
			cur[i] = (struct seen){ xstrdup(key_of(vm)), !vm->error, vm->actual, t };
			struct seen *p = it ? find_seen(prev, nprev, cur[i].key) : NULL;
			if (it && (!p || !p->ok) && !vm->error)
				add_event(&ev, &nev, &evcap, (struct event){ key_of(vm), "start", OPT_U64_UNKNOWN, OPT_U64_UNKNOWN });
			else if (p && p->ok && vm->error)
				add_event(&ev, &nev, &evcap, (struct event){ key_of(vm), "stop", OPT_U64_UNKNOWN, OPT_U64_UNKNOWN });
			if (p && p->ok && !vm->error && p->actual.known && vm->actual.known && p->actual.v != vm->actual.v) {
				rate[i] = ((double)vm->actual.v - (double)p->actual.v) / (t - p->t > 0 ? t - p->t : 1);
				add_event(&ev, &nev, &evcap, (struct event){ key_of(vm), "balloon", p->actual, vm->actual });
			}
		}
		for (size_t i = 0; it && i < nprev; i++) /* gone from the list (libvirt: stopped) */
			if (prev[i].ok && !find_seen(cur, f.n, prev[i].key))
				add_event(&ev, &nev, &evcap,
					  (struct event){ prev[i].key, "stop", OPT_U64_UNKNOWN, OPT_U64_UNKNOWN });
		if (o->json) {
			struct json_object *j = json_frame(&f, rate, ev, nev);
			puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
			json_object_put(j);
		} else {
			struct term_view tv;
			FILE *out = term_view_begin(&tv, stdout); /* names and errors come from guests */
			text_frame(out, &f, rate, ev, nev);
			term_view_end(&tv);
		}
		bool write_failed = fflush(stdout) != 0 || ferror(stdout);
		free(ev); /* its names point into prev and cur: freed below */
		for (size_t i = 0; i < nprev; i++)
			free(prev[i].key);
		free(prev);
		prev = cur;
		nprev = f.n;
		free(rate);
		for (size_t i = 0; i < f.n; i++)
			host_vm_free(&f.vms[i]);
		free(f.vms);
		f.vms = NULL;
		if (write_failed) {
			vb_err("top: writing failed");
			code = VB_EXIT_FAILURE;
			break;
		}
	}
	for (size_t i = 0; i < nprev; i++)
		free(prev[i].key);
	free(prev);
	host_targets_free(f.targets, f.n);
	host_libvirt_close(lv);
	return code;
}
