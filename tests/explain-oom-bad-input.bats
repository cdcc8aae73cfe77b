#!/usr/bin/env bats
# explain-oom on input that is not a tidy kernel log: no crash, no hang, a
# sane exit status (0 events, 3 none, 1 read error) and valid JSON.

load helpers
bats_require_minimum_version 1.5.0

valid_json() {
	printf '%s\n' "$1" | jq -e '.events | type == "array"' >/dev/null
}

@test "explain-oom bad input: random bytes" {
	head -c 2000000 /dev/urandom >"$BATS_TEST_TMPDIR/random.bin"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/random.bin"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	valid_json "$output"
}

@test "explain-oom bad input: random bytes spliced into a real report" {
	local log=$DATA/oom/synthetic/v6.8-tasktable-global.log f=$BATS_TEST_TMPDIR/spliced.log
	{ head -n 30 "$log"; head -c 5000 /dev/urandom; tail -n +31 "$log"; } >"$f"
	run "$VBTOOL" explain-oom --json "$f"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	valid_json "$output"
}

@test "explain-oom bad input: a log cut after every line" {
	local log n i out rc bad=0
	for log in "$DATA"/oom/synthetic/virtuozzo-inflated-before-invoked.log \
		"$DATA"/oom/synthetic/kmsg-records-global.log \
		"$DATA"/oom/synthetic/serial-console-fragmentation.log; do
		n=$(wc -l <"$log")
		for i in $(seq 0 "$n"); do
			out=$(head -n "$i" "$log" | "$VBTOOL" explain-oom --json -) && rc=0 || rc=$?
			if { [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; } || ! valid_json "$out"; then
				echo "$log cut after $i lines: exit $rc"
				bad=1
			fi
		done
	done
	[ "$bad" -eq 0 ]
}

@test "explain-oom bad input: a log cut in the middle of a line, every 97 bytes" {
	local log=$DATA/oom/synthetic/v6.15-node-balloon-global.log size i out rc bad=0
	size=$(wc -c <"$log")
	for ((i = 1; i < size; i += 97)); do
		out=$(head -c "$i" "$log" | "$VBTOOL" explain-oom --json -) && rc=0 || rc=$?
		if { [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; } || ! valid_json "$out"; then
			echo "cut at $i bytes: exit $rc"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "explain-oom bad input: a 50 MB line before a report is cut, noted, and the report still found" {
	local f=$BATS_TEST_TMPDIR/longline.log
	{ printf '[    1.000000] virtio_balloon virtio0: '; head -c 50000000 /dev/zero | tr '\0' 'o'; printf 'm Killed\n'
	  cat "$DATA/oom/synthetic/v6.8-tasktable-global.log"; } >"$f"
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	[ "$(echo "$output" | jq -r '.events | length')" -eq 1 ]
	[ "$(echo "$output" | jq -r '.events[0].victim.comm')" = memhog ]
	[ "$(echo "$output" | jq -r '.summary.lines_truncated')" -ge 1 ]
}

@test "explain-oom bad input: a 50 MB line without a newline at the end" {
	local f=$BATS_TEST_TMPDIR/noeol.log
	head -c 50000000 /dev/zero | tr '\0' 'K' >"$f"
	run "$VBTOOL" explain-oom --json "$f"
	[ "$status" -eq 3 ]
	valid_json "$output"
}

@test "explain-oom bad input: absurd numbers become null, never wrap" {
	run "$VBTOOL" explain-oom --json "$DATA/oom/synthetic/absurd-numbers.log"
	assert_success
	valid_json "$output"
	# the largest 64-bit value is kept exactly (jq would round it)
	[[ "$output" == *'"anon_rss_kb":18446744073709551615'* ]]
	run "$VBTOOL" explain-oom "$DATA/oom/synthetic/absurd-numbers.log"
	assert_success
}

@test "explain-oom bad input: a truncated compressed file is a read error, what was read is still shown" {
	local f=$BATS_TEST_TMPDIR/cut.log.gz
	head -c 1000 "$DATA/oom/synthetic/v6.15-node-balloon-global.log.gz" >"$f"
	run --separate-stderr "$VBTOOL" explain-oom --json "$f"
	[ "$status" -eq 1 ]
	valid_json "$output"
	[[ "$stderr" == *"vbtool: explain-oom: $f: "* ]]
	for ext in xz zst; do
		src=$(ls "$DATA"/oom/synthetic/*.log."$ext" | head -n 1)
		head -c 600 "$src" >"$BATS_TEST_TMPDIR/cut.$ext"
		run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/cut.$ext"
		[ "$status" -eq 1 ]
	done
}

@test "explain-oom bad input: empty input and a directory" {
	run "$VBTOOL" explain-oom --json /dev/null
	[ "$status" -eq 3 ]
	valid_json "$output"
	run "$VBTOOL" explain-oom --json "$DATA"
	[ "$status" -eq 1 ]
}
