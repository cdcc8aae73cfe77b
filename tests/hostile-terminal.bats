#!/usr/bin/env bats
# Issue 16 "nothing reaches the terminal raw": text read from a customer's
# tree, log, socket directory or QEMU passes one sanitizer before it is
# printed. Every test runs vbtool on crafted input that holds ESC sequences,
# BEL, CR, a raw C1 byte (0x9b, a one-byte ESC [) and the UTF-8 forms of C1
# controls (U+009B, U+0085), and checks the bytes of stdout AND stderr.
load helpers
load qmp/helpers

# The hostile string: ESC[2J (clear screen), BEL, CR, raw 0x9b, U+009B, U+0085.
EVIL=$'\e[2J\a\r\x9b\xc2\x9b\xc2\x85'

# Fails (and shows where) when a file holds invalid UTF-8, a C0 control other
# than newline and tab, DEL or a C1 control.
assert_clean() {
	python3 - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
try:
    s = b.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("%s: invalid UTF-8 at %d: %r" % (sys.argv[1], e.start, b[max(0, e.start - 30):e.start + 30]))
m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", s)
if m:
    sys.exit("%s: control U+%04X in %r" % (sys.argv[1], ord(m.group()), s[max(0, m.start() - 30):m.start() + 30]))
PY
}

# run_vb ARGS...: runs vbtool with stdout in $OUT and stderr in $ERR; both
# must be clean. Sets $status.
run_vb() {
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
	status=0
	timeout 20 "$VBTOOL" "$@" >"$OUT" 2>"$ERR" || status=$?
	cat "$OUT" "$ERR"
	assert_clean "$OUT"
	assert_clean "$ERR"
}

hostile_tree() {
	TREE=$BATS_TEST_TMPDIR/tree
	cp -a "$EXAMPLES/this-machine" "$TREE"
	printf 'cust%s-host\n' "$EVIL" >"$TREE/proc/sys/kernel/hostname"
	printf '6.8.0%s-generic\n' "$EVIL" >"$TREE/proc/sys/kernel/osrelease"
}

setup_file() {
	check_qemu_for_file
}

teardown() {
	qmp_teardown_dir
}

@test "hostile-terminal: status prints a hostile hostname and kernel without controls" {
	hostile_tree
	run_vb status --sysroot "$TREE"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	grep -q 'hostname cust?\[2J' "$OUT"
	grep -q 'kernel 6.8.0?\[2J' "$OUT"
}

@test "hostile-terminal: status --json keeps the hostname but escapes every control" {
	hostile_tree
	run_vb status --json --sysroot "$TREE"
	# still valid JSON, and the hostname still names the customer's host
	run jq -r .system.hostname "$OUT"
	assert_success
	assert_output --partial 'cust'
	assert_output --partial '-host'
}

@test "hostile-terminal: a device directory named with an escape" {
	TREE=$BATS_TEST_TMPDIR/tree
	cp -a "$EXAMPLES/this-machine" "$TREE"
	local devs=$TREE/sys/bus/virtio/devices
	mv "$devs/virtio0" "$devs/virtio$EVIL"
	run_vb status --sysroot "$TREE"
	grep -q '^Balloon device virtio?\[2J' "$OUT"
}

@test "hostile-terminal: a --sysroot path holding an escape" {
	local dir=$BATS_TEST_TMPDIR/cust$EVIL
	cp -a "$EXAMPLES/this-machine" "$dir"
	run_vb status --sysroot "$dir"
	grep -q 'captured tree .*cust?\[2J' "$OUT"
	# JSON keeps the path (as valid UTF-8: the raw 0x9b is '?'), escaped
	run_vb status --json --sysroot "$dir"
	assert_equal "$(jq -r .sysroot "$OUT")" "${dir/$'\x9b'/?}"
	grep -qF '\u009b\u0085' "$OUT"
	run_vb status --sysroot "$dir/missing$EVIL"
	[ "$status" -ne 0 ]
	grep -q 'missing?\[2J' "$ERR"
}

@test "hostile-terminal: top -b on a hostile tree" {
	hostile_tree
	run_vb top -b -n 1 --sysroot "$TREE"
	assert_equal "$status" 0
	grep -q 'cust' "$OUT"
	run_vb top -b --json -n 1 --sysroot "$TREE"
	assert_equal "$status" 0
	jq -e .system.hostname "$OUT" >/dev/null || jq -e . "$OUT" >/dev/null
}

