#!/usr/bin/env bats
# explain-oom --brief (issue #11): one line per event, streamed in bounded
# memory; and verdicts that say only what the log shows (issue #19): words
# instead of internal codes in the text, no balloon advice without a sign
# of a VM, "limit not in the log", no "kill" for an event without one.
# Expected values are worked out by hand from the logs (noted per test).

load helpers

REAL="$DATA/oom/real"
SYN="$DATA/oom/synthetic"

# N reports in the 5.x format, one global kill each; victim pid 10000+i
many_events() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) { t = 1000 + i; pid = 10000 + i;
		printf "[%d.000000] stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n", t;
		printf "[%d.000001] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=%d,uid=0\n", t, pid;
		printf "[%d.000002] Out of memory: Killed process %d (stress) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n", t, pid } }'
}

# In the sanitizer build, freed memory goes to ASan's quarantine instead of
# back to use: without one, the figure is vbtool's memory, not the checker's
# (--brief probes a small file's order first, with buffers of its own).
peak_rss_kb() { # peak_rss_kb ARGS...: the peak RSS of vbtool ARGS, in kB
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
		/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss" "$VBTOOL" "$@" >/dev/null
	tail -n 1 "$BATS_TEST_TMPDIR/rss"
}

@test "brief: one line with time, kind, victim, verdict and the number (single-task)" {
	# 14: invoked at [30.745678]; task 116 rss 1995298 pages = 7981192 kB
	# (7.6 GiB) of 2097022 pages RAM = 8388088 kB (8.0 GiB): 95%
	run "$VBTOOL" explain-oom --brief "$REAL"/14-*.log
	assert_success
	assert_output "30.745678  global  stress-ng-vm (116)  single-task  stress-ng-vm (116) held 7.6 GiB of 8.0 GiB RAM (95%)"
}

@test "brief: the number per verdict: memcg usage/limit, balloon size, order, victim rss" {
	# 08: "memory: usage 125952kB, limit 125952kB" = 123.0 MiB each
	run "$VBTOOL" explain-oom --brief "$REAL"/08-*.log
	assert_output "Sat Apr 27 22:56:09 2019  memcg  stress (32308)  memcg-limit  usage 123.0 MiB of limit 123.0 MiB"
	# InflatedTotal:2097152kB = 2.0 GiB of 2097018 pages RAM (8388072 kB): 25%
	run "$VBTOOL" explain-oom --brief "$SYN"/virtuozzo-inflated-before-invoked.log
	assert_output --partial "  postgres (3120)  balloon-held-memory  balloon 2.0 GiB (25% of the 8.0 GiB the VM was given)"
	# order=2: 4 pages of 4 KiB
	run "$VBTOOL" explain-oom --brief "$SYN"/serial-console-fragmentation.log
	assert_output --partial "  fragmentation  order 2 (16 KiB contiguous)"
	# 03: Killed process 4100 (containerd) anon-rss:51184kB, file-rss:26016kB,
	# shmem-rss:0kB = 77200 kB = 75.4 MiB; no time prefix
	run "$VBTOOL" explain-oom --brief "$REAL"/03-*.log
	assert_output "-  cpuset  containerd (4100)  constrained  victim rss 75.4 MiB"
}

@test "brief --json: JSON Lines, one object per event, the number as kB" {
	run "$VBTOOL" explain-oom --brief --json "$REAL"/14-*.log
	assert_success
	[ "${#lines[@]}" = 1 ]
	[ "$(jq -c '[.time, .kind, .victim.comm, .victim.pid, .verdict, .figure.rss_kb, .figure.ram_kb, .kill_only]' <<<"$output")" = \
		'["30.745678","global","stress-ng-vm",116,"single-task",7981192,8388088,false]' ]
	run "$VBTOOL" explain-oom --brief --json "$REAL"/22-*.log
	[ "${#lines[@]}" = 8 ]
	# each line is a document of its own
	for l in "${lines[@]}"; do jq -e '.kill_only == true and .verdict == "insufficient-evidence"' <<<"$l" >/dev/null; done
}

@test "brief: a report and its kill pasted apart are two lines, not joined" {
	# 20: the kill of mysqld (707) is pasted before its report; the full
	# report joins them into one event, --brief prints each piece as it ends
	run "$VBTOOL" explain-oom --json "$REAL"/20-*.log
	[ "$(jq '.events | length' <<<"$output")" = 1 ]
	run "$VBTOOL" explain-oom --brief "$REAL"/20-*.log
	assert_success
	[ "${#lines[@]}" = 2 ]
	[[ "${lines[0]}" == *"  mysqld (707), kill only  "* ]]
	[[ "${lines[1]}" == *"  no kill seen  "* ]]
}

