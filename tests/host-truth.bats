#!/usr/bin/env bats
# The host side says only what is true, and target is safe (issues #12, #19).
# Real paused QEMU (no guest) and tests/qmp/fake_qmp.py; every expected value
# is worked out by hand from the QEMU command line, the fake's settings or
# QEMU's own answers (qmp_raw), never copied from vbtool.

load helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	qmp_setup_dir
}

teardown() {
	qmp_teardown_dir
}

# QEMU's own "actual", in bytes.
raw_actual() {
	qmp_raw "$1" '{"execute":"query-balloon"}' | jq .return.actual
}

@test "target: a SIZE without a unit is a usage error that shows the accepted forms" {
	require_qemu
	start_qemu u -m 1G -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" target --qmp "$QDIR/u.sock" 512
	assert_failure 2
	assert_output --partial "SIZE '512': give a unit: 512M (MiB)"
	assert_output --partial "512B (bytes)"
	# Nothing was asked of QEMU: the balloon still leaves the guest all 1 GiB.
	[ "$(raw_actual "$QDIR/u.sock")" = $((1024 * MiB)) ]
	# An explicit unit is taken as written.
	run "$VBTOOL" target --qmp "$QDIR/u.sock" $((768 * MiB))B --json
	assert_success
	[ "$(jq .requested_bytes <<<"$output")" = $((768 * MiB)) ]
}

@test "target: below the floor from the guest's statistics: refused with the numbers, exit 5; --force sets it" {
	# used = total - available = 400 MiB - 100 MiB = 300 MiB; margin
	# max(256 MiB, 10% of 4 GiB = 429496729 B, rounded down).
	start_fake guest g ram=$((4096 * MiB)) total=$((400 * MiB)) available=$((100 * MiB))
	floor=$((300 * MiB + 429496729))
	run "$VBTOOL" target --qmp "$QDIR/g.sock" 700M
	assert_failure 5
	assert_output --partial "refusing 700 MiB: below the safe floor of 709.6 MiB"
	assert_output --partial "the guest uses 300 MiB: total_memory $((400 * MiB)) - available_memory $((100 * MiB)) bytes"
	assert_output --partial "hint: give --force"
	[ "$(raw_actual "$QDIR/g.sock")" = $((4096 * MiB)) ]
	# At the floor (in bytes) it is accepted.
	run "$VBTOOL" target --qmp "$QDIR/g.sock" "${floor}B" --json
	assert_success
	[ "$(jq .requested_bytes <<<"$output")" = "$floor" ]
	run "$VBTOOL" target --qmp "$QDIR/g.sock" 700M --force --json
	assert_success
	[ "$(jq .requested_bytes <<<"$output")" = $((700 * MiB)) ]
}

@test "target: a small guest: the margin is 256 MiB" {
	# used = 1000 MiB - 900 MiB = 100 MiB; 10% of 1 GiB is less than 256 MiB.
	start_fake guest s ram=$((1024 * MiB)) total=$((1000 * MiB)) available=$((900 * MiB))
	run "$VBTOOL" target --qmp "$QDIR/s.sock" 355M
	assert_failure 5
	assert_output --partial "below the safe floor of 356 MiB"
	run "$VBTOOL" target --qmp "$QDIR/s.sock" 356M
	assert_success
}

@test "target: without guest statistics the floor is 50% of RAM (real QEMU, no guest)" {
	require_qemu
	start_qemu n -m 1G -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" target --qmp "$QDIR/n.sock" 511M
	assert_failure 5
	assert_output --partial "refusing 511 MiB: below the safe floor of 512 MiB (50% of RAM 1 GiB"
	[ "$(raw_actual "$QDIR/n.sock")" = $((1024 * MiB)) ]
	run "$VBTOOL" target --qmp "$QDIR/n.sock" 512M
	assert_success
	# Growing back is never refused, even below the floor.
	run "$VBTOOL" target --qmp "$QDIR/n.sock" 100M --force
	assert_success
}

@test "target: growing the guest is never refused, even when the result is below the floor" {
	start_fake guest grow ram=$((1024 * MiB)) actual=$((128 * MiB)) total=$((1000 * MiB)) available=$((900 * MiB))
	run "$VBTOOL" target --qmp "$QDIR/grow.sock" 200M
	assert_success
}

@test "target: a paused VM gets the warning without --wait too" {
	require_qemu
	start_qemu p -m 1G -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" target --qmp "$QDIR/p.sock" 768M
	assert_success
	assert_output --partial "the VM is not running (prelaunch): the guest cannot move the balloon until it runs"
}

