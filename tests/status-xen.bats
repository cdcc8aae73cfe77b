#!/usr/bin/env bats
# Xen's balloon driver (issue #18): status over the examples/xen-* trees and
# tests/data/xen-proc-balloon. Expected values are computed by hand from the
# trees' files (see each README and docs/xen-balloon.md), not from vbtool.
load helpers

js() { "$VBTOOL" status --sysroot "$1" --json --no-kernel-log; }

@test "xen-ballooned: the host holds low_kb + high_kb, taken off MemTotal" {
	run js "$EXAMPLES/xen-ballooned"
	assert_success
	j=$output
	# info/low_kb 1048576 + info/high_kb 0
	[ "$(jq -r .balloon.size_kb <<<"$j")" = 1048576 ]
	[ "$(jq -r .balloon.size_from <<<"$j")" = xen_balloon ]
	[ "$(jq -r '.balloon.sources[0].driver' <<<"$j")" = xen_balloon ]
	# vmstat's inflate/deflate (0, virtio/VMware only) is no source here
	[ "$(jq -r '.balloon.sources | length' <<<"$j")" = 1 ]
	[ "$(jq -r .balloon.sources_agree <<<"$j")" = true ]
	[ "$(jq -r .balloon.accounting <<<"$j")" = subtracted_from_memtotal ]
	# MemTotal 2966424 + 1048576 = 4015000; 1048576/4015000 = 26.12%
	[ "$(jq -r .balloon.ram_kb <<<"$j")" = 4015000 ]
	[ "$(jq -r .balloon.percent_of_ram <<<"$j")" = 26.12 ]
	[ "$(jq -r .other_drivers.xen_balloon <<<"$j")" = true ]
	[ "$(jq -c '.xen_balloon | [.status,.layout,.target_kb,.target_bytes,.current_kb,.low_kb,.high_kb,.moving]' <<<"$j")" = \
	  '["ok","sysfs",3145728,3221225472,3145728,1048576,0,"done"]' ]
	[ "$(jq -c '.xen_balloon | [.schedule_delay_s,.max_schedule_delay_s,.retry_count,.max_retry_count,.hotplug]' <<<"$j")" = \
	  '[1,32,1,4,null]' ]
	[ "$(jq -r '[.findings[].code] | map(select(startswith("xen") or . == "no-balloon-device" or . == "sources-disagree" or . == "unidentified-balloon-driver")) | length' <<<"$j")" = 0 ]
	[ "$(jq -r .problems <<<"$j")" = "[]" ]
	run "$VBTOOL" status --sysroot "$EXAMPLES/xen-ballooned" --no-kernel-log
	assert_success
	assert_line --index 0 --partial "through xen_balloon; it is taken off MemTotal"
	assert_line --index 0 --partial "Xen's balloon has no OOM notifier"
	refute_line --index 0 --partial "still moving"
	assert_output --partial "Xen balloon driver (xen_balloon) present"
	assert_output --partial "  ballooned     low 1048576 KiB, high 0 KiB"
	assert_output --partial "  current       3145728 KiB (at the target)"
}

@test "xen-moving-to-target: current above the target, retrying" {
	run js "$EXAMPLES/xen-moving-to-target"
	assert_success
	j=$output
	[ "$(jq -r .balloon.size_kb <<<"$j")" = 1572864 ]
	[ "$(jq -r .xen_balloon.moving <<<"$j")" = down ]
	# 2442136 + 1572864 = 4015000; 1572864/4015000 = 39.17%
	[ "$(jq -r .balloon.ram_kb <<<"$j")" = 4015000 ]
	[ "$(jq -r .balloon.percent_of_ram <<<"$j")" = 39.17 ]
	m=$(jq -r '.findings[] | select(.code == "xen-balloon-moving") | .message' <<<"$j")
	# current 2621440 - target 2097152 = 524288
	[[ "$m" == *"the guest has 2621440 KiB, its target is 2097152 KiB (524288 KiB to go)"* ]]
	[[ "$m" == *"try 3 of 4"* ]]
	[[ "$m" == *"next try in 4 s"* ]]
	[ "$(jq -r '.findings[] | select(.code == "xen-balloon-moving") | .severity' <<<"$j")" = info ]
	[[ "$(jq -r .answer <<<"$j")" == *"still moving toward its target"*"the host is taking more"* ]]
}

@test "xen-hotplug: target above all the guest has, added blocks offline" {
	run js "$EXAMPLES/xen-hotplug"
	assert_success
	j=$output
	[ "$(jq -r .balloon.size_kb <<<"$j")" = 0 ]
	[ "$(jq -r .balloon.no_balloon <<<"$j")" != true ]
	[ "$(jq -c '.xen_balloon | [.hotplug,.hotplug_unpopulated,.moving]' <<<"$j")" = '[true,0,"up"]' ]
	# 8000000 hex = 134217728; 16 online, 8 offline in the tree
	[ "$(jq -c '.memory_blocks | [.status,.block_size_bytes,.auto_online_blocks,.online,.offline,.other]' <<<"$j")" = \
	  '["ok",134217728,"offline",16,8,0]' ]
	m=$(jq -r '.findings[] | select(.code == "xen-hotplug-needed") | .message' <<<"$j")
	# current 2097152 + low 0 + high 0 < target 3145728
	[[ "$m" == *"target 3145728 KiB is above all the guest has (current + ballooned = 2097152 KiB)"* ]]
	[[ "$m" == *"CONFIG_XEN_BALLOON_MEMORY_HOTPLUG: built in"* ]]
	[[ "$m" == *"8 memory block(s) are offline (/sys/devices/system/memory/auto_online_blocks: offline)"* ]]
	[ "$(jq -r '.findings[] | select(.code == "xen-balloon-moving") | .message' <<<"$j")" != "" ]
}

