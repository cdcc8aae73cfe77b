#!/usr/bin/env bats
# status --sysroot over every tree in examples/. Expected values come from
# each tree's README (written from the reference formats), not from vbtool.
load helpers

js() { "$VBTOOL" status --sysroot "$EXAMPLES/$1" --json --no-kernel-log; }

@test "every example tree has a README saying where it came from" {
	for d in "$EXAMPLES"/*/; do
		[ -f "$d/README.md" ] || { echo "missing $d/README.md"; false; }
		grep -Eq '\((real|derived)\)' "$d/README.md"
	done
}

@test "every example tree gives valid JSON and text, exit 0 or 3" {
	for d in "$EXAMPLES"/*/; do
		run "$VBTOOL" status --sysroot "$d" --json --no-kernel-log
		[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
		echo "$output" | jq -e . >/dev/null
		run "$VBTOOL" status --sysroot "$d" --no-kernel-log
		[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
		assert_output --partial "The host holds:"
	done
}

@test "this-machine (real): the device, its features with unknown bit 7, Balloon: 0 kB" {
	run js this-machine
	assert_success
	j=$output
	[ "$(jq -r '.devices | length' <<<"$j")" = 1 ]
	[ "$(jq -r '.devices[0].name' <<<"$j")" = virtio0 ]
	[ "$(jq -r '.devices[0].driver' <<<"$j")" = virtio_balloon ]
	[ "$(jq -r '.devices[0].device_id' <<<"$j")" = 5 ]
	[ "$(jq -r '.devices[0].transport + " " + .devices[0].address' <<<"$j")" = "pci 0000:00:01.0" ]
	[ "$(jq -c '.devices[0].features.negotiated' <<<"$j")" = '["STATS_VQ","DEFLATE_ON_OOM","REPORTING","VERSION_1"]' ]
	[ "$(jq -c '.devices[0].features.unknown_bits' <<<"$j")" = '[7]' ]
	[ "$(jq -r '.devices[0].features.length' <<<"$j")" = 128 ]
	[ "$(jq -r '.devices[0].deflate_on_oom' <<<"$j")" = true ]
	[ "$(jq -c '.devices[0].status.bits' <<<"$j")" = '["ACKNOWLEDGE","DRIVER","DRIVER_OK","FEATURES_OK"]' ]
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 0 ]
	[ "$(jq -r '.balloon.accounting' <<<"$j")" = counted_as_used ]
	[ "$(jq -r '.related_devices | length' <<<"$j")" = 0 ]
}

@test "this-machine text names unknown bit 7 by number" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/this-machine" --no-kernel-log
	assert_success
	assert_output --partial "unknown bit 7"
	assert_output --partial "DEFLATE_ON_OOM"
}

@test "vmware-current: 262144 frames = 1048576 kB, used, alloc failures" {
	run js vmware-current
	assert_success
	j=$output
	[ "$(jq -r '.devices | length' <<<"$j")" = 0 ]
	[ "$(jq -r '.other_drivers.vmw_balloon' <<<"$j")" = true ]
	[ "$(jq -r '.debugfs.vmmemctl.layout' <<<"$j")" = current ]
	[ "$(jq -r '.debugfs.vmmemctl.target_pages' <<<"$j")" = 262144 ]
	[ "$(jq -r '.debugfs.vmmemctl.capabilities' <<<"$j")" = 62 ]
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 1048576 ]
	[ "$(jq -r '.balloon.size_from' <<<"$j")" = debugfs_vmmemctl ]
	[ "$(jq -r '.balloon.accounting' <<<"$j")" = counted_as_used ]
	[ "$(jq -r '.balloon.sources_agree' <<<"$j")" = true ]
	jq -e '.findings[] | select(.code == "vmw-alloc-failures")' <<<"$j" >/dev/null
	# 1048576 / 4194304 kB (the 4 GiB the VM was given, zones' present pages) = 25 %
	[ "$(jq -r '.balloon.percent_of_ram' <<<"$j")" = 25 ]
}

@test "vmware-pre-4.20: old layout, 131072 pages = 524288 kB" {
	run js vmware-pre-4.20
	assert_success
	j=$output
	[ "$(jq -r '.debugfs.vmmemctl.layout' <<<"$j")" = pre-4.20 ]
	[ "$(jq -r '.debugfs.vmmemctl.rate_alloc_pages_per_s' <<<"$j")" = 2048 ]
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 524288 ]
	[ "$(jq -r '.problems | length' <<<"$j")" = 0 ]
}

