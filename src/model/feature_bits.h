/* Virtio feature and device-status bits: tables and decoders.
 * As in ethtool and lspci, a table and a loop; unknown bits by number. */
#ifndef VBTOOL_FEATURES_H
#define VBTOOL_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_BALLOON 5
#define VIRTIO_ID_MEM 24

#define FEATURE_BITS_MAX 128

#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define VIRTIO_BALLOON_F_REPORTING 5

struct bit_name {
	unsigned bit;
	const char *name; /* as the kernel header spells it, without prefix */
	const char *desc;
};

struct features {
	bool valid;
	unsigned nbits; /* 64 or 128: the length of the string the kernel printed */
	uint64_t bits[FEATURE_BITS_MAX / 64];
};

/* Parses a sysfs "features" string: only '0'/'1', 64 or 128 of them, then an
 * optional newline. On failure returns false and sets *why (static text). */
bool features_parse(const char *s, size_t len, struct features *out, const char **why);
bool features_test(const struct features *f, unsigned bit);

/* The name of a set bit for a device of this id: device-specific bits
 * (0-23) from the device's table (balloon only), transport bits (24-41);
 * NULL when no table knows it. */
const struct bit_name *feature_lookup(unsigned device_id, unsigned bit);

/* Device status register (VIRTIO_CONFIG_S_*). */
extern const struct bit_name virtio_status_bits[];
extern const size_t virtio_status_bits_count;

/* Balloon device-specific bits, for help text and the tests. */
extern const struct bit_name balloon_feature_bits[];
extern const size_t balloon_feature_bits_count;

#endif
