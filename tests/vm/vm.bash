# Shared by the guest test files: boot one QEMU/TCG guest per file (in
# setup_file), run commands in it over ttyS1, drive QEMU over QMP.
: "${TOP_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export TOP_SRCDIR
load "$TOP_SRCDIR/tests/helpers"

VM_SRC=$TOP_SRCDIR/tests/vm
VMCTL="python3 $VM_SRC/vmctl.py"
VM_RAM_MIB=512

# bats 1.8 cannot skip from setup_file: vm_boot sets VM_SKIP instead and
# every test skips with that reason.
vm_unavailable() {
	VM_SKIP=$1
	export VM_SKIP
}

setup() {
	[ -z "${VM_SKIP:-}" ] || skip "$VM_SKIP"
}

# vm_boot NAME DEVICE_OPTIONS: build the guest and boot it with
# "-device virtio-balloon-pci,id=balloon0,DEVICE_OPTIONS".
vm_boot() {
	local name=$1 opts=$2 rc=0 i
	unset VM_SKIP
	if [ -n "${VBTOOL_SKIP_VM:-}" ]; then
		vm_unavailable "VBTOOL_SKIP_VM is set (the guest tests ran in another build)"
		return 0
	fi
	[ -n "${QEMU_SYSTEM:-}" ] || QEMU_SYSTEM=$(command -v qemu-system-x86_64 || true)
	if [ -z "$QEMU_SYSTEM" ] || [ ! -x "$QEMU_SYSTEM" ]; then
		vm_unavailable "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
		return 0
	fi
	if ! command -v python3 > /dev/null; then
		vm_unavailable "python3 not installed"
		return 0
	fi
	# Console and OOM logs; the kernel matrix gives each kernel its own dir.
	VM_LOG_DIR=${VM_LOG_DIR:-$TOP_BUILDDIR/tests/vm}
	export VM_LOG_DIR
	mkdir -p "$VM_LOG_DIR"
	# Each file builds its own guest (a few seconds): nothing is left behind.
	VM_GUEST_DIR=$BATS_FILE_TMPDIR/guest
	export VM_GUEST_DIR
	bash "$VM_SRC/mkguest.sh" "$VM_GUEST_DIR" > "$BATS_FILE_TMPDIR/mkguest.log" 2>&1 || rc=$?
	if [ "$rc" = 3 ]; then
		vm_unavailable "$(tail -n 1 "$BATS_FILE_TMPDIR/mkguest.log")"
		return 0
	elif [ "$rc" != 0 ]; then
		cat "$BATS_FILE_TMPDIR/mkguest.log" >&2
		return 1
	fi
	# Unix socket paths must be short: not under BATS_FILE_TMPDIR.
	VM_DIR=$(mktemp -d /tmp/vbvm.XXXXXX)
	VM_NAME=$name
	VM_CONSOLE=$VM_LOG_DIR/$name.console.log
	export VM_DIR VM_NAME VM_CONSOLE QEMU_SYSTEM
	: > "$VM_CONSOLE"
	# VM_MEM_OPTS (",maxmem=..."), VM_APPEND and the array VM_QEMU_EXTRA:
	# a file's own memory layout, kernel arguments and devices (vm-virtio-mem).
	"$QEMU_SYSTEM" -accel tcg -m "$VM_RAM_MIB${VM_MEM_OPTS:-}" -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$VM_GUEST_DIR/vmlinuz" -initrd "$VM_GUEST_DIR/initramfs.cpio.gz" \
		-append "console=ttyS0 loglevel=5 panic=-1${VM_APPEND:+ $VM_APPEND}" \
		${VM_QEMU_EXTRA[@]+"${VM_QEMU_EXTRA[@]}"} \
		-chardev "file,id=con,path=$VM_CONSOLE" -serial chardev:con \
		-chardev "socket,id=ctl,path=$VM_DIR/ctl.sock,server=on,wait=off" -serial chardev:ctl \
		-qmp "unix:$VM_DIR/qmp.sock,server=on,wait=off" \
		-device "virtio-balloon-pci,id=balloon0${opts:+,$opts}" \
		> "$VM_DIR/qemu.log" 2>&1 3>&- &
	echo $! > "$VM_DIR/qemu.pid"
	for i in $(seq 1200); do
		grep -q '^vbtool-guest: ready' "$VM_CONSOLE" && return 0
		if ! kill -0 "$(cat "$VM_DIR/qemu.pid")" 2> /dev/null; then
			echo "QEMU exited during boot:" >&2
			cat "$VM_DIR/qemu.log" "$VM_CONSOLE" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "guest did not boot within 120 s; console:" >&2
	tail -n 30 "$VM_CONSOLE" >&2
	return 1
}

vm_shutdown() {
	[ -n "${VM_DIR:-}" ] && [ -f "$VM_DIR/qemu.pid" ] || return 0
	local pid
	pid=$(cat "$VM_DIR/qemu.pid")
	$VMCTL qmp "$VM_DIR/qmp.sock" quit > /dev/null 2>&1 || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill "$pid" 2> /dev/null || true
	rm -rf "$VM_DIR"
}

