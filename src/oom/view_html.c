/* explain-oom --html: one self-contained page for a ticket. No network: no
 * external script, style, font or image (a Content-Security-Policy says so
 * to the browser too), inline CSS and SVG, no script at all; <details> folds.
 * Order: header and totals, a timeline of the events (SVG), a summary table
 * (one row per event), then per event a folded block: verdict and next
 * steps, where the RAM went (a bar, the balloon its own colour), free memory
 * against the watermarks per zone (SVG), why the allocation failed, the task
 * table, invoker, victim, memcg, balloon, and whatever else the event's JSON
 * holds.
 *
 * Each event's block is drawn from its --json object (oom_event_json), so
 * the page's numbers are the JSON's and a field added to the JSON shows up
 * here too (under "More" until a section names it). Every number or boolean
 * is printed as the JSON writes it in an element whose data-j attribute
 * names its JSON path within the event ("memory.free_kb", "zones.0.min_kb"):
 * a test compares the two. Every string from the log goes through esc():
 * cleaned like a terminal value (controls and invalid UTF-8 become '?'),
 * then & < > " ' escaped, so it can neither end an element nor an
 * attribute. The page grows linearly with the events kept (at most
 * OOM_MAX_EVENTS): one timeline tick per event, links only for a few
 * hundred, and a compact block past HTML_FULL_EVENTS. */
#include "oom/view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oom/timeparse.h"
#include "base/format.h"
#include "base/term.h"

#define TIMELINE_W 1000
#define TIMELINE_LINKS_MAX 300 /* beyond this many events, ticks are not links (page size) */
#define HTML_FULL_EVENTS 256   /* events with every section; later ones get a compact block */

/* Writes s (n bytes) as HTML text or attribute value. */
static void esc_n(FILE *o, const char *s, size_t n)
{
	struct strbuf sb;
	sb_init(&sb);
	term_clean(&sb, s, n, TERM_VALUE);
	for (size_t i = 0; i < sb.len; i++) {
		switch (sb.buf[i]) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default: fputc(sb.buf[i], o);
		}
	}
	sb_free(&sb);
}

static void esc(FILE *o, const char *s)
{
	esc_n(o, s, strlen(s));
}

static const char *human(char *buf, size_t len, struct opt_u64 kb)
{
	return kb.known ? fmt_kb(buf, len, kb.v) : "?";
}

/* Each verdict code's colour (class "c-CODE"); a code not listed here is grey. */
static const struct {
	const char *code, *colour;
} vcolours[] = {
	{ "memcg-limit", "#8e44ad" },	    { "constrained", "#2c7fb8" },	 { "balloon-held-memory", "#d7301f" },
	{ "balloon-deflated", "#e6804d" }, { "fragmentation", "#7a7a00" },	 { "single-task", "#1a9850" },
	{ "balloon-estimated", "#c2587a" }, { "panic-on-oom", "#111111" },	 { "no-killable-task", "#5d4037" },
	{ "sysrq-manual-oom", "#5c6bc0" },  { "manual-oom", "#5c6bc0" },	 { "slab-unreclaimable", "#b8860b" },
};

static void verdict_css(FILE *o)
{
	for (size_t k = 0; k < OOM_VERDICT_MAX && oom_verdict_codes[k]; k++) {
		const char *c = "#888";
		for (size_t j = 0; j < ARRAY_SIZE(vcolours); j++)
			if (strcmp(vcolours[j].code, oom_verdict_codes[k]) == 0)
				c = vcolours[j].colour;
		fprintf(o, ".c-%s{background:%s;fill:%s;stroke:%s}", oom_verdict_codes[k], c, c, c);
	}
}

static const char css[] =
	"body{font:14px/1.4 sans-serif;margin:1em 2em;color:#222;background:#fff}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
	"th{background:#f0f0f0}td.n,table.rows td[data-j]{text-align:right;font-variant-numeric:tabular-nums}"
	"table.rows{font-size:12px}"
	"tr.victim td{background:#fde0dd}tr.trigger td{background:#e0ecf4}"
	"details{border:1px solid #ccc;border-radius:4px;margin:.3em 0;padding:.2em .6em}"
	"details[open]{background:#fafafa}summary{cursor:pointer}"
	".code{font-family:monospace;padding:0 4px;border-radius:3px;color:#fff;background:#888}"
	".legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:middle}"
	"svg text{font:11px sans-serif;fill:#222}"
	".wm{stroke-width:2}.wm-min{stroke:#d7301f}.wm-low{stroke:#f29e2e}.wm-high{stroke:#1a9850}"
	".free{fill:#4575b4}.axis{stroke:#444}";

/* --- header ------------------------------------------------------------ */

