#!/usr/bin/env bats
# Bad-input corpus: vbtool over trees and logs it does not control. Every
# case must end (never hang: each run is under a timeout), never crash (exit
# 0 or 3 for status), give valid JSON, and say what was wrong: a problem
# naming the file, or a null field rather than a made-up number. The trees
# are tests/data/bad/<case>/ (made by tests/data/bad/make-cases.sh, described
# in tests/data/bad/README.md): the same sane base with one thing broken.
# Expected values are the base tree's numbers, as written in make-cases.sh.
load helpers
bats_require_minimum_version 1.5.0

BAD="$DATA/bad"
DEVATTR=/sys/bus/virtio/devices/virtio0

# status_case CASE: runs status --json and the text view over the tree.
status_case() {
	T="$BAD/$1"
	[ -d "$T" ] || { echo "no tree $T"; false; }
	run --separate-stderr timeout 20 "$VBTOOL" status --sysroot "$T" --json
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "exit $status (124: hung): $stderr"; false; }
	J=$output
	jq -e . <<<"$J" >/dev/null || { echo "invalid JSON: $J"; false; }
	run --separate-stderr timeout 20 "$VBTOOL" status --sysroot "$T"
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { echo "text view: exit $status: $stderr"; false; }
	TEXT=$output
}

# problem PATH [WORDS]: a problem names the file (and says WORDS).
problem() {
	jq -e --arg p "$1" --arg w "${2:-}" \
		'[.problems[] | select((.what | contains($p)) and (.why | ascii_downcase | contains($w | ascii_downcase)))] | length > 0' \
		<<<"$J" >/dev/null || { echo "no problem about $1 ${2:+($2)}: $(jq -c .problems <<<"$J")"; false; }
}
no_problem() {
	jq -e --arg p "$1" '[.problems[] | select(.what | contains($p))] | length == 0' <<<"$J" >/dev/null ||
		{ echo "unexpected problem about $1: $(jq -c .problems <<<"$J")"; false; }
}
# field JQ_PATH WANT: the field's JSON value, as jq -c prints it.
field() {
	local got
	got=$(jq -c "$1" <<<"$J")
	[ "$got" = "$2" ] || { echo "$1 = $got, want $2"; false; }
}

# --- /proc/meminfo ------------------------------------------------------------
@test "meminfo missing" {
	status_case meminfo-missing
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
	field '.devices[0].name' '"virtio0"'
}

@test "meminfo empty" {
	status_case meminfo-empty
	problem /proc/meminfo MemTotal
	field .meminfo.mem_total_kb null
	field .balloon.percent_of_ram null
}

@test "meminfo truncated inside a number: that line is not trusted" {
	# "MemAvailable:    15" is what is left of "MemAvailable:    1500000 kB":
	# every meminfo field the kernel prints ends in " kB", so a line without
	# the unit is a cut line, not 15 kB.
	status_case meminfo-truncated
	field .meminfo.mem_total_kb 4026500
	field .meminfo.mem_available_kb null
	problem /proc/meminfo
}

@test "meminfo garbage (binary)" {
	status_case meminfo-garbage
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
}

@test "meminfo with NUL bytes in a number" {
	status_case meminfo-nul-bytes
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
	field .meminfo.mem_free_kb 700000
}

@test "meminfo number past 2^64" {
	status_case meminfo-overflow
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
	field .meminfo.mem_free_kb 700000
}

@test "meminfo negative number" {
	status_case meminfo-negative
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
}

@test "meminfo in MB, not kB" {
	status_case meminfo-wrong-unit
	problem /proc/meminfo
	field .meminfo.mem_total_kb null
}

@test "meminfo with CRLF line ends reads as the same numbers" {
	status_case meminfo-crlf
	no_problem /proc/meminfo
	field .meminfo.mem_total_kb 4026500
	field .meminfo.balloon_kb 524288
}

@test "meminfo with indented lines reads as the same numbers" {
	status_case meminfo-indented
	no_problem /proc/meminfo
	field .meminfo.mem_total_kb 4026500
	field .meminfo.balloon_kb 524288
}

@test "meminfo with MemTotal twice: one of the two, no crash" {
	status_case meminfo-duplicate-key
	jq -e '.meminfo.mem_total_kb == 4026500 or .meminfo.mem_total_kb == 1000000' <<<"$J" >/dev/null
}

@test "meminfo that never ends (a link to /dev/zero) is refused, not read forever" {
	status_case meminfo-endless
	# a link out of the captured tree: refused before anything is read
	problem /proc/meminfo "leaves the captured tree"
	field .meminfo.mem_total_kb null
}

