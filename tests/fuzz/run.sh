#!/bin/sh
# Runs the built fuzz targets (make fuzz-run): FUZZ_TIME seconds each
# (default 600), FUZZ_JOBS at a time (default 2), then prints executions,
# coverage (cov: edges, ft: features) and crashes per target.
# Usage: run.sh BUILD_FUZZ_DIR SRC_FUZZ_DIR [target...]
set -eu
bin=$1 src=$2
shift 2
: "${FUZZ_TIME:=600}" "${FUZZ_JOBS:=2}"
work="$bin/work"
mkdir -p "$work/logs" "$work/artifacts"
# the tree targets write a scratch sysroot per input: keep it in memory
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; export TMPDIR; fi

targets=${*:-$(cd "$bin" && ls fuzz_* 2>/dev/null | grep -v '\.' || true)}
run_one() {
	t=$1
	mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
	case $t in
	fuzz_kmsg) extra="-max_len=40000 -len_control=0" ;; # lines past the capture reader's 16 KiB buffer
	fuzz_status_tree) extra=-max_len=65536 ;;
	*) extra= ;;
	esac
	"$bin/$t" $extra -max_total_time="$FUZZ_TIME" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-dict="$src/vbtool.dict" -artifact_prefix="$work/artifacts/$t/" -close_fd_mask=1 \
		"$work/corpus/$t" "$src/corpus/$t" >"$work/logs/$t.log" 2>&1 || true
}
set -- $targets
while [ $# -gt 0 ]; do
	pids=""
	i=0
	while [ $i -lt "$FUZZ_JOBS" ] && [ $# -gt 0 ]; do
		run_one "$1" &
		pids="$pids $!"
		shift
		i=$((i + 1))
	done
	wait $pids
done

printf '%-20s %12s %8s %8s %s\n' target executions cov ft crashes
for t in $targets; do
	log="$work/logs/$t.log"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	crashes=$(ls "$work/artifacts/$t" 2>/dev/null | wc -l)
	printf '%-20s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
done
