#!/bin/sh
# Checks that every #include in src/ points down the layers (issue #10):
#   commands (src/*.c) -> top, host, oom, views, capture, collector -> ...
#   collector -> sources -> model -> base;  views -> model -> base
# A folder may include itself and the folders listed for it below; a file in
# src/ itself (the commands) may include anything. Prints each violation as
# FILE:LINE: FOLDER may not include HEADER, and exits 1 if there is one.
set -eu
src=${1:-$(dirname "$0")/../../src}

allowed() { # allowed FOLDER: the folders it may include besides itself
	case $1 in
	base) echo "" ;;
	model) echo "base" ;;
	sources) echo "base model" ;;
	collector) echo "base model sources" ;;
	capture) echo "base model sources" ;;
	views) echo "base model" ;;
	oom) echo "base" ;;
	host) echo "base model views" ;;
	top) echo "base model sources collector views oom" ;;
	*) echo "?" ;;
	esac
}

bad=0
checked=0
for f in "$src"/*/*.c "$src"/*/*.h; do
	[ -f "$f" ] || continue
	dir=$(basename "$(dirname "$f")")
	ok=$(allowed "$dir")
	if [ "$ok" = "?" ]; then
		echo "${f#"$src"/}: folder src/$dir/ has no place in the layers (add it to tests/lint/layers.sh)"
		bad=1
		continue
	fi
	checked=$((checked + 1))
	# "folder/header.h" includes only; <system> headers are not ours
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
		n=${line%%:*}
		hdr=$(printf '%s\n' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
		case $hdr in
		*/*) to=${hdr%%/*} ;;
		*) to=. ;; # a header of src/ itself: commands.h
		esac
		[ "$to" = "$dir" ] && continue
		case " $ok " in *" $to "*) continue ;; esac
		echo "${f#"$src"/}:$n: src/$dir/ may not include $hdr"
	done
done >"${TMPDIR:-/tmp}/vbtool-layers.$$"
if [ -s "${TMPDIR:-/tmp}/vbtool-layers.$$" ]; then
	cat "${TMPDIR:-/tmp}/vbtool-layers.$$"
	bad=1
fi
rm -f "${TMPDIR:-/tmp}/vbtool-layers.$$"
[ "$checked" -gt 0 ] || { echo "no files under $src"; exit 1; }
[ $bad = 0 ] && echo "layers: $checked files, every include points down"
exit $bad
