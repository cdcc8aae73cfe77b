#!/usr/bin/env bats
# status/target --libvirt against a real libvirtd that this file starts
# (tests/data/libvirt/libvirtd.bash: private sockets, transient paused TCG
# domains, everything stopped by pid at the end). Expected values come from
# the domain XML in tests/data/libvirt/ (256/128/512 MiB; the balloon's
# attributes), not from vbtool.

load helpers
bats_require_minimum_version 1.5.0

MIB=$((1024 * 1024))

built_with_libvirt() {
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h"
}

setup_file() {
	built_with_libvirt || return 0
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_start_file || return 1
	[ -z "$LV_SKIP" ] || return 0
	lv_create plain balloon.xml
	lv_create none none.xml
	lv_create feat features.xml
	echo "$LVDIR" >"$BATS_FILE_TMPDIR/lvdir"
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/lvdir" ] || return 0
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_stop
}

setup() {
	built_with_libvirt || return 0
	[ ! -f "$BATS_FILE_TMPDIR/skip" ] || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	P=$LV_PREFIX
}

need_libvirt() {
	built_with_libvirt || skip "this vbtool is built without libvirt (the test below checks what it says)"
}

@test "libvirt: a build without libvirt says so" {
	built_with_libvirt && skip "this vbtool is built with libvirt"
	run --separate-stderr "$VBTOOL" status --libvirt
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n%s' 'vbtool: status --libvirt: built without libvirt' \
		'vbtool: hint: rebuild vbtool with libvirt-dev installed, or give --qmp SOCKET')"
}

@test "libvirt: a plain balloon: RAM, actual, balloon, device from the domain XML" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt "${P}plain" --json
	assert_success
	[ "$(jq '.vms | length' <<<"$output")" = 1 ]
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .transport <<<"$vm")" = libvirt ]
	[ "$(jqr .domain <<<"$vm")" = "${P}plain" ]
	[ "$(jqr .socket <<<"$vm")" = null ]
	[ "$(jqr .name <<<"$vm")" = "${P}plain" ]
	[ "$(jqr .error <<<"$vm")" = null ]
	[ "$(jqr .ram_bytes <<<"$vm")" = $((256 * MIB)) ]
	[ "$(jqr .balloon_ram_bytes <<<"$vm")" = $((256 * MIB)) ]
	# Paused from the start: no guest ever ran, so nothing is ballooned.
	[ "$(jqr .actual_bytes <<<"$vm")" = $((256 * MIB)) ]
	[ "$(jqr .balloon_bytes <<<"$vm")" = 0 ]
	[ "$(jqr .balloon_device <<<"$vm")" = true ]
	[ "$(jqr .run_state <<<"$vm")" = paused ]
	[ "$(jqr .running <<<"$vm")" = false ]
	# libvirt names the device balloon0 (id=balloon0): QEMU's peripheral path.
	[ "$(jqr .device.path <<<"$vm")" = /machine/peripheral/balloon0 ]
	[ "$(jqr .device.type <<<"$vm")" = virtio-balloon-pci ]
	[ "$(jqr .device.found_by <<<"$vm")" = "domain XML" ]
	[ "$(jqr -c .configured_features <<<"$vm")" = '["STATS_VQ"]' ]
	# No <stats period>: libvirt never set one, vbtool does not guess.
	[ "$(jqr .polling_interval_s <<<"$vm")" = null ]
	# The guest never reported: the statistics are absent, not zeros.
	[ "$(jqr .stats <<<"$vm")" = null ]
	[ "$(jqr '.findings | map(.code) | index("vm-paused") != null' <<<"$vm")" = true ]
}

@test "libvirt: autodeflate and freePageReporting become vbtool's feature names; the stats period" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt "${P}feat" --json
	assert_success
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .ram_bytes <<<"$vm")" = $((512 * MIB)) ]
	[ "$(jqr -c .configured_features <<<"$vm")" = '["STATS_VQ","DEFLATE_ON_OOM","REPORTING"]' ]
	[ "$(jqr .polling_interval_s <<<"$vm")" = 7 ]
	run "$VBTOOL" status --libvirt "${P}feat"
	assert_success
	assert_line "  configured STATS_VQ DEFLATE_ON_OOM REPORTING"
	assert_line "  polling    every 7 s"
}