@test "hyperv-mainline: 65536 pages = 262144 kB, taken off MemTotal (kernel 6.1 >= 5.11)" {
	run js hyperv-mainline
	assert_success
	j=$output
	[ "$(jq -r '.debugfs.hv_balloon.layout' <<<"$j")" = mainline ]
	[ "$(jq -r '.debugfs.hv_balloon.state_name' <<<"$j")" = "Balloon Up" ]
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 262144 ]
	[ "$(jq -r '.balloon.accounting' <<<"$j")" = subtracted_from_memtotal ]
	# no zoneinfo: MemTotal 3911020 + 262144 = 4173164 kB; 262144 / 4173164 = 6.28%
	[ "$(jq -r '.balloon.ram_basis' <<<"$j")" = memtotal_plus_balloon ]
	[ "$(jq -r '.balloon.percent_of_ram' <<<"$j")" = 6.28 ]
}

@test "hyperv-vendor: pages_ballooned_out 131072 = 524288 kB, vendor layout" {
	run js hyperv-vendor
	assert_success
	j=$output
	[ "$(jq -r '.debugfs.hv_balloon.layout' <<<"$j")" = vendor ]
	[ "$(jq -r '.debugfs.hv_balloon.total_pages_committed' <<<"$j")" = 1965072 ]
	[ "$(jq -r '.debugfs.hv_balloon.vm_pages_committed' <<<"$j")" = 1834000 ]
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 524288 ]
}

@test "virtuozzo: 2 GiB, three sources agree, subtracted, 25% of RAM, warning" {
	run js virtuozzo
	assert_success
	j=$output
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 2097152 ]
	[ "$(jq -r '[.balloon.sources[].name] | join(",")' <<<"$j")" = debugfs_virtio_balloon,meminfo_inflated,vmstat_inflate_deflate ]
	[ "$(jq -r '[.balloon.sources[].size_kb] | unique | join(",")' <<<"$j")" = 2097152 ]
	[ "$(jq -r '.balloon.accounting' <<<"$j")" = subtracted_from_memtotal ]
	[ "$(jq -r '.balloon.ram_kb' <<<"$j")" = 8388608 ]
	[ "$(jq -r '.balloon.percent_of_ram' <<<"$j")" = 25 ]
	[ "$(jq -r '.devices[0].deflate_on_oom' <<<"$j")" = false ]
	[ "$(jq -c '.devices[0].features.negotiated' <<<"$j")" = '["MUST_TELL_HOST","STATS_VQ","VERSION_1"]' ]
	jq -e '.findings[] | select(.code == "large-balloon-no-deflate-on-oom" and .severity == "warning")' <<<"$j" >/dev/null
}

@test "kernel-6.15-balloon-line: Balloon: 1 GiB, virtio-mem related, pressure, no debugfs" {
	run js kernel-6.15-balloon-line
	assert_success
	j=$output
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 1048576 ]
	[ "$(jq -r '.balloon.size_from' <<<"$j")" = meminfo_balloon ]
	[ "$(jq -r '[.balloon.sources[].size_kb] | unique | join(",")' <<<"$j")" = 1048576 ]
	[ "$(jq -r '.devices | length' <<<"$j")" = 1 ]
	[ "$(jq -r '.related_devices[0].name + " " + .related_devices[0].kind' <<<"$j")" = "virtio1 virtio-mem" ]
	[ "$(jq -r '.debugfs.status' <<<"$j")" = not_mounted ]
	[ "$(jq -c '[.findings[].code] | sort' <<<"$j")" = '["debugfs-not-mounted","memory-pressure","virtio-mem-present"]' ]
	[ "$(jq -r '.pressure.some.avg10' <<<"$j")" = 12.5 ]
	[ "$(jq -c '.devices[0].features.negotiated' <<<"$j")" = '["STATS_VQ","DEFLATE_ON_OOM","PAGE_POISON","VERSION_1","ACCESS_PLATFORM"]' ]
}

@test "no-balloon: exit 3, no devices, size 0, finding" {
	run js no-balloon
	assert_failure 3
	j=$output
	[ "$(jq -r '.devices | length' <<<"$j")" = 0 ]
	# no balloon at all: the host holds nothing (0), not unknown
	[ "$(jq -r '.balloon.size_kb' <<<"$j")" = 0 ]
	jq -e '.findings[] | select(.code == "no-balloon-device")' <<<"$j" >/dev/null
}

@test "the captured kernel log of this-machine is read under --sysroot" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/this-machine" --json
	assert_success
	[ "$(jq -r '.kernel_log.status' <<<"$output")" = ok ]
	[ "$(jq -r '.kernel_log.source' <<<"$output")" = /vbtool/kmsg ]
}
