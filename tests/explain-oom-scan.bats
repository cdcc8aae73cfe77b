#!/usr/bin/env bats
# The scanner (src/oom/scan.c): large files are mapped a window at a time,
# pipes and small files are read; both must see the same lines. The body
# rule: inside an event every line reaches the parser until 256 lines in a
# row were nothing a report holds; key lines (the kill) always do.

load helpers
bats_require_minimum_version 1.5.0

# chatter N: N dmesg lines of exactly 64 bytes with no key in them
chatter() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf("[%12.6f] e1000: eth0 NIC Link is Up 1000 Mbps Full Dup\n", i / 1000) }'
}

# The mapped windows are 1 MiB and a file from 16 MiB on is mapped: 20
# reports, one after 16384 + 1000 * i lines of 64 bytes (1 MiB + 64 kB * i)
# so that they fall at many places relative to the window ends, alternating
# a raw dmesg report (victim memhog 4242) and a dmesg -T memcg one (victim
# stress 32308).
make_big() {
	local f=$1 i
	: >"$f"
	for i in $(seq 0 19); do
		chatter $((16384 + 1000 * i)) >>"$f"
		if [ $((i % 2)) = 0 ]; then
			cat "$DATA/oom/synthetic/v6.8-tasktable-global.log" >>"$f"
		else
			cat "$DATA/oom/real/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log" >>"$f"
		fi
	done
	chatter 70000 >>"$f"
}

@test "scan: a 20 MiB file (mapped) and the same bytes through a pipe (read) give the same events" {
	local f=$BATS_TEST_TMPDIR/big.log
	make_big "$f"
	[ "$(stat -c %s "$f")" -gt $((16 * 1024 * 1024)) ]
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	local mapped=$output
	assert_equal "$(jq '.events | length' <<<"$mapped")" 20
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$mapped")" \
		"$(for i in $(seq 0 19); do [ $((i % 2)) = 0 ] && echo 4242 || echo 32308; done | paste -sd' ')"
	"$VBTOOL" explain-oom --json - <"$f" >"$BATS_TEST_TMPDIR/piped.json"
	# the file name is the only difference
	local norm='del(.inputs, .summary.inputs) | .events[] |= del(.file)'
	run diff <(jq -S "$norm" <<<"$mapped") <(jq -S "$norm" "$BATS_TEST_TMPDIR/piped.json")
	assert_success
	assert_output ""
}

@test "scan: a 5 MiB line in a mapped file is cut and noted; the reports around it are found" {
	local f=$BATS_TEST_TMPDIR/long.log
	{
		chatter 200000
		cat "$DATA/oom/synthetic/v6.8-tasktable-global.log"
		head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' x
		echo
		chatter 100000
		cat "$DATA/oom/real/08-blog-dmesgT-bhyve-4.15-k8s-memcg.log"
	} >"$f"
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$output")" "4242 32308"
	assert_equal "$(jq -r '.summary.lines_truncated' <<<"$output")" 1
}

# head: the v6.8 report up to its Mem-Info; the rest after N chatter lines
split_report() {
	local n=$1 log=$DATA/oom/synthetic/v6.8-tasktable-global.log
	sed -n '1,/Call Trace:/p' "$log"
	chatter "$n"
	sed -n '/Call Trace:/,$p' "$log" | tail -n +2
}

@test "scan: a report's body after 200 lines of chatter is still read" {
	split_report 200 >"$BATS_TEST_TMPDIR/r.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/r.log"
	assert_success
	assert_equal "$(jq -r '.events | length' <<<"$output")" 1
	assert_equal "$(jq -r '.events[0].victim.pid' <<<"$output")" 4242
	# the log's two zone lines and eight task rows came after the chatter
	assert_equal "$(jq -r '.events[0].zones | length' <<<"$output")" 2
	assert_equal "$(jq -r '.events[0].tasks.count' <<<"$output")" 8
}

@test "scan: after 2000 lines of chatter the body is over, but the kill line still ends the event" {
	split_report 2000 >"$BATS_TEST_TMPDIR/r.log"
	run "$VBTOOL" explain-oom --json "$BATS_TEST_TMPDIR/r.log"
	assert_success
	assert_equal "$(jq -r '.events | length' <<<"$output")" 1
	# from the head ("CPU: 1 PID: 4242") and the kill line
	assert_equal "$(jq -r '.events[0].invoker.pid' <<<"$output")" 4242
	assert_equal "$(jq -r '.events[0].victim.pid' <<<"$output")" 4242
	# zone lines 2000 lines after the head are not taken for this report
	assert_equal "$(jq -r '.events[0].zones | length' <<<"$output")" 0
}

