# The guest tests, shared by the variant files (vm-deflate-*.bats). Each runs
# in the guest the variant file booted; VM_DOOM is yes or no (deflate-on-oom).
load vm

DEBUGFS_FILE=/sys/kernel/debug/vbtool-balloon
OOM_BALLOON_MIB=192

# --- 1. the device and its features ------------------------------------------

t_features_sysfs() {
	local qemu guest dev
	qemu=$(qemu_guest_feature_bits)
	dev=$(guest -- 'ls /sys/bus/virtio/drivers/virtio_balloon/ | grep "^virtio"')
	guest=$(sysfs_feature_bits "$(guest -- cat "/sys/bus/virtio/devices/$dev/features")")
	[ -n "$qemu" ]
	assert_equal "$guest" "$qemu"
	# The variant's device options are what was negotiated.
	has_bit() { grep -qx "$1" <<< "$qemu"; }
	run has_bit 2 # DEFLATE_ON_OOM
	[ "$VM_DOOM" = yes ] && assert_success || assert_failure
	run has_bit 5 # REPORTING
	[ "$VM_FPR" = yes ] && assert_success || assert_failure
}

t_features_module() {
	run guest -- cat "$DEBUGFS_FILE"
	assert_success
	assert_line "DeflateOnOOM: $VM_DOOM"
	assert_line --regexp '^Device: virtio[0-9]+$'
}

t_features_vbtool() {
	vbtool_or_skip
	local qemu json got
	qemu=$(qemu_guest_feature_bits)
	json=$(guest -- vbtool status --json)
	# Named bits and the ones vbtool has no name for, as numbers.
	got=$({
		jq -r '.devices[0].features.negotiated[]' <<< "$json" | names_to_bits
		jq -r '.devices[0].features.unknown_bits // [] | .[]' <<< "$json"
	} | sort -n)
	assert_equal "$got" "$qemu"
	assert_equal "$(jq -r '.devices[0].deflate_on_oom' <<< "$json")" "$([ "$VM_DOOM" = yes ] && echo true || echo false)"
}

# --- 2. inflate: every source agrees with QEMU ---------------------------------

meminfo_kb() { # meminfo_kb KEY: from the guest's /proc/meminfo
	guest -- cat /proc/meminfo | awk -v k="$1:" '$1 == k { print $2 }'
}

vmstat_balloon_kb() { # (balloon_inflate - balloon_deflate) pages * 4
	guest -- cat /proc/vmstat | awk '$1 == "balloon_inflate" { i = $2 } $1 == "balloon_deflate" { d = $2 } END { print (i - d) * 4 }'
}

# check_sources WANT_KB BASE_MEMTOTAL_KB [vbtool]
check_sources() {
	local want=$1 base=$2 memtotal json
	assert_equal "$(balloon_size_kb)" "$want"
	run guest -- cat "$DEBUGFS_FILE"
	assert_success
	if [ "$VM_DOOM" = yes ]; then
		assert_line "InflatedTotal: 0 kB"
		assert_line "InflatedFree: $want kB"
		memtotal=$base
	else
		assert_line "InflatedTotal: $want kB"
		assert_line "InflatedFree: 0 kB"
		memtotal=$((base - want))
	fi
	assert_line "Target: $want kB"
	assert_line "Actual: $want kB"
	assert_line "ActualMatches: yes"
	assert_line "DeviceState: ok"
	assert_line "DeflateOnOOM: $VM_DOOM"
	assert_equal "$(vmstat_balloon_kb)" "$want"
	assert_equal "$(meminfo_kb MemTotal)" "$memtotal"
	[ "${3:-}" = vbtool ] || return 0
	json=$(guest -- vbtool status --json)
	assert_equal "$(jq -r '.balloon.size_kb' <<< "$json")" "$want"
	assert_equal "$(jq -r '.balloon.sources[] | select(.name == "vmstat_inflate_deflate") | .size_kb' <<< "$json")" "$want"
	assert_equal "$(jq -r '.balloon.sources[] | select(.name == "debugfs_virtio_balloon") | .size_kb' <<< "$json")" "$want"
	# Every source the kernel has, whatever its name.
	assert_equal "$(jq -r "[.balloon.sources[] | select(.size_kb != null and .size_kb != $want)] | length" <<< "$json")" 0
	assert_equal "$(jq -r '.meminfo.mem_total_kb' <<< "$json")" "$memtotal"
	assert_equal "$(jq -r '.devices[0].deflate_on_oom' <<< "$json")" "$([ "$VM_DOOM" = yes ] && echo true || echo false)"
	if [ "$VM_DOOM" = yes ]; then
		jq -e '.devices[0].features.negotiated | index("DEFLATE_ON_OOM") != null' <<< "$json"
	else
		jq -e '.devices[0].features.negotiated | index("DEFLATE_ON_OOM") == null' <<< "$json"
	fi
}

