/* explain-oom's line cleaner and prefix normaliser: any bytes become a
 * cleaned line, then (time, message) with the message inside the line. */
#include "oom/gfp.h"
#include "oom/prefix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* the first byte picks the output capacity, so truncation is exercised */
	size_t cap = 1 + (size_t)data[0] * 64;
	const char *src = (const char *)data + 1;
	size_t len = size - 1;
	char *in = malloc(len ? len : 1);
	memcpy(in, src, len);
	char *clean = malloc(cap);
	size_t n = oom_clean_line(in, len, clean, cap);
	if (n >= cap || clean[n] != '\0' || strlen(clean) != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (clean[i] == '\r' || clean[i] == 0x1b)
			abort();

	struct oom_line l;
	memset(&l, 0, sizeof(l));
	oom_normalise(clean, n, &l);
	if (!l.msg || l.msg < clean || l.msg + l.len > clean + n)
		abort();
	if (strnlen(l.time_text, OOM_TIME_MAX) >= OOM_TIME_MAX)
		abort();
	if (l.has_uptime && (!isfinite(l.uptime_s) || l.uptime_s < 0))
		abort();

	/* gfp decoding of a mask taken from the input */
	if (len >= 8) {
		uint64_t mask;
		memcpy(&mask, in, 8);
		char buf[512];
		size_t blen = 1 + (size_t)(data[0] % sizeof(buf));
		const char *s = oom_gfp_decode(mask, buf, blen);
		if (s != buf || strnlen(buf, blen) >= blen)
			abort();
	}
	free(clean);
	free(in);
	return 0;
}
