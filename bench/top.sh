#!/bin/sh
# Benchmark (not a test): the cost of one `vbtool top` refresh on this
# machine. Batch mode with a zero delay over many frames, text and JSON;
# CPU (user + system) per frame from /usr/bin/time, and the peak RSS.
# Goals (issue 5): at most 1 ms of CPU per refresh, at most 8 MiB RSS;
# (issue 12) at most 0.25 ms, and at most 2x a plain C loop that reads the
# same changing files (meminfo, vmstat, pressure, each virtio balloon's
# status and features) once per iteration, measured in the same run.
set -eu
: "${VBTOOL:=./vbtool}"
FRAMES=${FRAMES:-5000}
[ -x /usr/bin/time ] || { echo "bench/top.sh: /usr/bin/time (Debian: time) is needed" >&2; exit 1; }
out=$(mktemp /tmp/vbtool-bench-top.XXXXXX)
dir=$(mktemp -d /tmp/vbtool-bench-top.XXXXXX)
trap 'rm -f "$out"; rm -rf "$dir"' EXIT INT TERM

# prints: frames, CPU ms per frame, peak RSS in KiB
run() { # label, top options...
	label=$1
	shift
	/usr/bin/time -f '%U %S %M' -o "$out" "$VBTOOL" top -b -d 0 -n "$FRAMES" "$@" >/dev/null
	read -r user sys rss <"$out"
	awk -v l="$label" -v n="$FRAMES" -v u="$user" -v s="$sys" -v r="$rss" -v b="${base:-0}" 'BEGIN {
		ms = (u + s) * 1000 / n
		ratio = b > 0 ? sprintf(", %.1fx the loop", ms / b) : ""
		printf "%-6s %d frames: %.3f ms CPU per refresh (user %.2fs, sys %.2fs), peak RSS %.1f MiB (%d KiB)%s%s\n",
			l, n, ms, u, s, r / 1024, r, ratio,
			(ms <= 0.25 && r <= 8192 && (b <= 0 || ms <= 2 * b)) ? "" : "  OVER BUDGET"
	}'
}
# The plain loop: each changing file read whole into a buffer, nothing else.
files="/proc/meminfo /proc/vmstat"
[ -r /proc/pressure/memory ] && files="$files /proc/pressure/memory"
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device" 2>/dev/null)" = 0x0005 ] && files="$files $d/status $d/features"
done
cat >"$dir/loop.c" <<'EOF'
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static char buf[1 << 20];
	long n = atol(argv[1]);
	for (long i = 0; i < n; i++)
		for (int f = 2; f < argc; f++) {
			int fd = open(argv[f], O_RDONLY);
			if (fd < 0)
				return 1;
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
	return 0;
}
EOF
base=
if ${CC:-cc} -O2 -o "$dir/loop" "$dir/loop.c" 2>/dev/null; then
	# shellcheck disable=SC2086
	/usr/bin/time -f '%U %S' -o "$out" "$dir/loop" "$FRAMES" $files
	read -r user sys <"$out"
	base=$(awk -v n="$FRAMES" -v u="$user" -v s="$sys" 'BEGIN { printf "%.4f", (u + s) * 1000 / n }')
	echo "loop   $FRAMES iterations: $base ms CPU per iteration, $(echo $files | wc -w) files: $files"
else
	echo "loop   no C compiler (CC=${CC:-cc}): no baseline"
fi

run text
run json --json
