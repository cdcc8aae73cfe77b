#!/usr/bin/env bats
# The present - managed estimate of a balloon (issue 11, "No counter in the
# log") on logs of real guests (tests/data/oom/guest/README.md): the range
# holds the balloon size set over QMP and is no wider than +-15% of it. The
# expected numbers are worked out by hand from the zone lines.

load helpers

GUEST=$DATA/oom/guest

# check LOG TRUTH_KB MIN MID MAX
check() {
	local log=$GUEST/$1 truth=$2
	run "$VBTOOL" explain-oom --json "$log"
	assert_success
	local b
	b=$(jq -c '.events[0].balloon' <<<"$output")
	assert_equal "$(jq -r .source <<<"$b")" present_managed_estimate
	assert_equal "$(jq -r .estimate <<<"$b")" true
	assert_equal "$(jq -r .size_min_kb <<<"$b")" "$3"
	assert_equal "$(jq -r .size_kb <<<"$b")" "$4"
	assert_equal "$(jq -r .size_max_kb <<<"$b")" "$5"
	assert_equal "$(jq -r .estimate_basis.memmap_kb <<<"$b")" 16375
	# the truth is inside, and the range within +-15% of it
	[ "$3" -le "$truth" ] && [ "$truth" -le "$5" ]
	[ $(($3 * 100)) -ge $((truth * 85)) ] && [ $(($5 * 100)) -le $((truth * 115)) ]
}

# gap 1048056 - 721600 = 326456; memmap 1048056 / 64 = 16375; the kernel
# 24576..73728 kB (middle 49152)
@test "estimate: 6.1 guest, 256 MiB balloon: 236353..285505 kB holds 262144" {
	check qemu-6.1-deflate-off-balloon-256.log 262144 \
		$((326456 - 16375 - 73728)) $((326456 - 16375 - 49152)) $((326456 - 16375 - 24576))
}

# gap 1048056 - 459456 = 588600
@test "estimate: 6.1 guest, 512 MiB balloon: 498497..547649 kB holds 524288" {
	check qemu-6.1-deflate-off-balloon-512.log 524288 \
		$((588600 - 16375 - 73728)) $((588600 - 16375 - 49152)) $((588600 - 16375 - 24576))
}

@test "estimate: the text gives the range and its basis, and says it is an estimate" {
	run "$VBTOOL" explain-oom "$GUEST/qemu-6.1-deflate-off-balloon-512.log"
	assert_success
	assert_output --partial "verdict:  balloon-estimated: ESTIMATE: zones had 574.8 MiB more present than managed memory"
	assert_output --partial "less memmap (16.0 MiB, 1/64 of present) and 24-72 MiB for the kernel image"
	assert_output --partial "balloon:  ESTIMATE 510.8 MiB (486.8 MiB to 534.8 MiB)"
}

@test "estimate: no range on a VMware guest's gap (its balloon keeps pages managed)" {
	run "$VBTOOL" explain-oom --json "$DATA/oom/real/16-linuxmm-vmware-4.10-alloc-stall-interleaved-two-events-order2.log"
	assert_success
	assert_equal "$(jq -r '[.events[].balloon] | map(tostring) | join(" ")' <<<"$output")" "null null"
}
