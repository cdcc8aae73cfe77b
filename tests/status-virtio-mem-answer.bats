#!/usr/bin/env bats
# The answer line (issue #18) for a virtio-mem guest reconciles the driver's
# kernel log (what the host asks for, and what was plugged when it asked)
# with /proc/iomem (what is plugged now), matched by device name (virtioN).
# Every figure is worked out by hand from the trees' README, proc/iomem
# (inclusive ends: end - start + 1) and vbtool/kmsg, not from vbtool.
load helpers

T="$EXAMPLES/virtio-mem-plugged"
Q="$EXAMPLES/virtio-mem-qemu-guest"

setup() {
	W="$BATS_TEST_TMPDIR/t"
	cp -r "$T" "$W"
}

answer() { "$VBTOOL" status --sysroot "$1" --json | jq -r .answer; }

@test "answer: virtio-mem-qemu-guest (real): plugged now and the request, both 768 MiB" {
	# iomem 100000000-12fffffff : System RAM (virtio_mem) under virtio0 =
	# 0x30000000 = 768 MiB (QEMU's size in the README); the log's last
	# "requested size: 0x30000000" = 768 MiB (QEMU's requested-size)
	a=$(answer "$Q")
	[[ "$a" == "The host holds "*"; virtio-mem virtio0: 768.0 MiB plugged, the host asks for 768.0 MiB" ]]
	# the text's first line is the same sentence
	assert_equal "$("$VBTOOL" status --sysroot "$Q" | head -n 1)" "$a"
}

@test "answer: virtio-mem-plugged: 2 GiB plugged now, 2 GiB asked for" {
	# 140000000-1bfffffff = 0x80000000 = 2 GiB; log: requested size 0x80000000
	assert_equal "$(answer "$T")" \
		"The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: 2.0 GiB plugged, the host asks for 2.0 GiB"
}

@test "answer: plugged now short of the request: the device is still moving toward it" {
	# only 140000000-17fffffff = 0x40000000 = 1 GiB plugged of the 2 GiB asked
	sed -i 's/^  140000000-1bfffffff : System RAM (virtio_mem)$/  140000000-17fffffff : System RAM (virtio_mem)/' "$W/proc/iomem"
	grep -q '^  140000000-17fffffff : System RAM (virtio_mem)$' "$W/proc/iomem"
	assert_equal "$(answer "$W")" \
		"The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: 1.0 GiB plugged, the host asks for 2.0 GiB (the device is still moving toward it)"
}

@test "answer: the host asks for less than is plugged now: still moving toward it" {
	# a later request of 0x40000000 = 1 GiB while iomem still has 2 GiB plugged
	printf '6,910,2500000000,-;virtio_mem virtio1: plugged size: 0x80000000\n6,911,2500000010,-;virtio_mem virtio1: requested size: 0x40000000\n' \
		>>"$W/vbtool/kmsg"
	assert_equal "$(answer "$W")" \
		"The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: 2.0 GiB plugged, the host asks for 1.0 GiB (the device is still moving toward it)"
}

# Today's wording, from the log alone: last requested 0x80000000 = 2 GiB,
# plugged 0x40000000 = 1 GiB when that request came.
OLD="The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: the host asks for 2.0 GiB (1.0 GiB was plugged when it asked)"

@test "answer: not root (iomem's addresses all 0): the log's wording, no size made up" {
	sed -i -E 's/[0-9a-f]+-[0-9a-f]+ :/00000000-00000000 :/' "$W/proc/iomem"
	grep -q '^00000000-00000000 : virtio1$' "$W/proc/iomem"
	assert_equal "$(answer "$W")" "$OLD"
	run "$VBTOOL" status --sysroot "$W"
	assert_line --index 0 "$OLD"
}

@test "answer: no /proc/iomem (a tree captured before): the log's wording" {
	rm "$W/proc/iomem"
	assert_equal "$(answer "$W")" "$OLD"
}

@test "answer: iomem is matched by device name: another device's region is not virtio1's" {
	sed -i 's/^140000000-1ffffffff : virtio1$/140000000-1ffffffff : virtio7/' "$W/proc/iomem"
	grep -q ': virtio7$' "$W/proc/iomem"
	assert_equal "$(answer "$W")" "$OLD"
}

@test "answer: two devices, one clause each, each with what its own sources know" {
	# virtio2 is only in the log: requested 0x20000000 = 512 MiB, plugged 0x0
	printf '6,910,2500000000,-;virtio_mem virtio2: plugged size: 0x0\n6,911,2500000010,-;virtio_mem virtio2: requested size: 0x20000000\n' \
		>>"$W/vbtool/kmsg"
	assert_equal "$(answer "$W")" \
		"The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: 2.0 GiB plugged, the host asks for 2.0 GiB; virtio-mem virtio2: the host asks for 512.0 MiB (0 KiB was plugged when it asked)"
}
