/* debugfs hv-balloon (drivers/hv/hv_balloon.c, v6.0+), and the vendor
 * layout of the same patch (pages_ballooned_out, vm_pages_commited,
 * total_pages_commited). Every key is "%-22s: ...": keys in any order,
 * any padding before the colon. */
#include "debugfs.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *hv_state_name(uint64_t state)
{
	static const char *const names[] = { "Initializing", "Initialized", "Balloon Up", "Balloon Down", "Hot Add",
					     "Error" };
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "Unknown";
}

int dbg_hv_parse(const char *buf, size_t len, struct dbg_hv *d)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen;
	int bad = 0;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (trim_span(&line, n) == 0)
			continue;
		if (mem_has_nul(line, n) || !split_kv(line, n, ':', &k, &klen, &v, &vlen)) {
			bad++;
			continue;
		}
		struct opt_u64 *num = NULL;
		if (span_eq(k, klen, "host_version")) {
			free(d->host_version);
			d->host_version = xstrndup_printable(v, vlen);
			continue;
		}
		if (span_eq(k, klen, "capabilities")) {
			free(d->capabilities);
			d->capabilities = xstrndup_printable(v, vlen);
			continue;
		}
		if (span_eq(k, klen, "state")) {
			/* "1 (Initialized)": the number is the truth, the name is ours */
			const char *sp = memchr(v, ' ', vlen);
			size_t nl = sp ? (size_t)(sp - v) : vlen;
			uint64_t x;
			if (parse_u64(v, nl, 10, &x)) {
				d->state = opt_u64(x);
				d->state_name = hv_state_name(x);
			} else {
				bad++;
			}
			continue;
		}
		if (span_eq(k, klen, "page_size"))
			num = &d->page_size;
		else if (span_eq(k, klen, "pages_added"))
			num = &d->pages_added;
		else if (span_eq(k, klen, "pages_onlined"))
			num = &d->pages_onlined;
		else if (span_eq(k, klen, "pages_ballooned"))
			num = &d->pages_ballooned, d->layout = d->layout ? d->layout : HV_LAYOUT_MAINLINE;
		else if (span_eq(k, klen, "pages_ballooned_out"))
			num = &d->pages_ballooned, d->layout = HV_LAYOUT_VENDOR;
		else if (span_eq(k, klen, "total_pages_committed"))
			num = &d->total_pages_committed;
		else if (span_eq(k, klen, "total_pages_commited"))
			num = &d->total_pages_committed, d->layout = HV_LAYOUT_VENDOR;
		else if (span_eq(k, klen, "vm_pages_commited") || span_eq(k, klen, "vm_pages_committed"))
			num = &d->vm_pages_committed, d->layout = HV_LAYOUT_VENDOR;
		else if (span_eq(k, klen, "max_dynamic_page_count"))
			num = &d->max_dynamic_page_count;
		if (!num)
			continue;
		uint64_t x;
		if (parse_u64(v, vlen, 10, &x))
			*num = opt_u64(x);
		else
			bad++;
	}
	return bad;
}

void dbg_hv_free(struct dbg_hv *d)
{
	free(d->host_version);
	free(d->capabilities);
	memset(d, 0, sizeof(*d));
}
