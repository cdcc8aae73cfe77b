# Shared by tests/qmp*.bats: start paused real QEMUs and fake QMP servers,
# and make sure none outlives its test file.
# Needs: qemu-system-x86_64 (QEMU_SYSTEM), python3, socat, jq.

QMP_HELPERS="$TOP_SRCDIR/tests/qmp"
FAKE_QMP="$QMP_HELPERS/fake_qmp.py"
: "${QEMU_SYSTEM:=$(command -v qemu-system-x86_64 || true)}"

# A short directory: unix socket paths must stay under 108 bytes.
qmp_setup_dir() {
	QDIR=$(mktemp -d /tmp/vbtool-qmp.XXXXXX)
	export QDIR
}

# Kills what this file started (by pid, one by one) and removes QDIR.
qmp_teardown_dir() {
	[ -n "${QDIR:-}" ] || return 0
	if [ -f "$QDIR/pids" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null || true
		done <"$QDIR/pids"
		while read -r pid; do
			for _ in $(seq 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -9 "$pid" 2>/dev/null || true
		done <"$QDIR/pids"
	fi
	rm -rf "$QDIR"
}

have_qemu() {
	[ -n "$QEMU_SYSTEM" ] && [ -x "$QEMU_SYSTEM" ]
}

# For setup_file (where bats cannot skip): fails only on CI, which installs
# qemu-system-x86; elsewhere setup() skips each test (require_qemu).
check_qemu_for_file() {
	have_qemu && return 0
	[ -z "${CI:-}" ] || { echo "qemu-system-x86_64 not found (QEMU_SYSTEM=$QEMU_SYSTEM)" >&2; return 1; }
	return 0
}

require_qemu() {
	have_qemu || skip "qemu-system-x86_64 not installed"
}

# Waits (bounded) for a socket to appear.
wait_socket() {
	for _ in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "socket $1 did not appear" >&2
	return 1
}

# start_qemu NAME [QEMU ARGS...]: a paused VM with its QMP socket at $QDIR/NAME.sock.
start_qemu() {
	local name=$1
	shift
	"$QEMU_SYSTEM" -S -display none -nodefaults -accel tcg -no-user-config \
		-qmp "unix:$QDIR/$name.sock,server=on,wait=off" "$@" \
		>"$QDIR/$name.log" 2>&1 </dev/null 3>&- &
	echo $! >>"$QDIR/pids"
	wait_socket "$QDIR/$name.sock"
}

# start_fake MODE NAME [key=value...]: tests/qmp/fake_qmp.py at $QDIR/NAME.sock.
start_fake() {
	local mode=$1 name=$2
	shift 2
	python3 "$FAKE_QMP" "$mode" "$QDIR/$name.sock" "$@" >"$QDIR/$name.log" 2>&1 </dev/null 3>&- &
	echo $! >>"$QDIR/pids"
	wait_socket "$QDIR/$name.sock"
}

# qmp_raw SOCKET JSON: QEMU's own answer to one command, for expected values.
qmp_raw() {
	printf '{"execute":"qmp_capabilities"}\n%s\n' "$2" |
		socat -t 2 - "UNIX-CONNECT:$1" | sed -n 3p
}
