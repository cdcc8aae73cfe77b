#!/bin/bash
# make check-vm-matrix: the module's whole guest suite on every kernel that
# kernels.sh lists (Debian 12: 6.1 and 6.12, generic, cloud and rt), each
# guest booting its own kernel with its own virtio modules and the module
# built against its headers. Writes OUT/matrix.md (kernel x test: pass/fail,
# seconds) and OUT/<release>/ (TAP output, console and OOM logs).
#   matrix.sh OUT TEST.bats...   (test paths relative to TOP_SRCDIR)
# Environment: TOP_SRCDIR, TOP_BUILDDIR, VBTOOL; VM_MATRIX_JOBS (default 1):
# kernels run at once (one TCG guest, one CPU each).
set -uo pipefail
OUT=${1:?usage: matrix.sh OUT TEST.bats...}
shift
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
export TOP_SRCDIR TOP_BUILDDIR VBTOOL
JOBS=${VM_MATRIX_JOBS:-1}
mkdir -p "$OUT"
tests=()
for t in "$@"; do
	case $t in /*) tests+=("$t") ;; *) tests+=("$TOP_SRCDIR/$t") ;; esac
done

kernels=$(bash "$TOP_SRCDIR/tests/vm/kernels.sh" "$OUT/cache")
rc=$?
if [ "$rc" = 3 ]; then
	echo "check-vm-matrix: SKIP: no kernel headers installed" >&2
	exit 77
elif [ "$rc" != 0 ]; then
	exit 1
fi

run_kernel() { # run_kernel RELEASE ROOT TEST...
	local r=$1 root=$2 start
	shift 2
	mkdir -p "$OUT/$r"
	start=$(date +%s)
	VM_KERNEL_RELEASE=$r VM_KERNEL_ROOT=${root%/} VM_LOG_DIR=$OUT/$r \
		bats --timing "$@" > "$OUT/$r/tap" 2>&1
	echo $? > "$OUT/$r/status"
	echo $(($(date +%s) - start)) > "$OUT/$r/seconds"
	echo "check-vm-matrix: $r: $(grep -c '^ok' "$OUT/$r/tap") ok, $(grep -c '^not ok' "$OUT/$r/tap") not ok, $(cat "$OUT/$r/seconds") s" >&2
}

start=$(date +%s)
while read -r r root; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run_kernel "$r" "$root" "${tests[@]}" &
done <<< "$kernels"
wait

# The table: one row per test, one column per kernel; "skip" counts as a failure.
releases=$(awk '{ print $1 }' <<< "$kernels")
{
	printf '| test |'
	for r in $releases; do printf ' %s |' "$r"; done
	printf '\n|---|'
	for r in $releases; do printf -- '---|'; done
	printf '\n'
	first=$(awk '{ print $1; exit }' <<< "$kernels")
	sed -nE 's/^(not )?ok [0-9]+ (.*) in [0-9]+ms$/\2/p' "$OUT/$first/tap" | sed 's/ # skip.*//' | while IFS= read -r t; do
		printf '| %s |' "$t"
		for r in $releases; do
			awk -v t="$t" '
				match($0, /^(not )?ok [0-9]+ /) {
					name = substr($0, RLENGTH + 1); res = ($0 ~ /^not ok/) ? "FAIL" : "pass"
					if (name ~ / # skip/) { res = "SKIP"; sub(/ # skip.*/, "", name) }
					ms = name; sub(/.* in /, "", ms); sub(/ms$/, "", ms); sub(/ in [0-9]+ms$/, "", name)
					if (name == t) { printf " %s %.0fs |", res, ms / 1000; found = 1; exit }
				}
				END { if (!found) printf " missing |" }' "$OUT/$r/tap"
		done
		printf '\n'
	done
	printf '| **total** |'
	for r in $releases; do printf ' %s %ss |' "$([ "$(cat "$OUT/$r/status")" = 0 ] && echo pass || echo FAIL)" "$(cat "$OUT/$r/seconds")"; done
	printf '\n\nWall time: %ss, %s kernel(s) at once.\n' "$(($(date +%s) - start))" "$JOBS"
} > "$OUT/matrix.md"
cat "$OUT/matrix.md"
fail=0
for r in $releases; do
	[ "$(cat "$OUT/$r/status")" = 0 ] || fail=1
	grep -q '^ok .* # skip' "$OUT/$r/tap" && fail=1
done
exit $fail
