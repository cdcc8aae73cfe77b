#!/bin/sh
# explain-oom speed and memory (make bench). Builds two 1 GiB kernel logs at
# run time (never committed):
#   sparse: ordinary kernel chatter with two OOM reports every ~8 MiB;
#   dense:  one OOM report every ~300 KiB of chatter, in many formats (every
#           log of tests/data/oom/real and several synthetic ones: dmesg,
#           dmesg -T/-x, journalctl, syslog/kern.log, /dev/kmsg, memcg,
#           6.x task tables, 2.6/3.x kill lines, wrapped mail pastes).
# Then, from the page cache, on each log, best of 3 runs each:
#   grep -c 'invoked oom-killer' FILE            (the yardstick)
#   vbtool explain-oom [--json|--brief] FILE     (wall time, GiB/s, peak RSS)
#   vbtool explain-oom --html OUT FILE           (its cost and the page size)
# Targets (issue 11, not for --html): wall time <= 1.0x grep, >= 1 GiB/s,
# peak RSS <= 16 MiB.
# Also checks that the events found scale with the log (none lost at buffer
# edges). Exit 1 when a check fails; a missed speed target is only printed
# (a shared machine is noisy).
# Env: VBTOOL, TOP_SRCDIR (set by make bench), BENCH_DIR (default
# ${TMPDIR:-/tmp}), BENCH_MB (default 1024), BENCH_KEEP=1 keeps the files,
# BENCH_LOGS (default "sparse dense"), BENCH_MODES (default "text json brief
# html").
set -eu

VBTOOL=${VBTOOL:-./vbtool}
TOP_SRCDIR=${TOP_SRCDIR:-.}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
BENCH_MB=${BENCH_MB:-1024}
BENCH_LOGS=${BENCH_LOGS:-sparse dense}
BENCH_MODES=${BENCH_MODES:-text json brief html}
DATA=$TOP_SRCDIR/tests/data/oom

work=$(mktemp -d "$BENCH_DIR/vbtool-bench-oom.XXXXXX")
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT INT TERM

# chatter LINES SEED: ordinary kernel messages with dmesg timestamps
chatter() {
	awk -v lines="$1" -v seed="$2" 'BEGIN {
	srand(seed)
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
	for (i = 0; i < lines; i++) {
		t += 0.0137
		printf("[%12.6f] %s\n", t, msgs[int(rand() * n) + 1])
	}
}'
}

# Sparse block: ~8 MiB of chatter around two reports (raw dmesg, journalctl).
sparse_block() {
	chatter 70000 7 >"$work/chatter"
	split -n l/2 "$work/chatter" "$work/part."
	cat "$work/part.aa" "$DATA/synthetic/v6.8-tasktable-global.log" "$work/part.ab" \
		"$DATA/synthetic/v6.15-node-balloon-global.log"
	rm -f "$work/chatter" "$work/part."*
}

