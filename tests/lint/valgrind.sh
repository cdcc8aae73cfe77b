#!/bin/sh
# make valgrind: runs vbtool's commands under memcheck. A memcheck error or a
# definite leak makes valgrind exit 99 (VALGRIND_FLAGS), which fails this
# script; vbtool's own documented exit statuses (0, 3) are fine.
# Usage: valgrind.sh 'VALGRIND FLAGS' VBTOOL TOP_SRCDIR
set -u
vg=$1 vbtool=$2 srcdir=$3
command -v "${vg%% *}" >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }
fail=0
run() { # run NAME ALLOWED_EXITS CMD...: memcheck one command
	name=$1 allowed=$2
	shift 2
	# shellcheck disable=SC2086
	$vg "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	case " $allowed " in
	*" $rc "*) echo "PASS $name (exit $rc)" ;;
	*) echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$tmp/err"; fail=1 ;;
	esac
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run "status" "0 3" "$vbtool" status
run "status --json" "0 3" "$vbtool" status --json
run "status --sysroot examples/this-machine" "0 3" "$vbtool" --sysroot "$srcdir/examples/this-machine" status --json

log=
for f in "$srcdir"/tests/data/oom/real/*.log /work/shared/samples/oom/*.log; do
	[ -f "$f" ] && { log=$f; break; }
done
if ! "$vbtool" explain-oom --help >/dev/null 2>&1; then
	echo "SKIP explain-oom (not implemented in this build)"
elif [ -z "$log" ]; then
	echo "SKIP explain-oom (no real log in tests/data/oom/real)"
else
	run "explain-oom $(basename "$log")" "0 3" "$vbtool" explain-oom "$log"
	run "explain-oom --json $(basename "$log")" "0 3" "$vbtool" explain-oom --json "$log"
fi

if "$vbtool" top --help >/dev/null 2>&1; then
	TERM=dumb run "top -b -n 2" "0 3" "$vbtool" top -b -n 2
else
	echo "SKIP top (not implemented in this build)"
fi
[ $fail = 0 ] && echo "valgrind: clean"
exit $fail
