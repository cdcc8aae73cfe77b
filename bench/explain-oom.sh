#!/bin/sh
# explain-oom speed and memory (make bench). Builds a 1 GiB kernel log at run
# time (never committed): ordinary kernel chatter with real and synthetic OOM
# reports mixed in, then, from the page cache, times
#   grep -c 'invoked oom-killer' FILE     (the yardstick)
#   vbtool explain-oom --json FILE        (wall time, GiB/s, peak RSS)
# Targets (issue 3): >= 1 GiB/s, wall time within 2x grep, peak RSS <= 16 MiB.
# Env: VBTOOL, TOP_SRCDIR (set by make bench), BENCH_DIR (default
# ${TMPDIR:-/tmp}), BENCH_MB (default 1024), BENCH_KEEP=1 keeps the file.
set -eu

VBTOOL=${VBTOOL:-./vbtool}
TOP_SRCDIR=${TOP_SRCDIR:-.}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
BENCH_MB=${BENCH_MB:-1024}
DATA=$TOP_SRCDIR/tests/data/oom

work=$(mktemp -d "$BENCH_DIR/vbtool-bench-oom.XXXXXX")
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT INT TERM

# One block: ~8 MiB of chatter around two OOM reports (a raw dmesg one and
# a journalctl one), repeated to the wanted size.
awk 'BEGIN {
	srand(7)
	n = split("EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)|" \
		"usb 1-1: new high-speed USB device number 2 using ehci-pci|" \
		"IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready|" \
		"audit: type=1400 audit(1336819382.674:14): apparmor=\"STATUS\" operation=\"profile_replace\" name=\"/usr/sbin/mysqld\" pid=7602 comm=\"apparmor_parser\"|" \
		"e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: RX|" \
		"systemd[1]: Started Session 42 of user root.|" \
		"nf_conntrack: default automatic helper assignment has been turned off for security reasons|" \
		"TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.|" \
		"sd 2:0:0:0: [sda] 41943040 512-byte logical blocks: (21.5 GB/20.0 GiB)|" \
		"loop0: detected capacity change from 0 to 8|" \
		"perf: interrupt took too long (2503 > 2500), lowering kernel.perf_event_max_sample_rate to 79750|" \
		"device veth3c1d2e4 entered promiscuous mode|" \
		"docker0: port 2(veth3c1d2e4) entered forwarding state|" \
		"kauditd_printk_skb: 12 callbacks suppressed|" \
		"Booting paravirtualized kernel on KVM|" \
		"BTRFS info (device vda2): disk space caching is enabled", msgs, "|")
	t = 0
	for (i = 0; i < 70000; i++) {
		t += 0.0137
		printf("[%12.6f] %s\n", t, msgs[int(rand() * n) + 1])
	}
}' >"$work/chatter"
split -n l/2 "$work/chatter" "$work/part."
cat "$work/part.aa" "$DATA/synthetic/v6.8-tasktable-global.log" "$work/part.ab" \
	"$DATA/synthetic/v6.15-node-balloon-global.log" >"$work/block"
block_bytes=$(wc -c <"$work/block")
want=$((BENCH_MB * 1024 * 1024))
: >"$work/log"
size=0
while [ "$size" -lt "$want" ]; do
	cat "$work/block" >>"$work/log"
	size=$((size + block_bytes))
done
rm -f "$work/chatter" "$work/part."* "$work/block"
mib=$((size / 1024 / 1024))

now() { date +%s.%N; }
cat "$work/log" >/dev/null # into the page cache
cat "$work/log" >/dev/null

t0=$(now)
matches=$(grep -c 'invoked oom-killer' "$work/log")
t1=$(now)
grep_s=$(echo "$t1 - $t0" | bc -l)

if [ -x /usr/bin/time ]; then
	t0=$(now)
	/usr/bin/time -f '%M' -o "$work/rss" "$VBTOOL" explain-oom --json "$work/log" >"$work/out.json" || [ $? -eq 3 ]
	t1=$(now)
	rss_kb=$(tail -n 1 "$work/rss")
else
	t0=$(now)
	"$VBTOOL" explain-oom --json "$work/log" >"$work/out.json" || [ $? -eq 3 ]
	t1=$(now)
	rss_kb=unknown
fi
vb_s=$(echo "$t1 - $t0" | bc -l)
events=$(grep -c '"verdict"' "$work/out.json" || true)

gibs=$(echo "$size / 1073741824 / $vb_s" | bc -l)
ratio=$(echo "$vb_s / $grep_s" | bc -l)
printf 'explain-oom bench: %d MiB log, %d "invoked oom-killer" lines, %d events reported\n' "$mib" "$matches" "$events"
printf '  grep -c:      %.3f s\n' "$grep_s"
printf '  explain-oom:  %.3f s = %.2f GiB/s, %.2fx grep, peak RSS %s kB\n' "$vb_s" "$gibs" "$ratio" "$rss_kb"
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }
printf '  target >= 1 GiB/s: %s; within 2x grep: %s; RSS <= 16 MiB: %s\n' \
	"$(verdict "$(echo "$gibs >= 1" | bc -l)")" \
	"$(verdict "$(echo "$ratio <= 2" | bc -l)")" \
	"$(if [ "$rss_kb" = unknown ]; then echo unknown; else verdict "$(echo "$rss_kb <= 16384" | bc -l)"; fi)"
[ "$events" -eq "$matches" ] || { echo "  events ($events) != invoked lines ($matches)" >&2; exit 1; }
