/* explain-oom's human output: per event a short block, the verdict first
 * after the headline, then a summary over all events. */
#include "oom/view.h"

#include <stdlib.h>
#include <string.h>

#include "oom/gfp.h"
#include "base/format.h"
#include "base/term.h"

static const char *i64s(char *buf, size_t len, struct opt_i64 v)
{
	if (!v.known)
		return "?";
	snprintf(buf, len, "%lld", (long long)v.v);
	return buf;
}

static const char *u64s(char *buf, size_t len, struct opt_u64 v)
{
	if (!v.known)
		return "?";
	snprintf(buf, len, "%llu", (unsigned long long)v.v);
	return buf;
}

static void event_text(FILE *out, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	const struct oom_facts *f = &r->facts[i];
	char a[32], b[32], c[32], d[32], g[512];
	fprintf(out, "OOM event %zu: %s", i + 1, oom_kind_name(e->kind));
	if (e->time_text[0])
		fprintf(out, " at %s", e->time_text);
	if (e->has_uptime)
		fprintf(out, " (uptime %.6f s)", e->uptime_s);
	if (r->ninputs > 1 && e->file_index < r->ninputs) {
		char *name = term_dup(r->inputs[e->file_index].name); /* a file name may hold a newline */
		fprintf(out, " in %s", name);
		free(name);
	}
	fprintf(out, "\n  verdict:  %s: %s\n", r->verdicts[i].code, r->verdicts[i].summary);
	oom_next_text(out, r, i);

	if (e->inv.present) {
		const char *flags = e->inv.gfp_printed[0] ? e->inv.gfp_printed
				    : e->inv.gfp_mask.known ? oom_gfp_decode_release(e->inv.gfp_mask.v, e->plat.kernel, g, sizeof(g))
							    : "?";
		fprintf(out, "  invoker:  %s (pid %s), gfp_mask %#llx (%s), order %s, oom_score_adj %s\n", e->inv.comm,
			u64s(a, sizeof(a), e->inv.pid), (unsigned long long)e->inv.gfp_mask.v, flags,
			i64s(b, sizeof(b), e->inv.order), i64s(c, sizeof(c), e->inv.oom_score_adj));
	} else {
		fprintf(out, "  invoker:  not in the log\n");
	}
	if (e->vic.present) {
		fprintf(out, "  victim:   %s (pid %s), total-vm %s, rss anon %s", e->vic.comm, u64s(a, sizeof(a), e->vic.pid),
			oom_kbs(b, sizeof(b), e->vic.total_vm_kb), oom_kbs(c, sizeof(c), e->vic.anon_rss_kb));
		fprintf(out, " file %s shmem %s, oom_score_adj %s\n", oom_kbs(a, sizeof(a), e->vic.file_rss_kb),
			oom_kbs(b, sizeof(b), e->vic.shmem_rss_kb), i64s(c, sizeof(c), e->vic.oom_score_adj));
	} else {
		fprintf(out, "  victim:   %s\n",
			e->no_killable ? "none (no killable processes)"
			: e->panic     ? "none (the kernel panicked)"
				       : "not in the log");
	}
	if (e->reaper == REAPER_REAPED)
		fprintf(out, "  reaper:   reaped; now anon-rss %s, file-rss %s, shmem-rss %s\n",
			oom_kbs(a, sizeof(a), e->reaper_anon_kb), oom_kbs(b, sizeof(b), e->reaper_file_kb),
			oom_kbs(c, sizeof(c), e->reaper_shmem_kb));
	else if (e->reaper == REAPER_UNABLE)
		fprintf(out, "  reaper:   unable to reap\n");
	if (f->ram_kb.known || f->free_kb.known)
		fprintf(out, "  memory:   RAM %s, free %s against min %s / low %s / high %s\n", oom_kbs(a, sizeof(a), f->ram_kb),
			oom_kbs(b, sizeof(b), f->free_kb), oom_kbs(c, sizeof(c), f->min_kb), oom_kbs(d, sizeof(d), f->low_kb),
			oom_kbs(g, sizeof(g), f->high_kb));
	for (unsigned z = 0; z < e->nzones; z++) {
		const struct oom_zone *zz = &e->zones[z];
		fprintf(out, "  zone:     node %d %-7s free %s, min %s", zz->node, zz->name, oom_kbs(a, sizeof(a), zz->free_kb),
			oom_kbs(b, sizeof(b), zz->min_kb));
		fprintf(out, ", present %s, managed %s\n", oom_kbs(a, sizeof(a), zz->present_kb),
			oom_kbs(b, sizeof(b), zz->managed_kb));
	}
	oom_why_text(out, r, i);
	if (e->swap_total_kb.known)
		fprintf(out, "  swap:     %s free of %s\n", oom_kbs(a, sizeof(a), e->swap_free_kb),
			oom_kbs(b, sizeof(b), e->swap_total_kb));
	if (e->kind == OOM_KIND_MEMCG || e->memcg_usage_kb.known)
		fprintf(out, "  memcg:    %s usage %s limit %s\n", e->memcg[0] ? e->memcg : "?",
			oom_kbs(a, sizeof(a), e->memcg_usage_kb), oom_kbs(b, sizeof(b), e->memcg_limit_kb));
	if (e->ntasks) {
		fprintf(out, "  tasks:    %llu listed; largest:", (unsigned long long)e->ntasks);
		for (unsigned t = 0; t < e->ntop; t++) {
			uint64_t kb;
			if (!mul_u64(e->top[t].rss_pages, oom_page_kb(e, NULL), &kb))
				kb = UINT64_MAX;
			fprintf(out, "%s %s (%llu) %s", t ? "," : "", e->top[t].comm, (unsigned long long)e->top[t].pid,
				fmt_kb(a, sizeof(a), kb));
		}
		fputc('\n', out);
	} else if (oom_task_table_empty(e)) {
		fprintf(out, "  tasks:    0 listed (the kernel printed the table's header and no task under it)\n");
	}
	oom_detail_text(out, r, i);
	const struct oom_balloon *bl = &f->balloon;
	if (bl->present) {
		if (bl->size_kb.known && bl->size_min_kb.known && bl->size_max_kb.known) {
			char lo[32], hi[32]; /* an estimate's range */
			fprintf(out, "  balloon:  ESTIMATE %s (%s to %s) %s", fmt_kb(a, sizeof(a), bl->size_kb.v),
				fmt_kb(lo, sizeof(lo), bl->size_min_kb.v), fmt_kb(hi, sizeof(hi), bl->size_max_kb.v),
				oom_balloon_source_words(bl->source));
		} else if (bl->size_kb.known)
			fprintf(out, "  balloon:  %s%s %s", bl->estimate ? "ESTIMATE " : "", fmt_kb(a, sizeof(a), bl->size_kb.v),
				oom_balloon_source_words(bl->source));
		else
			fprintf(out, "  balloon:  %s", oom_balloon_source_words(bl->source));
		if (e->balloon.driver[0])
			fprintf(out, ", driver %s", e->balloon.driver);
		if (bl->deflate_on_oom >= 0)
			fprintf(out, ", DEFLATE_ON_OOM %s", bl->deflate_on_oom ? "on" : "off");
		fputc('\n', out);
		for (unsigned m = 0; m < e->balloon.nevidence; m++)
			fprintf(out, "            %s%s%s\n", e->balloon.evidence[m].time_text,
				e->balloon.evidence[m].time_text[0] ? ": " : "", e->balloon.evidence[m].text);
	} else {
		fprintf(out, "  balloon:  no evidence in the log\n");
	}
	fputc('\n', out);
}

