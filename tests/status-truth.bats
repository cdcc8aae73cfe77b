#!/usr/bin/env bats
# Issues #12 and #19: status gives one percentage, of the memory the VM was
# given (the zones' present pages, as the host counts it), says what it is
# of, and no finding contradicts the numbers above it. Each test copies an
# examples/ tree and changes one thing; expected values are computed here by
# hand from the tree's files.
load helpers

js() { "$VBTOOL" status --sysroot "$1" --json --no-kernel-log; }
txt() { "$VBTOOL" status --sysroot "$1" --no-kernel-log; }

# QEMU's 1 GiB PC guest: e820 RAM 0-0x9fbff and 0x100000-0x3ffdffff, so the
# DMA zone has 3998 present pages and DMA32 0x3ffe0 - 0x1000 = 258016.
qemu_1g_zoneinfo() {
	cat <<-EOF
		Node 0, zone      DMA
		  pages free     3840
		        spanned  4095
		        present  3998
		        managed  3840
		        protection: (0, 637, 637, 637)
		Node 0, zone    DMA32
		  pages free     100000
		        spanned  258016
		        present  258016
		        managed  159510
		        protection: (0, 0, 0, 0)
		Node 0, zone   Normal
		  pages free     0
		        spanned  0
		        present  0
		        managed  0
		        protection: (0, 0, 0, 0)
	EOF
}

# A Debian 6.1 guest with 1 GiB and a 320 MiB balloon without DEFLATE_ON_OOM
# (the virtuozzo tree's device), the vbtool module's debugfs file saying
# InflatedTotal 327680 kB, MemTotal 653400 kB (1 GiB less the kernel's own
# reservations and the balloon).
debian_1g() {
	T="$BATS_TEST_TMPDIR/debian"
	cp -a "$EXAMPLES/virtuozzo" "$T"
	printf 'InflatedTotal: 327680 kB\nInflatedFree: 0 kB\n' >"$T/sys/kernel/debug/virtio-balloon"
	sed -i -e 's/^MemTotal:.*/MemTotal:         653400 kB/' -e '/^Inflated/d' "$T/proc/meminfo"
	sed -i -e 's/^balloon_inflate .*/balloon_inflate 81920/' -e 's/^balloon_deflate .*/balloon_deflate 0/' "$T/proc/vmstat"
	qemu_1g_zoneinfo >"$T/proc/zoneinfo"
}

@test "status-truth: 320 MiB of a 1 GiB guest is 31% of the VM's memory, not 33.4% of MemTotal + balloon" {
	debian_1g
	run js "$T"
	assert_success
	j=$output
	# (3998 + 258016) pages * 4 kB = 1048056 kB; 327680 / 1048056 = 31.2655%
	[ "$(jqr '.balloon.size_kb' <<<"$j")" = 327680 ]
	[ "$(jqr '.balloon.ram_kb' <<<"$j")" = 1048056 ]
	[ "$(jqr '.balloon.ram_basis' <<<"$j")" = zones_present ]
	[ "$(jqr '.balloon.present_kb' <<<"$j")" = 1048056 ]
	[ "$(jqr '.balloon.percent_of_ram' <<<"$j")" = 31.27 ]
	# 653400 + 327680: the old answer, kept as what it is
	[ "$(jqr '.balloon.derived_ram_kb' <<<"$j")" = 981080 ]
	[ "$(jqr '.balloon.ram_contradiction' <<<"$j")" = false ]
	run txt "$T"
	assert_success
	# 1048056 kB = 1023.49 MiB
	assert_line "The host holds: 327680 KiB (320.0 MiB), 31% of the 1023.5 MiB the VM was given (zones' present pages in /proc/zoneinfo)"
	refute_output --partial "of RAM"
}

@test "status-truth: without zoneinfo the share is of MemTotal + a subtracted balloon, and says so" {
	debian_1g
	rm "$T/proc/zoneinfo"
	run js "$T"
	assert_success
	[ "$(jqr '.balloon.ram_basis' <<<"$output")" = memtotal_plus_balloon ]
	[ "$(jqr '.balloon.ram_kb' <<<"$output")" = 981080 ]
	[ "$(jqr '.balloon.present_kb' <<<"$output")" = null ]
	run txt "$T"
	# 327680 / 981080 = 33.4%
	assert_line --partial "33% of the 958.1 MiB the VM was given (MemTotal + the balloon; no /proc/zoneinfo"
}

