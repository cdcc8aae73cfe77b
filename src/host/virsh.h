/* The virsh transport: one `virsh qemu-monitor-command -- DOMAIN JSON` per
 * command, for VMs whose QMP socket libvirt holds. No greeting, no events.
 * (libvirt marks the domain tainted "custom-monitor" when this is used.) */
#ifndef VBTOOL_QMP_VIRSH_H
#define VBTOOL_QMP_VIRSH_H

#include <stddef.h>

/* Runs virsh (from PATH) and returns its standard output (NUL-terminated,
 * at most max_output bytes), or NULL with *err (allocated) saying why:
 * not found, killed at the deadline, exit status with virsh's own message. */
char *qmp_virsh_run(const char *domain, const char *json, long long deadline, size_t max_output,
		    char **err);

#endif
