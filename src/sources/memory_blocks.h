/* The memory blocks of /sys/devices/system/memory (drivers/base/memory.c):
 * block size, the auto-online policy and each block's state. Hot-added
 * memory (Xen's balloon, virtio-mem, ACPI) is usable only once online. */
#ifndef VBTOOL_MEMORY_BLOCKS_H
#define VBTOOL_MEMORY_BLOCKS_H

#include "model/report.h"

#define SYS_MEMORY_DIR "/sys/devices/system/memory"
/* mm/memory_hotplug.c (CONFIG_MHP_MEMMAP_ON_MEMORY, 5.12+): "Y" or "N",
 * and from 6.6 "force": whether an added block keeps its struct pages on
 * itself (none of the guest's other memory is used to add it) */
#define SYS_MEMMAP_ON_MEMORY "/sys/module/memory_hotplug/parameters/memmap_on_memory"

/* Fills r->memblocks; an absent directory (no CONFIG_MEMORY_HOTPLUG) is
 * SRC_ABSENT and no problem. */
void memory_blocks_scan(struct balloon_report *r);

#endif
