#!/usr/bin/env bats
# status --qmp and target against real, paused QEMU processes (-S: no guest).
# Expected values come from the QEMU command lines below and from QEMU's own
# answers (qmp_raw), never from vbtool.

load helpers
load qmp/helpers

setup_file() {
	check_qemu_for_file || return 1
	have_qemu || return 0
	qmp_setup_dir
	mkdir "$QDIR/many"
	# A balloon with an id, deflate-on-oom offered.
	start_qemu a -name vm-a -m 256 -device virtio-balloon-pci,id=balloon0,deflate-on-oom=on
	# A balloon without an id: it lands under /machine/peripheral-anon.
	start_qemu b -m 512 -device virtio-balloon-pci
	# No balloon at all.
	start_qemu c -name vm-c -m 128
}

teardown_file() {
	qmp_teardown_dir
}

setup() {
	require_qemu
}

@test "qmp: a device with an id: name, RAM, actual, balloon, device path" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jq '.vms | length' <<<"$output")" = 1 ]
	[ "$(jqr .socket <<<"$vm")" = "$QDIR/a.sock" ]
	[ "$(jqr .name <<<"$vm")" = vm-a ]
	[ "$(jqr .ram_bytes <<<"$vm")" = $((256 * 1024 * 1024)) ]
	# No guest ran, so nothing was ballooned: actual is all of RAM.
	[ "$(jqr .actual_bytes <<<"$vm")" = $((256 * 1024 * 1024)) ]
	[ "$(jqr .balloon_bytes <<<"$vm")" = 0 ]
	[ "$(jqr .device.path <<<"$vm")" = /machine/peripheral/balloon0 ]
	[ "$(jqr .device.found_by <<<"$vm")" = peripheral ]
	[ "$(jqr .device.type <<<"$vm")" = virtio-balloon-pci ]
	[ "$(jqr .run_state <<<"$vm")" = prelaunch ]
	[ "$(jqr .running <<<"$vm")" = false ]
	[ "$(jqr .error <<<"$vm")" = null ]
}

@test "qmp: the numbers agree with QEMU's own answers" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --json
	assert_success
	want_actual=$(qmp_raw "$QDIR/a.sock" '{"execute":"query-balloon"}' | jq .return.actual)
	want_ram=$(qmp_raw "$QDIR/a.sock" '{"execute":"query-memory-size-summary"}' | jq '.return["base-memory"]')
	[ -n "$want_actual" ]
	[ -n "$want_ram" ]
	[ "$(jq '.vms[0].actual_bytes' <<<"$output")" = "$want_actual" ]
	[ "$(jq '.vms[0].ram_bytes' <<<"$output")" = "$want_ram" ]
}

@test "qmp: features: STATS_VQ always offered, deflate-on-oom=on offered, nothing negotiated without a guest" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --json
	assert_success
	jq -e '.vms[0].features.host_offered | index("STATS_VQ")' <<<"$output"
	jq -e '.vms[0].features.host_offered | index("DEFLATE_ON_OOM")' <<<"$output"
	[ "$(jq '.vms[0].features.guest_negotiated | length' <<<"$output")" = 0 ]
	run "$VBTOOL" status --qmp "$QDIR/b.sock" --json
	assert_success
	# b was started without deflate-on-oom (off by default).
	jq -e '.vms[0].features.host_offered | index("DEFLATE_ON_OOM") == null' <<<"$output"
}

@test "qmp: paused, polling off: stats null, the findings say why" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --json
	assert_success
	[ "$(jq '.vms[0].stats' <<<"$output")" = null ]
	[ "$(jq '.vms[0].stats_age_s' <<<"$output")" = null ]
	[ "$(jq '.vms[0].polling_interval_s' <<<"$output")" = 0 ]
	codes=$(jq -r '.vms[0].findings[].code' <<<"$output")
	grep -qx vm-paused <<<"$codes"
	grep -qx stats-polling-off <<<"$codes"
	jq -e '.vms[0].findings | all(has("severity") and has("code") and has("message"))' <<<"$output"
}

