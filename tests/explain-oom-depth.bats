#!/usr/bin/env bats
# explain-oom, the numbers of a report (issue #20, #11's Mem-Info item): the
# page size read from the log and the request's size, the Mem-Info
# breakdown as shares of RAM, the kernel and machine, the cgroup detail and
# every row of the task table. Every expected number below was read off the
# log by hand; the arithmetic is in the comments.

load helpers

REAL="$DATA/oom/real"

# jq over explain-oom --json FILE
oomj() {
	local file=$1
	shift
	"$VBTOOL" explain-oom --json "$file" | jq -r "$@"
}

@test "depth: the page size comes from the buddy lines: 64 KiB on ia64, and the request is 2^order pages" {
	log=$REAL/60-linuxmm-ia64-2.6.26-64k-pages-numa-global.log
	# "Node 2 DMA: 61*64kB 1*128kB ...": the order-0 chunk is one page, 64 kB
	run oomj "$log" '.events[0] | [.page_size_kb, .page_size_source, .request_kb] | @tsv'
	assert_success
	assert_output "$(printf '64\tbuddy_lines\t64')" # order=0: 2^0 x 64 kB
	# free:288 pages x 64 kB = 18432 kB, and the zones say the same:
	# free:8128kB + free:6464kB + free:3840kB = 18432 kB (with 4 kB it would be 1152)
	run oomj "$log" '.events[0].memory.free_kb'
	assert_output 18432
	# Active_anon:53395 x 64 = 3417280; active_file:141 x 64 = 9024;
	# inactive_file:544 x 64 = 34816; unevictable:12288 x 64 = 786432, which
	# is Node 3's unevictable:786432kB; mapped:83 x 64 = 5312;
	# pagetables:663 x 64 = 42432; 1158 total pagecache pages x 64 = 74112;
	# swap used = Total 2031488 - Free 1997888 = 33600 (no swap cache count)
	run oomj "$log" '.events[0].meminfo | [.active_anon_kb, .active_file_kb, .inactive_file_kb, .unevictable_kb,
		.mapped_kb, .pagetables_kb, .pagecache_kb, .swap_used_kb] | @tsv'
	assert_output "$(printf '3417280\t9024\t34816\t786432\t5312\t42432\t74112\t33600')"
	# "inactive_anon18042" lacks its colon, and 2.6.26 prints one "slab:" and
	# no swap cache count: absent, never 0
	run oomj "$log" '.events[0].meminfo | [.inactive_anon_kb, .slab_reclaimable_kb, .swapcache_kb, .hugepages_kb] | map(tostring) | join(" ")'
	assert_output "null null null null"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "pages:    64 KiB (from the buddy lines); request order 0 = 64 KiB"
}

@test "depth: without buddy lines the page size is the zones' present over pages RAM, then the Node lines" {
	log=$REAL/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log
	# present:15992kB + present:2080640kB + present:6291456kB = 8388088 kB
	# = 2097022 pages RAM x 4 kB
	grep -v '\*4kB' "$log" >"$BATS_TEST_TMPDIR/nobuddy.log"
	run oomj "$BATS_TEST_TMPDIR/nobuddy.log" '.events[0] | [.page_size_kb, .page_size_source] | @tsv'
	assert_output "$(printf '4\tpages_ram')"
	# and without "pages RAM": Node 0 active_anon:7997700kB + unevictable:18612kB
	# (the other LRU lists 0) = 8016312 kB over Mem-Info 1999425 + 4653 =
	# 2004078 pages = 4 kB
	grep -v -e '\*4kB' -e 'pages RAM' "$log" >"$BATS_TEST_TMPDIR/noram.log"
	run oomj "$BATS_TEST_TMPDIR/noram.log" '.events[0] | [.page_size_kb, .page_size_source] | @tsv'
	assert_output "$(printf '4\tnode_meminfo')"
	# nothing to read it from: said to be assumed
	run oomj "$REAL/18-notes-aks-hyperv-5.15-syslog-cgroupv2-memcg-foreign-lines-trailing-partial.log" \
		'.events[0] | [.page_size_kb, .page_size_source] | @tsv'
	assert_output "$(printf '4\tassumed')"
}

