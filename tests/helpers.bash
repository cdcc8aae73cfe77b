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