static void section_header(FILE *o, const struct oom_report *r)
{
	const struct oom_totals *t = &r->totals;
	fputs("<h1>vbtool explain-oom</h1>\n<p>Input:", o);
	for (size_t i = 0; i < r->ninputs; i++) {
		fputs(i ? ", <code>" : " <code>", o);
		esc(o, r->inputs[i].name ? r->inputs[i].name : "?");
		fputs("</code>", o);
		if (r->inputs[i].error) {
			fputs(" (", o);
			esc(o, r->inputs[i].error);
			fputs(")", o);
		}
	}
	fprintf(o, ".</p>\n<p><b id=events data-j=\"summary.events\">%llu</b> event%s", (unsigned long long)t->events,
		t->events == 1 ? "" : "s");
	if (t->first_time[0]) {
		fputs(", from ", o);
		esc(o, t->first_time);
		fputs(" to ", o);
		esc(o, t->last_time);
	}
	fputs(".", o);
	if (r->dropped)
		fprintf(o, " Only the first %zu are shown in detail; <span data-j=\"summary.events_not_kept\">%llu</span> "
			   "later ones are counted in the totals only.",
			r->nev, (unsigned long long)r->dropped);
	if (r->truncated)
		fprintf(o, " <span data-j=\"summary.lines_truncated\">%llu</span> over-long log lines were cut.",
			(unsigned long long)r->truncated);
	fputs("</p>\n<p class=legend>", o);
	for (size_t k = 0; k < OOM_VERDICT_MAX && oom_verdict_codes[k]; k++)
		if (t->by_verdict[k])
			fprintf(o, "<span class=c-%s></span>%s: <b data-j=\"summary.by_verdict.%s\">%llu</b>",
				oom_verdict_codes[k], oom_verdict_codes[k], oom_verdict_codes[k],
				(unsigned long long)t->by_verdict[k]);
	fputs("</p>\n", o);
}

/* --- timeline ---------------------------------------------------------- */

/* Seconds since the epoch of an ISO 8601 time oom_time_parse wrote
 * ("YYYY-MM-DDTHH:MM:SS[.frac][Z|+HH:MM|-HH:MM]"); a time without a zone
 * is taken as UTC: the axis needs order and spacing, not the zone. */
static bool iso_seconds(const char *iso, double *out)
{
	int y, mo, d, h, mi, s, n = 0;
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || n == 0)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s };
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	double v = (double)t;
	const char *p = iso + n;
	if (*p == '.') {
		double scale = 0.1;
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			v += (*p - '0') * scale;
	}
	int zh, zm;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &zh, &zm) == 2)
		v -= (*p == '+' ? 1 : -1) * (zh * 3600.0 + zm * 60.0);
	*out = v;
	return true;
}

enum axis { AXIS_WALL, AXIS_UPTIME, AXIS_ORDER };

/* Where event i sits on the axis; false when it has no such time. */
static bool axis_value(const struct oom_report *r, size_t i, enum axis ax, const double *wall, const bool *has_wall,
		       double *v)
{
	switch (ax) {
	case AXIS_WALL:
		*v = wall[i];
		return has_wall[i] && isfinite(*v);
	case AXIS_UPTIME:
		*v = r->ev[i].uptime_s;
		return r->ev[i].has_uptime && isfinite(*v);
	default:
		*v = (double)i;
		return true;
	}
}

