/* vbtool target's work: set the balloon over QMP or libvirt and follow it. */
#ifndef VBTOOL_HOST_TARGET_H
#define VBTOOL_HOST_TARGET_H

#include <stdbool.h>
#include <stdint.h>

struct target_request {
	const char *qmp, *domain; /* exactly one is set; domain: through libvirt */
	const char *connect_uri;  /* libvirt: --connect, NULL = the default URI */
	const char *size_text;    /* SIZE as the user wrote it, for messages */
	const char *virtio_mem_id; /* --virtio-mem ID: that device's requested-size, not the balloon */
	uint64_t target;          /* bytes */
	double wait_s;            /* < 0: do not wait */
	double timeout_s;         /* per QMP call; 0: the default */
	bool force;               /* --force: no safe-floor check */
	bool json;
};

/* Prints the outcome (text or JSON) or the error; returns a VB_EXIT_* code. */
int host_target(const struct target_request *req);
/* target --virtio-mem (host/target_vmem.c): the same contract. */
int host_target_virtio_mem(const struct target_request *req);

#endif
