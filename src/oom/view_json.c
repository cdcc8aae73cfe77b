/* explain-oom --json: the contract is in vbtool-explain-oom(8). Unknown is
 * null, never 0. */
#include "oom/view.h"

#include <string.h>

#include "oom/gfp.h"
#include "oom/timeparse.h"
#include "base/format.h"

#define ADD OOM_JSON_ADD

static struct json_object *opt_i64_json(struct opt_i64 v)
{
	return v.known ? json_object_new_int64(v.v) : NULL;
}

static struct json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

/* The time as ISO 8601 beside the text as printed (issue #19), parsed here:
 * once per event shown, never per log line. */
static void add_time_iso(struct json_object *o, const char *iso_key, const char *note_key, const char *text)
{
	struct oom_time t;
	oom_time_parse(text, &t);
	ADD(o, iso_key, str_or_null(t.iso));
	if (note_key)
		ADD(o, note_key, str_or_null(t.note));
}

static struct json_object *kb_of_pages(const struct oom_event *e, struct opt_u64 pages)
{
	uint64_t kb;
	if (pages.known && mul_u64(pages.v, oom_page_kb(e, NULL), &kb))
		return json_object_new_uint64(kb);
	return NULL;
}

static struct json_object *gfp_flags(const struct oom_invoker *inv, const char *release, const char **source)
{
	char buf[512];
	const char *names = NULL;
	*source = NULL;
	if (inv->gfp_printed[0]) {
		names = inv->gfp_printed;
		*source = "printed";
	} else if (inv->gfp_mask.known) {
		names = oom_gfp_decode_release(inv->gfp_mask.v, release, buf, sizeof(buf));
		*source = "decoded";
	}
	if (!names)
		return NULL;
	struct json_object *a = json_object_new_array();
	const char *p = names;
	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n)
			json_object_array_add(a, json_object_new_string_len(p, (int)n));
		p += n + (bar ? 1 : 0);
	}
	return a;
}

static struct json_object *invoker_json(const struct oom_invoker *inv, const char *release)
{
	if (!inv->present)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "comm", json_object_new_string(inv->comm));
	ADD(o, "pid", json_opt_u64(inv->pid));
	char hex[24];
	snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)inv->gfp_mask.v);
	ADD(o, "gfp_mask", inv->gfp_mask.known ? json_object_new_string(hex) : NULL);
	const char *src;
	ADD(o, "gfp_flags", gfp_flags(inv, release, &src));
	ADD(o, "gfp_flags_source", str_or_null(src));
	ADD(o, "order", opt_i64_json(inv->order));
	ADD(o, "oom_score_adj", opt_i64_json(inv->oom_score_adj));
	return o;
}

static struct json_object *victim_json(const struct oom_victim *v)
{
	if (!v->present)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "comm", json_object_new_string(v->comm));
	ADD(o, "pid", json_opt_u64(v->pid));
	ADD(o, "uid", json_opt_u64(v->uid));
	ADD(o, "total_vm_kb", json_opt_u64(v->total_vm_kb));
	ADD(o, "anon_rss_kb", json_opt_u64(v->anon_rss_kb));
	ADD(o, "file_rss_kb", json_opt_u64(v->file_rss_kb));
	ADD(o, "shmem_rss_kb", json_opt_u64(v->shmem_rss_kb));
	ADD(o, "pgtables_kb", json_opt_u64(v->pgtables_kb));
	ADD(o, "oom_score_adj", opt_i64_json(v->oom_score_adj));
	ADD(o, "score", json_opt_u64(v->score));
	return o;
}

static struct json_object *reaper_json(const struct oom_event *e)
{
	if (e->reaper == REAPER_UNKNOWN)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "result", json_object_new_string(e->reaper == REAPER_REAPED ? "reaped" : "unable"));
	ADD(o, "anon_rss_kb", json_opt_u64(e->reaper_anon_kb));
	ADD(o, "file_rss_kb", json_opt_u64(e->reaper_file_kb));
	ADD(o, "shmem_rss_kb", json_opt_u64(e->reaper_shmem_kb));
	return o;
}

