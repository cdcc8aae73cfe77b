/* QEMU names its feature bits in x-query-virtio-status and lumps the bits
 * its own map lacks into "unknown-dev-features" (QEMU 7.2 puts RING_RESET,
 * bit 40, there). vbtool turns QEMU's names back into bit numbers and
 * decides names and unknown bits with the table the guest side uses. */
#include "host/features.h"
#include "host/values.h"
#include "model/feature_bits.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names QEMU uses for bits vbtool's table has under another name, or not at
 * all (vhost-user's bit 30; the legacy "bad feature" bit 30). */
static const struct {
	const char *qemu;
	unsigned bit;
} aliases[] = {
	{ "VIRTIO_F_IOMMU_PLATFORM", 33 },
	{ "VHOST_USER_F_PROTOCOL_FEATURES", 30 },
	{ "VIRTIO_F_BAD_FEATURE", 30 },
};

/* The bit vbtool's table gives this short name (STATS_VQ, RING_EVENT_IDX). */
static int bit_by_table_name(const char *name, size_t len)
{
	for (unsigned bit = 0; bit < 64; bit++) {
		const struct bit_name *bn = feature_lookup(VIRTIO_ID_BALLOON, bit);
		if (bn && strlen(bn->name) == len && strncmp(bn->name, name, len) == 0)
			return (int)bit;
	}
	return -1;
}

/* "VIRTIO_BALLOON_F_STATS_VQ", "VIRTIO_F_VERSION_1", "VIRTIO_RING_F_EVENT_IDX"
 * (len bytes, not terminated) -> the bit, or -1. */
static int qemu_name_bit(const char *name, size_t len)
{
	static const char dev[] = "VIRTIO_BALLOON_F_", tr[] = "VIRTIO_F_", ring[] = "VIRTIO_RING_F_";
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strlen(aliases[i].qemu) == len && strncmp(aliases[i].qemu, name, len) == 0)
			return (int)aliases[i].bit;
	if (len > sizeof(dev) - 1 && strncmp(name, dev, sizeof(dev) - 1) == 0)
		return bit_by_table_name(name + sizeof(dev) - 1, len - (sizeof(dev) - 1));
	if (len > sizeof(tr) - 1 && strncmp(name, tr, sizeof(tr) - 1) == 0)
		return bit_by_table_name(name + sizeof(tr) - 1, len - (sizeof(tr) - 1));
	if (len > sizeof(ring) - 1 && strncmp(name, ring, sizeof(ring) - 1) == 0) {
		/* vbtool's table says RING_EVENT_IDX where QEMU says VIRTIO_RING_F_EVENT_IDX. */
		char buf[64];
		if (len - (sizeof(ring) - 1) >= sizeof(buf))
			return -1; /* longer than any name in the table */
		int rest = (int)(len - (sizeof(ring) - 1));
		int n = snprintf(buf, sizeof(buf), "RING_%.*s", rest, name + sizeof(ring) - 1);
		if (n < 0 || (size_t)n >= sizeof(buf))
			return -1; /* longer than any name in the table */
		return bit_by_table_name(buf, (size_t)n);
	}
	return -1;
}

void host_features_decode(struct json_object *set, char ***names, size_t *nnames, unsigned **unknown,
			  size_t *nunknown)
{
	static const char *const lists[] = { "dev-features", "transports" };
	size_t cap = *nnames, ucap = *nunknown;
	char **unmapped = NULL;
	size_t nunmapped = 0, ncap = 0;
	uint64_t mask = 0;
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		struct json_object *arr;
		if (!json_object_object_get_ex(set, lists[l], &arr) || !json_object_is_type(arr, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *s = json_object_array_get_idx(arr, i);
			if (!json_object_is_type(s, json_type_string))
				continue;
			const char *str = json_object_get_string(s);
			size_t len = strcspn(str, ":");
			int bit = qemu_name_bit(str, len);
			if (bit >= 0) {
				mask |= UINT64_C(1) << bit;
			} else {
				unmapped = xgrow(unmapped, &ncap, nunmapped + 1, sizeof(*unmapped));
				unmapped[nunmapped++] = xstrndup_printable(str, len);
			}
		}
	}
	struct opt_u64 unk = qmp_member_u64(set, "unknown-dev-features");
	if (unk.known)
		mask |= unk.v;
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(mask >> bit & 1))
			continue;
		const struct bit_name *bn = feature_lookup(VIRTIO_ID_BALLOON, bit);
		if (bn) {
			*names = xgrow(*names, &cap, *nnames + 1, sizeof(**names));
			(*names)[(*nnames)++] = xstrdup(bn->name);
		} else {
			*unknown = xgrow(*unknown, &ucap, *nunknown + 1, sizeof(**unknown));
			(*unknown)[(*nunknown)++] = bit;
		}
	}
	for (size_t i = 0; i < nunmapped; i++) {
		*names = xgrow(*names, &cap, *nnames + 1, sizeof(**names));
		(*names)[(*nnames)++] = unmapped[i];
	}
	free(unmapped);
}
