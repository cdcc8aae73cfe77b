#!/usr/bin/env bats
# Bad input: each test copies examples/virtuozzo (a tree derived from the
# reference formats) and breaks one file. Every case must give a clear note
# in problems[] or a null field, the rest of the report, valid JSON, no crash.
load helpers

setup() {
	T="$BATS_TEST_TMPDIR/tree"
	cp -a "$EXAMPLES/virtuozzo" "$T"
	chmod -R u+w "$T" # the source may be read-only (make distcheck)
	DEV="$T/sys/devices/pci0000:00/0000:00:05.0/virtio2"
}

# Runs status --json on the tree; fails on a crash, bad exit or invalid JSON.
status_json() {
	run --separate-stderr "$VBTOOL" status --sysroot "$T" --json "$@"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "exit $status: $stderr"; false; }
	J=$output
	jq -e . <<<"$J" >/dev/null
	# the text view must survive the same tree
	run "$VBTOOL" status --sysroot "$T" "$@"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
}

problem_about() { jq -e --arg p "$1" --arg w "$2" '.problems[] | select(.what == $p and (.why | contains($w)))' <<<"$J" >/dev/null; }

@test "meminfo missing: noted, devices still reported" {
	rm "$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "not present"
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$J")" = null ]
	[ "$(jq -r '.devices[0].name' <<<"$J")" = virtio2 ]
	[ "$(jq -r '.balloon.size_kb' <<<"$J")" = 2097152 ]
}

@test "meminfo empty: no MemTotal is said, not 0" {
	: >"$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "no MemTotal"
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$J")" = null ]
	[ "$(jq -r '.balloon.derived_ram_kb' <<<"$J")" = null ]
	# the VM's memory comes from the zones (8 GiB), not from MemTotal
	[ "$(jq -r '.balloon.ram_basis' <<<"$J")" = zones_present ]
	[ "$(jq -r '.balloon.percent_of_ram' <<<"$J")" = 25 ]
	rm "$T/proc/zoneinfo"
	status_json
	[ "$(jq -r '.balloon.percent_of_ram' <<<"$J")" = null ]
}

@test "meminfo truncated in the middle of a line" {
	printf 'MemTotal:        6291456 kB\nMemFree:          40' >"$T/proc/meminfo"
	printf '\nMemAvail' >>"$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "not understood"
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$J")" = 6291456 ]
	[ "$(jq -r '.meminfo.mem_available_kb' <<<"$J")" = null ]
}

@test "meminfo is a directory" {
	rm "$T/proc/meminfo" && mkdir "$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "directory"
}

@test "meminfo enormous (2 MiB): refused as a whole, not truncated" {
	head -c 2097152 /dev/zero | tr '\0' 'x' >"$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "too large"
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$J")" = null ]
}

@test "meminfo values that are not numbers or overflow stay unknown" {
	printf 'MemTotal: 12x4 kB\nMemFree: 99999999999999999999999 kB\nMemAvailable: -1 kB\nInflatedTotal: 2097152 kB\n' >"$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "3 line(s) not understood"
	[ "$(jq -r '[.meminfo.mem_total_kb, .meminfo.mem_free_kb, .meminfo.mem_available_kb] | map(tostring) | join(",")' <<<"$J")" = null,null,null ]
}

@test "meminfo with NUL bytes" {
	printf 'MemTotal:        6291456 kB\n\0\0\0Mem\0Free: 5 kB\n' >"$T/proc/meminfo"
	status_json
	problem_about /proc/meminfo "NUL"
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$J")" = 6291456 ]
}

@test "features string of 63 characters: unknown, never 'not negotiated'" {
	printf '%063d\n' 0 >"$DEV/features"
	status_json
	problem_about "/sys/bus/virtio/devices/virtio2/features" "neither 64 nor 128"
	[ "$(jq -r '.devices[0].features.valid' <<<"$J")" = false ]
	[ "$(jq -r '.devices[0].deflate_on_oom' <<<"$J")" = null ]
	jq -e '.findings[] | select(.code == "features-unknown")' <<<"$J" >/dev/null
	! jq -e '.findings[] | select(.code == "stats-vq-not-negotiated")' <<<"$J" >/dev/null
}

@test "features string of 129 characters" {
	printf '%0129d\n' 0 >"$DEV/features"
	status_json
	[ "$(jq -r '.devices[0].features.valid' <<<"$J")" = false ]
}

@test "features string with other characters" {
	printf '01100101x%055d\n' 0 >"$DEV/features"
	status_json
	problem_about "/sys/bus/virtio/devices/virtio2/features" "other than"
	[ "$(jq -c '.devices[0].features.negotiated' <<<"$J")" = '[]' ]
}

@test "features file empty" {
	: >"$DEV/features"
	status_json
	problem_about "/sys/bus/virtio/devices/virtio2/features" "empty"
}

@test "device id garbage: the device is not taken for a balloon, and that is said" {
	printf '0xZZZZ\n' >"$DEV/device"
	status_json
	problem_about "/sys/bus/virtio/devices/virtio2/device" "not a hexadecimal"
	[ "$(jq -r '.devices | length' <<<"$J")" = 0 ]
}

@test "status register overflowing: status null" {
	printf '0x1ffffffffffffffffff\n' >"$DEV/status"
	status_json
	[ "$(jq -r '.devices[0].status' <<<"$J")" = null ]
	problem_about "/sys/bus/virtio/devices/virtio2/status" "hexadecimal"
}