@test "depth: the Mem-Info breakdown of a 6.11 report, in kB and as shares of RAM" {
	log=$REAL/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log
	# pages x 4: active_anon 1999425 -> 7997700; unevictable 4653 -> 18612;
	# slab_reclaimable 878 -> 3512; slab_unreclaimable 5771 -> 23084;
	# shmem 4157 -> 16628; mapped 4760 -> 19040; pagetables 4009 -> 16036;
	# Node 0 kernel_stack:2144kB; 8810 total pagecache pages -> 35240;
	# 0 pages in swap cache; swap 0 - 0 - 0 = 0; hugepages_total=0 for both
	# sizes -> 0; free_cma:0; 0 pages cma reserved; 0 pages hwpoisoned
	run oomj "$log" '.events[0].meminfo | [.active_anon_kb, .inactive_anon_kb, .active_file_kb, .inactive_file_kb,
		.unevictable_kb, .slab_reclaimable_kb, .slab_unreclaimable_kb, .shmem_kb, .mapped_kb, .pagetables_kb,
		.kernel_stack_kb, .pagecache_kb, .swapcache_kb, .swap_used_kb, .hugepages_kb, .cma_free_kb,
		.cma_reserved_kb, .hwpoisoned_kb] | map(tostring) | join(" ")'
	assert_output "7997700 0 0 0 18612 3512 23084 16628 19040 16036 2144 35240 0 0 0 0 0 0"
	# RAM 2097022 x 4 = 8388088 kB: 7997700 / 8388088 = 95.35% -> 95.3;
	# 18612 / 8388088 = 0.22% -> 0.2
	run oomj "$log" '.events[0].meminfo.percent_of_ram | [.active_anon, .unevictable, .inactive_anon] | map(tostring) | join(" ")'
	assert_output "95.3 0.2 0"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "mem-info: of RAM 8.0 GiB: anon active 7.6 GiB (95%)"
	assert_output --partial "kernel stacks 2.1 MiB (<0.1%)"
}

@test "depth: a head-only report: what it shows is there, the rest is absent (null, never 0)" {
	log=$REAL/12-linuxxfs-rhel8-4.18-ppc64le-indented-head-only.log
	# active_anon:93769 x 4 = 375076; slab_unreclaimable:8926 x 4 = 35704;
	# no Node, pagecache, swap or hugepages lines
	run oomj "$log" '.events[0].meminfo | [.active_anon_kb, .slab_unreclaimable_kb, .kernel_stack_kb, .pagecache_kb,
		.swap_used_kb, .hugepages_kb, .percent_of_ram.active_anon] | map(tostring) | join(" ")'
	assert_output "375076 35704 null null null null null"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "page cache not in the log"
	# no Mem-Info at all: meminfo is null
	run oomj "$REAL/18-notes-aks-hyperv-5.15-syslog-cgroupv2-memcg-foreign-lines-trailing-partial.log" '.events[0].meminfo'
	assert_output null
}

@test "depth: kernel, taint and hardware per event" {
	# "CPU: 1 UID: 0 PID: 116 Comm: stress-ng-vm Not tainted 6.11.0-10669-g11a299a7933e-dirty #15"
	run oomj "$REAL/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log" \
		'.events[0] | [.kernel, .tainted, .taint_flags, .hardware] | map(tostring) | join("|")'
	assert_output "6.11.0-10669-g11a299a7933e-dirty|false|null|QEMU Standard PC (Q35 + ICH9, 2009), BIOS Arch Linux 1.16.3-1-1 04/01/2014"
	# 3.x: "Pid: 22140, comm: qemu-system-x86 Tainted: G         C   3.2.0-36-generic #57-Ubuntu"
	run oomj "$REAL/10-forum-kvm-host-3.2-dmesgT-german-locale-global.log" \
		'.events[0] | [.kernel, .tainted, .taint_flags, .hardware] | map(tostring) | join("|")'
	assert_output "3.2.0-36-generic|true|GC|null"
	# "Comm: xfs_db Kdump: loaded Not tainted 4.18.0-139.el8.ppc64le+debug #1"
	run oomj "$REAL/12-linuxxfs-rhel8-4.18-ppc64le-indented-head-only.log" '.events[0].kernel'
	assert_output "4.18.0-139.el8.ppc64le+debug"
	# the second event of log 18 is a tail without its header
	run oomj "$REAL/18-notes-aks-hyperv-5.15-syslog-cgroupv2-memcg-foreign-lines-trailing-partial.log" \
		'[.events[] | .kernel] | map(tostring) | join(" ")'
	assert_output "5.15.0-1041-azure null"
	run "$VBTOOL" explain-oom "$REAL/10-forum-kvm-host-3.2-dmesgT-german-locale-global.log"
	assert_output --partial "platform: kernel 3.2.0-36-generic (tainted: GC), hardware not in the log"
}

