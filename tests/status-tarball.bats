#!/usr/bin/env bats
# Issue #12: --sysroot takes a collect tarball directly (.tar, .tar.gz,
# .tar.xz, .tar.zst). The truth is the same tarball unpacked by tar(1): status
# and top read the same tree either way. Hostile tarballs (made here with
# Python's tarfile) are refused whole, in one error, before anything is read,
# write nothing outside the private folder, and leave no folder behind.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
	W="$BATS_TEST_TMPDIR/work"
	mkdir -p "$W"
}

# The private folders vbtool made under TMPDIR and did not remove.
leftovers() {
	sleep 0.2 # the remover runs when vbtool ends
	find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'vbtool-sysroot-*'
}

collect_here() {
	(cd "$W" && "$VBTOOL" collect -o "$W/c.tar.gz" 2>/dev/null)
	mkdir -p "$W/x"
	tar -xzf "$W/c.tar.gz" -C "$W/x"
	D=$(echo "$W"/x/vbtool-collect-*)
	[ -d "$D" ]
}

# status --json without the sysroot field (the one thing that differs)
js() { "$VBTOOL" status --sysroot "$1" --json --no-kernel-log | jq -S 'del(.sysroot)'; }

@test "tarball: status reads a real collect tarball of this machine as the unpacked tree, in every compression" {
	collect_here
	want=$(js "$D")
	[ "$(jq -r .system.hostname <<<"$want")" = "$(cat /proc/sys/kernel/hostname)" ]
	gzip -dc "$W/c.tar.gz" >"$W/c.tar"
	xz -k -T1 -c "$W/c.tar" >"$W/c.tar.xz"
	zstd -q -c "$W/c.tar" >"$W/c.tar.zst"
	for f in c.tar.gz c.tar c.tar.xz c.tar.zst; do
		run js "$W/$f"
		assert_success
		[ "$output" = "$want" ] || { diff <(echo "$want") <(echo "$output"); false; }
	done
	run "$VBTOOL" status --sysroot "$W/c.tar.xz" --json --no-kernel-log
	[ "$(jq -r .sysroot <<<"$output")" = "$W/c.tar.xz" ]
	run "$VBTOOL" status --sysroot "$W/c.tar.zst" --no-kernel-log
	assert_line "vbtool status: captured tree $W/c.tar.zst"
	[ -z "$(leftovers)" ]
}

@test "tarball: top -b replays a collect tarball, and the folder goes even when top is killed" {
	collect_here
	run "$VBTOOL" top -b -n 1 --sysroot "$W/c.tar.gz"
	assert_success
	assert_line --index 0 --regexp "replay of $W/c.tar.gz\$"
	run "$VBTOOL" top -b -n 1 --sysroot "$D"
	dir_frame=$output
	[ -z "$(leftovers)" ]
	"$VBTOOL" top -b -d 0.2 --sysroot "$W/c.tar.gz" >/dev/null &
	pid=$!
	sleep 0.5
	[ -n "$(find "$TMPDIR" -name 'vbtool-sysroot-*')" ]
	kill -KILL "$pid"
	wait "$pid" || true
	[ -z "$(leftovers)" ]
	[ -n "$dir_frame" ]
}

# hostile NAME: a tarball built by tests' Python below, one bad entry each.
hostile() {
	python3 - "$W/$1.tar" "$1" <<-'EOF'
		import io, sys, tarfile
		path, kind = sys.argv[1], sys.argv[2]
		t = tarfile.open(path, "w", format=tarfile.GNU_FORMAT)
		def reg(name, data=b"MemTotal: 1 kB\n"):
		    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
		def other(name, typ, **kw):
		    i = tarfile.TarInfo(name); i.type = typ
		    for k, v in kw.items(): setattr(i, k, v)
		    t.addfile(i)
		reg("tree/proc/meminfo")
		if kind == "absolute": reg("/tmp/vbtool-pwned")
		elif kind == "dotdot": reg("tree/../../vbtool-pwned")
		elif kind == "link-absolute": other("tree/sys/out", tarfile.SYMTYPE, linkname="/etc")
		elif kind == "link-up": other("tree/sys/out", tarfile.SYMTYPE, linkname="../../..")
		elif kind == "link-up-through-link":
		    other("tree/sys/up", tarfile.SYMTYPE, linkname="..")
		    other("tree/sys/out", tarfile.SYMTYPE, linkname="up/../..")
		elif kind == "write-through-link":
		    other("tree/etc", tarfile.SYMTYPE, linkname="proc")
		    reg("tree/etc/passwd")
		elif kind == "hardlink": other("tree/proc/vmstat", tarfile.LNKTYPE, linkname="tree/proc/meminfo")
		elif kind == "chardev": other("tree/proc/vmstat", tarfile.CHRTYPE, devmajor=1, devminor=5)
		elif kind == "fifo": other("tree/proc/vmstat", tarfile.FIFOTYPE)
		elif kind == "twice": reg("tree/proc/meminfo")
		elif kind == "many":
		    for n in range(20001): other("tree/d%d" % n, tarfile.DIRTYPE)
		elif kind == "big":
		    i = tarfile.TarInfo("tree/proc/huge"); i.size = (64 << 20) + 1
		    t.addfile(i, io.BytesIO(bytes(i.size)))
		t.close()
	EOF
}

