/* explain-oom --json: the contract is in vbtool-explain-oom(8). Unknown is
 * null, never 0. */
#include "oom/view.h"

#include <limits.h>
#include <string.h>

#include "oom/gfp.h"
#include "oom/timeparse.h"
#include "base/jsonw.h"
#include "base/util.h"

/* The time as ISO 8601 beside the text as printed (issue #19), parsed here:
 * once per event shown, never per log line. */
static void add_time_iso(struct jsonw *w, const char *iso_key, const char *note_key, const char *text)
{
	struct oom_time t;
	oom_time_parse(text, &t);
	oom_json_str_or_null(w, iso_key, t.iso);
	if (note_key)
		oom_json_str_or_null(w, note_key, t.note);
}

/* "gfp_flags" (the names, or null) and "gfp_flags_source". */
static void gfp_flags(struct jsonw *w, const struct oom_invoker *inv, const char *release)
{
	char buf[512];
	const char *names = NULL, *source = NULL;
	if (inv->gfp_printed[0]) {
		names = inv->gfp_printed;
		source = "printed";
	} else if (inv->gfp_mask.known) {
		names = oom_gfp_decode_release(inv->gfp_mask.v, release, buf, sizeof(buf));
		source = "decoded";
	}
	if (!names) {
		jsonw_null(w, "gfp_flags");
	} else {
		jsonw_array(w, "gfp_flags");
		const char *p = names;
		while (*p) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			if (n)
				jsonw_strn(w, NULL, p, n);
			p += n + (bar ? 1 : 0);
		}
		jsonw_end(w);
	}
	oom_json_str_or_null(w, "gfp_flags_source", source);
}

static void invoker_json(struct jsonw *w, const struct oom_invoker *inv, const char *release)
{
	if (!inv->present) {
		jsonw_null(w, "invoker");
		return;
	}
	jsonw_object(w, "invoker");
	jsonw_str(w, "comm", inv->comm);
	jsonw_opt_u64(w, "pid", inv->pid);
	char hex[24];
	snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)inv->gfp_mask.v);
	jsonw_str(w, "gfp_mask", inv->gfp_mask.known ? hex : NULL);
	gfp_flags(w, inv, release);
	oom_json_opt_i64(w, "order", inv->order);
	oom_json_opt_i64(w, "oom_score_adj", inv->oom_score_adj);
	jsonw_end(w);
}

static void victim_json(struct jsonw *w, const struct oom_victim *v)
{
	if (!v->present) {
		jsonw_null(w, "victim");
		return;
	}
	jsonw_object(w, "victim");
	jsonw_str(w, "comm", v->comm);
	jsonw_opt_u64(w, "pid", v->pid);
	jsonw_opt_u64(w, "uid", v->uid);
	jsonw_opt_u64(w, "total_vm_kb", v->total_vm_kb);
	jsonw_opt_u64(w, "anon_rss_kb", v->anon_rss_kb);
	jsonw_opt_u64(w, "file_rss_kb", v->file_rss_kb);
	jsonw_opt_u64(w, "shmem_rss_kb", v->shmem_rss_kb);
	jsonw_opt_u64(w, "pgtables_kb", v->pgtables_kb);
	oom_json_opt_i64(w, "oom_score_adj", v->oom_score_adj);
	jsonw_opt_u64(w, "score", v->score);
	jsonw_end(w);
}

static void reaper_json(struct jsonw *w, const struct oom_event *e)
{
	if (e->reaper == REAPER_UNKNOWN) {
		jsonw_null(w, "oom_reaper");
		return;
	}
	jsonw_object(w, "oom_reaper");
	jsonw_str(w, "result", e->reaper == REAPER_REAPED ? "reaped" : "unable");
	jsonw_opt_u64(w, "anon_rss_kb", e->reaper_anon_kb);
	jsonw_opt_u64(w, "file_rss_kb", e->reaper_file_kb);
	jsonw_opt_u64(w, "shmem_rss_kb", e->reaper_shmem_kb);
	jsonw_end(w);
}

