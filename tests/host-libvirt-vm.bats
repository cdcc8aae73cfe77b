#!/usr/bin/env bats
# status/target --libvirt against a booted guest (the guest test bed's kernel
# and initramfs, tests/vm/mkguest.sh) run by a private libvirtd: its
# statistics arrive through libvirt under vbtool's names and match the
# guest's own /proc/meminfo; target --wait sees the guest follow.
load helpers
load vm/vm
bats_require_minimum_version 1.5.0

MiB=$((1024 * 1024))

setup_file() {
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h" || { echo "no libvirt" >"$BATS_FILE_TMPDIR/skip"; return 0; }
	# a booted guest, as in tests/vm: not again in the sanitizer build
	if [ -n "${VBTOOL_SKIP_VM:-}" ]; then
		echo "VBTOOL_SKIP_VM is set (the guest tests ran in another build)" >"$BATS_FILE_TMPDIR/skip"
		return 0
	fi
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	# The guest's files must be readable by libvirt's QEMU user.
	G=$(mktemp -d /tmp/vbtool-lvg.XXXXXX)
	chmod 0777 "$G"
	if ! bash "$VM_SRC/mkguest.sh" "$G" >"$BATS_FILE_TMPDIR/mkguest.log" 2>&1; then
		echo "guest test bed: $(tail -n 1 "$BATS_FILE_TMPDIR/mkguest.log")" >"$BATS_FILE_TMPDIR/skip"
		rm -rf "$G"
		return 0
	fi
	chmod -R a+rX "$G"
	echo "$G" >"$BATS_FILE_TMPDIR/guestdir"
	lv_start_file || return 1
	[ -z "$LV_SKIP" ] || return 0
	echo "$LVDIR" >"$BATS_FILE_TMPDIR/lvdir"
	sed -e "s/@NAME@/${LV_PREFIX}guest/" -e "s|@DIR@|$G|g" "$LV_XML/booted.xml" >"$LVDIR/guest.xml"
	lv_virsh create "$LVDIR/guest.xml" >/dev/null
	for _ in $(seq 1200); do
		grep -q '^vbtool-guest: ready' "$G/console.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "guest did not boot within 120 s" >&2
	tail -n 20 "$G/console.log" >&2
	return 1
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/lvdir" ]; then
		source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
		LVDIR=$(cat "$BATS_FILE_TMPDIR/lvdir")
		lv_stop
	fi
	[ ! -f "$BATS_FILE_TMPDIR/guestdir" ] || rm -rf "$(cat "$BATS_FILE_TMPDIR/guestdir")"
}

setup() {
	[ ! -f "$BATS_FILE_TMPDIR/skip" ] || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	G=$(cat "$BATS_FILE_TMPDIR/guestdir")
	VM_DIR=$G # vm.bash's guest() talks to $VM_DIR/ctl.sock
	D=${LV_PREFIX}guest
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
