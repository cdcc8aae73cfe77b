/* virtio-mem (virtio device id 24) as its driver logs it: see struct
 * virtio_mem_log in model/report.h. */
#ifndef VBTOOL_VIRTIO_MEM_H
#define VBTOOL_VIRTIO_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

/* One kernel log message ("virtio_mem virtio2: plugged size: 0x40000000");
 * true when it was one of the driver's size lines and was recorded. */
bool virtio_mem_klog_message(struct klog_summary *k, const char *msg, size_t n);

#endif
