#include "sources/procfs.h"

#include <string.h>

/* /proc/meminfo and /proc/vmstat are both "key<sep>number" tables: one
 * table of the keys vbtool wants, one loop. */
struct num_field {
	const char *key;
	size_t offset;
};

struct num_table {
	const struct num_field *fields;
	size_t n;
	void *base;
	bool kb_suffix; /* meminfo: "%8lu kB" */
};

#define MEMF(k, f) { k, offsetof(struct meminfo, f) }
static const struct num_field meminfo_fields[] = {
	MEMF("MemTotal", mem_total_kb),
	MEMF("MemFree", mem_free_kb),
	MEMF("MemAvailable", mem_available_kb),
	MEMF("Buffers", buffers_kb),
	MEMF("Cached", cached_kb),
	MEMF("SwapTotal", swap_total_kb),
	MEMF("SwapFree", swap_free_kb),
	MEMF("Balloon", balloon_kb),
	MEMF("InflatedTotal", inflated_total_kb),
	MEMF("InflatedFree", inflated_free_kb),
};

#define VMF(k, f) { k, offsetof(struct vmstat, f) }
static const struct num_field vmstat_fields[] = {
	VMF("nr_balloon_pages", nr_balloon_pages),
	VMF("balloon_inflate", balloon_inflate),
	VMF("balloon_deflate", balloon_deflate),
	VMF("balloon_migrate", balloon_migrate),
	VMF("pswpin", pswpin),
	VMF("pswpout", pswpout),
	VMF("pgmajfault", pgmajfault),
};

static bool table_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	const struct num_table *t = ctx;
	for (size_t i = 0; i < t->n; i++) {
		if (!span_eq(k, klen, t->fields[i].key))
			continue;
		/* The unit is part of the format; a value in other units is not trusted. */
		if (t->kb_suffix) {
			/* every field in the table is printed "%8lu kB": a line without
			 * the unit was cut, so its number is not the whole number */
			if (vlen < 3 || memcmp(v + vlen - 3, " kB", 3) != 0)
				return false;
			vlen -= 3;
		}
		uint64_t x;
		if (!parse_u64(v, vlen, 10, &x))
			return false;
		*(struct opt_u64 *)((char *)t->base + t->fields[i].offset) = opt_u64(x);
		return true;
	}
	return true; /* a key vbtool does not need */
}

int meminfo_parse(const char *buf, size_t len, struct meminfo *m)
{
	struct num_table t = { meminfo_fields, sizeof(meminfo_fields) / sizeof(meminfo_fields[0]), m, true };
	return kv_foreach(buf, len, ':', table_line, &t);
}

int vmstat_parse(const char *buf, size_t len, struct vmstat *v)
{
	struct num_table t = { vmstat_fields, sizeof(vmstat_fields) / sizeof(vmstat_fields[0]), v, false };
	return kv_foreach(buf, len, ' ', table_line, &t);
}

/* "avg10=0.00 avg60=0.00 avg300=0.00 total=0" */
static bool psi_line_parse(const char *s, size_t len, struct psi_line *p)
{
	int seen = 0;
	while (len) {
		while (len && *s == ' ') {
			s++;
			len--;
		}
		const char *tok = s;
		while (len && *s != ' ') {
			s++;
			len--;
		}
		size_t tlen = (size_t)(s - tok);
		const char *eq = memchr(tok, '=', tlen);
		if (!eq)
			continue;
		size_t klen = (size_t)(eq - tok), vlen = tlen - klen - 1;
		if (span_eq(tok, klen, "avg10") && parse_double(eq + 1, vlen, &p->avg10))
			seen |= 1;
		else if (span_eq(tok, klen, "avg60") && parse_double(eq + 1, vlen, &p->avg60))
			seen |= 2;
		else if (span_eq(tok, klen, "avg300") && parse_double(eq + 1, vlen, &p->avg300))
			seen |= 4;
		else if (span_eq(tok, klen, "total") && parse_u64(eq + 1, vlen, 10, &p->total_us))
			seen |= 8;
	}
	p->known = seen == 15 && p->avg10 >= 0 && p->avg60 >= 0 && p->avg300 >= 0;
	return p->known;
}

static bool pressure_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct pressure *p = ctx;
	if (span_eq(k, klen, "some"))
		return psi_line_parse(v, vlen, &p->some);
	if (span_eq(k, klen, "full"))
		return psi_line_parse(v, vlen, &p->full);
	return false;
}

int pressure_parse(const char *buf, size_t len, struct pressure *p)
{
	return kv_foreach(buf, len, ' ', pressure_line, p);
}
