#!/usr/bin/env bats
# Prometheus metrics for Xen's balloon, virtio-mem and memory blocks (issue
# #18 with #15): guest side on the xen-* and virtio-mem-* example trees, host
# side on a real paused QEMU with a virtio-mem device. Every expected value is
# written by hand from the tree's files (named at each line) or the QEMU
# command line; prometheus.bats keeps the man page's list equal to the output
# and runs promtool on every tree.

load helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	command -v promtool >/dev/null || fail "promtool missing: apt-get install prometheus"
	T=$(mktemp -d /tmp/vbtool-promvmem.XXXXXX)
}

teardown() {
	[ -z "${QDIR:-}" ] || qmp_teardown_dir
	rm -rf "$T"
}

# The value of the one sample NAME{...LABELS...} (LABELS: a substring); fails
# when there is not exactly one.
sample() { # file name [label-substring]
	local v
	v=$(grep -E "^$2(\{| )" "$1" | grep -F -- "${3:-}" | awk '{ print $NF }')
	[ "$(printf '%s\n' "$v" | grep -c .)" = 1 ] || { echo "not one sample of $2 ${3:-}: '$v'" >&2; return 1; }
	printf '%s\n' "$v"
}
prom() { "$VBTOOL" status --sysroot "$EXAMPLES/$1" --format prometheus >"$T/p" || [ $? = 3 ]; }

@test "prometheus-vmem: xen-ballooned: target, current, low/high from the driver's sysfs files" {
	prom xen-ballooned
	# xen_memory0/target_kb 3145728 (and target 3221225472 bytes)
	[ "$(sample "$T/p" vbtool_xen_balloon_target_bytes)" = 3221225472 ]
	# info/current_kb 3145728
	[ "$(sample "$T/p" vbtool_xen_balloon_current_bytes)" = $((3145728 * 1024)) ]
	# info/low_kb 1048576, info/high_kb 0
	[ "$(sample "$T/p" vbtool_xen_balloon_ballooned_bytes 'zone="low"')" = $((1048576 * 1024)) ]
	[ "$(sample "$T/p" vbtool_xen_balloon_ballooned_bytes 'zone="high"')" = 0 ]
	# retry_count 1, max_retry_count 4, schedule_delay 1, max_schedule_delay 32
	[ "$(sample "$T/p" vbtool_xen_balloon_retries 'kind="count"')" = 1 ]
	[ "$(sample "$T/p" vbtool_xen_balloon_retries 'kind="max"')" = 4 ]
	[ "$(sample "$T/p" vbtool_xen_balloon_schedule_delay_seconds 'kind="current"')" = 1 ]
	[ "$(sample "$T/p" vbtool_xen_balloon_schedule_delay_seconds 'kind="max"')" = 32 ]
	# no /proc/sys/xen/balloon/hotplug_unpopulated: not known, no sample
	! grep -q '^vbtool_xen_balloon_hotplug_unpopulated' "$T/p"
	# the balloon's own families name the Xen source too (low + high)
	[ "$(sample "$T/p" vbtool_balloon_source_bytes 'source="xen_balloon"')" = $((1048576 * 1024)) ]
	# no virtio-mem here
	! grep -q '^vbtool_virtio_mem_' "$T/p"
}

@test "prometheus-vmem: xen-moving-to-target: current above target, retries" {
	prom xen-moving-to-target
	# target_kb 2097152, info/current_kb 2621440: 524288 KiB still to give
	[ "$(sample "$T/p" vbtool_xen_balloon_target_bytes)" = $((2097152 * 1024)) ]
	[ "$(sample "$T/p" vbtool_xen_balloon_current_bytes)" = $((2621440 * 1024)) ]
	[ "$(sample "$T/p" vbtool_xen_balloon_ballooned_bytes 'zone="low"')" = $((1572864 * 1024)) ]
	# retry_count 3, schedule_delay 4
	[ "$(sample "$T/p" vbtool_xen_balloon_retries 'kind="count"')" = 3 ]
	[ "$(sample "$T/p" vbtool_xen_balloon_schedule_delay_seconds 'kind="current"')" = 4 ]
}

@test "prometheus-vmem: xen-hotplug: hot-plug sysctl and the offline memory blocks" {
	prom xen-hotplug
	# target_kb 3145728, info/current_kb 2097152, low 0, high 0
	[ "$(sample "$T/p" vbtool_xen_balloon_target_bytes)" = $((3145728 * 1024)) ]
	[ "$(sample "$T/p" vbtool_xen_balloon_current_bytes)" = $((2097152 * 1024)) ]
	[ "$(sample "$T/p" vbtool_xen_balloon_ballooned_bytes 'zone="low"')" = 0 ]
	# /proc/sys/xen/balloon/hotplug_unpopulated: 0
	[ "$(sample "$T/p" vbtool_xen_balloon_hotplug_unpopulated)" = 0 ]
	# memory0..15 online, memory16..23 offline (their state files)
	[ "$(sample "$T/p" vbtool_memory_blocks 'state="online"')" = 16 ]
	[ "$(sample "$T/p" vbtool_memory_blocks 'state="offline"')" = 8 ]
	[ "$(sample "$T/p" vbtool_memory_blocks 'state="other"')" = 0 ]
	# block_size_bytes 8000000 (hex) = 128 MiB
	[ "$(sample "$T/p" vbtool_memory_block_size_bytes)" = $((128 * MiB)) ]
	# auto_online_blocks: offline
	[ "$(sample "$T/p" vbtool_memory_auto_online_info)" = 1 ]
	grep -qx 'vbtool_memory_auto_online_info{policy="offline"} 1' "$T/p"
}

