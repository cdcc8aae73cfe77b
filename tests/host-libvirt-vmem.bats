#!/usr/bin/env bats
# virtio-mem through libvirt (issue #18): status --libvirt fills
# vms[].virtio_mem_devices from the live domain XML (the QMP path's names),
# target --libvirt DOMAIN --virtio-mem ALIAS goes through
# virDomainUpdateDeviceFlags, never QMP pass-through. A private libvirtd
# (tests/data/libvirt/libvirtd.bash) with one paused TCG domain from
# tests/data/libvirt/vmem.xml; no guest runs, so nothing is ever plugged
# (libvirt's <current> stays 0). Expected values come from vmem.xml or from
# libvirt's own view (virsh dumpxml), not from vbtool.

load helpers
bats_require_minimum_version 1.5.0

MiB=$((1024 * 1024))

built_with_libvirt() {
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h"
}

setup_file() {
	built_with_libvirt || return 0
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_start_file || return 1
	[ -z "$LV_SKIP" ] || return 0
	lv_create vm vmem.xml
	echo "$LVDIR" >"$BATS_FILE_TMPDIR/lvdir"
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/lvdir" ] || return 0
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_stop
}

setup() {
	built_with_libvirt || skip "this vbtool is built without libvirt"
	[ ! -f "$BATS_FILE_TMPDIR/skip" ] || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	D="${LV_PREFIX}vm"
}

# libvirt's own <requested> / <current> of virtiomem0, in KiB.
lv_value() { # requested|current
	lv_virsh dumpxml "$D" | sed -n "/<memory model='virtio-mem'>/,/<\/memory>/s|.*<$1 unit='KiB'>\([0-9]*\)</$1>.*|\1|p"
}

@test "libvirt vmem: status --json: virtio_mem_devices from the domain XML, the QMP path's names" {
	run --separate-stderr "$VBTOOL" status --libvirt "$D" --json
	dev=$(jq -c '.vms[0].virtio_mem_devices' <<<"$output")
	[ "$(jq length <<<"$dev")" = 1 ]
	# the same members as the QMP path (host-virtio-mem.bats), in its order
	[ "$(jq -c '.[0] | keys_unsorted' <<<"$dev")" = '["id","size_bytes","requested_size_bytes","max_size_bytes","block_size_bytes","node","memdev"]' ]
	[ "$(jq -r '.[0].id' <<<"$dev")" = virtiomem0 ]
	# vmem.xml: size 1048576 KiB, block 2048 KiB, requested 524288 KiB, node 0
	[ "$(jq '.[0].max_size_bytes' <<<"$dev")" = $((1024 * MiB)) ]
	[ "$(jq '.[0].block_size_bytes' <<<"$dev")" = $((2 * MiB)) ]
	[ "$(jq '.[0].requested_size_bytes' <<<"$dev")" = $((512 * MiB)) ]
	[ "$(jq '.[0].node' <<<"$dev")" = 0 ]
	# <current> as libvirt says it (no guest: 0)
	[ "$(jq '.[0].size_bytes' <<<"$dev")" = $(($(lv_value current) * 1024)) ]
	[ "$(jq '.vms[0].virtio_mem_bytes' <<<"$output")" = $(($(lv_value current) * 1024)) ]
	# libvirt does not name the memory backend: null, and a note says so
	[ "$(jq '.[0].memdev' <<<"$dev")" = null ]
	jq -e '.vms[0].notes[] | select(test("memory backend"))' <<<"$output" >/dev/null
	# requested 512 MiB, nothing plugged: the QMP path's finding
	jq -e '.vms[0].findings[] | select(.code == "virtio-mem-not-reached")' <<<"$output" >/dev/null
}

@test "libvirt vmem: status in text: the device's line" {
	run "$VBTOOL" status --libvirt "$D"
	assert_output --partial "virtio-mem device virtiomem0: 0 B plugged of 512 MiB requested (at most 1 GiB, in blocks of 2 MiB, NUMA node 0)"
}

