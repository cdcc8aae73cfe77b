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

# ---- a booted guest under libvirt (host-libvirt-vm.bats, -vmem-vm.bats) ----
# The guest test bed of tests/vm (mkguest.sh; the file loads vm/vm) booted
# as domain NAME from tests/data/libvirt/XML, for a whole test file. What a
# test needs goes through files in $BATS_FILE_TMPDIR: skip (the reason),
# guestdir, lvdir.

# lv_guest_setup_file NAME XML [MODULE]: in setup_file. MODULE: a module the
# guest must load (mkguest.sh's VM_EXTRA_MODULES), from Debian's 6.1 kernel
# when installed. Returns 1 only to fail the file.
lv_guest_setup_file() {
	local name=$1 xml=$2 module=${3:-} r
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h" || { echo "no libvirt" >"$BATS_FILE_TMPDIR/skip"; return 0; }
	# a booted guest, as in tests/vm: not again in the sanitizer build
	if [ -n "${VBTOOL_SKIP_VM:-}" ]; then
		echo "VBTOOL_SKIP_VM is set (the guest tests ran in another build)" >"$BATS_FILE_TMPDIR/skip"
		return 0
	fi
	G=$(mktemp -d /tmp/vbtool-lvg.XXXXXX)
	chmod 0777 "$G" # libvirt's QEMU user reads the guest's files
	if [ -n "$module" ]; then
		for r in $(ls /lib/modules 2>/dev/null | grep -E '^6\.1\.[0-9]+-[0-9]+-amd64$' | sort -rV); do
			: "${VM_KERNEL_RELEASE:=$r}"
		done
		export VM_KERNEL_RELEASE
	fi
	if ! VM_EXTRA_MODULES=$module bash "$VM_SRC/mkguest.sh" "$G" >"$BATS_FILE_TMPDIR/mkguest.log" 2>&1; then
		echo "guest test bed: $(tail -n 1 "$BATS_FILE_TMPDIR/mkguest.log")" >"$BATS_FILE_TMPDIR/skip"
		rm -rf "$G"
		return 0
	fi
	if [ -n "$module" ] && ! grep -qw "$module" "$G/extra-modules" 2>/dev/null; then
		echo "the guest test bed has no $module module (mkguest.sh without VM_EXTRA_MODULES)" >"$BATS_FILE_TMPDIR/skip"
		rm -rf "$G"
		return 0
	fi
	chmod -R a+rX "$G"
	echo "$G" >"$BATS_FILE_TMPDIR/guestdir"
	lv_start_file || return 1
	[ -z "$LV_SKIP" ] || return 0
	echo "$LVDIR" >"$BATS_FILE_TMPDIR/lvdir"
	sed -e "s/@NAME@/${LV_PREFIX}$name/" -e "s|@DIR@|$G|g" "$LV_XML/$xml" >"$LVDIR/$name.xml"
	lv_virsh create "$LVDIR/$name.xml" >/dev/null
	for _ in $(seq 1200); do
		grep -q '^vbtool-guest: ready' "$G/console.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "guest did not boot within 120 s" >&2
	tail -n 20 "$G/console.log" >&2
	return 1
}

# In teardown_file: the domain, the daemons and the guest's files go.
lv_guest_teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/lvdir" ]; then
		LVDIR=$(cat "$BATS_FILE_TMPDIR/lvdir")
		lv_stop
	fi
	[ ! -f "$BATS_FILE_TMPDIR/guestdir" ] || rm -rf "$(cat "$BATS_FILE_TMPDIR/guestdir")"
}

# lv_guest_setup NAME: in setup: skips with the file's reason, else sets G,
# VM_DIR (vm.bash's guest() talks to $VM_DIR/ctl.sock) and D, the domain.
lv_guest_setup() {
	[ ! -f "$BATS_FILE_TMPDIR/skip" ] || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	G=$(cat "$BATS_FILE_TMPDIR/guestdir")
	VM_DIR=$G
	D=${LV_PREFIX}$1
}