static struct json_object *memory_json(const struct oom_event *e, const struct oom_facts *f)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "ram_kb", json_opt_u64(f->ram_kb));
	ADD(o, "free_kb", json_opt_u64(f->free_kb));
	ADD(o, "min_kb", json_opt_u64(f->min_kb));
	ADD(o, "low_kb", json_opt_u64(f->low_kb));
	ADD(o, "high_kb", json_opt_u64(f->high_kb));
	ADD(o, "present_kb", json_opt_u64(f->present_kb));
	ADD(o, "managed_kb", json_opt_u64(f->managed_kb));
	ADD(o, "present_managed_gap_kb", json_opt_u64(f->gap_kb));
	ADD(o, "reserved_kb", kb_of_pages(e, e->reserved_pages));
	ADD(o, "highmem_kb", kb_of_pages(e, e->highmem_pages));
	ADD(o, "swap_total_kb", json_opt_u64(e->swap_total_kb));
	ADD(o, "swap_free_kb", json_opt_u64(e->swap_free_kb));
	return o;
}

static struct json_object *zones_json(const struct oom_event *e)
{
	struct json_object *a = json_object_new_array();
	for (unsigned i = 0; i < e->nzones; i++) {
		const struct oom_zone *z = &e->zones[i];
		struct json_object *o = json_object_new_object();
		ADD(o, "node", z->node >= 0 ? json_object_new_int(z->node) : NULL);
		ADD(o, "name", json_object_new_string(z->name));
		ADD(o, "free_kb", json_opt_u64(z->free_kb));
		ADD(o, "min_kb", json_opt_u64(z->min_kb));
		ADD(o, "low_kb", json_opt_u64(z->low_kb));
		ADD(o, "high_kb", json_opt_u64(z->high_kb));
		ADD(o, "present_kb", json_opt_u64(z->present_kb));
		ADD(o, "managed_kb", json_opt_u64(z->managed_kb));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *memcg_json(const struct oom_event *e)
{
	if (e->kind != OOM_KIND_MEMCG && !e->memcg[0] && !e->memcg_usage_kb.known)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "path", str_or_null(e->memcg));
	ADD(o, "task_memcg", str_or_null(e->task_memcg));
	ADD(o, "usage_kb", json_opt_u64(e->memcg_usage_kb));
	ADD(o, "limit_kb", json_opt_u64(e->memcg_limit_kb));
	ADD(o, "failcnt", json_opt_u64(e->memcg_failcnt));
	return o;
}

static struct json_object *tasks_json(const struct oom_event *e)
{
	if (!e->ntasks)
		return NULL;
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	ADD(o, "count", json_object_new_uint64(e->ntasks));
	ADD(o, "rss_kb_total", kb_of_pages(e, e->tasks_rss_pages));
	for (unsigned i = 0; i < e->ntop; i++) {
		const struct oom_task *t = &e->top[i];
		struct json_object *to = json_object_new_object();
		ADD(to, "pid", json_object_new_uint64(t->pid));
		ADD(to, "comm", json_object_new_string(t->comm));
		ADD(to, "rss_kb", kb_of_pages(e, opt_u64(t->rss_pages)));
		ADD(to, "total_vm_kb", kb_of_pages(e, t->total_vm_pages));
		ADD(to, "rss_anon_kb", kb_of_pages(e, t->rss_anon_pages));
		ADD(to, "rss_file_kb", kb_of_pages(e, t->rss_file_pages));
		ADD(to, "rss_shmem_kb", kb_of_pages(e, t->rss_shmem_pages));
		ADD(to, "oom_score_adj", opt_i64_json(t->oom_score_adj));
		json_object_array_add(a, to);
	}
	ADD(o, "largest", a);
	return o;
}

static struct json_object *balloon_json(const struct oom_event *e, const struct oom_facts *f)
{
	const struct oom_balloon *b = &f->balloon;
	if (!b->present)
		return NULL;
	struct json_object *o = json_object_new_object();
	ADD(o, "size_kb", json_opt_u64(b->size_kb));
	ADD(o, "source", json_object_new_string(b->source));
	ADD(o, "estimate", json_object_new_boolean(b->estimate));
	ADD(o, "size_min_kb", json_opt_u64(b->size_min_kb));
	ADD(o, "size_max_kb", json_opt_u64(b->size_max_kb));
	if (b->estimate) {
		struct json_object *basis = json_object_new_object();
		ADD(basis, "present_managed_gap_kb", json_opt_u64(f->gap_kb));
		ADD(basis, "memmap_kb", json_opt_u64(b->memmap_kb));
		ADD(basis, "kernel_reserve_min_kb", json_object_new_uint64(OOM_KERNEL_RESERVE_MIN_KB));
		ADD(basis, "kernel_reserve_max_kb", json_object_new_uint64(OOM_KERNEL_RESERVE_MAX_KB));
		ADD(o, "estimate_basis", basis);
	} else {
		ADD(o, "estimate_basis", NULL);
	}
	ADD(o, "deflate_on_oom", b->deflate_on_oom < 0 ? NULL : json_object_new_boolean(b->deflate_on_oom));
	ADD(o, "driver", str_or_null(e->balloon.driver));
	ADD(o, "inflated_total_kb", json_opt_u64(e->balloon.inflated_total_kb));
	ADD(o, "inflated_free_kb", json_opt_u64(e->balloon.inflated_free_kb));
	ADD(o, "node_balloon_kb", json_opt_u64(e->balloon.node_balloon_kb));
	ADD(o, "oom_notify_frame", json_object_new_boolean(e->balloon.oom_notify_frame));
	ADD(o, "oom_notify_function", str_or_null(e->balloon.oom_notify_fn));
	ADD(o, "oom_notify_frame_reliable",
	    e->balloon.oom_notify_frame ? json_object_new_boolean(e->balloon.oom_notify_reliable) : NULL);
	struct json_object *ev = json_object_new_array();
	for (unsigned i = 0; i < e->balloon.nevidence; i++) {
		struct json_object *m = json_object_new_object();
		ADD(m, "time", str_or_null(e->balloon.evidence[i].time_text));
		add_time_iso(m, "time_iso", NULL, e->balloon.evidence[i].time_text);
		ADD(m, "message", json_object_new_string(e->balloon.evidence[i].text));
		json_object_array_add(ev, m);
	}
	ADD(o, "messages", ev);
	return o;
}

/* Microsecond precision, written as printed rather than as 17 digits. */
static struct json_object *uptime_json(double s)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.6f", s);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return json_object_new_double_s(s, buf);
}