static void memory_json(struct jsonw *w, const struct oom_event *e, const struct oom_facts *f)
{
	jsonw_object(w, "memory");
	jsonw_opt_u64(w, "ram_kb", f->ram_kb);
	jsonw_opt_u64(w, "free_kb", f->free_kb);
	jsonw_opt_u64(w, "min_kb", f->min_kb);
	jsonw_opt_u64(w, "low_kb", f->low_kb);
	jsonw_opt_u64(w, "high_kb", f->high_kb);
	jsonw_opt_u64(w, "present_kb", f->present_kb);
	jsonw_opt_u64(w, "managed_kb", f->managed_kb);
	jsonw_opt_u64(w, "present_managed_gap_kb", f->gap_kb);
	jsonw_opt_u64(w, "reserved_kb", oom_kb_of_pages(e, e->reserved_pages));
	jsonw_opt_u64(w, "highmem_kb", oom_kb_of_pages(e, e->highmem_pages));
	jsonw_opt_u64(w, "swap_total_kb", e->swap_total_kb);
	jsonw_opt_u64(w, "swap_free_kb", e->swap_free_kb);
	jsonw_end(w);
}

static void zones_json(struct jsonw *w, const struct oom_event *e)
{
	jsonw_array(w, "zones");
	for (unsigned i = 0; i < e->nzones; i++) {
		const struct oom_zone *z = &e->zones[i];
		jsonw_object(w, NULL);
		oom_json_zone_name(w, z);
		jsonw_opt_u64(w, "free_kb", z->free_kb);
		jsonw_opt_u64(w, "min_kb", z->min_kb);
		jsonw_opt_u64(w, "low_kb", z->low_kb);
		jsonw_opt_u64(w, "high_kb", z->high_kb);
		jsonw_opt_u64(w, "present_kb", z->present_kb);
		jsonw_opt_u64(w, "managed_kb", z->managed_kb);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void memcg_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	if (e->kind != OOM_KIND_MEMCG && !e->memcg[0] && !e->memcg_usage_kb.known) {
		jsonw_null(w, "memcg");
		return;
	}
	jsonw_object(w, "memcg");
	oom_json_str_or_null(w, "path", e->memcg);
	oom_json_str_or_null(w, "task_memcg", e->task_memcg);
	jsonw_opt_u64(w, "usage_kb", e->memcg_usage_kb);
	jsonw_opt_u64(w, "limit_kb", e->memcg_limit_kb);
	jsonw_opt_u64(w, "failcnt", e->memcg_failcnt);
	oom_detail_memcg_json(w, r, i);
	jsonw_end(w);
}

static void tasks_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	if (!e->ntasks && !oom_task_table_empty(e)) {
		jsonw_null(w, "tasks");
		return;
	}
	jsonw_object(w, "tasks");
	jsonw_u64(w, "count", e->ntasks);
	jsonw_opt_u64(w, "rss_kb_total", oom_kb_of_pages(e, e->tasks_rss_pages));
	jsonw_array(w, "largest");
	for (unsigned k = 0; k < e->ntop; k++) {
		const struct oom_task *t = &e->top[k];
		jsonw_object(w, NULL);
		jsonw_u64(w, "pid", t->pid);
		jsonw_str(w, "comm", t->comm);
		jsonw_opt_u64(w, "rss_kb", oom_kb_of_pages(e, opt_u64(t->rss_pages)));
		jsonw_opt_u64(w, "total_vm_kb", oom_kb_of_pages(e, t->total_vm_pages));
		jsonw_opt_u64(w, "rss_anon_kb", oom_kb_of_pages(e, t->rss_anon_pages));
		jsonw_opt_u64(w, "rss_file_kb", oom_kb_of_pages(e, t->rss_file_pages));
		jsonw_opt_u64(w, "rss_shmem_kb", oom_kb_of_pages(e, t->rss_shmem_pages));
		oom_json_opt_i64(w, "oom_score_adj", t->oom_score_adj);
		jsonw_end(w);
	}
	jsonw_end(w);
	oom_detail_tasks_json(w, r, i);
	jsonw_end(w);
}

