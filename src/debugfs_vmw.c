/* debugfs vmmemctl (drivers/misc/vmw_balloon.c), both layouts:
 * since v4.20 "%-22s: %16lu" with per-command "N (M failed)" lines, and the
 * earlier "target:   262144 pages". Traps: "target" appears twice (the second,
 * with "(N failed)", counts GET_TARGET commands), and the counters are only
 * switched on by the first read, so that read shows zeros. */
#include "debugfs.h"

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

int dbg_vmw_parse(const char *buf, size_t len, struct dbg_vmw *d)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen;
	int bad = 0;
	bool any_counter_nonzero = false, any_counter = false;
	d->is_resetting = -1;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (trim_span(&line, n) == 0)
			continue;
		if (mem_has_nul(line, n) || !split_kv(line, n, ':', &k, &klen, &v, &vlen)) {
			bad++;
			continue;
		}
		uint64_t x, failed;
		if (is_command_counter(v, vlen, &x, &failed)) {
			/* Both layouts print commands this way; the first "target" is never one. */
			any_counter = true;
			if (x || failed)
				any_counter_nonzero = true;
			continue;
		}
		bool pages = strip_suffix(v, &vlen, " pages/sec") || strip_suffix(v, &vlen, " pages");
		if (pages)
			d->layout = VMW_LAYOUT_PRE_4_20;
		if (span_eq(k, klen, "balloon capabilities")) {
			if (parse_u64(v, vlen, 16, &x))
				d->capabilities = opt_u64(x);
			else
				bad++;
		} else if (span_eq(k, klen, "used capabilities")) {
			if (parse_u64(v, vlen, 16, &x))
				d->used_capabilities = opt_u64(x);
			else
				bad++;
		} else if (span_eq(k, klen, "is resetting")) {
			if (span_eq(v, vlen, "y"))
				d->is_resetting = 1;
			else if (span_eq(v, vlen, "n"))
				d->is_resetting = 0;
			else
				bad++;
		} else if (span_eq(k, klen, "target") && !d->target_pages.known) {
			if (parse_u64(v, vlen, 10, &x))
				d->target_pages = opt_u64(x);
			else
				bad++;
		} else if (span_eq(k, klen, "current") && !d->current_pages.known) {
			if (parse_u64(v, vlen, 10, &x))
				d->current_pages = opt_u64(x);
			else
				bad++;
		} else if (span_eq(k, klen, "rateSleepAlloc")) {
			d->layout = VMW_LAYOUT_PRE_4_20;
			if (parse_u64(v, vlen, 10, &x))
				d->rate_alloc = opt_u64(x);
			else
				bad++;
		} else if (parse_u64(v, vlen, 10, &x)) {
			/* statistics: timer, doorbell, alloc (4k), allocFail (2M), ... */
			if (x)
				any_counter_nonzero = true;
			if (klen > 9 && memcmp(k, "allocFail", 9) == 0 && memmem(k, klen, "(4k)", 4))
				d->alloc_fail_4k = opt_u64(x);
			else if (klen > 9 && memcmp(k, "allocFail", 9) == 0 && memmem(k, klen, "(2M)", 4))
				d->alloc_fail_2m = opt_u64(x);
		}
	}
	if (d->layout == VMW_LAYOUT_UNKNOWN && d->target_pages.known)
		d->layout = VMW_LAYOUT_CURRENT;
	d->counters_all_zero = d->layout == VMW_LAYOUT_CURRENT && any_counter && !any_counter_nonzero;
	return bad;
}
