#!/usr/bin/env bats
# vbtool top: the real TUI driven in tmux (send-keys, capture-pane), batch
# mode, JSON Lines, and --sysroot replays. Expected values come from /proc,
# /sys and the hand-made tree, never from vbtool's own output.

bats_require_minimum_version 1.5.0
load helpers
load top-helpers

setup() {
	SOCK="$BATS_TEST_TMPDIR/tmux.sock"
}

teardown() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
	if [ -n "${VM_DIR:-}" ]; then
		vm_shutdown
	fi
}

# The balloon as sysfs states it: name and driver of the device with id 5.
real_balloon() {
	local d
	for d in /sys/bus/virtio/devices/*; do
		[[ -r $d/device ]] || continue
		if [[ $(<"$d/device") == 0x0005 ]]; then
			BALLOON_NAME=${d##*/}
			BALLOON_DRIVER=$(basename "$(readlink "$d/driver")")
			return 0
		fi
	done
	return 1
}

# Display width of a line of text (characters, not bytes).
cols() { printf '%s' "$1" | LC_ALL=C.UTF-8 wc -m; }

memtotal_kb() { awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo; }

# A tiny captured tree: one balloon of 262144 pages (1 GiB), 4 GiB of RAM,
# and a kernel log holding one OOM kill plus a user-written fake one.
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
	# bits 1 (STATS_VQ), 2 (DEFLATE_ON_OOM) and 32 (VERSION_1), 64 characters
	printf '0110000000000000000000000000000010000000000000000000000000000000\n' >"$dev/features"
	cat >"$T/proc/meminfo" <<-EOF
		MemTotal:        4028440 kB
		MemFree:         1000000 kB
		MemAvailable:    2000000 kB
		Buffers:           10000 kB
		Cached:           500000 kB
		SwapTotal:             0 kB
		SwapFree:              0 kB
	EOF
	# 4 GiB given: 786432 + 262144 present pages
	printf 'Node 0, zone    DMA32\n        present  786432\nNode 0, zone   Normal\n        present  262144\n' \
		>"$T/proc/zoneinfo"
	printf 'nr_balloon_pages 262144\nballoon_inflate 300000\nballoon_deflate 37856\npswpin 0\npswpout 0\npgmajfault 10\n' \
		>"$T/proc/vmstat"
	echo treehost >"$T/proc/sys/kernel/hostname"
	echo 6.1.0-test >"$T/proc/sys/kernel/osrelease"
	echo '3661.50 100.00' >"$T/proc/uptime"
	# facility 0 (kernel) at level 3; the second record is facility 1 (user)
	printf '%s\n' \
		'3,100,5000000,-;Out of memory: Killed process 4242 (stress-ng) total-vm:1000kB, anon-rss:123456kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0' \
		'12,101,6000000,-;Out of memory: Killed process 1 (fake) total-vm:1kB' >"$T/vbtool/kmsg"
}

@test "top --help fits on a screen and exits 0" {
	run "$VBTOOL" top --help
	assert_success
	assert_output --partial "Usage: vbtool top"
	[ "${#lines[@]}" -le 24 ]
	run "$VBTOOL" help top
	assert_success
	assert_output --partial "Usage: vbtool top"
}

@test "top: bad command lines are usage errors (exit 2)" {
	local args
	for args in "--bogus" "-x" "-d" "-d abc" "-d -1" "-n 0" "-n x" "--json" "-b extra"; do
		# shellcheck disable=SC2086
		run "$VBTOOL" top $args
		[ "$status" -eq 2 ] || { echo "args: $args -> $status: $output"; false; }
		assert_output --partial "vbtool: top: "
	done
}

@test "top -b -n 3 -d 0.1 prints exactly 3 plain frames" {
	COLUMNS=80 run --separate-stderr "$VBTOOL" top -b -n 3 -d 0.1
	assert_success
	[ "$(grep -c '^vbtool top - ' <<<"$output")" -eq 3 ]
	# no escape sequences or other control bytes (tab aside) anywhere
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$output"
	# with COLUMNS=80, frames are 80 columns wide at most
	local l
	for l in "${lines[@]}"; do
		[ "$(cols "$l")" -le 80 ]
	done
}

