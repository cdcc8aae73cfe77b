#!/bin/sh
# Benchmark (not a test): the cost of one `vbtool top` refresh on this
# machine. Batch mode with a zero delay over many frames, text and JSON;
# CPU (user + system) per frame from /usr/bin/time, and the peak RSS.
# Goals (issue 5): at most 1 ms of CPU per refresh, at most 8 MiB RSS.
set -eu
: "${VBTOOL:=./vbtool}"
FRAMES=${FRAMES:-5000}
[ -x /usr/bin/time ] || { echo "bench/top.sh: /usr/bin/time (Debian: time) is needed" >&2; exit 1; }
out=$(mktemp /tmp/vbtool-bench-top.XXXXXX)
trap 'rm -f "$out"' EXIT INT TERM

# prints: frames, CPU ms per frame, peak RSS in KiB
run() { # label, top options...
	label=$1
	shift
	/usr/bin/time -f '%U %S %M' -o "$out" "$VBTOOL" top -b -d 0 -n "$FRAMES" "$@" >/dev/null
	read -r user sys rss <"$out"
	awk -v l="$label" -v n="$FRAMES" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		ms = (u + s) * 1000 / n
		printf "%-6s %d frames: %.3f ms CPU per refresh (user %.2fs, sys %.2fs), peak RSS %.1f MiB (%d KiB)%s\n",
			l, n, ms, u, s, r / 1024, r, (ms <= 1 && r <= 8192) ? "" : "  OVER BUDGET"
	}'
}
run text
run json --json
