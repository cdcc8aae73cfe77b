/* The layout of a top frame: header, balloon panels, the RAM bar, graphs,
 * the event log. Rows are handed out top to bottom and whatever does not
 * fit is left out, so a small terminal loses the log first, never the
 * header. */
#include "top/frame.h"
#include "model/feature_bits.h"
#include "sources/sysroot.h"
#include "views/views.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Graph columns: label, latest value, then the sparkline. */
#define LABEL_W 14
#define VALUE_W 11
#define MIN_SPARK 8

static const char ascii_levels[] = "_.-:=+*#";

void top_frame_sparkline(struct top_canvas *c, int row, int col, int width, const struct top_model *m,
			 enum top_series s, bool unicode)
{
	if (width <= 0)
		return;
	size_t n = m->hist_len < (size_t)width ? m->hist_len : (size_t)width;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		double v = top_model_history(m, s, i);
		if (isnan(v))
			continue;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	if (isinf(hi))
		return;
	/* Sizes are drawn against the RAM the VM was given, so the height says
	 * how much of the VM it is and a 1 MiB wobble stays flat; rates and
	 * percentages have no such bound and use 0 to their own maximum. */
	lo = 0;
	if (top_series_info[s].is_kb) {
		/* without zoneinfo, the RAM bar's total (MemTotal, plus the
		 * balloon when the kernel took it out) is the best bound left */
		if (m->r.balloon.ram_kb.known && m->r.balloon.ram_kb.v > 0)
			hi = (double)m->r.balloon.ram_kb.v;
		else if (m->ram.known && m->ram.total > 0)
			hi = (double)m->ram.total;
	}
	for (size_t i = 0; i < n; i++) {
		double v = top_model_history(m, s, i);
		int x = col + width - 1 - (int)i;
		if (isnan(v))
			continue;
		int level = hi > lo ? (int)lround((v - lo) / (hi - lo) * 7.0) : (v > 0 ? 7 : 0);
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		if (level == 0 && v > lo)
			level = 1; /* something, however small, is not nothing */
		top_canvas_put(c, row, x, TA_GRAPH, unicode ? 0x2581u + (uint32_t)level : (uint32_t)ascii_levels[level]);
	}
}

