#!/usr/bin/env bats
# The vbtool module's own lines (kmod/vbtool_balloon.c balloon_show): a device
# whose actual disagrees with the guest's count, and a device that is gone,
# become findings instead of a size taken on trust.
load helpers

setup() {
	T=$BATS_TEST_TMPDIR/tree
	cp -a "$TOP_SRCDIR/examples/this-machine" "$T"
	mkdir -p "$T/sys/kernel/debug"
}

@test "module: ActualMatches: no is the finding device-actual-disagrees, with both sizes" {
	# After stop / system_reset / balloon to full RAM / cont: the device kept
	# 192 MiB (196608 kB), the guest's vm events say it holds nothing.
	printf '%s\n' 'InflatedTotal: 0 kB' 'InflatedFree: 0 kB' 'Target: 0 kB' 'Actual: 196608 kB' \
		'ActualMatches: no' 'DeflateOnOOM: no' 'Device: virtio0' 'DeviceState: ok' \
		>"$T/sys/kernel/debug/vbtool-balloon"
	run "$VBTOOL" --sysroot "$T" status --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.findings[] | select(.code == "device-actual-disagrees")] | length' <<<"$output")" = 1 ]
	jq -r '.findings[] | select(.code == "device-actual-disagrees") | .message' <<<"$output" |
		grep -q 'holds 196608 KiB but the guest holds 0 KiB'
	[ "$(jq -r '[.findings[] | select(.code == "module-device-state")] | length' <<<"$output")" = 0 ]
	run "$VBTOOL" --sysroot "$T" status
	[[ "$output" == *"device-actual-disagrees"* ]]
}

@test "module: ActualMatches: yes gives no finding" {
	printf '%s\n' 'InflatedTotal: 131072 kB' 'InflatedFree: 0 kB' 'Target: 131072 kB' 'Actual: 131072 kB' \
		'ActualMatches: yes' 'DeflateOnOOM: no' 'Device: virtio0' 'DeviceState: ok' \
		>"$T/sys/kernel/debug/vbtool-balloon"
	run "$VBTOOL" --sysroot "$T" status --json
	[ "$(jq -r '[.findings[] | select(.code == "device-actual-disagrees" or .code == "module-device-state")] | length' <<<"$output")" = 0 ]
}

@test "module: DeviceState: gone is the finding module-device-state" {
	printf '%s\n' 'InflatedTotal: 0 kB' 'InflatedFree: 0 kB' 'DeflateOnOOM: no' 'Device: virtio0' \
		'DeviceState: gone' >"$T/sys/kernel/debug/vbtool-balloon"
	run "$VBTOOL" --sysroot "$T" status --json
	jq -r '.findings[] | select(.code == "module-device-state") | .message' <<<"$output" | grep -q 'is gone'
}