@test "features: unknown bits decided by vbtool's table, as bit numbers; names as on the guest side" {
	require_qemu
	start_qemu f -m 256 -device virtio-balloon-pci,id=balloon0
	# The premise: QEMU's own mask of bits its map lacks holds 30 and 40.
	raw=$(qmp_raw "$QDIR/f.sock" '{"execute":"x-query-virtio-status","arguments":{"path":"/machine/peripheral/balloon0/virtio-backend"}}')
	mask=$(jq '.return["host-features"]["unknown-dev-features"]' <<<"$raw")
	[ $((mask >> 40 & 1)) = 1 ]
	[ $((mask >> 30 & 1)) = 1 ]
	run "$VBTOOL" status --qmp "$QDIR/f.sock" --json
	assert_success
	feat=$(jq -c '.vms[0].features' <<<"$output")
	# Bit 40 is RING_RESET in src/model/feature_bits.c; bit 30 is in no table.
	[ "$(jq -c .host_unknown_bits <<<"$feat")" = "[30]" ]
	[ "$(jq -c .guest_unknown_bits <<<"$feat")" = "[]" ]
	jq -e '.host_offered | index("RING_RESET")' <<<"$feat"
	# QEMU's VIRTIO_BALLOON_F_STATS_VQ, VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX
	# under the names the guest side uses.
	jq -e '.host_offered | index("STATS_VQ") and index("VERSION_1") and index("RING_EVENT_IDX")' <<<"$feat"
	jq -e '[.host_offered[] | select(startswith("VIRTIO_"))] | length == 0' <<<"$feat"
	run "$VBTOOL" status --qmp "$QDIR/f.sock"
	assert_output --regexp "offered +.*STATS_VQ.* RING_RESET unknown-bit-30"
}

@test "virtio-mem: plugged memory is not balloon (fake guest: empty balloon, 512 MiB plugged)" {
	# QEMU's actual is base + pc-dimms (virtio-balloon's get_current_ram_size);
	# plugged-memory holds virtio-mem's plugged size: the fake does the same.
	start_fake guest vm ram=$((1024 * MiB)) actual=$((1024 * MiB)) vmem=$((512 * MiB))
	run "$VBTOOL" status --qmp "$QDIR/vm.sock" --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .balloon_bytes <<<"$vm")" = 0 ]
	! jqr '.findings[].code' <<<"$vm" | grep -qE '^(balloon-inflated|no-deflate-on-oom)$' || false
	[ "$(jqr .ram_bytes <<<"$vm")" = $((1536 * MiB)) ]
	[ "$(jqr .virtio_mem_bytes <<<"$vm")" = $((512 * MiB)) ]
	[ "$(jqr .balloon_ram_bytes <<<"$vm")" = $((1024 * MiB)) ]
	run "$VBTOOL" status --qmp "$QDIR/vm.sock"
	assert_output --regexp "balloon +0 B"
	assert_output --regexp "virtio-mem +512 MiB plugged"
	assert_output --partial "actual     1 GiB (RAM without virtio-mem - balloon"
	refute_output --partial "balloon holds"
	# target measures against the same RAM: 768M leaves a 256 MiB balloon.
	run timeout 30 "$VBTOOL" target --qmp "$QDIR/vm.sock" 768M --wait 20 --json
	assert_success
	[ "$(jq .ram_bytes <<<"$output")" = $((1024 * MiB)) ]
	[ "$(jq .balloon_bytes <<<"$output")" = $((256 * MiB)) ]
}

@test "virtio-mem and pc-dimm on real QEMU: what QEMU reports, and the balloon from it" {
	require_qemu
	start_qemu mem -machine q35 -m 1G,maxmem=3G,slots=2 \
		-object memory-backend-ram,id=mem1,size=1G -device virtio-mem-pci,id=vm0,memdev=mem1,requested-size=512M \
		-object memory-backend-ram,id=mem2,size=256M -device pc-dimm,id=dimm0,memdev=mem2 \
		-device virtio-balloon-pci,id=balloon0
	# No guest ran: virtio-mem has plugged nothing (size 0) although 512M is
	# requested; the pc-dimm's 256M is in plugged-memory and in actual.
	[ "$(qmp_raw "$QDIR/mem.sock" '{"execute":"query-memory-size-summary"}' | jq -c .return)" = \
		"{\"base-memory\":$((1024 * MiB)),\"plugged-memory\":$((256 * MiB))}" ]
	[ "$(qmp_raw "$QDIR/mem.sock" '{"execute":"query-memory-devices"}' |
		jq -c '[.return[] | {type, size: .data.size}]')" = \
		"[{\"type\":\"virtio-mem\",\"size\":0},{\"type\":\"dimm\",\"size\":$((256 * MiB))}]" ]
	[ "$(raw_actual "$QDIR/mem.sock")" = $((1280 * MiB)) ]
	run "$VBTOOL" status --qmp "$QDIR/mem.sock" --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .ram_bytes <<<"$vm")" = $((1280 * MiB)) ]
	[ "$(jqr .balloon_ram_bytes <<<"$vm")" = $((1280 * MiB)) ]
	[ "$(jqr .virtio_mem_bytes <<<"$vm")" = 0 ]
	[ "$(jqr .balloon_bytes <<<"$vm")" = 0 ]
	run "$VBTOOL" target --qmp "$QDIR/mem.sock" 1G --json
	assert_success
	[ "$(jq .ram_bytes <<<"$output")" = $((1280 * MiB)) ]
}

