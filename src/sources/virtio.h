/* Finding virtio devices: libudev on a live system, a walk of
 * DIR/sys/bus/virtio/devices under --sysroot. */
#ifndef VBTOOL_VIRTIO_H
#define VBTOOL_VIRTIO_H

#include "model/report.h"

/* Fills r->devices (balloons) and r->related (virtio-mem). */
void virtio_scan(struct balloon_report *r);
/* Reads the rest of one device's attributes from its
 * /sys/bus/virtio/devices/NAME path; the scan has read its id already. */
/* Re-reads a device's status and features only (top's refresh). */
void virtio_refresh_device(struct balloon_report *r, struct virtio_device *d);
void virtio_read_device(struct balloon_report *r, const char *name, const char *syspath, struct opt_u64 device_id,
			struct virtio_device *d);
/* The sysfs path a /sys/bus/virtio/devices/NAME link points to
 * ("../../../devices/..."), or NULL when it points outside /sys. */
char *virtio_bus_link_path(const char *target);
/* Derives the transport and address from the device's sysfs path. */
void virtio_transport_from_path(const char *syspath, char **transport, char **address);

#endif