@test "qmp: a device without an id is found under /machine/peripheral-anon" {
	run "$VBTOOL" status --qmp "$QDIR/b.sock" --json
	assert_success
	[ "$(jq '.vms[0].name' <<<"$output")" = null ]
	[ "$(jq '.vms[0].ram_bytes' <<<"$output")" = $((512 * 1024 * 1024)) ]
	# QEMU's own list of that directory names the device.
	want=$(qmp_raw "$QDIR/b.sock" '{"execute":"qom-list","arguments":{"path":"/machine/peripheral-anon"}}' |
		jq -r '.return[] | select(.type == "child<virtio-balloon-pci>") | .name')
	[ -n "$want" ]
	[ "$(jqr '.vms[0].device.path' <<<"$output")" = "/machine/peripheral-anon/$want" ]
	[ "$(jqr '.vms[0].device.found_by' <<<"$output")" = peripheral-anon ]
}

@test "qmp: no balloon device: a clear message, exit 3, nulls" {
	run "$VBTOOL" status --qmp "$QDIR/c.sock" --json
	assert_failure 3
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .name <<<"$vm")" = vm-c ]
	[ "$(jqr .ram_bytes <<<"$vm")" = $((128 * 1024 * 1024)) ]
	[ "$(jqr .balloon_device <<<"$vm")" = false ]
	[ "$(jqr .actual_bytes <<<"$vm")" = null ]
	[ "$(jqr .balloon_bytes <<<"$vm")" = null ]
	[ "$(jqr .device <<<"$vm")" = null ]
	[ "$(jqr .stats <<<"$vm")" = null ]
	jq -e '.findings | map(.code) | index("no-balloon-device")' <<<"$vm"
	run "$VBTOOL" status --qmp "$QDIR/c.sock"
	assert_failure 3
	assert_output --partial "no balloon device"
}

@test "qmp: text output names the VM, its sizes and the findings" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock"
	assert_success
	assert_output --partial "VM vm-a ($QDIR/a.sock)"
	assert_output --partial "256 MiB"
	assert_output --partial "/machine/peripheral/balloon0"
	assert_output --partial "[stats-polling-off]"
}

@test "qmp: several VMs in one call, in the order given" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --qmp "$QDIR/b.sock" --qmp "$QDIR/c.sock" --json
	# c has no balloon, but a and b do: success.
	assert_success
	[ "$(jq '.vms | length' <<<"$output")" = 3 ]
	[ "$(jq -r '[.vms[].socket] | join(" ")' <<<"$output")" = "$QDIR/a.sock $QDIR/b.sock $QDIR/c.sock" ]
	[ "$(jq -r '[.vms[].ram_bytes] | join(" ")' <<<"$output")" = "268435456 536870912 134217728" ]
}

@test "qmp: a directory of sockets and a glob" {
	ln -s "$QDIR/a.sock" "$QDIR/many/1.sock"
	ln -s "$QDIR/b.sock" "$QDIR/many/2.sock"
	touch "$QDIR/many/not-a-socket"
	run "$VBTOOL" status --qmp "$QDIR/many" --json
	assert_success
	[ "$(jq -r '[.vms[].socket] | join(" ")' <<<"$output")" = "$QDIR/many/1.sock $QDIR/many/2.sock" ]
	run "$VBTOOL" status --qmp "$QDIR/[ab].sock" --json
	assert_success
	[ "$(jq -r '[.vms[].name] | join(",")' <<<"$output")" = "vm-a," ]
	run "$VBTOOL" status --qmp "$QDIR/zz*.sock"
	assert_failure 1
	assert_output --partial "no socket matches"
	rm -f "$QDIR/many/"*
}

@test "qmp: one VM down, the others still reported; exit 1" {
	run "$VBTOOL" status --qmp "$QDIR/a.sock" --qmp "$QDIR/missing.sock" --json
	assert_failure 1
	json=$(sed -n '/^{/,/^}/p' <<<"$output")
	[ "$(jqr '.vms[0].name' <<<"$json")" = vm-a ]
	[ "$(jqr '.vms[1].error' <<<"$json")" != null ]
	assert_output --partial "$QDIR/missing.sock: connect: No such file or directory"
}

