/* The views' part for why the allocation failed (zones.c), the
 * unreclaimable slab table and the next steps (advice.c): text lines and
 * the JSON fields "allocation", "unreclaimable_slab" and "next_steps". */
#include "oom/view.h"

#include <string.h>

#include "oom/advice.h"
#include "oom/zones.h"
#include "base/format.h"

/* A -1/0/1 as null, false or true. */
static void tri_json(struct jsonw *w, const char *key, int v)
{
	if (v < 0)
		jsonw_null(w, key);
	else
		jsonw_bool(w, key, v);
}

static void alloc_zone_json(struct jsonw *w, const struct oom_alloc_zone *az)
{
	const struct oom_zone *z = az->z;
	jsonw_object(w, NULL);
	oom_json_zone_name(w, z);
	jsonw_bool(w, "allowed", az->allowed);
	jsonw_opt_u64(w, "free_kb", z->free_kb);
	jsonw_opt_u64(w, "min_kb", z->min_kb);
	jsonw_opt_u64(w, "mark_kb", az->mark_kb);
	jsonw_opt_u64(w, "lowmem_reserve_kb", az->reserve_kb);
	jsonw_opt_u64(w, "need_above_kb", az->need_kb);
	jsonw_opt_u64(w, "chunks_of_order", az->chunks_ok);
	if (z->norders && !z->buddy_cut) {
		jsonw_array(w, "free_chunks");
		for (unsigned k = 0; k < z->norders; k++)
			jsonw_u64(w, NULL, z->chunks[k]);
		jsonw_end(w);
	} else {
		jsonw_null(w, "free_chunks");
	}
	tri_json(w, "enough_free", az->free_ok);
	tri_json(w, "chunk_free", az->chunk_ok);
	tri_json(w, "passes", az->pass);
	jsonw_end(w);
}

static void alloc_json(struct jsonw *w, const struct oom_alloc *a)
{
	jsonw_object(w, "allocation");
	jsonw_str(w, "outcome", a->outcome);
	jsonw_str(w, "summary", a->text);
	oom_json_opt_i64(w, "order", a->order);
	jsonw_opt_u64(w, "request_kb", a->request_kb);
	if (a->page_kb)
		jsonw_i64(w, "page_kb", (int)a->page_kb);
	else
		jsonw_null(w, "page_kb");
	jsonw_str(w, "page_kb_source", a->page_kb_source);
	jsonw_str(w, "highest_zone", a->highest_zone);
	jsonw_bool(w, "gfp_high", a->gfp_high);
	jsonw_bool(w, "nofail", a->nofail);
	jsonw_array(w, "short_nodes");
	for (unsigned i = 0; i < a->nshort; i++)
		jsonw_i64(w, NULL, a->short_nodes[i]);
	jsonw_end(w);
	jsonw_array(w, "zones");
	for (unsigned i = 0; i < a->nzones; i++)
		alloc_zone_json(w, &a->zones[i]);
	jsonw_end(w);
	jsonw_end(w);
}

static void slab_json(struct jsonw *w, const struct oom_event *e)
{
	if (!e->slab_info && !e->slab_caches) {
		jsonw_null(w, "unreclaimable_slab");
		return;
	}
	jsonw_object(w, "unreclaimable_slab");
	jsonw_u64(w, "caches", e->slab_caches);
	jsonw_array(w, "largest");
	for (unsigned i = 0; i < e->nslab_top; i++) {
		jsonw_object(w, NULL);
		jsonw_str(w, "name", e->slab_top[i].name);
		jsonw_u64(w, "used_kb", e->slab_top[i].used_kb);
		jsonw_u64(w, "total_kb", e->slab_top[i].total_kb);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_end(w);
}

void oom_why_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	struct oom_alloc a;
	oom_allocation(e, &a);
	alloc_json(w, &a);
	slab_json(w, e);
	struct oom_next n;
	oom_next_steps(e, &r->facts[i], &r->verdicts[i], &n);
	jsonw_array(w, "next_steps");
	for (unsigned k = 0; k < n.n; k++)
		jsonw_str(w, NULL, n.step[k]);
	jsonw_end(w);
}

void oom_next_text(FILE *out, const struct oom_report *r, size_t i)
{
	struct oom_next n;
	oom_next_steps(&r->ev[i], &r->facts[i], &r->verdicts[i], &n);
	for (unsigned k = 0; k < n.n; k++)
		fprintf(out, "  next:     %s\n", n.step[k]);
}

static const char *tri(int v, const char *yes, const char *no)
{
	return v < 0 ? "?" : v ? yes : no;
}

void oom_why_text(FILE *out, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	struct oom_alloc a;
	oom_allocation(e, &a);
	char b1[32], b2[32], b3[32], b4[32];
	fprintf(out, "  alloc:    ");
	if (a.order.known && a.order.v >= 0)
		fprintf(out, "order %lld (%s)", (long long)a.order.v, oom_kbs(b1, sizeof(b1), a.request_kb));
	if (a.highest_zone)
		fprintf(out, " from %s and below%s", a.highest_zone, a.gfp_high ? ", __GFP_HIGH (min halved)" : "");
	fprintf(out, "%s%s", a.order.known && a.order.v >= 0 ? ": " : "", a.text);
	for (unsigned k = 0; k < a.nshort; k++)
		fprintf(out, "%s%d", k ? ", " : "; short on node ", a.short_nodes[k]);
	fputc('\n', out);
	bool any = false;
	for (unsigned k = 0; k < a.nzones; k++)
		any |= a.zones[k].allowed;
	if (!any)
		goto slab;
	fprintf(out, "            %-4s %-8s %10s %10s %10s %10s %8s  %s\n", "node", "zone", "free", "min/mark", "reserve",
		"need >", "chunks", "test");
	for (unsigned k = 0; k < a.nzones; k++) {
		const struct oom_alloc_zone *az = &a.zones[k];
		char chunks[24] = "-";
		if (az->chunks_ok.known)
			snprintf(chunks, sizeof(chunks), "%llu", (unsigned long long)az->chunks_ok.v);
		else if (az->allowed && a.order.v == 0)
			snprintf(chunks, sizeof(chunks), "any");
		fprintf(out, "            %-4d %-8s %10s %10s %10s %10s %8s  %s\n", az->z->node, az->z->name,
			oom_kbs(b1, sizeof(b1), az->z->free_kb), oom_kbs(b2, sizeof(b2), az->mark_kb),
			oom_kbs(b3, sizeof(b3), az->reserve_kb), oom_kbs(b4, sizeof(b4), az->need_kb), chunks,
			!az->allowed		? "not allowed"
			: az->pass == 1		? "passes"
			: az->free_ok == 0	? "fails: free at or below need"
			: az->chunk_ok == 0	? "fails: no chunk of the order"
						: tri(az->pass, "passes", "fails"));
	}
slab:
	if (e->slab_info || e->slab_caches) {
		fprintf(out, "  slab:     Unreclaimable slab info: %llu caches", (unsigned long long)e->slab_caches);
		for (unsigned k = 0; k < e->nslab_top; k++)
			fprintf(out, "%s %s %s", k ? "," : "; largest", e->slab_top[k].name,
				fmt_kb(b1, sizeof(b1), e->slab_top[k].total_kb));
		fputc('\n', out);
	}
}
