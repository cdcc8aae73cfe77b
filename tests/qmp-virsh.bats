#!/usr/bin/env bats
# --virsh DOMAIN: `virsh qemu-monitor-command` as the transport. libvirt is not
# needed: tests/qmp/bin/virsh stands in for it and forwards each command to a
# real QEMU's socket ($FAKE_VIRSH_SOCKETS/DOMAIN.sock), as libvirt would.

load helpers
load qmp/helpers

setup_file() {
	check_qemu_for_file || return 1
	have_qemu || return 0
	qmp_setup_dir
	mkdir "$QDIR/domains"
	start_qemu dom1 -name dom1 -m 256 -device virtio-balloon-pci,id=balloon0
	start_qemu dom2 -name dom2 -m 128
	ln -s "$QDIR/dom1.sock" "$QDIR/domains/dom1.sock"
	ln -s "$QDIR/dom2.sock" "$QDIR/domains/dom2.sock"
}

teardown_file() {
	qmp_teardown_dir
}

setup() {
	require_qemu
	export PATH="$QMP_HELPERS/bin:$PATH"
	export FAKE_VIRSH_SOCKETS="$QDIR/domains" FAKE_VIRSH_LOG="$QDIR/virsh.log"
	rm -f "$FAKE_VIRSH_LOG"
}

@test "virsh: status through virsh reads the same VM as --qmp" {
	run "$VBTOOL" status --virsh dom1 --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .domain <<<"$vm")" = dom1 ]
	[ "$(jqr .socket <<<"$vm")" = null ]
	[ "$(jqr .transport <<<"$vm")" = virsh ]
	[ "$(jqr .name <<<"$vm")" = dom1 ]
	[ "$(jqr .ram_bytes <<<"$vm")" = 268435456 ]
	[ "$(jqr .actual_bytes <<<"$vm")" = 268435456 ]
	[ "$(jqr .device.path <<<"$vm")" = /machine/peripheral/balloon0 ]
	[ "$(jqr .qemu_version <<<"$vm")" != null ]
	# The same answers as over the socket.
	run "$VBTOOL" status --qmp "$QDIR/dom1.sock" --json
	[ "$(jq -S -c '.vms[0] | del(.socket, .domain, .transport)' <<<"$output")" = \
	  "$(jq -S -c 'del(.socket, .domain, .transport)' <<<"$vm")" ]
}

@test "virsh: vbtool calls 'virsh qemu-monitor-command -- DOMAIN JSON', without its own id" {
	run "$VBTOOL" status --virsh dom1
	assert_success
	grep -q '^qemu-monitor-command -- dom1 {"execute":"query-balloon"}$' "$FAKE_VIRSH_LOG"
	! grep -q '"id"' "$FAKE_VIRSH_LOG" || false
}

@test "virsh: a domain without a balloon, and --qmp and --virsh together" {
	run "$VBTOOL" status --virsh dom2 --json
	assert_failure 3
	[ "$(jq '.vms[0].balloon_device' <<<"$output")" = false ]
	run "$VBTOOL" status --qmp "$QDIR/dom2.sock" --virsh dom1 --json
	assert_success
	[ "$(jq -r '[.vms[].name] | join(" ")' <<<"$output")" = "dom2 dom1" ]
}

@test "virsh: an unknown domain: virsh's own message" {
	run "$VBTOOL" status --virsh nosuch
	assert_failure 1
	assert_output --partial "vbtool: virsh nosuch: query-version over virsh: virsh failed (exit status 1): error: failed to get domain 'nosuch'"
}

@test "virsh: no virsh on PATH" {
	PATH=/nonexistent run "$VBTOOL" status --virsh dom1
	assert_failure 1
	assert_output --partial "cannot run virsh"
}

@test "virsh: target through virsh" {
	run "$VBTOOL" target --virsh dom1 200M
	assert_success
	grep -q '^qemu-monitor-command -- dom1 {"execute":"balloon","arguments":{"value":209715200}}$' "$FAKE_VIRSH_LOG"
	# Paused: no events over virsh, it polls, and says how far it got.
	run timeout 20 "$VBTOOL" target --virsh dom1 200M --wait 1
	assert_failure 4
	assert_output --partial "did not reach 200 MiB in time"
	run "$VBTOOL" target --virsh dom2 64M
	assert_failure 3
}
