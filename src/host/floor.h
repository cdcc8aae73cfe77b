/* target's safety floor: the smallest logical size vbtool asks for without
 * --force, so that the balloon cannot take what the guest uses now. */
#ifndef VBTOOL_HOST_FLOOR_H
#define VBTOOL_HOST_FLOOR_H

#include <stdbool.h>
#include <stdint.h>

#include "host/host.h"

#define FLOOR_MIN_MARGIN (256ULL * 1024 * 1024) /* at least this on top of the guest's use */
#define FLOOR_MARGIN_PCT 10                     /* or this share of RAM, when larger */
#define FLOOR_NO_STATS_PCT 50                   /* without statistics: this share of RAM */

struct safe_floor {
	uint64_t floor;   /* bytes */
	bool from_stats;  /* else FLOOR_NO_STATS_PCT of ram */
	uint64_t total, available, used, margin; /* from_stats: the guest's numbers */
	uint64_t ram;
	bool ram_known;
};

/* False when it cannot be told: no usable statistics and RAM unknown. */
bool host_safe_floor(const struct host_vm *vm, struct safe_floor *f);

#endif
