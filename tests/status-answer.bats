#!/usr/bin/env bats
# status answers the question in its first line (issue #12): the sentence,
# its JSON twin `answer`, OOM kills since boot, free page reporting/hinting
# explained. Expected values come from each tree's README and files.
load helpers

setup() {
	T="$BATS_TEST_TMPDIR"
}

first_line() { "$VBTOOL" status --sysroot "$1" --no-kernel-log | head -1; }

@test "virtuozzo: 2 GiB of 8 GiB, taken off MemTotal, no DEFLATE_ON_OOM, said first" {
	# README: 2097152 kB, 25% of 8388608 kB, subtracted; features bits 0, 1, 32 only
	want="The host holds 2.0 GiB (25% of the 8.0 GiB the VM was given) through virtio_balloon; it is taken off MemTotal; the guest cannot get it back on OOM (no DEFLATE_ON_OOM)"
	run first_line "$EXAMPLES/virtuozzo"
	assert_output "$want"
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json --no-kernel-log
	[ "$(jq -r .answer <<<"$output")" = "$want" ]
}

@test "sources that disagree: the first line says so" {
	cp -a "$EXAMPLES/virtuozzo" "$T/t"
	# 1000 pages (3.9 MiB) against debugfs's 2 GiB
	printf 'balloon_inflate 1000\nballoon_deflate 0\n' >"$T/t/proc/vmstat"
	run first_line "$T/t"
	assert_output "The host holds 2.0 GiB (25% of the 8.0 GiB the VM was given) through virtio_balloon (the sources disagree: see below); it is taken off MemTotal; the guest cannot get it back on OOM (no DEFLATE_ON_OOM)"
}

@test "kernel-6.15 tree: DEFLATE_ON_OOM negotiated: counts as used, the guest can get it back" {
	f="$EXAMPLES/kernel-6.15-balloon-line/sys/devices/pci0000:00/0000:00:03.0/virtio0/features"
	[ "$(cut -c3 "$f")" = 1 ] # bit 2 set in the tree
	run first_line "$EXAMPLES/kernel-6.15-balloon-line"
	assert_output --regexp '^The host holds 1\.0 GiB \([0-9]+% of the .* the VM was given\) through virtio_balloon; it counts as used memory; the guest can get it back on OOM$'
}

@test "no-balloon: the host holds nothing, in text and JSON" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/no-balloon" --no-kernel-log
	[ "${lines[0]}" = "The host holds nothing: there is no balloon device" ]
	run "$VBTOOL" status --sysroot "$EXAMPLES/no-balloon" --no-kernel-log --json
	[ "$(jq -r .answer <<<"$output")" = "The host holds nothing: there is no balloon device" ]
}

@test "vmware-current: vmw_balloon, used; OOM deflation said as unknown" {
	run first_line "$EXAMPLES/vmware-current"
	assert_output "The host holds 1.0 GiB (25% of the 4.0 GiB the VM was given) through vmw_balloon; it counts as used memory; whether the guest can get it back on OOM is unknown"
}

@test "hyperv-mainline: no zoneinfo, no kernel version, accounting unknown: each unknown part said as unknown" {
	# the accounting is known by the kernel version (status-vocab.bats): without it, unknown
	cp -a "$EXAMPLES/hyperv-mainline" "$T/hv"
	rm "$T/hv/proc/sys/kernel/osrelease"
	run first_line "$T/hv"
	assert_output --partial "through hv_balloon"
	assert_output --partial "(share of the memory the VM was given unknown)"
	assert_output --partial "whether it counts as used memory or is taken off MemTotal is unknown"
	# hv_balloon.c registers no OOM notifier, whatever the version
	assert_output --partial "the guest cannot get it back on OOM (hv_balloon has no OOM notifier"
}