@test "depth: cgroup v1 detail: memory+swap and kmem counters, the memory.stat of the memcg at its limit" {
	log=$REAL/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log
	# "memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0"
	# "kmem: usage 2352kB, limit 9007199254740988kB, failcnt 0"
	run oomj "$log" '.events[0].memcg | [.memsw_usage_kb, .memsw_limit_kb, .memsw_failcnt, .kmem_usage_kb,
		.kmem_limit_kb, .kmem_failcnt, .swap_usage_kb] | map(tostring) | join(" ")'
	assert_output "0 9007199254740988 0 2352 9007199254740988 0 null"
	# the first of three "Memory cgroup stats for" lines names the pod, the
	# memcg at its limit: "cache:0KB rss:0KB ... unevictable:0KB", kB -> bytes
	run oomj "$log" '.events[0].memcg | [.stats_path, (.stats_bytes | keys_unsorted | length), .stats_bytes.rss, .stats_bytes.unevictable] | map(tostring) | join(" ")'
	assert_output "/kubepods/burstable/podbc001ffa-68fc-11e9-92d7-5ef9efd9374c 12 0 0"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "memcg:    kmem usage 2.3 MiB, limit none, failcnt 0"
}

@test "depth: cgroup v2 detail: the swap counter and memory.stat one key a line, in bytes" {
	log=$REAL/18-notes-aks-hyperv-5.15-syslog-cgroupv2-memcg-foreign-lines-trailing-partial.log
	# "swap: usage 0kB, limit 9007199254740988kB, failcnt 0"
	run oomj "$log" '.events[0].memcg | [.swap_usage_kb, .swap_limit_kb, .swap_failcnt, .memsw_usage_kb] | map(tostring) | join(" ")'
	assert_output "0 9007199254740988 0 null"
	# "anon 98742272" ... "slab 2452248" ... "workingset_restore_anon 0": 27 keys
	run oomj "$log" '.events[0].memcg.stats_bytes | [.anon, .file, .sock, .slab, .workingset_restore_anon, (keys_unsorted | length), (keys_unsorted | first), (keys_unsorted | last)] | map(tostring) | join(" ")'
	assert_output "98742272 2469888 0 2452248 0 27 anon workingset_restore_anon"
}

@test "depth: every row of the task table, the 6.8 RSS split, shares of RAM, invoker and victim marked" {
	log=$REAL/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log
	# "[    116]     0   116  2628942  1995298  1995157      141         0 16052224        0          1000 stress-ng-vm"
	# x 4 kB: total_vm 10515768, rss 7981192, anon 7980628, file 564, shmem 0;
	# pgtables 16052224 bytes / 1024 = 15676 kB
	run oomj "$log" '.events[0].tasks.rows[0] | [.pid, .uid, .tgid, .total_vm_kb, .rss_kb, .rss_anon_kb, .rss_file_kb,
		.rss_shmem_kb, .pgtables_kb, .swapents, .oom_score_adj, .comm, .invoker, .victim] | map(tostring) | join(" ")'
	assert_output "116 0 116 10515768 7981192 7980628 564 0 15676 0 1000 stress-ng-vm true true"
	# rss 289 + 4676 + 270 + 1995298 = 2000533 pages = 8002132 kB of RAM
	# 8388088 kB = 95.4%; the victim: anon-rss 7980628 + file-rss 564 +
	# shmem-rss 0 = 7981192 kB = 95.1%
	run oomj "$log" '.events[0].tasks | [.count, (.rows | length), .rows_kept, .rss_kb_total, .rss_percent_of_ram, .victim_rss_kb, .victim_rss_percent_of_ram, .swapents_total] | map(tostring) | join(" ")'
	assert_output "4 4 true 8002132 95.4 7981192 95.1 0"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "table:    RSS 7.6 GiB (95% of RAM); victim RSS 7.6 GiB (95% of RAM)"
	assert_output --regexp "116 +0 +116 +10.0 GiB +7.6 GiB .* stress-ng-vm  <- invoker  <- victim"
}

