/* debugfs hv-balloon (drivers/hv/hv_balloon.c, v6.0+), and the vendor
 * layout of the same patch (pages_ballooned_out, vm_pages_commited,
 * total_pages_commited). Every key is "%-22s: ...": keys in any order,
 * any padding before the colon. */
#include "sources/debugfs.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const char *hv_state_name(uint64_t state)
{
	static const char *const names[] = { "Initializing", "Initialized", "Balloon Up", "Balloon Down", "Hot Add",
					     "Error" };
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "Unknown";
}

static bool hv_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct dbg_hv *d = ctx;
	struct opt_u64 *num = NULL;
	uint64_t x;
	if (span_eq(k, klen, "host_version")) {
		free(d->host_version);
		d->host_version = xstrndup_printable(v, vlen);
		return true;
	}
	if (span_eq(k, klen, "capabilities")) {
		free(d->capabilities);
		d->capabilities = xstrndup_printable(v, vlen);
		return true;
	}
	if (span_eq(k, klen, "state")) {
		/* "1 (Initialized)": the number is the truth, the name is ours */
		const char *sp = memchr(v, ' ', vlen);
		if (!parse_u64(v, sp ? (size_t)(sp - v) : vlen, 10, &x))
			return false;
		d->state = opt_u64(x);
		d->state_name = hv_state_name(x);
		return true;
	}
	if (span_eq(k, klen, "page_size"))
		num = &d->page_size;
	else if (span_eq(k, klen, "pages_added"))
		num = &d->pages_added;
	else if (span_eq(k, klen, "pages_onlined"))
		num = &d->pages_onlined;
	else if (span_eq(k, klen, "pages_ballooned")) {
		num = &d->pages_ballooned;
		if (d->layout == HV_LAYOUT_UNKNOWN)
			d->layout = HV_LAYOUT_MAINLINE;
	} else if (span_eq(k, klen, "pages_ballooned_out")) {
		num = &d->pages_ballooned;
		d->layout = HV_LAYOUT_VENDOR;
	} else if (span_eq(k, klen, "total_pages_committed"))
		num = &d->total_pages_committed;
	else if (span_eq(k, klen, "total_pages_commited")) {
		num = &d->total_pages_committed;
		d->layout = HV_LAYOUT_VENDOR;
	} else if (span_eq(k, klen, "vm_pages_commited") || span_eq(k, klen, "vm_pages_committed")) {
		num = &d->vm_pages_committed;
		d->layout = HV_LAYOUT_VENDOR;
	} else if (span_eq(k, klen, "max_dynamic_page_count"))
		num = &d->max_dynamic_page_count;
	if (!num)
		return true;
	if (!parse_u64(v, vlen, 10, &x))
		return false;
	*num = opt_u64(x);
	return true;
}

int dbg_hv_parse(const char *buf, size_t len, struct dbg_hv *d)
{
	return kv_foreach(buf, len, ':', hv_line, d);
}

