/* debugfs virtio-balloon (Virtuozzo's lines and the vbtool module's). */
#include "sources/debugfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbg_virtio d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_virtio_parse((const char *)data, size, &d);
	if (bad < 0 || d.deflate_on_oom < -1 || d.deflate_on_oom > 1 || d.nextra > 64)
		abort();
	for (size_t i = 0; i < d.nextra; i++)
		if (!d.extra_keys[i] || !d.extra_values[i] || !*d.extra_keys[i])
			abort();
	if (d.device)
		(void)strlen(d.device);
	dbg_virtio_free(&d);
	return 0;
}
