#!/usr/bin/env bats
# vbtool top --replay (#15) of a host recording (`top --qmp/--libvirt -b
# --json`) in the real TUI (tmux): one row per VM, the event log, the keys
# of the guest replay, and a truncated or mixed recording named FILE:LINE.
# Expected values come from the recordings (jq) and their README
# (tests/data/top-replay-host/), not from vbtool.

bats_require_minimum_version 1.5.0
load helpers
load top-helpers

setup() {
	SOCK="$BATS_TEST_TMPDIR/tmux.sock"
	REC="$DATA/top-replay-host"
}

teardown() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
}

replay() { # file
	start_shell 120 32
	tm send-keys "$VBTOOL top --replay $1; echo rc=\$?" Enter
}

# field LINE JQ: a value of frame LINE of balloon-changes.jsonl
field() { sed -n "$1p" "$REC/balloon-changes.jsonl" | jq -r "$2"; }
# gib BYTES: "1.0 GiB", as the views print whole GiB
gib() { awk -v b="$1" 'BEGIN { printf "%.1f GiB", b / 1073741824 }'; }
# hms EPOCH: the frame's time, UTC
hms() { date -u -d "@$1" +%H:%M:%S; }

@test "host replay: one row per VM with the frame's values; . and n step" {
	replay "$REC/balloon-changes.jsonl"
	wait_screen 'replay 1/5'
	tm send-keys ' '
	wait_screen '\[paused\]'
	for i in 0 1; do
		name=$(field 1 ".vms[$i].name")
		state=$(field 1 ".vms[$i].run_state")
		ram=$(gib "$(field 1 ".vms[$i].ram_bytes")")
		screen | grep -qE "^$name +$state +$ram "
	done
	screen | grep -qF "$(hms "$(field 1 .time)") $(field 1 '.events[0].vm'): started"
	tm send-keys .
	wait_screen 'replay 2/5'
	# web1: balloon 1 GiB of 4 GiB, 25.0%
	row=$(screen | grep -E "^$(field 2 '.vms[0].name') ")
	[[ $row == *" $(gib "$(field 2 '.vms[0].balloon_bytes')") "* ]]
	[[ $row == *" $(field 2 '.vms[0].balloon_pct | . * 10 | round / 10 | tostring | if test("\\.") then . else . + ".0" end') "* ]]
	screen | grep -qF "$(field 2 '.events[0].vm'): actual $(gib "$(field 2 '.events[0].from_actual_bytes')") -> $(gib "$(field 2 '.events[0].to_actual_bytes')")"
	tm send-keys n
	wait_screen 'replay 3/5'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host replay: e jumps to the next event; a stopped VM's row goes" {
	replay "$REC/balloon-changes.jsonl"
	wait_screen 'replay 1/5'
	tm send-keys ' '
	wait_screen '\[paused\]'
	tm send-keys e
	wait_screen 'replay 2/5'
	# frame 3 has no event: e goes on to 4
	[ "$(field 3 '.events | length')" = 0 ]
	tm send-keys e
	wait_screen 'replay 4/5'
	screen | grep -qF "$(field 4 '.events[0].vm'): actual $(gib "$(field 4 '.events[0].from_actual_bytes')") -> $(gib "$(field 4 '.events[0].to_actual_bytes')")"
	screen | grep -qE "^$(field 4 '.vms[1].name') "
	tm send-keys e
	wait_screen 'replay 5/5 1x end'
	screen | grep -qF "$(field 5 '.events[0].vm'): stopped"
	! screen | grep -qE "^$(field 4 '.vms[1].name') "
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host replay: plays on by itself; + and - change the speed" {
	replay "$REC/balloon-changes.jsonl"
	wait_screen 'replay 1/5 1x'
	tm send-keys +
	wait_screen 'replay [0-9]/5 2x'
	tm send-keys + +
	wait_screen 'replay [0-9]/5 8x'
	wait_screen 'replay 5/5 8x end'
	tm send-keys -
	wait_screen 'replay 5/5 4x end'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host replay: the recording of a real paused QEMU" {
	rec="$REC/qemu-paused.jsonl"
	replay "$rec"
	wait_screen 'replay 1/5'
	tm send-keys ' '
	wait_screen '\[paused\]'
	name=$(head -1 "$rec" | jq -r '.vms[0].name')
	state=$(head -1 "$rec" | jq -r '.vms[0].run_state')
	mib=$(($(head -1 "$rec" | jq -r '.vms[0].ram_bytes') / 1048576))
	screen | grep -qE "^$name +$state +$mib(\\.0)? MiB "
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host replay: a truncated last line: the three whole frames, then FILE:4" {
	replay "$REC/truncated.jsonl"
	wait_screen 'replay 1/3'
	tm send-keys ' ' . .
	wait_screen 'replay 3/3 1x end: the rest is unreadable'
	tm send-keys q
	wait_screen '^rc=1'
	screen_joined | grep -qF "vbtool: top --replay: $REC/truncated.jsonl:4: the line ends inside a JSON value (a truncated recording?)"
	screen_joined | grep -qF '(the 3 frames before it were shown)'
}

@test "host replay: a guest frame in a host recording is an error at its line" {
	replay "$REC/mixed.jsonl"
	wait_screen 'replay 1/2'
	tm send-keys ' ' .
	wait_screen 'replay 2/2 1x end: the rest is unreadable'
	tm send-keys q
	wait_screen '^rc=1'
	screen_joined | grep -qF "vbtool: top --replay: $REC/mixed.jsonl:3: not a host frame"
	# and the other way round: a host frame in a guest recording
	{ head -1 "$DATA/top-replay/guest.jsonl"; head -1 "$REC/balloon-changes.jsonl"; } >"$BATS_TEST_TMPDIR/g.jsonl"
	tm send-keys "clear; $VBTOOL top --replay $BATS_TEST_TMPDIR/g.jsonl; echo rc=\$?" Enter
	wait_screen 'replay 1/1'
	tm send-keys q
	wait_screen '^rc=1'
	screen_joined | grep -qF "g.jsonl:2: a host frame (top --qmp/--libvirt) in a guest recording"
}
