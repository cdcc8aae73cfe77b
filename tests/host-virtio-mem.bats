#!/usr/bin/env bats
# virtio-mem on the host side (issue #18): status --qmp lists each device,
# target --virtio-mem sets its requested-size. A real paused QEMU (-S, no
# guest): nothing is ever plugged (size 0). Every expected value comes from
# the QEMU command line below or from QEMU's own answer (qmp_raw).

load helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	qmp_setup_dir
	require_qemu
	# 1 GiB backend, 512 MiB requested; QEMU's default block size on x86 is
	# 2 MiB (the THP size), the device's max-size is its backend's size.
	start_qemu m -machine q35 -m 1G,maxmem=4G,slots=2 \
		-object memory-backend-ram,id=mem1,size=1G \
		-device virtio-mem-pci,id=vmem0,memdev=mem1,requested-size=512M
}

teardown() {
	qmp_teardown_dir
}

# QEMU's own requested-size of vmem0, in bytes.
raw_requested() {
	qmp_raw "$QDIR/m.sock" '{"execute":"query-memory-devices"}' |
		jq '.return[] | select(.data.id == "vmem0") | .data["requested-size"]'
}

@test "status --qmp --json: virtio_mem_devices has the sizes from the command line" {
	run "$VBTOOL" status --qmp "$QDIR/m.sock" --json
	dev=$(jq -c '.vms[0].virtio_mem_devices' <<<"$output")
	[ "$(jq length <<<"$dev")" = 1 ]
	[ "$(jq -r '.[0].id' <<<"$dev")" = vmem0 ]
	[ "$(jq '.[0].size_bytes' <<<"$dev")" = 0 ]
	[ "$(jq '.[0].requested_size_bytes' <<<"$dev")" = $((512 * MiB)) ]
	[ "$(jq '.[0].max_size_bytes' <<<"$dev")" = $((1024 * MiB)) ]
	[ "$(jq '.[0].block_size_bytes' <<<"$dev")" = $((2 * MiB)) ]
	[ "$(jq '.[0].node' <<<"$dev")" = 0 ]
	[ "$(jq -r '.[0].memdev' <<<"$dev")" = /objects/mem1 ]
	# requested 512 MiB, plugged 0: a finding.
	jq -e '.vms[0].findings[] | select(.code == "virtio-mem-not-reached")' <<<"$output"
}

@test "status --qmp: one line for the device, in words and units" {
	run "$VBTOOL" status --qmp "$QDIR/m.sock"
	assert_output --partial "virtio-mem device vmem0: 0 B plugged of 512 MiB requested (at most 1 GiB, in blocks of 2 MiB, NUMA node 0, memory backend /objects/mem1)"
	assert_output --partial "virtio-mem device vmem0 has plugged 0 B of the 512 MiB requested"
}

@test "target --virtio-mem: sets requested-size (QEMU's own query says so)" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 256M --json
	assert_success
	[ "$(raw_requested)" = $((256 * MiB)) ]
	[ "$(jq .requested_bytes <<<"$output")" = $((256 * MiB)) ]
	[ "$(jq .size_bytes <<<"$output")" = 0 ]
	[ "$(jq -r .virtio_mem_id <<<"$output")" = vmem0 ]
}

@test "target --virtio-mem: a size without a unit is a usage error; nothing set" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 256
	assert_failure 2
	assert_output --partial "SIZE '256': give a unit"
	[ "$(raw_requested)" = $((512 * MiB)) ]
}

@test "target --virtio-mem: above max-size is refused with the numbers; nothing set" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 2G
	assert_failure 2
	assert_output --partial "virtio-mem vmem0: 2G is more than its max-size 1 GiB ($((1024 * MiB)) bytes)"
	[ "$(raw_requested)" = $((512 * MiB)) ]
}

@test "target --virtio-mem: not a multiple of the block size is refused with the numbers; nothing set" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 3M
	assert_failure 2
	assert_output --partial "3M ($((3 * MiB)) bytes) is not a multiple of its block-size 2 MiB ($((2 * MiB)) bytes); the nearest below is 2 MiB"
	[ "$(raw_requested)" = $((512 * MiB)) ]
}

@test "target --virtio-mem: an unknown id is an error" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem nosuch 256M
	assert_failure 1
	assert_output --partial "no virtio-mem device with id 'nosuch'"
}

@test "target --virtio-mem --wait: a paused VM without a guest never plugs: exit 4, says how far" {
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 256M --wait 1
	assert_failure 4
	assert_output --partial "the VM is not running (prelaunch)"
	assert_output --partial "virtio-mem vmem0: did not reach 256 MiB in time: plugged 0 B (started at 0 B), 0% of the way"
	[ "$(raw_requested)" = $((256 * MiB)) ]
	run "$VBTOOL" target --qmp "$QDIR/m.sock" --virtio-mem vmem0 128M --wait 0.5 --json
	assert_failure 4
	[ "$(jq .reached <<<"$output")" = false ]
	[ "$(jq .size_bytes <<<"$output")" = 0 ]
}

@test "target --virtio-mem: shrinking the guest below the safe floor is refused, exit 5" {
	# tests/qmp/fake_qmp.py: 1 GiB base (balloon actual 1 GiB), virtio-mem
	# vm0 with 1 GiB plugged, max-size 2 GiB, block 2 MiB. The guest's
	# statistics: used = 2048 - 1024 = 1024 MiB; margin max(256 MiB, 10% of
	# its 2 GiB = 214748364 B) = 256 MiB: floor 1280 MiB. 128M leaves it
	# 1 GiB - 1 GiB + 128 MiB + 1 GiB base = 1152 MiB.
	start_fake guest f ram=$((1024 * MiB)) vmem=$((1024 * MiB)) total=$((2048 * MiB)) available=$((1024 * MiB))
	run "$VBTOOL" target --qmp "$QDIR/f.sock" --virtio-mem vm0 128M
	assert_failure 5
	assert_output --partial "refusing virtio-mem vm0 at 128 MiB: the guest would have 1.1 GiB, below the safe floor of 1.2 GiB (the guest uses 1 GiB: total_memory $((2048 * MiB)) - available_memory $((1024 * MiB)) bytes, plus a margin of 256 MiB)"
	assert_output --partial "hint: give --force"
}
