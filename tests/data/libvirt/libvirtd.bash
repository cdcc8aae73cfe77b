# A private libvirtd for tests/host-libvirt.bats and bench/host.sh: its own
# sockets (LVDIR/run), so nothing talks to a libvirtd of the machine's, and
# transient domains named "$LV_PREFIX..." that lv_stop destroys. No systemd:
# virtlogd and libvirtd are started here (-d) and killed by pid. libvirt 9.0
# (Debian 12) has no virtqemud. QEMU's logs stay in /var/log/libvirt/qemu.
LV_XML="$TOP_SRCDIR/tests/data/libvirt"

lv_virsh() {
	virsh -q -c "$LIBVIRT_DEFAULT_URI" "$@"
}

# Gives up a start: why in LV_SKIP, the lock and the daemons let go (a
# test file that skips must not leave them: bats waits for them, and the
# next file for the lock).
lv_give_up() {
	LV_SKIP=$1
	lv_stop
	LVDIR=""
}

# Sets LVDIR, LIBVIRT_DEFAULT_URI and LV_PREFIX, or LV_SKIP (why not).
lv_start() {
	LV_SKIP=""
	if [ "$(id -u)" != 0 ]; then LV_SKIP="libvirtd (system mode) needs root"; return 0; fi
	for b in libvirtd virtlogd virsh; do
		command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { LV_SKIP="$b not installed (libvirt-daemon-system, libvirt-clients)"; return 0; }
	done
	LVDIR=$(mktemp -d /tmp/vbtool-lv.XXXXXX)
	mkdir "$LVDIR/run"
	# One libvirtd at a time (the QEMU driver's state is machine-wide): test
	# files run in parallel by make check take turns. A holder process keeps
	# the lock until lv_stop kills it.
	( flock -w 900 9 || exit 1; : >"$LVDIR/locked"; exec sleep 100000 ) \
		9>/tmp/vbtool-libvirtd.lock </dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$LVDIR/lock.pid"
	while [ ! -f "$LVDIR/locked" ]; do
		kill -0 "$(cat "$LVDIR/lock.pid")" 2>/dev/null || { lv_give_up "another libvirtd test held the lock for 900 s"; return 0; }
		sleep 0.2
	done
	cat >"$LVDIR/libvirtd.conf" <<CONF
unix_sock_dir = "$LVDIR/run"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
CONF
	export LIBVIRT_DEFAULT_URI="qemu:///system?socket=$LVDIR/run/libvirt-sock"
	LV_PREFIX="vbt$$-"
	echo "$LV_PREFIX" >"$LVDIR/prefix" # for lv_stop, whoever calls it
	export LVDIR LV_PREFIX
	# virtlogd: one per machine (its socket is fixed); reuse one that runs.
	if PATH="$PATH:/usr/sbin" virtlogd -d -p "$LVDIR/virtlogd.pid" 2>"$LVDIR/virtlogd.err"; then
		sleep 0.2
	fi
	if ! PATH="$PATH:/usr/sbin" libvirtd -d -f "$LVDIR/libvirtd.conf" -p "$LVDIR/libvirtd.pid" 2>"$LVDIR/libvirtd.err"; then
		lv_give_up "libvirtd cannot start: $(head -c 300 "$LVDIR/libvirtd.err")"
		return 0
	fi
	for _ in $(seq 100); do
		lv_virsh version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	lv_give_up "libvirtd did not answer within 10 s (another libvirtd holds the QEMU driver?)"
}

# lv_start in a setup_file. When it gives up, the file's tests skip with the
# reason (its setup() reads $BATS_FILE_TMPDIR/skip; bats cannot skip in
# setup_file), except under CI, which has libvirt: there it returns 1 to
# fail the file. The caller goes on only when LV_SKIP is empty.
lv_start_file() {
	lv_start
	[ -n "$LV_SKIP" ] || return 0
	[ -z "${CI:-}" ] || { echo "$LV_SKIP" >&2; return 1; }
	echo "$LV_SKIP" >"$BATS_FILE_TMPDIR/skip"
}

# Starts a paused transient domain NAME (prefixed) from tests/data/libvirt/XML.
lv_create() {
	local name="$LV_PREFIX$1" xml="$LV_XML/$2"
	sed "s/@NAME@/$name/" "$xml" >"$LVDIR/$1.xml"
	lv_virsh create --paused "$LVDIR/$1.xml" >/dev/null
}

# Destroys every domain this run created, then the daemons, by pid.
lv_stop() {
	[ -n "${LVDIR:-}" ] || return 0
	LV_PREFIX=$(cat "$LVDIR/prefix" 2>/dev/null || true)
	export LIBVIRT_DEFAULT_URI="qemu:///system?socket=$LVDIR/run/libvirt-sock"
	if [ -n "$LV_PREFIX" ] && [ -S "$LVDIR/run/libvirt-sock" ]; then
		for d in $(lv_virsh list --all --name 2>/dev/null | grep "^$LV_PREFIX"); do
			lv_virsh destroy "$d" >/dev/null 2>&1 || true
		done
	fi
	for f in libvirtd virtlogd lock; do
		[ -f "$LVDIR/$f.pid" ] || continue
		pid=$(cat "$LVDIR/$f.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done
	[ -z "$LV_PREFIX" ] || rm -f /var/log/libvirt/qemu/"$LV_PREFIX"*.log
	rm -rf "$LVDIR"
}
