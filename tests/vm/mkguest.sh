#!/bin/bash
# Build the guest for the VM tests into OUT:
#   OUT/vmlinuz           the kernel (a symlink to /boot/vmlinuz-<release>)
#   OUT/initramfs.cpio.gz busybox, the virtio modules, vbtool_balloon.ko,
#                         vbtool with its libraries, memhog, /init
#   OUT/kmod/             the module, built against the matching headers
#   OUT/release           the kernel release
# The kernel is the one linux-image-amd64 depends on, else the newest generic
# one with a /boot/vmlinuz, modules and a build dir (or $VM_KERNEL_RELEASE, or
# the one $KDIR was made for when it qualifies). $VM_KERNEL_ROOT: where
# boot/vmlinuz-R and lib/modules/R are (a dpkg-deb -x of an image package,
# see kernels.sh; default /); the headers are always /lib/modules/R/build.
# Environment: TOP_SRCDIR, TOP_BUILDDIR, VBTOOL (optional), KDIR (optional), CC.
# Exit status 3: no usable kernel/busybox here (tests skip with the message).
set -euo pipefail

OUT=${1:?usage: mkguest.sh OUTDIR}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
VM_SRC=$TOP_SRCDIR/tests/vm
TOP_BUILDDIR=${TOP_BUILDDIR:-$PWD}
KROOT=${VM_KERNEL_ROOT:-}
# The module's version header is made by configure (AC_INIT's version).
VERSION_H=$TOP_BUILDDIR/kmod/vbtool_balloon_version.h
[ -f "$VERSION_H" ] || VERSION_H=$TOP_SRCDIR/kmod/vbtool_balloon_version.h
CC=${CC:-cc}

die() { echo "mkguest: $*" >&2; exit 1; }
missing() { echo "mkguest: $*" >&2; exit 3; }

usable_release() {
	local r=$1
	[ -r "$KROOT/boot/vmlinuz-$r" ] && [ -d "$KROOT/lib/modules/$r/kernel" ] && [ -f "/lib/modules/$r/build/Makefile" ]
}

find_release() {
	local r
	if [ -n "${VM_KERNEL_RELEASE:-}" ]; then
		usable_release "$VM_KERNEL_RELEASE" || missing "VM_KERNEL_RELEASE=$VM_KERNEL_RELEASE: need /boot/vmlinuz-$VM_KERNEL_RELEASE, /lib/modules/$VM_KERNEL_RELEASE/kernel and its build dir"
		echo "$VM_KERNEL_RELEASE"
		return
	fi
	if [ -n "${KDIR:-}" ] && [ -r "$KDIR/include/config/kernel.release" ]; then
		r=$(cat "$KDIR/include/config/kernel.release")
		if usable_release "$r"; then
			echo "$r"
			return
		fi
	fi
	# Debian's default kernel, so that installing more kernels changes nothing.
	r=$(dpkg-query -W -f '${Depends}' linux-image-amd64 2>/dev/null | grep -oE 'linux-image-[^ ,]+' | head -n 1 || true)
	r=${r#linux-image-}
	if [ -n "$r" ] && usable_release "$r"; then
		echo "$r"
		return
	fi
	for r in $(cd /lib/modules 2>/dev/null && printf '%s\n' * | grep -vE -- '-(rt|cloud)-' | sort -rV); do
		if usable_release "$r"; then
			echo "$r"
			return
		fi
	done
	missing "no kernel with a readable /boot/vmlinuz-R, /lib/modules/R and its headers (install linux-image-amd64 linux-headers-amd64)"
}

BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || missing "busybox not found (install busybox-static)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	missing "$BUSYBOX is not static (install busybox-static)"

RELEASE=$(find_release)
MODDIR=$KROOT/lib/modules/$RELEASE

have_vbtool=false
if [ -n "${VBTOOL:-}" ] && [ -x "$VBTOOL" ]; then
	have_vbtool=true
fi

mkdir -p "$OUT"
STAMP=$OUT/initramfs.cpio.gz
[ -f "$VERSION_H" ] || missing "no $VERSION_H: run configure first"
inputs=("$0" "$VM_SRC/init" "$VM_SRC/memhog.c" "$TOP_SRCDIR/kmod/vbtool_balloon.c" "$TOP_SRCDIR/kmod/Kbuild" "$VERSION_H")
$have_vbtool && inputs+=("$VBTOOL")
if [ -f "$STAMP" ] && [ "$(cat "$OUT/release" 2>/dev/null)" = "$RELEASE" ] &&
	[ "$(cat "$OUT/have-vbtool" 2>/dev/null)" = "$have_vbtool" ] &&
	[ "$(cat "$OUT/extra-modules" 2>/dev/null)" = "${VM_EXTRA_MODULES:-}" ] &&
	[ -z "$(find "${inputs[@]}" -newer "$STAMP" 2>/dev/null)" ]; then
	exit 0
fi

# The module, built out of the source tree.
rm -rf "$OUT/kmod"
mkdir -p "$OUT/kmod"
cp "$TOP_SRCDIR/kmod/Kbuild" "$TOP_SRCDIR/kmod/Makefile" "$TOP_SRCDIR/kmod/vbtool_balloon.c" "$VERSION_H" "$OUT/kmod/"
make -s -C "$OUT/kmod" KDIR="/lib/modules/$RELEASE/build" > "$OUT/kmod/build.log" 2>&1 ||
	{ cat "$OUT/kmod/build.log" >&2; die "building the module against /lib/modules/$RELEASE/build failed"; }

ROOT=$OUT/root
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,lib/modules}

cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"
done
cp "$VM_SRC/init" "$ROOT/init"
chmod 755 "$ROOT/init"

# Kernel modules in dependency order (modules.dep), skipping built-ins.
declare -A seen=()
: > "$ROOT/modules.load"
add_module() {
	local name=$1 line path dep
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	if grep -q "/$name\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then
		return 0
	fi
	line=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep") || die "module $name not in $MODDIR/modules.dep"
	path=${line%%:*}
	for dep in ${line#*:}; do
		dep=${dep##*/}
		add_module "${dep%%.ko*}"
	done
	case $path in
	*.ko) cp "$MODDIR/$path" "$ROOT/lib/modules/$name.ko" ;;
	*.ko.xz) xz -dc "$MODDIR/$path" > "$ROOT/lib/modules/$name.ko" ;;
	*.ko.zst) zstd -qdc "$MODDIR/$path" > "$ROOT/lib/modules/$name.ko" ;;
	*.ko.gz) gzip -dc "$MODDIR/$path" > "$ROOT/lib/modules/$name.ko" ;;
	*) die "unknown module file $path" ;;
	esac
	echo "$name.ko" >> "$ROOT/modules.load"
}
add_module virtio_pci
add_module virtio_balloon
# a test file's own drivers (vm-virtio-mem.bats: virtio_mem)
for m in ${VM_EXTRA_MODULES:-}; do
	grep -qE "(^|/)$m\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep" || grep -q "/$m\.ko" "$MODDIR/modules.builtin" 2>/dev/null ||
		missing "kernel $RELEASE has no $m module"
	add_module "$m"
done
cp "$OUT/kmod/vbtool_balloon.ko" "$ROOT/lib/modules/"
echo "vbtool_balloon.ko" >> "$ROOT/modules.load"

# Test helpers and vbtool with the shared libraries it needs.
"$CC" -O2 -static -o "$ROOT/usr/bin/memhog" "$VM_SRC/memhog.c" || die "cannot build memhog (static libc: libc6-dev)"
copy_with_libs() {
	local bin=$1 dest=$2 lib
	cp "$bin" "$ROOT$dest"
	for lib in $(ldd "$bin" | grep -oE '/[^ ]+'); do
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}
if $have_vbtool; then
	copy_with_libs "$VBTOOL" /usr/bin/vbtool
fi

(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$STAMP.tmp"
mv "$STAMP.tmp" "$STAMP"
ln -sf "$KROOT/boot/vmlinuz-$RELEASE" "$OUT/vmlinuz"
echo "$RELEASE" > "$OUT/release"
echo "$have_vbtool" > "$OUT/have-vbtool"
echo "${VM_EXTRA_MODULES:-}" > "$OUT/extra-modules"
rm -rf "$ROOT"