static void section_timeline(FILE *o, const struct oom_report *r)
{
	fputs("<h2>Timeline</h2>\n", o);
	if (!r->nev) {
		fputs("<p>No event.</p>\n", o);
		return;
	}
	/* One axis: wall clock when more events have a full date than an
	 * uptime, else seconds since boot; the events' order in the log when
	 * not even half of them have the axis's kind of time. */
	double *wall = xcalloc(r->nev, sizeof(*wall));
	bool *has_wall = xcalloc(r->nev, sizeof(*has_wall));
	size_t nwall = 0, nup = 0;
	for (size_t i = 0; i < r->nev; i++) {
		struct oom_time t;
		oom_time_parse(r->ev[i].time_text, &t);
		if (t.iso[0] && iso_seconds(t.iso, &wall[i])) {
			has_wall[i] = true;
			nwall++;
		}
		nup += r->ev[i].has_uptime;
	}
	enum axis ax = nwall > nup ? AXIS_WALL : AXIS_UPTIME;
	if ((ax == AXIS_WALL ? nwall : nup) * 2 < r->nev)
		ax = AXIS_ORDER;
	double lo = INFINITY, hi = -INFINITY, v;
	size_t first = 0, last = 0, placed = 0;
	for (size_t i = 0; i < r->nev; i++) {
		if (!axis_value(r, i, ax, wall, has_wall, &v))
			continue;
		if (v < lo)
			lo = v, first = i;
		if (v > hi)
			hi = v, last = i;
		placed++;
	}
	double span = hi > lo ? hi - lo : 1;
	fprintf(o, "<svg role=img aria-label=\"events over time\" width=%d height=70 viewBox=\"0 0 %d 70\">"
		   "<line class=axis x1=10 y1=45 x2=%d y2=45 />",
		TIMELINE_W + 20, TIMELINE_W + 20, TIMELINE_W + 10);
	bool link = r->nev <= TIMELINE_LINKS_MAX;
	for (size_t i = 0; i < r->nev; i++) {
		if (!axis_value(r, i, ax, wall, has_wall, &v))
			continue;
		double x = 10 + (v - lo) / span * TIMELINE_W;
		if (link)
			fprintf(o, "<a href=\"#e%zu\">", i + 1);
		fprintf(o, "<line class=\"wm c-%s\" x1=%.1f y1=8 x2=%.1f y2=42 />", r->verdicts[i].code, x, x);
		if (link)
			fputs("</a>", o);
	}
	fputs("<text x=10 y=62>", o);
	if (ax == AXIS_ORDER)
		fputs("event 1", o);
	else
		esc(o, r->ev[first].time_text[0] ? r->ev[first].time_text : "?");
	fprintf(o, "</text><text x=%d y=62 text-anchor=end>", TIMELINE_W + 10);
	if (ax == AXIS_ORDER)
		fprintf(o, "event %zu", r->nev);
	else
		esc(o, r->ev[last].time_text[0] ? r->ev[last].time_text : "?");
	fputs("</text></svg>\n", o);
	if (ax == AXIS_ORDER)
		fputs("<p>The events in the log's order: too few have a date or an uptime to place them in time.</p>\n", o);
	else
		fprintf(o, "<p>%s axis; %zu of %zu events placed.</p>\n",
			ax == AXIS_WALL ? "Wall-clock" : "Seconds-since-boot", placed, r->nev);
	free(wall);
	free(has_wall);
}

/* --- summary table ----------------------------------------------------- */

static void task_cell(FILE *o, bool present, const char *comm, struct opt_u64 pid, const char *absent)
{
	fputs("<td>", o);
	if (present) {
		esc(o, comm);
		if (pid.known)
			fprintf(o, " (%llu)", (unsigned long long)pid.v);
	} else {
		fputs(absent, o);
	}
	fputs("</td>", o);
}

static void section_summary(FILE *o, const struct oom_report *r)
{
	if (!r->nev)
		return;
	fputs("<h2>Events</h2>\n<table id=summary><thead><tr><th>#</th><th>time</th><th>kind</th><th>invoker</th>"
	      "<th>victim</th><th>verdict</th><th>key number</th></tr></thead><tbody>\n",
	      o);
	for (size_t i = 0; i < r->nev; i++) {
		const struct oom_event *e = &r->ev[i];
		const struct oom_verdict *v = &r->verdicts[i];
		char fig[256];
		oom_figure_text(e, &r->facts[i], v, fig, sizeof(fig));
		fprintf(o, "<tr data-i=%zu><td><a href=\"#e%zu\">%zu</a></td><td>", i, i + 1, i + 1);
		esc(o, e->time_text[0] ? e->time_text : "-");
		fprintf(o, "</td><td>%s</td>", oom_kind_name(e->kind));
		task_cell(o, e->inv.present, e->inv.comm, e->inv.pid, "-");
		task_cell(o, e->vic.present, e->vic.comm, e->vic.pid, e->no_killable ? "none killable" : "no kill seen");
		fprintf(o, "<td><span class=\"code c-%s\">%s</span></td><td>", v->code, v->code);
		esc(o, fig);
		fputs("</td></tr>\n", o);
	}
	fputs("</tbody></table>\n", o);
}

/* --- per event: drawn from the event's --json object ------------------- */

/* The value at PATH ("memory.free_kb", "zones.0.min_kb") in o; NULL when
 * absent or null. */
static struct json_object *jget(struct json_object *o, const char *path)
{
	const char *p = path;
	while (o && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[64];
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			unsigned long k = strtoul(key, &end, 10);
			if (!n || *end || k >= json_object_array_length(o))
				return NULL;
			o = json_object_array_get_idx(o, k);
		} else if (json_object_is_type(o, json_type_object)) {
			if (!json_object_object_get_ex(o, key, &o))
				return NULL;
		} else {
			return NULL;
		}
		p = dot ? dot + 1 : p + n;
	}
	return o;
}

