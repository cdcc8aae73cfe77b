# Shared by every bats file: bats-support/bats-assert from Debian, and where
# the binary and the source tree are (set by make check; sensible defaults
# for running a .bats file by hand from the build directory).
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${TOP_SRCDIR:=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)}"
: "${TOP_BUILDDIR:=$PWD}"
: "${VBTOOL:=$TOP_BUILDDIR/vbtool}"
export TOP_SRCDIR TOP_BUILDDIR VBTOOL
DATA="$TOP_SRCDIR/tests/data"
EXAMPLES="$TOP_SRCDIR/examples"
export DATA EXAMPLES

# jq is used to check JSON; a missing jq is a setup error, not a skip.
jqr() { jq -r "$@"; }

# make_var NAME: a variable of the build's Makefile, expanded by make (an
# installation directory, e.g., as configure set it: distcheck moves them).
make_var() {
	# under make check (distcheck) the outer make's flags would add
	# "Entering directory" lines: a clean make prints only the value
	printf 'vbtool-print-var:\n\t@echo $(%s)\n' "$1" |
		MAKEFLAGS= MAKELEVEL= make --no-print-directory -s -C "$TOP_BUILDDIR" -f Makefile -f - vbtool-print-var
}

# configured_with OPTION: configure was run with this option (so a default
# the test would check was replaced on purpose, as distcheck does).
configured_with() {
	grep -q -- "$1" "$TOP_BUILDDIR/config.status"
}

# fifo_json FIFO FILE OUT: vbtool explain-oom --json reads FILE through the
# named pipe FIFO (made here) into OUT; its exit status, 1 when it still
# runs after 20 s. This shell opens the FIFO first (O_RDWR does not wait for
# a reader) and writes FILE, which must fit in the pipe buffer, and lets go
# only once vbtool holds the FIFO: vbtool reads a FIFO with no writer as
# empty, so a writer started in the background may come too late.
fifo_json() {
	local fifo=$1 file=$2 out=$3 pid rc
	mkfifo "$fifo"
	exec 4<>"$fifo"
	cat "$file" >&4
	"$VBTOOL" explain-oom --json "$fifo" >"$out" 4>&- &
	pid=$!
	for _ in $(seq 100); do
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$fifo" && break
		sleep 0.1
	done
	exec 4>&- # the last writer leaves: vbtool reads to the end
	for _ in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null && { echo "vbtool still running"; return 1; }
	wait "$pid" && rc=0 || rc=$?
	return "$rc"
}
