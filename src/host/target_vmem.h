/* target --virtio-mem's rules and outcome (target_vmem.c), one set for both
 * ways to reach the device: QMP (target_vmem.c) and libvirt
 * (libvirt_vmem.c). */
#ifndef VBTOOL_HOST_TARGET_VMEM_H
#define VBTOOL_HOST_TARGET_VMEM_H

#include <stdint.h>

#include "host/host.h"
#include "host/target.h"

/* The VM as messages name it: the socket or the libvirt domain. */
const char *vmem_who(const struct target_request *req);
/* The virtio-mem device with that id (libvirt: alias) in vm, or NULL. */
const struct host_virtio_mem *vmem_find(const struct host_vm *vm, const char *id);
/* Finds req->virtio_mem_id in vm (*dev) and checks SIZE against it: within
 * max-size, a multiple of block-size, not below the safe floor (unless
 * --force). VB_EXIT_OK to go on; otherwise the error is said and the exit
 * code returned. */
int vmem_check(const struct target_request *req, const struct host_vm *vm, const struct host_virtio_mem **dev);
/* With --wait, polls query (its plugged size) until it reaches the request
 * or the time is up; then prints the outcome (text or JSON). start: the
 * size before the request, size: the size right after it. Returns the exit
 * code, or -1 when query failed (its error is the caller's to say). */
int vmem_wait_and_report(const struct target_request *req, const struct host_virtio_mem *d, uint64_t start,
			 uint64_t size, int (*query)(void *ctx, uint64_t *size), void *ctx);
/* target --libvirt DOMAIN --virtio-mem ALIAS (libvirt_vmem.c). */
int host_target_virtio_mem_libvirt(const struct target_request *req);

#endif
