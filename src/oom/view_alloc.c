/* The views' part for why the allocation failed (zones.c), the
 * unreclaimable slab table and the next steps (advice.c): text lines and
 * the JSON fields "allocation", "unreclaimable_slab" and "next_steps". */
#include "oom/view.h"

#include <string.h>

#include "oom/advice.h"
#include "oom/zones.h"
#include "base/format.h"

#define ADD OOM_JSON_ADD

static struct json_object *tri_json(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static struct json_object *alloc_zone_json(const struct oom_alloc_zone *az)
{
	const struct oom_zone *z = az->z;
	struct json_object *o = json_object_new_object();
	ADD(o, "node", z->node >= 0 ? json_object_new_int(z->node) : NULL);
	ADD(o, "name", json_object_new_string(z->name));
	ADD(o, "allowed", json_object_new_boolean(az->allowed));
	ADD(o, "free_kb", json_opt_u64(z->free_kb));
	ADD(o, "min_kb", json_opt_u64(z->min_kb));
	ADD(o, "mark_kb", json_opt_u64(az->mark_kb));
	ADD(o, "lowmem_reserve_kb", json_opt_u64(az->reserve_kb));
	ADD(o, "need_above_kb", json_opt_u64(az->need_kb));
	ADD(o, "chunks_of_order", json_opt_u64(az->chunks_ok));
	struct json_object *c = NULL;
	if (z->norders && !z->buddy_cut) {
		c = json_object_new_array();
		for (unsigned k = 0; k < z->norders; k++)
			json_object_array_add(c, json_object_new_uint64(z->chunks[k]));
	}
	ADD(o, "free_chunks", c);
	ADD(o, "enough_free", tri_json(az->free_ok));
	ADD(o, "chunk_free", tri_json(az->chunk_ok));
	ADD(o, "passes", tri_json(az->pass));
	return o;
}

static struct json_object *alloc_json(const struct oom_alloc *a)
{
	struct json_object *o = json_object_new_object();
	ADD(o, "outcome", json_object_new_string(a->outcome));
	ADD(o, "summary", json_object_new_string(a->text));
	ADD(o, "order", a->order.known ? json_object_new_int64(a->order.v) : NULL);
	ADD(o, "request_kb", json_opt_u64(a->request_kb));
	ADD(o, "page_kb", a->page_kb ? json_object_new_int((int)a->page_kb) : NULL);
	ADD(o, "page_kb_source", a->page_kb_source ? json_object_new_string(a->page_kb_source) : NULL);
	ADD(o, "highest_zone", a->highest_zone ? json_object_new_string(a->highest_zone) : NULL);
	ADD(o, "gfp_high", json_object_new_boolean(a->gfp_high));
	ADD(o, "nofail", json_object_new_boolean(a->nofail));
	struct json_object *nodes = json_object_new_array();
	for (unsigned i = 0; i < a->nshort; i++)
		json_object_array_add(nodes, json_object_new_int(a->short_nodes[i]));
	ADD(o, "short_nodes", nodes);
	struct json_object *zs = json_object_new_array();
	for (unsigned i = 0; i < a->nzones; i++)
		json_object_array_add(zs, alloc_zone_json(&a->zones[i]));
	ADD(o, "zones", zs);
	return o;
}

static struct json_object *slab_json(const struct oom_event *e)
{
	if (!e->slab_info && !e->slab_caches)
		return NULL;
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	ADD(o, "caches", json_object_new_uint64(e->slab_caches));
	for (unsigned i = 0; i < e->nslab_top; i++) {
		struct json_object *c = json_object_new_object();
		ADD(c, "name", json_object_new_string(e->slab_top[i].name));
		ADD(c, "used_kb", json_object_new_uint64(e->slab_top[i].used_kb));
		ADD(c, "total_kb", json_object_new_uint64(e->slab_top[i].total_kb));
		json_object_array_add(a, c);
	}
	ADD(o, "largest", a);
	return o;
}

void oom_why_json(struct json_object *o, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	struct oom_alloc a;
	oom_allocation(e, &a);
	ADD(o, "allocation", alloc_json(&a));
	ADD(o, "unreclaimable_slab", slab_json(e));
	struct oom_next n;
	oom_next_steps(e, &r->facts[i], &r->verdicts[i], &n);
	struct json_object *steps = json_object_new_array();
	for (unsigned k = 0; k < n.n; k++)
		json_object_array_add(steps, json_object_new_string(n.step[k]));
	ADD(o, "next_steps", steps);
}

void oom_next_text(FILE *out, const struct oom_report *r, size_t i)
{
	struct oom_next n;
	oom_next_steps(&r->ev[i], &r->facts[i], &r->verdicts[i], &n);
	for (unsigned k = 0; k < n.n; k++)
		fprintf(out, "  next:     %s\n", n.step[k]);
}

static const char *kbs(char *buf, size_t len, struct opt_u64 v)
{
	return v.known ? fmt_kb(buf, len, v.v) : "?";
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
		fprintf(out, "order %lld (%s)", (long long)a.order.v, kbs(b1, sizeof(b1), a.request_kb));
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
			kbs(b1, sizeof(b1), az->z->free_kb), kbs(b2, sizeof(b2), az->mark_kb),
			kbs(b3, sizeof(b3), az->reserve_kb), kbs(b4, sizeof(b4), az->need_kb), chunks,
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