@test "hostile-terminal: explain-oom file names and comm names" {
	local d=$BATS_TEST_TMPDIR
	# victim and invoker comm hold C1 controls in their UTF-8 form
	local comm=sol$'\xc2\x9b'ver$'\xc2\x85'
	sed "s/(solver)/($comm)/; s/] solver invoked/] $comm invoked/" \
		"$DATA/oom/synthetic/cpuset-constraint.log" >"$d/log$EVIL.log"
	grep -q $'sol\xc2\x9bver' "$d/log$EVIL.log"
	# the comm names alone (a plain file name)
	cp "$d/log$EVIL.log" "$d/comm.log"
	run_vb explain-oom "$d/comm.log"
	assert_equal "$status" 0
	grep -q 'victim:   sol?ver? (pid 7777)' "$OUT"
	cp "$DATA/oom/synthetic/cpuset-constraint.log" "$d/plain.log"
	run_vb explain-oom "$d/log$EVIL.log" "$d/plain.log"
	assert_equal "$status" 0
	grep -q 'sol?ver?' "$OUT"
	grep -q 'in .*log?\[2J' "$OUT"
	run_vb explain-oom --json "$d/log$EVIL.log"
	assert_equal "$status" 0
	jq -e . "$OUT" >/dev/null
	run_vb explain-oom "$d/absent$EVIL.log"
	[ "$status" -ne 0 ]
	grep -q 'absent?\[2J' "$ERR"
}

@test "hostile-terminal: status --qmp with a hostile run state and VM name" {
	qmp_setup_dir
	start_fake guest evil 'state=paused\x1b[2J\x07\r\x9b\x85' 'name=vm\x1b]0;pwned\x07\x9b' running=0
	run_vb status --qmp "$QDIR/evil.sock"
	grep -q 'paused?\[2J' "$OUT"
	grep -q '^VM vm?\]0;pwned' "$OUT"
	run_vb status --json --qmp "$QDIR/evil.sock"
	run jq -r '.vms[0].run_state // .[0].run_state // empty' "$OUT"
	assert_success
}

@test "hostile-terminal: target --wait with a hostile run state" {
	qmp_setup_dir
	start_fake guest evil 'state=paused\x1b[2J\x07\r\x9b\x85' running=0 period=0.05
	run_vb target --qmp "$QDIR/evil.sock" 512M --wait 1
	grep -q 'not running (paused?\[2J' "$OUT"
}

@test "hostile-terminal: --qmp DIR with a socket name holding an escape" {
	qmp_setup_dir
	start_fake guest s$'\e'[31m
	run_vb status --qmp "$QDIR"
	grep -q 's?\[31m.sock' "$OUT"
	# a socket that does not answer: its name reaches an error message
	start_fake silent t$'\e'[32m
	run_vb status --qmp "$QDIR/t"$'\e'"[32m.sock"
	grep -q 't?\[32m.sock' "$OUT" "$ERR"
}

@test "hostile-terminal: usage errors name hostile words without controls" {
	run_vb status --bogus$'\e[2J'
	assert_equal "$status" 2
	grep -q 'bogus?\[2J' "$ERR"
}

@test "hostile-terminal: collect names a hostile output path without controls" {
	TREE=$BATS_TEST_TMPDIR/tree
	cp -a "$EXAMPLES/this-machine" "$TREE"
	run_vb collect --sysroot "$TREE" -o "$BATS_TEST_TMPDIR/case$EVIL.tar.gz"
	assert_equal "$status" 0
	grep -q 'wrote .*case?\[2J' "$ERR"
	run_vb collect --sysroot "$TREE" -o "$BATS_TEST_TMPDIR/no-such$EVIL/x.tar.gz"
	[ "$status" -ne 0 ]
	grep -q 'no-such?\[2J' "$ERR"
}

@test "hostile-terminal: the cleaning stream holds no copy of a long view (peak RSS)" {
	# 5000 OOM invocations: the longest text explain-oom prints (~900 KB)
	run_vb explain-oom "$DATA/bad/oom/5000-invocations.log.gz"
	assert_equal "$status" 0
	local kb
	kb=$( { /usr/bin/time -f %M timeout 20 "$VBTOOL" explain-oom "$DATA/bad/oom/5000-invocations.log.gz" >/dev/null; } 2>&1 | tail -n 1)
	echo "peak RSS $kb KiB"
	[ "$kb" -lt 65536 ]
}
