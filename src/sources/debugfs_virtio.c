/* debugfs virtio-balloon: Virtuozzo's "InflatedTotal: N kB" and
 * "InflatedFree: N kB", then the extra "Key: value" lines of the vbtool
 * module (Target, Actual, DeflateOnOOM, Device). Unknown keys are kept. */
#include "sources/debugfs.h"
#include "base/util.h"

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

static bool virtio_line(void *ctx, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct dbg_virtio *d = ctx;
	if (span_eq(k, klen, "InflatedTotal"))
		return parse_kb(v, vlen, &d->inflated_total_kb);
	if (span_eq(k, klen, "InflatedFree"))
		return parse_kb(v, vlen, &d->inflated_free_kb);
	if (span_eq(k, klen, "Target"))
		return parse_kb(v, vlen, &d->target_kb);
	if (span_eq(k, klen, "Actual"))
		return parse_kb(v, vlen, &d->actual_kb);
	if (span_eq(k, klen, "DeflateOnOOM")) {
		if (span_eq(v, vlen, "yes") || span_eq(v, vlen, "no")) {
			d->deflate_on_oom = span_eq(v, vlen, "yes");
			return true;
		}
		return false;
	}
	if (span_eq(k, klen, "Device")) {
		free(d->device);
		d->device = xstrndup_printable(v, vlen);
		return true;
	}
	if (!is_key(k, klen))
		return false;
	if (d->nextra < 64) {
		d->extra_keys = xrealloc(d->extra_keys, (d->nextra + 1) * sizeof(char *));
		d->extra_values = xrealloc(d->extra_values, (d->nextra + 1) * sizeof(char *));
		d->extra_keys[d->nextra] = xstrndup(k, klen);
		d->extra_values[d->nextra] = xstrndup_printable(v, vlen);
		d->nextra++;
	}
	return true;
}

int dbg_virtio_parse(const char *buf, size_t len, struct dbg_virtio *d)
{
	d->deflate_on_oom = -1;
	return kv_foreach(buf, len, ':', virtio_line, d);
}