# --- every host finding agrees with the data shown above it (#12) ---------

# codes VM_JSON: the finding codes, one a line.
codes() {
	jqr '.findings[].code' <<<"$1"
}

vm_json() {
	run "$VBTOOL" status --qmp "$QDIR/$1.sock" --json
	vm=$(jq -c '.vms[0]' <<<"$output")
}

@test "finding no-balloon-device: only when QEMU says DeviceNotActive, not for any failed query-balloon" {
	start_fake guest nb balloon=none
	vm_json nb
	[ "$(jqr .balloon_device <<<"$vm")" = false ]
	codes "$vm" | grep -qx no-balloon-device
	start_fake guest be balloon=error
	vm_json be
	# QEMU failed otherwise: whether there is a balloon is unknown, and the note says why.
	[ "$(jqr .balloon_device <<<"$vm")" = null ]
	! codes "$vm" | grep -qx no-balloon-device || false
	jqr '.notes[]' <<<"$vm" | grep -q "something else went wrong"
	run "$VBTOOL" status --qmp "$QDIR/be.sock"
	assert_output --regexp "balloon +unknown"
}

@test "finding balloon-device-not-found: a balloon QEMU answers for, no device path, nothing read from it" {
	start_fake guest nd nodevice=1
	vm_json nd
	[ "$(jqr .balloon_device <<<"$vm")" = true ]
	[ "$(jqr .device <<<"$vm")" = null ]
	[ "$(jqr .features <<<"$vm")" = null ]
	[ "$(jqr .stats <<<"$vm")" = null ]
	codes "$vm" | grep -qx balloon-device-not-found
}

@test "finding vm-paused: names the state query-status gave" {
	start_fake guest pz running=0 state=paused
	vm_json pz
	[ "$(jqr .run_state <<<"$vm")" = paused ]
	jqr '.findings[] | select(.code == "vm-paused") | .message' <<<"$vm" | grep -q "not running (paused)"
}

@test "finding stats-polling-off: statistics from an earlier poll are not called unset" {
	# Polling turned off after a poll 4 s ago: QEMU keeps that answer.
	start_fake guest po poll=0 reported=1 age=4
	vm_json po
	[ "$(jqr .polling_interval_s <<<"$vm")" = 0 ]
	[ "$(jqr .stats.free_memory <<<"$vm")" = 180035584 ]
	msg=$(jqr '.findings[] | select(.code == "stats-polling-off") | .message' <<<"$vm")
	[[ "$msg" == *"from the last poll, 4 s ago"* ]] || [[ "$msg" == *"from the last poll, 5 s ago"* ]]
	[[ "$msg" != *"unset"* ]]
	# Never polled: then every statistic is unset, and stats is null.
	start_fake guest pn poll=0 never=1
	vm_json pn
	[ "$(jqr .stats <<<"$vm")" = null ]
	jqr '.findings[] | select(.code == "stats-polling-off") | .message' <<<"$vm" | grep -q "every statistic is unset"
}

@test "finding driver-not-started: not when QEMU says the driver started" {
	start_fake guest ns gfeat=none started=0 never=1
	vm_json ns
	[ "$(jq -c .features.guest_negotiated <<<"$vm")" = "[]" ]
	codes "$vm" | grep -qx driver-not-started
	start_fake guest st gfeat=none started=1 never=1
	vm_json st
	[ "$(jqr .features.driver_started <<<"$vm")" = true ]
	! codes "$vm" | grep -qx driver-not-started || false
}

@test "finding stats-vq-not-negotiated: does not say 'never' above statistics that are shown" {
	start_fake guest sv gfeat=DEFLATE_ON_OOM
	vm_json sv
	msg=$(jqr '.findings[] | select(.code == "stats-vq-not-negotiated") | .message' <<<"$vm")
	[[ "$msg" == *"left from an earlier driver or boot"* ]]
	[ "$(jqr .stats.free_memory <<<"$vm")" = 180035584 ]
	[ "$(jq -c .features.guest_negotiated <<<"$vm")" = '["DEFLATE_ON_OOM","VERSION_1"]' ]
	start_fake guest sw gfeat=DEFLATE_ON_OOM never=1
	vm_json sw
	jqr '.findings[] | select(.code == "stats-vq-not-negotiated") | .message' <<<"$vm" | grep -q "will never report"
}

