/* The virtio sysfs attributes: the features string (first input byte even)
 * and the "0x%08x" device/vendor/status attributes decoded into status bits
 * (first byte odd), as virtio.c and the views do. */
#include "model/feature_bits.h"
#include "base/parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_features(const char *s, size_t len)
{
	struct features f;
	const char *why = NULL;
	bool ok = features_parse(s, len, &f, &why);
	if (!ok) {
		if (!why || f.valid)
			abort();
		for (unsigned b = 0; b < FEATURE_BITS_MAX; b++)
			if (features_test(&f, b))
				abort();
		return;
	}
	if (f.nbits != 64 && f.nbits != 128)
		abort();
	/* Independent check: bit i is set exactly when character i is '1'. */
	for (unsigned b = 0; b < FEATURE_BITS_MAX + 8; b++) {
		bool want = b < f.nbits && s[b] == '1';
		if (features_test(&f, b) != want)
			abort();
		if (want) {
			const struct bit_name *n = feature_lookup(VIRTIO_ID_BALLOON, b);
			if (n && (n->bit != b || !n->name || !*n->name))
				abort();
		}
	}
}

static void check_hex_attr(const char *s, size_t len)
{
	uint64_t v;
	if (mem_has_nul(s, len) || !parse_u64(s, len, 16, &v))
		return;
	/* Decode as the views do: a table and a loop, every bit in range. */
	for (size_t i = 0; i < virtio_status_bits_count; i++) {
		if (virtio_status_bits[i].bit >= 64)
			abort();
		(void)(v & (UINT64_C(1) << virtio_status_bits[i].bit));
	}
	for (unsigned b = 0; b < 64; b++)
		if ((v >> b) & 1)
			(void)feature_lookup((unsigned)(v & 0xff), b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* exact-size copy: a read past len is an ASan report */
	char *s = malloc(size - 1 ? size - 1 : 1);
	memcpy(s, data + 1, size - 1);
	if (data[0] & 1)
		check_hex_attr(s, size - 1);
	else
		check_features(s, size - 1);
	free(s);
	return 0;
}