static void balloon_json(struct jsonw *w, const struct oom_event *e, const struct oom_facts *f)
{
	const struct oom_balloon *b = &f->balloon;
	if (!b->present) {
		jsonw_null(w, "balloon");
		return;
	}
	jsonw_object(w, "balloon");
	jsonw_opt_u64(w, "size_kb", b->size_kb);
	jsonw_str(w, "source", b->source);
	jsonw_bool(w, "estimate", b->estimate);
	jsonw_opt_u64(w, "size_min_kb", b->size_min_kb);
	jsonw_opt_u64(w, "size_max_kb", b->size_max_kb);
	if (b->estimate) {
		jsonw_object(w, "estimate_basis");
		jsonw_opt_u64(w, "present_managed_gap_kb", f->gap_kb);
		jsonw_opt_u64(w, "memmap_kb", b->memmap_kb);
		jsonw_u64(w, "kernel_reserve_min_kb", OOM_KERNEL_RESERVE_MIN_KB);
		jsonw_u64(w, "kernel_reserve_max_kb", OOM_KERNEL_RESERVE_MAX_KB);
		jsonw_end(w);
	} else {
		jsonw_null(w, "estimate_basis");
	}
	if (b->deflate_on_oom < 0)
		jsonw_null(w, "deflate_on_oom");
	else
		jsonw_bool(w, "deflate_on_oom", b->deflate_on_oom);
	oom_json_str_or_null(w, "driver", e->balloon.driver);
	jsonw_opt_u64(w, "inflated_total_kb", e->balloon.inflated_total_kb);
	jsonw_opt_u64(w, "inflated_free_kb", e->balloon.inflated_free_kb);
	jsonw_opt_u64(w, "node_balloon_kb", e->balloon.node_balloon_kb);
	jsonw_bool(w, "oom_notify_frame", e->balloon.oom_notify_frame);
	oom_json_str_or_null(w, "oom_notify_function", e->balloon.oom_notify_fn);
	if (e->balloon.oom_notify_frame)
		jsonw_bool(w, "oom_notify_frame_reliable", e->balloon.oom_notify_reliable);
	else
		jsonw_null(w, "oom_notify_frame_reliable");
	jsonw_array(w, "messages");
	for (unsigned i = 0; i < e->balloon.nevidence; i++) {
		jsonw_object(w, NULL);
		oom_json_str_or_null(w, "time", e->balloon.evidence[i].time_text);
		add_time_iso(w, "time_iso", NULL, e->balloon.evidence[i].time_text);
		jsonw_str(w, "message", e->balloon.evidence[i].text);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_end(w);
}

/* Microsecond precision, written as printed rather than as 17 digits. */
static void uptime_json(struct jsonw *w, double s)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.6f", s);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	jsonw_number(w, "uptime_s", buf);
}

void oom_event_write(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	const struct oom_facts *f = &r->facts[i];
	jsonw_object(w, NULL);
	jsonw_str(w, "file", e->file_index < r->ninputs ? r->inputs[e->file_index].name : NULL);
	oom_json_str_or_null(w, "time", e->time_text);
	add_time_iso(w, "time_iso", "time_note", e->time_text);
	if (e->has_uptime)
		uptime_json(w, e->uptime_s);
	else
		jsonw_null(w, "uptime_s");
	jsonw_str(w, "kind", oom_kind_name(e->kind));
	oom_json_str_or_null(w, "constraint", e->constraint);
	oom_json_opt_i64(w, "order", e->inv.order);
	invoker_json(w, &e->inv, e->plat.kernel);
	victim_json(w, &e->vic);
	reaper_json(w, e);
	memory_json(w, e, f);
	zones_json(w, e);
	memcg_json(w, r, i);
	tasks_json(w, r, i);
	balloon_json(w, e, f);
	oom_json_str_or_null(w, "vm_sign", f->vm_sign);
	jsonw_object(w, "verdict");
	jsonw_str(w, "code", r->verdicts[i].code);
	jsonw_str(w, "summary", r->verdicts[i].summary);
	jsonw_end(w);
	oom_why_json(w, r, i);
	jsonw_bool(w, "fragment", e->fragment);
	jsonw_bool(w, "no_killable", e->no_killable);
	jsonw_bool(w, "panic", e->panic);
	jsonw_str(w, "panic_reason", e->panic_reason);
	jsonw_bool(w, "sysrq", e->sysrq);
	oom_detail_json(w, r, i);
	jsonw_end(w);
}

