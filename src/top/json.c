/* The JSON twin of a top frame. Keys are snake_case; unknown is null. */
#include "top/json.h"
#include "model/feature_bits.h"
#include "sources/sysroot.h"
#include "views/views.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

static struct json_object *num_or_null(double v)
{
	return isnan(v) ? NULL : json_object_new_double(v);
}

static struct json_object *features_json(const struct virtio_device *d)
{
	if (!d->features.valid)
		return NULL;
	struct json_object *a = json_object_new_array();
	for (unsigned bit = 0; bit < d->features.nbits && bit < 24; bit++) {
		if (!features_test(&d->features, bit))
			continue;
		const struct bit_name *bn = feature_lookup(VIRTIO_ID_BALLOON, bit);
		char name[16];
		snprintf(name, sizeof(name), "bit%u", bit);
		json_object_array_add(a, json_object_new_string(bn ? bn->name : name));
	}
	return a;
}

static struct json_object *balloon_json(const struct balloon_report *r, const char *name, const char *driver,
					const struct virtio_device *d)
{
	struct json_object *b = json_object_new_object();
	json_object_object_add(b, "name", json_object_new_string(name));
	json_object_object_add(b, "driver", json_str_or_null(driver));
	json_object_object_add(b, "size_kb", json_opt_u64(r->balloon.size_kb));
	json_object_object_add(b, "target_kb", json_opt_u64(top_model_target_kb(r)));
	json_object_object_add(b, "mode", json_object_new_string(accounting_name(r->balloon.accounting)));
	json_object_object_add(b, "features", d ? features_json(d) : NULL);
	return b;
}

static struct json_object *balloons_json(const struct balloon_report *r)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct virtio_device *d = &r->devices[i];
		json_object_array_add(a, balloon_json(r, d->name ? d->name : "?", d->driver, d));
	}
	if (top_has_vmw(r))
		json_object_array_add(a, balloon_json(r, "vmw_balloon", "vmw_balloon", NULL));
	if (top_has_hv(r))
		json_object_array_add(a, balloon_json(r, "hv_balloon", "hv_balloon", NULL));
	return a;
}

static struct json_object *memory_json(const struct top_model *m)
{
	const struct meminfo *mi = &m->r.mem;
	const struct top_ram *ram = &m->ram;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "mem_total_kb", json_opt_u64(mi->mem_total_kb));
	json_object_object_add(o, "mem_available_kb", json_opt_u64(mi->mem_available_kb));
	json_object_object_add(o, "swap_total_kb", json_opt_u64(mi->swap_total_kb));
	json_object_object_add(o, "swap_free_kb", json_opt_u64(mi->swap_free_kb));
	/* the RAM bar: ram_kb = used + cache + free + balloon */
	json_object_object_add(o, "ram_kb", ram->known ? json_object_new_int64((int64_t)ram->total) : NULL);
	json_object_object_add(o, "used_kb", ram->known ? json_object_new_int64((int64_t)ram->used) : NULL);
	json_object_object_add(o, "cache_kb", ram->known ? json_object_new_int64((int64_t)ram->cache) : NULL);
	json_object_object_add(o, "free_kb", ram->known ? json_object_new_int64((int64_t)ram->free) : NULL);
	json_object_object_add(o, "balloon_kb", ram->known ? json_object_new_int64((int64_t)ram->balloon) : NULL);
	return o;
}

struct json_object *top_frame_json(const struct top_model *m, double interval_s, uint64_t new_events)
{
	const struct balloon_report *r = &m->r;
	struct json_object *o = json_object_new_object();
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) && strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm))
		json_object_object_add(o, "time", json_object_new_string(ts));
	else
		json_object_object_add(o, "time", NULL);
	json_object_object_add(o, "frame", json_object_new_int64((int64_t)m->samples));
	json_object_object_add(o, "interval_s", json_object_new_double(interval_s));
	json_object_object_add(o, "sysroot", json_str_or_null(sysroot_shown()));
	struct json_object *sys = json_object_new_object();
	json_object_object_add(sys, "hostname", json_str_or_null(r->sys.hostname));
	json_object_object_add(sys, "kernel", json_str_or_null(r->sys.kernel));
	json_object_object_add(sys, "uptime_s", json_opt_u64(r->sys.uptime_s));
	json_object_object_add(o, "system", sys);
	json_object_object_add(o, "balloons", balloons_json(r));
	json_object_object_add(o, "memory", memory_json(m));
	json_object_object_add(o, "findings", json_findings(r->findings, r->nfindings));
	struct json_object *series = json_object_new_object();
	for (int s = 0; s < TS_COUNT; s++) {
		double v = m->rate[s];
		if (top_series_info[s].is_kb)
			json_object_object_add(series, top_series_info[s].key,
					       isnan(v) ? NULL : json_object_new_int64((int64_t)v));
		else
			json_object_object_add(series, top_series_info[s].key, num_or_null(v));
	}
	json_object_object_add(o, "now", series);
	struct json_object *ev = json_object_new_array();
	uint64_t n = new_events < m->ev_len ? new_events : m->ev_len;
	for (uint64_t i = n; i-- > 0;) {
		const struct top_event *e = top_model_event(m, (size_t)i);
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "kind", json_object_new_string(top_event_kind_name(e->kind)));
		json_object_object_add(j, "when", json_object_new_string(e->when));
		json_object_object_add(j, "message", json_object_new_string(e->text));
		if (e->kind == TE_OOM_KILL) {
			struct json_object *v = NULL;
			if (e->verdict_code[0]) {
				v = json_object_new_object();
				json_object_object_add(v, "code", json_object_new_string(e->verdict_code));
				json_object_object_add(v, "summary", json_object_new_string(e->verdict));
			}
			json_object_object_add(j, "verdict", v);
		}
		json_object_array_add(ev, j);
	}
	json_object_object_add(o, "events", ev);
	return o;
}