# guest [TIMEOUT] -- COMMAND: run COMMAND in the guest (use with bats' run).
guest() {
	local timeout=60
	if [ "$1" != -- ]; then
		timeout=$1
		shift
	fi
	shift
	$VMCTL run "$VM_DIR/ctl.sock" "$timeout" "$*"
}

# qmp COMMAND [ARGUMENTS_JSON] [--wait-event NAME [TIMEOUT]]: print "return".
qmp() {
	$VMCTL qmp "$VM_DIR/qmp.sock" "$@"
}

# QEMU's view: bytes of guest RAM left outside the balloon.
balloon_actual_bytes() {
	qmp query-balloon | jq -r .actual
}

# balloon_set MIB: ask for MIB of guest RAM and wait until QEMU's actual
# (what the guest driver reports) gets there.
balloon_set() {
	local want=$(($1 * 1024 * 1024)) got=
	qmp balloon "{\"value\": $want}" > /dev/null || return 1
	for _ in $(seq 600); do
		got=$(balloon_actual_bytes) || return 1
		[ "$got" = "$want" ] && return 0
		sleep 0.2
	done
	echo "balloon did not settle: wanted actual $want, QEMU reports $got" >&2
	return 1
}

# The balloon size QEMU sees, in kB: RAM - actual.
balloon_size_kb() {
	local actual
	actual=$(balloon_actual_bytes) || return 1
	echo $(((VM_RAM_MIB * 1024 * 1024 - actual) / 1024))
}

# debugfs_value KEY: the number (or word) after "KEY: " in the module's file.
debugfs_value() {
	guest -- cat /sys/kernel/debug/vbtool-balloon | sed -n "s/^$1: \([^ ]*\).*/\1/p"
}

# vbtool_or_skip: under make check vbtool is always built first; when a test
# file is run by hand before it is, the vbtool tests skip.
vbtool_or_skip() {
	[ -x "${VBTOOL:-}" ] || skip "vbtool is not built ($VBTOOL): this test needs it in the guest"
	[ "$(cat "$VM_GUEST_DIR/have-vbtool")" = true ] || {
		echo "the guest was built without vbtool" >&2
		return 1
	}
}

# Feature bit numbers by name (../shared reference: virtio_balloon.h,
# virtio_config.h, virtio_ring.h).
declare -gA FEATURE_BIT=(
	[MUST_TELL_HOST]=0 [STATS_VQ]=1 [DEFLATE_ON_OOM]=2 [FREE_PAGE_HINT]=3
	[PAGE_POISON]=4 [REPORTING]=5 [NOTIFY_ON_EMPTY]=24 [ANY_LAYOUT]=27
	[RING_INDIRECT_DESC]=28 [RING_EVENT_IDX]=29 [VERSION_1]=32
	[ACCESS_PLATFORM]=33 [RING_PACKED]=34 [IN_ORDER]=35 [ORDER_PLATFORM]=36
	[SR_IOV]=37 [NOTIFICATION_DATA]=38 [NOTIF_CONFIG_DATA]=39 [RING_RESET]=40
	[ADMIN_VQ]=41
)

# names_to_bits: names on stdin, sorted bit numbers out; unknown names fail.
names_to_bits() {
	local n
	while read -r n; do
		[ -n "$n" ] || continue
		[ -n "${FEATURE_BIT[$n]:-}" ] || { echo "unknown feature name '$n'" >&2; return 1; }
		echo "${FEATURE_BIT[$n]}"
	done | sort -n
}

# The feature bits QEMU says the guest accepted, sorted: its names
# ("VIRTIO_RING_F_EVENT_IDX: ...") and the bits it has no name for.
qemu_guest_feature_bits() {
	local status names unknown bit
	status=$(qmp x-query-virtio-status '{"path": "/machine/peripheral/balloon0/virtio-backend"}') || return 1
	names=$(jq -r '.["guest-features"] | (.transports // []) + (.["dev-features"] // []) | .[]' <<< "$status" |
		sed -E 's/:.*//; s/^VIRTIO_RING_F_/RING_/; s/^VIRTIO_(BALLOON_)?F_//; s/^IOMMU_PLATFORM$/ACCESS_PLATFORM/')
	unknown=$(jq -r '.["guest-features"]["unknown-dev-features"] // 0' <<< "$status")
	{
		names_to_bits <<< "$names" || return 1
		for bit in $(seq 0 63); do
			(((unknown >> bit) & 1)) && echo "$bit"
		done
	} | sort -n
}

# The bits set in a sysfs features string ("0100...").
sysfs_feature_bits() {
	local s=$1 i
	for ((i = 0; i < ${#s}; i++)); do
		[ "${s:i:1}" = 1 ] && echo "$i"
	done
	return 0
}

# Kernel messages that must never appear.
kernel_trouble() {
	grep -E '\b(Oops|BUG|WARNING)\b|general protection fault' "$@"
}
