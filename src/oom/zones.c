/* The zone detail of a report and the kernel's watermark test on it.
 *
 * Parsing: show_free_areas() prints, per populated zone, "Node N ZONE
 * free:...kB min:...kB ..." (meminfo.c reads it), then "lowmem_reserve[]:
 * 0 1443 1443 1443" (pages, one entry per zone type the kernel is built
 * with, populated or not), and later the buddy line "Node N ZONE: 2*4kB (UM)
 * 0*8kB ... = 6248kB" (free chunks per order). dump_unreclaimable_slab()
 * prints "Unreclaimable slab info:", a "Name Used Total" header and
 * "%-17s %10luKB %10luKB" rows.
 *
 * Analysis (oom_allocation): __zone_watermark_ok() for the order of the
 * failed request, in every zone the gfp mask allows:
 *   free - (2^order - 1) > min (- min/2 with __GFP_HIGH) + lowmem_reserve[highest zone]
 * and for order > 0 at least one free chunk of that order or above. The
 * kernel also discounts highatomic and CMA pages and, for atomic requests,
 * lowers min by a further quarter; the report does not print enough to
 * model those, so a zone that passes here may still have failed. */
#include "oom/zones.h"
#include "oom/gfp.h"
#include "oom/parser.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- parsing --------------------------------------------------------------- */

/* "lowmem_reserve[]: 0 1443 1443 1443": s is what follows the colon. It
 * belongs to the zone line just before it. */
void oom_zone_reserve(struct oom_event *e, const char *s, size_t n)
{
	if (!e->nzones)
		return;
	struct oom_zone *z = &e->zones[e->nzones - 1];
	if (z->nreserve)
		return;
	const char *p = s, *end = s + n;
	uint8_t k = 0;
	uint32_t v[OOM_MAX_ZONES] = { 0 };
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *q;
		struct opt_u64 x = num_at(p, end, &q);
		if (!x.known || x.v > UINT32_MAX || (q < end && *q != ' ') || k == OOM_MAX_ZONES)
			return; /* not the kernel's line, or more zone types than any build has */
		v[k++] = (uint32_t)x.v;
		p = q;
	}
	if (!k)
		return;
	memcpy(z->reserve, v, sizeof(v[0]) * k);
	z->nreserve = k;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* The buddy line of zone name on node: "3*4kB (UM) 0*8kB ... = 12kB". */
void oom_zone_buddy(struct oom_event *e, int node, const char *name, size_t nl, const char *s, size_t n)
{
	struct oom_zone *z = NULL;
	for (unsigned i = 0; i < e->nzones && !z; i++)
		if (e->zones[i].node == node && strlen(e->zones[i].name) == nl && memcmp(e->zones[i].name, name, nl) == 0)
			z = &e->zones[i];
	if (!z || z->norders)
		return;
	const char *p = s, *end = s + n;
	uint64_t page_kb = 0;
	uint8_t norders = 0;
	bool cut = false;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '=')
			break;
		if (*p == '(') { /* migrate types: "(UME)" */
			const char *c = memchr(p, ')', (size_t)(end - p));
			if (!c)
				return;
			p = c + 1;
			continue;
		}
		const char *q;
		struct opt_u64 cnt = num_at(p, end, &q);
		if (!cnt.known || q >= end || *q != '*')
			return;
		struct opt_u64 size = num_at(q + 1, end, &q);
		if (!size.known || !starts(q, (size_t)(end - q), "kB") || !is_pow2(size.v))
			return;
		p = q + 2;
		if (!page_kb)
			page_kb = size.v;
		/* orders are consecutive from 0: the chunk size says which */
		if (size.v < page_kb || size.v / page_kb != (uint64_t)1 << norders || norders == OOM_MAX_ORDERS)
			return;
		if (cnt.v > UINT32_MAX)
			cut = true;
		z->chunks[norders++] = cnt.v > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt.v;
	}
	if (!norders || page_kb > UINT32_MAX)
		return;
	z->norders = norders;
	z->buddy_cut = cut;
	z->buddy_page_kb = (uint32_t)page_kb;
}

/* A row of the "Unreclaimable slab info:" table: "name  123KB  456KB".
 * Keeps the OOM_SLAB_TOP largest by total. False when s is not a row. */