/* A known, non-negative integer at PATH. */
static struct opt_u64 jkb(struct json_object *o, const char *path)
{
	struct json_object *x = jget(o, path);
	if (!x || !json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 0)
		return OPT_U64_UNKNOWN;
	return opt_u64(json_object_get_uint64(x));
}

static bool jtrue(struct json_object *o, const char *key)
{
	struct json_object *x;
	return json_object_object_get_ex(o, key, &x) && json_object_is_type(x, json_type_boolean) &&
	       json_object_get_boolean(x);
}

/* A scalar from the JSON, tied to its path (see the top): numbers and
 * booleans as the JSON writes them, "?" for null, strings escaped. */
static void jscalar(FILE *o, struct json_object *x, const char *path)
{
	if (!x) {
		fputs("<span data-j=\"", o);
		esc(o, path);
		fputs("\" data-null>?</span>", o);
	} else if (json_object_is_type(x, json_type_string)) {
		esc_n(o, json_object_get_string(x), (size_t)json_object_get_string_len(x));
	} else {
		fputs("<span data-j=\"", o);
		esc(o, path);
		fputs("\">", o);
		esc(o, json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN));
		fputs("</span>", o);
	}
}

#define JSON_DEPTH_MAX 6
#define JSON_ROWS_MAX 200 /* rows of one table in the page; --json has them all */

static void jvalue(FILE *o, struct json_object *x, struct strbuf *path, int depth, const char *const *skip);

/* One table cell holding x (at path): a scalar carries data-j on the cell
 * itself, the page's most repeated markup. */
static void jtd(FILE *o, struct json_object *x, struct strbuf *path, int depth)
{
	if (x && (json_object_is_type(x, json_type_array) || json_object_is_type(x, json_type_object))) {
		fputs("<td>", o);
		jvalue(o, x, path, depth, NULL);
		fputs("</td>", o);
	} else if (x && json_object_is_type(x, json_type_string)) {
		fputs("<td>", o);
		esc_n(o, json_object_get_string(x), (size_t)json_object_get_string_len(x));
		fputs("</td>", o);
	} else {
		fputs("<td data-j=\"", o);
		esc(o, path->buf);
		if (x) {
			fputs("\">", o);
			esc(o, json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN));
			fputs("</td>", o);
		} else {
			fputs("\" data-null>?</td>", o);
		}
	}
}

/* The cell of one number at PATH within the event. */
static void jcell(FILE *o, struct json_object *ev, const char *path)
{
	struct strbuf p;
	sb_init(&p);
	sb_adds(&p, path);
	jtd(o, jget(ev, path), &p, 1);
	sb_free(&p);
}

/* Appends ".key" (or "key" at the top) to path; returns the old length. */
static size_t path_push(struct strbuf *path, const char *key)
{
	size_t old = path->len;
	if (old)
		sb_adds(path, ".");
	sb_adds(path, key);
	return old;
}

static void path_pop(struct strbuf *path, size_t old)
{
	path->len = old;
	path->buf[old] = '\0';
}

static bool skipped(const char *const *skip, const char *key)
{
	for (; skip && *skip; skip++)
		if (strcmp(*skip, key) == 0)
			return true;
	return false;
}

/* An array of objects as one table, its columns the first object's keys;
 * rows with "victim" or "invoker" true are marked. */
static void jtable(FILE *o, struct json_object *a, struct strbuf *path, int depth)
{
	size_t n = json_object_array_length(a);
	struct json_object *first = json_object_array_get_idx(a, 0);
	fputs("<table class=rows><tr>", o);
	json_object_object_foreach(first, hk, hv)
	{
		(void)hv;
		fputs("<th>", o);
		esc(o, hk);
		fputs("</th>", o);
	}
	fputs("</tr>\n", o);
	for (size_t i = 0; i < n && i < JSON_ROWS_MAX; i++) {
		struct json_object *row = json_object_array_get_idx(a, i);
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		size_t old = path_push(path, idx);
		fprintf(o, "<tr%s>", jtrue(row, "victim") ? " class=victim" : jtrue(row, "invoker") ? " class=trigger" : "");
		json_object_object_foreach(first, k, unused)
		{
			(void)unused;
			struct json_object *v = NULL;
			bool has = json_object_is_type(row, json_type_object) && json_object_object_get_ex(row, k, &v);
			size_t o2 = path_push(path, k);
			if (has)
				jtd(o, v, path, depth + 1);
			else
				fputs("<td></td>", o);
			path_pop(path, o2);
		}
		fputs("</tr>\n", o);
		path_pop(path, old);
	}
	fputs("</table>\n", o);
	if (n > JSON_ROWS_MAX)
		fprintf(o, "<p>and %zu more rows (see --json).</p>\n", n - JSON_ROWS_MAX);
}

