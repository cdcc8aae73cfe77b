/* Which hypervisor runs the VM, from what the guest can read: DMI's vendor
 * and product, /sys/hypervisor/type (Xen) and the CPU's "hypervisor" flag.
 * Firecracker guests have no DMI and no /sys/hypervisor: only the flag. */
#ifndef VBTOOL_HYPERVISOR_H
#define VBTOOL_HYPERVISOR_H

#include <stddef.h>

#include "model/report.h"

#define DMI_SYS_VENDOR "/sys/class/dmi/id/sys_vendor"
#define DMI_PRODUCT_NAME "/sys/class/dmi/id/product_name"
#define SYS_HYPERVISOR_TYPE "/sys/hypervisor/type"
#define PROC_CPUINFO "/proc/cpuinfo"

/* 1: the first "flags" line has "hypervisor", 0: it has not, -1: no such
 * line (not x86). */
int cpuinfo_hypervisor_flag(const char *buf, size_t len);

#endif
