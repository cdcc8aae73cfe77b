/* The memory blocks of /sys/devices/system/memory (drivers/base/memory.c):
 * block size, the auto-online policy and each block's state. Hot-added
 * memory (Xen's balloon, virtio-mem, ACPI) is usable only once online. */
#ifndef VBTOOL_MEMORY_BLOCKS_H
#define VBTOOL_MEMORY_BLOCKS_H

#include "model/report.h"

#define SYS_MEMORY_DIR "/sys/devices/system/memory"

/* Fills r->memblocks; an absent directory (no CONFIG_MEMORY_HOTPLUG) is
 * SRC_ABSENT and no problem. */
void memory_blocks_scan(struct balloon_report *r);

#endif
