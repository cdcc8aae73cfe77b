#!/usr/bin/env bats
# Guest tests of the counters module against a device that lies or vanishes
# (issue #13): the phantom balloon a reset leaves in config space `actual`,
# the OOM line after it, a device whose config reads stop working under a
# reader, hot-unplug under a reader. Deflate-on-oom off and no free-page
# reporting, so nothing uses a virtqueue while the device is switched off.
load balloon-tests

setup_file() {
	export VM_DOOM=no VM_FPR=no
	vm_boot reset "deflate-on-oom=off,free-page-reporting=off"
}

teardown_file() {
	vm_shutdown
}

# The module file as key=value words, one per line, for exact comparisons.
module_file() {
	guest -- cat "$DEBUGFS_FILE"
}

# The balloon's PCI function in the guest (the parent of its virtioN).
balloon_pci() {
	guest -- 'd=$(ls /sys/bus/virtio/drivers/virtio_balloon/ | grep "^virtio"); basename $(dirname $(readlink -f /sys/bus/virtio/devices/$d))'
}

@test "vm reset: the module's file is its own (vbtool-balloon), never virtio-balloon" {
	run guest -- 'ls /sys/kernel/debug/'
	assert_success
	assert_line vbtool-balloon
	refute_line virtio-balloon
}

@test "vm reset: after a reset the device's phantom actual is not the balloon size" {
	balloon_set 320 # 192 MiB in the balloon
	run module_file
	assert_line "InflatedTotal: 196608 kB"
	assert_line "Actual: 196608 kB"
	# QEMU's -no-reboot would turn system_reset into a shutdown.
	qmp set-action '{"reboot": "reset"}' > /dev/null
	qmp stop > /dev/null
	qmp system_reset > /dev/null
	qmp balloon "{\"value\": $((VM_RAM_MIB * 1024 * 1024))}" > /dev/null
	qmp cont > /dev/null
	local i
	for i in $(seq 1200); do
		[ "$(grep -c '^vbtool-guest: ready' "$VM_CONSOLE")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(grep -c '^vbtool-guest: ready' "$VM_CONSOLE")" -ge 2 ]
	# The guest holds nothing (its own counters)...
	assert_equal "$(vmstat_balloon_kb)" 0
	# ...while the device still says 192 MiB (QEMU: RAM - actual).
	assert_equal "$(balloon_size_kb)" 196608
	run module_file
	assert_success
	assert_line "InflatedTotal: 0 kB"
	assert_line "InflatedFree: 0 kB"
	assert_line "Target: 0 kB"
	assert_line "Actual: 196608 kB"
	assert_line "ActualMatches: no"
	assert_line "DeviceState: ok"
}

@test "vm reset: the OOM line after the reset prints what the guest holds (0), not actual" {
	[ "$(vmstat_balloon_kb)" = 0 ] || skip "needs the reset test's state"
	guest -- dmesg -c > /dev/null
	run guest 240 -- '(echo 1000 > /proc/self/oom_score_adj; exec memhog)'
	assert_equal "$status" 137
	guest -- dmesg > "$BATS_TEST_TMPDIR/oom.log"
	run grep -o 'Balloon InflatedTotal:.*' "$BATS_TEST_TMPDIR/oom.log"
	assert_success
	assert_line --index 0 "Balloon InflatedTotal:0kB InflatedFree:0kB"
}

