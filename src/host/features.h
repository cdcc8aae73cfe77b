/* QEMU's feature lists (x-query-virtio-status) decoded with vbtool's own
 * table (model/feature_bits), so that a bit has the same name on the host
 * side as in the guest's sysfs, and "unknown" means unknown to vbtool. */
#ifndef VBTOOL_HOST_FEATURES_H
#define VBTOOL_HOST_FEATURES_H

#include <json-c/json.h>
#include <stddef.h>

/* set: one VirtioDeviceFeatures object ({"transports": [...],
 * "dev-features": [...], "unknown-dev-features": N}). Appends the names of
 * the bits vbtool knows (STATS_VQ, VERSION_1, RING_RESET) to *names, in bit
 * order, and the numbers of the others to *unknown. A name QEMU knows but
 * whose bit vbtool cannot tell is kept as QEMU spells it. */
void host_features_decode(struct json_object *set, char ***names, size_t *nnames, unsigned **unknown,
			  size_t *nunknown);

#endif
