#!/usr/bin/env bats
# The source tree's layers (README "Layout"): every #include points down,
# checked by tests/lint/layers.sh, which must also catch a violation.
load helpers

LAYERS="$TOP_SRCDIR/tests/lint/layers.sh"

@test "every include in src/ points down the layers" {
	run sh "$LAYERS" "$TOP_SRCDIR/src"
	assert_success
	assert_output --regexp '^layers: [0-9]+ files, every include points down$'
}

@test "the layer check catches an include that points up" {
	mkdir -p "$BATS_TEST_TMPDIR/src/model" "$BATS_TEST_TMPDIR/src/views"
	printf '#include "views/views.h"\n' >"$BATS_TEST_TMPDIR/src/model/bad.c"
	printf '#include "model/report.h"\n' >"$BATS_TEST_TMPDIR/src/views/ok.c"
	run sh "$LAYERS" "$BATS_TEST_TMPDIR/src"
	assert_failure
	assert_output "model/bad.c:1: src/model/ may not include views/views.h"
}

@test "the layer check refuses a folder it does not know" {
	mkdir -p "$BATS_TEST_TMPDIR/src/misc"
	printf 'int x;\n' >"$BATS_TEST_TMPDIR/src/misc/x.c"
	run sh "$LAYERS" "$BATS_TEST_TMPDIR/src"
	assert_failure
	assert_output --partial "src/misc/ has no place in the layers"
}

@test "every folder's main header says what lives there and what it may include" {
	for h in base/util.h model/report.h sources/sysroot.h collector/collector.h capture/capture.h \
		views/views.h oom/event.h host/host.h top/top.h; do
		head -n 6 "$TOP_SRCDIR/src/$h" | grep -qi 'include' || { echo "src/$h: no layer comment"; false; }
	done
}
