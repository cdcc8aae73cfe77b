/* /proc/vmstat: "name value" lines. */
#include "sources/procfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmstat v;
	memset(&v, 0, sizeof(v));
	int bad = vmstat_parse((const char *)data, size, &v);
	if (bad < 0)
		abort();
	if (size == 0 && (v.nr_balloon_pages.known || v.balloon_inflate.known || bad))
		abort();
	return 0;
}
