/* /proc/zoneinfo (mm/vmstat.c, zoneinfo_show_print): only the zones'
 * "present" pages are kept. Each zone opens with "Node %d, zone %8s"; its
 * "        present  %lu" line follows "spanned" and precedes "managed".
 * Every other line (per-node stats, pagesets, protection) is skipped. */
#include "sources/procfs.h"

#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "0, zone      DMA": a node number, a comma, "zone", a name. */
static bool zone_header(const char *v, size_t n)
{
	size_t i = 0;
	while (i < n && v[i] >= '0' && v[i] <= '9')
		i++;
	if (i == 0 || i >= n || v[i] != ',')
		return false;
	const char *rest = v + i + 1;
	size_t rn = trim_span(&rest, n - i - 1);
	return rn > 5 && memcmp(rest, "zone", 4) == 0 && is_blank(rest[4]);
}

int zoneinfo_parse(const char *buf, size_t len, struct zoneinfo *z)
{
	struct line_iter it;
	const char *line;
	size_t n;
	int bad = 0;
	bool in_zone = false, zone_has_present = false, all_present = true;
	uint64_t sum = 0;

	z->zones = 0;
	z->present_pages = OPT_U64_UNKNOWN;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if ((n = trim_span(&line, n)) == 0)
			continue;
		size_t k = 0;
		while (k < n && !is_blank(line[k]))
			k++;
		const char *v = line + k;
		size_t vn = trim_span(&v, n - k);
		if (mem_has_nul(line, n)) {
			bad++;
		} else if (span_eq(line, k, "Node")) {
			if (!zone_header(v, vn)) {
				bad++;
				continue;
			}
			if (in_zone && !zone_has_present)
				all_present = false;
			in_zone = true;
			zone_has_present = false;
			z->zones++;
		} else if (span_eq(line, k, "present")) {
			uint64_t x;
			/* a count outside a zone, a zone's second one, or a cut
			 * number would make the sum wrong: the whole sum is dropped */
			if (!in_zone || zone_has_present || !parse_u64(v, vn, 10, &x) || !add_u64(sum, x, &sum)) {
				bad++;
				all_present = false;
				continue;
			}
			zone_has_present = true;
		}
	}
	if (in_zone && !zone_has_present)
		all_present = false;
	if (z->zones && all_present)
		z->present_pages = opt_u64(sum);
	return bad;
}