static void fmt_uptime(char *buf, size_t len, struct opt_u64 up)
{
	if (!up.known) {
		snprintf(buf, len, "?");
		return;
	}
	uint64_t s = up.v, d = s / 86400;
	s %= 86400;
	if (d)
		snprintf(buf, len, "%llud %02llu:%02llu", (unsigned long long)d, (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

static int draw_header(struct top_canvas *c, int row, const struct top_model *m, const struct top_frame_opts *o)
{
	char clock[16], up[32];
	top_clock(clock, sizeof(clock));
	fmt_uptime(up, sizeof(up), m->r.sys.uptime_s);
	int x = top_canvas_printf(c, row, 0, TA_TITLE, "vbtool top - %s", clock);
	if (o->paused)
		x = top_canvas_text(c, row, x, TA_ALERT, " [paused]");
	/* most telling first: a narrow screen cuts the end */
	x = top_canvas_printf(c, row, x, TA_NORMAL, "  hostname %s  up %s  every %gs  kernel %s",
			      m->r.sys.hostname ? m->r.sys.hostname : "?", up, o->interval_s,
			      m->r.sys.kernel ? m->r.sys.kernel : "?");
	if (!sysroot_is_live())
		top_canvas_printf(c, row, x, TA_NORMAL, "  replay of %s", sysroot_shown());
	return row + 1;
}

static void size_text(char *buf, size_t len, const struct balloon_report *r)
{
	char a[32], pc[32], ram[32];
	if (!r->balloon.size_kb.known) {
		snprintf(buf, len, "unknown");
		return;
	}
	if (r->balloon.ram_kb.known)
		snprintf(buf, len, "%s (%s of the VM's %s)", fmt_kb(a, sizeof(a), r->balloon.size_kb.v),
			 fmt_percent(pc, sizeof(pc), r->balloon.size_kb.v, r->balloon.ram_kb.v),
			 fmt_kb(ram, sizeof(ram), r->balloon.ram_kb.v));
	else
		snprintf(buf, len, "%s", fmt_kb(a, sizeof(a), r->balloon.size_kb.v));
}

/* Size, target and mode: the part of a panel every driver shares. */
static int draw_panel_common(struct top_canvas *c, int row, int x, const struct balloon_report *r)
{
	char size[64], t[32];
	size_text(size, sizeof(size), r);
	x = top_canvas_text(c, row, x, TA_LABEL, "  size ");
	x = top_canvas_text(c, row, x, TA_BALLOON, size);
	struct opt_u64 target = top_model_target_kb(r);
	if (target.known) {
		x = top_canvas_text(c, row, x, TA_LABEL, "  target ");
		x = top_canvas_text(c, row, x, TA_NORMAL, fmt_kb(t, sizeof(t), target.v));
	}
	return x;
}

static int draw_mode(struct top_canvas *c, int row, int x, const struct balloon_report *r)
{
	x = top_canvas_text(c, row, x, TA_LABEL, "mode ");
	return top_canvas_text(c, row, x, TA_NORMAL, accounting_text(r->balloon.accounting));
}

static int draw_virtio_panel(struct top_canvas *c, int row, int max_row, const struct balloon_report *r,
			     const struct virtio_device *d)
{
	int x = top_canvas_text(c, row, 0, TA_TITLE, d->name ? d->name : "?");
	x = top_canvas_text(c, row, x, TA_LABEL, "  driver ");
	x = top_canvas_text(c, row, x, d->driver ? TA_NORMAL : TA_ALERT, d->driver ? d->driver : "none");
	draw_panel_common(c, row, x, r);
	row++;
	if (row >= max_row)
		return row;
	x = draw_mode(c, row, 2, r);
	x = top_canvas_text(c, row, x, TA_LABEL, "  features");
	if (!d->features.valid) {
		top_canvas_text(c, row, x, TA_ALERT, " unknown");
		return row + 1;
	}
	bool any = false;
	for (unsigned bit = 0; bit < d->features.nbits && bit < 24; bit++) {
		if (!features_test(&d->features, bit))
			continue;
		const struct bit_name *bn = feature_lookup(VIRTIO_ID_BALLOON, bit);
		if (bn)
			x = top_canvas_printf(c, row, x, TA_NORMAL, " %s", bn->name);
		else
			x = top_canvas_printf(c, row, x, TA_NORMAL, " bit%u", bit);
		any = true;
	}
	if (!any)
		top_canvas_text(c, row, x, TA_NORMAL, " none");
	return row + 1;
}

static int draw_panels(struct top_canvas *c, int row, int max_row, const struct balloon_report *r)
{
	bool any = false;
	for (size_t i = 0; i < r->ndevices && row < max_row; i++) {
		row = draw_virtio_panel(c, row, max_row, r, &r->devices[i]);
		any = true;
	}
	if (row < max_row && top_has_vmw(r)) {
		int x = top_canvas_text(c, row, 0, TA_TITLE, "vmw_balloon");
		x = draw_panel_common(c, row, x, r);
		draw_mode(c, row++, x + 2, r);
		any = true;
	}
	if (row < max_row && top_has_hv(r)) {
		int x = top_canvas_text(c, row, 0, TA_TITLE, "hv_balloon");
		x = draw_panel_common(c, row, x, r);
		draw_mode(c, row++, x + 2, r);
		any = true;
	}
	if (!any && row < max_row)
		top_canvas_text(c, row++, 0, TA_ALERT, "no balloon device found");
	return row;
}

/* What status judged worth a warning, one line each: top shows the same
 * findings as status, so the live view never contradicts it. */
static int draw_findings(struct top_canvas *c, int row, int max_row, const struct balloon_report *r)
{
	for (size_t i = 0; i < r->nfindings && row < max_row; i++) {
		const struct finding *f = &r->findings[i];
		if (strcmp(f->severity, "info") == 0)
			continue;
		int x = top_canvas_printf(c, row, 0, TA_ALERT, "%s %s: ", f->severity, f->code);
		top_canvas_text(c, row++, x, TA_NORMAL, f->message ? f->message : "");
	}
	return row;
}

/* Cells per segment, in proportion, each non-empty segment at least one. */
static void split_cells(const uint64_t *kb, int nseg, uint64_t total, int width, int *cells)
{
	int sum = 0;
	for (int i = 0; i < nseg; i++) {
		cells[i] = total ? (int)((double)kb[i] / (double)total * width + 0.5) : 0;
		if (kb[i] && !cells[i])
			cells[i] = 1;
		sum += cells[i];
	}
	/* rounding: take the difference from (or give it to) the largest segment */
	int big = 0;
	for (int i = 1; i < nseg; i++)
		if (cells[i] > cells[big])
			big = i;
	cells[big] += width - sum;
	if (cells[big] < 0)
		cells[big] = 0;
}

static uint64_t sub_floor(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int graph_cols(const struct top_canvas *c, const struct top_frame_opts *o)
{
	return o->graph_cols > 0 && o->graph_cols < c->cols ? o->graph_cols : c->cols;
}

static int draw_ram(struct top_canvas *c, int row, int max_row, const struct top_model *m,
		    const struct top_frame_opts *o)
{
	const struct top_ram *ram = &m->ram;
	if (!ram->known) {
		top_canvas_text(c, row, 0, TA_ALERT, "RAM unknown: /proc/meminfo could not be read");
		return row + 1;
	}
	char total[32], a[32];
	fmt_kb(total, sizeof(total), ram->total);
	int width = graph_cols(c, o) - 7 - (int)strlen(total);
	int x = top_canvas_text(c, row, 0, TA_LABEL, "RAM [");
	if (width > 0) {
		static const enum top_attr attrs[] = { TA_USED, TA_CACHE, TA_FREE, TA_BALLOON };
		static const char glyph[] = "#~.B";
		uint64_t kb[] = { ram->used, ram->cache, ram->free, ram->balloon };
		int cells[4];
		split_cells(kb, 4, ram->total, width, cells);
		for (int s = 0; s < 4; s++)
			for (int i = 0; i < cells[s]; i++)
				top_canvas_put(c, row, x++, attrs[s], (uint32_t)glyph[s]);
	}
	x = top_canvas_text(c, row, x, TA_LABEL, "] ");
	top_canvas_text(c, row, x, TA_NORMAL, total);
	if (++row >= max_row)
		return row;
	x = top_canvas_printf(c, row, 0, TA_USED, "# used %s", fmt_kb(a, sizeof(a), ram->used));
	x = top_canvas_printf(c, row, x, TA_CACHE, "  ~ cache %s", fmt_kb(a, sizeof(a), ram->cache));
	x = top_canvas_printf(c, row, x, TA_FREE, "  . free %s", fmt_kb(a, sizeof(a), ram->free));
	top_canvas_printf(c, row, x, TA_BALLOON, "  B balloon %s", fmt_kb(a, sizeof(a), ram->balloon));
	if (++row >= max_row)
		return row;
	const struct meminfo *mi = &m->r.mem;
	x = top_canvas_printf(c, row, 0, TA_LABEL, "MemTotal %llu KiB", (unsigned long long)mi->mem_total_kb.v);
	if (mi->swap_total_kb.known && mi->swap_free_kb.known) {
		if (mi->swap_total_kb.v == 0) {
			top_canvas_text(c, row, x, TA_NORMAL, "  no swap");
		} else {
			char b[32];
			x = top_canvas_printf(c, row, x, TA_NORMAL, "  swap used %s",
					      fmt_kb(a, sizeof(a), sub_floor(mi->swap_total_kb.v, mi->swap_free_kb.v)));
			top_canvas_printf(c, row, x, TA_NORMAL, " of %s", fmt_kb(b, sizeof(b), mi->swap_total_kb.v));
		}
	}
	return row + 1;
}

static void fmt_value(char *buf, size_t len, enum top_series s, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (top_series_info[s].is_kb)
		fmt_kb(buf, len, (uint64_t)v);
	else if (s == TS_PSI_SOME || s == TS_PSI_FULL)
		snprintf(buf, len, "%.2f", v);
	else if (v < 10 && v != floor(v))
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static bool series_shown(const struct top_model *m, enum top_series s)
{
	/* PSI lines only where /proc/pressure/memory exists */
	if (s == TS_PSI_SOME || s == TS_PSI_FULL)
		return m->r.psi.status == SRC_OK;
	return true;
}

static int draw_graphs(struct top_canvas *c, int row, int max_row, const struct top_model *m,
		       const struct top_frame_opts *o)
{
	bool unicode = o->unicode;
	for (int s = 0; s < TS_COUNT && row < max_row; s++) {
		if (!series_shown(m, (enum top_series)s))
			continue;
		char v[32];
		fmt_value(v, sizeof(v), (enum top_series)s, m->rate[s]);
		top_canvas_text(c, row, 0, TA_LABEL, top_series_info[s].label);
		top_canvas_printf(c, row, LABEL_W, TA_NORMAL, "%*s", VALUE_W, v);
		int spark = graph_cols(c, o) - LABEL_W - VALUE_W - 1;
		if (spark >= MIN_SPARK)
			top_frame_sparkline(c, row, LABEL_W + VALUE_W + 1, spark, m, (enum top_series)s, unicode);
		row++;
	}
	return row;
}

static int draw_events(struct top_canvas *c, int row, int max_row, const struct top_model *m)
{
	if (row >= max_row)
		return row;
	top_canvas_printf(c, row++, 0, TA_TITLE, "Events (%llu)", (unsigned long long)m->events_seen);
	for (size_t i = 0; row < max_row; i++) {
		const struct top_event *e = top_model_event(m, i);
		if (!e)
			break;
		int x = top_canvas_text(c, row, 0, TA_LABEL, e->when);
		top_canvas_text(c, row++, x + 2, e->kind == TE_OOM_KILL ? TA_ALERT : TA_NORMAL, e->text);
		if (e->verdict_code[0] && row < max_row) {
			x = top_canvas_printf(c, row, x + 4, TA_LABEL, "verdict %s: ", e->verdict_code);
			top_canvas_text(c, row++, x, TA_NORMAL, e->verdict);
		}
	}
	return row;
}

static const char *const help_lines[] = {
	"vbtool top: keys",
	"",
	"  q F10 Esc  quit",
	"  space      pause / resume sampling",
	"  + / -      longer / shorter interval",
	"  h ? F1     this help (any key closes it)",
	"",
	"RAM bar: # used  ~ cache  . free  B balloon",
	"Graphs: newest sample at the right",
};

void top_frame_help_box(struct top_canvas *c, const char *const *lines, size_t nlines)
{
	int n = (int)nlines, w = 48;
	if (w > c->cols)
		w = c->cols;
	int top = (c->rows - n - 2) / 2, left = (c->cols - w) / 2;
	if (top < 0)
		top = 0;
	for (int i = 0; i < n + 2; i++)
		for (int x = 0; x < w; x++)
			top_canvas_put(c, top + i, left + x, TA_BAR, ' ');
	for (int i = 0; i < n; i++)
		top_canvas_text(c, top + 1 + i, left + 2, TA_BAR, lines[i]);
}

void top_frame_draw(struct top_canvas *c, const struct top_model *m, const struct top_frame_opts *o)
{
	top_canvas_clear(c);
	int max_row = o->key_line ? c->rows - 1 : c->rows;
	int row = draw_header(c, 0, m, o);
	if (!m->have_report)
		return;
	row = draw_panels(c, row, max_row, &m->r);
	row = draw_findings(c, row, max_row, &m->r);
	if (row < max_row)
		row = draw_ram(c, row, max_row, m, o);
	if (row < max_row)
		row = draw_graphs(c, row, max_row, m, o);
	draw_events(c, row, max_row, m);
	if (o->key_line && c->rows > 1) {
		top_canvas_fill(c, c->rows - 1, TA_BAR);
		top_canvas_text(c, c->rows - 1, 0, TA_BAR,
				o->message ? o->message : "q quit  space pause  +/- interval  h help");
	}
	if (o->help)
		top_frame_help_box(c, help_lines, ARRAY_SIZE(help_lines));
}
