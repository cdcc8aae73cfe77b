#!/usr/bin/env bats
# Issue #12, one vocabulary: text output (status, top -b, the host side) uses
# words, not vbtool's identifiers (the JSON keeps them), KiB/MiB/GiB, the
# guest's name labelled hostname; and one percentage, of the memory the VM
# was given, rounded the same way by status, explain-oom and the host side.
# Trees and logs are copied from examples/ and tests/data/oom and changed
# here; every expected figure is worked out by hand in the comments.
load helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	qmp_setup_dir
}

teardown() {
	qmp_teardown_dir
}

# vbtool's own snake_case names that must not reach text (JSON keeps them).
# The drivers' names (virtio_balloon, vmw_balloon, hv_balloon) are real
# module names and stay; so do paths.
identifiers() {
	grep -oE '(^|[ (:=,])[a-z0-9]+(_[a-z0-9]+)+' | sed 's/^[ (:=,]//' |
		grep -vxE 'virtio_balloon|vmw_balloon|hv_balloon|xen_balloon' || true
}

# A 1 GiB guest (zones' present pages 4096 + 258048 = 262144 = 1 GiB) with a
# balloon of $1 KiB without DEFLATE_ON_OOM: the virtuozzo tree's device, its
# debugfs file and meminfo saying InflatedTotal $1 kB, vmstat agreeing.
tree_1g() {
	local kb=$1
	T="$BATS_TEST_TMPDIR/tree"
	rm -rf "$T"
	cp -a "$EXAMPLES/virtuozzo" "$T"
	printf 'InflatedTotal: %s kB\nInflatedFree: 0 kB\n' "$kb" >"$T/sys/kernel/debug/virtio-balloon"
	sed -i -e "s/^MemTotal:.*/MemTotal:         $((1048576 - 40000 - kb)) kB/" \
		-e "s/^InflatedTotal:.*/InflatedTotal: $kb kB/" "$T/proc/meminfo"
	sed -i -e "s/^balloon_inflate .*/balloon_inflate $((kb / 4))/" -e 's/^balloon_deflate .*/balloon_deflate 0/' \
		"$T/proc/vmstat"
	cat >"$T/proc/zoneinfo" <<-EOF
		Node 0, zone      DMA
		  pages free     3840
		        spanned  4096
		        present  4096
		        managed  3840
		Node 0, zone    DMA32
		  pages free     100000
		        spanned  258048
		        present  258048
		        managed  160000
	EOF
}

# The virtuozzo OOM log (balloon-held-memory) on a 1 GiB guest: 262144 pages
# RAM (1 GiB), zones present 16384 + 1032192 + 0 kB = 1 GiB, and a balloon
# of $1 KiB.
log_1g() {
	L="$BATS_TEST_TMPDIR/oom.log"
	sed -e "s/Balloon InflatedTotal:2097152kB/Balloon InflatedTotal:${1}kB/" \
		-e 's/ 2097018 pages RAM/ 262144 pages RAM/' \
		-e 's/present:15992kB managed:15360kB/present:16384kB managed:15360kB/' \
		-e 's/present:2080624kB managed:1998228kB/present:1032192kB managed:700000kB/' \
		-e 's/present:6291456kB managed:4134304kB/present:0kB managed:0kB/' \
		"$DATA/oom/synthetic/virtuozzo-inflated-before-invoked.log" >"$L"
}

@test "vocab: status text names its sources in words, KiB, hostname; JSON keeps the names" {
	tree_1g 327680
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log
	assert_success
	assert_line "kernel 5.14.0-284.25.1.vz9.30.8, hostname vz-kvm"
	assert_line --regexp "^  virtio-balloon's counters in debugfs +327680 KiB \(the size given above\)$"
	assert_line --regexp "^  InflatedTotal \+ InflatedFree in /proc/meminfo +327680 KiB$"
	# vmstat: balloon_inflate 81920 - 0 pages of 4 KiB = 327680 KiB
	assert_line --regexp "^  inflated minus deflated in /proc/vmstat +327680 KiB \(since-boot counters\)$"
	refute_output --partial "<- reported"
	refute_output --regexp "[0-9] kB"
	[ -z "$(identifiers <<<"$output")" ] || { identifiers <<<"$output"; false; }
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log --json
	assert_success
	[ "$(jq -r '[.balloon.sources[].name] | join(" ")' <<<"$output")" = \
		"debugfs_virtio_balloon meminfo_inflated vmstat_inflate_deflate" ]
	[ "$(jq -r .balloon.accounting <<<"$output")" = subtracted_from_memtotal ]
}

