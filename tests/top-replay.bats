#!/usr/bin/env bats
# vbtool top --replay (#15): a `top -b --json` recording played in the real
# TUI (tmux): frames in order, pause, step, jump to the next event, speed,
# compressed recordings, and a bad or truncated line named FILE:LINE after
# the frames before it were shown. Expected values come from the recordings'
# README (tests/data/top-replay/), not from vbtool.

bats_require_minimum_version 1.5.0
load helpers
load top-helpers

setup() {
	SOCK="$BATS_TEST_TMPDIR/tmux.sock"
	REC="$DATA/top-replay"
}

teardown() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
}

replay() { # file
	start_shell 110 32
	tm send-keys "$VBTOOL top --replay $1; echo rc=\$?" Enter
}

@test "replay: the first frame, paused, stepped with . and n, then the end" {
	replay "$REC/guest.jsonl"
	wait_screen 'replay 1/6'
	tm send-keys ' '
	wait_screen '\[paused\]'
	screen | grep -q 'hostname replay-guest'
	screen | grep -q 'kernel 6.1.0-13-amd64'
	screen | grep -qE 'size 0 KiB'
	# frame 2: still 0; frame 3: 1 GiB of 8 GiB, the finding appears
	tm send-keys .
	wait_screen 'replay 2/6'
	tm send-keys n
	wait_screen 'replay 3/6'
	# 1 GiB of 8 GiB: 12.5%, printed whole
	screen | grep -qE 'size 1\.0 GiB \(1[23]% of the VM.s 8\.0 GiB\)'
	screen | grep -q 'balloon grew to 1.0 GiB'
	! screen | grep -q 'balloon grew to 2.0 GiB'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "replay: e jumps to the next frame with an event; the OOM kill and its verdict" {
	replay "$REC/guest.jsonl"
	wait_screen 'replay 1/6'
	tm send-keys ' '
	wait_screen '\[paused\]'
	tm send-keys e
	wait_screen 'replay 3/6'
	tm send-keys e
	wait_screen 'replay 4/6'
	screen | grep -qE 'size 2\.0 GiB \(25% of the VM.s 8\.0 GiB\)'
	tm send-keys e
	wait_screen 'replay 6/6 1x end'
	screen | grep -q 'OOM kill: stress-ng (pid 4242)'
	screen | grep -q 'verdict balloon-held-memory'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "replay: plays on by itself; + and - change the speed" {
	replay "$REC/guest.jsonl"
	wait_screen 'replay 1/6 1x'
	tm send-keys +
	wait_screen 'replay [0-9]/6 2x'
	tm send-keys + + +
	wait_screen 'replay [0-9]/6 16x'
	# 2 s frames at 16x: the rest plays within a second or two
	wait_screen 'replay 6/6 16x end'
	tm send-keys -
	wait_screen 'replay 6/6 8x end'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "replay: .gz, .xz and .zst recordings play the same" {
	for z in gzip xz zstd; do
		command -v "$z" >/dev/null || fail "$z missing"
	done
	gzip -c "$REC/guest.jsonl" >"$BATS_TEST_TMPDIR/r.jsonl.gz"
	xz -c "$REC/guest.jsonl" >"$BATS_TEST_TMPDIR/r.jsonl.xz"
	zstd -q -c "$REC/guest.jsonl" >"$BATS_TEST_TMPDIR/r.jsonl.zst"
	start_shell 110 32
	for f in r.jsonl.gz r.jsonl.xz r.jsonl.zst; do
		tm send-keys "clear; $VBTOOL top --replay $BATS_TEST_TMPDIR/$f; echo rc=\$?" Enter
		wait_screen 'replay 1/6'
		tm send-keys ' ' e e e
		wait_screen 'replay 6/6 1x end'
		screen | grep -q 'OOM kill: stress-ng (pid 4242)'
		tm send-keys q
		wait_screen '^rc=0'
	done
}

@test "replay: a bad line: the frames before it play, then FILE:LINE and exit 1" {
	replay "$REC/bad-line.jsonl"
	wait_screen 'replay 1/2'
	tm send-keys ' ' e
	wait_screen 'replay 2/2 1x end: the rest is unreadable'
	tm send-keys q
	wait_screen '^rc=1'
	screen_joined | grep -qF "vbtool: top --replay: $REC/bad-line.jsonl:3: not JSON"
	screen_joined | grep -qF '(the 2 frames before it were shown)'
}

@test "replay: a truncated last line: the three whole frames, then FILE:4" {
	replay "$REC/truncated.jsonl"
	wait_screen 'replay 1/3'
	tm send-keys ' ' . .
	wait_screen 'replay 3/3 1x end: the rest is unreadable'
	screen | grep -qE 'size 1\.0 GiB'
	tm send-keys q
	wait_screen '^rc=1'
	screen_joined | grep -qF "$REC/truncated.jsonl:4: the line ends inside a JSON value (a truncated recording?)"
}

@test "replay: not one frame, a missing file, and the options it does not go with" {
	printf 'hello\n' >"$BATS_TEST_TMPDIR/junk"
	run -1 "$VBTOOL" top --replay "$BATS_TEST_TMPDIR/junk"
	assert_output "vbtool: top --replay: $BATS_TEST_TMPDIR/junk:1: not JSON: unexpected character"
	printf '[1,2]\n' >"$BATS_TEST_TMPDIR/arr"
	run -1 "$VBTOOL" top --replay "$BATS_TEST_TMPDIR/arr"
	assert_output --partial "arr:1: not a JSON object"
	printf '{"frame":1,"vms":[]}\n' >"$BATS_TEST_TMPDIR/host"
	run -1 "$VBTOOL" top --replay "$BATS_TEST_TMPDIR/host"
	# a host frame replays too (tests/top-replay-host.bats), when it is whole
	assert_output --partial "host:1: a host frame without its arrays (vms, events)"
	run -1 "$VBTOOL" top --replay "$BATS_TEST_TMPDIR/none"
	assert_output --partial "vbtool: top --replay: $BATS_TEST_TMPDIR/none:"
	run -2 "$VBTOOL" top -b --replay "$REC/guest.jsonl"
	run -2 "$VBTOOL" top --qmp /nonexistent.sock --replay "$REC/guest.jsonl"
}
