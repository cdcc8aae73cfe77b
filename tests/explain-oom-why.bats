#!/usr/bin/env bats
# explain-oom issue #20 part B (and #11's slab verdict): why the allocation
# failed, the kernel's own way (mm/page_alloc.c __zone_watermark_ok():
# free - (2^order - 1) > min (halved with __GFP_HIGH) + lowmem_reserve[highest
# zone], and for order > 0 a free chunk of the order or above), manual OOMs
# (order=-1, is_sysrq_oom()), the unreclaimable slab verdict and the next
# steps. Every expected number is worked out by hand from the log lines
# quoted in the comment (4 KiB pages: the buddy lines start at 4kB).

load helpers

REAL="$DATA/oom/real"
SYN="$DATA/oom/synthetic"
L16="$REAL/16-linuxmm-vmware-4.10-alloc-stall-interleaved-two-events-order2.log"
L47="$REAL/47-lkml-arm64-5.4-kmemleak-slab-no-killable-panic-wrapped.log"
FRAG="$SYN/serial-console-fragmentation.log"

ev() { # ev LOG JQ: one value of explain-oom --json LOG
	"$VBTOOL" explain-oom --json "$1" | jq -r "$2"
}

@test "why: order-2 GFP_KERNEL on a 4.10 guest is below min in DMA and DMA32 (log 16, event 1)" {
	# gfp_mask=0x16040c0: no zone bits -> Normal; 0x20 (__GFP_HIGH) clear.
	# lowmem_reserve[] has 4 entries (DMA DMA32 Normal Movable): Normal is index 2.
	# DMA:   free 6248kB = 1562 p, min 476kB = 119 p, reserve[2] = 1443 p = 5772kB;
	#        need > 119 + 1443 + (2^2 - 1) = 1565 p = 6260kB; 1562 <= 1565: fails.
	#        chunks of order >= 2: 2+4+3+2+2+2+2+1+0 = 18.
	# DMA32: free 44544kB = 11136 p, min 44576kB = 11144 p, reserve 0;
	#        need > 11144 + 3 = 11147 p = 44588kB: fails; chunks >= 2: 536+210+107+41+20 = 914.
	run ev "$L16" '.events[0].allocation | [.outcome, .highest_zone, .request_kb, .gfp_high, (.short_nodes|join(","))] | join(" ")'
	assert_output "below-min Normal 16 false 0"
	run ev "$L16" '.events[0].allocation.zones[] | [.name, .lowmem_reserve_kb, .need_above_kb, .chunks_of_order, .passes] | join(" ")'
	assert_line --index 0 "DMA 5772 6260 18 false"
	assert_line --index 1 "DMA32 0 44588 914 false"
	run "$VBTOOL" explain-oom "$L16"
	assert_line --partial "alloc:    order 2 (16 KiB) from Normal and below: below the min watermark in every allowed zone; short on node 0"
}

@test "why: order-0 with __GFP_HIGHMEM on a 64-bit build uses Normal's reserve; free equal to the mark fails (log 16, event 2)" {
	# gfp_mask=0x14001c2: zone bits 0x2 (HighMem, which x86_64 lacks: Normal, index 2).
	# DMA: need > 119 + 1443 = 1562 p = 6248kB and free is 6248kB: "<=" fails.
	# DMA32: need > 11144 p = 44576kB, free 44544kB: fails.
	run ev "$L16" '.events[1].allocation | [.outcome, .highest_zone, (.zones|map("\(.name):\(.need_above_kb):\(.passes)")|join(","))] | join(" ")'
	assert_output "below-min HighMem DMA:6248:false,DMA32:44576:false"
}

