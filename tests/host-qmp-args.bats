#!/usr/bin/env bats
# Issue 14, small things: --qmp takes several words (an unquoted glob), VMs
# come in natural order (q2 before q10), and a socket that talks text (a
# serial console's login banner) is "not a QMP socket" at once.
load helpers
load qmp/helpers
bats_require_minimum_version 1.5.0

setup_file() {
	qmp_setup_dir
	for n in q10 q2 q1; do
		start_fake guest "$n" name="vm-$n"
	done
	mkdir "$QDIR/con"
	# A serial console: a login banner, then nothing (what getty prints).
	printf '\r\nDebian GNU/Linux 12 vm ttyS0\r\n\r\nvm login: ' >"$QDIR/banner"
	socat "UNIX-LISTEN:$QDIR/con/ttyS0.sock,fork" SYSTEM:"cat $QDIR/banner; sleep 60" \
		</dev/null >/dev/null 2>&1 3>&- &
	echo $! >>"$QDIR/pids"
	wait_socket "$QDIR/con/ttyS0.sock"
}

teardown_file() {
	qmp_teardown_dir
}

@test "--qmp SOCKET...: several words, as an unquoted glob gives them, in natural order" {
	# The shell sorts q1 q10 q2; vbtool lists q1 q2 q10.
	run --separate-stderr "$VBTOOL" status --json --qmp "$QDIR"/q*.sock
	assert_success
	assert_equal "$(jq -c '[.vms[].name]' <<<"$output")" '["vm-q1","vm-q2","vm-q10"]'
	# A quoted glob (vbtool expands it) and a directory: the same order.
	run --separate-stderr "$VBTOOL" status --qmp "$QDIR/q*.sock" --json
	assert_equal "$(jq -c '[.vms[].name]' <<<"$output")" '["vm-q1","vm-q2","vm-q10"]'
	run --separate-stderr "$VBTOOL" status --json --qmp "$QDIR/q10.sock" "$QDIR/q2.sock"
	assert_equal "$(jq -c '[.vms[].name]' <<<"$output")" '["vm-q2","vm-q10"]'
	# Words without --qmp are still refused.
	run --separate-stderr "$VBTOOL" status "$QDIR/q1.sock"
	assert_failure 2
}

@test "a serial console socket: 'not a QMP socket' at once, not after a timeout" {
	start=$(date +%s%N)
	run --separate-stderr "$VBTOOL" status --qmp "$QDIR/con/ttyS0.sock" --timeout 5
	took_ms=$((($(date +%s%N) - start) / 1000000))
	assert_failure 1
	[[ "$stderr" == "vbtool: $QDIR/con/ttyS0.sock: not a QMP socket: "* ]]
	# The banner arrives at once: no need to wait for the 1 s greeting limit.
	[ "$took_ms" -lt 900 ]
}