@test "OOM kills since boot in text: two kills added to a captured kernel log" {
	cp -a "$EXAMPLES/this-machine" "$T/t"
	printf '%s\n' '3,9000,5000000,-;Out of memory: Killed process 1234 (stress) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0' \
		'3,9001,6000000,-;Memory cgroup out of memory: Killed process 77 (java) total-vm:500kB, anon-rss:400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:20kB oom_score_adj:0' \
		>>"$T/t/vbtool/kmsg"
	run "$VBTOOL" status --sysroot "$T/t"
	assert_output --partial "OOM kills since boot: 2 (kernel log)"
	run "$VBTOOL" status --sysroot "$T/t" --json
	[ "$(jq -r .kernel_log.oom_kills <<<"$output")" = 2 ]
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo"
	assert_output --partial "OOM kills since boot: unknown (kernel log: absent)"
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --no-kernel-log
	assert_output --partial "OOM kills since boot: unknown (kernel log not read)"
}

@test "REPORTING (bit 5) explained; FREE_PAGE_HINT (bit 3) too, in text and JSON" {
	# this-machine's virtio0 negotiated bits 1, 2, 5, 7, 32 (README)
	run "$VBTOOL" status --sysroot "$EXAMPLES/this-machine" --no-kernel-log
	assert_output --partial "REPORTING negotiated: the guest reports free pages and the host takes them back without the balloon inflating"
	refute_output --partial "FREE_PAGE_HINT negotiated"
	run "$VBTOOL" status --sysroot "$EXAMPLES/this-machine" --no-kernel-log --json
	[ "$(jq -c '[.balloon.free_page_reporting, .balloon.free_page_hinting]' <<<"$output")" = '[true,false]' ]
	# the same tree with bit 3 set and bit 5 cleared
	cp -a "$EXAMPLES/this-machine" "$T/t"
	f="$T/t/sys/devices/pci0000:00/0000:00:01.0/virtio0/features"
	s=$(cat "$f")
	printf '%s\n' "${s:0:3}1${s:4:1}0${s:6}" >"$f"
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log
	assert_output --partial "FREE_PAGE_HINT negotiated: during live migration the guest hints which pages are free and the host skips them"
	refute_output --partial "REPORTING negotiated"
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log --json
	[ "$(jq -c '[.balloon.free_page_reporting, .balloon.free_page_hinting]' <<<"$output")" = '[false,true]' ]
	run "$VBTOOL" status --sysroot "$EXAMPLES/no-balloon" --no-kernel-log --json
	[ "$(jq -c '[.balloon.free_page_reporting, .balloon.free_page_hinting]' <<<"$output")" = '[null,null]' ]
}

@test "live: the first line answers, and JSON's answer is the same sentence" {
	[ -d /sys/bus/virtio/devices ] || skip "no virtio bus on this machine"
	run "$VBTOOL" status
	[[ "${lines[0]}" == "The host holds "* ]]
	text_first=${lines[0]}
	run "$VBTOOL" status --json
	[ "$(jq -r .answer <<<"$output")" = "$text_first" ]
	assert_output --partial '"oom_kills"'
}

hyp_line() { "$VBTOOL" status --sysroot "$1" --no-kernel-log | grep '^hypervisor: '; }

@test "hypervisor: DMI vendor and product, the CPU flag, in text and JSON" {
	cp -a "$EXAMPLES/vmware-current" "$T/t"
	mkdir -p "$T/t/sys/class/dmi/id"
	echo "VMware, Inc." >"$T/t/sys/class/dmi/id/sys_vendor"
	echo "VMware Virtual Platform" >"$T/t/sys/class/dmi/id/product_name"
	printf 'processor\t: 0\nflags\t\t: fpu vme de pse hypervisor lahf_lm\n\nprocessor\t: 1\nflags\t\t: fpu vme de pse hypervisor lahf_lm\n' >"$T/t/proc/cpuinfo"
	run hyp_line "$T/t"
	assert_output "hypervisor: DMI VMware, Inc. / VMware Virtual Platform; the CPU's hypervisor flag is set (a virtual machine)"
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log --json
	[ "$(jq -c '.hypervisor' <<<"$output")" = '{"dmi_status":"ok","sys_vendor":"VMware, Inc.","product_name":"VMware Virtual Platform","hypervisor_type_status":"absent","hypervisor_type":null,"cpuinfo_status":"ok","cpu_hypervisor_flag":true}' ]
}

