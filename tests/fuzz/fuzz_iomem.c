/* /proc/iomem: "%*s%0*llx-%0*llx : %s" lines (sources/iomem.c). */
#include "sources/iomem.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iomem m;
	memset(&m, 0, sizeof(m));
	unsigned bad = iomem_parse((const char *)data, size, &m);
	if (bad != m.bad_lines || m.ndrivers > IOMEM_DRIVERS_MAX || m.nregions > IOMEM_REGIONS_MAX)
		abort();
	/* zeroed addresses: no size is made up */
	if (m.addresses_hidden && m.system_ram_bytes.known)
		abort();
	const struct iomem_driver *vmem = NULL;
	for (unsigned i = 0; i < m.ndrivers; i++) {
		if (!m.drivers[i].ranges || m.drivers[i].name[0] == '\0' || (m.addresses_hidden && m.drivers[i].bytes.known))
			abort();
		if (strcmp(m.drivers[i].name, "virtio_mem") == 0)
			vmem = &m.drivers[i];
	}
	/* a region's plugged ranges are virtio_mem ranges, counted in the driver's sum too */
	unsigned ranges = 0;
	uint64_t plugged = 0;
	bool all_known = true;
	for (unsigned i = 0; i < m.nregions; i++) {
		const struct iomem_region *g = &m.regions[i];
		if (strncmp(g->name, "virtio", 6) != 0 || (m.addresses_hidden && (g->plugged_bytes.known || g->region_bytes.known)))
			abort();
		ranges += g->ranges;
		if (g->plugged_bytes.known && plugged <= UINT64_MAX - g->plugged_bytes.v)
			plugged += g->plugged_bytes.v;
		else
			all_known = false;
	}
	if (ranges && (!vmem || vmem->ranges < ranges))
		abort();
	if (ranges && all_known && vmem->bytes.known && vmem->bytes.v < plugged)
		abort();
	return 0;
}