@test "qmp: a TCP monitor, host:port" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$QEMU_SYSTEM" -S -display none -nodefaults -accel tcg -no-user-config -name vm-tcp -m 64 \
		-device virtio-balloon-pci,id=balloon0 \
		-qmp "tcp:127.0.0.1:$port,server=on,wait=off" >"$QDIR/tcp.log" 2>&1 </dev/null 3>&- &
	echo $! >>"$QDIR/pids"
	for _ in $(seq 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null && break
		sleep 0.1
	done
	run "$VBTOOL" status --qmp "127.0.0.1:$port" --json
	assert_success
	[ "$(jqr '.vms[0].transport' <<<"$output")" = tcp ]
	[ "$(jqr '.vms[0].name' <<<"$output")" = vm-tcp ]
	[ "$(jqr '.vms[0].ram_bytes' <<<"$output")" = $((64 * 1024 * 1024)) ]
}

@test "qmp: --stats-interval sets QEMU's polling interval before reading" {
	start_qemu poll -m 256 -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" status --qmp "$QDIR/poll.sock" --stats-interval 7 --json
	assert_success
	[ "$(jq '.vms[0].polling_interval_s' <<<"$output")" = 7 ]
	# QEMU itself now says 7.
	got=$(qmp_raw "$QDIR/poll.sock" '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"}}' | jq .return)
	[ "$got" = 7 ]
	codes=$(jq -r '.vms[0].findings[].code' <<<"$output")
	! grep -qx stats-polling-off <<<"$codes" || false
	grep -qx stats-never-reported <<<"$codes"
}

@test "qmp: a busy monitor (another client connected) times out with a hint, no hang" {
	start_qemu busy -m 128 -device virtio-balloon-pci
	# Hold the one QMP connection QEMU serves; "held" appears once QEMU has
	# greeted the holder, so vbtool is surely the second client.
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.recv(4096)
open(sys.argv[2], "w").close()
time.sleep(60)' "$QDIR/busy.sock" "$QDIR/held" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	echo "$holder" >>"$QDIR/pids"
	for _ in $(seq 100); do
		[ -e "$QDIR/held" ] && break
		sleep 0.1
	done
	[ -e "$QDIR/held" ]
	run timeout 20 "$VBTOOL" status --qmp "$QDIR/busy.sock" --timeout 1
	kill "$holder" 2>/dev/null || true
	assert_failure 1
	assert_output --partial "no answer within 1 s (waiting for the QMP greeting)"
	assert_output --partial "one client at a time"
}

@test "target: request a size on a paused VM, with units" {
	start_qemu tgt -m 256 -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" target --qmp "$QDIR/tgt.sock" 192M
	assert_success
	assert_output --partial "requested logical size 192 MiB"
	run "$VBTOOL" target --qmp "$QDIR/tgt.sock" 201326592B --json
	assert_success
	[ "$(jq .requested_bytes <<<"$output")" = 201326592 ]
	[ "$(jq .ram_bytes <<<"$output")" = 268435456 ]
	[ "$(jq .reached <<<"$output")" = null ]
}

@test "target --wait: a paused guest cannot follow; say how far it got, exit 4" {
	start_qemu tgtw -m 256 -device virtio-balloon-pci,id=balloon0
	run timeout 20 "$VBTOOL" target --qmp "$QDIR/tgtw.sock" 128M --wait 1
	assert_failure 4
	assert_output --partial "not running (prelaunch)"
	assert_output --partial "did not reach 128 MiB in time: actual 256 MiB"
	run timeout 20 "$VBTOOL" target --qmp "$QDIR/tgtw.sock" 128M --wait 0.5 --json
	assert_failure 4
	[ "$(jq .reached <<<"$output")" = false ]
	[ "$(jq .actual_bytes <<<"$output")" = 268435456 ]
}

@test "target: no balloon device: exit 3 with a hint" {
	run "$VBTOOL" target --qmp "$QDIR/c.sock" 64M
	assert_failure 3
	assert_output --partial "no balloon device"
	assert_output --partial "hint:"
}

@test "target: usage errors and --help" {
	run "$VBTOOL" target --help
	assert_success
	assert_output --partial "Usage: vbtool target"
	run "$VBTOOL" target --qmp "$QDIR/a.sock"
	assert_failure 2
	run "$VBTOOL" target 64M
	assert_failure 2
	run "$VBTOOL" target --qmp "$QDIR/a.sock" 1.5G
	assert_failure 2
	run "$VBTOOL" target --qmp "$QDIR/a.sock" 0
	assert_failure 2
	run "$VBTOOL" target --qmp "$QDIR/a.sock" 64M --bogus
	assert_failure 2
	run "$VBTOOL" target --qmp "$QDIR/a.sock" 64M --wait soon
	assert_failure 2
}