@test "brief: streams every event of a 10000-event log in bounded memory" {
	many_events 10000 >"$BATS_TEST_TMPDIR/10k.log"
	many_events 1 >"$BATS_TEST_TMPDIR/1.log"
	run "$VBTOOL" explain-oom --brief "$BATS_TEST_TMPDIR/10k.log"
	assert_success
	[ "${#lines[@]}" = 10000 ]
	# past the 2048 events the full report keeps: the last one is there
	assert_line --index 9999 "10999.000000  global  stress (19999)  insufficient-evidence  victim rss 500 KiB"
	small=$(peak_rss_kb explain-oom --brief "$BATS_TEST_TMPDIR/1.log")
	big=$(peak_rss_kb explain-oom --brief "$BATS_TEST_TMPDIR/10k.log")
	# the 1 MiB read buffer fills on a long log; nothing else may grow
	echo "# peak RSS: 1 event $small kB, 10000 events $big kB"
	[ "$big" -le $((small + 2048)) ]
}

@test "brief: prints an event while the input is still open" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	# the writer first (read-write: the open does not wait for a reader)
	exec 5<>"$BATS_TEST_TMPDIR/in"
	timeout 30 "$VBTOOL" explain-oom --brief "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 5>&- &
	pid=$!
	# event 1, then the next event's first lines end it
	many_events 2 | head -n 5 >&5
	for _ in $(seq 50); do
		[ -s "$BATS_TEST_TMPDIR/out" ] && break
		sleep 0.1
	done
	got=$(cat "$BATS_TEST_TMPDIR/out")
	exec 5>&-
	wait "$pid"
	[ "$got" = "1000.000000  global  stress (10000)  insufficient-evidence  victim rss 500 KiB" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" = 2 ]
}

@test "brief: no event exits 3 and prints nothing; --help and the man page name --brief" {
	run "$VBTOOL" explain-oom --brief "$SYN"/no-oom-sysrq-and-allocfail.log
	[ "$status" -eq 3 ]
	assert_output ""
	run "$VBTOOL" explain-oom --help
	assert_output --partial "--brief"
	grep -q 'JSON Lines' "$TOP_SRCDIR/man/vbtool-explain-oom.8"
}