@test "tarball: hostile tarballs are refused whole, in one error, nothing outside, no folder left" {
	for kind in absolute dotdot link-absolute link-up link-up-through-link write-through-link hardlink \
		chardev fifo twice many big; do
		hostile "$kind"
		for cmd in "status" "status --json" "top -b -n 1"; do
			# shellcheck disable=SC2086
			run --separate-stderr "$VBTOOL" $cmd --sysroot "$W/$kind.tar"
			[ "$status" -eq 1 ] || { echo "$kind $cmd: exit $status"; false; }
			[ -z "$output" ] || { echo "$kind $cmd: printed $output"; false; }
			[[ "${stderr_lines[0]}" == "vbtool: ${cmd%% *}: --sysroot $W/$kind.tar: "* ]] ||
				{ echo "$kind: ${stderr_lines[0]}"; false; }
		done
		[ -z "$(leftovers)" ] || { echo "$kind: left $(leftovers)"; false; }
	done
	[ ! -e /tmp/vbtool-pwned ] && [ ! -e "$BATS_TEST_TMPDIR/vbtool-pwned" ] && [ ! -e "$TMPDIR/vbtool-pwned" ]
	# the reasons, worked out from each entry
	run "$VBTOOL" status --sysroot "$W/link-up.tar"
	assert_output --partial "tree/sys/out: a link that leaves the tree"
	run "$VBTOOL" status --sysroot "$W/write-through-link.tar"
	assert_output --partial "tree/etc/passwd: its folder is a link or a file"
	run "$VBTOOL" status --sysroot "$W/chardev.tar"
	assert_output --partial "tree/proc/vmstat: a device, FIFO or socket"
	run "$VBTOOL" status --sysroot "$W/absolute.tar"
	assert_output --partial "/tmp/vbtool-pwned: an absolute name"
	run "$VBTOOL" status --sysroot "$W/many.tar"
	assert_output --partial "more entries than a collect tarball holds"
	run "$VBTOOL" status --sysroot "$W/big.tar"
	assert_output --partial "tree/proc/huge: a file larger than a collect tarball holds"
}

@test "tarball: a file that is no tarball fails first and says what --sysroot takes" {
	printf 'MemTotal: 1 kB\n' >"$W/notes.txt"
	run --separate-stderr "$VBTOOL" status --sysroot "$W/notes.txt"
	assert_failure 1
	[ -z "$output" ]
	[[ "${stderr_lines[0]}" == "vbtool: status: --sysroot $W/notes.txt: not a directory, nor a tarball ("* ]]
	[[ "${stderr_lines[1]}" == "vbtool: hint: "*"the tarball itself"* ]]
	# a tarball cut short after its first entries
	(cd "$BATS_TEST_TMPDIR" && mkdir -p t/proc && head -c 100000 /dev/urandom >t/proc/junk && tar -cf "$W/cut.tar" t)
	head -c 20000 "$W/cut.tar" >"$W/cut2.tar"
	run --separate-stderr "$VBTOOL" status --sysroot "$W/cut2.tar"
	assert_failure 1
	[ -z "$output" ]
	[ -z "$(leftovers)" ]
}

# Linked, libarchive and what it brings (libxml2, ICU, libstdc++) cost every
# run 4 MB of resident memory; it is opened only when a tarball is given.
@test "tarball: vbtool is not linked with libarchive, and says so when it cannot load it" {
	run readelf -d "$VBTOOL"
	assert_success
	assert_output --partial 'Shared library: [libjson-c'
	refute_output --partial 'libarchive'
	[ "$(id -u)" = 0 ] || skip "hiding the library needs a private mount namespace (root)"
	lib=$(ldconfig -p | awk '$1 == "libarchive.so.13" { print $NF; exit }')
	[ -n "$lib" ] || skip "no libarchive.so.13 on this machine"
	collect_here
	run -1 unshare -m sh -c 'mount --bind /dev/null "$1" && shift && "$@"' sh "$(readlink -f "$lib")" \
		"$VBTOOL" status --sysroot "$W/c.tar.gz"
	assert_output --regexp '^vbtool: status: --sysroot .*c\.tar\.gz: a tarball needs libarchive: cannot load libarchive\.so\.13: '
	[ -z "$(leftovers)" ]
	# an unpacked tree needs no libarchive
	run unshare -m sh -c 'mount --bind /dev/null "$1" && shift && "$@"' sh "$(readlink -f "$lib")" \
		"$VBTOOL" status --sysroot "$D" --json --no-kernel-log
	assert_success
}