@test "depth: --sort rss|swap|pid|name orders the rows; a wrong key is a usage error" {
	log=$REAL/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log
	run "$VBTOOL" explain-oom --json --sort pid "$log"
	assert_success
	run jq -r '[.events[0].tasks.rows[].pid] | map(tostring) | join(" ")' <<<"$output"
	assert_output "111 114 115 116"
	run "$VBTOOL" explain-oom --json --sort name "$log"
	run jq -r '[.events[0].tasks.rows[] | "\(.comm)/\(.pid)"] | join(" ")' <<<"$output"
	assert_output "sh/111 stress-ng/114 stress-ng-vm/115 stress-ng-vm/116"
	# default rss: 1995298 > 4676 > 289 > 270 pages
	run oomj "$log" '[.events[0].tasks.rows[].pid] | map(tostring) | join(" ")'
	assert_output "116 114 111 115"
	# swapents: oom 1018086, firewalld 6011, tuned 3068 (log 17)
	run "$VBTOOL" explain-oom --json --sort swap "$REAL/17-notes-rocky8-4.18-numa-kvm-rsyslog-012-escapes-mempolicy.log"
	run jq -r '[.events[0].tasks.rows[0:3][] | "\(.comm)/\(.swapents)"] | join(" ")' <<<"$output"
	assert_output "oom/1018086 firewalld/6011 tuned/3068"
	run "$VBTOOL" explain-oom --sort size "$log"
	assert_failure 2
	assert_output --partial "--sort takes rss, swap, pid or name"
}

@test "depth: a 3.2 table has no swapents or page-table column: null, not 0" {
	# "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name"
	run oomj "$REAL/10-forum-kvm-host-3.2-dmesgT-german-locale-global.log" \
		'.events[0].tasks | [.count, (.rows | length), .rows[0].comm, .rows[0].swapents, .rows[0].pgtables_kb, .swapents_total] | map(tostring) | join(" ")'
	assert_output "141 141 java null null null"
}

@test "depth: past the memory budget the rows are not kept, and the views say so" {
	# one report with 20000 task rows: 20000 x 200-odd bytes is past the
	# 1 MiB budget for task rows
	{
		echo '[  1.000000] big invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'
		echo '[  1.000001] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'
		for i in $(seq 1 20000); do printf '[  1.000002] [%7d]     0 %5d      100       %d    4096        0             0 t%d\n' "$i" "$i" "$((i % 97))" "$i"; done
		echo '[  1.000003] Out of memory: Killed process 5 (t5) total-vm:400kB, anon-rss:20kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0'
	} >"$BATS_TEST_TMPDIR/big.log"
	run oomj "$BATS_TEST_TMPDIR/big.log" '.events[0].tasks | [.count, .rows_kept, .rows, (.largest | length)] | map(tostring) | join(" ")'
	assert_output "20000 false null 5"
	run "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/big.log"
	assert_output --partial "rows not kept: over the memory budget for task tables"
}

