/* Xen's balloon driver as the guest sees it: the xen_memory0 sysfs device
 * (drivers/xen/xen-balloon.c), /proc/xen/balloon on XenLinux kernels, and
 * whether the kernel was built with CONFIG_XEN_BALLOON_MEMORY_HOTPLUG.
 * Formats and their history: docs/xen-balloon.md. */
#ifndef VBTOOL_XEN_H
#define VBTOOL_XEN_H

#include <stddef.h>

#include "model/report.h"

#define XEN_MEMORY_DIR "/sys/devices/system/xen_memory/xen_memory0"
#define XEN_PROC_BALLOON "/proc/xen/balloon"
#define XEN_HOTPLUG_SYSCTL "/proc/sys/xen/balloon/hotplug_unpopulated"

/* Every file xen_scan reads, for collect (NULL-terminated). */
extern const char *const xen_balloon_files[];

/* /proc/xen/balloon ("Current allocation: %8lu kB" ...); returns the number
 * of lines not understood. */
int xen_proc_balloon_parse(const char *buf, size_t len, struct xen_balloon *x);
/* Fills r->xen; problems go to r->problems. */
void xen_scan(struct balloon_report *r);

#endif