@test "scan: a mapped file cut while it is read is a read error, not a crash" {
	local f=$BATS_TEST_TMPDIR/cut.log i
	for i in $(seq 1500); do cat "$DATA/oom/synthetic/v6.8-tasktable-global.log"; done >"$f"
	chatter 200000 >>"$f"
	# --brief prints each event as it ends: with nobody reading the pipe
	# for 3 s, vbtool stops at ~500 events inside a mapped window; the
	# file is cut to 1 MiB under it meanwhile
	( rc=0; "$VBTOOL" explain-oom --brief "$f" 2>"$BATS_TEST_TMPDIR/err" || rc=$?; echo $rc >"$BATS_TEST_TMPDIR/rc" ) |
		{ sleep 3; cat >"$BATS_TEST_TMPDIR/out"; } &
	sleep 1.5
	truncate -s 1M "$f"
	wait
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rc")" 1
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output "vbtool: explain-oom: $f: the file was cut while it was read"
	# what was read before is still shown
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -ge 100 ]
}

# Zone lines are read into the parser's own array and copied out when a
# kept event ends (src/oom/event.c end_event): the next event's zones must
# start clean. Two real reports back to back; the second's DMA zone is, from
# its lines 45 and 53: "lowmem_reserve[]: 0 451 451 451 451" (451 pages of
# 4 kB = 1804 kB for the Movable request) and "81*4kB 26*8kB 15*16kB
# 7*32kB". The first report's DMA zone has "0 1895 7890 0 0" and
# "0*4kB 0*8kB 0*16kB 1*32kB".
@test "scan: two reports back to back each keep their own zones (lowmem_reserve, buddy chunks)" {
	local f=$BATS_TEST_TMPDIR/two.log
	cat "$DATA/oom/real/14-blog-qemu-q35-6.11-dmesg-uid-header-tasktable-6.8-global.log" \
		"$DATA/oom/real/04-lkml-kvm-fc25-4.9-virtio_balloon-wrapped-global.log" >"$f"
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	assert_equal "$(jq '.events | length' <<<"$output")" 2
	assert_equal "$(jq -r '.events[1].allocation.zones[0] | [.name, .lowmem_reserve_kb] | join(" ")' <<<"$output")" "DMA 1804"
	assert_equal "$(jq -c '.events[1].allocation.zones[0].free_chunks[0:4]' <<<"$output")" "[81,26,15,7]"
	assert_equal "$(jq -c '.events[0].allocation.zones[0].free_chunks[0:4]' <<<"$output")" "[0,0,0,1]"
}

# The key scan reads 64 bytes a pass (src/oom/scan.c): a key must be found
# wherever it falls in a pass, in a line read from a small file, a mapped
# large one and a pipe. Each kill line below has a filler of K bytes before
# its key (K = 0..130, past two passes), pid 1000 + K.
@test "scan: a kill line is found at every offset of the vector pass, read, mapped and piped" {
	local f=$BATS_TEST_TMPDIR/offsets.log big=$BATS_TEST_TMPDIR/offsets-big.log k
	for k in $(seq 0 130); do
		printf '%*s' "$k" '' | tr ' ' x
		printf ' Out of memory: Killed process %d (memhog) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB\n' $((1000 + k))
		chatter 20
	done >"$f"
	want=$(seq 1000 1130 | paste -sd' ')
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$output")" "$want"
	run "$VBTOOL" explain-oom --json - <"$f"
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$output")" "$want"
	{ chatter 300000; cat "$f"; } >"$big"
	[ "$(stat -c %s "$big")" -gt $((16 * 1024 * 1024)) ]
	run "$VBTOOL" explain-oom --json "$big"
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$output")" "$want"
}

# The read-ahead thread finds a mapped window's key lines for the scan, at
# most 4096 a window (AHEAD_KEYS in src/oom/scan.c); the scan finds the rest
# itself. 20000 lines of 24 bytes holding "oom" (480 kB: one window holds
# at least 10000 of them) with a kill line after every 1000th, pid 5000 +
# i: each must still be found, past the list's end too.
@test "scan: kill lines among more key lines than the read-ahead lists in a window are all found" {
	local f=$BATS_TEST_TMPDIR/keys.log
	{
		chatter 300000
		awk 'BEGIN { for (i = 0; i < 20000; i++) {
			printf("[%12.6f] zoom: room\n", 300 + i / 1000)
			if (i % 1000 == 999)
				printf("[%12.6f] Out of memory: Killed process %d (memhog) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB\n", 300 + i / 1000, 5000 + int(i / 1000))
		} }'
		chatter 2000
	} >"$f"
	[ "$(stat -c %s "$f")" -gt $((16 * 1024 * 1024)) ]
	run "$VBTOOL" explain-oom --json "$f"
	assert_success
	assert_equal "$(jq -r '[.events[].victim.pid] | map(tostring) | join(" ")' <<<"$output")" "$(seq 5000 5019 | paste -sd' ')"
}
