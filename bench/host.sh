#!/bin/sh
# Issue 14's speed goals for the host side, all in one run:
#  - libvirt: 16 paused TCG domains under a private libvirtd; `vbtool status
#    --libvirt` for all 16 no slower than `virsh domstats --balloon`, and 16
#    domains within 2x one;
#  - raw QMP: 16 paused QEMU sockets within 2x one;
#  - issue 15: `--format prometheus` meets the same figures (16 within 2x one,
#    libvirt no slower than virsh domstats) and costs at most 1.2x `--json`.
# Also printed: QEMU's own CPU time for one `status --qmp` (the QMP part's
# floor: N QEMUs need N times it, shared by the CPUs there are).
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
goal() { # goal RATIO LIMIT WHAT: complain (and fail at the end) when missed
	within "$1" "$2" || { echo "bench/host.sh: goal missed: $3 (${1}x, goal <= $2)" >&2; fail=1; }
}
cpu_ns() { # cpu_ns PID: nanoseconds on a CPU, all of its threads
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}

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
	all="" one="" virsh_all="" pall="" pone=""
	r=0
	while [ $r -lt "$RUNS" ]; do
		all=$(min "$all" "$(ms_of "$VBTOOL" status --libvirt --json)")
		virsh_all=$(min "$virsh_all" "$(ms_of virsh -c "$LIBVIRT_DEFAULT_URI" domstats --balloon)")
		one=$(min "$one" "$(ms_of "$VBTOOL" status --libvirt "${LV_PREFIX}b1" --json)")
		pall=$(min "$pall" "$(ms_of "$VBTOOL" status --libvirt --format prometheus)")
		pone=$(min "$pone" "$(ms_of "$VBTOOL" status --libvirt "${LV_PREFIX}b1" --format prometheus)")
		r=$((r + 1))
	done
	rv=$(ratio "$all" "$virsh_all")
	r1=$(ratio "$all" "$one")
	echo "status --libvirt: $N domains ${all} ms, virsh domstats --balloon ${virsh_all} ms (${rv}x; goal <= 1), 1 domain ${one} ms ($N: ${r1}x; goal <= 2) (best of $RUNS)"
	goal "$rv" 1.0 "status --libvirt slower than virsh domstats"
	goal "$r1" 2.0 "status --libvirt: $N domains cost more than 2x one"
	pv=$(ratio "$pall" "$virsh_all") p1=$(ratio "$pall" "$pone") pj=$(ratio "$pall" "$all")
	echo "status --libvirt --format prometheus: $N domains ${pall} ms (${pv}x virsh domstats; goal <= 1), 1 domain ${pone} ms ($N: ${p1}x; goal <= 2), ${pj}x --json (goal <= 1.2) (best of $RUNS)"
	goal "$pv" 1.0 "--libvirt --format prometheus slower than virsh domstats"
	goal "$p1" 2.0 "--libvirt --format prometheus: $N domains cost more than 2x one"
	goal "$pj" 1.2 "--libvirt --format prometheus costs more than 1.2x --json"
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
qall="" qone="" qpall="" qpone="" qcpu=""
qpid1=${qpids# }
qpid1=${qpid1%% *}
r=0
while [ $r -lt "$RUNS" ]; do
	qall=$(min "$qall" "$(ms_of "$VBTOOL" status --qmp "$qdir/all" --json)")
	c0=$(cpu_ns "$qpid1")
	qone=$(min "$qone" "$(ms_of "$VBTOOL" status --qmp "$qdir/all/vm1.sock" --json)")
	qcpu=$(min "$qcpu" $(($(cpu_ns "$qpid1") - c0)))
	qpall=$(min "$qpall" "$(ms_of "$VBTOOL" status --qmp "$qdir/all" --format prometheus)")
	qpone=$(min "$qpone" "$(ms_of "$VBTOOL" status --qmp "$qdir/all/vm1.sock" --format prometheus)")
	r=$((r + 1))
done
rq=$(ratio "$qall" "$qone")
qp1=$(ratio "$qpall" "$qpone") qpj=$(ratio "$qpall" "$qall")
# QEMU reads QMP input one byte per main-loop turn: its CPU time per status
# grows with the bytes vbtool sends; N of them share $(nproc) CPUs. Where
# that floor is above 2x one socket, the goal cannot be met here: printed,
# not checked (as bench/qmp.sh does below 4 CPUs).
floor=$(awk -v c="$qcpu" -v n=$N -v p="$(nproc)" 'BEGIN { printf "%.0f", c / 1e6 * n / p }')
qgoal() { # qgoal RATIO WHAT
	if [ "$floor" -gt $((2 * qone)) ]; then
		within "$1" 2.0 || echo "  not checked here: $2 (${1}x, goal <= 2): the QEMUs' own CPU needs at least ${floor} ms on $(nproc) CPUs"
	else
		goal "$1" 2.0 "$2"
	fi
}
echo "status --qmp: $N sockets ${qall} ms, 1 socket ${qone} ms (${rq}x; goal <= 2) (best of $RUNS)"
qgoal "$rq" "status --qmp: $N sockets cost more than 2x one"
echo "status --qmp --format prometheus: $N sockets ${qpall} ms, 1 socket ${qpone} ms (${qp1}x; goal <= 2), ${qpj}x --json (goal <= 1.2) (best of $RUNS)"
qgoal "$qp1" "--qmp --format prometheus: $N sockets cost more than 2x one"
goal "$qpj" 1.2 "--qmp --format prometheus costs more than 1.2x --json"
awk -v c="$qcpu" -v n=$N -v p="$(nproc)" -v f="$floor" 'BEGIN {
	printf "  QEMU CPU per status --qmp: %.2f ms (least of '"$RUNS"'); %d QEMUs on %d CPUs: at least %d ms of wall time\n", c / 1e6, n, p, f
}'
echo "  $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