bool oom_slab_row(struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *p = s;
	while (p < end && *p != ' ')
		p++;
	size_t nl = (size_t)(p - s);
	struct opt_u64 kb[2];
	for (int i = 0; i < 2; i++) {
		while (p < end && *p == ' ')
			p++;
		kb[i] = num_at(p, end, &p);
		if (!kb[i].known || !starts(p, (size_t)(end - p), "KB"))
			return false;
		p += 2;
	}
	if (!nl || p != end)
		return false;
	e->slab_caches++;
	unsigned k = e->nslab_top;
	while (k > 0 && e->slab_top[k - 1].total_kb < kb[1].v)
		k--;
	if (k >= OOM_SLAB_TOP)
		return true;
	unsigned last = e->nslab_top < OOM_SLAB_TOP ? e->nslab_top : OOM_SLAB_TOP - 1;
	memmove(&e->slab_top[k + 1], &e->slab_top[k], sizeof(e->slab_top[0]) * (last - k));
	char *name = e->slab_top[k].name;
	size_t cap = sizeof(e->slab_top[k].name);
	if (nl < cap) {
		copy_text(name, cap, s, nl);
	} else { /* a longer name is shown cut, and says so */
		copy_text(name, cap - 3, s, cap - 4);
		size_t l = strlen(name); /* <= cap - 4 */
		memcpy(name + l, "...", 4);
	}
	e->slab_top[k].used_kb = kb[0].v;
	e->slab_top[k].total_kb = kb[1].v;
	if (e->nslab_top < OOM_SLAB_TOP)
		e->nslab_top++;
	return true;
}

/* ---- the watermark test ------------------------------------------------------ */

/* Zone types in the kernel's order (enum zone_type); a build has a subset. */
static const char *const zone_order[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" };

static int zone_rank(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(zone_order); i++)
		if (strcmp(zone_order[i], name) == 0)
			return (int)i;
	return -1;
}

/* gfp_zone(): the zone modifiers are bits 0-3 in every kernel since 2.6
 * (__GFP_DMA 0x01, __GFP_HIGHMEM 0x02, __GFP_DMA32 0x04, __GFP_MOVABLE
 * 0x08); GFP_ZONE_TABLE maps them. -1: a combination the kernel rejects. */
static int gfp_zone_rank(uint64_t mask)
{
	switch (mask & 0xf) {
	case 0x0:
	case 0x8: /* __GFP_MOVABLE alone */
		return 2;
	case 0x1:
	case 0x9:
		return 0;
	case 0x4:
	case 0xc:
		return 1;
	case 0x2:
		return 3; /* HighMem; Normal on 64-bit, where there is none */
	case 0xa:
		return 4;
	default:
		return -1;
	}
}

#define GFP_HIGH_BIT 0x20 /* __GFP_HIGH: 0x20 in every layout */

/* The index of each zone type in lowmem_reserve[]: the array has one entry
 * per zone type the kernel is built with (MAX_NR_ZONES), populated or not,
 * and the log names only the populated ones. A build always has Normal and
 * Movable and may add DMA, DMA32, HighMem and Device; a candidate set of
 * types fits when every printed row has its length, is 0 up to the zone's
 * own index, and is nonzero only past a populated zone (the entries count
 * the managed pages of the zones above, and only populated zones have
 * any). Returns the indexes of rank hr in the fitting sets as a bit mask
 * (0: none fits); highmem: those with HighMem instead. */
static unsigned reserve_index(const struct oom_event *e, int node, int hr, bool highmem)
{
	unsigned n = 0;
	bool printed[ARRAY_SIZE(zone_order)] = { false };
	for (unsigned i = 0; i < e->nzones; i++) {
		const struct oom_zone *z = &e->zones[i];
		int r = zone_rank(z->name);
		if (z->node != node)
			continue;
		if (r < 0)
			return 0;
		printed[r] = true;
		if (z->nreserve) {
			if (n && z->nreserve != n)
				return 0;
			n = z->nreserve;
		}
	}
	if (!n)
		return 0;
	unsigned found = 0;
	/* every subset of the optional types: bit k of m is zone_order[k] */
	for (unsigned m = 0; m < (1u << ARRAY_SIZE(zone_order)); m++) {
		int idx[ARRAY_SIZE(zone_order)], next = 0;
		bool ok = (m & (1u << 2)) && (m & (1u << 4)) && !(m & (1u << 3)) == !highmem; /* Normal, Movable */
		for (unsigned k = 0; k < ARRAY_SIZE(zone_order); k++) {
			idx[k] = (m & (1u << k)) ? next++ : -1;
			if (printed[k] && idx[k] < 0)
				ok = false;
		}
		if (!ok || (unsigned)next != n)
			continue;
		for (unsigned i = 0; i < e->nzones && ok; i++) {
			const struct oom_zone *z = &e->zones[i];
			if (z->node != node || !z->nreserve)
				continue;
			int own = idx[zone_rank(z->name)];
			for (int j = 0; j < (int)n && ok; j++) {
				if (j <= own) {
					ok = z->reserve[j] == 0;
					continue;
				}
				bool pages_above = false;
				for (unsigned k = 0; k < ARRAY_SIZE(zone_order); k++)
					pages_above |= printed[k] && idx[k] > own && idx[k] <= j;
				if (z->reserve[j] && !pages_above)
					ok = false;
			}
		}
		if (!ok)
			continue;
		/* a type the build lacks: gfp_zone() falls back to Normal */
		found |= 1u << (idx[hr] >= 0 ? idx[hr] : idx[2]);
	}
	return found;
}

