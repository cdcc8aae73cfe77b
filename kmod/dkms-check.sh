#!/bin/bash
# DKMS for real (make check-dkms; .ci/run): stage the module source the way
# a package would, as /usr/src/vbtool-balloon-VERSION, then dkms add, build
# and install it for every kernel whose headers are installed, check the
# installed module with modinfo, and remove it again.
#   dkms-check.sh SRCDIR BUILDDIR     (BUILDDIR: where configure wrote kmod/)
# Needs root and dkms. Exit status 77 (skip) without them or without headers.
set -euo pipefail
SRCDIR=${1:?usage: dkms-check.sh SRCDIR BUILDDIR}
BUILDDIR=${2:?usage: dkms-check.sh SRCDIR BUILDDIR}

skip() { echo "dkms-check: SKIP: $*" >&2; exit 77; }
die() { echo "dkms-check: $*" >&2; exit 1; }
command -v dkms > /dev/null || skip "dkms is not installed"
[ "$(id -u)" = 0 ] || skip "needs root (dkms installs into /usr/src and /lib/modules)"
[ -f "$BUILDDIR/kmod/dkms.conf" ] || die "no $BUILDDIR/kmod/dkms.conf: run configure first"

# The one version: configure's, in both generated files.
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$BUILDDIR/kmod/dkms.conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in $BUILDDIR/kmod/dkms.conf"
grep -qx "#define VBTOOL_BALLOON_VERSION \"$version\"" "$BUILDDIR/kmod/vbtool_balloon_version.h" ||
	die "vbtool_balloon_version.h and dkms.conf disagree on the version"
grep -qx 'AUTOINSTALL="yes"' "$BUILDDIR/kmod/dkms.conf" || die "dkms.conf: AUTOINSTALL is not yes"

kernels=()
for build in /lib/modules/*/build; do
	[ -f "$build/Makefile" ] && kernels+=("$(basename "$(dirname "$build")")")
done
[ ${#kernels[@]} -gt 0 ] || skip "no kernel headers in /lib/modules/*/build"

mod=vbtool-balloon/$version
src=/usr/src/vbtool-balloon-$version
cleanup() {
	dkms remove "$mod" --all > /dev/null 2>&1 || true
	rm -rf "$src"
}
cleanup
trap cleanup EXIT
mkdir -p "$src"
cp "$SRCDIR/kmod/vbtool_balloon.c" "$SRCDIR/kmod/Kbuild" "$SRCDIR/kmod/Makefile" \
	"$BUILDDIR/kmod/vbtool_balloon_version.h" "$BUILDDIR/kmod/dkms.conf" "$src/"

dkms add "$mod"
fail=0
for k in "${kernels[@]}"; do
	start=$(date +%s)
	if ! dkms build "$mod" -k "$k" || ! dkms install "$mod" -k "$k"; then
		echo "dkms-check: $k: build or install FAILED" >&2
		fail=1
		continue
	fi
	# modinfo of the module DKMS installed, found the way modprobe finds it.
	info=$(modinfo -k "$k" vbtool_balloon) || { echo "dkms-check: $k: modinfo finds no vbtool_balloon" >&2; fail=1; continue; }
	file=$(sed -n 's/^filename: *//p' <<< "$info")
	ver=$(sed -n 's/^version: *//p' <<< "$info")
	vermagic=$(sed -n 's/^vermagic: *\([^ ]*\).*/\1/p' <<< "$info")
	lic=$(sed -n 's/^license: *//p' <<< "$info")
	if [[ $file != /lib/modules/$k/updates/dkms/vbtool_balloon.ko* ]] || [ "$ver" != "$version" ] ||
		[ "$vermagic" != "$k" ] || [ "$lic" != GPL ]; then
		echo "dkms-check: $k: unexpected modinfo: file=$file version=$ver vermagic=$vermagic license=$lic" >&2
		fail=1
		continue
	fi
	echo "dkms-check: $k: ok ($file, version $ver, $(($(date +%s) - start)) s)"
done
dkms status "$mod"
exit $fail