@test "libvirt: a domain without a balloon: exit 3, balloon none" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt "${P}none" --json
	assert_failure 3
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jqr .balloon_device <<<"$vm")" = false ]
	[ "$(jqr .ram_bytes <<<"$vm")" = $((128 * MIB)) ]
	[ "$(jqr .actual_bytes <<<"$vm")" = null ]
	[ "$(jqr .device <<<"$vm")" = null ]
	[ "$(jqr .configured_features <<<"$vm")" = null ]
	run "$VBTOOL" status --libvirt "${P}none"
	assert_line "  balloon    none"
}

@test "libvirt: no names: every running domain, sorted by name; --virsh is an alias" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt --json
	assert_success
	# Only this file's libvirtd is asked (its own socket): exactly our three.
	assert_equal "$(jq -c '[.vms[].domain]' <<<"$output")" "[\"${P}feat\",\"${P}none\",\"${P}plain\"]"
	run --separate-stderr "$VBTOOL" status --virsh "${P}plain" --json
	assert_success
	[ "$(jq -c '[.vms[].domain]' <<<"$output")" = "[\"${P}plain\"]" ]
	# Several names, in the order given.
	run --separate-stderr "$VBTOOL" status --libvirt "${P}plain" "${P}feat" --json
	[ "$(jq -c '[.vms[].domain]' <<<"$output")" = "[\"${P}plain\",\"${P}feat\"]" ]
}

@test "libvirt: --connect URI, and an unknown domain" {
	need_libvirt
	uri=$LIBVIRT_DEFAULT_URI
	run --separate-stderr env -u LIBVIRT_DEFAULT_URI "$VBTOOL" status --libvirt "${P}plain" --connect "$uri" --json
	assert_success
	[ "$(jq -r '.vms[0].name' <<<"$output")" = "${P}plain" ]
	run --separate-stderr "$VBTOOL" status --libvirt nosuch-domain
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n%s' 'vbtool: libvirt nosuch-domain: no such domain (or it is not running)' \
		'vbtool: hint: virsh list --all shows the domains libvirt knows')"
	run --separate-stderr "$VBTOOL" status --libvirt --connect "qemu:///system?socket=$LVDIR/run/nothing-here"
	assert_failure 1
	[[ "$stderr" == *"vbtool: status --libvirt: qemu:///system?socket=$LVDIR/run/nothing-here: "* ]]
}

@test "libvirt: a domain named like an option is a name (--virsh --help, --libvirt -- -x)" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --virsh --help
	assert_failure 1
	[[ "$stderr" == "vbtool: libvirt --help: no such domain"* ]]
	run --separate-stderr "$VBTOOL" target --virsh -x 200M
	assert_failure 1
	[[ "$stderr" == "vbtool: target: -x: no such domain"* ]]
	run --separate-stderr "$VBTOOL" status --libvirt -- -x
	assert_failure 1
	[[ "$stderr" == "vbtool: libvirt -x: no such domain"* ]]
}

@test "libvirt: --stats-interval sets the period (live), and libvirt keeps it" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt "${P}plain" --stats-interval 3 --json
	assert_success
	[ "$(jq -r '.vms[0].polling_interval_s' <<<"$output")" = 3 ]
	# Read back from the domain XML (<stats period='3'/>) by a plain status.
	run --separate-stderr "$VBTOOL" status --libvirt "${P}plain" --json
	[ "$(jq -r '.vms[0].polling_interval_s' <<<"$output")" = 3 ]
	run lv_virsh dumpxml "${P}plain"
	assert_output --partial "<stats period='3'/>"
}

@test "libvirt: the same vms[] fields as the QMP path" {
	need_libvirt
	run --separate-stderr "$VBTOOL" status --libvirt "${P}plain" --json
	lv=$(jq -c '.vms[0] | keys' <<<"$output")
	# A QMP socket that does not exist: the VM has an error, but every field is there.
	run --separate-stderr "$VBTOOL" status --qmp "$LVDIR/no-such.sock" --json
	qmp=$(jq -c '.vms[0] | keys' <<<"$output")
	assert_equal "$lv" "$qmp"
}

