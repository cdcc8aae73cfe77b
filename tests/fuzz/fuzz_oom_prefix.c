/* explain-oom's line cleaner and prefix normaliser: any bytes become a
 * cleaned line, then (time, message) with the message inside the line. */
#include "oom/gfp.h"
#include "oom/prefix.h"
#include "oom/timeparse.h"

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

	/* the time as ISO 8601: from the kept time text, and from any text */
	const char *texts[] = { l.time_text, clean };
	for (size_t k = 0; k < 2; k++) {
		struct oom_time t;
		oom_time_parse(texts[k], &t);
		size_t il = strnlen(t.iso, OOM_ISO_MAX);
		if (il >= OOM_ISO_MAX || strnlen(t.note, OOM_TIME_NOTE_MAX) >= OOM_TIME_NOTE_MAX)
			abort();
		if (il && (il < 19 || t.iso[4] != '-' || t.iso[10] != 'T' || t.iso[13] != ':'))
			abort();
		if (!il && !t.note[0])
			abort(); /* no ISO time always says why */
	}

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
