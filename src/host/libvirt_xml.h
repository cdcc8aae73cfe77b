/* The few things vbtool reads from a libvirt domain XML: the <memballoon>
 * element (model, autodeflate, freePageReporting, <stats period>, <alias>,
 * <address type>) and whether <devices> holds <memory> devices. A bounded
 * scan of libvirt's own output, not a general XML parser. */
#ifndef VBTOOL_HOST_LIBVIRT_XML_H
#define VBTOOL_HOST_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
