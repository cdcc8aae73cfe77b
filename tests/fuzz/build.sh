#!/bin/sh
# Builds the libFuzzer targets (make fuzz). The library sources are compiled
# here with clang and ASan+UBSan+fuzzer coverage, whatever compiler the normal
# build uses. Environment: TOP_SRCDIR, TOP_BUILDDIR, FUZZ_CC (clang),
# FUZZ_CFLAGS, FUZZ_LIBS (json-c and libudev link flags), FUZZ_CPPFLAGS
# (their include flags).
set -eu
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
: "${FUZZ_CC:=clang}"
: "${FUZZ_CFLAGS:=-g -O1 -fno-omit-frame-pointer}"
: "${FUZZ_LIBS:=-ljson-c -ludev -lz -llzma -lzstd}"
: "${FUZZ_CPPFLAGS:=}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
out="$TOP_BUILDDIR/tests/fuzz"
mkdir -p "$out/obj"

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: $FUZZ_CC not found (install clang)" >&2
	exit 1
fi

cc() { # cc OUT SRC [extra flags]: compiles one file
	o=$1 s=$2
	shift 2
	"$FUZZ_CC" -std=gnu11 $FUZZ_CFLAGS $SAN "$@" -I"$TOP_SRCDIR/src" -I"$TOP_SRCDIR/tests/fuzz" \
		-include "$TOP_BUILDDIR/config.h" $FUZZ_CPPFLAGS -c "$s" -o "$o"
}

# The parts of libvbtool the targets exercise: every layer below the
# commands but top (which needs a terminal library).
lib=""
for d in base model sources collector capture views oom host; do
	for f in "$TOP_SRCDIR"/src/$d/*.c; do
		[ -f "$f" ] && lib="$lib ${f#"$TOP_SRCDIR"/}"
	done
done
optional=""
objs=""
for s in $lib $optional; do
	o="$out/obj/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')"
	# rebuilt when the source, config.h or any header of the tree is newer
	if [ ! -f "$o" ] || [ "$TOP_SRCDIR/$s" -nt "$o" ] || [ "$TOP_BUILDDIR/config.h" -nt "$o" ] ||
		[ -n "$(find "$TOP_SRCDIR/src" -name '*.h' -newer "$o" | head -1)" ]; then
		echo "  FUZZCC   $s"
		if ! cc "$o" "$TOP_SRCDIR/$s" -fsanitize=fuzzer-no-link; then
			case " $optional " in
			*" $s "*) echo "  WARN     $s does not compile yet; its targets will be skipped" >&2; rm -f "$o"; continue ;;
			*) exit 1 ;;
			esac
		fi
	fi
	objs="$objs $o"
done
rm -f "$out/libvbtool-fuzz.a"
ar rcs "$out/libvbtool-fuzz.a" $objs
cc "$out/obj/fuzz_util.o" "$TOP_SRCDIR/tests/fuzz/fuzz_util.c" -fsanitize=fuzzer-no-link

# A target whose header is not in the tree yet is skipped, not failed.
needs() {
	case $1 in
	fuzz_oom_prefix) echo src/oom/prefix.h ;;
	fuzz_oom_event) echo src/oom/view.h ;;
	fuzz_qmp) echo src/host/client.h ;;
	*) echo src/base/parse.h ;;
	esac
}
built=0
for t in "$TOP_SRCDIR"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	[ "$name" = fuzz_util ] && continue
	if [ ! -f "$TOP_SRCDIR/$(needs "$name")" ]; then
		echo "  SKIP     $name ($(needs "$name") not in the tree yet)"
		continue
	fi
	echo "  FUZZLD   tests/fuzz/$name"
	optional_target=no
	[ "$(needs "$name")" = src/base/parse.h ] || optional_target=yes
	if ! "$FUZZ_CC" -std=gnu11 $FUZZ_CFLAGS $SAN -fsanitize=fuzzer -I"$TOP_SRCDIR/src" -I"$TOP_SRCDIR/tests/fuzz" \
		-include "$TOP_BUILDDIR/config.h" $FUZZ_CPPFLAGS "$t" "$out/obj/fuzz_util.o" "$out/libvbtool-fuzz.a" \
		$FUZZ_LIBS -lm -lpthread -o "$out/$name"; then
		[ $optional_target = yes ] || exit 1
		echo "  SKIP     $name (its part of the tree does not link yet)"
		continue
	fi
	built=$((built + 1))
done
echo "fuzz: $built targets in $out (run one: $out/fuzz_meminfo $TOP_SRCDIR/tests/fuzz/corpus/fuzz_meminfo)"