struct json_object *oom_event_json(const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	const struct oom_facts *f = &r->facts[i];
	struct json_object *o = json_object_new_object();
	ADD(o, "file", e->file_index < r->ninputs ? json_object_new_string(r->inputs[e->file_index].name) : NULL);
	ADD(o, "time", str_or_null(e->time_text));
	add_time_iso(o, "time_iso", "time_note", e->time_text);
	ADD(o, "uptime_s", e->has_uptime ? uptime_json(e->uptime_s) : NULL);
	ADD(o, "kind", json_object_new_string(oom_kind_name(e->kind)));
	ADD(o, "constraint", str_or_null(e->constraint));
	ADD(o, "order", opt_i64_json(e->inv.order));
	ADD(o, "invoker", invoker_json(&e->inv, e->plat.kernel));
	ADD(o, "victim", victim_json(&e->vic));
	ADD(o, "oom_reaper", reaper_json(e));
	ADD(o, "memory", memory_json(e, f));
	ADD(o, "zones", zones_json(e));
	ADD(o, "memcg", memcg_json(e));
	ADD(o, "tasks", tasks_json(e));
	ADD(o, "balloon", balloon_json(e, f));
	ADD(o, "vm_sign", str_or_null(f->vm_sign));
	struct json_object *v = json_object_new_object();
	ADD(v, "code", json_object_new_string(r->verdicts[i].code));
	ADD(v, "summary", json_object_new_string(r->verdicts[i].summary));
	ADD(o, "verdict", v);
	oom_why_json(o, r, i);
	ADD(o, "fragment", json_object_new_boolean(e->fragment));
	ADD(o, "no_killable", json_object_new_boolean(e->no_killable));
	ADD(o, "panic", json_object_new_boolean(e->panic));
	ADD(o, "panic_reason", e->panic_reason ? json_object_new_string(e->panic_reason) : NULL);
	ADD(o, "sysrq", json_object_new_boolean(e->sysrq));
	oom_detail_json(o, r, i);
	return o;
}

