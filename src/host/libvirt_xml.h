/* The few things vbtool reads from a libvirt domain XML: the <memballoon>
 * element (model, autodeflate, freePageReporting, <stats period>, <alias>,
 * <address type>), whether <devices> holds <memory> devices, and the
 * virtio-mem ones among them. A bounded
 * scan of libvirt's own output, not a general XML parser. */
#ifndef VBTOOL_HOST_LIBVIRT_XML_H
#define VBTOOL_HOST_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/parse.h"

struct lv_balloon_xml {
	bool devices_found; /* <devices> was there: the rest can be trusted */
	bool present;       /* a <memballoon> element */
	char *model;        /* "virtio", "none", ... (printable) */
	int autodeflate;    /* -1 not said, 0 off, 1 on */
	int free_page_reporting;
	struct opt_u64 period; /* <stats period='N'/> */
	char *alias;        /* <alias name='balloon0'/>: QEMU's device id */
	char *address_type; /* "pci", "ccw", ... */
	bool memory_devices; /* <memory model=...> DIMMs, virtio-mem, nvdimm */
};

/* Fills *b from xml (len bytes). Never fails: what is not found stays unset. */
void lv_balloon_xml_parse(const char *xml, size_t len, struct lv_balloon_xml *b);
void lv_balloon_xml_free(struct lv_balloon_xml *b);

/* One <memory model='virtio-mem'> device (libvirt 7.9+, docs
 * formatdomain.html#memory-devices): <target> holds <size> (the region:
 * QEMU's max-size), <node>, <block>, <requested> and, in the live XML only,
 * <current> (QEMU's plugged size); <alias name='virtiomem0'/> is QEMU's id.
 * Sizes in bytes from their unit attribute (libvirt writes KiB); unknown when
 * absent, not a number, or in a unit libvirt does not have. */
struct lv_vmem_xml {
	char *alias; /* printable; NULL without <alias> */
	struct opt_u64 size, node, block, requested, current;
};

/* Every virtio-mem device in <devices>, in the XML's order, into *out
 * (free with lv_vmem_xml_free); returns how many. */
size_t lv_vmem_xml_parse(const char *xml, size_t len, struct lv_vmem_xml **out);
void lv_vmem_xml_free(struct lv_vmem_xml *v, size_t n);
/* The <memory> element of the virtio-mem device whose alias is alias, with
 * its <requested> set to kib KiB: what virDomainUpdateDeviceFlags takes, as
 * virsh update-memory-device sends it. NULL when there is no such device or
 * it has no <requested>. */
char *lv_vmem_xml_with_requested(const char *xml, size_t len, const char *alias, uint64_t kib);

#endif