@test "text: the balloon source in words, JSON keeps its code" {
	run "$VBTOOL" explain-oom "$SYN"/virtuozzo-inflated-before-invoked.log
	assert_line --partial "balloon:  2.0 GiB from the Balloon InflatedTotal: line"
	run "$VBTOOL" explain-oom "$REAL"/04-*.log
	assert_line --partial "balloon:  no size in the log: only the driver is seen, driver virtio_balloon"
	for f in "$SYN"/*.log "$REAL"/*.log; do
		run "$VBTOOL" explain-oom "$f"
		refute_output --partial "inflated_line"
		refute_output --partial "driver_only"
		refute_output --partial "node_balloon"
		refute_output --partial "present_managed_estimate"
	done
	run "$VBTOOL" explain-oom --json "$SYN"/virtuozzo-inflated-before-invoked.log
	[ "$(jq -r '.events[0].balloon.source' <<<"$output")" = inflated_line ]
	run "$VBTOOL" explain-oom --json "$REAL"/04-*.log
	[ "$(jq -r '.events[0].balloon.source' <<<"$output")" = driver_only ]
}

@test "no sign of a VM: no vbtool module, no 6.15 kernel, no guest" {
	# 03 bare metal (Dell PowerEdge); 06, 09, 12, 21, 22: no Hardware name
	# line, no balloon, virtio or Xen frame; 10 is a KVM host, not a guest
	for f in "$REAL"/03-*.log "$REAL"/06-*.log "$REAL"/09-*.log "$REAL"/10-*.log "$REAL"/12-*.log \
		"$REAL"/21-*.log "$REAL"/22-*.log; do
		run "$VBTOOL" explain-oom --json "$f"
		s=$(jq -r '.events[].verdict.summary' <<<"$output")
		[[ "$s" != *"vbtool module"* && "$s" != *"6.15"* && "$s" != *"guest"* ]] || { echo "$f: $s"; false; }
		[ "$(jq -r '[.events[].vm_sign] | unique | join(",")' <<<"$output")" = "" ]
	done
	run "$VBTOOL" explain-oom --json "$REAL"/21-*.log
	assert_output --partial "no sign of a virtual machine"
	run "$VBTOOL" explain-oom --json "$REAL"/03-*.log
	[ "$(jq -r '.events[0].verdict.summary' <<<"$output")" = \
		"The allocation was limited by a cpuset (CONSTRAINT_CPUSET): the nodes it may use ran out, which says nothing about the machine's total memory." ]
}

@test "bare metal by its Hardware name: line: no balloon in the verdict" {
	# 16 (VMware) as if it ran on a Dell: same figures, no hypervisor named
	sed 's/VMware, Inc. VMware Virtual Platform\/440BX Desktop Reference Platform/Dell Inc. PowerEdge R640\/0PHYDR/' \
		"$REAL"/16-*.log >"$BATS_TEST_TMPDIR/dell.log"
	grep -q 'Hardware name: Dell Inc. PowerEdge R640' "$BATS_TEST_TMPDIR/dell.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/dell.log"
	s=$(jq -r '.events[0].verdict.summary' <<<"$output")
	[[ "$s" == *"The Hardware name: line names no hypervisor and the log shows no balloon driver"* ]]
	[[ "$s" == *"as crashkernel, debug and firmware reservations make it"* ]]
	[[ "$s" != *"vbtool module"* && "$s" != *"6.15"* && "$s" != *"DEFLATE_ON_OOM"* ]]
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = null ]
}

@test "a sign of a VM keeps the balloon advice, and says which sign" {
	# 02 VMware, 20 Xen PV (xen_pmd_val frames), 10 none, 11 Hyper-V
	run "$VBTOOL" explain-oom --json "$REAL"/02-*.log
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = VMware ]
	assert_output --partial "the vbtool module (a Balloon InflatedTotal line) or a 6.15+ kernel"
	run "$VBTOOL" explain-oom --json "$REAL"/20-*.log
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = Xen ]
	run "$VBTOOL" explain-oom --json "$REAL"/11-*.log
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = Hyper-V ]
	run "$VBTOOL" explain-oom --json "$REAL"/08-*.log
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = bhyve ]
}

@test "memcg: a limit not in the log is said so; no kill, no 'this kill'" {
	# a 4.19+ memcg kill whose "memory: usage" line is not in the paste
	cat >"$BATS_TEST_TMPDIR/nolimit.log" <<'EOF'
[  100.000000] stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[  100.000010] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014
[  100.000020] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/t,task_memcg=/t,task=stress,pid=4321,uid=0
[  100.000030] Memory cgroup out of memory: Killed process 4321 (stress) total-vm:600000kB, anon-rss:500000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1000kB oom_score_adj:0
EOF
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/nolimit.log"
	assert_success
	assert_output --partial "The memory cgroup /t hit its limit (usage and limit not in the log)"
	refute_output --partial "unknown amount"
	run "$VBTOOL" explain-oom --brief "$BATS_TEST_TMPDIR/nolimit.log"
	assert_output "100.000000  memcg  stress (4321)  memcg-limit  usage and limit not in the log"
	# the report of a memcg OOM whose kill is not in the log (cgroup v1 lines)
	cat >"$BATS_TEST_TMPDIR/nokill.log" <<'EOF'
[  200.000000] stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[  200.000010] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014
[  200.000020] Task in /t killed as a result of limit of /t
[  200.000030] memory: usage 524288kB, limit 524288kB, failcnt 10
EOF
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/nokill.log"
	assert_success
	assert_output --partial "(usage 512.0 MiB of limit 512.0 MiB)"
	refute_output --partial "this kill"
	assert_output --partial "the log shows no kill for it"
	# the balloon only where the log shows a VM: the same without Hardware name
	grep -v 'Hardware name' "$BATS_TEST_TMPDIR/nokill.log" >"$BATS_TEST_TMPDIR/nokill-bare.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/nokill-bare.log"
	[ "$(jq -r '.events[0].verdict.summary' <<<"$output")" = "The memory cgroup /t hit its limit (usage 512.0 MiB of limit 512.0 MiB)." ]
}

@test "balloon-deflated with a size but no kill does not claim one" {
	# the vbtool module's report, cut before its kill lines
	awk '/oom-kill:constraint|Killed process/ { exit } { print }' "$SYN"/vbtool-module-inflated-free-deflate-on.log \
		>"$BATS_TEST_TMPDIR/cut.log"
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/cut.log"
	assert_success
	assert_output --partial "balloon-deflated"
	refute_output --partial "when a process was killed"
}
