#!/bin/sh
# Turns a captured tree (examples/*, tests/data/bad/*) into one fuzz_status_tree
# input: its files in the target's section order, separated by "\n%%\n".
# Usage: mkseed-tree.sh TREE > SEED
set -eu
t=$1
dev=$(ls -d "$t"/sys/bus/virtio/devices/* 2>/dev/null | head -1)
sep() { printf '\n%%%%\n'; }
part() { [ -f "$1" ] && head -c "${2:-4096}" "$1" || true; sep; }
part "$t/proc/meminfo"
part "$t/proc/vmstat"
part "$t/proc/pressure/memory"
part "$t/sys/kernel/debug/virtio-balloon"
part "$t/sys/kernel/debug/vbtool-balloon"
part "$t/sys/kernel/debug/vmmemctl"
part "$t/sys/kernel/debug/hv-balloon"
part "$t/vbtool/kmsg" 1500
for a in device vendor status features; do part "${dev:-/nonexistent}/$a"; done
if [ -n "$dev" ] && [ -L "$dev/driver" ]; then readlink "$dev/driver" | tr -d '\n'; fi; sep
if [ -n "$dev" ] && [ -L "$dev" ]; then readlink "$dev" | tr -d '\n'; fi; sep
part "$t/vbtool/pagesize"
part "$t/proc/uptime"
part "$t/proc/sys/kernel/osrelease"
[ -f "$t/vbtool/debugfs" ] && cat "$t/vbtool/debugfs" || true