@test "libvirt vmem: --format prometheus: the device's series, promtool accepts them" {
	command -v promtool >/dev/null || fail "promtool missing: apt-get install prometheus"
	run "$VBTOOL" status --libvirt "$D" --format prometheus
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/p"
	l="vm=\"$D\",device=\"virtiomem0\""
	grep -qx "vbtool_vm_virtio_mem_requested_bytes{$l} $((512 * MiB))" "$BATS_TEST_TMPDIR/p"
	grep -qx "vbtool_vm_virtio_mem_max_size_bytes{$l} $((1024 * MiB))" "$BATS_TEST_TMPDIR/p"
	grep -qx "vbtool_vm_virtio_mem_block_size_bytes{$l} $((2 * MiB))" "$BATS_TEST_TMPDIR/p"
	grep -qx "vbtool_vm_virtio_mem_size_bytes{$l} 0" "$BATS_TEST_TMPDIR/p"
	grep -qx "vbtool_vm_virtio_mem_info{$l,node=\"0\",memdev=\"\"} 1" "$BATS_TEST_TMPDIR/p"
	run promtool check metrics <"$BATS_TEST_TMPDIR/p"
	assert_success
	assert_output ""
}

@test "libvirt vmem: target --virtio-mem sets <requested> through libvirt; the domain is not tainted" {
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 256M --json
	assert_success
	# libvirt's own view: 256 MiB = 262144 KiB
	[ "$(lv_value requested)" = 262144 ]
	[ "$(jq -r .vm <<<"$output")" = "$D" ]
	[ "$(jq -r .virtio_mem_id <<<"$output")" = virtiomem0 ]
	[ "$(jq .requested_bytes <<<"$output")" = $((256 * MiB)) ]
	[ "$(jq .size_bytes <<<"$output")" = 0 ]
	[ "$(jq .max_size_bytes <<<"$output")" = $((1024 * MiB)) ]
	# the API, not qemu-monitor-command: libvirt would log "Domain id=N is tainted: custom-monitor"
	log=/var/log/libvirt/qemu/$D.log
	[ -f "$log" ]
	! grep -q tainted "$log"
	# status reads it back
	run "$VBTOOL" status --libvirt "$D" --json
	[ "$(jq '.vms[0].virtio_mem_devices[0].requested_size_bytes' <<<"$output")" = $((256 * MiB)) ]
}

@test "libvirt vmem: target in text on a paused domain says the guest cannot follow yet" {
	state=$(lv_virsh domstate "$D") # libvirt's word: paused (created with --paused)
	[ "$state" = paused ]
	run "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 128M
	assert_success
	assert_output --partial "$D: the VM is not running ($state): the guest cannot plug or unplug until it runs"
	assert_output --partial "$D: virtio-mem virtiomem0: requested 128 MiB (plugged now 0 B); the guest follows in its own time"
	[ "$(lv_value requested)" = 131072 ]
}

@test "libvirt vmem: target --wait on a paused domain: not reached (exit 4), <current> still 0" {
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 64M --wait 1 --json
	assert_failure 4
	[ "$(jq .reached <<<"$output")" = false ]
	[ "$(jq .size_bytes <<<"$output")" = $(($(lv_value current) * 1024)) ]
	[ "$(lv_value requested)" = 65536 ]
}

@test "libvirt vmem: target refuses what the device cannot take, with the numbers; nothing set" {
	before=$(lv_value requested)
	run "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 3M
	assert_failure 2
	assert_output --partial "target: $D: virtio-mem virtiomem0: 3M ($((3 * MiB)) bytes) is not a multiple of its block-size 2 MiB ($((2 * MiB)) bytes); the nearest below is 2 MiB"
	run "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 2G
	assert_failure 2
	assert_output --partial "target: $D: virtio-mem virtiomem0: 2G is more than its max-size 1 GiB ($((1024 * MiB)) bytes)"
	run "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 256
	assert_failure 2
	assert_output --partial "SIZE '256': give a unit"
	[ "$(lv_value requested)" = "$before" ]
}

@test "libvirt vmem: target names an alias the domain does not have: exit 1 with a hint" {
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem9 256M
	assert_failure 1
	[ "$stderr" = "$(printf '%s\n%s' "vbtool: target: $D: no virtio-mem device with id 'virtiomem9'" \
		"vbtool: hint: status --libvirt DOMAIN lists the domain's virtio-mem devices (id: libvirt's alias)")" ]
}
