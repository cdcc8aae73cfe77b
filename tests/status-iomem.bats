#!/usr/bin/env bats
# /proc/iomem as a source (issue #18): the System RAM a driver hot-added
# ("System RAM ($DRIVER)", mm/memory_hotplug.c add_memory_driver_managed)
# and virtio-mem's device regions ("virtioN", drivers/virtio/virtio_mem.c)
# with what is plugged in them now. Every expected number is worked out by
# hand from the hex ranges of the file (inclusive ends: end - start + 1).
load helpers

T="$EXAMPLES/virtio-mem-plugged"

setup() {
	W="$BATS_TEST_TMPDIR/t"
	cp -r "$T" "$W"
}

status_json() { J=$("$VBTOOL" status --sysroot "$W" --json) || [ $? = 3 ]; }

@test "iomem: virtio-mem-plugged: the region, what is plugged in it now, the boot RAM" {
	run "$VBTOOL" status --sysroot "$T" --json
	[ "$status" -eq 3 ]
	# 140000000-1ffffffff : virtio1 -> 0x200000000 - 0x140000000 = 0xc0000000 = 3221225472
	#   140000000-1bfffffff : System RAM (virtio_mem) -> 0x80000000 = 2147483648
	assert_equal "$(jq -c '.iomem.virtio_mem_regions' <<<"$output")" \
		'[{"name":"virtio1","region_bytes":3221225472,"plugged_bytes":2147483648,"ranges":1}]'
	assert_equal "$(jq -c '.iomem.driver_managed' <<<"$output")" '[{"driver":"virtio_mem","ranges":1,"bytes":2147483648}]'
	# 00001000-0009fbff (0x9ec00 = 650240) + 00100000-3ffdffff (0x3fee0000 = 1072562176)
	assert_equal "$(jq -c '.iomem | [.status, .addresses_hidden, .system_ram_ranges, .system_ram_bytes, .lines_not_understood]' <<<"$output")" \
		'["ok",false,2,1073212416,0]'
}

@test "iomem: text: plugged now next to the log's plugged-when-asked" {
	run "$VBTOOL" status --sysroot "$T"
	[ "$status" -eq 3 ]
	assert_line "  virtio-mem virtio1: 2.0 GiB plugged now in 1 range(s), of a 3.0 GiB region (/proc/iomem)"
	assert_line "  virtio-mem virtio1: requested 2.0 GiB, plugged 1.0 GiB when the host last asked, device block 2.0 MiB (kernel log)"
}

@test "iomem: kmem and several virtio-mem ranges are summed per driver and per device" {
	# a second range in virtio1's region (unmerged), and dax kmem at the end
	sed -i 's/^  140000000-1bfffffff : System RAM (virtio_mem)$/&\n  1c0000000-1c7ffffff : System RAM (virtio_mem)/' "$W/proc/iomem"
	grep -c 'System RAM (virtio_mem)' "$W/proc/iomem" | grep -qx 2
	cat >>"$W/proc/iomem" <<'X'
2000000000-20ffffffff : dax0.0
  2000000000-20ffffffff : System RAM (kmem)
X
	status_json
	# virtio_mem: 0x80000000 + 0x8000000 (1c0000000-1c7ffffff) = 2281701376, 2 ranges
	assert_equal "$(jq -c '.iomem.virtio_mem_regions[0] | [.plugged_bytes, .ranges]' <<<"$J")" '[2281701376,2]'
	# kmem: 0x2100000000 - 0x2000000000 = 0x100000000 = 4294967296
	assert_equal "$(jq -c '[.iomem.driver_managed[] | [.driver, .ranges, .bytes]]' <<<"$J")" \
		'[["virtio_mem",2,2281701376],["kmem",1,4294967296]]'
	run "$VBTOOL" status --sysroot "$W"
	assert_line "  hot-added System RAM (kmem): 4.0 GiB in 1 range(s) (/proc/iomem)"
}

@test "iomem: not root, every address 0: ranges counted, no size made up, and said" {
	sed -i -E 's/[0-9a-f]+-[0-9a-f]+ :/00000000-00000000 :/' "$W/proc/iomem"
	status_json
	assert_equal "$(jq -c '.iomem | [.addresses_hidden, .system_ram_ranges, .system_ram_bytes, .lines_not_understood]' <<<"$J")" '[true,2,null,0]'
	assert_equal "$(jq -c '.iomem.virtio_mem_regions' <<<"$J")" \
		'[{"name":"virtio1","region_bytes":null,"plugged_bytes":null,"ranges":1}]'
	assert_equal "$(jq -c '.iomem.driver_managed' <<<"$J")" '[{"driver":"virtio_mem","ranges":1,"bytes":null}]'
	run "$VBTOOL" status --sysroot "$W"
	assert_line "  virtio-mem virtio1: 1 range(s) plugged now, sizes unknown: /proc/iomem shows every address as 0 to a user who is not root"
	refute_output --partial "plugged now in"
}