static void jvalue(FILE *o, struct json_object *x, struct strbuf *path, int depth, const char *const *skip)
{
	if (depth > JSON_DEPTH_MAX) {
		fputs("...", o);
		return;
	}
	if (json_object_is_type(x, json_type_array)) {
		size_t n = json_object_array_length(x);
		if (n && json_object_is_type(json_object_array_get_idx(x, 0), json_type_object)) {
			jtable(o, x, path, depth);
			return;
		}
		for (size_t i = 0; i < n && i < JSON_ROWS_MAX; i++) {
			char idx[24];
			snprintf(idx, sizeof(idx), "%zu", i);
			size_t old = path_push(path, idx);
			if (i)
				fputs(", ", o);
			jvalue(o, json_object_array_get_idx(x, i), path, depth + 1, NULL);
			path_pop(path, old);
		}
		if (!n)
			fputs("none", o);
	} else if (json_object_is_type(x, json_type_object)) {
		fputs("<table>", o);
		json_object_object_foreach(x, k, v)
		{
			/* a null member says nothing the section does not (page size) */
			if (!v || skipped(skip, k))
				continue;
			size_t old = path_push(path, k);
			fputs("<tr><th>", o);
			esc(o, k);
			fputs("</th>", o);
			jtd(o, v, path, depth + 1);
			fputs("</tr>\n", o);
			path_pop(path, old);
		}
		fputs("</table>\n", o);
	} else {
		jscalar(o, x, path->buf);
	}
}

/* A top-level member of the event under a heading, generically; "absent"
 * when it is null (or nothing when absent is NULL). */
static void jsection(FILE *o, struct json_object *ev, const char *key, const char *title, const char *absent,
		     const char *const *skip)
{
	struct json_object *x = jget(ev, key);
	if (!x && !absent)
		return;
	if (x && json_object_is_type(x, json_type_object)) {
		bool any = false; /* anything left to show */
		json_object_object_foreach(x, k, v)
			any = any || (v && !skipped(skip, k));
		if (!any)
			return;
	}
	fprintf(o, "<h3>%s</h3>\n", title);
	if (!x) {
		fprintf(o, "<p>%s</p>\n", absent);
		return;
	}
	struct strbuf path;
	sb_init(&path);
	sb_adds(&path, key);
	jvalue(o, x, &path, 1, skip);
	sb_free(&path);
}

/* Where the RAM went: the Mem-Info breakdown where the log has it (each
 * part is its own page set: LRU lists, slab, page tables, stacks, the
 * hugepage pool), else the tasks' RSS; the balloon and free memory; the
 * rest is what none of them covers (other kernel memory, reserved pages). */
