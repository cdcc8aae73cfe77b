/* Parsers for the balloon drivers' debugfs files. */
#ifndef VBTOOL_DEBUGFS_H
#define VBTOOL_DEBUGFS_H

#include "model/report.h"


/* Each returns the number of lines it could not understand. */
int dbg_virtio_parse(const char *buf, size_t len, struct dbg_virtio *d);
int dbg_vmw_parse(const char *buf, size_t len, struct dbg_vmw *d);
int dbg_hv_parse(const char *buf, size_t len, struct dbg_hv *d);
const char *hv_state_name(uint64_t state);

#endif