/* The one value the fitting index sets give, else !known. */
static struct opt_u64 reserve_at(const struct oom_zone *z, unsigned mask)
{
	struct opt_u64 v = OPT_U64_UNKNOWN;
	for (unsigned i = 0; i < z->nreserve; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (v.known && v.v != z->reserve[i])
			return OPT_U64_UNKNOWN;
		v = opt_u64(z->reserve[i]);
	}
	return v;
}

/* lowmem_reserve[highest_zoneidx] of zone z for a request whose highest
 * zone has rank hr. */
static struct opt_u64 reserve_pages(const struct oom_event *e, const struct oom_zone *z, int hr)
{
	if (!z->nreserve)
		return OPT_U64_UNKNOWN;
	/* HighMem exists only on 32-bit builds: tried only when no set without it fits */
	unsigned mask = reserve_index(e, z->node, hr, false);
	if (!mask)
		mask = reserve_index(e, z->node, hr, true);
	return reserve_at(z, mask);
}

static struct opt_u64 times_kb(struct opt_u64 pages, unsigned page_kb)
{
	uint64_t kb;
	if (pages.known && mul_u64(pages.v, page_kb, &kb))
		return opt_u64(kb);
	return OPT_U64_UNKNOWN;
}

static void test_zone(const struct oom_event *e, struct oom_alloc *a, struct oom_alloc_zone *az, int hr)
{
	const struct oom_zone *z = az->z;
	unsigned pk = a->page_kb;
	uint64_t order = (uint64_t)a->order.v;
	az->free_ok = az->chunk_ok = az->pass = -1;
	struct opt_u64 res = reserve_pages(e, z, hr);
	az->reserve_kb = times_kb(res, pk);
	if (z->min_kb.known) {
		uint64_t min = z->min_kb.v / pk;
		if (a->gfp_high)
			min -= min / 2;
		az->mark_kb = times_kb(opt_u64(min), pk);
		uint64_t need;
		if (res.known && add_u64(min, res.v, &need) && add_u64(need, ((uint64_t)1 << order) - 1, &need)) {
			az->need_kb = times_kb(opt_u64(need), pk);
			if (z->free_kb.known)
				az->free_ok = z->free_kb.v / pk > need;
		}
	}
	if (order == 0) {
		az->chunk_ok = 1;
	} else if (z->norders && !z->buddy_cut) {
		uint64_t c = 0;
		for (uint64_t o = order; o < z->norders; o++)
			c += z->chunks[o]; /* each below 2^32: no overflow in 16 */
		az->chunks_ok = opt_u64(c);
		az->chunk_ok = c > 0;
	}
	if (az->free_ok == 0 || az->chunk_ok == 0)
		az->pass = 0;
	else if (az->free_ok == 1 && az->chunk_ok == 1)
		az->pass = 1;
}

