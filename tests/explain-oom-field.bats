#!/usr/bin/env bats
# explain-oom on real logs reshaped the way people paste them (issue #19):
# the answer must not change with the shape. Each case derives its input
# from a real corpus log and compares with the answer on the original.

load helpers

REAL="$DATA/oom/real"

memcg_of() { # memcg_of FILE|-: "path task usage limit" of the first memcg event
	"$VBTOOL" explain-oom --json "$1" |
		jq -r '[.events[] | select(.kind == "memcg")][0].memcg | "\(.path) \(.task_memcg) \(.usage_kb) \(.limit_kb)"'
}

@test "a syslog line without a hostname keeps the memcg usage and limit" {
	log=$(echo "$REAL"/18-*.log)
	want=$(memcg_of "$log")
	[[ "$want" == *" 102400 102400" ]]
	# journalctl with an empty hostname: "Oct 12 19:00:20 kernel: ..."
	sed -E 's/^([A-Z][a-z]{2} +[0-9]+ [0-9:]+) [^ ]+ /\1 /' "$log" >"$BATS_TEST_TMPDIR/nohost.log"
	grep -q '^Oct 12 19:00:20 kernel: ' "$BATS_TEST_TMPDIR/nohost.log"
	got=$(memcg_of "$BATS_TEST_TMPDIR/nohost.log")
	[ "$got" = "$want" ]
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/nohost.log"
	refute_output --partial "unknown amount"
	refute_output --partial "limit not in the log"
}

@test "a memcg path wrapped by a mail client is joined without the wrap's blank" {
	log=$(echo "$REAL"/08-*.log)
	want=$(memcg_of "$log")
	[[ "$want" == "/kubepods/burstable/podbc001ffa-68fc-11e9-92d7-5ef9efd9374c /kubepods/"* ]]
	# hard-wrap the "Task in" line inside both paths, as a mail client does
	awk '/Task in / {
		i = index($0, "a2ed67c63e828da3849bf9f5"); j = index($0, "68fc-11e9-92d7-5ef9efd9374c");
		k = length($0) - 27;
		print substr($0, 1, i + 11); print substr($0, i + 12, k - i - 12); print substr($0, k); next }
		{ print }' "$log" >"$BATS_TEST_TMPDIR/wrapped.log"
	[ "$(grep -c 'Task in' "$BATS_TEST_TMPDIR/wrapped.log")" = 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/wrapped.log")" = $(($(wc -l <"$log") + 2)) ]
	got=$(memcg_of "$BATS_TEST_TMPDIR/wrapped.log")
	[ "$got" = "$want" ]
}

@test "a notifier frame in a report without a kill does not claim a kill" {
	# 01: the report stops after show_mem; virtballoon_oom_notify is in the trace
	run "$VBTOOL" explain-oom "$REAL"/01-*.log
	assert_success
	assert_output --partial "virtballoon_oom_notify"
	refute_output --partial "still killed"
	refute_output --partial "when a process was killed"
	run "$VBTOOL" explain-oom --json "$REAL"/01-*.log
	[ "$(jq -r '.events[0].victim' <<<"$output")" = null ]
}

@test "a RHEL 6 kill line on its own is a death with its victim" {
	run "$VBTOOL" explain-oom --json "$REAL"/21-*.log
	assert_success
	[ "$(jq -r '.events | length' <<<"$output")" = 1 ]
	[ "$(jq -r '.events[0].victim | "\(.pid) \(.uid) \(.comm)"' <<<"$output")" = "11726 498 mysqld" ]
}

@test "mail quote marks do not hide kill lines" {
	log=$(echo "$REAL"/22-*.log)
	run "$VBTOOL" explain-oom --json "$log"
	assert_success
	[ "$(jq -r '.events | length' <<<"$output")" = 8 ]
	# and doubly quoted ("> > "), the same eight
	sed 's/^/> /' "$log" >"$BATS_TEST_TMPDIR/q2.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/q2.log"
	[ "$(jq -r '[.events[].victim.pid] | join(" ")' <<<"$output")" = "799153 799402 799889 799707 799791 800660 800329 801542" ]
}

@test "the summary counts every event, also past the 2048 the list keeps" {
	# 4000 reports in the 5.x format: every 4th a memcg kill, the rest global
	awk 'BEGIN { for (i = 0; i < 4000; i++) { t = 1000 + i; pid = 10000 + i;
		printf "[%d.000000] stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n", t;
		if (i % 4 == 0) printf "[%d.000001] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/t,task_memcg=/t,task=stress,pid=%d,uid=0\n", t, pid;
		else printf "[%d.000001] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=%d,uid=0\n", t, pid;
		printf "[%d.000002] Out of memory: Killed process %d (stress) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n", t, pid } }' \
		>"$BATS_TEST_TMPDIR/many.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/many.log"
	assert_success
	s=$(jq -c '.summary | [.events, .by_kind.global, .by_kind.memcg, ([.by_verdict[]] | add), .events_not_kept + (.victims | length), .victims_not_kept + (.victims | length), .last_time]' <<<"$output")
	[ "$s" = '[4000,3000,1000,4000,4000,4000,"4999.000000"]' ]
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/many.log"
	assert_line "Summary: 4000 OOM events (global 3000, memcg 1000)"
	assert_line --partial "last:     4999.000000"
}