@test "why: enough free pages but no chunk of order 2 is fragmentation (synthetic serial console log)" {
	# gfp_mask=0x2000d0 (pre-4.4 GFP_KERNEL|__GFP_NOTRACK): Normal. DMA reserve
	# "0 1952 1952 1952"[2] = 1952 p = 7808kB; DMA need > 268/4 + 1952 + 3 = 2022 p
	# = 8088kB < free 15360kB; DMA32 need > 33420/4 + 3 = 8358 p = 33432kB < 120000kB;
	# both buddy lines have only 4kB chunks: 0 chunks of order >= 2.
	run ev "$FRAG" '.events[0].allocation | [.outcome, (.zones|map("\(.name):\(.lowmem_reserve_kb):\(.need_above_kb):\(.enough_free):\(.chunks_of_order)")|join(","))] | join(" ")'
	assert_output "fragmentation DMA:7808:8088:true:0,DMA32:0:33432:true:0"
	run "$VBTOOL" explain-oom "$FRAG"
	assert_line --partial "enough free pages but no free chunk of order 2 or above (fragmentation)"
}

@test "why: fragmentation from the watermark test alone gives the fragmentation verdict" {
	# The same report with less free memory: DMA free 8100kB (2025 p, above its
	# need of 2022 p), DMA32 free 40000kB (10000 p, above 8358 p), Mem-Info free
	# 48100kB = 12025 p. That is below the zones' high sum (400 + 50128 = 50528kB),
	# so the old "free above high" rule does not fire; the watermark test finds
	# enough free pages but no order-2 chunk in either zone.
	local t="$BATS_TEST_TMPDIR/frag.log"
	sed -e 's/DMA32 free:120000kB/DMA32 free:40000kB/' -e 's/DMA free:15360kB/DMA free:8100kB/' \
		-e 's/ free:33840 / free:12025 /' "$FRAG" >"$t"
	run ev "$t" '[.events[0].verdict.code, .events[0].allocation.outcome] | join(" ")'
	assert_output "fragmentation fragmentation"
	run ev "$t" '.events[0].verdict.summary'
	assert_output --partial "none of its free chunks was of order 2 or above"
}

@test "why: a request above order 3 is a costly order, whatever the zones say" {
	local t="$BATS_TEST_TMPDIR/costly.log"
	sed 's/order=2,/order=4,/' "$FRAG" >"$t"
	run ev "$t" '.events[0].allocation | [.outcome, .request_kb] | join(" ")'
	assert_output "costly-order 64"
	run ev "$t" '.events[0].allocation.summary'
	assert_output --partial "order 4 > 3"
}

@test "why: no lowmem_reserve[] lines: cannot tell, and says what is missing" {
	local t="$BATS_TEST_TMPDIR/noreserve.log"
	grep -v 'lowmem_reserve' "$L16" >"$t"
	run ev "$t" '.events[0].allocation | [.outcome, .summary] | join(" | ")'
	assert_output "unknown | cannot tell: a lowmem_reserve[] line is missing or not understood"
}

@test "why: a memcg OOM is a charge, not a zone shortage (log 08)" {
	run ev "$REAL/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log" '.events[0].allocation.outcome'
	assert_output "memcg-charge"
	run ev "$REAL/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log" '.events[0].next_steps[0]'
	assert_output --partial "memory.max"
}

@test "why: arm64 5.4 with Normal and Movable zones: only Normal is allowed, below min (log 47)" {
	# gfp_mask=0x40cc0(GFP_KERNEL|__GFP_COMP), order=1: Normal; Movable not allowed.
	# lowmem_reserve[] has 3 entries; Normal's row "0 15360 15360" is nonzero at 1,
	# so Normal is index 0 (build: Normal, Movable, Device): reserve[0] = 0.
	# Normal: free 12652kB = 3163 p, min 14344kB = 3586 p; need > 3586 + 0 + 1 = 3587 p
	# = 14348kB: fails. Chunks of order >= 1: 38*8kB, the rest 0: 38.
	run ev "$L47" '.events[0].allocation | [.outcome, (.zones|map("\(.name):\(.allowed):\(.lowmem_reserve_kb):\(.need_above_kb):\(.chunks_of_order)")|join(","))] | join(" ")'
	assert_output "below-min Normal:true:0:14348:38,Movable:false:null:null:null"
}