static void part_ram(FILE *o, struct json_object *ev, bool full)
{
	static const struct {
		const char *path, *label, *colour, *pct;
	} parts[] = {
		{ "balloon.size_kb", "balloon", "#d7301f", NULL },
		{ "meminfo.active_anon_kb", "active anon", "#08519c", "meminfo.percent_of_ram.active_anon" },
		{ "meminfo.inactive_anon_kb", "inactive anon", "#4292c6", "meminfo.percent_of_ram.inactive_anon" },
		{ "meminfo.active_file_kb", "active file", "#6a51a3", "meminfo.percent_of_ram.active_file" },
		{ "meminfo.inactive_file_kb", "inactive file", "#9e9ac8", "meminfo.percent_of_ram.inactive_file" },
		{ "meminfo.unevictable_kb", "unevictable", "#8c6d31", "meminfo.percent_of_ram.unevictable" },
		{ "meminfo.slab_reclaimable_kb", "slab reclaimable", "#e7ba52", "meminfo.percent_of_ram.slab_reclaimable" },
		{ "meminfo.slab_unreclaimable_kb", "slab unreclaimable", "#bd9e39",
		  "meminfo.percent_of_ram.slab_unreclaimable" },
		{ "meminfo.pagetables_kb", "page tables", "#637939", "meminfo.percent_of_ram.pagetables" },
		{ "meminfo.kernel_stack_kb", "kernel stacks", "#8ca252", "meminfo.percent_of_ram.kernel_stack" },
		{ "meminfo.hugepages_kb", "hugepage pool", "#ad494a", "meminfo.percent_of_ram.hugepages" },
		{ "tasks.rss_kb_total", "tasks' RSS", "#4575b4", "tasks.rss_percent_of_ram" },
		{ "memory.free_kb", "free", "#a6d96a", NULL },
	};
	fputs("<h3>Where the RAM went</h3>\n", o);
	struct opt_u64 ram = jkb(ev, "memory.ram_kb");
	if (!ram.known || !ram.v) {
		fputs("<p>The log does not give the RAM size.</p>\n", o);
		return;
	}
	bool have_mi = jget(ev, "meminfo") != NULL;
	struct opt_u64 kb[ARRAY_SIZE(parts)];
	bool use[ARRAY_SIZE(parts)];
	uint64_t sum = 0;
	for (size_t k = 0; k < ARRAY_SIZE(parts); k++) {
		bool mi = strncmp(parts[k].path, "meminfo.", 8) == 0;
		bool tasks = strncmp(parts[k].path, "tasks.", 6) == 0;
		use[k] = !(tasks && have_mi) && !(mi && !have_mi);
		kb[k] = jkb(ev, parts[k].path);
		if (use[k] && kb[k].known && !add_u64(sum, kb[k].v, &sum))
			sum = UINT64_MAX;
	}
	uint64_t rest = sum <= ram.v ? ram.v - sum : 0, scale = sum > ram.v ? sum : ram.v;
	fputs("<svg role=img aria-label=\"RAM bar\" width=800 height=24 viewBox=\"0 0 800 24\">", o);
	double x = 0;
	for (size_t k = 0; k <= ARRAY_SIZE(parts); k++) {
		bool last = k == ARRAY_SIZE(parts);
		uint64_t v = last ? rest : (use[k] && kb[k].known ? kb[k].v : 0);
		if (!v)
			continue;
		double w = (double)v / (double)scale * 800;
		fprintf(o, "<rect x=%.1f y=0 width=%.1f height=24 style=\"fill:%s\"><title>%s %llu kB</title></rect>", x,
			w, last ? "#bbb" : parts[k].colour, last ? "the rest" : parts[k].label, (unsigned long long)v);
		x += w;
	}
	fputs("</svg>\n", o);
	if (!full)
		return;
	char h[32];
	fputs("<table><tr><th>part</th><th>kB</th><th>size</th><th>% of RAM</th></tr>\n<tr><td>RAM</td>", o);
	jcell(o, ev, "memory.ram_kb");
	fprintf(o, "<td>%s</td><td></td></tr>\n", human(h, sizeof(h), ram));
	for (size_t k = 0; k < ARRAY_SIZE(parts); k++) {
		if (!use[k] || (!kb[k].known && k == 0 && !jget(ev, "balloon")))
			continue;
		fprintf(o, "<tr><td><span class=legend><span style=\"background:%s\"></span></span>%s</td>",
			parts[k].colour, parts[k].label);
		jcell(o, ev, parts[k].path);
		fprintf(o, "<td>%s</td>", kb[k].known ? human(h, sizeof(h), kb[k]) : "not in the log");
		if (parts[k].pct && jget(ev, parts[k].pct))
			jcell(o, ev, parts[k].pct);
		else if (kb[k].known)
			fprintf(o, "<td class=n>%.1f</td>", (double)kb[k].v * 100 / (double)ram.v);
		else
			fputs("<td></td>", o);
		fputs("</tr>\n", o);
	}
	fprintf(o, "<tr><td><span class=legend><span style=\"background:#bbb\"></span></span>the rest (other kernel "
		   "memory, reserved, ...)</td><td class=n></td><td>%s</td><td class=n>%.1f</td></tr>\n",
		human(h, sizeof(h), opt_u64(rest)), (double)rest * 100 / (double)ram.v);
	fputs("</table>\n", o);
	if (jtrue(jget(ev, "balloon"), "estimate"))
		fputs("<p>The balloon size is an ESTIMATE (see Balloon).</p>\n", o);
}