@test "vocab: no identifiers and no kB in status and top -b text of every example" {
	for d in "$EXAMPLES"/*/; do
		run "$VBTOOL" status --sysroot "$d" --no-kernel-log
		[ -z "$(identifiers <<<"$output")" ] || { echo "status $d:"; identifiers <<<"$output"; false; }
		refute_output --regexp "[0-9] kB"
		refute_output --regexp "(^|, )host [^ ]"
		run "$VBTOOL" top -b -n 1 --sysroot "$d"
		[ -z "$(identifiers <<<"$output")" ] || { echo "top $d:"; identifiers <<<"$output"; false; }
		refute_output --regexp "[0-9] kB"
		refute_output --regexp "  host "
	done
	run "$VBTOOL" top -b -n 1 --sysroot "$EXAMPLES/vmware-current"
	assert_output --partial "hostname "
	assert_output --partial "mode counted as used"
}

# 327680 / 1048576 = 31.25% -> 31%; 655360 / 1048576 = 62.5% -> 63% (half up:
# printf's %.0f would say 62, and the host side said 62.5%).
@test "vocab: the same balloon on 1 GiB is the same percentage of the same thing in status and explain-oom" {
	for pair in 327680:31 655360:63; do
		kb=${pair%%:*} want=${pair#*:}
		tree_1g "$kb"
		run "$VBTOOL" status --sysroot "$T" --no-kernel-log
		assert_success
		assert_line --index 0 --partial "($want% of the 1.0 GiB the VM was given)"
		assert_line --partial ", $want% of the 1.0 GiB the VM was given (zones' present pages in /proc/zoneinfo)"
		assert_line --partial "($want% of the memory the VM was given)"
		run "$VBTOOL" top -b -n 1 --sysroot "$T"
		assert_output --partial "($want% of the VM's 1.0 GiB)"
		log_1g "$kb"
		run "$VBTOOL" explain-oom "$L"
		assert_output --partial "the balloon held $((kb / 1024)).0 MiB ($want% of the 1.0 GiB the VM was given, from"
		run "$VBTOOL" explain-oom --brief "$L"
		assert_output --partial "balloon $((kb / 1024)).0 MiB ($want% of the 1.0 GiB the VM was given)"
	done
}

@test "vocab: the host side gives the same percentage of the same thing (fake QMP guest, 1 GiB)" {
	for pair in 327680:31 655360:63; do
		kb=${pair%%:*} want=${pair#*:}
		start_fake guest "g$kb" ram=$((1024 * MiB)) actual=$(((1048576 - kb) * 1024))
		run "$VBTOOL" status --qmp "$QDIR/g$kb.sock"
		assert_success
		assert_line --regexp "^  balloon +$((kb / 1024)) MiB \($want% of the 1 GiB the VM was given\)$"
		refute_output --partial "of RAM"
	done
}

@test "vocab: a real paused QEMU with 1 GiB: nothing ballooned is 0% of the 1 GiB the VM was given" {
	require_qemu
	start_qemu q -m 1024 -device virtio-balloon-pci,id=balloon0
	[ "$(qmp_raw "$QDIR/q.sock" '{"execute":"query-balloon"}' | jq .return.actual)" = $((1024 * MiB)) ]
	run "$VBTOOL" status --qmp "$QDIR/q.sock"
	assert_line --regexp "^  balloon +0 B \(0% of the 1 GiB the VM was given\)$"
	refute_output --partial "of RAM"
}

@test "vocab: the host side's guest statistics are named in words" {
	start_fake guest s poll=1
	run "$VBTOOL" status --qmp "$QDIR/s.sock" --stats-interval 1
	for _ in $(seq 20); do
		run "$VBTOOL" status --qmp "$QDIR/s.sock"
		[[ "$output" == *"free memory"* ]] && break
		sleep 0.3
	done
	assert_output --regexp "    free memory +[0-9]"
	[ -z "$(identifiers <<<"$output")" ] || { identifiers <<<"$output"; false; }
	run "$VBTOOL" status --qmp "$QDIR/s.sock" --json
	jq -e '.vms[0].stats | has("free_memory")' <<<"$output"
}

# Hyper-V: hv_balloon adjusts the managed page count when it balloons (so
# MemTotal shrinks) since Linux 5.11 ("hv_balloon: do
# adjust_managed_page_count() when ballooning/un-ballooning"); the answer
# follows the tree's kernel version. hyperv-mainline: 6.1, 65536 pages of
# 4 KiB = 262144 KiB, MemTotal 3911020 kB, no zoneinfo.
@test "vocab: Hyper-V answers by kernel version, with the percentage" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/hyperv-mainline" --no-kernel-log
	assert_success
	# 262144 / (3911020 + 262144 = 4173164 KiB = 3.98 GiB) = 6.28% -> 6%
	assert_line --index 0 "The host holds 256.0 MiB (6% of the 4.0 GiB the VM was given) through hv_balloon; it is taken off MemTotal; the guest cannot get it back on OOM (hv_balloon has no OOM notifier: only the host gives memory back)"
	assert_line --partial "shows up as   subtracted from MemTotal: hv_balloon takes ballooned pages off MemTotal since Linux 5.11"
	T="$BATS_TEST_TMPDIR/hv510"
	cp -a "$EXAMPLES/hyperv-mainline" "$T"
	echo 5.10.0-26-amd64 >"$T/proc/sys/kernel/osrelease"
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log --json
	[ "$(jq -r .balloon.accounting <<<"$output")" = counted_as_used ]
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log
	assert_line --partial "shows up as   counted as used memory: hv_balloon leaves MemTotal unchanged before Linux 5.11"
	echo 5.11.0-1-amd64 >"$T/proc/sys/kernel/osrelease"
	run "$VBTOOL" status --sysroot "$T" --no-kernel-log --json
	[ "$(jq -r .balloon.accounting <<<"$output")" = subtracted_from_memtotal ]
}

# hyperv-vendor's debugfs: pages_added 262144, pages_onlined 262144; two
# hv_balloon.c pr_err() lines added to the captured kernel log.
@test "vocab: Hyper-V hot-add pages and 'hot add failed' kernel messages are shown" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/hyperv-vendor" --no-kernel-log
	assert_line "    hot add: pages added 262144, pages onlined 262144"
	T="$BATS_TEST_TMPDIR/hvlog"
	cp -a "$EXAMPLES/hyperv-vendor" "$T"
	printf '%s\n' '3,700,5000000,-;hv_balloon: hot_add memory failed error is -17' \
		'3,701,5000100,-;hv_balloon: Memory hot add failed' >>"$T/vbtool/kmsg"
	run "$VBTOOL" status --sysroot "$T"
	assert_line "Hyper-V hot add failed 2 times (kernel log; last: hv_balloon: Memory hot add failed)"
	run "$VBTOOL" status --sysroot "$T" --json
	[ "$(jq -r .kernel_log.hv_hot_add_failed <<<"$output")" = 2 ]
}

# Issue #12, top's speed: between two uevents a refresh reads only the files
# that change: /proc/meminfo, /proc/vmstat, /proc/pressure/memory (when the
# kernel has PSI) and each virtio balloon's status and features (device id
# 0x0005 in /sys/bus/virtio/devices/*/device). Counted with strace: the opens
# of 12 frames less those of 2, over 10.
@test "vocab: top -b reads only the changing files per refresh" {
	command -v strace >/dev/null || skip "strace not installed"
	want=2
	[ -r /proc/pressure/memory ] && want=$((want + 1))
	for d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$d/device" 2>/dev/null)" = 0x0005 ] && want=$((want + 2))
	done
	for n in 2 12; do
		# a sanitizer build's leak checker cannot run under ptrace and fails
		ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat,openat2 -o "$BATS_TEST_TMPDIR/t$n" \
			"$VBTOOL" top -b -d 0 -n "$n" >/dev/null
	done
	per=$((($(wc -l <"$BATS_TEST_TMPDIR/t12") - $(wc -l <"$BATS_TEST_TMPDIR/t2")) / 10))
	[ "$per" -eq "$want" ] || { echo "opens per refresh: $per, want $want"; false; }
}