@test "vendor missing" {
	rm "$DEV/vendor"
	status_json
	[ "$(jq -r '.devices[0].vendor_id' <<<"$J")" = null ]
	[ "$(jq -r '.devices[0].driver' <<<"$J")" = virtio_balloon ]
}

@test "no driver link: driver null and a warning" {
	rm "$DEV/driver"
	status_json
	[ "$(jq -r '.devices[0].driver' <<<"$J")" = null ]
	jq -e '.findings[] | select(.code == "driver-not-bound" and .severity == "warning")' <<<"$J" >/dev/null
}

@test "bus entry that is a plain file, not a link" {
	rm "$T/sys/bus/virtio/devices/virtio2"
	printf 'junk\n' >"$T/sys/bus/virtio/devices/virtio2"
	status_json
	[ "$(jq -r '.devices | length' <<<"$J")" = 0 ]
	[ "$(jq -r '.problems | length' <<<"$J")" -ge 1 ]
}

@test "debugfs virtio-balloon garbage: other sources still answer" {
	printf 'InflatedTotal: lots\n\001\002\003\nInflatedFree 12\n' >"$T/sys/kernel/debug/virtio-balloon"
	status_json
	problem_about /sys/kernel/debug/virtio-balloon "not understood"
	[ "$(jq -r '.debugfs.virtio_balloon.inflated_total_kb' <<<"$J")" = null ]
	[ "$(jq -r '.balloon.size_from' <<<"$J")" = meminfo_inflated ]
	[ "$(jq -r '.balloon.size_kb' <<<"$J")" = 2097152 ]
}

@test "vmmemctl random bytes" {
	head -c 4096 /dev/urandom >"$T/sys/kernel/debug/vmmemctl"
	status_json
	jq -e '.debugfs.vmmemctl.status == "ok"' <<<"$J" >/dev/null
}

@test "hv-balloon with overflowing numbers" {
	printf 'state : 99999999999999999999999 (x)\npages_ballooned : 18446744073709551616\n' >"$T/sys/kernel/debug/hv-balloon"
	status_json
	[ "$(jq -r '.debugfs.hv_balloon.state' <<<"$J")" = null ]
	[ "$(jq -r '.debugfs.hv_balloon.pages_ballooned' <<<"$J")" = null ]
	problem_about /sys/kernel/debug/hv-balloon "2 line(s)"
}

@test "vmstat: deflate larger than inflate is refused, not wrapped around" {
	printf 'balloon_inflate 5\nballoon_deflate 9\n' >"$T/proc/vmstat"
	status_json
	problem_about /proc/vmstat "exceeds"
	! jq -e '.balloon.sources[] | select(.name == "vmstat_inflate_deflate")' <<<"$J" >/dev/null
}

@test "sources that disagree are flagged loudly" {
	printf 'balloon_inflate 1000\nballoon_deflate 0\n' >"$T/proc/vmstat"
	status_json
	[ "$(jq -r '.balloon.sources_agree' <<<"$J")" = false ]
	jq -e '.findings[] | select(.code == "sources-disagree")' <<<"$J" >/dev/null
	run "$VBTOOL" status --sysroot "$T"
	assert_output --partial "SOURCES DISAGREE"
}

@test "pressure file garbage" {
	mkdir -p "$T/proc/pressure"
	printf 'some avg10=abc\nhello\n' >"$T/proc/pressure/memory"
	status_json
	problem_about /proc/pressure/memory "PSI"
	[ "$(jq -r '.pressure.some' <<<"$J")" = null ]
}

@test "captured kernel log with garbage records and a 1 MiB line" {
	{
		printf '4,1,100,-;virtio_balloon virtio2: Out of puff! Can'"'"'t get 256 pages\n'
		head -c 1048576 /dev/zero | tr '\0' 'a'
		printf '\nnot a record\n\001\002;\n'
		printf '4,2,200,-;virtio_balloon virtio2: Out of puff! Can'"'"'t get 256 pages\n'
	} >"$T/vbtool/kmsg"
	status_json
	[ "$(jq -r '.kernel_log.out_of_puff' <<<"$J")" = 2 ]
	jq -e '.findings[] | select(.code == "inflation-failing")' <<<"$J" >/dev/null
}

@test "a hostname that is not UTF-8 still gives valid JSON" {
	printf 'ho\377st\n' >"$T/proc/sys/kernel/hostname"
	status_json
	[ "$(jq -r '.system.hostname' <<<"$J")" = "ho?st" ]
}

@test "terminal escape sequences in file contents never reach the terminal" {
	printf 'host_version : \033]0;pwned\007\033[2J2.0\npages_ballooned : 1\n' >"$T/sys/kernel/debug/hv-balloon"
	printf 'ho\033[31mst\n' >"$T/proc/sys/kernel/hostname"
	status_json
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log
	! grep -q $'\033' <<<"$output"
	assert_output --partial "ho?[31mst"
}

@test "nr_balloon_pages larger than any memory is said, not dropped silently" {
	printf 'nr_balloon_pages 18446744073709551615\n' >"$T/proc/vmstat"
	status_json
	problem_about /proc/vmstat "more memory than exists"
	! jq -e '.balloon.sources[] | select(.name == "vmstat_nr_balloon_pages")' <<<"$J" >/dev/null
}

@test "an unknown debugfs state in the capture is an error, not 'mounted'" {
	printf 'perhaps\n' >"$T/vbtool/debugfs"
	status_json
	problem_about /vbtool/debugfs "not one of"
	[ "$(jq -r '.debugfs.status' <<<"$J")" = error ]
}
