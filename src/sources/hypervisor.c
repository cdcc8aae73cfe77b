/* The CPU's "hypervisor" flag in /proc/cpuinfo; the collector reads the files. */
#include "sources/hypervisor.h"
#include "base/parse.h"

#include <string.h>

int cpuinfo_hypervisor_flag(const char *buf, size_t len)
{
	struct line_iter it;
	const char *line, *key, *val;
	size_t n, klen, vlen;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (!split_kv(line, n, ':', &key, &klen, &val, &vlen) || !span_eq(key, klen, "flags"))
			continue;
		/* space-separated words; the first CPU speaks for all */
		const char *p = val, *end = val + vlen;
		while (p < end) {
			const char *w = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			if (span_eq(w, (size_t)(p - w), "hypervisor"))
				return 1;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
		}
		return 0;
	}
	return -1;
}