@test "meminfo of 2 MiB (over the 1 MiB bound) is refused as a whole" {
	T2="$BATS_TEST_TMPDIR/tree"
	cp -a "$BAD/meminfo-2mib" "$T2"
	for _ in $(seq 80000); do echo 'MemFree:          700000 kB'; done >>"$T2/proc/meminfo"
	[ "$(stat -c %s "$T2/proc/meminfo")" -gt 2000000 ]
	BAD=$BATS_TEST_TMPDIR status_case tree
	problem /proc/meminfo large
	field .meminfo.mem_total_kb null
}

# --- /proc/vmstat -------------------------------------------------------------
@test "vmstat missing" {
	status_case vmstat-missing
	problem /proc/vmstat
	field .vmstat.nr_balloon_pages null
	field .meminfo.balloon_kb 524288
}

@test "vmstat empty: counters unknown, not 0" {
	status_case vmstat-empty
	field .vmstat.nr_balloon_pages null
	field .vmstat.balloon_inflate null
}

@test "vmstat truncated inside a key" {
	status_case vmstat-truncated
	problem /proc/vmstat
	field .vmstat.nr_balloon_pages null
}

@test "vmstat garbage" {
	status_case vmstat-garbage
	problem /proc/vmstat
	field .vmstat.nr_balloon_pages null
}

@test "vmstat with a NUL byte in a number" {
	status_case vmstat-nul-bytes
	problem /proc/vmstat
	field .vmstat.nr_balloon_pages null
}

@test "vmstat number past 2^64" {
	status_case vmstat-overflow
	problem /proc/vmstat
	field .vmstat.nr_balloon_pages null
}

@test "vmstat nr_balloon_pages of 2^64-1: no size wrapped around from it" {
	status_case vmstat-pages-u64-max
	# 2^64-1 pages is not a size in kB; whatever it became, it is not a
	# small wrapped number and the other sources still give 512 MiB.
	jq -e '[.balloon.sources[] | select(.name == "vmstat_nr_balloon_pages") | .size_kb] | all(. > 1000000000)' <<<"$J" >/dev/null
	field .meminfo.balloon_kb 524288
}

# --- /proc/pressure/memory ----------------------------------------------------
@test "pressure missing: absent, nulls" {
	status_case pressure-missing
	field .pressure.status '"absent"'
	field .pressure.some null
}

@test "pressure empty: nulls, not zeros" {
	status_case pressure-empty
	field .pressure.some null
	field .pressure.full null
}

@test "pressure garbage" {
	status_case pressure-garbage
	problem /proc/pressure/memory
	field .pressure.some null
}

@test "pressure nan and inf" {
	status_case pressure-nan
	problem /proc/pressure/memory
	field .pressure.some null
	field .pressure.full null
}

@test "pressure negative average" {
	status_case pressure-negative
	problem /proc/pressure/memory
	field .pressure.some null
	field .pressure.full.avg10 0
}

@test "pressure truncated" {
	status_case pressure-truncated
	problem /proc/pressure/memory
	field .pressure.some null
}

# --- features -----------------------------------------------------------------
@test "features of 63 characters" {
	status_case features-63
	problem $DEVATTR/features length
	field '.devices[0].features.valid' false
}

@test "features of 65 characters" {
	status_case features-65
	problem $DEVATTR/features length
	field '.devices[0].features.valid' false
}

@test "features of 127 characters" {
	status_case features-127
	problem $DEVATTR/features length
	field '.devices[0].features.valid' false
}

@test "features with a '2'" {
	status_case features-bad-chars
	problem $DEVATTR/features "other than"
	field '.devices[0].features.valid' false
}

@test "features with a NUL byte" {
	status_case features-nul
	problem $DEVATTR/features
	field '.devices[0].features.valid' false
}

@test "features without the trailing newline still parse" {
	status_case features-no-newline
	no_problem $DEVATTR/features
	field '.devices[0].features.valid' true
}

@test "features with trailing blanks: rejected and said" {
	status_case features-trailing-blanks
	problem $DEVATTR/features
}

# --- device attributes and links ---------------------------------------------
@test "device id garbage" {
	status_case device-garbage
	problem $DEVATTR/device hexadecimal
	# not taken for a balloon device (the tree's counters still show what
	# the kernel holds, so the exit status is 0 since issue #19)
	field '.devices | length' 0
}