@test "libvirt: target below the floor is refused; --force sets it; --wait on a paused domain runs out" {
	need_libvirt
	# No statistics: the floor is 50% of 256 MiB = 128 MiB.
	run --separate-stderr "$VBTOOL" target --libvirt "${P}plain" 100M
	assert_failure 5
	[[ "$stderr" == *"below the safe floor of 128 MiB"* ]]
	run --separate-stderr "$VBTOOL" target --libvirt "${P}plain" 200M --json
	assert_success
	[ "$(jq -r .requested_bytes <<<"$output")" = $((200 * MIB)) ]
	[ "$(jq -r .start_actual_bytes <<<"$output")" = $((256 * MIB)) ]
	# libvirt took it (in KiB: sent as bytes it would be above the maximum and
	# refused). The paused guest cannot move, so actual stays.
	[ "$(jq -r .actual_bytes <<<"$output")" = $((256 * MIB)) ]
	# More than RAM: libvirt would refuse, vbtool asks for all of RAM as QEMU would.
	run --separate-stderr "$VBTOOL" target --libvirt "${P}plain" 1G
	assert_success
	assert_equal "$stderr" "vbtool: target: 1G is more than the VM's RAM (256 MiB): QEMU deflates the balloon fully instead"
	# Paused: the guest cannot move, --wait runs out (exit 4).
	run --separate-stderr "$VBTOOL" target --libvirt "${P}plain" 220M --wait 0.5
	assert_failure 4
	assert_output --partial "the VM is not running (paused)"
	assert_output --partial "did not reach 220 MiB in time"
	run --separate-stderr "$VBTOOL" target --virsh "${P}none" 100M --force
	assert_failure 3
	[[ "$stderr" == *"no balloon device"* ]]
}

@test "libvirt: top: one row per domain, sortable, JSON Lines; a domain that starts is an event" {
	need_libvirt
	run --separate-stderr "$VBTOOL" top --libvirt -b -n 1 --sort name
	assert_success
	assert_line --index 1 --regexp '^VM +STATE +RAM +BALLOON +% +RATE/s +AGE +FREE +AVAIL +OOM +FIND$'
	assert_line --index 2 --regexp "^${P}feat +paused +512 MiB +0 B +0.0 "
	assert_line --index 3 --regexp "^${P}none +paused +128 MiB +none "
	assert_line --index 4 --regexp "^${P}plain +paused +256 MiB +0 B +0.0 "
	# RAM in the JSON; --sort balloon puts the domain without one last.
	run --separate-stderr "$VBTOOL" top --libvirt -b -j -n 1 --sort balloon
	assert_success
	[ "$(jq -c '[.vms[] | [.domain, .ram_bytes]]' <<<"$output")" = \
		"[[\"${P}feat\",$((512 * MIB))],[\"${P}plain\",$((256 * MIB))],[\"${P}none\",$((128 * MIB))]]" ]
	# A domain started while top runs: a "start" event, and a row from then on.
	"$VBTOOL" top --libvirt -b -j -n 4 -d 1 >"$BATS_TEST_TMPDIR/top.jsonl" &
	top_pid=$!
	sleep 0.5
	lv_create late balloon.xml
	wait "$top_pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/top.jsonl")" = 4 ]
	[ "$(jq -c 'select(.events | length > 0) | .events[]' "$BATS_TEST_TMPDIR/top.jsonl")" = \
		"{\"vm\":\"${P}late\",\"event\":\"start\"}" ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/top.jsonl" | jq '.vms | length')" = 4 ]
	lv_virsh destroy "${P}late" >/dev/null
}

@test "libvirt: no domain's log says tainted (nothing sent QMP through libvirt)" {
	need_libvirt
	# --virsh too: it used to send QMP through virsh qemu-monitor-command.
	for d in plain none feat; do
		"$VBTOOL" status --virsh "$P$d" >/dev/null || true
	done
	for d in plain none feat; do
		log=/var/log/libvirt/qemu/$P$d.log
		[ -f "$log" ]
		run grep -i tainted "$log"
		assert_failure
		run lv_virsh dominfo "$P$d"
		refute_output --partial tainted
	done
}
