/* debugfs hv-balloon, mainline and vendor layouts. */
#include "sources/debugfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbg_hv d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_hv_parse((const char *)data, size, &d);
	if (bad < 0)
		abort();
	if (d.state.known && (!d.state_name || strcmp(d.state_name, hv_state_name(d.state.v)) != 0))
		abort();
	if (d.host_version)
		(void)strlen(d.host_version);
	if (d.capabilities)
		(void)strlen(d.capabilities);
	dbg_hv_free(&d);
	return 0;
}
