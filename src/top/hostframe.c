/* Host recordings in top --replay (hostframe.h). The names read are those
 * src/host/top.c json_frame writes. */
#include "top/hostframe.h"
#include "base/format.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A byte count as the batch view prints it (KiB/MiB/GiB), "-" when unknown */
static const char *bytes(char *buf, size_t len, struct json_object *o, const char *key)
{
	struct json_object *v = rec_get(o, key);
	if (!v || !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return "-";
	return fmt_kb(buf, len, (uint64_t)json_object_get_int64(v) / 1024);
}

bool top_host_frame_is(struct json_object *o)
{
	return json_object_is_type(o, json_type_object) && rec_get(o, "vms");
}

const char *top_host_frame_invalid(struct json_object *o)
{
	struct json_object *vms = rec_get(o, "vms"), *evs = rec_get(o, "events");
	if (!vms || !json_object_is_type(vms, json_type_array) || !evs || !json_object_is_type(evs, json_type_array))
		return "a host frame without its arrays (vms, events)";
	for (size_t i = 0; i < json_object_array_length(vms); i++)
		if (!json_object_is_type(json_object_array_get_idx(vms, i), json_type_object))
			return "a host frame whose vms are not objects";
	return NULL;
}

/* The frame's "time" (seconds since the epoch, UTC) as HH:MM:SS */
static void when(char *buf, size_t len, struct json_object *o)
{
	struct json_object *t = rec_get(o, "time");
	struct tm tm;
	time_t s;
	if (t && json_object_is_type(t, json_type_int) && (s = (time_t)json_object_get_int64(t)) >= 0 &&
	    gmtime_r(&s, &tm) && strftime(buf, len, "%H:%M:%S", &tm))
		return;
	snprintf(buf, len, "--:--:--");
}

void top_host_frame_events(struct json_object *o, void (*add)(void *ctx, char *line), void *ctx)
{
	char t[16], a[32], b[32];
	when(t, sizeof(t), o);
	struct json_object *evs = rec_get(o, "events");
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		struct json_object *e = json_object_array_get_idx(evs, i);
		const char *vm = rec_str(e, "vm") ? rec_str(e, "vm") : "?", *what = rec_str(e, "event") ? rec_str(e, "event") : "?";
		if (strcmp(what, "balloon") == 0)
			add(ctx, xasprintf("%s %s: actual %s -> %s", t, vm, bytes(a, sizeof(a), e, "from_actual_bytes"),
					   bytes(b, sizeof(b), e, "to_actual_bytes")));
		else
			add(ctx, xasprintf("%s %s: %s", t, vm,
					   strcmp(what, "start") == 0  ? "started"
					   : strcmp(what, "stop") == 0 ? "stopped"
								       : what));
	}
}

void top_host_frame_draw(struct top_canvas *c, struct json_object *o, char *const *log, size_t nlog,
			 const struct top_frame_opts *fo)
{
	top_canvas_clear(c);
	int max_row = fo->key_line ? c->rows - 1 : c->rows, row = 0;
	char t[16], b[4][32], pct[16], oom[24], age[24];
	struct json_object *vms = rec_get(o, "vms");
	size_t n = json_object_array_length(vms);
	when(t, sizeof(t), o);
	top_canvas_printf(c, row++, 0, TA_TITLE, "vbtool top %s UTC  %zu VM%s%s", t, n, n == 1 ? "" : "s",
			  fo->paused ? "  [paused]" : "");
	if (row < max_row)
		top_canvas_printf(c, row++, 0, TA_LABEL, "%-20s %-10s %10s %10s %6s %6s %10s %10s %4s %4s", "VM",
				  "STATE", "RAM", "BALLOON", "%", "AGE", "FREE", "AVAIL", "OOM", "FIND");
	for (size_t i = 0; i < n && row < max_row; i++) {
		struct json_object *vm = json_object_array_get_idx(vms, i), *v;
		const char *name = rec_str(vm, "name") ? rec_str(vm, "name")
				   : rec_str(vm, "domain") ? rec_str(vm, "domain")
				   : rec_str(vm, "socket") ? rec_str(vm, "socket")
						       : "?";
		if (rec_str(vm, "error")) {
			top_canvas_printf(c, row++, 0, TA_ALERT, "%-20.20s error: %s", name, rec_str(vm, "error"));
			continue;
		}
		snprintf(pct, sizeof(pct), "-");
		if ((v = rec_get(vm, "balloon_pct")) && (json_object_is_type(v, json_type_double) ||
						     json_object_is_type(v, json_type_int)))
			snprintf(pct, sizeof(pct), "%.1f", json_object_get_double(v));
		snprintf(oom, sizeof(oom), "-");
		if ((v = rec_get(vm, "oom_kills")) && json_object_is_type(v, json_type_int))
			snprintf(oom, sizeof(oom), "%lld", (long long)json_object_get_int64(v));
		snprintf(age, sizeof(age), "-");
		if ((v = rec_get(vm, "stats_age_s")) && json_object_is_type(v, json_type_int))
			snprintf(age, sizeof(age), "%llds", (long long)json_object_get_int64(v));
		v = rec_get(vm, "balloon_device");
		bool has = v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
		v = rec_get(vm, "findings");
		top_canvas_printf(c, row++, 0, TA_NORMAL, "%-20.20s %-10.10s %10s %10s %6s %6s %10s %10s %4s %4lld",
				  name, rec_str(vm, "run_state") ? rec_str(vm, "run_state") : "-",
				  bytes(b[0], sizeof(b[0]), vm, "ram_bytes"),
				  has ? bytes(b[1], sizeof(b[1]), vm, "balloon_bytes") : "none", pct, age,
				  bytes(b[2], sizeof(b[2]), vm, "free_memory_bytes"),
				  bytes(b[3], sizeof(b[3]), vm, "available_memory_bytes"), oom,
				  v && json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v) : 0LL);
	}
	if (row + 1 < max_row) {
		row++;
		top_canvas_text(c, row++, 0, TA_TITLE, "Events");
	}
	/* the newest events that fit */
	size_t fit = row < max_row ? (size_t)(max_row - row) : 0, first = nlog > fit ? nlog - fit : 0;
	for (size_t i = first; i < nlog && row < max_row; i++)
		top_canvas_text(c, row++, 2, TA_NORMAL, log[i]);
	if (fo->key_line && c->rows > 1) {
		top_canvas_fill(c, c->rows - 1, TA_BAR);
		top_canvas_text(c, c->rows - 1, 0, TA_BAR, fo->message ? fo->message : "q quit  space pause");
	}
}
