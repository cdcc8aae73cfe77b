#!/usr/bin/env bats
# vbtool top (#12): htop's keys (F1/? help, F10/Esc quit), VMware and
# Hyper-V balloons counted as devices, and the memory sparklines scaled to
# the VM's RAM. Expected values come from the trees' files and READMEs.

bats_require_minimum_version 1.5.0
load helpers
load top-helpers

setup() {
	SOCK="$BATS_TEST_TMPDIR/tmux.sock"
}

teardown() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
}

# A tiny captured tree: one virtio balloon of 262144 pages (1 GiB) in a VM
# given 4 GiB (zoneinfo: 786432 + 262144 present pages = 4194304 kB), with
# MemAvailable at 3670016 kB (3.5 GiB, 7/8 of the RAM).
make_tree() {
	T="$BATS_TEST_TMPDIR/tree"
	local dev="$T/sys/devices/pci0000:00/0000:00:01.0/virtio0"
	mkdir -p "$T/sys/bus/virtio/devices" "$T/sys/bus/virtio/drivers/virtio_balloon" "$dev" \
		"$T/proc/sys/kernel" "$T/vbtool"
	ln -s ../../../devices/pci0000:00/0000:00:01.0/virtio0 "$T/sys/bus/virtio/devices/virtio0"
	ln -s ../../../../bus/virtio/drivers/virtio_balloon "$dev/driver"
	echo 0x0005 >"$dev/device"
	echo 0x1af4 >"$dev/vendor"
	echo 0x0000000f >"$dev/status"
	printf '0110000000000000000000000000000010000000000000000000000000000000\n' >"$dev/features"
	meminfo 3670016 >"$T/proc/meminfo"
	printf 'Node 0, zone    DMA32\n        present  786432\nNode 0, zone   Normal\n        present  262144\n' \
		>"$T/proc/zoneinfo"
	printf 'nr_balloon_pages 262144\nballoon_inflate 300000\nballoon_deflate 37856\npswpin 0\npswpout 0\npgmajfault 10\n' \
		>"$T/proc/vmstat"
	echo treehost >"$T/proc/sys/kernel/hostname"
	echo 6.1.0-test >"$T/proc/sys/kernel/osrelease"
	echo '3661.50 100.00' >"$T/proc/uptime"
	: >"$T/vbtool/kmsg"
}

# meminfo AVAILABLE_KB: the tree's /proc/meminfo
meminfo() {
	cat <<-EOF
		MemTotal:        4028440 kB
		MemFree:         1000000 kB
		MemAvailable:    $1 kB
		Buffers:           10000 kB
		Cached:           500000 kB
		SwapTotal:             0 kB
		SwapFree:              0 kB
	EOF
}

# The sparkline at the end of a batch graph line, after the value.
spark() { awk -v l="$1" 'index($0, l) == 1 { s = $NF } END { print s }'; }

# --- keys -------------------------------------------------------------------

@test "top TUI: F1 opens the help, F10 quits with 0" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2; echo rc=\$?" Enter
	wait_screen '^Events'
	tm send-keys F1
	wait_screen 'this help \(any key closes it\)'
	# the help names the new keys
	wait_screen 'q F10 Esc +quit'
	tm send-keys x
	wait_gone "this help (any key closes it)"
	run screen
	assert_line --regexp '^Events'
	refute_output --partial "unknown key"
	tm send-keys F10
	wait_screen '^rc=0$'
	[ "$(tm display -p '#{alternate_on}')" = 0 ]
}

@test "top TUI: ? opens the help, Esc closes it, Esc again quits with 0" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2; echo rc=\$?" Enter
	wait_screen '^Events'
	tm send-keys '?'
	wait_screen 'this help \(any key closes it\)'
	# Esc with the help open closes the help, as any key does
	tm send-keys Escape
	wait_gone "this help (any key closes it)"
	run screen
	assert_line --regexp '^Events'
	refute_output --regexp '^rc='
	tm send-keys Escape
	wait_screen '^rc=0$'
	[ "$(tm display -p '#{alternate_on}')" = 0 ]
}

@test "top TUI: an arrow key (an escape sequence) neither quits nor counts as Esc" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2; echo rc=\$?" Enter
	wait_screen '^Events'
	tm send-keys Up
	# the key is unknown to top: it says so, and keeps running
	wait_screen 'unknown key'
	run screen
	refute_output --regexp '^rc='
	tm send-keys q
	wait_screen '^rc=0$'
}

# --- VMware and Hyper-V balloons count as devices ---------------------------

