/* gfp_mask decoding: the names the kernel printed (4.6+ prints them as
 * "0x...(GFP_KERNEL|__GFP_ZERO)"), else a bit table for the older layouts. */
#ifndef VBTOOL_OOM_GFP_H
#define VBTOOL_OOM_GFP_H

#include <stddef.h>
#include <stdint.h>

/* Writes the flag names, '|'-separated, into buf; unknown bits as 0x...
 * Returns buf. */
const char *oom_gfp_decode(uint64_t mask, char *buf, size_t len);
/* The same with the table of the kernel release the log names
 * ("2.6.28-18-server"; NULL or "" when it names none: then the mask's own
 * bits choose, as oom_gfp_decode). The bit values moved in 2.6.23
 * (__GFP_MOVABLE 0x100000), 2.6.31 (__GFP_MOVABLE 0x08) and 4.4
 * (__GFP_WAIT split in two); from 4.6 on the kernel prints the names, and
 * a mask from such a kernel without them is left as hex. */
const char *oom_gfp_decode_release(uint64_t mask, const char *release, char *buf, size_t len);

#endif