/* Free memory against min/low/high, one bar per zone. */
static void part_zones(FILE *o, struct json_object *ev, bool full)
{
	fputs("<h3>Free memory against the watermarks</h3>\n", o);
	struct json_object *zones = jget(ev, "zones");
	size_t nz = zones && json_object_is_type(zones, json_type_array) ? json_object_array_length(zones) : 0;
	if (!nz) {
		fputs("<p>The log has no zone lines.</p>\n", o);
		return;
	}
	const int W = 560, row = 26;
	fprintf(o, "<svg role=img aria-label=\"zones\" width=%d height=%zu viewBox=\"0 0 %d %zu\">", W + 140,
		nz * row + 4, W + 140, nz * row + 4);
	static const char *const keys[] = { "free_kb", "min_kb", "low_kb", "high_kb" };
	static const char *const wm[] = { "wm-min", "wm-low", "wm-high" };
	for (size_t z = 0; z < nz; z++) {
		struct json_object *zn = json_object_array_get_idx(zones, z);
		struct opt_u64 v[4];
		uint64_t m = 0;
		for (size_t k = 0; k < 4; k++) {
			v[k] = jkb(zn, keys[k]);
			if (v[k].known && v[k].v > m)
				m = v[k].v;
		}
		double scale = m ? (double)W / ((double)m * 1.1) : 0;
		size_t y = z * row + 2;
		struct opt_u64 node = jkb(zn, "node");
		struct json_object *name = jget(zn, "name");
		fputs("<text x=0 y=", o);
		fprintf(o, "%zu>Node %s ", y + 15, node.known ? "" : "?");
		if (node.known)
			fprintf(o, "%llu ", (unsigned long long)node.v);
		esc(o, name && json_object_is_type(name, json_type_string) ? json_object_get_string(name) : "?");
		fputs("</text>", o);
		if (v[0].known)
			fprintf(o, "<rect class=free x=130 y=%zu width=%.1f height=18 />", y + 2, (double)v[0].v * scale);
		for (size_t k = 1; k < 4; k++)
			if (v[k].known) {
				double x = 130 + (double)v[k].v * scale;
				fprintf(o, "<line class=\"wm %s\" x1=%.1f y1=%zu x2=%.1f y2=%zu />", wm[k - 1], x, y, x, y + 22);
			}
	}
	fputs("</svg>\n<p class=legend><span style=\"background:#4575b4\"></span>free"
	      "<span style=\"background:#d7301f\"></span>min<span style=\"background:#f29e2e\"></span>low"
	      "<span style=\"background:#1a9850\"></span>high (each zone on its own scale)</p>\n",
	      o);
	if (!full)
		return;
	struct strbuf path;
	sb_init(&path);
	sb_adds(&path, "zones");
	jtable(o, zones, &path, 1);
	sb_free(&path);
}

static void part_tasks(FILE *o, struct json_object *ev, bool full)
{
	fputs("<h3>Tasks</h3>\n", o);
	struct json_object *t = jget(ev, "tasks");
	if (!t) {
		fputs("<p>The log has no task table.</p>\n", o);
		return;
	}
	/* the whole table when it was kept; the largest rows otherwise, and
	 * in a compact block */
	static const char *const skip_largest[] = { "largest", NULL };
	struct strbuf path;
	sb_init(&path);
	sb_adds(&path, "tasks");
	struct json_object *largest = jget(t, "largest");
	if (!full && largest && json_object_is_type(largest, json_type_array) && json_object_array_length(largest)) {
		sb_adds(&path, ".largest");
		jtable(o, largest, &path, 2);
	} else {
		jvalue(o, t, &path, 1, jget(t, "rows") ? skip_largest : NULL);
	}
	sb_free(&path);
}

/* The members the parts above and below show; the rest go under "More". */
static const char *const shown[] = { "time", "kind", "verdict", "next_steps", "memory", "meminfo", "zones",
				     "allocation", "tasks", "invoker", "victim", "oom_reaper", "memcg",
				     "balloon", "unreclaimable_slab", "kernel", "hardware", "page_size_kb",
				     "page_size_source", NULL };

/* A string member of the event, escaped; false when it is not one. */
static bool jstr(FILE *o, struct json_object *ev, const char *key)
{
	struct json_object *x = jget(ev, key);
	if (!x || !json_object_is_type(x, json_type_string))
		return false;
	esc_n(o, json_object_get_string(x), (size_t)json_object_get_string_len(x));
	return true;
}

/* The machine: kernel, hardware and page size, as the log gives them. */
static void part_machine(FILE *o, struct json_object *ev)
{
	fputs("<p>Kernel ", o);
	if (!jstr(o, ev, "kernel"))
		fputs("not in the log", o);
	fputs("; hardware ", o);
	if (!jstr(o, ev, "hardware"))
		fputs("not in the log", o);
	struct json_object *ps = jget(ev, "page_size_kb");
	if (ps) {
		fputs("; page size ", o);
		jscalar(o, ps, "page_size_kb");
		fputs(" KiB (", o);
		jstr(o, ev, "page_size_source");
		fputs(")", o);
	}
	fputs(".</p>\n", o);
}

/* full: every section; else (past HTML_FULL_EVENTS) a compact block:
 * verdict, next steps, the watermarks, the RAM bar, the zones' bars and the
 * largest tasks. */