@test "top: vmw_balloon and hv_balloon count as balloon devices (text and JSON)" {
	# examples/vmware-current: vmmemctl, no virtio device, 262144 frames = 1 GiB
	local ex="$EXAMPLES/vmware-current"
	run --separate-stderr "$VBTOOL" top --sysroot "$ex" -b -n 1
	assert_success
	assert_line --regexp '^vmw_balloon  size 1\.0 GiB '
	assert_line --regexp 'watching: 1 balloon device\(s\), driver vmw_balloon, balloon 1\.0 GiB$'
	refute_output --partial "no balloon device found"
	run --separate-stderr "$VBTOOL" top --sysroot "$ex" -b --json -n 1
	assert_success
	[ "$(jqr '.balloons | length' <<<"$output")" -eq 1 ]
	[ "$(jqr '.events[] | select(.kind == "started") | .message' <<<"$output")" = \
		"watching: 1 balloon device(s), driver vmw_balloon, balloon 1.0 GiB" ]

	# examples/hyperv-mainline: hv-balloon debugfs, 65536 pages = 256 MiB
	ex="$EXAMPLES/hyperv-mainline"
	run --separate-stderr "$VBTOOL" top --sysroot "$ex" -b -n 1
	assert_success
	assert_line --regexp '^hv_balloon  size 256\.0 MiB '
	assert_line --regexp 'watching: 1 balloon device\(s\), driver hv_balloon, balloon 256\.0 MiB$'
	run --separate-stderr "$VBTOOL" top --sysroot "$ex" -b --json -n 1
	assert_success
	[ "$(jqr '.balloons | length' <<<"$output")" -eq 1 ]
	[ "$(jqr '.events[] | select(.kind == "started") | .message' <<<"$output")" = \
		"watching: 1 balloon device(s), driver hv_balloon, balloon 256.0 MiB" ]
}

@test "top: a vmw_balloon that goes away is a device_removed event" {
	local tree="$BATS_TEST_TMPDIR/vmw"
	cp -r "$EXAMPLES/vmware-current" "$tree"
	local out="$BATS_TEST_TMPDIR/frames" i
	"$VBTOOL" top --sysroot "$tree" -b --json -n 3 -d 1 >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$!
	# wait for the first frame (a readiness wait), then unload the driver:
	# vmmemctl was the only sign of it
	for ((i = 0; i < 100; i++)); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	[ -s "$out" ]
	rm "$tree/sys/kernel/debug/vmmemctl"
	wait "$pid"
	[ "$(wc -l <"$out")" -eq 3 ]
	run jq -r '.events[] | "\(.kind): \(.message)"' "$out"
	assert_line "device_removed: balloon device vmw_balloon removed"
}

# --- sparklines scaled to RAM -----------------------------------------------

@test "top: balloon and MemAvailable sparklines are scaled to the VM's RAM" {
	make_tree
	run --separate-stderr "$VBTOOL" top --sysroot "$T" -b -n 1
	assert_success
	# ASCII levels 0..7 are _.-:=+*#; a value v of 4194304 kB RAM is level
	# round(v / 4194304 * 7): the balloon, 1 GiB, round(1.75) = 2 '-';
	# MemAvailable, 3.5 GiB, round(6.125) = 6 '*'
	[ "$(spark balloon <<<"$output")" = "-" ]
	[ "$(spark MemAvailable <<<"$output")" = "*" ]
}

@test "top: a 1 MiB wobble of MemAvailable does not fill the graph" {
	make_tree
	local out="$BATS_TEST_TMPDIR/frames" i
	"$VBTOOL" top --sysroot "$T" -b -n 3 -d 1 >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	[ -s "$out" ]
	# 1024 kB more available: still round(3671040 / 4194304 * 7) = 6
	meminfo 3671040 >"$T/proc/meminfo.new"
	mv "$T/proc/meminfo.new" "$T/proc/meminfo"
	wait "$pid"
	# the last frame's graphs: three samples, all at the same height
	local last
	last=$(awk '/^vbtool top - / { f = "" } { f = f $0 "\n" } END { printf "%s", f }' "$out")
	grep -q '^MemAvailable *3\.5 GiB' <<<"$last"
	[ "$(spark MemAvailable <<<"$last")" = "***" ]
	[ "$(spark balloon <<<"$last")" = "---" ]
	# rates keep their own scale: inflation unchanged, 0 pages/s, level 0
	[ "$(spark 'inflate pg/s' <<<"$last")" = "__" ]
}
