#include "sources/virtio.h"
#include "tap.h"

#include <stdlib.h>

static void check(const char *path, const char *transport, const char *address, const char *what)
{
	char *t, *a;
	virtio_transport_from_path(path, &t, &a);
	is_str(t, transport, "%s: transport", what);
	is_str(a, address, "%s: address", what);
	free(t);
	free(a);
}

int main(void)
{
	check("/sys/devices/pci0000:00/0000:00:01.0/virtio0", "pci", "0000:00:01.0", "virtio-pci");
	check("/sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/virtio3", "pci", "0000:01:00.0", "behind a bridge");
	check("/sys/devices/platform/a000000.virtio_mmio/virtio1", "virtio-mmio", "a000000.virtio_mmio", "virtio-mmio");
	check("/sys/devices/LNRO0005:00/virtio0", "virtio-mmio", "LNRO0005:00", "ACPI virtio-mmio");
	check("/sys/devices/css0/0.0.0000/0.0.0002/virtio2", "ccw", "0.0.0002", "s390 ccw");
	check("/sys/devices/virtual/whatever/virtio9", "unknown", NULL, "something else");
	check(NULL, "unknown", NULL, "no path");
	check("virtio0", "unknown", NULL, "a bare name");

	char *p = virtio_bus_link_path("../../../devices/pci0000:00/0000:00:01.0/virtio0");
	is_str(p, "/sys/devices/pci0000:00/0000:00:01.0/virtio0", "a bus link resolves under /sys");
	free(p);
	ok(virtio_bus_link_path("../../devices/x/virtio0") == NULL, "too few levels up: rejected");
	ok(virtio_bus_link_path("../../../../etc/virtio0") == NULL, "too many levels up: rejected");
	ok(virtio_bus_link_path("../../../devices/../../etc/shadow") == NULL, "a later .. is rejected");
	ok(virtio_bus_link_path("/etc/passwd") == NULL, "an absolute target is rejected");
	return tap_done();
}