@test "finding stats-never-reported: the reason agrees with the negotiated features" {
	# The guest accepted STATS_VQ (see guest_negotiated) but never answered.
	start_fake guest nr never=1 poll=5
	vm_json nr
	[ "$(jqr .stats <<<"$vm")" = null ]
	msg=$(jqr '.findings[] | select(.code == "stats-never-reported") | .message' <<<"$vm")
	[[ "$msg" != *"without STATS_VQ"* ]]
	[[ "$msg" == *"negotiated STATS_VQ but has not answered"* ]]
	jq -e '.features.guest_negotiated | index("STATS_VQ")' <<<"$vm"
	start_fake guest nv never=1 poll=5 gfeat=DEFLATE_ON_OOM
	vm_json nv
	jqr '.findings[] | select(.code == "stats-never-reported") | .message' <<<"$vm" | grep -q "did not negotiate STATS_VQ"
}

@test "finding stats-stale: the age and interval it names are the ones shown" {
	start_fake guest ss poll=5 age=100
	vm_json ss
	age=$(jqr .stats_age_s <<<"$vm")
	[ "$age" -ge 100 ] && [ "$age" -le 102 ]
	jqr '.findings[] | select(.code == "stats-stale") | .message' <<<"$vm" | grep -q "^statistics are $age s old although QEMU polls every 5 s"
}

@test "finding balloon-stale: QEMU's balloon after system_reset, contradicted by the guest's statistics" {
	# QEMU says 512 MiB of 1 GiB ballooned; the rebooted guest has 900 MiB
	# available: more than the 512 MiB the balloon would leave it.
	start_fake guest rs ram=$((1024 * MiB)) actual=$((512 * MiB)) total=$((1000 * MiB)) available=$((900 * MiB))
	vm_json rs
	[ "$(jqr .balloon_bytes <<<"$vm")" = $((512 * MiB)) ]
	[ "$(jqr .balloon_stale <<<"$vm")" = true ]
	codes "$vm" | grep -qx balloon-stale
	# No finding repeats the stale value as memory the balloon holds.
	! codes "$vm" | grep -qE '^(balloon-inflated|no-deflate-on-oom)$' || false
	run "$VBTOOL" status --qmp "$QDIR/rs.sock"
	assert_output --partial "the guest's statistics say it is stale"
	assert_output --partial "show 900 MiB available of 1 GiB RAM"
}

@test "finding balloon-inflated: agrees with balloon_bytes; not stale when the guest's statistics fit" {
	# 256 MiB ballooned; 286 MiB available (fake default) fits in the 768 MiB left.
	start_fake guest bi ram=$((1024 * MiB)) actual=$((768 * MiB))
	vm_json bi
	[ "$(jqr .balloon_bytes <<<"$vm")" = $((256 * MiB)) ]
	[ "$(jqr .balloon_stale <<<"$vm")" = false ]
	jqr '.findings[] | select(.code == "balloon-inflated") | .message' <<<"$vm" |
		grep -qx "the balloon holds 256 MiB, 25.0% of the VM's RAM"
}

@test "finding no-deflate-on-oom: only when DEFLATE_ON_OOM is not offered" {
	start_fake guest nd1 ram=$((1024 * MiB)) actual=$((768 * MiB)) hfeat=STATS_VQ
	vm_json nd1
	! jq -e '.features.host_offered | index("DEFLATE_ON_OOM")' <<<"$vm" || false
	codes "$vm" | grep -qx no-deflate-on-oom
	start_fake guest nd2 ram=$((1024 * MiB)) actual=$((768 * MiB))
	vm_json nd2
	jq -e '.features.host_offered | index("DEFLATE_ON_OOM")' <<<"$vm"
	! codes "$vm" | grep -qx no-deflate-on-oom || false
}

@test "a socket that accepts and stays silent: 'not a QMP socket' after 1 s, not the whole timeout" {
	start_fake silent quiet
	start=$(date +%s%N)
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/quiet.sock" --timeout 5
	took_ms=$((($(date +%s%N) - start) / 1000000))
	assert_failure 1
	assert_output --partial "no answer within 1 s (waiting for the QMP greeting): not a QMP socket"
	assert_output --partial "serial console"
	# 1 s of waiting, well under the 5 s per-call timeout.
	[ "$took_ms" -lt 3000 ]
	# target gives up the same way.
	run timeout 20 "$VBTOOL" target --qmp "$QDIR/quiet.sock" 512M --timeout 5
	assert_failure 1
	assert_output --partial "not a QMP socket"
	# A per-call timeout shorter than 1 s is the wait.
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/quiet.sock" --timeout 0.5
	assert_output --partial "no answer within 0.5 s (waiting for the QMP greeting)"
}