struct json_object *oom_event_json(const struct oom_report *r, size_t i)
{
	struct jsonw w;
	jsonw_init(&w, NULL);
	oom_event_write(&w, r, i);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL;
	/* the writer's own text: well-formed, and an event nests 4 levels,
	 * well within the tokener's default depth (32) */
	if (!w.failed && w.len <= INT_MAX)
		o = json_tokener_parse_ex(tok, w.buf, (int)w.len);
	json_tokener_free(tok);
	jsonw_finish(&w);
	return o;
}

static void summary_json(struct jsonw *w, const struct oom_report *r)
{
	jsonw_object(w, NULL);
	jsonw_u64(w, "events", r->totals.events);
	/* every kind, 0 when none; oom_kind_name gives no other name */
	static const char *const kind_keys[] = { "global", "memcg", "cpuset", "mempolicy", "unknown" };
	jsonw_object(w, "by_kind");
	for (size_t k = 0; k < ARRAY_SIZE(kind_keys); k++) {
		uint64_t n = 0;
		for (size_t j = 0; j < OOM_KIND_COUNT; j++)
			if (r->totals.by_kind[j] && strcmp(oom_kind_name((enum oom_kind)j), kind_keys[k]) == 0)
				n = r->totals.by_kind[j];
		jsonw_u64(w, kind_keys[k], n);
	}
	jsonw_end(w);
	jsonw_object(w, "by_verdict");
	for (size_t k = 0; k < OOM_VERDICT_MAX && oom_verdict_codes[k]; k++)
		if (r->totals.by_verdict[k])
			jsonw_u64(w, oom_verdict_codes[k], r->totals.by_verdict[k]);
	jsonw_end(w);
	jsonw_array(w, "victims");
	for (size_t i = 0; i < r->nev; i++) {
		const struct oom_event *e = &r->ev[i];
		if (e->vic.present) {
			jsonw_object(w, NULL);
			jsonw_str(w, "comm", e->vic.comm);
			jsonw_opt_u64(w, "pid", e->vic.pid);
			jsonw_end(w);
		}
	}
	jsonw_end(w);
	oom_json_str_or_null(w, "first_time", r->totals.first_time);
	oom_json_str_or_null(w, "last_time", r->totals.last_time);
	add_time_iso(w, "first_time_iso", NULL, r->totals.first_time);
	add_time_iso(w, "last_time_iso", NULL, r->totals.last_time);
	jsonw_u64(w, "events_not_kept", r->dropped);
	jsonw_u64(w, "victims_not_kept", r->totals.victims_not_kept);
	jsonw_u64(w, "lines_truncated", r->truncated);
	jsonw_array(w, "inputs");
	for (size_t i = 0; i < r->ninputs; i++) {
		jsonw_object(w, NULL);
		jsonw_str(w, "name", r->inputs[i].name);
		oom_json_str_or_null(w, "format", r->inputs[i].format);
		oom_json_str_or_null(w, "error", r->inputs[i].error);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_end(w);
}

/* The document's frame is its own (not json-c's): the events at the left
 * margin, one after another. */
#define RAW(w, s) jsonw_raw((w), (s), sizeof(s) - 1)

bool oom_view_json(FILE *out, const struct oom_report *r)
{
	struct jsonw w;
	jsonw_init(&w, out);
	RAW(&w, "{\n\"events\":[");
	for (size_t i = 0; !w.failed && i < r->nev; i++) {
		if (i)
			RAW(&w, ",\n");
		else
			RAW(&w, "\n");
		oom_event_write(&w, r, i);
	}
	RAW(&w, "\n],\n\"summary\":");
	summary_json(&w, r);
	RAW(&w, "\n}\n");
	return jsonw_finish(&w);
}
