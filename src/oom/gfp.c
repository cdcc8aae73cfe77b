/* Bit tables for gfp masks printed without names (kernels before 4.6).
 * The layout changed in 4.4 (__GFP_WAIT split into DIRECT/KSWAPD_RECLAIM);
 * a mask with bit 0x2000000 (KSWAPD_RECLAIM, which the old layout never
 * had) is read with the 4.4 table. */
#include "oom/gfp.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"

struct gfp_bit {
	uint64_t bit;
	const char *name;
};

/* Composite names first, so GFP_HIGHUSER_MOVABLE reads as one word. */
struct gfp_combo {
	uint64_t mask;
	const char *name;
};

static const struct gfp_bit gfp_v3[] = {
	{ 0x01, "__GFP_DMA" },		{ 0x02, "__GFP_HIGHMEM" },     { 0x04, "__GFP_DMA32" },
	{ 0x08, "__GFP_MOVABLE" },	{ 0x10, "__GFP_WAIT" },	       { 0x20, "__GFP_HIGH" },
	{ 0x40, "__GFP_IO" },		{ 0x80, "__GFP_FS" },	       { 0x100, "__GFP_COLD" },
	{ 0x200, "__GFP_NOWARN" },	{ 0x400, "__GFP_REPEAT" },     { 0x800, "__GFP_NOFAIL" },
	{ 0x1000, "__GFP_NORETRY" },	{ 0x2000, "__GFP_MEMALLOC" },  { 0x4000, "__GFP_COMP" },
	{ 0x8000, "__GFP_ZERO" },	{ 0x10000, "__GFP_NOMEMALLOC" }, { 0x20000, "__GFP_HARDWALL" },
	{ 0x40000, "__GFP_THISNODE" }, { 0x80000, "__GFP_RECLAIMABLE" }, { 0x100000, "__GFP_KMEMCG" },
	{ 0x200000, "__GFP_NOTRACK" }, { 0x400000, "__GFP_NO_KSWAPD" }, { 0x800000, "__GFP_OTHER_NODE" },
	{ 0x1000000, "__GFP_WRITE" },
};
static const struct gfp_combo combo_v3[] = {
	{ 0x10 | 0x40 | 0x80 | 0x20000 | 0x02 | 0x08, "GFP_HIGHUSER_MOVABLE" },
	{ 0x10 | 0x40 | 0x80 | 0x20000 | 0x02, "GFP_HIGHUSER" },
	{ 0x10 | 0x40 | 0x80 | 0x20000, "GFP_USER" },
	{ 0x10 | 0x40 | 0x80, "GFP_KERNEL" },
	{ 0x10 | 0x40, "GFP_NOFS" },
};

static const struct gfp_bit gfp_v44[] = {
	{ 0x01, "__GFP_DMA" },		   { 0x02, "__GFP_HIGHMEM" },	      { 0x04, "__GFP_DMA32" },
	{ 0x08, "__GFP_MOVABLE" },	   { 0x10, "__GFP_RECLAIMABLE" },    { 0x20, "__GFP_HIGH" },
	{ 0x40, "__GFP_IO" },		   { 0x80, "__GFP_FS" },	      { 0x100, "__GFP_COLD" },
	{ 0x200, "__GFP_NOWARN" },	   { 0x400, "__GFP_REPEAT" },	      { 0x800, "__GFP_NOFAIL" },
	{ 0x1000, "__GFP_NORETRY" },	   { 0x2000, "__GFP_MEMALLOC" },     { 0x4000, "__GFP_COMP" },
	{ 0x8000, "__GFP_ZERO" },	   { 0x10000, "__GFP_NOMEMALLOC" },  { 0x20000, "__GFP_HARDWALL" },
	{ 0x40000, "__GFP_THISNODE" },	   { 0x80000, "__GFP_ATOMIC" },	      { 0x100000, "__GFP_ACCOUNT" },
	{ 0x200000, "__GFP_NOTRACK" },	   { 0x400000, "__GFP_DIRECT_RECLAIM" }, { 0x800000, "__GFP_OTHER_NODE" },
	{ 0x1000000, "__GFP_WRITE" },	   { 0x2000000, "__GFP_KSWAPD_RECLAIM" },
};
static const struct gfp_combo combo_v44[] = {
	{ 0x2400000 | 0x40 | 0x80 | 0x20000 | 0x02 | 0x08, "GFP_HIGHUSER_MOVABLE" },
	{ 0x2400000 | 0x40 | 0x80 | 0x20000 | 0x02, "GFP_HIGHUSER" },
	{ 0x2400000 | 0x40 | 0x80 | 0x20000, "GFP_USER" },
	{ 0x2400000 | 0x40 | 0x80, "GFP_KERNEL" },
	{ 0x2400000 | 0x40, "GFP_NOFS" },
};

/* 2.6.23-2.6.30: mobility grouping put __GFP_MOVABLE at 0x100000 beside
 * __GFP_RECLAIMABLE; 2.6.31 made it the zone modifier 0x08 (gfp_zone()
 * table). Page-cache readahead on those kernels asks 0x1201d2 =
 * GFP_HIGHUSER_MOVABLE|__GFP_COLD, which the later table would misname. */
