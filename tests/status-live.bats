#!/usr/bin/env bats
# status on this machine, checked against the raw sysfs and /proc files read
# here independently of vbtool (names from shared/reference, bit by bit).
load helpers

setup() {
	BALLOONS=()
	for d in /sys/bus/virtio/devices/*; do
		[ -e "$d/device" ] || continue
		[ "$(cat "$d/device")" = 0x0005 ] && BALLOONS+=("$(basename "$d")")
	done
	[ "${#BALLOONS[@]}" -gt 0 ] || skip "this machine has no virtio balloon device"
	DEV=/sys/bus/virtio/devices/${BALLOONS[0]}
}

# The reference's bit table, kept here on purpose: the test must not reuse vbtool's.
bit_name() {
	case $1 in
	0) echo MUST_TELL_HOST ;; 1) echo STATS_VQ ;; 2) echo DEFLATE_ON_OOM ;; 3) echo FREE_PAGE_HINT ;;
	4) echo PAGE_POISON ;; 5) echo REPORTING ;; 24) echo NOTIFY_ON_EMPTY ;; 27) echo ANY_LAYOUT ;;
	28) echo RING_INDIRECT_DESC ;; 29) echo RING_EVENT_IDX ;; 32) echo VERSION_1 ;; 33) echo ACCESS_PLATFORM ;;
	34) echo RING_PACKED ;; 35) echo IN_ORDER ;; 36) echo ORDER_PLATFORM ;; 37) echo SR_IOV ;;
	38) echo NOTIFICATION_DATA ;; 39) echo NOTIF_CONFIG_DATA ;; 40) echo RING_RESET ;; 41) echo ADMIN_VQ ;;
	*) return 1 ;;
	esac
}

@test "live: the balloon devices are the ones sysfs has, with their drivers" {
	run "$VBTOOL" status --json
	assert_success
	[ "$(jq -r '[.devices[].name] | join(" ")' <<<"$output")" = "${BALLOONS[*]}" ]
	want_driver=null
	[ -L "$DEV/driver" ] && want_driver=$(basename "$(readlink "$DEV/driver")")
	[ "$(jq -r '.devices[0].driver' <<<"$output")" = "$want_driver" ]
	[ "$(jq -r '.devices[0].device_id' <<<"$output")" = 5 ]
	[ "$(jq -r '.devices[0].syspath' <<<"$output")" = "$(readlink -f "$DEV")" ]
	[ "$(jq -r '.devices[0].vendor_id' <<<"$output")" = "$(( $(cat "$DEV/vendor") ))" ]
	[ "$(jq -r '.devices[0].status.value' <<<"$output")" = "$(( $(cat "$DEV/status") ))" ]
}

@test "live: negotiated features and unknown bits match the raw string bit by bit" {
	raw=$(cat "$DEV/features")
	names=() unknown=()
	for ((i = 0; i < ${#raw}; i++)); do
		[ "${raw:i:1}" = 1 ] || continue
		if n=$(bit_name "$i"); then names+=("\"$n\""); else unknown+=("$i"); fi
	done
	want_names="[$(IFS=,; echo "${names[*]}")]"
	want_unknown="[$(IFS=,; echo "${unknown[*]}")]"
	run "$VBTOOL" status --json
	assert_success
	[ "$(jq -c '.devices[0].features.negotiated' <<<"$output")" = "$want_names" ]
	[ "$(jq -c '.devices[0].features.unknown_bits' <<<"$output")" = "$want_unknown" ]
	[ "$(jq -r '.devices[0].features.length' <<<"$output")" = "${#raw}" ]
	want_doo=false
	[ "${raw:2:1}" = 1 ] && want_doo=true
	[ "$(jq -r '.devices[0].deflate_on_oom' <<<"$output")" = "$want_doo" ]
}

@test "live: Balloon:, vmstat and MemTotal match /proc" {
	run "$VBTOOL" status --json
	assert_success
	want=$(awk '$1 == "Balloon:" { print $2 }' /proc/meminfo)
	[ "$(jq -r '.meminfo.balloon_kb' <<<"$output")" = "${want:-null}" ]
	if [ -n "$want" ]; then
		[ "$(jq -r '.balloon.size_kb' <<<"$output")" = "$want" ]
	fi
	for k in balloon_inflate balloon_deflate nr_balloon_pages; do
		v=$(awk -v k=$k '$1 == k { print $2 }' /proc/vmstat)
		[ "$(jq -r ".vmstat.$k" <<<"$output")" = "${v:-null}" ]
	done
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$output")" = "$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" ]
}

@test "live: the text view names the device, each set bit, and the size" {
	run "$VBTOOL" status
	assert_success
	assert_output --partial "Balloon device ${BALLOONS[0]}"
	raw=$(cat "$DEV/features")
	for ((i = 0; i < ${#raw}; i++)); do
		[ "${raw:i:1}" = 1 ] || continue
		if n=$(bit_name "$i"); then assert_output --partial "$n"; else assert_output --partial "unknown bit $i"; fi
	done
	assert_output --partial "The host holds:"
}

@test "live: debugfs state is reported as it is" {
	run "$VBTOOL" status --json
	assert_success
	if [ "$(id -u)" = 0 ] && mountpoint -q /sys/kernel/debug; then
		[ "$(jq -r '.debugfs.status' <<<"$output")" = ok ]
	elif ! mountpoint -q /sys/kernel/debug; then
		[ "$(jq -r '.debugfs.status' <<<"$output")" = not_mounted ]
		jq -e '.findings[] | select(.code == "debugfs-not-mounted")' <<<"$output" >/dev/null
	fi
}