@test "vm reset: config space switched off under a reader: never all-ones, size from the guest" {
	balloon_set 384 # 128 MiB
	local pci cmd
	pci=$(balloon_pci)
	[[ $pci =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]
	# The PCI command register (config offset 4): memory and I/O decoding
	# off, so the transport's reads of the device hit nothing, as after a
	# surprise removal. Bus mastering stays on.
	cmd=$(guest -- "dd if=/sys/bus/pci/devices/$pci/config bs=1 skip=4 count=1 2> /dev/null | od -An -tu1" | tr -d ' \r')
	[ -n "$cmd" ]
	guest -- 'setsid sh -c "while :; do cat '"$DEBUGFS_FILE"' >> /tmp/reads; done" < /dev/null > /dev/null 2>&1 & echo $! > /tmp/reader.pid'
	sleep 1
	guest -- "printf '\\$(printf %o $((cmd & ~3)))' | dd of=/sys/bus/pci/devices/$pci/config bs=1 seek=4 conv=notrunc 2> /dev/null"
	sleep 2
	run module_file
	guest -- "printf '\\$(printf %o "$cmd")' | dd of=/sys/bus/pci/devices/$pci/config bs=1 seek=4 conv=notrunc 2> /dev/null"
	# The guest still holds its 128 MiB; the device's numbers are not shown.
	assert_line "InflatedTotal: 131072 kB"
	assert_line --regexp '^DeviceState: (gone|not-ready|failed|needs-reset)$'
	refute_line --regexp '^(Target|Actual):'
	sleep 1
	guest -- 'kill $(cat /tmp/reader.pid)'
	# Every read, before, during and after: sizes within the guest's RAM.
	run guest -- "awk '/^(InflatedTotal|InflatedFree|Target|Actual):/ && \$2 > $((VM_RAM_MIB * 1024)) { print; bad = 1 } END { exit bad }' /tmp/reads"
	assert_success
	run module_file
	assert_line "Actual: 131072 kB"
	assert_line "ActualMatches: yes"
	assert_line "DeviceState: ok"
}

@test "vm reset: hot-unplug under a reader: only the guest's size or none, never nonsense" {
	balloon_set 448 # 64 MiB
	guest -- 'rm -f /tmp/reads; setsid sh -c "while :; do cat '"$DEBUGFS_FILE"' >> /tmp/reads; done" < /dev/null > /dev/null 2>&1 & echo $! > /tmp/reader.pid'
	sleep 1
	run qmp device_del '{"id": "balloon0"}' --wait-event DEVICE_DELETED 60
	assert_success
	wait_guest_device none
	guest -- 'kill $(cat /tmp/reader.pid)'
	# The balloon gave its memory back on unbind.
	assert_equal "$(vmstat_balloon_kb)" 0
	# The driver's remove deflates step by step: the guest's count only
	# goes down, from 64 MiB to 0.
	run guest -- "awk 'BEGIN { last = 65536 } /^InflatedTotal:/ { if (\$2 > last) { print; bad = 1 } last = \$2 }
		/^(InflatedFree|Target|Actual):/ && \$2 > $((VM_RAM_MIB * 1024)) { print; bad = 1 } END { exit bad }' /tmp/reads"
	assert_success
	run guest -- "grep -c '^Device: none' /tmp/reads"
	[ "$output" -ge 1 ]
	run guest -- "grep -c '^InflatedTotal: 65536 kB' /tmp/reads"
	[ "$output" -ge 1 ]
	# A new device for the next test.
	run qmp device_add '{"driver": "virtio-balloon-pci", "id": "balloon1", "free-page-reporting": false}'
	assert_success
	wait_guest_device 'virtio[0-9]+'
}

@test "vm reset: a reader waiting behind a stuck driver remove can be killed" {
	balloon_set 448 # 64 MiB for the remove to give back
	local pci dev cmd
	pci=$(balloon_pci)
	dev=$(guest -- 'ls /sys/bus/virtio/drivers/virtio_balloon/ | grep "^virtio"')
	cmd=$(guest -- "dd if=/sys/bus/pci/devices/$pci/config bs=1 skip=4 count=1 2> /dev/null | od -An -tu1" | tr -d ' \r')
	[ -n "$cmd" ]
	# Bus mastering off: the device cannot read its virtqueues any more, so
	# the driver's remove waits forever for the host to take the balloon
	# back, holding the device lock (the guest stays so: this test is last).
	guest -- "printf '\\$(printf %o $((cmd & ~4)))' | dd of=/sys/bus/pci/devices/$pci/config bs=1 seek=4 conv=notrunc 2> /dev/null"
	guest -- "setsid sh -c 'echo $dev > /sys/bus/virtio/drivers/virtio_balloon/unbind' < /dev/null > /dev/null 2>&1 &"
	sleep 3
	run guest -- "grep -l virtballoon_remove /proc/[0-9]*/stack 2> /dev/null | wc -l"
	[ "$output" -ge 1 ] || skip "the remove did not get stuck here"
	# A reader of the module's file can still be killed (not in D state).
	run guest 30 -- "timeout -s TERM 3 cat $DEBUGFS_FILE; echo rc=\$?"
	assert_success
	assert_line --regexp '^rc=(124|143)$'
}

@test "vm reset: no Oops, BUG, WARNING or GPF in the guest kernel log" { t_console_clean; }
