#!/usr/bin/env bats
# virtio-mem, guest side (issue #18): examples/virtio-mem-plugged. Expected
# values computed by hand from the tree's vbtool/kmsg records (the driver's
# "plugged size: 0x%llx" / "requested size: 0x%llx" / "device block size:
# 0x%llx" lines) and its memory blocks, not from vbtool.
load helpers

T="$EXAMPLES/virtio-mem-plugged"

@test "virtio-mem: the last requested and plugged sizes of the driver's log" {
	run "$VBTOOL" status --sysroot "$T" --json
	[ "$status" -eq 3 ] # no balloon device
	j=$output
	# 0x80000000 = 2147483648, 0x40000000 = 1073741824, 0x200000 = 2097152,
	# region size 0xc0000000 = 3221225472
	[ "$(jq -c '.virtio_mem' <<<"$j")" = \
	  '[{"name":"virtio1","requested_bytes":2147483648,"plugged_bytes":1073741824,"block_size_bytes":2097152,"region_size_bytes":3221225472,"source":"kernel_log"}]' ]
	[ "$(jq -r '.related_devices[0].name + " " + (.related_devices[0].device_id|tostring)' <<<"$j")" = "virtio1 24" ]
	# 0x8000000 = 134217728; memory0-7 and memory40-55 online
	[ "$(jq -c '.memory_blocks | [.block_size_bytes,.auto_online_blocks,.online,.offline]' <<<"$j")" = \
	  '[134217728,"online_movable",24,0]' ]
	# the answer takes what is plugged now from proc/iomem (140000000-1bfffffff
	# under virtio1 = 0x80000000 = 2 GiB), no longer the log's 1 GiB plugged
	# when the host asked (status-virtio-mem-answer.bats has the fallback)
	[[ "$(jq -r .answer <<<"$j")" == "The host holds nothing through a balloon (there is no balloon device); virtio-mem virtio1: 2.0 GiB plugged, the host asks for 2.0 GiB" ]]
}

@test "virtio-mem: its own line under the answer in text" {
	run "$VBTOOL" status --sysroot "$T"
	[ "$status" -eq 3 ]
	assert_line "  virtio-mem virtio1: requested 2.0 GiB, plugged 1.0 GiB when the host last asked, device block 2.0 MiB (kernel log)"
	assert_line "  memory blocks 24 online, 0 offline (new memory is onlined, movable zone)"
}

@test "virtio-mem: without the kernel log no sizes are made up; balloon-only answers are unchanged" {
	run "$VBTOOL" status --sysroot "$T" --json --no-kernel-log
	[ "$(jq -c '.virtio_mem' <<<"$output")" = '[]' ]
	[ "$(jq -r .answer <<<"$output")" = "The host holds nothing: there is no balloon device" ]
}

@test "virtio-mem: malformed size lines are ignored, not guessed" {
	cp -r "$T" "$BATS_TEST_TMPDIR/t"
	printf '6,902,2400000020,-;virtio_mem virtio1: requested size: 12345\n6,903,2400000030,-;virtio_mem virtioX: plugged size: 0x1\n' \
		>>"$BATS_TEST_TMPDIR/t/vbtool/kmsg"
	run "$VBTOOL" status --sysroot "$BATS_TEST_TMPDIR/t" --json
	[ "$(jq -c '[.virtio_mem[] | .name, .requested_bytes, .plugged_bytes]' <<<"$output")" = '["virtio1",2147483648,1073741824]' ]
}

# memmap_on_memory (mm/memory_hotplug.c, CONFIG_MHP_MEMMAP_ON_MEMORY): "Y" or
# "N" (param_get_bool), from 6.6 also "force" (get_memmap_mode); the example
# trees have no such file: null, and the text says nothing of it.
@test "virtio-mem: memmap_on_memory as the kernel prints it, null without the file; collect captures it" {
	run "$VBTOOL" status --sysroot "$T" --json
	[ "$(jq -c .memory_blocks.memmap_on_memory <<<"$output")" = null ]
	run "$VBTOOL" status --sysroot "$T"
	assert_line --partial "memory blocks 24 online, 0 offline (new memory is onlined, movable zone)"
	local c=$BATS_TEST_TMPDIR/tree
	cp -a "$T" "$c"
	mkdir -p "$c/sys/module/memory_hotplug/parameters"
	for v in Y N force; do
		echo "$v" >"$c/sys/module/memory_hotplug/parameters/memmap_on_memory"
		run "$VBTOOL" status --sysroot "$c" --json
		[ "$(jq -r .memory_blocks.memmap_on_memory <<<"$output")" = "$v" ]
	done
	run "$VBTOOL" status --sysroot "$c"
	assert_line --partial "(new memory is onlined, movable zone; its memmap on the block itself (forced))"
	echo N >"$c/sys/module/memory_hotplug/parameters/memmap_on_memory"
	run "$VBTOOL" status --sysroot "$c"
	assert_line --partial "(new memory is onlined, movable zone; its memmap taken from the memory already there)"
	(cd "$BATS_TEST_TMPDIR" && "$VBTOOL" --sysroot "$c" collect -o c.tar.gz 2>/dev/null)
	run tar -xzOf "$BATS_TEST_TMPDIR/c.tar.gz" --wildcards '*/sys/module/memory_hotplug/parameters/memmap_on_memory'
	assert_output N
}
