/* Views of the host side: text and the JSON contract of `status --qmp --json`
 * (documented in vbtool-host(8)). They only format struct host_vm. */
#ifndef VBTOOL_QMP_HOST_VIEW_H
#define VBTOOL_QMP_HOST_VIEW_H

#include <stdio.h>

#include <json-c/json.h>

#include "host/host.h"

void host_view_text(FILE *out, const struct host_vm *vms, size_t n);
struct json_object *host_view_json(const struct host_vm *vms, size_t n);
/* vms[].virtio_mem_devices, also in top's host frames. */
struct json_object *host_view_vmem_json(const struct host_vm *vm);
/* The vbtool_vm_* Prometheus families (host/prometheus.c). */
void host_view_prometheus(FILE *out, const struct host_vm *vms, size_t n);
/* Statistics measured in bytes (the others are counts). */
bool host_stat_is_bytes(const char *name);

#endif
