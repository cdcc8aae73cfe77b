#!/bin/sh
# Benchmark (not a test): `vbtool status` against `cat` of the same files on
# this machine, median wall time over many runs. Target: within 2x.
set -eu
: "${VBTOOL:=./vbtool}"
RUNS=${RUNS:-200}
files="/proc/meminfo /proc/vmstat /proc/pressure/memory /proc/sys/kernel/osrelease /proc/sys/kernel/hostname /proc/uptime"
for d in /sys/bus/virtio/devices/*; do
	for a in device vendor status features; do files="$files $d/$a"; done
done
for f in /sys/kernel/debug/virtio-balloon /sys/kernel/debug/vmmemctl /sys/kernel/debug/hv-balloon; do
	[ -r "$f" ] && files="$files $f"
done
# The kernel log is part of what status reads by default; cat reads it too
# (dd: /dev/kmsg must be read without blocking).
kmsg() { dd if=/dev/kmsg iflag=nonblock bs=8k status=none 2>/dev/null || true; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() { # command...
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
		i=$((i + 1))
	done | median
}
cat_all() { cat $files; kmsg; }
status_cmd() { "$VBTOOL" status; }
status_json() { "$VBTOOL" status --json; }
status_nolog() { "$VBTOOL" status --no-kernel-log; }
status_prom() { "$VBTOOL" status --format prometheus; }
cat_nolog() { cat $files; }

c=$(measure cat_all)
s=$(measure status_cmd)
j=$(measure status_json)
cn=$(measure cat_nolog)
sn=$(measure status_nolog)
echo "files read: $(echo $files | wc -w) plus /dev/kmsg; runs: $RUNS"
echo "median wall time: cat ${c} us, vbtool status ${s} us, status --json ${j} us"
echo "without the kernel log: cat ${cn} us, vbtool status --no-kernel-log ${sn} us"
awk -v s="$s" -v c="$c" -v j="$j" -v sn="$sn" -v cn="$cn" 'BEGIN {
	printf "ratio status/cat: %.2f, json/cat: %.2f, no-log: %.2f (target: within 2x)\n", s / c, j / c, sn / cn }'
# --format prometheus against --json, in the same run, run by run in turn
# so that the other load on the machine hits both alike. Target: within 1.2x.
pairs=$(mktemp)
i=0
while [ $i -lt "$RUNS" ]; do
	for f in status_json status_prom; do
		s=$(date +%s%N)
		$f >/dev/null 2>&1 || true
		e=$(date +%s%N)
		echo "$f $(((e - s) / 1000))"
	done
	i=$((i + 1))
done >"$pairs"
pj=$(awk '$1 == "status_json" { print $2 }' "$pairs" | median)
pp=$(awk '$1 == "status_prom" { print $2 }' "$pairs" | median)
rm -f "$pairs"
echo "median wall time: status --format prometheus ${pp} us, status --json ${pj} us"
awk -v p="$pp" -v j="$pj" 'BEGIN { printf "ratio prometheus/json: %.2f (target: within 1.2x)\n", p / j }'
