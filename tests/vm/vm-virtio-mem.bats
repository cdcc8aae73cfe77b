#!/usr/bin/env bats
# virtio-mem for real (issue #18): Debian's 6.1 kernel with a virtio-mem-pci
# device (1 GiB of boot RAM, a 1 GiB memory backend for the device, up to
# 4 GiB). QEMU's requested-size is changed over QMP, up (vbtool target
# --virtio-mem) and down (a raw qom-set); vbtool's guest answer is checked
# against the guest's own /proc/meminfo, /proc/iomem and
# /sys/devices/system/memory, its host answer against QEMU's
# query-memory-devices, read by the test itself. The guest also has the test
# bed's balloon (at 0): both show, each on its own line. The guest's
# `vbtool status` after the grow is kept in tests/vm/virtio-mem.status.log.
load vm

MiB=$((1024 * 1024))
VM_RAM_MIB=1024
VM_MEM_OPTS=,maxmem=4G,slots=2
# Debian's 6.1 has no CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE: added memory
# would stay offline. Movable, so that virtio-mem can unplug it again.
VM_APPEND=memhp_default_state=online_movable
VM_QEMU_EXTRA=(-object memory-backend-ram,id=mem0,size=1G
	-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=256M)
export VM_EXTRA_MODULES=virtio_mem # CONFIG_VIRTIO_MEM=m in Debian's 6.1
# Debian 12's own kernel (6.1) when it is installed; else mkguest's choice.
for r in $(ls /lib/modules 2>/dev/null | grep -E '^6\.1\.[0-9]+-[0-9]+-amd64$' | sort -rV); do
	: "${VM_KERNEL_RELEASE:=$r}"
done
export VM_KERNEL_RELEASE

setup_file() {
	vm_boot virtio-mem ""
	[ -n "${VM_SKIP:-}" ] && return 0
	# MemTotal with 256 MiB plugged, once the device has plugged it: the
	# base of the deltas below
	wait_plugged $((256 * MiB))
	guest_memtotal_kb > "$BATS_FILE_TMPDIR/memtotal0"
}

teardown_file() {
	vm_shutdown
}

# QEMU's view of the device: one member of its query-memory-devices entry.
qemu_vmem() {
	qmp query-memory-devices | jq -er --arg k "$1" '.[] | select(.type == "virtio-mem" and .data.id == "vmem0") | .data[$k]'
}

guest_memtotal_kb() {
	guest -- cat /proc/meminfo | sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p'
}

# The guest's own memmap_on_memory ("Y", "N", "force"), "none" without it.
guest_memmap_on_memory() {
	local v
	v=$(guest -- 'cat /sys/module/memory_hotplug/parameters/memmap_on_memory 2>/dev/null' | tr -d ' \r')
	echo "${v:-none}"
}

# The guest's memory blocks that are online, counted from its own files.
guest_online_blocks() {
	guest -- 'grep -l "^online$" /sys/devices/system/memory/memory*/state | wc -l' | tr -d ' \r'
}

# wait_plugged BYTES: QEMU's plugged size reaches BYTES, then the guest has
# every block of it online (its own files: memory blocks at or above the
# device's address, times the block size).
wait_plugged() {
	local want=$1 got= bs addr blocks
	for _ in $(seq 300); do
		got=$(qemu_vmem size) || return 1
		[ "$got" = "$want" ] && break
		sleep 0.2
	done
	[ "$got" = "$want" ] || { echo "QEMU's size stayed $got, wanted $want" >&2; return 1; }
	addr=$(qemu_vmem memaddr)
	for _ in $(seq 300); do
		bs=$((0x$(guest -- cat /sys/devices/system/memory/block_size_bytes)))
		blocks=$(guest -- "for f in /sys/devices/system/memory/memory*; do n=\${f##*memory}; [ \$n -ge $((addr / bs)) ] && grep -qx online \$f/state && echo \$n; done" | grep -c .)
		[ $((blocks * bs)) = "$want" ] && return 0
		sleep 0.2
	done
	echo "the guest has $blocks blocks of $bs bytes online above 0x$(printf %x "$addr"), wanted $want bytes" >&2
	return 1
}

# vbtool in the guest, as JSON (exit 0: the test bed's balloon is there)
guest_vbtool_json() {
	guest -- vbtool status --json > "$BATS_TEST_TMPDIR/g.json"
	jq -e . "$BATS_TEST_TMPDIR/g.json" > /dev/null
}
gj() { jq -c "$@" "$BATS_TEST_TMPDIR/g.json"; }