@test "status-truth: a balloon counted as used is not a share of MemTotal; the zones give the VM's memory" {
	T="$BATS_TEST_TMPDIR/vmw"
	cp -a "$EXAMPLES/vmware-current" "$T"
	rm -f "$T/proc/zoneinfo"
	# MemTotal (4026500 kB) is not the memory the VM was given: no share
	run js "$T"
	assert_success
	[ "$(jqr '.balloon.ram_kb' <<<"$output")" = null ]
	[ "$(jqr '.balloon.percent_of_ram' <<<"$output")" = null ]
	[ "$(jqr '.balloon.ram_basis' <<<"$output")" = unknown ]
	run txt "$T"
	assert_line "The host holds: 1048576 KiB (1.0 GiB); the memory the VM was given is unknown (no usable /proc/zoneinfo)"
	# the example's hand-written zoneinfo: 786432 + 262144 pages = 4 GiB
	run js "$EXAMPLES/vmware-current"
	[ "$(jqr '.balloon.ram_kb' <<<"$output")" = 4194304 ]
	[ "$(jqr '.balloon.percent_of_ram' <<<"$output")" = 25 ]
}

@test "status-truth: MemTotal + balloon above the zones' present pages is flagged, not the answer (system_reset)" {
	# After system_reset the device keeps its old "actual": the module still
	# says 2 GiB while the rebooted guest's MemTotal is full again.
	T="$BATS_TEST_TMPDIR/reset"
	cp -a "$EXAMPLES/virtuozzo" "$T"
	sed -i -e 's/^MemTotal:.*/MemTotal:        8155000 kB/' -e '/^Inflated/d' "$T/proc/meminfo"
	sed -i -e 's/^balloon_inflate .*/balloon_inflate 0/' -e 's/^balloon_deflate .*/balloon_deflate 0/' "$T/proc/vmstat"
	run js "$T"
	j=$output
	# present: 786432 + 1310720 + 0 pages = 8388608 kB; 8155000 + 2097152 = 10252152 kB
	[ "$(jqr '.balloon.ram_kb' <<<"$j")" = 8388608 ]
	[ "$(jqr '.balloon.derived_ram_kb' <<<"$j")" = 10252152 ]
	[ "$(jqr '.balloon.ram_contradiction' <<<"$j")" = true ]
	jq -e '.findings[] | select(.code == "ram-contradiction" and .severity == "warning")' <<<"$j" >/dev/null
	[ "$(jqr '.findings[] | select(.code == "ram-contradiction") | .message' <<<"$j")" = \
		"MemTotal 8155000 KiB + the balloon's 2097152 KiB (virtio-balloon's counters in debugfs) = 10252152 KiB, more than the 8388608 KiB the VM was given (zones' present pages): the balloon size or its accounting is wrong" ]
	run txt "$T"
	assert_line --partial "!!! MemTotal and this balloon add up to more than the VM was given"
	refute_output --partial "10252152 KiB the VM was given"
	refute_output --partial "9.8 GiB the VM was given"
}

@test "status-truth: the example trees' MemTotal + balloon stay within the present pages" {
	for e in virtuozzo kernel-6.15-balloon-line vmware-current vmware-pre-4.20 this-machine; do
		run js "$EXAMPLES/$e"
		[ "$(jqr '.balloon.ram_contradiction' <<<"$output")" = false ] || { echo "$e"; false; }
		[ "$(jqr '.balloon.ram_basis' <<<"$output")" = zones_present ] || { echo "$e"; false; }
	done
}

@test "status-truth: a non-zero Balloon: line without a device is memory held, not 'no balloon device'" {
	T="$BATS_TEST_TMPDIR/xen"
	cp -a "$EXAMPLES/no-balloon" "$T"
	echo 'Balloon:          262144 kB' >>"$T/proc/meminfo"
	run js "$T"
	assert_success # a balloon holds memory: not exit 3
	j=$output
	[ "$(jqr '.balloon.size_kb' <<<"$j")" = 262144 ]
	[ "$(jqr '[.findings[].code] | index("no-balloon-device")' <<<"$j")" = null ]
	jq -e '.findings[] | select(.code == "unidentified-balloon-driver")' <<<"$j" >/dev/null
	run txt "$T"
	assert_line --partial "The host holds: 262144 KiB (256.0 MiB)"
	refute_output --partial "the host cannot take memory back"
}

