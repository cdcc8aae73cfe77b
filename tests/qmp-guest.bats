#!/usr/bin/env bats
# A running guest, simulated by tests/qmp/fake_qmp.py ("guest" mode): the
# statistics path and target --wait following BALLOON_CHANGE events. The
# expected values are the fake's settings (see Guest in fake_qmp.py).

load helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	qmp_setup_dir
}

teardown() {
	qmp_teardown_dir
}

@test "guest: statistics, unset ones null, age from last-update" {
	start_fake guest g ram=$((1024 * MiB)) actual=$((768 * MiB)) poll=5 age=100
	run "$VBTOOL" status --qmp "$QDIR/g.sock" --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .name <<<"$vm")" = fakeguest ]
	[ "$(jqr .qemu_version <<<"$vm")" = 99.0.0 ]
	[ "$(jqr .running <<<"$vm")" = true ]
	[ "$(jqr .balloon_bytes <<<"$vm")" = $((256 * MiB)) ]
	[ "$(jqr .stats.free_memory <<<"$vm")" = 180035584 ]
	[ "$(jqr .stats.total_memory <<<"$vm")" = 477589504 ]
	[ "$(jqr .stats.available_memory <<<"$vm")" = 300000000 ]
	[ "$(jqr .stats.swap_in <<<"$vm")" = 4096 ]
	[ "$(jqr .stats.htlb_pgfail <<<"$vm")" = 0 ]
	# 18446744073709551615: not reported.
	[ "$(jqr .stats.disk_caches <<<"$vm")" = null ]
	[ "$(jqr .polling_interval_s <<<"$vm")" = 5 ]
	age=$(jqr .stats_age_s <<<"$vm")
	[ "$age" -ge 100 ]
	[ "$age" -lt 160 ]
	codes=$(jqr '.findings[].code' <<<"$vm")
	grep -qx stats-stale <<<"$codes"
	grep -qx balloon-inflated <<<"$codes"
	# DEFLATE_ON_OOM is offered by this fake: no warning about it.
	! grep -qx no-deflate-on-oom <<<"$codes" || false
	! grep -qx vm-paused <<<"$codes" || false
	[ "$(jqr '.features.guest_negotiated | join(" ")' <<<"$vm")" = "STATS_VQ VERSION_1" ]
}

@test "guest: an old QEMU's -1 for an unset statistic is null too" {
	start_fake guest g unset=-1 age=1
	run "$VBTOOL" status --qmp "$QDIR/g.sock" --json
	assert_success
	[ "$(jq '.vms[0].stats.disk_caches' <<<"$output")" = null ]
	[ "$(jq '.vms[0].stats.major_faults' <<<"$output")" = 12 ]
	! jq -r '.vms[0].findings[].code' <<<"$output" | grep -qx stats-stale || false
}

@test "guest: polling off: stats null as a whole, stats-polling-off" {
	start_fake guest g poll=0
	run "$VBTOOL" status --qmp "$QDIR/g.sock" --json
	assert_success
	# poll=0 makes the fake send last-update 0 next to its numbers; QEMU
	# never does that, and vbtool still shows the numbers it got.
	[ "$(jq '.vms[0].polling_interval_s' <<<"$output")" = 0 ]
	jq -r '.vms[0].findings[].code' <<<"$output" | grep -qx stats-polling-off
}

@test "target --wait: follows BALLOON_CHANGE down to the target, exit 0" {
	start_fake guest g ram=$((1024 * MiB)) step=$((64 * MiB)) period=0.1
	run timeout 30 "$VBTOOL" target --qmp "$QDIR/g.sock" 700M --wait 20
	assert_success
	assert_output --partial "waiting up to 20 s for actual 1 GiB -> 700 MiB"
	# The fake steps 64 MiB at a time: 960 MiB is on the way.
	assert_output --regexp "actual (960|896|832) MiB"
	assert_output --partial "reached 700 MiB (actual 700 MiB)"
	run timeout 30 "$VBTOOL" target --qmp "$QDIR/g.sock" 1G --wait 20 --json
	assert_success
	[ "$(jq .reached <<<"$output")" = true ]
	[ "$(jq .start_actual_bytes <<<"$output")" = $((700 * MiB)) ]
	[ "$(jq .actual_bytes <<<"$output")" = $((1024 * MiB)) ]
	[ "$(jq '.progress[-1].actual_bytes' <<<"$output")" = $((1024 * MiB)) ]
	[ "$(jq '.progress | length' <<<"$output")" -ge 2 ]
}

@test "target --wait: a guest that stops short: how far it got, exit 4" {
	start_fake guest g ram=$((1024 * MiB)) step=$((128 * MiB)) period=0.1 floor=$((768 * MiB))
	run timeout 30 "$VBTOOL" target --qmp "$QDIR/g.sock" 512M --wait 2
	assert_failure 4
	# From 1024 towards 512 MiB, stuck at 768: half of the way.
	assert_output --partial "did not reach 512 MiB in time: actual 768 MiB (started at 1 GiB), 50% of the way"
}

@test "target: more than RAM is said to be clamped by QEMU" {
	start_fake guest g ram=$((1024 * MiB))
	run timeout 30 "$VBTOOL" target --qmp "$QDIR/g.sock" 2G
	assert_success
	assert_output --partial "more than the VM's RAM (1 GiB)"
}

@test "guest: a balloon only x-query-virtio knows about" {
	start_fake guest g hidden=1
	run "$VBTOOL" status --qmp "$QDIR/g.sock" --json
	assert_success
	[ "$(jq -r '.vms[0].device.path' <<<"$output")" = "/machine/unattached/device[3]" ]
	[ "$(jq -r '.vms[0].device.backend_path' <<<"$output")" = "/machine/unattached/device[3]/virtio-backend" ]
	[ "$(jq -r '.vms[0].device.found_by' <<<"$output")" = x-query-virtio ]
	[ "$(jq '.vms[0].stats.free_memory' <<<"$output")" = 180035584 ]
}
