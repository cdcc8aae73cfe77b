/* gfp_mask decoding: the names the kernel printed (4.6+ prints them as
 * "0x...(GFP_KERNEL|__GFP_ZERO)"), else a bit table for the older layouts. */
#ifndef VBTOOL_OOM_GFP_H
#define VBTOOL_OOM_GFP_H

#include <stddef.h>
#include <stdint.h>

/* Writes the flag names, '|'-separated, into buf; unknown bits as 0x...
 * Returns buf. */
const char *oom_gfp_decode(uint64_t mask, char *buf, size_t len);

#endif