@test "top -b follows COLUMNS, and into a pipe cuts no line" {
	local ex="$EXAMPLES/virtuozzo" l widest=0
	# the finding's own text, as status prints it, is longer than 80 columns
	msg=$("$VBTOOL" --sysroot "$ex" status --json | jq -r '.findings[] | select(.code == "large-balloon-no-deflate-on-oom") | .message')
	[ "${#msg}" -gt 80 ]
	run --separate-stderr env -u COLUMNS "$VBTOOL" top --sysroot "$ex" -b -n 1
	assert_success
	assert_output --partial "$msg"
	# the RAM bar and the graphs keep 80 columns
	assert_line --regexp '^RAM \[.{60,74}\] '
	for l in "${lines[@]}"; do [[ "$l" != "RAM ["* ]] || [ "$(cols "$l")" -le 80 ]; done
	COLUMNS=132 run --separate-stderr "$VBTOOL" top --sysroot "$ex" -b -n 1
	for l in "${lines[@]}"; do
		[ "$(cols "$l")" -le 132 ]
		[ "$(cols "$l")" -le "$widest" ] || widest=$(cols "$l")
	done
	[ "$widest" -eq 132 ]
}

@test "top -b shows this machine's balloon and MemTotal from /proc/meminfo" {
	real_balloon || skip "no virtio balloon on this machine"
	run --separate-stderr "$VBTOOL" top -b -n 1
	assert_success
	assert_line --regexp "^$BALLOON_NAME  driver $BALLOON_DRIVER  size "
	assert_line --regexp "^MemTotal $(memtotal_kb) KiB"
}

@test "top -b --json prints one object per frame (JSON Lines)" {
	real_balloon || skip "no virtio balloon on this machine"
	run --separate-stderr "$VBTOOL" top -b --json -n 2 -d 0.1
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -s length <<<"$output")" -eq 2 ]
	[ "$(jqr '.memory.mem_total_kb' <<<"${lines[0]}")" -eq "$(memtotal_kb)" ]
	[ "$(jqr '.balloons[0].name' <<<"${lines[1]}")" = "$BALLOON_NAME" ]
	[ "$(jqr '.balloons[0].driver' <<<"${lines[1]}")" = "$BALLOON_DRIVER" ]
	# rates need two samples: unknown (null) first, numbers after
	[ "$(jqr '.now.inflate_pages_per_s' <<<"${lines[0]}")" = null ]
	[ "$(jqr '.now.inflate_pages_per_s | type' <<<"${lines[1]}")" = number ]
	# the RAM bar adds up
	[ "$(jqr '.memory | .used_kb + .cache_kb + .free_kb + .balloon_kb == .ram_kb' <<<"${lines[1]}")" = true ]
}

