#include "procfs.h"

#include <string.h>

struct kb_field {
	const char *key;
	size_t offset;
};

#define MEMF(k, f) { k, offsetof(struct meminfo, f) }
static const struct kb_field meminfo_fields[] = {
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
static const struct kb_field vmstat_fields[] = {
	VMF("nr_balloon_pages", nr_balloon_pages),
	VMF("balloon_inflate", balloon_inflate),
	VMF("balloon_deflate", balloon_deflate),
	VMF("balloon_migrate", balloon_migrate),
	VMF("pswpin", pswpin),
	VMF("pswpout", pswpout),
	VMF("pgmajfault", pgmajfault),
};

static struct opt_u64 *find_field(void *base, const struct kb_field *t, size_t n, const char *k, size_t klen)
{
	for (size_t i = 0; i < n; i++)
		if (span_eq(k, klen, t[i].key))
			return (struct opt_u64 *)((char *)base + t[i].offset);
	return NULL;
}

int meminfo_parse(const char *buf, size_t len, struct meminfo *m)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen;
	int bad = 0;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (trim_span(&line, n) == 0)
			continue;
		if (!split_kv(line, n, ':', &k, &klen, &v, &vlen)) {
			bad++;
			continue;
		}
		struct opt_u64 *f = find_field(m, meminfo_fields, sizeof(meminfo_fields) / sizeof(meminfo_fields[0]), k, klen);
		if (!f)
			continue;
		/* "%8lu kB": the unit is part of the format; anything else is not trusted. */
		if (vlen >= 3 && memcmp(v + vlen - 3, " kB", 3) == 0)
			vlen -= 3;
		uint64_t x;
		if (parse_u64(v, vlen, 10, &x))
			*f = opt_u64(x);
		else
			bad++;
	}
	return bad;
}

int vmstat_parse(const char *buf, size_t len, struct vmstat *vm)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen;
	int bad = 0;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (trim_span(&line, n) == 0)
			continue;
		if (!split_kv(line, n, ' ', &k, &klen, &v, &vlen)) {
			bad++;
			continue;
		}
		struct opt_u64 *f = find_field(vm, vmstat_fields, sizeof(vmstat_fields) / sizeof(vmstat_fields[0]), k, klen);
		if (!f)
			continue;
		uint64_t x;
		if (parse_u64(v, vlen, 10, &x))
			*f = opt_u64(x);
		else
			bad++;
	}
	return bad;
}

/* "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" */
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

int pressure_parse(const char *buf, size_t len, struct pressure *p)
{
	struct line_iter it;
	const char *line;
	size_t n;
	int bad = 0;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if ((n = trim_span(&line, n)) == 0)
			continue;
		if (n > 5 && memcmp(line, "some ", 5) == 0)
			bad += !psi_line_parse(line + 5, n - 5, &p->some);
		else if (n > 5 && memcmp(line, "full ", 5) == 0)
			bad += !psi_line_parse(line + 5, n - 5, &p->full);
		else
			bad++;
	}
	return bad;
}