@test "prometheus-vmem: xen-no-driver: the Xen families are there, without samples" {
	prom xen-no-driver
	for f in target_bytes current_bytes ballooned_bytes retries schedule_delay_seconds hotplug_unpopulated; do
		grep -qx "# TYPE vbtool_xen_balloon_$f gauge" "$T/p" || fail "no family vbtool_xen_balloon_$f"
		! grep -q "^vbtool_xen_balloon_$f[{ ]" "$T/p" || fail "a sample of vbtool_xen_balloon_$f without the driver"
	done
}

@test "prometheus-vmem: virtio-mem-plugged: sizes per device from the driver's log lines" {
	prom virtio-mem-plugged
	# vbtool/kmsg: the last "requested size: 0x80000000", "plugged size: 0x40000000"
	[ "$(sample "$T/p" vbtool_virtio_mem_requested_bytes 'device="virtio1"')" = $((2048 * MiB)) ]
	[ "$(sample "$T/p" vbtool_virtio_mem_plugged_bytes 'device="virtio1"')" = $((1024 * MiB)) ]
	# "device block size: 0x200000", "region size: 0xc0000000"
	[ "$(sample "$T/p" vbtool_virtio_mem_block_size_bytes 'device="virtio1"')" = $((2 * MiB)) ]
	[ "$(sample "$T/p" vbtool_virtio_mem_region_bytes 'device="virtio1"')" = $((3072 * MiB)) ]
	# memory0-7 and memory40-55 all online; block_size_bytes 8000000; online_movable
	[ "$(sample "$T/p" vbtool_memory_blocks 'state="online"')" = 24 ]
	[ "$(sample "$T/p" vbtool_memory_blocks 'state="offline"')" = 0 ]
	[ "$(sample "$T/p" vbtool_memory_block_size_bytes)" = $((128 * MiB)) ]
	grep -qx 'vbtool_memory_auto_online_info{policy="online_movable"} 1' "$T/p"
	# no Xen here
	! grep -q '^vbtool_xen_balloon_' "$T/p"
	run promtool check metrics <"$T/p"
	assert_success
	assert_output ""
}

@test "prometheus-vmem: status --json has the region size the metric shows" {
	"$VBTOOL" status --sysroot "$EXAMPLES/virtio-mem-plugged" --json >"$T/j" || [ $? = 3 ]
	# "region size: 0xc0000000"
	[ "$(jq '.virtio_mem[] | select(.name == "virtio1") | .region_size_bytes' "$T/j")" = $((3072 * MiB)) ]
}

@test "prometheus-vmem: the man page lists every new family" {
	for f in vbtool_xen_balloon_target_bytes vbtool_xen_balloon_current_bytes vbtool_xen_balloon_ballooned_bytes \
		vbtool_xen_balloon_retries vbtool_xen_balloon_schedule_delay_seconds vbtool_xen_balloon_hotplug_unpopulated \
		vbtool_virtio_mem_requested_bytes vbtool_virtio_mem_plugged_bytes vbtool_virtio_mem_block_size_bytes \
		vbtool_virtio_mem_region_bytes vbtool_memory_blocks vbtool_memory_block_size_bytes vbtool_memory_auto_online_info \
		vbtool_vm_virtio_mem_bytes vbtool_vm_virtio_mem_size_bytes vbtool_vm_virtio_mem_requested_bytes \
		vbtool_vm_virtio_mem_max_size_bytes vbtool_vm_virtio_mem_block_size_bytes vbtool_vm_virtio_mem_info; do
		grep -qx ".B $f" "$TOP_SRCDIR/man/vbtool.8" || fail "$f not in vbtool(8)"
	done
}

@test "prometheus-vmem: host side: a virtio-mem device per VM over QMP, values from the command line" {
	require_qemu
	qmp_setup_dir
	# 1 GiB backend, 512 MiB requested; QEMU's x86 default block size 2 MiB;
	# a paused QEMU with no guest plugs nothing (size 0)
	start_qemu m -machine q35 -m 1G,maxmem=4G,slots=2 \
		-object memory-backend-ram,id=mem1,size=1G \
		-device virtio-mem-pci,id=vmem0,memdev=mem1,requested-size=512M
	"$VBTOOL" status --qmp "$QDIR/m.sock" --format prometheus >"$T/p" || [ $? = 3 ]
	run promtool check metrics <"$T/p"
	assert_success
	assert_output ""
	l="vm=\"$QDIR/m.sock\",device=\"vmem0\""
	[ "$(sample "$T/p" vbtool_vm_virtio_mem_size_bytes "$l")" = 0 ]
	[ "$(sample "$T/p" vbtool_vm_virtio_mem_requested_bytes "$l")" = $((512 * MiB)) ]
	[ "$(sample "$T/p" vbtool_vm_virtio_mem_max_size_bytes "$l")" = $((1024 * MiB)) ]
	[ "$(sample "$T/p" vbtool_vm_virtio_mem_block_size_bytes "$l")" = $((2 * MiB)) ]
	grep -qx "vbtool_vm_virtio_mem_info{$l,node=\"0\",memdev=\"/objects/mem1\"} 1" "$T/p"
	# the VM's plugged virtio-mem total: nothing plugged
	[ "$(sample "$T/p" vbtool_vm_virtio_mem_bytes "vm=\"$QDIR/m.sock\"")" = 0 ]
}