# The guest's answer against its own files and QEMU: PLUGGED and REQUESTED
# now, LOGGED_PLUGGED what the driver logged as plugged at the last request.
check_guest_answer() {
	local plugged=$1 requested=$2 logged=$3 dev bs iomem
	guest_vbtool_json
	dev=$(guest -- ls /sys/bus/virtio/drivers/virtio_mem/ | grep -x 'virtio[0-9]*')
	[ -n "$dev" ]
	assert_equal "$(gj '[.related_devices[] | [.name, .device_id, .driver]]')" "[[\"$dev\",24,\"virtio_mem\"]]"
	# the driver's log: the request now, what was plugged when it came, QEMU's block size
	assert_equal "$(gj --arg d "$dev" '[.virtio_mem[] | select(.name == $d) | .requested_bytes, .plugged_bytes, .block_size_bytes]')" \
		"[$requested,$logged,$(qemu_vmem block-size)]"
	# /sys/devices/system/memory as the guest's files say
	bs=$((0x$(guest -- cat /sys/devices/system/memory/block_size_bytes)))
	assert_equal "$(gj '.memory_blocks | [.block_size_bytes, .auto_online_blocks, .online, .offline]')" \
		"[$bs,\"$(guest -- cat /sys/devices/system/memory/auto_online_blocks)\",$(guest_online_blocks),0]"
	assert_equal "$(gj '.memory_blocks.memmap_on_memory // "none"')" "\"$(guest_memmap_on_memory)\""
	# /proc/iomem: the device's region is QEMU's max-size at QEMU's memaddr,
	# plugged is QEMU's size; the guest's own file (root: real addresses)
	guest -- cat /proc/iomem > "$BATS_TEST_TMPDIR/iomem"
	grep -q "^$(printf %x "$(qemu_vmem memaddr)")-[0-9a-f]* : $dev\$" "$BATS_TEST_TMPDIR/iomem"
	assert_equal "$(gj --arg d "$dev" '[.iomem.virtio_mem_regions[] | select(.name == $d) | .region_bytes, .plugged_bytes]')" \
		"[$(qemu_vmem max-size),$plugged]"
	assert_equal "$(gj '.iomem.addresses_hidden')" false
	assert_equal "$(qemu_vmem size)" "$plugged"
	assert_equal "$(qemu_vmem requested-size)" "$requested"
}

# vbtool's host side against QEMU's raw query-memory-devices
check_host_answer() {
	vbtool_or_skip
	local raw
	raw=$(qmp query-memory-devices | jq -c '[.[] | select(.type == "virtio-mem") | .data | [.id, .size, .["requested-size"], .["max-size"], .["block-size"], .node, .memdev]]')
	run "$VBTOOL" status --qmp "$VM_DIR/qmp.sock" --json
	assert_success
	assert_equal "$(jq -c '[.vms[0].virtio_mem_devices[] | [.id, .size_bytes, .requested_size_bytes, .max_size_bytes, .block_size_bytes, .node, .memdev]]' <<< "$output")" "$raw"
	run "$VBTOOL" status --qmp "$VM_DIR/qmp.sock"
	assert_success
	assert_output --partial "virtio-mem device vmem0: $(($(qemu_vmem size) / MiB)) MiB plugged of $(($(qemu_vmem requested-size) / MiB)) MiB requested"
}

@test "vm virtio-mem: at boot the device plugged its 256 MiB; vbtool's guest answer says so" {
	vbtool_or_skip
	run guest -- dmesg
	assert_output --partial "virtio_mem virtio"
	check_guest_answer $((256 * MiB)) $((256 * MiB)) 0
}

@test "vm virtio-mem: at boot vbtool's host answer is QEMU's query-memory-devices" {
	check_host_answer
}

@test "vm virtio-mem: grow to 768 MiB with vbtool target --virtio-mem: MemTotal +512 MiB" {
	vbtool_or_skip
	run "$VBTOOL" target --qmp "$VM_DIR/qmp.sock" --virtio-mem vmem0 768M --wait 60
	assert_success
	wait_plugged $((768 * MiB))
	# the guest's own MemTotal grows by exactly what was plugged
	assert_equal $(($(guest_memtotal_kb) - $(cat "$BATS_FILE_TMPDIR/memtotal0"))) $((512 * 1024))
	check_guest_answer $((768 * MiB)) $((768 * MiB)) $((256 * MiB))
	run guest -- vbtool status
	echo "$output" > "$VM_LOG_DIR/virtio-mem.status.log"
	assert_line --regexp "^  virtio-mem virtio[0-9]+: requested 768.0 MiB, plugged 256.0 MiB when the host last asked, device block 2.0 MiB \(kernel log\)$"
	assert_line --regexp "^  virtio-mem virtio[0-9]+: 768.0 MiB plugged now in 1 range\(s\), of a 1.0 GiB region \(/proc/iomem\)$"
	# where an added block's struct pages go, in the words of the guest's file
	case $(guest_memmap_on_memory) in
	N) mm="; its memmap taken from the memory already there" ;;
	Y) mm="; its memmap on the block itself" ;;
	force) mm="; its memmap on the block itself (forced)" ;;
	*) mm="" ;;
	esac
	assert_line "  memory blocks $(guest_online_blocks) online, 0 offline (new memory is onlined, movable zone$mm)"
}

@test "vm virtio-mem: after the grow vbtool's host answer is QEMU's" {
	check_host_answer
}

@test "vm virtio-mem: shrink to 128 MiB by a raw qom-set: MemTotal -640 MiB" {
	vbtool_or_skip
	qmp qom-set "{\"path\": \"/machine/peripheral/vmem0\", \"property\": \"requested-size\", \"value\": $((128 * MiB))}" > /dev/null
	wait_plugged $((128 * MiB))
	assert_equal $(($(cat "$BATS_FILE_TMPDIR/memtotal0") - $(guest_memtotal_kb))) $((128 * 1024))
	check_guest_answer $((128 * MiB)) $((128 * MiB)) $((768 * MiB))
	check_host_answer
}

@test "vm virtio-mem: collect in the guest captures its /proc/iomem as it is" {
	vbtool_or_skip
	run guest 120 -- 'cd /tmp && vbtool collect -o c.tar.gz > /dev/null 2>&1 && mkdir -p u && tar -xzf c.tar.gz -C u && cmp $(find u -path "*/proc/iomem" -type f) /proc/iomem && echo same'
	assert_success
	assert_output same
}

@test "vm virtio-mem: no kernel trouble" {
	run kernel_trouble "$VM_CONSOLE"
	assert_failure
	run guest -- dmesg
	refute_output --regexp '\b(Oops|BUG|WARNING)\b'
}