@test "device id past 2^64" {
	status_case device-overflow
	problem $DEVATTR/device
}

@test "device id empty" {
	status_case device-empty
	problem $DEVATTR/device
}

@test "vendor garbage" {
	status_case vendor-garbage
	problem $DEVATTR/vendor
	field '.devices[0].vendor_id' null
}

@test "status register past 2^64" {
	status_case status-overflow
	problem $DEVATTR/status
	field '.devices[0].status' null
}

@test "status register empty" {
	status_case status-empty
	problem $DEVATTR/status
	field '.devices[0].status' null
}

@test "status register with a NUL byte" {
	status_case status-nul
	problem $DEVATTR/status
	field '.devices[0].status' null
}

@test "driver link dangling to an absolute path: the name is still read" {
	status_case driver-dangling-absolute
	field '.devices[0].driver' '"virtio_balloon"'
}

@test "driver link that points at itself: no hang, no crash" {
	status_case driver-link-loop
	field '.devices[0].name' '"virtio0"'
}

@test "device directory without attributes" {
	status_case device-no-attributes
	problem $DEVATTR/device
}

@test "bus link dangling" {
	status_case bus-link-dangling
	problem $DEVATTR
}

# --- debugfs --------------------------------------------------------------------
@test "debugfs virtio-balloon garbage" {
	status_case debugfs-virtio-garbage
	problem /sys/kernel/debug/virtio-balloon
	field .debugfs.virtio_balloon.inflated_total_kb null
	field .meminfo.balloon_kb 524288
}

@test "debugfs virtio-balloon InflatedTotal and InflatedFree both set: flagged" {
	status_case debugfs-virtio-contradiction
	# the reference: never both non-zero
	jq -e '[.findings[] | select(.severity != "info")] | length > 0' <<<"$J" >/dev/null
}

@test "debugfs vbtool-balloon with bad values" {
	status_case debugfs-module-bad-values
	problem /sys/kernel/debug/vbtool-balloon
	field .debugfs.vbtool_balloon.target_kb null
	field .debugfs.vbtool_balloon.deflate_on_oom null
}

@test "debugfs vmmemctl truncated" {
	status_case debugfs-vmw-truncated
	field .debugfs.vmmemctl.status '"ok"'
	field .debugfs.vmmemctl.current_pages null
}

@test "debugfs vmmemctl overflowing target" {
	status_case debugfs-vmw-overflow
	problem /sys/kernel/debug/vmmemctl
	field .debugfs.vmmemctl.target_pages null
	field .debugfs.vmmemctl.is_resetting null
}

@test "debugfs hv-balloon with a state that is not a number" {
	status_case debugfs-hv-bad-state
	problem /sys/kernel/debug/hv-balloon
	field .debugfs.hv_balloon.state null
	field .debugfs.hv_balloon.pages_ballooned null
}

@test "debugfs hv-balloon with NUL bytes" {
	status_case debugfs-hv-nul
	problem /sys/kernel/debug/hv-balloon
	field .debugfs.hv_balloon.pages_ballooned null
}

@test "debugfs recorded as denied: said, with what root would add" {
	status_case debugfs-state-denied
	field .debugfs.status '"denied"'
	jq -e '[.findings[], .problems[] | (.hint // "") | ascii_downcase | select(contains("root"))] | length > 0' <<<"$J" >/dev/null
}

@test "debugfs state file with escape sequences" {
	status_case debugfs-state-garbage
	! grep -q $'\e' <<<"$TEXT"
}

# --- captured kernel log --------------------------------------------------------
@test "kmsg with garbage records: only real records count" {
	status_case kmsg-garbage-records
	field .kernel_log.out_of_puff 2
}

@test "kmsg with a 20 000-byte line: dropped, the records around it read" {
	status_case kmsg-overlong-line
	field .kernel_log.out_of_puff 2
}

@test "kmsg that never ends (a link to /dev/zero): status still finishes" {
	status_case kmsg-endless
	field '.devices[0].name' '"virtio0"'
}

@test "kmsg binary bytes" {
	status_case kmsg-binary
	field .kernel_log.out_of_puff 0
}

# --- system files ---------------------------------------------------------------
@test "page size garbage: 4096 assumed, and said" {
	status_case pagesize-garbage
	field .system.page_size 4096
	field .system.page_size_assumed true
}

@test "page size not a power of two: 4096 assumed, and said" {
	status_case pagesize-not-power-of-two
	field .system.page_size_assumed true
}