static void report_text(FILE *out, const struct oom_report *r)
{
	for (size_t i = 0; i < r->nev; i++)
		event_text(out, r, i);
	static const enum oom_kind kinds[] = { OOM_KIND_GLOBAL, OOM_KIND_MEMCG, OOM_KIND_CPUSET, OOM_KIND_MEMPOLICY,
					       OOM_KIND_UNKNOWN };
	const struct oom_totals *t = &r->totals;
	fprintf(out, "Summary: %llu OOM event%s", (unsigned long long)t->events, t->events == 1 ? "" : "s");
	const char *sep = " (";
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint64_t n = t->by_kind[kinds[k]];
		if (n) {
			fprintf(out, "%s%s %llu", sep, oom_kind_name(kinds[k]), (unsigned long long)n);
			sep = ", ";
		}
	}
	fprintf(out, "%s\n", t->events ? ")" : ": no OOM kill report in the input");
	if (t->events) {
		fprintf(out, "  victims:  ");
		size_t shown = 0;
		for (size_t i = 0; i < r->nev; i++) {
			if (!r->ev[i].vic.present)
				continue;
			if (shown == 20)
				break;
			char a[32];
			fprintf(out, "%s%s (%s)", shown ? ", " : "", r->ev[i].vic.comm,
				u64s(a, sizeof(a), r->ev[i].vic.pid));
			shown++;
		}
		if (t->victims > shown)
			fprintf(out, "%sand %llu more", shown ? ", " : "", (unsigned long long)(t->victims - shown));
		fprintf(out, "%s\n", t->victims ? "" : "none named");
		if (t->first_time[0])
			fprintf(out, "  first:    %s\n  last:     %s\n", t->first_time, t->last_time);
	}
	if (r->dropped)
		fprintf(out, "  note:     the %llu events after the first %zu are counted above but not shown\n",
			(unsigned long long)r->dropped, r->nev);
	if (r->truncated)
		fprintf(out, "  note:     %llu over-long lines were cut for parsing\n", (unsigned long long)r->truncated);
}

/* Printed through the terminal sanitizer: comm names, memcgs and file
 * names come from the customer's log. */
void oom_view_text(FILE *out, const struct oom_report *r)
{
	struct term_view tv;
	report_text(term_view_begin(&tv, out), r);
	term_view_end(&tv);
}
