#!/usr/bin/env bats
# status/target --libvirt against a booted guest (the guest test bed's kernel
# and initramfs, tests/vm/mkguest.sh) run by a private libvirtd: its
# statistics arrive through libvirt under vbtool's names and match the
# guest's own /proc/meminfo; target --wait sees the guest follow.
load helpers
load vm/vm
bats_require_minimum_version 1.5.0

MiB=$((1024 * 1024))

source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"

setup_file() {
	lv_guest_setup_file guest booted.xml
}

teardown_file() {
	lv_guest_teardown_file
}

setup() {
	lv_guest_setup guest
}

@test "libvirt vm: the guest's statistics, under vbtool's names, match its /proc/meminfo" {
	for _ in $(seq 60); do
		json=$("$VBTOOL" status --libvirt "$D" --json)
		[ "$(jq '.vms[0].stats' <<<"$json")" != null ] && break
		sleep 0.5
	done
	vm=$(jq -c '.vms[0]' <<<"$json")
	[ "$(jq -r .run_state <<<"$vm")" = running ]
	[ "$(jq -r .polling_interval_s <<<"$vm")" = 1 ]
	[ "$(jq -r .ram_bytes <<<"$vm")" = $((512 * MiB)) ]
	meminfo=$(guest -- cat /proc/meminfo)
	kb() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$meminfo"; }
	# libvirt's "available" is QEMU's stat-total-memory (MemTotal): exact.
	[ "$(jq .stats.total_memory <<<"$vm")" = $(($(kb MemTotal) * 1024)) ]
	# libvirt's "usable" and "unused": MemAvailable and MemFree, within 8 MiB.
	for pair in free_memory:MemFree available_memory:MemAvailable; do
		got=$(jq ".stats.${pair%%:*}" <<<"$vm")
		want=$(($(kb "${pair#*:}") * 1024))
		diff=$((got > want ? got - want : want - got))
		[ "$diff" -lt $((8 * MiB)) ]
	done
	# Fault counts, not KiB; libvirt's rss (the host's) is not a guest statistic.
	[ "$(jq -r '.stats | has("major_faults") and has("minor_faults") and (has("rss") | not)' <<<"$vm")" = true ]
	[ "$(jq -r .stats_age_s <<<"$vm")" -le 5 ]
}

@test "libvirt vm: target --wait: the guest gives up memory, and back" {
	run --separate-stderr "$VBTOOL" target --libvirt "$D" 384M --wait 60 --json
	assert_success
	[ "$(jq -r .reached <<<"$output")" = true ]
	[ "$(jq -r .actual_bytes <<<"$output")" = $((384 * MiB)) ]
	run --separate-stderr "$VBTOOL" status --libvirt "$D" --json
	[ "$(jq -r '.vms[0].balloon_bytes' <<<"$output")" = $((128 * MiB)) ]
	run --separate-stderr "$VBTOOL" target --libvirt "$D" 512M --wait 60
	assert_success
	assert_output --partial "reached 512 MiB"
}

@test "libvirt vm: top sees the balloon move: an event and a rate" {
	"$VBTOOL" top --libvirt "$D" -b -j -n 8 -d 1 >"$BATS_TEST_TMPDIR/top.jsonl" &
	top_pid=$!
	sleep 1.5
	run --separate-stderr "$VBTOOL" target --libvirt "$D" 448M --wait 30
	assert_success
	wait "$top_pid"
	# The first change seen starts from all of RAM; the last ends at 448 MiB.
	[ "$(jq -s '[.[].events[] | select(.event == "balloon")] | first | .from_actual_bytes' "$BATS_TEST_TMPDIR/top.jsonl")" = $((512 * MiB)) ]
	[ "$(jq -s '[.[].events[] | select(.event == "balloon")] | last | .to_actual_bytes' "$BATS_TEST_TMPDIR/top.jsonl")" = $((448 * MiB)) ]
	# Shrinking: a negative rate on a frame where it moved.
	jq -s -e '[.[].vms[0].actual_rate_bytes_per_s] | min < 0' "$BATS_TEST_TMPDIR/top.jsonl"
	"$VBTOOL" target --libvirt "$D" 512M --wait 60 >/dev/null
}