static const struct gfp_bit gfp_v2623[] = {
	{ 0x01, "__GFP_DMA" },		{ 0x02, "__GFP_HIGHMEM" },     { 0x04, "__GFP_DMA32" },
	{ 0x10, "__GFP_WAIT" },		{ 0x20, "__GFP_HIGH" },	       { 0x40, "__GFP_IO" },
	{ 0x80, "__GFP_FS" },		{ 0x100, "__GFP_COLD" },       { 0x200, "__GFP_NOWARN" },
	{ 0x400, "__GFP_REPEAT" },	{ 0x800, "__GFP_NOFAIL" },     { 0x1000, "__GFP_NORETRY" },
	{ 0x4000, "__GFP_COMP" },	{ 0x8000, "__GFP_ZERO" },      { 0x10000, "__GFP_NOMEMALLOC" },
	{ 0x20000, "__GFP_HARDWALL" },	{ 0x40000, "__GFP_THISNODE" }, { 0x80000, "__GFP_RECLAIMABLE" },
	{ 0x100000, "__GFP_MOVABLE" },
};
static const struct gfp_combo combo_v2623[] = {
	{ 0x10 | 0x40 | 0x80 | 0x20000 | 0x02 | 0x100000, "GFP_HIGHUSER_MOVABLE" },
	{ 0x10 | 0x40 | 0x80 | 0x20000 | 0x02, "GFP_HIGHUSER" },
	{ 0x10 | 0x40 | 0x80 | 0x20000, "GFP_USER" },
	{ 0x10 | 0x40 | 0x80, "GFP_KERNEL" },
	{ 0x10 | 0x40, "GFP_NOFS" },
};

static void add_name(char *buf, size_t len, size_t *o, const char *name)
{
	int n = snprintf(buf + *o, len - *o, "%s%s", *o ? "|" : "", name);
	if (n > 0)
		*o = (size_t)n + *o >= len ? len - 1 : *o + (size_t)n;
}

enum gfp_layout { LAYOUT_V3, LAYOUT_V2623, LAYOUT_V44, LAYOUT_NONE };

static const char *decode(uint64_t mask, enum gfp_layout layout, char *buf, size_t len)
{
	const struct gfp_bit *bits = gfp_v3;
	size_t nbits = ARRAY_SIZE(gfp_v3);
	const struct gfp_combo *combos = combo_v3;
	size_t ncombos = ARRAY_SIZE(combo_v3);
	if (layout == LAYOUT_V44) {
		bits = gfp_v44, nbits = ARRAY_SIZE(gfp_v44);
		combos = combo_v44, ncombos = ARRAY_SIZE(combo_v44);
	} else if (layout == LAYOUT_V2623) {
		bits = gfp_v2623, nbits = ARRAY_SIZE(gfp_v2623);
		combos = combo_v2623, ncombos = ARRAY_SIZE(combo_v2623);
	} else if (layout == LAYOUT_NONE) {
		nbits = ncombos = 0;
	}
	size_t o = 0;
	buf[0] = '\0';
	uint64_t rest = mask;
	for (size_t i = 0; i < ncombos; i++)
		if ((rest & combos[i].mask) == combos[i].mask) {
			add_name(buf, len, &o, combos[i].name);
			rest &= ~combos[i].mask;
			break;
		}
	for (size_t i = 0; i < nbits; i++)
		if (rest & bits[i].bit) {
			add_name(buf, len, &o, bits[i].name);
			rest &= ~bits[i].bit;
		}
	if (rest) {
		char hex[24];
		snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)rest);
		add_name(buf, len, &o, hex);
	}
	if (!o)
		add_name(buf, len, &o, "0");
	return buf;
}

const char *oom_gfp_decode(uint64_t mask, char *buf, size_t len)
{
	return decode(mask, mask & 0x2000000 ? LAYOUT_V44 : LAYOUT_V3, buf, len);
}

/* "2.6.28-18-server" -> 2, 6, 28; "3.2.0-24" -> 3, 2, 0; "5.14" -> 5, 14, 0.
 * False unless it starts with major.minor. */
static bool release_numbers(const char *r, unsigned v[3])
{
	int i = 0;
	for (; i < 3; i++) {
		if (*r < '0' || *r > '9')
			break;
		unsigned n = 0;
		while (*r >= '0' && *r <= '9' && n < 100000)
			n = n * 10 + (unsigned)(*r++ - '0');
		v[i] = n;
		if (*r != '.') {
			i++;
			break;
		}
		r++;
	}
	return i >= 2;
}

const char *oom_gfp_decode_release(uint64_t mask, const char *release, char *buf, size_t len)
{
	unsigned v[3] = { 0, 0, 0 };
	if (!release || !release[0] || !release_numbers(release, v))
		return oom_gfp_decode(mask, buf, len);
	unsigned long key = v[0] * 1000000UL + v[1] * 1000UL + v[2];
	enum gfp_layout l = key < 2006023 ? LAYOUT_V3	  /* no MOVABLE, RECLAIMABLE yet */
			    : key < 2006031 ? LAYOUT_V2623
			    : key < 4004000 ? LAYOUT_V3
			    : key < 4006000 ? LAYOUT_V44
					    : LAYOUT_NONE; /* 4.6+ prints the names itself */
	return decode(mask, l, buf, len);
}