# Dense block: each report log after ~300 KiB (3800 lines) of chatter.
DENSE_SYNTHETIC="v6.8-tasktable-global v6.15-node-balloon-global kmsg-records-global
cpuset-constraint mempolicy-constraint serial-console-fragmentation
vbtool-module-inflated-free-deflate-on virtuozzo-inflated-before-invoked"
dense_block() {
	set -- "$DATA"/real/*.log
	for f in $DENSE_SYNTHETIC; do set -- "$@" "$DATA/synthetic/$f.log"; done
	chatter $((3800 * $#)) 11 >"$work/chatter"
	split -l 3800 -a 3 "$work/chatter" "$work/piece."
	set -- "$work"/piece.* -- "$@"
	# pair piece i with log i
	n=0
	for a in "$@"; do [ "$a" = -- ] && break; n=$((n + 1)); done
	i=0
	for p in "$@"; do
		[ "$p" = -- ] && break
		i=$((i + 1))
		eval "l=\${$((n + 1 + i))}"
		cat "$p" "$l"
	done
	rm -f "$work/chatter" "$work/piece."*
}

# fill BLOCK OUT MB: BLOCK repeated to at least MB MiB; prints the count
fill() {
	bb=$(wc -c <"$1")
	want=$(($3 * 1024 * 1024))
	: >"$2"
	size=0
	reps=0
	while [ "$size" -lt "$want" ]; do
		cat "$1" >>"$2"
		size=$((size + bb))
		reps=$((reps + 1))
	done
	echo "$reps"
}

now() { date +%s.%N; }
min() { echo "$1 $2" | awk '{ print ($1 < $2) ? $1 : $2 }'; }
# every event, also those past the 2048 the JSON keeps
events_of() { "$VBTOOL" explain-oom --json "$1" 2>/dev/null | jq '.summary.events'; }
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }

status=0
for kind in $BENCH_LOGS; do
	"${kind}_block" >"$work/block"
	cat "$work/block" "$work/block" >"$work/block2"
	reps=$(fill "$work/block" "$work/log" "$BENCH_MB")
	size=$(wc -c <"$work/log")
	mib=$((size / 1024 / 1024))
	# events must scale with the blocks: e1 + (reps - 1) * (e2 - e1)
	e1=$(events_of "$work/block")
	e2=$(events_of "$work/block2")
	want_events=$((e1 + (reps - 1) * (e2 - e1)))
	rm -f "$work/block" "$work/block2"

	cat "$work/log" >/dev/null # into the page cache
	cat "$work/log" >/dev/null
	grep_s=999
	for r in 1 2 3; do
		t0=$(now)
		matches=$(grep -c 'invoked oom-killer' "$work/log")
		t1=$(now)
		grep_s=$(min "$grep_s" "$(echo "$t1 - $t0" | bc -l)")
	done
	printf 'explain-oom bench, %s log: %d MiB, %d "invoked oom-killer" lines, %d events expected\n' \
		"$kind" "$mib" "$matches" "$want_events"
	printf '  grep -c:              %.3f s\n' "$grep_s"
	for mode in $BENCH_MODES; do
		case $mode in
		text) opt= ;;
		html) opt="--html $work/page.html" ;;
		*) opt=--$mode ;;
		esac
		vb_s=999
		rss_kb=0
		for r in 1 2 3; do
			t0=$(now)
			if [ -x /usr/bin/time ]; then
				/usr/bin/time -f '%M' -o "$work/rss" "$VBTOOL" explain-oom $opt "$work/log" \
					>"$work/out.$mode" || [ $? -eq 3 ]
			else
				"$VBTOOL" explain-oom $opt "$work/log" >"$work/out.$mode" || [ $? -eq 3 ]
			fi
			t1=$(now)
			vb_s=$(min "$vb_s" "$(echo "$t1 - $t0" | bc -l)")
			if [ -x /usr/bin/time ]; then
				r_kb=$(tail -n 1 "$work/rss")
				[ "$r_kb" -gt "$rss_kb" ] && rss_kb=$r_kb
			else
				rss_kb=unknown
			fi
		done
		gibs=$(echo "$size / 1073741824 / $vb_s" | bc -l)
		ratio=$(echo "$vb_s / $grep_s" | bc -l)
		if [ "$mode" = html ]; then
			printf '  explain-oom --html    %.3f s = %.2f GiB/s, %.2fx grep, peak RSS %s kB, page %d kB\n' \
				"$vb_s" "$gibs" "$ratio" "$rss_kb" $(($(wc -c <"$work/page.html") / 1024))
			continue
		fi
		printf '  explain-oom %-8s  %.3f s = %.2f GiB/s, %.2fx grep, peak RSS %s kB: ' \
			"${opt:-(text)}" "$vb_s" "$gibs" "$ratio" "$rss_kb"
		printf '>= 1 GiB/s %s; <= 1.0x grep %s; RSS <= 16 MiB %s\n' \
			"$(verdict "$(echo "$gibs >= 1" | bc -l)")" \
			"$(verdict "$(echo "$ratio <= 1" | bc -l)")" \
			"$(if [ "$rss_kb" = unknown ]; then echo unknown; else verdict "$(echo "$rss_kb <= 16384" | bc -l)"; fi)"
		if [ "$mode" = json ]; then
			events=$(jq '.summary.events' "$work/out.json")
			if [ "$events" -ne "$want_events" ]; then
				echo "  $kind: events ($events) != expected ($want_events)" >&2
				status=1
			fi
			if [ "$kind" = sparse ] && [ "$events" -ne "$matches" ]; then
				echo "  $kind: events ($events) != invoked lines ($matches)" >&2
				status=1
			fi
		fi
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		mv "$work/log" "$work/$kind.log"
		echo "  kept $work/$kind.log"
	fi
	rm -f "$work/log" "$work/out."* "$work/page.html"
done
exit $status