static struct json_object *summary_json(const struct oom_report *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *kinds = json_object_new_object(), *codes = json_object_new_object();
	struct json_object *victims = json_object_new_array(), *inputs = json_object_new_array();
	static const char *const kind_keys[] = { "global", "memcg", "cpuset", "mempolicy", "unknown" };
	for (size_t k = 0; k < sizeof(kind_keys) / sizeof(kind_keys[0]); k++)
		json_object_object_add(kinds, kind_keys[k], json_object_new_int(0));
	for (size_t k = 0; k < OOM_KIND_COUNT; k++)
		if (r->totals.by_kind[k])
			json_object_object_add(kinds, oom_kind_name((enum oom_kind)k), json_object_new_uint64(r->totals.by_kind[k]));
	for (size_t k = 0; k < OOM_VERDICT_MAX && oom_verdict_codes[k]; k++)
		if (r->totals.by_verdict[k])
			json_object_object_add(codes, oom_verdict_codes[k], json_object_new_uint64(r->totals.by_verdict[k]));
	for (size_t i = 0; i < r->nev; i++) {
		const struct oom_event *e = &r->ev[i];
		if (e->vic.present) {
			struct json_object *v = json_object_new_object();
			ADD(v, "comm", json_object_new_string(e->vic.comm));
			ADD(v, "pid", json_opt_u64(e->vic.pid));
			json_object_array_add(victims, v);
		}
	}
	ADD(o, "events", json_object_new_uint64(r->totals.events));
	ADD(o, "by_kind", kinds);
	ADD(o, "by_verdict", codes);
	ADD(o, "victims", victims);
	ADD(o, "first_time", str_or_null(r->totals.first_time[0] ? r->totals.first_time : NULL));
	ADD(o, "last_time", str_or_null(r->totals.last_time[0] ? r->totals.last_time : NULL));
	add_time_iso(o, "first_time_iso", NULL, r->totals.first_time);
	add_time_iso(o, "last_time_iso", NULL, r->totals.last_time);
	ADD(o, "events_not_kept", json_object_new_uint64(r->dropped));
	ADD(o, "victims_not_kept", json_object_new_uint64(r->totals.victims_not_kept));
	ADD(o, "lines_truncated", json_object_new_uint64(r->truncated));
	for (size_t i = 0; i < r->ninputs; i++) {
		struct json_object *in = json_object_new_object();
		ADD(in, "name", json_object_new_string(r->inputs[i].name));
		ADD(in, "format", str_or_null(r->inputs[i].format));
		ADD(in, "error", str_or_null(r->inputs[i].error));
		json_object_array_add(inputs, in);
	}
	ADD(o, "inputs", inputs);
	return o;
}

static bool put(FILE *out, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	bool ok = json_fputs(out, s);
	json_object_put(o);
	return ok;
}

bool oom_view_json(FILE *out, const struct oom_report *r)
{
	bool ok = fputs("{\n\"events\":[", out) >= 0;
	for (size_t i = 0; ok && i < r->nev; i++) {
		ok = fputs(i ? ",\n" : "\n", out) >= 0;
		ok = ok && put(out, oom_event_json(r, i));
	}
	ok = ok && fputs("\n],\n\"summary\":", out) >= 0;
	ok = ok && put(out, summary_json(r));
	return ok && fputs("\n}\n", out) >= 0;
}
