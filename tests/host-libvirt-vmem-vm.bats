#!/usr/bin/env bats
# virtio-mem through libvirt with a booted guest (issue #18): Debian's 6.1
# kernel of the guest test bed (tests/vm/mkguest.sh, with its virtio_mem
# module) in a domain of a private libvirtd (tests/data/libvirt/booted-vmem.xml:
# a 512 MiB NUMA cell, a virtio-mem device of 1 GiB in 2 MiB blocks asking
# for 256 MiB). The guest plugs for real: target --libvirt --virtio-mem
# --wait sees libvirt's <current> reach the request, status --libvirt gives
# the QMP path's RAM and actual, and the safe floor refuses an unplug the
# guest's statistics cannot afford. Expected values come from the domain XML
# and libvirt's own virsh dumpxml / domstats, not from vbtool.
load helpers
load vm/vm
bats_require_minimum_version 1.5.0

MiB=$((1024 * 1024))

source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"

setup_file() {
	lv_guest_setup_file vmemg booted-vmem.xml virtio_mem
}

teardown_file() {
	lv_guest_teardown_file
}

setup() {
	lv_guest_setup vmemg
}

# libvirt's own <requested> / <current> of the device, in KiB.
lv_value() { # requested|current
	lv_virsh dumpxml "$D" | sed -n "/<memory model='virtio-mem'>/,/<\/memory>/s|.*<$1 unit='KiB'>\([0-9]*\)</$1>.*|\1|p"
}

# Until libvirt's <current> is KIB (the guest has plugged it), at most 60 s.
wait_current() {
	for _ in $(seq 300); do
		[ "$(lv_value current)" = "$1" ] && return 0
		sleep 0.2
	done
	echo "<current> is $(lv_value current) KiB, not $1" >&2
	return 1
}

@test "libvirt vmem vm: status: what the guest plugged, RAM and actual as over QMP" {
	# booted-vmem.xml asks for 262144 KiB; the guest's driver plugs it
	wait_current 262144
	run --separate-stderr "$VBTOOL" status --libvirt "$D" --json
	vm=$(jq -c '.vms[0]' <<<"$output")
	[ "$(jq '.virtio_mem_devices[0].size_bytes' <<<"$vm")" = $((256 * MiB)) ]
	[ "$(jq '.virtio_mem_bytes' <<<"$vm")" = $((256 * MiB)) ]
	# libvirt's own balloon.maximum counts the whole 1 GiB region and
	# balloon.current the plugged 256 MiB ...
	stats=$(lv_virsh domstats "$D" --balloon)
	[ "$(sed -n 's/^ *balloon.maximum=//p' <<<"$stats")" = $(((512 + 1024) * 1024)) ]
	[ "$(sed -n 's/^ *balloon.current=//p' <<<"$stats")" = $(((512 + 256) * 1024)) ]
	# ... vbtool gives the QMP path's: RAM = the 512 MiB cell + 256 MiB
	# plugged, actual = the cell (no balloon inflated)
	[ "$(jq .ram_bytes <<<"$vm")" = $(((512 + 256) * MiB)) ]
	[ "$(jq .actual_bytes <<<"$vm")" = $((512 * MiB)) ]
}

@test "libvirt vmem vm: target --wait: the guest plugs what libvirt asks" {
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 512M --wait 60 --json
	assert_success
	[ "$(jq .reached <<<"$output")" = true ]
	[ "$(jq .start_size_bytes <<<"$output")" = $((256 * MiB)) ]
	[ "$(jq .size_bytes <<<"$output")" = $((512 * MiB)) ]
	# libvirt's own view
	[ "$(lv_value requested)" = 524288 ]
	[ "$(lv_value current)" = 524288 ]
	! grep -q tainted "/var/log/libvirt/qemu/$D.log"
}

# libvirt counts plugged virtio-mem memory in the balloon's sizes (the first
# test: balloon.current = the cell + what is plugged): a balloon target
# through libvirt would be off by it, so it is refused and nothing is sent.
@test "libvirt vmem vm: a balloon target is refused while virtio-mem has memory plugged" {
	wait_current 524288 # the test before plugged 512 MiB
	before=$(lv_virsh domstats "$D" --balloon | sed -n 's/^ *balloon.current=//p')
	run --separate-stderr "$VBTOOL" target --libvirt "$D" 400M
	assert_failure 1
	[[ "$stderr" =~ "virtio-mem has 512"(\.0)?" MiB plugged, which libvirt counts in the balloon's sizes: not sent" ]]
	[[ "$stderr" == *"--virtio-mem ID SIZE"* ]]
	sleep 2
	[ "$(lv_virsh domstats "$D" --balloon | sed -n 's/^ *balloon.current=//p')" = "$before" ]
}

@test "libvirt vmem vm: an unplug below the safe floor is refused; a smaller one goes through" {
	# the guest holds 450 MiB: what it uses is then more than the 512 MiB
	# cell less the 256 MiB margin, so taking virtio-mem down to 2 MiB
	# (514 MiB left) is below the floor
	run guest -- 'memhog 450 >/dev/null 2>&1 & sleep 6; echo started'
	assert_output --partial started
	sleep 2 # a statistics period (1 s) or two
	before=$(lv_value requested)
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 2M
	assert_failure 5
	[[ "$stderr" == *"refusing virtio-mem virtiomem0 at 2 MiB: the guest would have "*", below the safe floor of "* ]]
	[ "$(lv_value requested)" = "$before" ]
	# down by one block, from the plugged 512 MiB: 510 MiB plugged leaves
	# 1022 MiB, well above what the guest uses plus the margin
	run --separate-stderr "$VBTOOL" target --libvirt "$D" --virtio-mem virtiomem0 510M --wait 60
	[ "$status" -eq 0 ] || echo "stderr: $stderr" # why, when it is not
	assert_success
	[ "$(lv_value current)" = $((510 * 1024)) ]
	run guest -- 'pkill memhog; echo done'
}
