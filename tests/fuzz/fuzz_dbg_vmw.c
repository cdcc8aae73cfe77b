/* debugfs vmmemctl, both layouts. */
#include "sources/debugfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbg_vmw d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_vmw_parse((const char *)data, size, &d);
	if (bad < 0 || d.is_resetting < -1 || d.is_resetting > 1)
		abort();
	if (d.layout != VMW_LAYOUT_UNKNOWN && d.layout != VMW_LAYOUT_PRE_4_20 && d.layout != VMW_LAYOUT_CURRENT)
		abort();
	/* "the counters are zero" is only ever said of the current layout */
	if (d.counters_all_zero && d.layout != VMW_LAYOUT_CURRENT)
		abort();
	return 0;
}
