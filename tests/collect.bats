#!/usr/bin/env bats
# collect -> unpack -> status --sysroot gives the same answer as live status.
load helpers

@test "collect round trip on this machine" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$VBTOOL" collect -o cap.tar.gz
	assert_success
	[[ "$stderr" == *"wrote cap.tar.gz"* ]]
	tar xzf cap.tar.gz
	dir=$(tar tzf cap.tar.gz | head -1 | cut -d/ -f1)
	[ -f "$dir/vbtool/MANIFEST" ]
	[ -f "$dir/proc/meminfo" ]
	live=$("$VBTOOL" status --json --no-kernel-log)
	cap=$("$VBTOOL" status --sysroot "$BATS_TEST_TMPDIR/$dir" --json --no-kernel-log)
	# what cannot change between the two reads must be identical
	for q in '.devices' '.related_devices' '.debugfs.status' '.balloon.sources | map(.name)' '.balloon.accounting' \
		'.system.kernel' '.system.page_size' '[.findings[].code]' '.meminfo.mem_total_kb'; do
		[ "$(jq -c "$q" <<<"$live")" = "$(jq -c "$q" <<<"$cap")" ] || { echo "differs: $q"; false; }
	done
	[ "$(jq -r .sysroot <<<"$cap")" = "$BATS_TEST_TMPDIR/$dir" ]
}

@test "collect keeps the device links as links" {
	cd "$BATS_TEST_TMPDIR"
	"$VBTOOL" collect -o cap.tar.gz 2>/dev/null
	tar xzf cap.tar.gz
	dir=$(tar tzf cap.tar.gz | head -1 | cut -d/ -f1)
	for d in /sys/bus/virtio/devices/*; do
		[ -L "$dir$d" ]
		[ "$(readlink "$dir$d")" = "$(readlink "$d")" ]
	done
}

@test "collect -o - writes the tarball to stdout" {
	cd "$BATS_TEST_TMPDIR"
	"$VBTOOL" collect -o - >out.tgz 2>/dev/null
	tar tzf out.tgz | grep -q '/proc/meminfo$'
}

@test "collect into a directory that does not exist fails with a message" {
	run --separate-stderr "$VBTOOL" collect -o /nonexistent/dir/x.tar.gz
	assert_failure 1
	[ "$stderr" = "vbtool: collect: /nonexistent/dir/x.tar.gz: No such file or directory" ]
}

@test "collect from a --sysroot tree re-captures it" {
	cd "$BATS_TEST_TMPDIR"
	"$VBTOOL" --sysroot "$EXAMPLES/virtuozzo" collect -o vz.tar.gz 2>/dev/null
	tar xzf vz.tar.gz
	dir=$(tar tzf vz.tar.gz | head -1 | cut -d/ -f1)
	a=$("$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json --no-kernel-log | jq -c '.balloon, .devices')
	b=$("$VBTOOL" status --sysroot "$dir" --json --no-kernel-log | jq -c '.balloon, .devices')
	[ "$a" = "$b" ]
}

@test "collect --json says what it wrote; the numbers match the MANIFEST" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$VBTOOL" collect -o j.tar.gz --json
	assert_success
	[ "$(jq -r .output <<<"$output")" = j.tar.gz ]
	dir=$(jq -r .folder <<<"$output")
	tar xzf j.tar.gz
	[ "$(jq -r .absent <<<"$output")" = "$(grep -c '^absent ' "$dir/vbtool/MANIFEST")" ]
	[ "$(jq -r '.unreadable | length' <<<"$output")" = "$(grep -c '^failed ' "$dir/vbtool/MANIFEST" || true)" ]
	[ "$(jq -r .copied <<<"$output")" -ge 10 ]
}

@test "collect --json with -o - is a usage error" {
	run "$VBTOOL" collect --json -o -
	assert_failure 2
}
