#!/usr/bin/env bats
# A monitor that misbehaves (tests/qmp/fake_qmp.py): each case must end with a
# clear error within the timeout: never a hang, never a crash. `timeout 20`
# turns a hang into exit 124, which fails the test; a crash is exit >= 128.

load helpers
load qmp/helpers

setup_file() {
	qmp_setup_dir
	for mode in silent garbage not-qmp garbage-reply greet-and-close hangup huge flood errors; do
		start_fake "$mode" "$mode"
	done
	start_fake slow-reply slow delay=30
}

teardown_file() {
	qmp_teardown_dir
}

# status against one fake; the exit status must be 1 and the message given.
status_fails_with() {
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/$1.sock" --timeout 1
	assert_failure 1
	assert_output --partial "vbtool: $QDIR/$1.sock: $2"
}

@test "misbehaving: never greets" {
	status_fails_with silent "no answer within 1 s (waiting for the QMP greeting)"
}

@test "misbehaving: garbage instead of a greeting" {
	status_fails_with garbage "not a QMP socket: bad JSON from the monitor (waiting for the QMP greeting)"
	assert_output --partial "hint: is this a QMP socket"
}

@test "misbehaving: a JSON greeting that is not QMP's" {
	status_fails_with not-qmp "not a QMP socket: the monitor's first message is not a QMP greeting"
}

@test "misbehaving: a broken reply" {
	status_fails_with garbage-reply "bad JSON from the monitor (waiting for the reply to qmp_capabilities)"
}

@test "misbehaving: hangs up in the middle of a reply" {
	status_fails_with hangup "the monitor closed the connection in the middle of a message"
}

@test "misbehaving: hangs up right after the greeting (no SIGPIPE)" {
	for _ in 1 2 3 4 5; do
		run timeout 20 "$VBTOOL" status --qmp "$QDIR/greet-and-close.sock" --timeout 1
		# 141 would be death by SIGPIPE.
		assert_failure 1
		# EPIPE on the write or ECONNRESET on the read, depending on timing.
		assert_output --partial "the monitor closed the connection"
	done
}

@test "misbehaving: a reply larger than any sane bound" {
	status_fails_with huge "QMP message larger than 1048576 bytes"
}

@test "misbehaving: floods events and never replies" {
	status_fails_with flood "no answer within 1 s (waiting for the reply to query-name;"
	assert_output --regexp "[0-9]+ events arrived meanwhile"
}

@test "misbehaving: every command fails, qmp_capabilities included; no escape reaches the terminal" {
	# The fake's message holds ESC [31m: it must come out as '?'.
	status_fails_with errors "qmp_capabilities: everything fails ?[31mhere (GenericError)"
	[[ "$output" != *$'\e'* ]] || false
}

@test "misbehaving: replies slower than --timeout" {
	status_fails_with slow "no answer within 1 s (waiting for the reply to query-name)"
}

@test "misbehaving: --json still writes a document, with the error per VM" {
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/huge.sock" --qmp "$QDIR/errors.sock" --timeout 1 --json
	assert_failure 1
	json=$(sed -n '/^{/,/^}/p' <<<"$output")
	[ "$(jq '.vms | length' <<<"$json")" = 2 ]
	jq -e '.vms[0].error | test("larger than")' <<<"$json"
	jq -e '.vms[1].error | test("GenericError")' <<<"$json"
	[ "$(jq '.vms[0].ram_bytes' <<<"$json")" = null ]
}

@test "misbehaving: all at once, in parallel: each reports its own error" {
	run timeout 20 "$VBTOOL" status --timeout 1 --json \
		--qmp "$QDIR/silent.sock" --qmp "$QDIR/garbage.sock" --qmp "$QDIR/hangup.sock" \
		--qmp "$QDIR/huge.sock" --qmp "$QDIR/flood.sock" --qmp "$QDIR/errors.sock"
	assert_failure 1
	json=$(sed -n '/^{/,/^}/p' <<<"$output")
	[ "$(jq '[.vms[] | select(.error != null)] | length' <<<"$json")" = 6 ]
}

@test "misbehaving: target against them fails cleanly too" {
	for m in silent garbage hangup huge flood errors; do
		run timeout 20 "$VBTOOL" target --qmp "$QDIR/$m.sock" 64M --timeout 1
		assert_failure 1
		assert_output --partial "vbtool: target: $QDIR/$m.sock:"
	done
}

@test "not a monitor: a missing socket, a plain file, a refused TCP port" {
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/nothing.sock"
	assert_failure 1
	assert_output --partial "connect: No such file or directory"
	assert_output --partial "hint: start QEMU with -qmp"
	touch "$QDIR/plain"
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/plain"
	assert_failure 1
	assert_output --partial "connect:"
	# Port 1 on localhost: nobody listens there.
	run timeout 20 "$VBTOOL" status --qmp 127.0.0.1:1 --timeout 1
	assert_failure 1
	assert_output --partial "127.0.0.1:1: connect:"
}