static void say(struct oom_alloc *a, const char *outcome, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct oom_alloc *a, const char *outcome, const char *fmt, ...)
{
	a->outcome = outcome;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void oom_allocation(const struct oom_event *e, struct oom_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->order = e->inv.order;
	const char *src = NULL;
	uint64_t pk = oom_page_kb(e, &src);
	if (pk && pk <= 1024 && strcmp(src ? src : "", "assumed") != 0) {
		a->page_kb = (unsigned)pk;
		a->page_kb_source = src;
	} else {
		/* the buddy line of a zone says it too */
		for (unsigned i = 0; i < e->nzones && !a->page_kb; i++)
			if (e->zones[i].buddy_page_kb && e->zones[i].buddy_page_kb <= 1024) {
				a->page_kb = e->zones[i].buddy_page_kb;
				a->page_kb_source = "buddy_lines";
			}
		if (!a->page_kb && pk && pk <= 1024) {
			a->page_kb = (unsigned)pk;
			a->page_kb_source = src;
		}
	}
	if (!e->inv.present) {
		say(a, "unknown", "cannot tell: the \"invoked oom-killer\" line is not in the log");
		return;
	}
	if (!a->order.known) {
		say(a, "unknown", "cannot tell: the request's order is not in the log");
		return;
	}
	if (a->order.v == -1) {
		say(a, "manual",
		    "order -1: a manual OOM kill (SysRq-f or /proc/sysrq-trigger), not a failed allocation");
		return;
	}
	if (a->order.v < 0 || a->order.v >= 40 || !a->page_kb) {
		say(a, "unknown", "cannot tell: %s", a->page_kb ? "the order is out of range" : "the page size is unknown");
		return;
	}
	a->request_kb = opt_u64((uint64_t)a->page_kb << a->order.v);
	if (e->kind == OOM_KIND_MEMCG) {
		say(a, "memcg-charge",
		    "a memory cgroup charge failed, not a zone allocation: the zone figures are the whole machine's");
		return;
	}
	if (!e->inv.gfp_mask.known) {
		say(a, "unknown", "cannot tell: the gfp_mask is not in the log");
		return;
	}
	uint64_t mask = e->inv.gfp_mask.v;
	int hr = gfp_zone_rank(mask);
	if (hr < 0) {
		say(a, "unknown", "cannot tell: gfp_mask %#llx has zone bits the kernel rejects", (unsigned long long)mask);
		return;
	}
	a->highest_zone = zone_order[hr];
	a->gfp_high = (mask & GFP_HIGH_BIT) != 0;
	char names[512];
	const char *fl = e->inv.gfp_printed[0] ? e->inv.gfp_printed : oom_gfp_decode(mask, names, sizeof(names));
	a->nofail = strstr(fl, "__GFP_NOFAIL") != NULL;

	unsigned nallowed = 0;
	for (unsigned i = 0; i < e->nzones; i++) {
		struct oom_alloc_zone *az = &a->zones[a->nzones++];
		az->z = &e->zones[i];
		int r = zone_rank(az->z->name);
		az->allowed = r >= 0 && r <= hr;
		az->free_ok = az->chunk_ok = az->pass = -1;
		if (!az->allowed)
			continue;
		nallowed++;
		test_zone(e, a, az, hr);
	}
	/* the nodes where every allowed zone fails */
	bool any_pass = false, all_fail = nallowed > 0, free_ok_somewhere = false;
	for (unsigned i = 0; i < a->nzones; i++) {
		const struct oom_alloc_zone *az = &a->zones[i];
		if (!az->allowed)
			continue;
		any_pass |= az->pass == 1;
		all_fail &= az->pass == 0;
		free_ok_somewhere |= az->free_ok == 1;
		int node = az->z->node;
		bool seen = false, node_fails = true;
		for (unsigned k = 0; k < a->nshort; k++)
			seen |= a->short_nodes[k] == node;
		for (unsigned j = 0; j < a->nzones; j++)
			if (a->zones[j].allowed && a->zones[j].z->node == node && a->zones[j].pass != 0)
				node_fails = false;
		if (!seen && node_fails && a->nshort < OOM_MAX_ZONES)
			a->short_nodes[a->nshort++] = node;
	}
	if (a->order.v > OOM_COSTLY_ORDER) {
		say(a, "costly-order",
		    "high-order (order %lld > %d) request: the kernel does not OOM for it unless __GFP_NOFAIL (before "
		    "4.13; never since)%s",
		    (long long)a->order.v, OOM_COSTLY_ORDER, a->nofail ? ", and this one is __GFP_NOFAIL" : "");
		return;
	}
	if (!e->nzones) {
		say(a, "unknown", "cannot tell: the log has no zone lines");
		return;
	}
	if (!nallowed) {
		say(a, "unknown", "cannot tell: no zone the request may use (%s and below) is in the log", a->highest_zone);
		return;
	}
	if (any_pass) {
		say(a, "above-watermark",
		    "a zone it may use passes the watermark test with the printed figures: memory came free after "
		    "the failure, or the request was limited to other nodes");
		return;
	}
	if (all_fail && free_ok_somewhere) {
		say(a, "fragmentation", "enough free pages but no free chunk of order %lld or above (fragmentation)",
		    (long long)a->order.v);
		return;
	}
	if (all_fail) {
		say(a, "below-min", "below the min watermark in every allowed zone");
		return;
	}
	bool no_reserve = false, no_buddy = false;
	for (unsigned i = 0; i < a->nzones; i++) {
		no_reserve |= a->zones[i].allowed && !a->zones[i].reserve_kb.known;
		no_buddy |= a->zones[i].allowed && a->zones[i].chunk_ok < 0;
	}
	say(a, "unknown", "cannot tell: %s", no_reserve ? "a lowmem_reserve[] line is missing or not understood"
					     : no_buddy ? "a buddy line (free chunks per order) is missing"
							: "a zone line lacks free or min");
}
