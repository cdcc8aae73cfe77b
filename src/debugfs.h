/* Parsers for the balloon drivers' debugfs files. */
#ifndef VBTOOL_DEBUGFS_H
#define VBTOOL_DEBUGFS_H

#include "report.h"

#define DEBUGFS_ROOT "/sys/kernel/debug"
#define DEBUGFS_VIRTIO "/sys/kernel/debug/virtio-balloon"
/* The vbtool module's file when the kernel already has virtio-balloon. */
#define DEBUGFS_VIRTIO_MODULE "/sys/kernel/debug/vbtool-balloon"
#define DEBUGFS_VMW "/sys/kernel/debug/vmmemctl"
#define DEBUGFS_HV "/sys/kernel/debug/hv-balloon"

/* Each returns the number of lines it could not understand. */
int dbg_virtio_parse(const char *buf, size_t len, struct dbg_virtio *d);
void dbg_virtio_free(struct dbg_virtio *d);
int dbg_vmw_parse(const char *buf, size_t len, struct dbg_vmw *d);
int dbg_hv_parse(const char *buf, size_t len, struct dbg_hv *d);
void dbg_hv_free(struct dbg_hv *d);
const char *hv_state_name(uint64_t state);

#endif
