/* Host frames, recorded (top --replay) or live (top --qmp/--libvirt on a
 * terminal), hostframe.h. The names read are those src/host/top.c
 * (host_top_frame) writes. */
#include "top/hostframe.h"
#include "base/format.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
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

/* "HH:MM:SS vm: virtio-mem ID size A -> B, requested C -> D", naming only
 * what changed (both when neither seems to: a value became unknown) */
static char *vmem_event(const char *t, const char *vm, struct json_object *e)
{
	char a[32], b[32], c[32], d[32];
	struct json_object *v;
	const char *dev = rec_str(e, "device") ? rec_str(e, "device") : "?";
	bytes(a, sizeof(a), e, "from_size_bytes");
	bytes(b, sizeof(b), e, "to_size_bytes");
	bytes(c, sizeof(c), e, "from_requested_size_bytes");
	bytes(d, sizeof(d), e, "to_requested_size_bytes");
	bool size = !(v = rec_get(e, "from_size_bytes")) || !json_object_equal(v, rec_get(e, "to_size_bytes"));
	bool req = !(v = rec_get(e, "from_requested_size_bytes")) ||
		   !json_object_equal(v, rec_get(e, "to_requested_size_bytes"));
	if (!size && !req)
		size = req = true;
	return xasprintf("%s %s: virtio-mem %s %s%s%s%s%s%s%s%s%s", t, vm, dev, size ? "size " : "", size ? a : "",
			 size ? " -> " : "", size ? b : "", size && req ? ", " : "", req ? "requested " : "",
			 req ? c : "", req ? " -> " : "", req ? d : "");
}

/* The guest statistics that have no column, by name: the tags newer
 * kernels send (6.12+: oom_kills, alloc_stalls, async/direct scans and
 * reclaims) and any the next one adds. The ten of the virtio 1.0 spec
 * are in the columns or of no use in a row. */
static bool stat_has_column(const char *name)
{
	static const char *const old[] = { "swap_in",	   "swap_out",	    "major_faults",	"minor_faults",
					   "free_memory",  "total_memory", "available_memory", "disk_caches",
					   "htlb_pgalloc", "htlb_pgfail" };
	for (size_t i = 0; i < ARRAY_SIZE(old); i++)
		if (strcmp(old[i], name) == 0)
			return true;
	return false;
}

/* Under a VM's row: its virtio-mem devices and the statistics without a
 * column; returns the next row. */
static int draw_details(struct top_canvas *c, int row, int max_row, struct json_object *vm)
{
	char a[32], b[32], m[32];
	struct json_object *devs = rec_get(vm, "virtio_mem_devices");
	for (size_t k = 0; devs && json_object_is_type(devs, json_type_array) && k < json_object_array_length(devs) &&
			   row < max_row;
	     k++) {
		struct json_object *d = json_object_array_get_idx(devs, k);
		top_canvas_printf(c, row++, 2, TA_LABEL, "virtio-mem %s: %s of %s requested (max %s)",
				  rec_str(d, "id") ? rec_str(d, "id") : "-", bytes(a, sizeof(a), d, "size_bytes"),
				  bytes(b, sizeof(b), d, "requested_size_bytes"), bytes(m, sizeof(m), d, "max_size_bytes"));
	}
	struct json_object *st = rec_get(vm, "stats");
	if (!st || !json_object_is_type(st, json_type_object) || row >= max_row)
		return row;
	int col = -1;
	json_object_object_foreach(st, name, val)
	{
		if (stat_has_column(name))
			continue;
		if (col < 0)
			col = top_canvas_text(c, row, 2, TA_LABEL, "guest stats:");
		if (val && json_object_is_type(val, json_type_int))
			col = top_canvas_printf(c, row, col, TA_NORMAL, " %s %lld", name, (long long)json_object_get_int64(val));
		else
			col = top_canvas_printf(c, row, col, TA_NORMAL, " %s -", name);
	}
	return col < 0 ? row : row + 1;
}

static const char *const help_lines[] = {
	"vbtool top (host): keys",
	"",
	"  q F10 Esc  quit",
	"  space      pause / resume",
	"  s          next row order (--sort's keys)",
	"  + / -      longer / shorter interval",
	"  h ? F1     this help (any key closes it)",
	"",
	"RATE/s: how fast actual moved (- inflating)",
	"Under a row: virtio-mem devices, and guest",
	"statistics that have no column, by name",
};

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
		else if (strcmp(what, "virtio-mem") == 0)
			add(ctx, vmem_event(t, vm, e));
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
	char t[16], b[5][32], pct[16], oom[24], age[24], rate[40];
	struct json_object *vms = rec_get(o, "vms");
	size_t n = json_object_array_length(vms);
	when(t, sizeof(t), o);
	top_canvas_printf(c, row++, 0, TA_TITLE, "vbtool top %s UTC  %zu VM%s%s", t, n, n == 1 ? "" : "s",
			  fo->paused ? "  [paused]" : "");
	if (row < max_row)
		top_canvas_printf(c, row++, 0, TA_LABEL, "%-20s %-10s %10s %10s %6s %10s %10s %5s %10s %10s %4s %4s",
				  "VM", "STATE", "RAM", "BALLOON", "%", "ACTUAL", "RATE/s", "AGE", "FREE", "AVAIL", "OOM",
				  "FIND");
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
		/* while actual moves: how fast, signed (down: the balloon inflates) */
		snprintf(rate, sizeof(rate), "-");
		if ((v = rec_get(vm, "actual_rate_bytes_per_s")) &&
		    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
			double r = json_object_get_double(v);
			if (r != 0 && r > -1e18 && r < 1e18) {
				fmt_kb(rate + 1, sizeof(rate) - 1, (uint64_t)(r < 0 ? -r : r) / 1024);
				rate[0] = r < 0 ? '-' : '+';
			}
		}
		v = rec_get(vm, "balloon_device");
		bool has = v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
		v = rec_get(vm, "findings");
		top_canvas_printf(c, row++, 0, TA_NORMAL,
				  "%-20.20s %-10.10s %10s %10s %6s %10s %10s %5s %10s %10s %4s %4lld", name,
				  rec_str(vm, "run_state") ? rec_str(vm, "run_state") : "-",
				  bytes(b[0], sizeof(b[0]), vm, "ram_bytes"),
				  has ? bytes(b[1], sizeof(b[1]), vm, "balloon_bytes") : "none", pct,
				  bytes(b[4], sizeof(b[4]), vm, "actual_bytes"), rate, age,
				  bytes(b[2], sizeof(b[2]), vm, "free_memory_bytes"),
				  bytes(b[3], sizeof(b[3]), vm, "available_memory_bytes"), oom,
				  v && json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v) : 0LL);
		row = draw_details(c, row, max_row, vm);
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
		top_canvas_text(c, c->rows - 1, 0, TA_BAR, fo->message ? fo->message : "q quit  space pause  h help");
	}
	if (fo->help)
		top_frame_help_box(c, help_lines, ARRAY_SIZE(help_lines));
}

static void log_add(void *ctx, char *line)
{
	struct top_host_log *l = ctx;
	if (l->n == TOP_HOST_LOG_MAX) {
		free(l->lines[0]);
		memmove(l->lines, l->lines + 1, (l->n - 1) * sizeof(*l->lines));
		l->n--;
	}
	l->lines = xgrow(l->lines, &l->cap, l->n + 1, sizeof(*l->lines));
	l->lines[l->n++] = line;
}

void top_host_log_frame(struct top_host_log *l, struct json_object *o)
{
	top_host_frame_events(o, log_add, l);
}

void top_host_log_free(struct top_host_log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i]);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}