@test "status-truth: no device, no driver, no Balloon: line: the host holds nothing" {
	run txt "$EXAMPLES/no-balloon"
	assert_failure 3
	assert_line "The host holds: nothing: there is no balloon device"
	refute_output --partial "unknown: no source"
	run js "$EXAMPLES/no-balloon"
	[ "$(jqr '.balloon.size_kb' <<<"$output")" = 0 ]
	[ "$(jqr '.balloon.size_from' <<<"$output")" = no_balloon ]
	# a 6.15+ kernel's "Balloon: 0 kB" changes nothing
	T="$BATS_TEST_TMPDIR/nb"
	cp -a "$EXAMPLES/no-balloon" "$T"
	echo 'Balloon:               0 kB' >>"$T/proc/meminfo"
	run txt "$T"
	assert_failure 3
	assert_line "The host holds: nothing: there is no balloon device"
}

@test "status-truth: a broken zoneinfo is a problem, never a number" {
	debian_1g
	sed -i '0,/present/{/present/d}' "$T/proc/zoneinfo" # the DMA zone loses its count
	run js "$T"
	[ "$(jqr '.balloon.present_kb' <<<"$output")" = null ]
	[ "$(jqr '.balloon.ram_basis' <<<"$output")" = memtotal_plus_balloon ]
	jq -e '.problems[] | select(.what == "/proc/zoneinfo")' <<<"$output" >/dev/null
	qemu_1g_zoneinfo >"$T/proc/zoneinfo"
	printf '        present  5\n' >>"$T/proc/zoneinfo" # a second count in the Normal zone
	run js "$T"
	[ "$(jqr '.balloon.present_kb' <<<"$output")" = null ]
	jq -e '.problems[] | select(.what == "/proc/zoneinfo")' <<<"$output" >/dev/null
}

@test "status-truth: this machine: the VM's memory is the zones' present pages" {
	[ -r /proc/zoneinfo ] || skip "no /proc/zoneinfo"
	run "$VBTOOL" status --json --no-kernel-log
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	j=$output
	ps=$(getconf PAGESIZE)
	want=$(awk -v ps="$ps" '$1 == "present" { p += $2 } END { printf "%d", p * ps / 1024 }' /proc/zoneinfo)
	mt=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
	[ "$(jqr '.balloon.ram_basis' <<<"$j")" = zones_present ]
	[ "$(jqr '.balloon.ram_kb' <<<"$j")" -eq "$want" ]
	# plausible: the kernel's reservations come out of it, never more
	[ "$want" -ge "$mt" ]
	[ "$(jqr '.balloon.ram_contradiction' <<<"$j")" = false ]
	run "$VBTOOL" status --no-kernel-log
	assert_line --regexp "^The host holds: .* the VM was given \(zones' present pages in /proc/zoneinfo\)$|^The host holds: nothing: there is no balloon device$"
}

@test "a --sysroot that is missing or a file fails first, in one error, with nothing on stdout" {
	touch "$BATS_TEST_TMPDIR/afile"
	for args in "--sysroot $BATS_TEST_TMPDIR/none status" "status --sysroot $BATS_TEST_TMPDIR/afile" \
		"status --json --sysroot $BATS_TEST_TMPDIR/none" "top --sysroot $BATS_TEST_TMPDIR/none -b -n 1" \
		"collect --sysroot $BATS_TEST_TMPDIR/afile -o $BATS_TEST_TMPDIR/out.tar.gz"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$VBTOOL" $args
		[ "$status" -eq 1 ] || { echo "$args: exit $status"; false; }
		[ -z "$output" ] || { echo "$args: printed: $output"; false; }
		[[ "${stderr_lines[0]}" =~ ^vbtool:\ (status|top|collect):\ --sysroot\ .*:\ (No\ such\ file\ or\ directory|not\ a\ directory(,\ nor\ a\ tarball\ .*)?)$ ]]
	done
	[ ! -e "$BATS_TEST_TMPDIR/out.tar.gz" ]
}
