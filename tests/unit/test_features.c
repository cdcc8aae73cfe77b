#include "model/feature_bits.h"
#include "tap.h"

#include <string.h>

/* This development VM's real balloon, /sys/bus/virtio/devices/virtio0/features,
 * read on 2026-11-25 (128 characters, bit 7 set). */
static const char real128[] =
	"0110010100000000000000000000000010000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000\n";

int main(void)
{
	struct features f;
	const char *why = NULL;

	ok(features_parse(real128, strlen(real128), &f, &why), "the real 128-character string parses");
	is_u64(f.nbits, 128, "length 128");
	ok(!features_test(&f, 0), "bit 0 MUST_TELL_HOST clear");
	ok(features_test(&f, 1), "bit 1 STATS_VQ set");
	ok(features_test(&f, 2), "bit 2 DEFLATE_ON_OOM set");
	ok(!features_test(&f, 3) && !features_test(&f, 4), "bits 3 and 4 clear");
	ok(features_test(&f, 5), "bit 5 REPORTING set");
	ok(features_test(&f, 7), "bit 7 set");
	ok(features_test(&f, 32), "bit 32 VERSION_1 set");
	ok(feature_lookup(VIRTIO_ID_BALLOON, 7) == NULL, "no table knows bit 7: it must be shown as unknown");
	is_str(feature_lookup(VIRTIO_ID_BALLOON, 2)->name, "DEFLATE_ON_OOM", "bit 2 name");
	is_str(feature_lookup(VIRTIO_ID_BALLOON, 5)->name, "REPORTING", "bit 5 name");
	is_str(feature_lookup(VIRTIO_ID_BALLOON, 32)->name, "VERSION_1", "bit 32 name");
	is_str(feature_lookup(VIRTIO_ID_BALLOON, 24)->name, "NOTIFY_ON_EMPTY", "bit 24 name");
	is_str(feature_lookup(VIRTIO_ID_BALLOON, 41)->name, "ADMIN_VQ", "bit 41 name");
	ok(feature_lookup(VIRTIO_ID_BALLOON, 25) == NULL, "bit 25 is not a known transport bit");
	ok(feature_lookup(VIRTIO_ID_NET, 2) == NULL, "balloon names are not given to other devices' bits");
	ok(feature_lookup(VIRTIO_ID_BALLOON, 64) == NULL && feature_lookup(VIRTIO_ID_BALLOON, 127) == NULL,
	   "high bits unknown");

	char s64[66];
	memset(s64, '0', 64);
	s64[64] = '\n';
	s64[65] = '\0';
	s64[63] = '1';
	ok(features_parse(s64, 65, &f, &why) && f.nbits == 64 && features_test(&f, 63), "64 characters, bit 63");
	ok(!features_test(&f, 64), "a bit past the string's length is clear");
	ok(features_parse(s64, 64, &f, &why), "no trailing newline is fine");

	ok(!features_parse(s64, 63, &f, &why) && !f.valid, "63 characters are rejected");
	s64[10] = '2';
	ok(!features_parse(s64, 65, &f, &why), "a '2' is rejected");
	s64[10] = '\0';
	ok(!features_parse(s64, 65, &f, &why), "a NUL byte is rejected");
	ok(!features_parse("", 0, &f, &why), "empty is rejected");
	ok(!features_parse("\n", 1, &f, &why), "only a newline is rejected");
	char s65[66];
	memset(s65, '1', 65);
	s65[65] = 0;
	ok(!features_parse(s65, 65, &f, &why), "65 ones are rejected");
	return tap_done();
}
