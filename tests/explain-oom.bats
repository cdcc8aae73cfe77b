#!/usr/bin/env bats
# explain-oom over the corpus: every tests/data/oom/{real,synthetic}/ log
# that has an .expect beside it. A compressed NAME.log.gz/.xz/.zst shares
# NAME.expect with its plain copy. .expect lines are "KEY VALUE" ('#'
# comments): "events N", then per event i (the order of the JSON events
# array) keys such as "1.kind global", "1.victim.pid 707", "1.balloon null":
# the JSON paths joined with dots, array indices 1-based.

load helpers

# vbtool's JSON as KEY VALUE lines, the form the .expect files use.
flatten() {
	jq -r '
	  "events \(.events | length)",
	  (.events | to_entries[] | (.key + 1) as $i | .value
	   | paths(type | . != "object" and . != "array") as $p
	   | "\($i).\($p | map(if type == "number" then . + 1 else . end | tostring) | join(".")) \(getpath($p) | if type == "string" then . else tojson end)"),
	  # "i.tasks.rows N": the task table row count (null: no table, or rows not kept)
	  (.events | to_entries[] | "\(.key + 1).tasks.rows \(.value.tasks.rows? | if type == "array" then length else "null" end)")'
}

expect_for() {
	local f=$1 base
	base=${f%.gz}
	base=${base%.xz}
	base=${base%.zst}
	base=${base%.log}
	echo "$base.expect"
}

# Checks one log against its .expect; prints the differences.
check_log() {
	local log=$1 exp=$2 out rc flat bad=0 key want got events
	out=$("$VBTOOL" explain-oom --json "$log" 2>/dev/null) && rc=0 || rc=$?
	if ! flat=$(printf '%s\n' "$out" | flatten 2>/dev/null); then
		echo "$log: output is not the JSON contract (exit $rc)"
		return 1
	fi
	events=$(awk '$1 == "events" { print $2 }' "$exp")
	if [ -n "$events" ]; then
		if [ "$events" = 0 ] && [ "$rc" != 3 ]; then
			echo "$log: no events expected, exit status $rc (want 3)"
			bad=1
		elif [ "$events" != 0 ] && [ "$rc" != 0 ]; then
			echo "$log: exit status $rc (want 0)"
			bad=1
		fi
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		case $line in '#'* | '') continue ;; esac
		key=${line%% *}
		want=${line#* }
		want=${want%"${want##*[![:space:]]}"}
		got=$(printf '%s\n' "$flat" | awk -v k="$key" 'index($0, k " ") == 1 { print "=" substr($0, length(k) + 2); exit }')
		if [ -z "$got" ]; then
			echo "$log: $key: missing (want '$want')"
			bad=1
		elif [ "${got#=}" != "$want" ]; then
			echo "$log: $key: got '${got#=}', want '$want'"
			bad=1
		fi
	done <"$exp"
	return $bad
}

corpus() {
	local f
	for f in "$DATA"/oom/real/*.log "$DATA"/oom/synthetic/*.log "$DATA"/oom/synthetic/*.log.gz \
		"$DATA"/oom/synthetic/*.log.xz "$DATA"/oom/synthetic/*.log.zst; do
		[ -f "$f" ] && [ -f "$(expect_for "$f")" ] && echo "$f"
	done
}

@test "explain-oom: the corpus is there (real and synthetic logs with .expect)" {
	run corpus
	assert_success
	[ "$(echo "$output" | grep -c /real/)" -ge 15 ]
	[ "$(echo "$output" | grep -c /synthetic/)" -ge 8 ]
}

@test "explain-oom: every corpus log gives what its .expect says" {
	local f fails=0 n=0
	while IFS= read -r f; do
		n=$((n + 1))
		check_log "$f" "$(expect_for "$f")" || fails=$((fails + 1))
	done < <(corpus)
	echo "# $n logs, $fails failing"
	[ "$n" -gt 0 ]
	[ "$fails" -eq 0 ]
}

@test "explain-oom: the check can fail (a wrong .expect is reported)" {
	local tmp=$BATS_TEST_TMPDIR
	printf 'events 1\n1.victim.comm not-this-one\n' >"$tmp/wrong.expect"
	run check_log "$DATA/oom/synthetic/v6.8-tasktable-global.log" "$tmp/wrong.expect"
	assert_failure
	assert_output --partial "1.victim.comm: got"
	printf '1.tasks.rows 7\n' >"$tmp/rows.expect" # the log has 8 rows
	run check_log "$DATA/oom/synthetic/v6.8-tasktable-global.log" "$tmp/rows.expect"
	assert_failure
	assert_output --partial "1.tasks.rows: got"
}

@test "explain-oom: text output has the verdict and the summary" {
	run "$VBTOOL" explain-oom "$DATA/oom/synthetic/v6.15-node-balloon-global.log"
	assert_success
	assert_output --partial "verdict:  balloon-held-memory"
	assert_output --partial "Summary: 1 OOM event (global 1)"
}

@test "explain-oom: several files, stdin, and compressed input agree" {
	local s=$DATA/oom/synthetic
	run bash -c "'$VBTOOL' explain-oom --json - <'$s/kmsg-records-global.log' | jq -r '.events[0].victim.comm'"
	assert_success
	assert_output "$(jq -rn '"memhog"')"
	run bash -c "'$VBTOOL' explain-oom --json '$s/v6.8-tasktable-global.log' '$s/cpuset-constraint.log' | jq -r '.summary.events, .events[1].kind'"
	assert_success
	assert_output $'2\ncpuset'
}

@test "explain-oom: a log without an OOM event exits 3" {
	run "$VBTOOL" explain-oom --json "$DATA/oom/synthetic/no-oom-sysrq-and-allocfail.log"
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq '.events | length')" -eq 0 ]
}

@test "explain-oom: a missing file is a read error" {
	run "$VBTOOL" explain-oom /nonexistent/kern.log
	[ "$status" -eq 1 ]
	assert_output --partial "vbtool: explain-oom: /nonexistent/kern.log: No such file or directory"
}

@test "explain-oom: unknown option is a usage error; --help fits a screen" {
	run "$VBTOOL" explain-oom --bogus
	[ "$status" -eq 2 ]
	run "$VBTOOL" explain-oom --help
	assert_success
	[ "${#lines[@]}" -le 24 ]
}
