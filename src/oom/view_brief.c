/* explain-oom --brief: one line per event, printed as the parser ends the
 * event (oom_parser_stream), so a log of any length is read in bounded
 * memory and a pipe shows each event as it completes. Each line: time,
 * kind, victim, verdict code and the one number that matters for that
 * code (vbtool-explain-oom(8) lists them); with --json the same as one
 * JSON object per line (JSON Lines). */
#include "oom/view.h"

#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "base/term.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/* What the kill freed: anon + file + shmem rss of the kill line. */
static struct opt_u64 victim_rss_kb(const struct oom_event *e)
{
	const struct oom_victim *v = &e->vic;
	if (!v->present || !v->anon_rss_kb.known)
		return OPT_U64_UNKNOWN;
	uint64_t k = v->anon_rss_kb.v;
	if (v->file_rss_kb.known && !add_u64(k, v->file_rss_kb.v, &k))
		return OPT_U64_UNKNOWN;
	if (v->shmem_rss_kb.known && !add_u64(k, v->shmem_rss_kb.v, &k))
		return OPT_U64_UNKNOWN;
	return opt_u64(k);
}

static unsigned pct(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	long double p = (long double)part * 100 / (long double)whole;
	return p > 1000 ? 1000 : (unsigned)(p + 0.5L);
}

static bool is(const struct oom_verdict *v, const char *code)
{
	return strcmp(v->code, code) == 0;
}

/* The number that matters, as words (also the HTML summary's column). */
void oom_figure_text(const struct oom_event *e, const struct oom_facts *f, const struct oom_verdict *v, char *buf,
		     size_t len)
{
	char a[32], b[32], pc[32];
	const struct oom_balloon *bl = &f->balloon;
	if (is(v, "balloon-held-memory")) {
		if (f->ram_kb.known)
			snprintf(buf, len, "balloon %s (%s of the %s the VM was given)", fmt_kb(a, sizeof(a), bl->size_kb.v),
				 fmt_percent(pc, sizeof(pc), bl->size_kb.v, f->ram_kb.v), fmt_kb(b, sizeof(b), f->ram_kb.v));
		else
			snprintf(buf, len, "balloon %s", fmt_kb(a, sizeof(a), bl->size_kb.v));
	} else if (is(v, "balloon-deflated")) {
		if (bl->size_kb.known)
			snprintf(buf, len, "balloon %s left", fmt_kb(a, sizeof(a), bl->size_kb.v));
		else
			snprintf(buf, len, "balloon size not in the log");
	} else if (is(v, "balloon-estimated")) {
		snprintf(buf, len, "balloon about %s (ESTIMATE)", fmt_kb(a, sizeof(a), bl->size_kb.v));
	} else if (is(v, "memcg-limit")) {
		struct opt_u64 u = e->memcg_usage_kb, l = e->memcg_limit_kb;
		if (u.known && l.known)
			snprintf(buf, len, "usage %s of limit %s", fmt_kb(a, sizeof(a), u.v), fmt_kb(b, sizeof(b), l.v));
		else if (u.known)
			snprintf(buf, len, "usage %s, limit not in the log", fmt_kb(a, sizeof(a), u.v));
		else if (l.known)
			snprintf(buf, len, "limit %s, usage not in the log", fmt_kb(b, sizeof(b), l.v));
		else
			snprintf(buf, len, "usage and limit not in the log");
	} else if (is(v, "fragmentation")) {
		snprintf(buf, len, "order %lld (%llu KiB contiguous)", (long long)e->inv.order.v,
			 oom_request_kb(e).known ? (unsigned long long)oom_request_kb(e).v : 0ULL);
	} else if (is(v, "single-task")) {
		const char *comm = "";
		uint64_t pid = 0, k = 0;
		oom_largest_task(e, &comm, &pid, &k);
		snprintf(buf, len, "%s (%llu) held %s of %s RAM (%u%%)", comm, (unsigned long long)pid,
			 fmt_kb(a, sizeof(a), k), fmt_kb(b, sizeof(b), f->ram_kb.v), pct(k, f->ram_kb.v));
	} else if (is(v, "insufficient-evidence") && f->free_kb.known && f->min_kb.known) {
		snprintf(buf, len, "free %s against min %s", fmt_kb(a, sizeof(a), f->free_kb.v),
			 fmt_kb(b, sizeof(b), f->min_kb.v));
	} else { /* constrained, and insufficient-evidence without memory figures */
		struct opt_u64 r = victim_rss_kb(e);
		if (r.known)
			snprintf(buf, len, "victim rss %s", fmt_kb(a, sizeof(a), r.v));
		else
			snprintf(buf, len, "%s", e->vic.present ? "victim rss not in the log" : "no memory figures in the log");
	}
}