@test "uptime garbage: null" {
	status_case uptime-garbage
	field .system.uptime_s null
}

@test "osrelease with a NUL byte: valid JSON" {
	status_case osrelease-nul
	jq -e '.system.kernel | type == "string" or . == null' <<<"$J" >/dev/null
}

@test "hostname not UTF-8: valid JSON with a string" {
	status_case hostname-not-utf8
	field '.system.hostname | type' '"string"'
}

@test "kmsg that is a FIFO nobody writes to: status still finishes" {
	T2="$BATS_TEST_TMPDIR/tree"
	cp -a "$BAD/meminfo-2mib" "$T2" # the base tree, untouched so far
	rm "$T2/vbtool/kmsg"
	mkfifo "$T2/vbtool/kmsg"
	BAD=$BATS_TEST_TMPDIR status_case tree
	field '.devices[0].name' '"virtio0"'
}

# --- explain-oom: logs (tests/data/bad/oom/) --------------------------------------
# oom_case FILE [ALLOWED EXITS]: documented exits only (0 events, 1 read
# error, 3 none), valid JSON, and the text view survives the same input.
oom_case() {
	F="$BAD/oom/$1"
	local allowed=${2:-"0 3"}
	run --separate-stderr timeout 60 "$VBTOOL" explain-oom --json "$F"
	[[ " $allowed " == *" $status "* ]] || { echo "exit $status (allowed: $allowed): $stderr"; false; }
	J=$output
	ERR=$stderr
	jq -e . <<<"$J" >/dev/null || { echo "invalid JSON: ${J:0:300}"; false; }
	run --separate-stderr timeout 60 "$VBTOOL" explain-oom "$F"
	[[ " $allowed " == *" $status "* ]] || { echo "text view: exit $status: $stderr"; false; }
	! grep -q $'\e' <<<"$output"
}

@test "explain-oom: empty log: no event, exit 3" {
	oom_case empty.log 3
	field .summary.events 0
}

@test "explain-oom: binary bytes: no event, exit 3" {
	oom_case binary.log 3
	field .summary.events 0
}

@test "explain-oom: truncated .gz: what was read is used, and the cut is said" {
	oom_case truncated.log.gz "0 1 3"
	jq -e '.summary.inputs[0].error | type == "string"' <<<"$J" >/dev/null ||
		{ echo "a truncated gzip stream was not reported: $(jq -c .summary.inputs <<<"$J")"; false; }
}

@test "explain-oom: .gz name over plain text: read as what it is" {
	oom_case not-gzip.log.gz "0 1 3"
}

@test "explain-oom: xz magic then garbage: a read error, exit 1" {
	oom_case bad-magic.log.xz 1
	[[ "$ERR" == *"vbtool: explain-oom:"* ]]
	jq -e '.summary.inputs[0].error | type == "string"' <<<"$J" >/dev/null
}

@test "explain-oom: zstd magic then garbage: a read error, exit 1" {
	oom_case bad-magic.log.zst 1
	[[ "$ERR" == *"vbtool: explain-oom:"* ]]
}

@test "explain-oom: a 300 000-byte line before a real report" {
	oom_case overlong-line.log.gz 0
	field .summary.events 1
	field '.events[0].victim.pid' 995
}

@test "explain-oom: numbers past 2^64 become null, not wrapped" {
	oom_case overflowing-numbers.log 0
	field '.events[0].invoker.gfp_mask' null
	field '.events[0].invoker.order' null
	field '.events[0].victim.pid' 995
}

@test "explain-oom: ANSI colours and CR line ends" {
	oom_case ansi-crlf.log 0
	field .summary.events 1
	field '.events[0].victim.comm' '"named"'
	field '.events[0].victim.pid' 995
}

@test "explain-oom: NUL bytes instead of newlines" {
	oom_case nul-separated.log "0 3"
}

@test "explain-oom: 5000 invocations: past the bound, counted, not kept" {
	oom_case 5000-invocations.log.gz 0
	# the summary counts every invocation (issue #19); the list keeps the
	# first ones and says how many it left out; memory stays bounded
	field '.summary.events' 5000
	field '(.events | length) + .summary.events_not_kept' 5000
	jq -e '.summary.events_not_kept > 0' <<<"$J" >/dev/null
}

@test "explain-oom: report without its header line" {
	oom_case no-header.log "0 3"
}

@test "explain-oom: log cut in the middle of a line" {
	oom_case cut-mid-line.log "0 3"
}