@test "hypervisor: Xen's /sys/hypervisor/type; no flag; no flags line (not x86); no DMI" {
	cp -a "$EXAMPLES/no-balloon" "$T/t"
	mkdir -p "$T/t/sys/hypervisor"
	echo xen >"$T/t/sys/hypervisor/type"
	printf 'processor\t: 0\nflags\t\t: fpu vme hypervisorx\n' >"$T/t/proc/cpuinfo"
	run hyp_line "$T/t"
	assert_output "hypervisor: no DMI tables; /sys/hypervisor/type xen; the CPU's hypervisor flag is not set"
	printf 'processor\t: 0\nFeatures\t: fp asimd\n' >"$T/t/proc/cpuinfo"
	run hyp_line "$T/t"
	assert_output "hypervisor: no DMI tables; /sys/hypervisor/type xen; the CPU's hypervisor flag is unknown (/proc/cpuinfo: no flags line)"
	rm "$T/t/proc/cpuinfo"
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log --json
	[ "$(jq -c '[.hypervisor.dmi_status, .hypervisor.hypervisor_type, .hypervisor.cpuinfo_status, .hypervisor.cpu_hypervisor_flag]' <<<"$output")" = '["absent","xen","absent",null]' ]
}

@test "hypervisor: a DMI value longer than SMBIOS allows is refused, not cut" {
	cp -a "$EXAMPLES/no-balloon" "$T/t"
	mkdir -p "$T/t/sys/class/dmi/id"
	head -c 300 /dev/zero | tr '\0' A >"$T/t/sys/class/dmi/id/sys_vendor"
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log --json
	[ "$(jq -c '[.hypervisor.dmi_status, .hypervisor.sys_vendor]' <<<"$output")" = '["error",null]' ]
	[ "$(jq -r '.problems[] | select(.what == "/sys/class/dmi/id/sys_vendor") | .why' <<<"$output")" != "" ]
	run "$VBTOOL" status --sysroot "$T/t" --no-kernel-log
	assert_line "hypervisor: DMI error; the CPU's hypervisor flag is unknown (/proc/cpuinfo: absent)"
	refute_output --partial AAAAAAAAAA
}

@test "hypervisor: this machine live, from its own files; collect captures them" {
	# expected from the files themselves (this Firecracker guest has no DMI)
	if [ -r /sys/class/dmi/id/sys_vendor ]; then want="DMI $(cat /sys/class/dmi/id/sys_vendor) / $(cat /sys/class/dmi/id/product_name)"; else want="no DMI tables"; fi
	[ -r /sys/hypervisor/type ] && want="$want; /sys/hypervisor/type $(cat /sys/hypervisor/type)"
	if grep -m1 '^flags' /proc/cpuinfo | grep -qw hypervisor; then
		want="$want; the CPU's hypervisor flag is set (a virtual machine)"
	elif grep -q '^flags' /proc/cpuinfo; then
		want="$want; the CPU's hypervisor flag is not set"
	else
		want="$want; the CPU's hypervisor flag is unknown (/proc/cpuinfo: no flags line)"
	fi
	run "$VBTOOL" status --no-kernel-log
	assert_line "hypervisor: $want"
	cd "$T"
	"$VBTOOL" collect -o cap.tar.gz 2>/dev/null
	tar xzf cap.tar.gz
	dir=$(tar tzf cap.tar.gz | head -1 | cut -d/ -f1)
	grep -q '^copied *'/proc/cpuinfo "$dir/vbtool/MANIFEST"
	run hyp_line "$T/$dir"
	assert_output "hypervisor: $want"
	live=$("$VBTOOL" status --json --no-kernel-log | jq -c .hypervisor)
	[ "$("$VBTOOL" status --sysroot "$T/$dir" --json --no-kernel-log | jq -c .hypervisor)" = "$live" ]
}
