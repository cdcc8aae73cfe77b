#!/usr/bin/env bats
# The host side against a booted guest (the guest test bed, tests/vm/): the
# guest's driver negotiates, reports statistics and follows the balloon.
# Expected values come from the guest's own /proc/meminfo and from QEMU.
# Skips (with the reason) when QEMU, busybox-static or a kernel is missing.

load vm/vm

MiB=$((1024 * 1024))

setup_file() {
	vm_boot qmp ""
}

teardown_file() {
	vm_shutdown
}

vb_status() {
	"$VBTOOL" status --qmp "$VM_DIR/qmp.sock" --json "$@"
}

@test "vm qmp: a running guest: driver started, STATS_VQ negotiated, as QEMU says" {
	run vb_status
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jq -r .run_state <<<"$vm")" = running ]
	[ "$(jq -r .ram_bytes <<<"$vm")" = $((VM_RAM_MIB * MiB)) ]
	[ "$(jq -r .features.driver_started <<<"$vm")" = true ]
	jq -e '.features.guest_negotiated | index("STATS_VQ")' <<<"$vm"
	# vbtool's names (VERSION_1, RING_EVENT_IDX), and bit 40 (RING_RESET) from
	# QEMU's unknown mask: QEMU 7.2's map lacks it.
	want=$(qmp x-query-virtio-status '{"path": "/machine/peripheral/balloon0/virtio-backend"}' |
		jq -r '.["guest-features"] | ((.["dev-features"] // []) + (.transports // []) | map(sub(":.*"; "") | sub("^VIRTIO_RING_F_"; "RING_") | sub("^VIRTIO_(BALLOON_)?F_"; ""))) + (if ((.["unknown-dev-features"] // 0) / 1099511627776 | floor) % 2 == 1 then ["RING_RESET"] else [] end) | sort | join(" ")')
	[ "$(jq -r '.features.guest_negotiated | sort | join(" ")' <<<"$vm")" = "$want" ]
	# deflate-on-oom is off on this device: with a balloon of 0, no warning yet.
	! jq -r '.findings[].code' <<<"$vm" | grep -qx no-deflate-on-oom || false
}

@test "vm qmp: statistics appear once polling is on, and match the guest's /proc/meminfo" {
	run vb_status --stats-interval 1
	assert_success
	# The guest answers the first poll on its own time: wait (bounded) for it.
	for _ in $(seq 60); do
		json=$(vb_status)
		[ "$(jq '.vms[0].stats' <<<"$json")" != null ] && break
		sleep 0.5
	done
	vm=$(jq -c '.vms[0]' <<<"$json")
	[ "$(jq .stats <<<"$vm")" != null ]
	[ "$(jq .polling_interval_s <<<"$vm")" = 1 ]
	meminfo=$(guest -- cat /proc/meminfo)
	kb() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$meminfo"; }
	# stat-total-memory is totalram_pages, like MemTotal: exact.
	[ "$(jq .stats.total_memory <<<"$vm")" = $(($(kb MemTotal) * 1024)) ]
	# Free and available move a little between two polls of an idle guest.
	for pair in free_memory:MemFree available_memory:MemAvailable; do
		got=$(jq ".stats.${pair%%:*}" <<<"$vm")
		want=$(($(kb "${pair#*:}") * 1024))
		diff=$((got > want ? got - want : want - got))
		echo "# ${pair}: vbtool $got, meminfo $want" >&3
		[ "$diff" -le $((16 * MiB)) ]
	done
	! jq -r '.findings[].code' <<<"$vm" | grep -qE '^stats-(polling-off|never-reported)$' || false
}

@test "vm qmp: target --wait follows the guest to the new size, then back" {
	run timeout 300 "$VBTOOL" target --qmp "$VM_DIR/qmp.sock" 384M --wait 240
	assert_success
	assert_output --partial "reached 384 MiB"
	sed 's/^/# /' <<<"$output" >&3
	[ "$(balloon_actual_bytes)" = $((384 * MiB)) ]
	run vb_status
	[ "$(jq .vms[0].balloon_bytes <<<"$output")" = $(((VM_RAM_MIB - 384) * MiB)) ]
	# deflate-on-oom is off and the balloon now holds memory.
	jq -r '.vms[0].findings[].code' <<<"$output" | grep -qx no-deflate-on-oom
	run timeout 300 "$VBTOOL" target --qmp "$VM_DIR/qmp.sock" "$VM_RAM_MIB"M --wait 240 --json
	assert_success
	[ "$(jq .reached <<<"$output")" = true ]
	[ "$(jq .actual_bytes <<<"$output")" = $((VM_RAM_MIB * MiB)) ]
}

@test "vm qmp: a paused guest: vm-paused, and it says the stats are frozen" {
	qmp stop >/dev/null
	run vb_status
	qmp cont >/dev/null
	assert_success
	[ "$(jq -r .vms[0].run_state <<<"$output")" = paused ]
	jq -r '.vms[0].findings[].code' <<<"$output" | grep -qx vm-paused
}
