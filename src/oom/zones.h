/* Why the allocation failed, the kernel's own way (mm/page_alloc.c): the
 * zones the gfp mask allows (gfp_zone), each zone's free pages against its
 * min watermark (halved for __GFP_HIGH) plus lowmem_reserve[] for the
 * request's highest zone, and for order > 0 a free chunk of that order or
 * above from the buddy lines (__zone_watermark_ok). Parsing of the
 * lowmem_reserve[] and buddy lines is in zones.c too. */
#ifndef VBTOOL_OOM_ZONES_H
#define VBTOOL_OOM_ZONES_H

#include "oom/event.h"

#define OOM_COSTLY_ORDER 3 /* PAGE_ALLOC_COSTLY_ORDER */

/* One zone as the watermark test sees it; unknown numbers are !known.
 * pass/free_ok/chunk_ok: 1 yes, 0 no, -1 cannot tell. */
struct oom_alloc_zone {
	const struct oom_zone *z;
	bool allowed;		     /* the gfp mask lets the request use it */
	struct opt_u64 reserve_kb;   /* lowmem_reserve[] for the request's highest zone */
	struct opt_u64 mark_kb;	     /* min, less half of it with __GFP_HIGH */
	struct opt_u64 need_kb;	     /* free must be above this: mark + reserve + (2^order - 1) pages */
	struct opt_u64 chunks_ok;    /* free chunks of the request's order or above */
	int free_ok, chunk_ok, pass;
};

struct oom_alloc {
	/* "manual", "memcg-charge", "costly-order", "below-min", "fragmentation",
	 * "above-watermark", "unknown" */
	const char *outcome;
	char text[200];		 /* the outcome in words ("cannot tell: ..." for unknown) */
	const char *highest_zone; /* gfp_zone(): DMA, DMA32, Normal, HighMem, Movable; NULL unknown */
	bool gfp_high, nofail;
	struct opt_i64 order;
	unsigned page_kb;	  /* 0: unknown */
	const char *page_kb_source; /* "buddy" (smallest chunk of a buddy line), NULL */
	struct opt_u64 request_kb; /* 2^order pages */
	unsigned nzones;
	struct oom_alloc_zone zones[OOM_MAX_ZONES];
	int short_nodes[OOM_MAX_ZONES]; /* nodes whose allowed zones all fail the test */
	unsigned nshort;
};

void oom_allocation(const struct oom_event *e, struct oom_alloc *a);

#endif
