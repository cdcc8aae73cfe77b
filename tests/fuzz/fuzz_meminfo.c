/* /proc/meminfo: "Key:   %8lu kB" lines. */
#include "sources/procfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meminfo m;
	memset(&m, 0, sizeof(m));
	int bad = meminfo_parse((const char *)data, size, &m);
	if (bad < 0)
		abort();
	/* Nothing invented: with no input at all, nothing is known. */
	if (size == 0 && (m.mem_total_kb.known || m.balloon_kb.known || bad))
		abort();
	return 0;
}
