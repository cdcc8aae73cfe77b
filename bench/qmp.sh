#!/bin/sh
# status --qmp over many VMs: 16 paused QEMU processes in one call should take
# about as long as one (goal: within 4x). Prints best-of-N wall times.
# Needs qemu-system-x86_64; VBTOOL and TOP_SRCDIR are set by `make bench`.
set -eu
: "${VBTOOL:=./vbtool}"
: "${QEMU_SYSTEM:=$(command -v qemu-system-x86_64 || true)}"
N=16
RUNS=${RUNS:-7}
[ -n "$QEMU_SYSTEM" ] || { echo "bench/qmp.sh: qemu-system-x86_64 not found" >&2; exit 1; }

dir=$(mktemp -d /tmp/vbtool-bench-qmp.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
mkdir "$dir/one" "$dir/all"
i=1
while [ $i -le $N ]; do
	"$QEMU_SYSTEM" -S -display none -nodefaults -accel tcg -no-user-config -name "bench$i" -m 128 \
		-device virtio-balloon-pci,id=balloon0 \
		-qmp "unix:$dir/all/vm$i.sock,server=on,wait=off" >/dev/null 2>&1 </dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
for s in $(seq $N); do
	t=0
	while [ ! -S "$dir/all/vm$s.sock" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
	[ -S "$dir/all/vm$s.sock" ] || { echo "bench/qmp.sh: QEMU $s did not start" >&2; exit 1; }
done
ln -s "$dir/all/vm1.sock" "$dir/one/vm1.sock"

# Best of RUNS, in milliseconds.
best_ms() {
	best=
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		"$VBTOOL" status --qmp "$1" --json >"$dir/out.json"
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
		r=$((r + 1))
	done
	echo "$best"
}

one=$(best_ms "$dir/one")
all=$(best_ms "$dir/all")
# For scale: the same 16 VMs asked one after another, one call each.
seq_best=
r=0
while [ $r -lt 3 ]; do
	t0=$(date +%s%N)
	for s in $(seq $N); do "$VBTOOL" status --qmp "$dir/all/vm$s.sock" --json >/dev/null; done
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	if [ -z "$seq_best" ] || [ "$ms" -lt "$seq_best" ]; then seq_best=$ms; fi
	r=$((r + 1))
done
count=$(jq '[.vms[] | select(.error == null)] | length' "$dir/out.json")
[ "$count" = $N ] || { echo "bench/qmp.sh: only $count of $N VMs answered" >&2; exit 1; }
# Under 1 ms the ratio means nothing: count 1 ms as the floor.
[ "$one" -ge 1 ] || one=1
ratio=$(awk -v a="$all" -v o="$one" 'BEGIN { printf "%.1f", a / o }')
cpus=$(nproc)
echo "status --qmp: 1 VM ${one} ms, $N VMs in one call ${all} ms (best of $RUNS): ${ratio}x (goal: within 4x)"
echo "  for scale: $N calls one after another ${seq_best} ms; $cpus CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if ! awk -v r="$ratio" 'BEGIN { exit !(r <= 4.0) }'; then
	# Each QMP command costs QEMU itself a few hundred microseconds of CPU:
	# with fewer CPUs than that, 16 QEMUs cannot all answer at once.
	if [ "$cpus" -ge 4 ]; then
		echo "bench/qmp.sh: goal missed: more than 4x" >&2
		exit 1
	fi
	echo "  goal missed, but with $cpus CPUs the 16 QEMU processes are the bottleneck (not checked below 4 CPUs)"
fi