@test "why: the unreclaimable slab table and the slab note on a no-killable panic (log 47)" {
	# 106 rows between "Name Used Total" and "Tasks state"; largest totals:
	# kmemleak_object 2449340KB, skbuff_head_cache 106265KB, kmalloc-512 94124KB.
	# slab_unreclaimable 795718 p = 3182872kB of 2046684 p = 8186736kB RAM: 38.9% -> 39%.
	run ev "$L47" '.events[0].unreclaimable_slab | [.caches, (.largest|map("\(.name):\(.used_kb):\(.total_kb)")|join(","))] | join(" ")'
	assert_output "106 kmemleak_object:2449340:2449340,skbuff_head_cache:79402:106265,kmalloc-512:87024:94124"
	run ev "$L47" '.events[0].verdict.summary'
	assert_output --partial "unreclaimable slab held 3.0 GiB of the 7.8 GiB of RAM (39%)"
	assert_output --partial "kmemleak_object"
	run ev "$L47" '.events[0].next_steps[0]'
	assert_output --partial "kmemleak=off"
}

@test "why: slab at 39% of RAM is the slab-unreclaimable verdict (log 47 up to its task table)" {
	# the same report ending before "Out of memory and no killable processes"
	local t="$BATS_TEST_TMPDIR/slab.log"
	sed '/no killable processes/,$d' "$L47" >"$t"
	run ev "$t" '.events[0].verdict.code'
	assert_output "slab-unreclaimable"
	run "$VBTOOL" explain-oom "$t"
	assert_line --partial "verdict:  slab-unreclaimable: The kernel's own memory (slab) grew until OOM: unreclaimable slab held 3.0 GiB of the 7.8 GiB of RAM (39%), more than all user memory (the kernel listed its caches); the largest cache, kmemleak_object, held 2.3 GiB."
	assert_line --partial "next:     The largest cache, kmemleak_object"
	assert_line --partial "slab:     Unreclaimable slab info: 106 caches; largest kmemleak_object 2.3 GiB"
}

@test "why: slab below 30% of RAM is not the slab verdict (log 16: 47744 p of 524157 p = 9%)" {
	run ev "$L16" '.events[0].verdict.code'
	refute_output "slab-unreclaimable"
	run ev "$L16" '.events[0].unreclaimable_slab'
	assert_output "null"
}

@test "why: order=-1 without the SysRq line is a manual OOM (manual-oom), with next steps" {
	# the report of a SysRq-f kill, pasted from its "invoked oom-killer" line on
	local t="$BATS_TEST_TMPDIR/manual.log"
	grep -v 'sysrq: Manual OOM execution' "$SYN/v6.1-sysrq-report-kill.log" >"$t"
	run ev "$t" '[.events[0].verdict.code, .events[0].allocation.outcome] | join(" ")'
	assert_output "manual-oom manual"
	run ev "$t" '.events[0].verdict.summary'
	assert_output --partial "order=-1: a manual OOM kill (SysRq-f or a write to /proc/sysrq-trigger), not a shortage"
	assert_output --partial "It killed app (pid 913)."
	run ev "$t" '.events[0].next_steps | length'
	assert_output "2"
	run ev "$t" '.events[0].next_steps[0]'
	assert_output --partial "/proc/sysrq-trigger"
}

@test "why: every event has next steps, in text and JSON alike" {
	for f in "$L16" "$FRAG" "$L47" "$REAL/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log"; do
		run ev "$f" '[.events[] | .next_steps | length] | map(select(. < 1 or . > 2)) | length'
		assert_output "0"
		n=$(ev "$f" '[.events[].next_steps[]] | length')
		t=$("$VBTOOL" explain-oom "$f" | grep -c '^  next:     ')
		[ "$n" = "$t" ]
	done
}
