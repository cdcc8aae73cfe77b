/* virtio-mem through libvirt (libvirt_vmem.c): the devices of a domain's
 * XML as struct host_virtio_mem, the same as query-memory-devices gives the
 * QMP path. */
#ifndef VBTOOL_HOST_LIBVIRT_VMEM_H
#define VBTOOL_HOST_LIBVIRT_VMEM_H

#include <stddef.h>

#include "host/host.h"

/* Appends the virtio-mem devices of a domain XML (len bytes) to
 * vm->vmem_devices and sets vm->virtio_mem (their plugged sizes' sum) when
 * every one is known; what libvirt does not say is null, with a note. */
void host_libvirt_vmem_read(const char *xml, size_t len, struct host_vm *vm);
/* libvirt's balloon.maximum and balloon.current count virtio-mem otherwise
 * than QEMU: turns vm->ram and vm->actual into the QMP path's meaning (RAM
 * = base + plugged; actual without virtio-mem) once the rest is filled. */
void host_libvirt_vmem_as_qmp(struct host_vm *vm);

#endif