# t_inflate [vbtool]: several targets, each checked once QEMU's actual settles.
t_inflate() {
	[ "${1:-}" != vbtool ] || vbtool_or_skip
	local base mib
	balloon_set "$VM_RAM_MIB"
	check_sources 0 "$(meminfo_kb MemTotal)" "$@"
	base=$(meminfo_kb MemTotal)
	for mib in 384 256 448; do
		balloon_set "$mib"
		check_sources $(((VM_RAM_MIB - mib) * 1024)) "$base" "$@"
	done
}

# --- 3. a real OOM with the balloon inflated -----------------------------------

oom_log() { echo "$VM_LOG_DIR/$VM_NAME.oom.log"; }

# The balloon size in the last module line before the first OOM report.
balloon_kb_at_first_report() {
	awk '/invoked oom-killer/ { exit } match($0, /Balloon InflatedTotal:[0-9]+kB InflatedFree:[0-9]+kB/) {
		split(substr($0, RSTART, RLENGTH), f, /[:k ]/); kb = f[3] + f[6] } END { print kb }' "$1"
}

t_oom_run() {
	local want=$((OOM_BALLOON_MIB * 1024))
	balloon_set $((VM_RAM_MIB - OOM_BALLOON_MIB))
	guest -- dmesg -c > /dev/null
	# Only the hog may be chosen; the command loop is at -1000.
	run guest 240 -- '(echo 1000 > /proc/self/oom_score_adj; exec memhog)'
	assert_equal "$status" 137
	guest -- dmesg > "$(oom_log)"
	run cat "$(oom_log)"
	assert_line --regexp 'Killed process [0-9]+ \(memhog\)'
	assert_line --partial 'invoked oom-killer'
	# Our notifier runs before virtio_balloon's (priority 100 > 80), so the
	# first line shows the balloon before any deflation.
	local first
	first=$(grep -o 'Balloon InflatedTotal:.*' "$(oom_log)" | head -n 1)
	if [ "$VM_DOOM" = yes ]; then
		assert_equal "$first" "Balloon InflatedTotal:0kB InflatedFree:${want}kB"
		# The balloon gave its memory back before the kill, one MiB per call.
		assert_equal "$(balloon_size_kb)" 0
		# The line just before the kill report shows it empty.
		assert_equal "$(balloon_kb_at_first_report "$(oom_log)")" 0
		# Rate-limited: far fewer lines than the 192 notifier calls.
		[ "$(grep -c 'Balloon InflatedTotal:' "$(oom_log)")" -lt 40 ]
	else
		assert_equal "$(balloon_kb_at_first_report "$(oom_log)")" "$want"
		assert_equal "$first" "Balloon InflatedTotal:${want}kB InflatedFree:0kB"
		assert_equal "$(balloon_size_kb)" "$want"
	fi
}

t_oom_explain() {
	vbtool_or_skip
	[ -s "$(oom_log)" ] || skip "no OOM log (the OOM test did not run)"
	if ! "$VBTOOL" explain-oom --help > /dev/null 2>&1; then
		skip "vbtool explain-oom is not implemented yet (--help fails)"
	fi
	local want
	want=$(balloon_kb_at_first_report "$(oom_log)")
	[ -n "$want" ]
	run "$VBTOOL" explain-oom --json "$(oom_log)"
	assert_success
	jq -e --argjson kb "$want" '[.events[] | select(.balloon != null and .balloon.size_kb == $kb)] | length > 0' <<< "$output"
}