@test "xen-no-driver: a Xen guest without the balloon driver is a finding" {
	run js "$EXAMPLES/xen-no-driver"
	[ "$status" -eq 3 ]
	j=$output
	[ "$(jq -r .xen_balloon.status <<<"$j")" = absent ]
	[ "$(jq -r .other_drivers.xen_balloon <<<"$j")" = false ]
	[ "$(jq -r '.findings[] | select(.code == "xen-no-balloon-driver") | .severity' <<<"$j")" = warning ]
	[ "$(jq -r '.findings[] | select(.code == "no-balloon-device") | .code' <<<"$j")" = no-balloon-device ]
}

@test "no Xen finding on a KVM guest without Xen's files" {
	run js "$EXAMPLES/no-balloon"
	[ "$status" -eq 3 ]
	[ "$(jq -r '[.findings[].code | select(startswith("xen"))] | length' <<<"$output")" = 0 ]
	[ "$(jq -r .xen_balloon.status <<<"$output")" = absent ]
}

@test "/proc/xen/balloon (XenLinux): parsed, '??? kB' hard limit is unknown" {
	run js "$DATA/xen-proc-balloon"
	assert_success
	j=$output
	[ "$(jq -c '.xen_balloon | [.layout,.current_kb,.target_kb,.low_kb,.high_kb,.driver_kb,.hard_limit_kb,.moving]' <<<"$j")" = \
	  '["proc",1048576,786432,524288,0,1024,null,"down"]' ]
	[ "$(jq -r .balloon.size_kb <<<"$j")" = 524288 ]
	[ "$(jq -r .balloon.sources[0].path <<<"$j")" = /proc/xen/balloon ]
	[ "$(jq -r .problems <<<"$j")" = "[]" ]
}

@test "a malformed Xen attribute is a problem, never a guessed size" {
	cp -r "$EXAMPLES/xen-ballooned" "$BATS_TEST_TMPDIR/t"
	echo "12x" >"$BATS_TEST_TMPDIR/t/sys/devices/system/xen_memory/xen_memory0/info/low_kb"
	run js "$BATS_TEST_TMPDIR/t"
	j=$output
	[ "$(jq -r .xen_balloon.status <<<"$j")" = error ]
	[ "$(jq -r '.balloon.sources | map(select(.name == "xen_balloon")) | length' <<<"$j")" = 0 ]
	[ "$(jq -r '.problems[] | select(.what | endswith("info/low_kb")) | .why' <<<"$j")" = "not one decimal number: ignored" ]
}

@test "collect captures the Xen balloon files and memory blocks" {
	cd "$BATS_TEST_TMPDIR"
	"$VBTOOL" --sysroot "$EXAMPLES/xen-hotplug" collect -o x.tar.gz 2>/dev/null
	tar xzf x.tar.gz
	dir=$(tar tzf x.tar.gz | head -1 | cut -d/ -f1)
	a=$(js "$EXAMPLES/xen-hotplug" | jq -c '.xen_balloon, .memory_blocks, .balloon.size_kb')
	b=$(js "$dir" | jq -c '.xen_balloon, .memory_blocks, .balloon.size_kb')
	[ "$a" = "$b" ]
	[ -f "$dir/sys/devices/system/xen_memory/xen_memory0/info/current_kb" ]
	[ -f "$dir/proc/sys/xen/balloon/hotplug_unpopulated" ]
}

# A Xen HVM guest's log: the synthetic SysRq-f report with Xen's DMI name and
# one line of Xen's balloon driver before it (drivers/xen/balloon.c:
# pr_info("xen/balloon: Initialising balloon driver.\n") in older kernels,
# pr_fmt "xen:balloon: " in newer ones).
xen_log() {
	L="$BATS_TEST_TMPDIR/xen.log"
	{
		echo "[    0.912345] $1"
		sed 's|Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014|Hardware name: Xen HVM domU, BIOS 4.11.amazon 08/24/2006|' \
			"$DATA/oom/synthetic/v6.1-sysrq-report-kill.log"
	} >"$L"
	grep -q "Hardware name: Xen HVM domU" "$L"
}

@test "explain-oom: Xen's balloon messages (old and new prefix) and the Xen HVM hardware name" {
	xen_log "xen/balloon: Initialising balloon driver."
	run "$VBTOOL" explain-oom --json "$L"
	assert_success
	[ "$(jq -r '.events[0].balloon.driver' <<<"$output")" = xen_balloon ]
	[ "$(jq -r '.events[0].vm_sign' <<<"$output")" = Xen ]
	[ "$(jq -r '.events[0].balloon.messages[0].message' <<<"$output")" = "xen/balloon: Initialising balloon driver." ]
	xen_log "xen:balloon: Initial ballooning failed, 1024 pages need to be freed."
	run "$VBTOOL" explain-oom --json "$L"
	assert_success
	[ "$(jq -r '.events[0].balloon.driver' <<<"$output")" = xen_balloon ]
	xen_log "xen-balloon thread could not be started, ballooning will not work!"
	run "$VBTOOL" explain-oom --json "$L"
	[ "$(jq -r '.events[0].balloon.driver' <<<"$output")" = xen_balloon ]
}
