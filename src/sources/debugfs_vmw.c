/* debugfs vmmemctl (drivers/misc/vmw_balloon.c), both layouts:
 * since v4.20 "%-22s: %16lu" with per-command "N (M failed)" lines, and the
 * earlier "target:   262144 pages". Traps: "target" appears twice (the second,
 * with "(N failed)", counts GET_TARGET commands), and the counters are only
 * switched on by the first read, so that read shows zeros. */
#include "sources/debugfs.h"

#include <string.h>

/* "N (M failed)": the command counters of the current layout. */
static bool is_command_counter(const char *v, size_t vlen, uint64_t *count, uint64_t *failed)
{
	const char *paren = memchr(v, '(', vlen);
	if (!paren)
		return false;
	const char *f = paren + 1;
	while (f < v + vlen && *f == ' ')
		f++;
	size_t rest = vlen - (size_t)(f - v);
	const char *sp = memchr(f, ' ', rest);
	if (!sp || !parse_u64(v, (size_t)(paren - v), 10, count) || !parse_u64(f, (size_t)(sp - f), 10, failed))
		return false;
	return true;
}

static bool strip_suffix(const char *v, size_t *vlen, const char *suffix)
{
	size_t n = strlen(suffix);
	if (*vlen >= n && memcmp(v + *vlen - n, suffix, n) == 0) {
		*vlen -= n;
		return true;
	}
	return false;
}

struct vmw_ctx {
	struct dbg_vmw *d;
	bool any_counter, any_counter_nonzero;
};

static bool parse_hex_into(const char *v, size_t vlen, struct opt_u64 *out)
{
	uint64_t x;
	if (!parse_u64(v, vlen, 16, &x))
		return false;
	*out = opt_u64(x);
	return true;
}

static bool parse_dec_into(const char *v, size_t vlen, struct opt_u64 *out)
{
	uint64_t x;
	if (!parse_u64(v, vlen, 10, &x))
		return false;
	*out = opt_u64(x);
	return true;
}

static bool vmw_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct vmw_ctx *c = ctx;
	struct dbg_vmw *d = c->d;
	uint64_t x, failed;
	if (is_command_counter(v, vlen, &x, &failed)) {
		/* Both layouts print commands this way; the first "target" is never one. */
		c->any_counter = true;
		c->any_counter_nonzero |= x || failed;
		return true;
	}
	if (strip_suffix(v, &vlen, " pages/sec") || strip_suffix(v, &vlen, " pages"))
		d->layout = VMW_LAYOUT_PRE_4_20;
	if (span_eq(k, klen, "balloon capabilities"))
		return parse_hex_into(v, vlen, &d->capabilities);
	if (span_eq(k, klen, "used capabilities"))
		return parse_hex_into(v, vlen, &d->used_capabilities);
	if (span_eq(k, klen, "is resetting")) {
		if (!span_eq(v, vlen, "y") && !span_eq(v, vlen, "n"))
			return false;
		d->is_resetting = span_eq(v, vlen, "y");
		return true;
	}
	if (span_eq(k, klen, "target") && !d->target_pages.known)
		return parse_dec_into(v, vlen, &d->target_pages);
	if (span_eq(k, klen, "current") && !d->current_pages.known)
		return parse_dec_into(v, vlen, &d->current_pages);
	if (span_eq(k, klen, "rateSleepAlloc")) {
		d->layout = VMW_LAYOUT_PRE_4_20;
		return parse_dec_into(v, vlen, &d->rate_alloc);
	}
	/* statistics: timer, doorbell, alloc (4k), allocFail (2M), ... */
	if (!parse_u64(v, vlen, 10, &x))
		return true;
	c->any_counter_nonzero |= x != 0;
	if (klen > 9 && memcmp(k, "allocFail", 9) == 0 && memmem(k, klen, "(4k)", 4))
		d->alloc_fail_4k = opt_u64(x);
	else if (klen > 9 && memcmp(k, "allocFail", 9) == 0 && memmem(k, klen, "(2M)", 4))
		d->alloc_fail_2m = opt_u64(x);
	return true;
}

int dbg_vmw_parse(const char *buf, size_t len, struct dbg_vmw *d)
{
	struct vmw_ctx c = { d, false, false };
	d->is_resetting = -1;
	int bad = kv_foreach(buf, len, ':', vmw_line, &c);
	if (d->layout == VMW_LAYOUT_UNKNOWN && d->target_pages.known)
		d->layout = VMW_LAYOUT_CURRENT;
	d->counters_all_zero = d->layout == VMW_LAYOUT_CURRENT && c.any_counter && !c.any_counter_nonzero;
	return bad;
}