@test "top --sysroot replays a captured tree: panel, RAM split, OOM kill" {
	make_tree
	run --separate-stderr "$VBTOOL" top --sysroot "$T" -b -n 3 -d 0
	assert_success
	[ "$(grep -c '^vbtool top - .*hostname treehost  up 1:01:01' <<<"$output")" -eq 3 ]
	# 262144 pages of 4 KiB = 1048576 kB = 1.0 GiB, of the 4 GiB the VM was given: 25%
	[ "$(grep -c "^virtio0  driver virtio_balloon  size 1.0 GiB (25% of the VM's 4.0 GiB)$" <<<"$output")" -eq 3 ]
	assert_line --regexp '^  mode counted as used  features STATS_VQ DEFLATE_ON_OOM$'
	assert_line --regexp '^MemTotal 4028440 KiB  no swap$'
	assert_line --regexp 'OOM kill: pid 4242 \(stress-ng\), anon-rss 123456 KiB'
	refute_output --partial "(fake)"

	run --separate-stderr "$VBTOOL" --sysroot "$T" top -b --json -n 1
	assert_success
	# used = 4028440 - 1000000 free - 510000 cache - 1048576 balloon
	[ "$(jqr '.memory.used_kb' <<<"$output")" -eq 1469864 ]
	[ "$(jqr '.memory.cache_kb' <<<"$output")" -eq 510000 ]
	[ "$(jqr '.memory.balloon_kb' <<<"$output")" -eq 1048576 ]
	[ "$(jqr '.balloons[0].size_kb' <<<"$output")" -eq 1048576 ]
	[ "$(jqr '[.balloons[0].features[]] | join(",")' <<<"$output")" = "STATS_VQ,DEFLATE_ON_OOM" ]
	[ "$(jqr '[.events[] | select(.kind == "oom_kill")] | length' <<<"$output")" -eq 1 ]
}

@test "top --sysroot: an OOM kill in the captured log comes with explain-oom's verdict" {
	make_tree
	local log="$DATA/oom/synthetic/kmsg-records-global.log" expect="$DATA/oom/synthetic/kmsg-records-global.expect"
	[ -r "$log" ] || skip "no synthetic kmsg OOM log"
	cp "$log" "$T/vbtool/kmsg"
	# what the log's author worked out by hand
	local code pid comm
	code=$(awk '$1 == "1.verdict.code" { print $2 }' "$expect")
	pid=$(awk '$1 == "1.victim.pid" { print $2 }' "$expect")
	comm=$(awk '$1 == "1.victim.comm" { print $2 }' "$expect")
	[ -n "$code" ] && [ -n "$pid" ] && [ -n "$comm" ]
	run --separate-stderr "$VBTOOL" top --sysroot "$T" -b -n 1
	assert_success
	assert_line --regexp "OOM kill: pid $pid \\($comm\\)"
	assert_line --regexp "^ +verdict $code: "
	run --separate-stderr "$VBTOOL" top --sysroot "$T" -b --json -n 1
	assert_success
	[ "$(jqr '[.events[] | select(.kind == "oom_kill")] | length' <<<"$output")" -eq 1 ]
	[ "$(jqr '.events[] | select(.kind == "oom_kill") | .verdict.code' <<<"$output")" = "$code" ]
}

@test "top --sysroot: changes between samples become events and rates" {
	make_tree
	local out="$BATS_TEST_TMPDIR/frames"
	"$VBTOOL" top --sysroot "$T" -b --json -n 3 -d 1 >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! i
	# wait for the first frame (a readiness wait), then change the tree: the
	# second or at the latest the third sample sees it
	for ((i = 0; i < 100; i++)); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	[ -s "$out" ]
	# 131072 more pages of 4 KiB: 512 MiB more, 1.5 GiB in all
	printf 'nr_balloon_pages 393216\nballoon_inflate 431072\nballoon_deflate 37856\npswpin 0\npswpout 0\npgmajfault 10\n' \
		>"$T/proc/vmstat.new"
	mv "$T/proc/vmstat.new" "$T/proc/vmstat"
	rm "$T/sys/bus/virtio/devices/virtio0"
	wait "$pid"
	[ "$(wc -l <"$out")" -eq 3 ]
	run jq -r '.events[] | "\(.kind): \(.message)"' "$out"
	assert_line "balloon_grew: balloon grew by 512.0 MiB, now 1.5 GiB"
	assert_line "device_removed: balloon device virtio0 removed"
	# the frame that saw the growth saw inflation too
	[ "$(jq -s '[.[] | select(any(.events[]; .kind == "balloon_grew")) | .now.inflate_pages_per_s > 0] | all' "$out")" = true ]
	[ "$(jq -s '.[0].now.inflate_pages_per_s' "$out")" = null ]
}

@test "top -b over every captured tree in examples/" {
	local n=0 d
	for d in "$EXAMPLES"/*/; do
		[[ -e $d/proc/meminfo ]] || continue
		run --separate-stderr "$VBTOOL" top --sysroot "$d" -b -n 2 -d 0
		[ "$status" -eq 0 ] || { echo "$d: exit $status: $stderr"; false; }
		[ "$(grep -c '^vbtool top - ' <<<"$output")" -eq 2 ]
		want=$(awk '$1 == "MemTotal:" { print $2 }' "$d/proc/meminfo")
		[ -z "$want" ] || assert_line --regexp "^MemTotal $want KiB"
		# the live view judges as status does: the same collection code
		local a b
		a=$("$VBTOOL" --sysroot "$d" status --json --no-kernel-log | jq -c '[.findings[].code]') || true
		b=$("$VBTOOL" --sysroot "$d" top -b --json -n 1 | jq -c '[.findings[].code]')
		[ "$a" = "$b" ] || { echo "$d: status $a, top $b"; false; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no captured trees in examples/ yet"
}

@test "top TUI: the panel shows the real device and MemTotal" {
	real_balloon || skip "no virtio balloon on this machine"
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2" Enter
	wait_screen '^Events'
	run screen
	assert_line --regexp "^$BALLOON_NAME  driver $BALLOON_DRIVER  size "
	assert_line --regexp "^MemTotal $(memtotal_kb) KiB"
	assert_line --regexp '^vbtool top - '
	assert_line --regexp '^q quit  space pause'
	# the RAM bar spans the width exactly: "RAM [" ... "] <total>"
	bar=$(screen | grep '^RAM \[')
	[ "$(cols "$bar")" -eq 100 ]
	tm send-keys q
}

@test "top TUI: resizing to 60x20 redraws within the new size" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2" Enter
	wait_screen '^Events'
	tm resize-window -x 60 -y 20
	# the bar is redrawn for 60 columns
	wait_screen '^RAM \[[^]]{30,50}\] '
	run screen
	[ "${#lines[@]}" -le 20 ]
	local l
	for l in "${lines[@]}"; do
		[ "$(cols "$l")" -le 60 ] || { echo "too wide: $l"; false; }
	done
	bar=$(screen | grep '^RAM \[')
	[ "$(cols "$bar")" -eq 60 ]
	# header first and the key line last: nothing wrapped or scrolled
	assert_line --index 0 --regexp '^vbtool top - '
	[ "$(screen | sed -n 20p)" = "q quit  space pause  +/- interval  h help" ]
	tm send-keys q
}

@test "top TUI: q exits 0 and gives the terminal back" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2; echo rc=\$?" Enter
	wait_screen '^Events'
	[ "$(tm display -p '#{alternate_on}')" = 1 ]
	tm send-keys q
	wait_screen '^rc=0$'
	[ "$(tm display -p '#{alternate_on}')" = 0 ]
	run screen
	refute_output --partial "q quit  space pause"
}

@test "top TUI: SIGTERM, SIGINT and a crash (SIGABRT) give the terminal back" {
	local sig want
	for sig in TERM INT ABRT; do
		# a server per signal: a new one on a socket whose server is still
		# shutting down would fail to start
		SOCK="$BATS_TEST_TMPDIR/tmux-$sig.sock"
		start_shell 100 30
		tm send-keys "ulimit -c 0; $VBTOOL top -d 0.2" Enter
		wait_screen '^Events'
		local shell_pid top_pid
		shell_pid=$(tm display -p '#{pane_pid}')
		top_pid=$(pgrep -P "$shell_pid" -x vbtool)
		[ -n "$top_pid" ]
		kill -s "$sig" "$top_pid"
		want=$((128 + $(kill -l "$sig")))
		# an interactive shell drops the rest of a line whose command died
		# of SIGINT: ask for the status once the prompt is back
		wait_screen 'READY\$ ?$'
		tm send-keys 'echo rc=$?' Enter
		wait_screen "^rc=$want\$"
		[ "$(tm display -p '#{alternate_on}')" = 0 ]
		tm kill-server
	done
}

@test "top TUI: space pauses, h shows the help, any key closes it" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2" Enter
	wait_screen '^Events'
	tm send-keys Space
	wait_screen '^vbtool top - [0-9:]+ \[paused\]'
	tm send-keys Space
	wait_screen '^vbtool top - [0-9:]+  hostname '
	tm send-keys h
	wait_screen 'this help \(any key closes it\)'
	tm send-keys x
	wait_screen '^Events'
	run screen
	refute_output --partial "this help (any key closes it)"
	tm send-keys +
	wait_screen 'every 0.5s'
	tm send-keys - -
	wait_screen 'every 0.1s'
	tm send-keys q
}

@test "top TUI: colours by default, none with NO_COLOR or --mono" {
	start_shell 100 30
	tm send-keys "$VBTOOL top -d 0.2" Enter
	wait_screen '^Events'
	tm capture-pane -e -p >"$BATS_TEST_TMPDIR/colour"
	tm send-keys q
	wait_screen 'READY\$ ?$'
	tm send-keys "NO_COLOR=1 $VBTOOL top -d 0.2" Enter
	wait_screen '^Events'
	tm capture-pane -e -p >"$BATS_TEST_TMPDIR/nocolour"
	tm send-keys q
	wait_screen 'READY\$ ?$'
	tm send-keys "$VBTOOL top --mono -d 0.2" Enter
	wait_screen '^Events'
	tm capture-pane -e -p >"$BATS_TEST_TMPDIR/mono"
	tm send-keys q
	# SGR foreground colours: 30-37, 90-97 or 38;...
	grep -Eq $'\e\\[([0-9;]*;)?(3[0-8]|9[0-7])[;m]' "$BATS_TEST_TMPDIR/colour"
	! grep -Eq $'\e\\[([0-9;]*;)?(3[0-8]|9[0-7])[;m]' "$BATS_TEST_TMPDIR/nocolour"
	! grep -Eq $'\e\\[([0-9;]*;)?(3[0-8]|9[0-7])[;m]' "$BATS_TEST_TMPDIR/mono"
}

# --- in the guest test bed (tests/vm): a real balloon moved over QMP ----------

# guest_frames: the JSON frames top has written in the guest so far.
guest_frames() { guest -- cat /tmp/top.jsonl; }

# wait_frames N: until the guest's top has written at least N frames (a
# readiness wait: TCG is slow, so it is generous).
wait_frames() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(guest_frames | grep -c '^{')" -ge "$1" ] && return 0
		sleep 0.2
	done
	echo "top in the guest wrote fewer than $1 frames" >&2
	return 1
}

@test "top in a guest: QMP inflates, an OOM kill, device unplugged and plugged" {
	load "$TOP_SRCDIR/tests/vm/vm"
	vm_boot top ""
	[ -z "${VM_SKIP:-}" ] || skip "$VM_SKIP"
	vbtool_or_skip
	guest -- 'vbtool top -b --json -d 0.5 > /tmp/top.jsonl 2>/tmp/top.err & echo $! > /tmp/top.pid'
	wait_frames 2
	local n0 want
	n0=$(guest_frames | grep -c '^{')
	# 128 MiB into the balloon; QEMU's view is the expected size
	balloon_set $((VM_RAM_MIB - 128))
	want=$(balloon_size_kb)
	[ "$want" -eq $((128 * 1024)) ]
	wait_frames $((n0 + 3))
	# an OOM kill, live from /dev/kmsg: only the hog may be chosen (the
	# command loop, and top started from it, are at -1000)
	guest -- dmesg -c >/dev/null
	run guest 240 -- '(echo 1000 > /proc/self/oom_score_adj; exec memhog)'
	[ "$status" -eq 137 ]
	guest -- dmesg >"$BATS_TEST_TMPDIR/oom.log"
	local victim
	victim=$(grep -oE 'Killed process [0-9]+ \(memhog\)' "$BATS_TEST_TMPDIR/oom.log" | tail -n 1 | awk '{ print $3 }')
	[ -n "$victim" ]
	n0=$(guest_frames | grep -c '^{')
	wait_frames $((n0 + 2))
	# hot-unplug, then plug a new one: the uevent monitor and the samples see it
	run qmp device_del '{"id": "balloon0"}' --wait-event DEVICE_DELETED 60
	assert_success
	n0=$(guest_frames | grep -c '^{')
	wait_frames $((n0 + 3))
	run qmp device_add '{"driver": "virtio-balloon-pci", "id": "balloon1"}'
	assert_success
	n0=$(guest_frames | grep -c '^{')
	wait_frames $((n0 + 3))
	guest -- 'kill $(cat /tmp/top.pid)'
	guest_frames >"$BATS_TEST_TMPDIR/frames"
	local f="$BATS_TEST_TMPDIR/frames"
	# every line is one frame
	[ "$(jq -s length "$f")" -eq "$(wc -l <"$f")" ]
	# the size, frame by frame: 0 first, never down while inflating, QEMU's
	# value at the end of the inflation
	local sizes
	sizes=$(jq -r '.now.balloon_kb' "$f")
	[ "$(head -n 1 <<<"$sizes")" -eq 0 ]
	grep -qx "$want" <<<"$sizes"
	# (after that an OOM may deflate it: only the way up is checked)
	awk -v w="$want" '$1 == "null" || up { next } $1 < last { bad = 1 } $1 == w { up = 1 } { last = $1 } END { exit bad }' <<<"$sizes"
	# the target the module states, and inflation seen as a rate
	[ "$(jq -s --argjson w "$want" '[.[] | .balloons[0].target_kb | select(. == $w)] | length > 0' "$f")" = true ]
	[ "$(jq -s '[.[] | .now.inflate_pages_per_s // 0] | max > 0' "$f")" = true ]
	run jq -r '.events[] | .kind' "$f"
	assert_line balloon_grew
	assert_line device_removed
	assert_line device_added
	# the kill, with the verdict explain-oom gives on the same kernel log
	run jq -r 'select(.events | length > 0) | .events[] | select(.kind == "oom_kill") | .message' "$f"
	assert_line --regexp "^OOM kill: pid $victim \\(memhog\\)"
	local code
	code=$("$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/oom.log" | jq -r '.events[-1].verdict.code')
	[ -n "$code" ] && [ "$code" != null ]
	[ "$(jq -r '.events[] | select(.kind == "oom_kill") | .verdict.code' "$f" | tail -n 1)" = "$code" ]
}
