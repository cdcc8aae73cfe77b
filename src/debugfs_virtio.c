/* debugfs virtio-balloon: Virtuozzo's "InflatedTotal: N kB" and
 * "InflatedFree: N kB", then the extra "Key: value" lines of the vbtool
 * module (Target, Actual, DeflateOnOOM, Device). Unknown keys are kept. */
#include "debugfs.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static bool parse_kb(const char *v, size_t vlen, struct opt_u64 *out)
{
	if (vlen >= 3 && memcmp(v + vlen - 3, " kB", 3) == 0)
		vlen -= 3;
	else if (vlen >= 2 && memcmp(v + vlen - 2, "kB", 2) == 0)
		vlen -= 2;
	uint64_t x;
	if (!parse_u64(v, vlen, 10, &x))
		return false;
	*out = opt_u64(x);
	return true;
}

/* Keys the module may add: letters, digits, '_', '-', ' ' (they become JSON keys). */
static bool is_key(const char *k, size_t klen)
{
	if (klen > 64)
		return false;
	for (size_t i = 0; i < klen; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == ' '))
			return false;
	}
	return true;
}

int dbg_virtio_parse(const char *buf, size_t len, struct dbg_virtio *d)
{
	struct line_iter it;
	const char *line, *k, *v;
	size_t n, klen, vlen, cap_k = 0, cap_v = 0;
	int bad = 0;
	d->deflate_on_oom = -1;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (trim_span(&line, n) == 0)
			continue;
		if (mem_has_nul(line, n) || !split_kv(line, n, ':', &k, &klen, &v, &vlen)) {
			bad++;
			continue;
		}
		bool ok = true;
		if (span_eq(k, klen, "InflatedTotal"))
			ok = parse_kb(v, vlen, &d->inflated_total_kb);
		else if (span_eq(k, klen, "InflatedFree"))
			ok = parse_kb(v, vlen, &d->inflated_free_kb);
		else if (span_eq(k, klen, "Target"))
			ok = parse_kb(v, vlen, &d->target_kb);
		else if (span_eq(k, klen, "Actual"))
			ok = parse_kb(v, vlen, &d->actual_kb);
		else if (span_eq(k, klen, "DeflateOnOOM")) {
			if (span_eq(v, vlen, "yes"))
				d->deflate_on_oom = 1;
			else if (span_eq(v, vlen, "no"))
				d->deflate_on_oom = 0;
			else
				ok = false;
		} else if (span_eq(k, klen, "Device")) {
			free(d->device);
			d->device = xstrndup_printable(v, vlen);
		} else if (!is_key(k, klen)) {
			ok = false;
		} else if (d->nextra < 64) {
			d->extra_keys = xgrow(d->extra_keys, &cap_k, d->nextra + 1, sizeof(char *));
			d->extra_values = xgrow(d->extra_values, &cap_v, d->nextra + 1, sizeof(char *));
			d->extra_keys[d->nextra] = xstrndup(k, klen);
			d->extra_values[d->nextra] = xstrndup_printable(v, vlen);
			d->nextra++;
		}
		if (!ok)
			bad++;
	}
	return bad;
}

void dbg_virtio_free(struct dbg_virtio *d)
{
	for (size_t i = 0; i < d->nextra; i++) {
		free(d->extra_keys[i]);
		free(d->extra_values[i]);
	}
	free(d->extra_keys);
	free(d->extra_values);
	free(d->device);
	free(d->path);
	memset(d, 0, sizeof(*d));
}
