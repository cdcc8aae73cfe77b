#!/bin/bash
# The kernels of the guest matrix: every release R whose headers are
# installed (/lib/modules/R/build; Debian 12: linux-headers-{,cloud-,rt-}amd64
# and linux-headers-6.12-{amd64,cloud-amd64,rt-amd64}). Prints "R ROOT" per
# kernel, ROOT being where boot/vmlinuz-R and lib/modules/R are: / when the
# image is installed, else CACHE/R, filled by `apt-get download` and
# `dpkg-deb -x` of linux-image-R (no install into /boot) plus depmod.
#   kernels.sh CACHE
# Exit status 3 when no kernel has headers.
set -euo pipefail
CACHE=${1:?usage: kernels.sh CACHE}

have_image() { # have_image ROOT R
	[ -r "$1/boot/vmlinuz-$2" ] && [ -f "$1/lib/modules/$2/modules.dep" ] && [ -d "$1/lib/modules/$2/kernel" ]
}

n=0
for build in /lib/modules/*/build; do
	[ -f "$build/Makefile" ] || continue
	r=$(basename "$(dirname "$build")")
	n=$((n + 1))
	if have_image "" "$r"; then
		echo "$r /"
		continue
	fi
	root=$CACHE/$r
	if ! have_image "$root" "$r"; then
		mkdir -p "$CACHE/debs"
		deb=$(ls "$CACHE/debs/linux-image-${r}_"*.deb 2> /dev/null | head -n 1 || true)
		if [ -z "$deb" ]; then
			(cd "$CACHE/debs" && apt-get download "linux-image-$r" >&2) ||
				{ echo "kernels: cannot download linux-image-$r" >&2; exit 1; }
			deb=$(ls "$CACHE/debs/linux-image-${r}_"*.deb | head -n 1)
		fi
		rm -rf "$root"
		mkdir -p "$root"
		dpkg-deb -x "$deb" "$root"
		# The package has no modules.dep (its postinst makes it).
		/sbin/depmod -b "$root" "$r"
	fi
	echo "$r $root"
done
[ "$n" -gt 0 ] || { echo "kernels: no kernel headers in /lib/modules/*/build" >&2; exit 3; }