static void section_event(FILE *o, const struct oom_report *r, size_t i, bool full)
{
	const struct oom_event *e = &r->ev[i];
	const struct oom_verdict *v = &r->verdicts[i];
	struct json_object *ev = oom_event_json(r, i);
	fprintf(o, "<details id=e%zu data-i=%zu><summary>%zu. ", i + 1, i, i + 1);
	esc(o, e->time_text[0] ? e->time_text : "-");
	fprintf(o, " %s <span class=\"code c-%s\">%s</span></summary>\n", oom_kind_name(e->kind), v->code, v->code);
	if (r->ninputs > 1 && e->file_index < r->ninputs) {
		fputs("<p>In <code>", o);
		esc(o, r->inputs[e->file_index].name);
		fputs("</code></p>\n", o);
	}
	fprintf(o, "<p class=verdict><span class=\"code c-%s\">%s</span> ", v->code, v->code);
	esc(o, v->summary);
	fputs("</p>\n", o);
	if (jtrue(ev, "panic")) {
		fputs("<p><b>The kernel panicked</b>", o);
		struct json_object *why = jget(ev, "panic_reason");
		if (why && json_object_is_type(why, json_type_string)) {
			fputs(" (", o);
			esc(o, json_object_get_string(why));
			fputs(")", o);
		}
		fputs(".</p>\n", o);
	}
	part_machine(o, ev);
	struct json_object *next = jget(ev, "next_steps");
	if (next && json_object_is_type(next, json_type_array) && json_object_array_length(next)) {
		fputs("<p>Next:</p><ul>", o);
		for (size_t k = 0; k < json_object_array_length(next); k++) {
			struct json_object *s = json_object_array_get_idx(next, k);
			fputs("<li>", o);
			if (s && json_object_is_type(s, json_type_string))
				esc(o, json_object_get_string(s));
			fputs("</li>", o);
		}
		fputs("</ul>\n", o);
	}
	fputs("<table><tr><th>free kB</th>", o);
	jcell(o, ev, "memory.free_kb");
	fputs("<th>min kB</th>", o);
	jcell(o, ev, "memory.min_kb");
	fputs("<th>low kB</th>", o);
	jcell(o, ev, "memory.low_kb");
	fputs("<th>high kB</th>", o);
	jcell(o, ev, "memory.high_kb");
	fputs("<th>swap free / total kB</th>", o);
	jcell(o, ev, "memory.swap_free_kb");
	jcell(o, ev, "memory.swap_total_kb");
	fputs("</tr></table>\n", o);
	part_ram(o, ev, full);
	part_zones(o, ev, full);
	if (!full) {
		part_tasks(o, ev, false);
		fputs("<p>A compact block (the page shows all sections for the first events only): "
		      "--json has the rest.</p>\n</details>\n", o);
		json_object_put(ev);
		return;
	}
	jsection(o, ev, "allocation", "Why the allocation failed", NULL, NULL);
	part_tasks(o, ev, true);
	jsection(o, ev, "invoker", "Invoker", "Not in the log.", NULL);
	jsection(o, ev, "victim", "Victim", e->no_killable ? "None (no killable processes)." : "Not in the log.", NULL);
	jsection(o, ev, "oom_reaper", "oom_reaper", NULL, NULL);
	jsection(o, ev, "memcg", "Memory cgroup", NULL, NULL);
	jsection(o, ev, "balloon", "Balloon", "The log shows no balloon.", NULL);
	jsection(o, ev, "unreclaimable_slab", "Unreclaimable slab", NULL, NULL);
	/* what the tables above do not already show */
	static const char *const mem_shown[] = { "ram_kb", "free_kb", "min_kb", "low_kb", "high_kb",
						 "swap_free_kb", "swap_total_kb", NULL };
	static const char *const mi_shown[] = { "active_anon_kb", "inactive_anon_kb", "active_file_kb",
						"inactive_file_kb", "unevictable_kb", "slab_reclaimable_kb",
						"slab_unreclaimable_kb", "pagetables_kb", "kernel_stack_kb",
						"hugepages_kb", "percent_of_ram", NULL };
	jsection(o, ev, "memory", "More memory figures", NULL, mem_shown);
	jsection(o, ev, "meminfo", "More of Mem-Info", NULL, mi_shown);
	/* everything else the JSON has (platform, page size, flags, ...) */
	fputs("<h3>More</h3>\n", o);
	struct strbuf path;
	sb_init(&path);
	jvalue(o, ev, &path, 0, shown);
	sb_free(&path);
	fputs("</details>\n", o);
	json_object_put(ev);
}

bool oom_view_html(FILE *o, const struct oom_report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
	      /* nothing may be fetched: the page is read offline, attached to tickets */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=viewport content=\"width=device-width\">\n"
	      "<title>vbtool explain-oom report</title>\n<style>",
	      o);
	fputs(css, o);
	verdict_css(o);
	fputs("</style></head><body>\n", o);
	section_header(o, r);
	section_timeline(o, r);
	section_summary(o, r);
	if (r->nev)
		fputs("<h2>Details</h2>\n", o);
	for (size_t i = 0; i < r->nev; i++)
		section_event(o, r, i, i < HTML_FULL_EVENTS);
	fputs("</body></html>\n", o);
	return !ferror(o);
}