@test "depth: the gfp table is the one of the kernel the log names (2.6.28: __GFP_MOVABLE is 0x100000)" {
	log=$REAL/61-forum-ubuntu904-2.6.28-syslog-nonuma-gfp-movable-0x100000-global.log
	# "Pid: 3050, comm: winbindd Not tainted 2.6.28-18-server": 2.6.23-2.6.30
	# gfp.h: __GFP_WAIT 0x10 | __GFP_IO 0x40 | __GFP_FS 0x80 | __GFP_HARDWALL
	# 0x20000 | __GFP_HIGHMEM 0x02 | __GFP_MOVABLE 0x100000 = 0x1200d2,
	# GFP_HIGHUSER_MOVABLE; + __GFP_COLD 0x100 = 0x1201d2 (page-cache readahead)
	run oomj "$log" '.events[0].invoker | [.gfp_flags_source, (.gfp_flags | join("|"))] | @tsv'
	assert_output "$(printf 'decoded\tGFP_HIGHUSER_MOVABLE|__GFP_COLD')"
	run "$VBTOOL" explain-oom "$log"
	assert_output --partial "gfp_mask 0x1201d2 (GFP_HIGHUSER_MOVABLE|__GFP_COLD)"
	# a 3.x kernel with the same bits reads them with the 2.6.31+ table:
	# 0x100000 was __GFP_KMEMCG there (3.8-4.3)
	sed 's/2.6.28-18-server/3.10.0-1160.el7.x86_64/' "$log" >"$BATS_TEST_TMPDIR/v310.log"
	run oomj "$BATS_TEST_TMPDIR/v310.log" '.events[0].invoker.gfp_flags | join("|")'
	assert_output "GFP_HIGHUSER|__GFP_COLD|__GFP_KMEMCG"
	# 4.6+ prints the names itself; a bare mask from such a kernel is not
	# read with an older table
	sed 's/2.6.28-18-server/4.15.0-46-generic/' "$log" >"$BATS_TEST_TMPDIR/v415.log"
	run oomj "$BATS_TEST_TMPDIR/v415.log" '.events[0].invoker.gfp_flags | join("|")'
	assert_output "0x1201d2"
}

@test "depth: a kernel without NUMA: buddy lines without Node, the Mem-Info of 2.6.28" {
	log=$REAL/61-forum-ubuntu904-2.6.28-syslog-nonuma-gfp-movable-0x100000-global.log
	# "DMA: 3*4kB 3*8kB ..." -> 4 kB pages
	run oomj "$log" '.events[0] | [.page_size_kb, .page_size_source] | @tsv'
	assert_output "$(printf '4\tbuddy_lines')"
	# Active_anon:366511 x 4 = 1466044 (the DMA32 zone says active_anon:1466044kB);
	# inactive_anon:122116 x 4 = 488464; pagetables:6058 x 4 = 24232;
	# 890 total pagecache pages x 4 = 3560; RAM 524272 x 4 = 2097088 kB;
	# 1466044 / 2097088 = 69.9%
	run oomj "$log" '.events[0].meminfo | [.active_anon_kb, .inactive_anon_kb, .pagetables_kb, .pagecache_kb, .swapcache_kb, .swap_used_kb, .percent_of_ram.active_anon] | map(tostring) | join(" ")'
	assert_output "1466044 488464 24232 3560 0 0 69.9"
}

@test "depth: the shared samples give the same numbers as their corpus copies" {
	shared=$TOP_SRCDIR/../shared/samples/oom
	[ -d "$shared" ] || skip "no ../shared/samples/oom beside the tree"
	for f in "$shared"/*.log; do
		copy=$REAL/$(basename "$f")
		[ -f "$copy" ] || continue
		a=$("$VBTOOL" explain-oom --json "$f" | jq -c '[.events[] | [.kernel, .page_size_kb, .meminfo, .memcg, .tasks.rows]]')
		b=$("$VBTOOL" explain-oom --json "$copy" | jq -c '[.events[] | [.kernel, .page_size_kb, .meminfo, .memcg, .tasks.rows]]')
		[ "$a" = "$b" ] || fail "$f differs from $copy"
	done
	# and they are read: "CPU: 0 PID: 20049 Comm: dnf Not tainted 4.9.9-200.fc25.x86_64 #1"
	run oomj "$shared/04-lkml-kvm-fc25-4.9-virtio_balloon-wrapped-global.log" '.events[0].kernel'
	assert_output "4.9.9-200.fc25.x86_64"
}
