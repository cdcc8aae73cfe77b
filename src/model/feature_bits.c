#include "model/feature_bits.h"

#include <string.h>

/* include/uapi/linux/virtio_balloon.h */
const struct bit_name balloon_feature_bits[] = {
	{ 0, "MUST_TELL_HOST", "tell the host before reclaiming pages" },
	{ 1, "STATS_VQ", "memory statistics virtqueue" },
	{ 2, "DEFLATE_ON_OOM", "deflate the balloon on guest OOM" },
	{ 3, "FREE_PAGE_HINT", "free page hinting virtqueue" },
	{ 4, "PAGE_POISON", "guest uses page poisoning" },
	{ 5, "REPORTING", "free page reporting virtqueue" },
};
const size_t balloon_feature_bits_count = sizeof(balloon_feature_bits) / sizeof(balloon_feature_bits[0]);

/* include/uapi/linux/virtio_config.h and virtio_ring.h */
static const struct bit_name transport_bits[] = {
	{ 24, "NOTIFY_ON_EMPTY", "notify when the avail ring is empty" },
	{ 27, "ANY_LAYOUT", "any descriptor layout" },
	{ 28, "RING_INDIRECT_DESC", "indirect descriptors" },
	{ 29, "RING_EVENT_IDX", "used/avail event index" },
	{ 32, "VERSION_1", "virtio 1.0 compliant" },
	{ 33, "ACCESS_PLATFORM", "device is behind an IOMMU" },
	{ 34, "RING_PACKED", "packed virtqueue layout" },
	{ 35, "IN_ORDER", "buffers used in order" },
	{ 36, "ORDER_PLATFORM", "platform memory ordering" },
	{ 37, "SR_IOV", "single root I/O virtualization" },
	{ 38, "NOTIFICATION_DATA", "extra data in notifications" },
	{ 39, "NOTIF_CONFIG_DATA", "notification config data" },
	{ 40, "RING_RESET", "per-queue reset" },
	{ 41, "ADMIN_VQ", "administration virtqueue" },
};

const struct bit_name virtio_status_bits[] = {
	{ 0, "ACKNOWLEDGE", "the guest found the device" },
	{ 1, "DRIVER", "the guest knows how to drive it" },
	{ 2, "DRIVER_OK", "the driver is ready" },
	{ 3, "FEATURES_OK", "feature negotiation complete" },
	{ 6, "NEEDS_RESET", "the device needs a reset" },
	{ 7, "FAILED", "the driver gave up on the device" },
};
const size_t virtio_status_bits_count = sizeof(virtio_status_bits) / sizeof(virtio_status_bits[0]);

static const struct bit_name *find_bit(const struct bit_name *t, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return &t[i];
	return NULL;
}

const struct bit_name *feature_lookup(unsigned device_id, unsigned bit)
{
	if (bit < 24)
		return device_id == VIRTIO_ID_BALLOON ? find_bit(balloon_feature_bits, balloon_feature_bits_count, bit)
						      : NULL;
	return find_bit(transport_bits, sizeof(transport_bits) / sizeof(transport_bits[0]), bit);
}

bool features_parse(const char *s, size_t len, struct features *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (len && s[len - 1] == '\n')
		len--;
	if (len == 0) {
		*why = "empty";
		return false;
	}
	if (len != 64 && len != 128) {
		*why = "length is neither 64 nor 128 characters";
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '1')
			out->bits[i / 64] |= UINT64_C(1) << (i % 64);
		else if (s[i] != '0') {
			*why = "holds characters other than '0' and '1'";
			memset(out->bits, 0, sizeof(out->bits));
			return false;
		}
	}
	out->nbits = (unsigned)len;
	out->valid = true;
	return true;
}

bool features_test(const struct features *f, unsigned bit)
{
	if (!f->valid || bit >= f->nbits)
		return false;
	return (f->bits[bit / 64] >> (bit % 64)) & 1;
}