/* The same number as JSON (kB, order or a task), keyed as documented. */
static struct json_object *figure_json(const struct oom_event *e, const struct oom_facts *f,
				       const struct oom_verdict *v)
{
	struct json_object *o = json_object_new_object();
	const struct oom_balloon *bl = &f->balloon;
	if (is(v, "balloon-held-memory") || is(v, "balloon-deflated") || is(v, "balloon-estimated")) {
		ADD(o, "balloon_kb", json_opt_u64(bl->size_kb));
		ADD(o, "estimate", json_object_new_boolean(bl->estimate));
		ADD(o, "ram_kb", json_opt_u64(f->ram_kb));
	} else if (is(v, "memcg-limit")) {
		ADD(o, "usage_kb", json_opt_u64(e->memcg_usage_kb));
		ADD(o, "limit_kb", json_opt_u64(e->memcg_limit_kb));
	} else if (is(v, "fragmentation")) {
		ADD(o, "order", json_object_new_int64(e->inv.order.v));
	} else if (is(v, "single-task")) {
		const char *comm = "";
		uint64_t pid = 0, k = 0;
		oom_largest_task(e, &comm, &pid, &k);
		ADD(o, "comm", json_object_new_string(comm));
		ADD(o, "pid", json_object_new_uint64(pid));
		ADD(o, "rss_kb", json_object_new_uint64(k));
		ADD(o, "ram_kb", json_opt_u64(f->ram_kb));
	} else if (is(v, "insufficient-evidence") && f->free_kb.known && f->min_kb.known) {
		ADD(o, "free_kb", json_opt_u64(f->free_kb));
		ADD(o, "min_kb", json_opt_u64(f->min_kb));
	} else {
		ADD(o, "victim_rss_kb", json_opt_u64(victim_rss_kb(e)));
	}
	return o;
}

static const char *file_name(const struct oom_brief *b, const struct oom_event *e)
{
	return e->file_index < b->ninputs ? b->inputs[e->file_index].name : NULL;
}

static bool brief_json(struct oom_brief *b, const struct oom_event *e, const struct oom_facts *f,
		       const struct oom_verdict *v)
{
	struct json_object *o = json_object_new_object();
	const char *name = file_name(b, e);
	ADD(o, "file", name ? json_str_or_null(name) : NULL);
	ADD(o, "time", e->time_text[0] ? json_str_or_null(e->time_text) : NULL);
	ADD(o, "kind", json_object_new_string(oom_kind_name(e->kind)));
	struct json_object *vic = NULL;
	if (e->vic.present) {
		vic = json_object_new_object();
		ADD(vic, "comm", json_str_or_null(e->vic.comm));
		ADD(vic, "pid", json_opt_u64(e->vic.pid));
	}
	ADD(o, "victim", vic);
	ADD(o, "kill_seen", json_object_new_boolean(e->kill_seen));
	ADD(o, "kill_only", json_object_new_boolean(e->fragment && !e->inv.present));
	ADD(o, "verdict", json_object_new_string(v->code));
	ADD(o, "figure", figure_json(e, f, v));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	bool ok = json_fputs(b->out, s) && fputc('\n', b->out) != EOF;
	json_object_put(o);
	return ok;
}

static bool brief_text(struct oom_brief *b, const struct oom_event *e, const struct oom_facts *f,
		       const struct oom_verdict *v)
{
	char fig[256], vic[128], line[640];
	oom_figure_text(e, f, v, fig, sizeof(fig));
	if (e->vic.present)
		snprintf(vic, sizeof(vic), "%s (%llu)%s", e->vic.comm, (unsigned long long)e->vic.pid.v,
			 e->fragment && !e->inv.present ? ", kill only" : "");
	else
		snprintf(vic, sizeof(vic), "%s", e->no_killable ? "none killable" : e->panic ? "none (panic)" : "no kill seen");
	/* every part is bounded (time 80, kind 9, victim 128, code 21, figure 256): the line fits */
	int n = snprintf(line, sizeof(line), "%s  %s  %s  %s  %s", e->time_text[0] ? e->time_text : "-",
			 oom_kind_name(e->kind), vic, v->code, fig);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)strlen(line);
	bool ok = true;
	const char *name = file_name(b, e);
	if (b->ninputs > 1 && name) /* a file name may hold a newline: cleaned like the rest */
		ok = term_write(b->out, name, strlen(name)) && fputs(": ", b->out) != EOF;
	ok = ok && term_write(b->out, line, (size_t)n) && fputc('\n', b->out) != EOF;
	return ok;
}

void oom_brief_event(void *ctx, const struct oom_event *e)
{
	struct oom_brief *b = ctx;
	struct oom_facts f;
	struct oom_verdict v;
	oom_facts(e, &f);
	oom_verdict(e, &f, &v);
	b->events++;
	bool ok = b->json ? brief_json(b, e, &f, &v) : brief_text(b, e, &f, &v);
	/* each event as it completes, also into a pipe */
	if (!ok || fflush(b->out) != 0)
		b->write_failed = true;
}