@test "explain-oom: key lines with their values missing" {
	oom_case half-lines.log "0 3"
	jq -e '[.events[] | .victim.pid] | all(. == null)' <<<"$J" >/dev/null
}

@test "explain-oom: a directory as FILE: read error, exit 1" {
	run --separate-stderr timeout 20 "$VBTOOL" explain-oom "$BAD/oom"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"vbtool: explain-oom:"* ]]
}

# --- QMP: monitors that answer with bad messages (tests/data/bad/qmp/) --------------
# Each case file is played by qmp/replay.py: the greeting, then one answer per
# request. status --qmp must end (timeout), exit 0 or 1 (documented: 1 when a
# VM could not be read), print valid JSON, and never show a made-up number.
qmp_case() {
	local n=$1 q
	q=$(mktemp -d /tmp/vbtool-badqmp.XXXXXX)
	python3 "$BAD/qmp/replay.py" "$BAD/qmp/$n.txt" "$q/s.sock" &
	QPID=$!
	for _ in $(seq 50); do [ -S "$q/s.sock" ] && break; sleep 0.1; done
	run --separate-stderr timeout 20 "$VBTOOL" status --qmp "$q/s.sock" --timeout 2 --json
	local st=$status
	J=$output
	ERR=$stderr
	run --separate-stderr timeout 20 "$VBTOOL" status --qmp "$q/s.sock" --timeout 2
	TEXT=$output
	local st2=$status
	kill "$QPID" 2>/dev/null || true
	wait "$QPID" 2>/dev/null || true
	rm -rf "$q"
	[ "$st" -eq 0 ] || [ "$st" -eq 1 ] || { echo "exit $st (124: hung): $ERR"; false; }
	[ "$st2" -eq "$st" ] || { echo "text view: exit $st2, JSON: $st"; false; }
	jq -e '.vms | length == 1' <<<"$J" >/dev/null || { echo "invalid JSON: ${J:0:300}"; false; }
	! grep -q $'\e' <<<"$TEXT"
}

@test "qmp: a greeting nested 100 000 deep: a JSON error, not a stack overflow" {
	qmp_case deep-nesting
	field '.vms[0].error | type' '"string"'
	[[ "$ERR" == *"vbtool: "* ]]
}

@test "qmp: NUL bytes in strings (escaped and raw)" {
	qmp_case nul-in-strings
	field '.vms[0].actual_bytes' null
}

@test "qmp: a greeting with numbers that overflow or are negative: no made-up version" {
	qmp_case version-overflow
	jq -e '.vms[0].qemu_version == null or (.vms[0].qemu_version | test("^[0-9]{1,5}\\.[0-9]{1,5}\\.[0-9]{1,5}$"))' <<<"$J" >/dev/null ||
		{ echo "qemu_version: $(jq -c '.vms[0].qemu_version' <<<"$J")"; false; }
}

@test "qmp: query-balloon actual of -1: null, not 2^64-1" {
	qmp_case actual-negative
	field '.vms[0].actual_bytes' null
	field '.vms[0].balloon_bytes' null
}

@test "qmp: query-balloon actual that is a string: null" {
	qmp_case actual-not-a-number
	field '.vms[0].actual_bytes' null
}

@test "qmp: memory size that is a float past 2^64, plugged memory negative: null" {
	qmp_case memory-float
	field '.vms[0].ram_bytes' null
	field '.vms[0].base_memory_bytes' null
}

@test "qmp: replies with ids that match nothing: a timeout error, exit 1" {
	qmp_case wrong-ids
	field '.vms[0].error | type' '"string"'
	[[ "$ERR" == *"vbtool: "* ]]
}

@test "qmp: replies that are arrays or null: nothing made up" {
	qmp_case returns-arrays
	field '.vms[0].name' null
	field '.vms[0].actual_bytes' null
}

@test "qmp: invalid UTF-8 in the VM name: valid JSON" {
	qmp_case invalid-utf8
	field '.vms[0].name | type' '"string"'
	field '.vms[0].actual_bytes' 3221225472
}

@test "qmp: escape sequences in the VM name never reach the terminal" {
	qmp_case escapes-in-name
	field '.vms[0].actual_bytes' 3221225472
}

@test "qmp: events without data or with a number for a name, before a reply" {
	qmp_case events-without-data
	field '.vms[0].error' null
	field '.vms[0].actual_bytes' 3221225472
}

@test "qmp: errors without a class, or with the wrong types" {
	qmp_case error-without-class
	field '.vms[0].actual_bytes' 3221225472
}