@test "iomem: garbage lines are counted and skipped, the good ones still summed" {
	printf '%s\n' \
		'zzzz-1000 : System RAM' \
		'1000-0fff : System RAM' \
		' 100000000-100000fff : System RAM (virtio_mem)' \
		'0-ffffffffffffffff : System RAM' \
		'00000000000000000-1 : System RAM' \
		'300000000-3000FFFFF : System RAM' \
		'300000000-3000fffff: System RAM' \
		'300000000-3000fffff : ' \
		'00000000-00000000 : System RAM' \
		'400000000-4000fffff : System RAM (a b)' \
		'400000000-4000fffff : System RAM (kmem' \
		'            400000000-4000fffff : System RAM (kmem)' \
		>>"$W/proc/iomem"
	status_json
	# 10 of the 12 are not the kernel's format: bad hex, end < start, odd
	# indent, a size of 2^64, 17 digits, upper case, no " : ", no name, a
	# 0-0 range among real addresses, indent deeper than 5 levels. The two
	# odd names are lines of some other resource, not hot-added RAM.
	assert_equal "$(jq -r '.iomem.lines_not_understood' <<<"$J")" 10
	assert_equal "$(jq -c '.iomem | [.system_ram_ranges, .system_ram_bytes]' <<<"$J")" '[2,1073212416]'
	assert_equal "$(jq -c '.iomem.driver_managed' <<<"$J")" '[{"driver":"virtio_mem","ranges":1,"bytes":2147483648}]'
	jq -e '.problems[] | select(.what == "/proc/iomem" and (.why | contains("10 line(s) not understood")))' <<<"$J"
}

@test "iomem: terminal escapes in names never reach the output" {
	printf '500000000-5000fffff : virtio\033[2J7\n600000000-6000fffff : System RAM (\033]0;x\007)\n' >>"$W/proc/iomem"
	status_json
	assert_equal "$(jq -c '[.iomem.virtio_mem_regions[].name, .iomem.driver_managed[].driver]' <<<"$J")" '["virtio1","virtio_mem"]'
	run "$VBTOOL" status --sysroot "$W"
	refute_output --partial $'\033'
}

@test "iomem: a file over 1 MiB is refused whole, said, and no sum is made" {
	{
		cat "$T/proc/iomem"
		yes '  140000000-1bfffffff : System RAM (virtio_mem)' | head -c $((1024 * 1024 + 1))
	} >"$W/proc/iomem"
	status_json
	assert_equal "$(jq -c '.iomem' <<<"$J")" '{"status":"error"}'
	jq -e '.problems[] | select(.what == "/proc/iomem")' <<<"$J"
	run "$VBTOOL" status --sysroot "$W"
	refute_output --partial "plugged now"
}

@test "iomem: a tree without /proc/iomem (captured before) is no problem" {
	rm "$W/proc/iomem"
	status_json
	assert_equal "$(jq -r '.iomem.status' <<<"$J")" absent
	run jq -e '.problems[] | select(.what == "/proc/iomem")' <<<"$J"
	assert_failure
}

@test "iomem: collect captures /proc/iomem" {
	cd "$BATS_TEST_TMPDIR"
	"$VBTOOL" --sysroot "$T" collect -o c.tar.gz 2>/dev/null
	mkdir u && tar -xzf c.tar.gz -C u
	f=$(find u -path '*/proc/iomem' -type f)
	[ -n "$f" ]
	cmp "$f" "$T/proc/iomem"
}

@test "iomem: virtio-mem-qemu-guest (real): plugged now is QEMU's size, the region QEMU's max-size" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtio-mem-qemu-guest" --json
	assert_success # the test bed's balloon is there
	# 100000000-13fffffff : virtio0 -> 0x40000000; 100000000-12fffffff -> 0x30000000
	# (QEMU: max-size 1073741824, size 805306368; the README)
	assert_equal "$(jq -c '.iomem.virtio_mem_regions' <<<"$output")" \
		'[{"name":"virtio0","region_bytes":1073741824,"plugged_bytes":805306368,"ranges":1}]'
	assert_equal "$(jq -c '.iomem | [.system_ram_ranges, .system_ram_bytes, .lines_not_understood]' <<<"$output")" '[2,1073212416,0]'
	# the log's 0x30000000 requested, 0x10000000 plugged when asked; memory0-7 + memory32-37
	assert_equal "$(jq -c '[.virtio_mem[0].requested_bytes, .virtio_mem[0].plugged_bytes, .memory_blocks.online]' <<<"$output")" \
		'[805306368,268435456,14]'
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtio-mem-qemu-guest"
	assert_line "  virtio-mem virtio0: 768.0 MiB plugged now in 1 range(s), of a 1.0 GiB region (/proc/iomem)"
}

@test "iomem: live, not root: the kernel's zeroed addresses give no size" {
	[ "$(id -u)" = 0 ] || skip "needs root to drop to nobody"
	command -v setpriv >/dev/null || skip "no setpriv"
	grep -q 'System RAM' /proc/iomem || skip "no System RAM in /proc/iomem"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$VBTOOL" status --json --no-kernel-log
	# the ranges nobody sees: count of top-level System RAM lines
	n=$(grep -c '^[0-9a-f]*-[0-9a-f]* : System RAM$' /proc/iomem)
	assert_equal "$(jq -c '.iomem | [.addresses_hidden, .system_ram_ranges, .system_ram_bytes]' <<<"$output")" "[true,$n,null]"
}
