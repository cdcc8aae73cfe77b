#!/bin/sh
# Issue 14's speed goals for the host side, all in one run:
#  - libvirt: 16 paused TCG domains under a private libvirtd; `vbtool status
#    --libvirt` for all 16 no slower than `virsh domstats --balloon`, and 16
#    domains within 2x one;
#  - raw QMP: 16 paused QEMU sockets within 2x one.
# Runs are interleaved (vbtool, virsh, vbtool, ...) so both see the same
# load; best of RUNS wall times. Needs root, libvirt-daemon-system,
# libvirt-clients, qemu-system-x86; VBTOOL and TOP_SRCDIR come from `make bench`.
set -eu
: "${VBTOOL:=./vbtool}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${QEMU_SYSTEM:=$(command -v qemu-system-x86_64 || true)}"
N=16
RUNS=${RUNS:-9}
fail=0

ms_of() { # ms_of COMMAND...: wall milliseconds of one run (output dropped)
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b < 1) b = 1; printf "%.2f", a / b }'; }
within() { awk -v r="$1" -v g="$2" 'BEGIN { exit !(r <= g) }'; }

# --- libvirt ---------------------------------------------------------------
. "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
qdir=""
qpids=""
cleanup() {
	lv_stop || true
	for p in $qpids; do kill "$p" 2>/dev/null || true; done
	for p in $qpids; do wait "$p" 2>/dev/null || true; done
	[ -z "$qdir" ] || rm -rf "$qdir"
}
trap cleanup EXIT INT TERM

lv_start
if [ -n "$LV_SKIP" ]; then
	echo "bench/host.sh: libvirt part not run: $LV_SKIP" >&2
	fail=1
elif ! "$VBTOOL" status --libvirt 2>&1 | grep -q "no running domain"; then
	echo "bench/host.sh: this vbtool cannot ask libvirt (built without it?)" >&2
	fail=1
else
	i=1
	while [ $i -le $N ]; do
		lv_create "b$i" balloon.xml
		i=$((i + 1))
	done
	count=$("$VBTOOL" status --libvirt --json | jq '[.vms[] | select(.error == null and .balloon_device)] | length')
	[ "$count" = $N ] || { echo "bench/host.sh: vbtool saw $count of $N domains" >&2; exit 1; }
	all="" one="" virsh_all=""
	r=0
	while [ $r -lt "$RUNS" ]; do
		all=$(min "$all" "$(ms_of "$VBTOOL" status --libvirt --json)")
		virsh_all=$(min "$virsh_all" "$(ms_of virsh -c "$LIBVIRT_DEFAULT_URI" domstats --balloon)")
		one=$(min "$one" "$(ms_of "$VBTOOL" status --libvirt "${LV_PREFIX}b1" --json)")
		r=$((r + 1))
	done
	rv=$(ratio "$all" "$virsh_all")
	r1=$(ratio "$all" "$one")
	echo "status --libvirt: $N domains ${all} ms, virsh domstats --balloon ${virsh_all} ms (${rv}x; goal <= 1), 1 domain ${one} ms ($N: ${r1}x; goal <= 2) (best of $RUNS)"
	within "$rv" 1.0 || { echo "bench/host.sh: goal missed: slower than virsh domstats" >&2; fail=1; }
	within "$r1" 2.0 || { echo "bench/host.sh: goal missed: $N domains cost more than 2x one" >&2; fail=1; }
	lv_stop
fi

# --- raw QMP ---------------------------------------------------------------
[ -n "$QEMU_SYSTEM" ] || { echo "bench/host.sh: qemu-system-x86_64 not found" >&2; exit 1; }
qdir=$(mktemp -d /tmp/vbtool-bench-host.XXXXXX)
mkdir "$qdir/all"
i=1
while [ $i -le $N ]; do
	"$QEMU_SYSTEM" -S -display none -nodefaults -accel tcg -no-user-config -name "bench$i" -m 128 \
		-device virtio-balloon-pci,id=balloon0 \
		-qmp "unix:$qdir/all/vm$i.sock,server=on,wait=off" >/dev/null 2>&1 </dev/null &
	qpids="$qpids $!"
	i=$((i + 1))
done
i=1
while [ $i -le $N ]; do
	t=0
	while [ ! -S "$qdir/all/vm$i.sock" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
	[ -S "$qdir/all/vm$i.sock" ] || { echo "bench/host.sh: QEMU $i did not start" >&2; exit 1; }
	i=$((i + 1))
done
count=$("$VBTOOL" status --qmp "$qdir/all" --json | jq '[.vms[] | select(.error == null)] | length')
[ "$count" = $N ] || { echo "bench/host.sh: only $count of $N QEMUs answered" >&2; exit 1; }
qall="" qone=""
r=0
while [ $r -lt "$RUNS" ]; do
	qall=$(min "$qall" "$(ms_of "$VBTOOL" status --qmp "$qdir/all" --json)")
	qone=$(min "$qone" "$(ms_of "$VBTOOL" status --qmp "$qdir/all/vm1.sock" --json)")
	r=$((r + 1))
done
rq=$(ratio "$qall" "$qone")
echo "status --qmp: $N sockets ${qall} ms, 1 socket ${qone} ms (${rq}x; goal <= 2) (best of $RUNS)"
within "$rq" 2.0 || { echo "bench/host.sh: goal missed: $N sockets cost more than 2x one" >&2; fail=1; }
echo "  $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
