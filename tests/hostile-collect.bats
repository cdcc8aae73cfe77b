#!/usr/bin/env bats
# Issue 16, "Files vbtool writes" and "External programs": collect -o writes a
# new 0600 temporary file next to PATH and renames it on success only (never
# through a symlink, never into an existing file, nothing left on failure or
# on a signal); tar never takes a name as an option (--virsh is --libvirt now,
# which passes names to libvirt's API: tests/host-libvirt.bats).
load helpers
load qmp/helpers
bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p work tmp
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
}

teardown() {
	# A fake tar that outlived the test (it only sleeps): stop it by its pid.
	if [ -f "$BATS_TEST_TMPDIR/tar.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/tar.pid")" 2>/dev/null || true
	fi
	if [ -n "${QDIR:-}" ]; then
		qmp_teardown_dir
	fi
}

# fake_tar BODY: a `tar` first in PATH that runs the shell BODY.
fake_tar() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n%s\n' "$1" >"$BATS_TEST_TMPDIR/bin/tar"
	chmod +x "$BATS_TEST_TMPDIR/bin/tar"
}

@test "collect -o through a symlink: refused, the link's target is untouched" {
	cd work
	echo secret >victim
	ln -s victim out.tar.gz
	ln -s not-there dangling.tar.gz
	run --separate-stderr "$VBTOOL" collect -o out.tar.gz
	assert_failure 1
	[[ "$stderr" == "vbtool: collect: out.tar.gz: "*"symbolic link"* ]]
	[ "$(cat victim)" = secret ]
	[ -L out.tar.gz ]
	run --separate-stderr "$VBTOOL" collect -o dangling.tar.gz
	assert_failure 1
	[ ! -e not-there ]
	[ -L dangling.tar.gz ]
	# nothing else appeared (no temporary file)
	[ "$(ls -A | sort | tr '\n' ' ')" = "dangling.tar.gz out.tar.gz victim " ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "collect -o: the tarball is 0600 and replaces a pre-created 0666 file instead of writing into it" {
	cd work
	umask 022
	run /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$VBTOOL" collect -o new.tar.gz
	assert_success
	[ "$(stat -c %a new.tar.gz)" = 600 ]
	# peak RSS in KiB: the tarball streams through tar, it is never held
	[ "$(tail -1 "$BATS_TEST_TMPDIR/rss")" -lt 131072 ]
	# Another user's pre-created, world-readable file (and a second name for
	# it, as their open descriptor would be): they must not see the content.
	: >pre.tar.gz
	chmod 0666 pre.tar.gz
	ln pre.tar.gz attacker-view
	run "$VBTOOL" collect -o pre.tar.gz
	assert_success
	[ "$(stat -c %a pre.tar.gz)" = 600 ]
	[ ! -s attacker-view ]
	[ "$(stat -c %a attacker-view)" = 666 ]
	tar -tzf - <pre.tar.gz | grep -q '/vbtool/MANIFEST$'
	[ "$(ls -A | sort | tr '\n' ' ')" = "attacker-view new.tar.gz pre.tar.gz " ]
}

@test "collect -o: a failing tar leaves no file, no temporary file, and an existing file as it was" {
	fake_tar 'cat >/dev/null; echo "tar: it broke" >&2; exit 2'
	cd work
	echo old >kept.tar.gz
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run --separate-stderr "$VBTOOL" collect -o new.tar.gz
	assert_failure 1
	[[ "$stderr" == *"vbtool: collect: tar failed writing new.tar.gz"* ]]
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$VBTOOL" collect -o kept.tar.gz
	assert_failure 1
	[ "$(cat kept.tar.gz)" = old ]
	[ "$(ls -A)" = kept.tar.gz ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "collect -o NAME:WITH:COLONS is a local file, not a remote tar archive" {
	cd work
	run --separate-stderr timeout 60 "$VBTOOL" collect -o 'case-1234:notes.tar.gz' --json
	assert_success
	dir=$(jq -r .folder <<<"$output")
	[ "$(jq -r .output <<<"$output")" = 'case-1234:notes.tar.gz' ]
	tar -tzf - <'case-1234:notes.tar.gz' | grep -qx "$dir/vbtool/MANIFEST"
	[ "$(ls -A)" = 'case-1234:notes.tar.gz' ]
}

@test "collect -o -: still the tarball on stdout; a directory or a FIFO as -o is refused" {
	cd work
	"$VBTOOL" collect -o - >out.tgz 2>/dev/null
	tar -tzf - <out.tgz | grep -q '/proc/meminfo$'
	mkdir d
	run --separate-stderr "$VBTOOL" collect -o d
	assert_failure 1
	[ "$stderr" = "vbtool: collect: d: Is a directory" ]
	mkfifo f
	run --separate-stderr timeout 20 "$VBTOOL" collect -o f
	assert_failure 1
	[[ "$stderr" == "vbtool: collect: f: not a regular file"* ]]
	[ "$(ls -A | sort | tr '\n' ' ')" = "d f out.tgz " ]
}

@test "collect: a relative TMPDIR named like an option is a directory, not a tar option" {
	cd work
	mkdir -- -x
	TMPDIR=-x run "$VBTOOL" collect -o out.tar.gz
	assert_success
	tar -tzf - <out.tar.gz | grep -q '/vbtool/MANIFEST$'
	[ -z "$(ls -A -- -x)" ]
}

# collect_until_tar SIGNAL: starts collect with a tar that never ends, sends
# SIGNAL once tar runs, and leaves vbtool's exit status in $status.
collect_until_tar() {
	fake_tar "echo \$\$ >'$BATS_TEST_TMPDIR/tar.pid'; exec sleep 60"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$VBTOOL" collect -o out.tar.gz 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$!
	for _ in $(seq 200); do
		[ -s "$BATS_TEST_TMPDIR/tar.pid" ] && break
		sleep 0.1
	done
	[ -s "$BATS_TEST_TMPDIR/tar.pid" ]
	# the staging tree exists while tar runs
	[ -n "$(ls -A "$TMPDIR")" ]
	kill -"$1" "$pid"
	status=0
	timeout 20 tail --pid="$pid" -f /dev/null
	wait "$pid" || status=$?
}

@test "collect ended by SIGTERM or SIGHUP: staging tree and temporary file removed, tar stopped, signal status" {
	cd work
	collect_until_tar TERM
	[ "$status" -eq $((128 + 15)) ]
	grep -q "^vbtool: collect: stopped by a signal (Terminated); the partial capture was removed$" "$BATS_TEST_TMPDIR/err"
	[ -z "$(ls -A "$TMPDIR")" ]
	[ -z "$(ls -A)" ]
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/tar.pid")" 2>/dev/null || false
	rm -f "$BATS_TEST_TMPDIR/tar.pid"
	collect_until_tar HUP
	[ "$status" -eq $((128 + 1)) ]
	[ -z "$(ls -A "$TMPDIR")" ]
	[ -z "$(ls -A)" ]
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/tar.pid")" 2>/dev/null || false
}