# --- 4. hot-unplug while reading, re-plug, module load/unload ---------------

wait_guest_device() { # wait_guest_device REGEX: until the module file's Device line matches
	local i
	for i in $(seq 150); do
		guest -- cat "$DEBUGFS_FILE" | grep -Eq "^Device: $1\$" && return 0
		sleep 0.2
	done
	guest -- cat "$DEBUGFS_FILE" >&2
	return 1
}

t_hotplug() {
	balloon_set 384
	# the count goes through a rename: "echo > file" empties the file first,
	# and a cat in between read nothing ("[: : integer expression expected")
	guest -- 'setsid sh -c "i=0; while :; do cat '"$DEBUGFS_FILE"' > /dev/null; i=\$((i + 1)); echo \$i > /tmp/reads.new; mv /tmp/reads.new /tmp/reads; done" < /dev/null > /dev/null 2>&1 & echo $! > /tmp/reader.pid'
	sleep 1
	run qmp device_del '{"id": "balloon0"}' --wait-event DEVICE_DELETED 60
	assert_success
	wait_guest_device none
	run guest -- cat "$DEBUGFS_FILE"
	assert_line "InflatedTotal: 0 kB"
	assert_line "InflatedFree: 0 kB"
	local before after
	before=$(guest -- cat /tmp/reads)
	run qmp device_add '{"driver": "virtio-balloon-pci", "id": "balloon1"}'
	assert_success
	wait_guest_device 'virtio[0-9]+'
	after=$(guest -- cat /tmp/reads)
	guest -- 'kill $(cat /tmp/reader.pid)'
	# The reader kept reading throughout.
	[ "$after" -gt "$before" ]
	# The new device works: QMP balloon reaches it, the module sees it.
	balloon_set 448
	run guest -- cat "$DEBUGFS_FILE"
	assert_line "Actual: 65536 kB"
}

t_no_driver() {
	local dev
	dev=$(guest -- 'ls /sys/bus/virtio/drivers/virtio_balloon/ | grep "^virtio"')
	guest -- "echo $dev > /sys/bus/virtio/drivers/virtio_balloon/unbind"
	run guest -- cat "$DEBUGFS_FILE"
	assert_success
	assert_line "Device: none"
	assert_line "InflatedTotal: 0 kB"
	guest -- "echo $dev > /sys/bus/virtio/drivers/virtio_balloon/bind"
	wait_guest_device "$dev"
}

t_load_unload() {
	# An open debugfs file holds a module reference: rmmod must be refused
	# ("in use") and the open file stay readable.
	run guest -- 'exec 4< '"$DEBUGFS_FILE"'; rmmod vbtool_balloon && echo unloaded; head -n 1 <&4; exec 4<&-; lsmod | grep -q "^vbtool_balloon " || insmod /lib/modules/vbtool_balloon.ko'
	assert_success
	refute_line unloaded
	assert_line --regexp '^InflatedTotal: [0-9]+ kB$'
	# 20 cycles while another process opens and reads the file in a loop
	# (rmmod is retried while that reader holds it open).
	run guest 180 -- 'setsid sh -c "while :; do cat '"$DEBUGFS_FILE"'; done" < /dev/null > /dev/null 2>&1 & r=$!
		for i in $(seq 20); do
			n=0; until rmmod vbtool_balloon 2> /dev/null; do n=$((n + 1)); [ $n -lt 5000 ] || exit 1; done
			insmod /lib/modules/vbtool_balloon.ko || exit 2
		done
		kill $r; grep -q "^Device: virtio" '"$DEBUGFS_FILE"' || exit 3; echo cycles=$i'
	assert_success
	assert_output "cycles=20"
}

t_console_clean() {
	guest -- dmesg > "$BATS_TEST_TMPDIR/dmesg"
	run kernel_trouble "$VM_CONSOLE" "$BATS_TEST_TMPDIR/dmesg"
	assert_failure 1
	refute_output
}
