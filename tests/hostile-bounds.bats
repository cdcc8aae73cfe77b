#!/usr/bin/env bats
# Hostile input (issue 16): bounded memory and time against crafted logs and
# a hostile QEMU. Peak memory is measured with /usr/bin/time (KiB); every
# run sits under a generous timeout, so a regression fails instead of hanging.

load helpers
load qmp/helpers
bats_require_minimum_version 1.5.0

# ASan keeps freed memory in quarantine (256 MiB by default): keep it small,
# so the sanitizer build measures vbtool's memory, not the checker's.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"

teardown() {
	qmp_teardown_dir # the fake QMP servers a test started, if any
}

LOG=$DATA/oom/synthetic/v6.8-tasktable-global.log

# peak_kib FILE: the peak RSS that /usr/bin/time -f %M wrote last into FILE.
peak_kib() {
	tail -n 1 "$1"
}

# exact_log OUT BYTES: the report in $LOG after filler lines, exactly BYTES long.
exact_log() {
	python3 - "$LOG" "$1" "$2" <<'EOF'
import sys
log, out, n = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
line = b"[    0.500000] filler " + b"x" * 60 + b"\n"
body = log
while len(body) + len(line) <= n - 1:
    body = line + body
body = b"y" * (n - len(body) - 1) + b"\n" + body
assert len(body) == n
open(out, "wb").write(body)
EOF
}

# crafted_xz OUT MIB DICT: MIB MiB of text as .xz whose block header claims
# the LZMA2 dictionary code DICT (37: 1.5 GiB; 40: 4 GiB), CRC32 fixed.
crafted_xz() {
	python3 - "$@" <<'EOF'
import lzma, struct, sys, zlib
out, mib, dbyte = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = lzma.LZMACompressor(format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                        filters=[{"id": lzma.FILTER_LZMA2, "preset": 0}])
chunk = b"x" * 1048575 + b"\n"
data = bytearray(b"".join(c.compress(chunk) for _ in range(mib)) + c.flush())
h = 12  # the stream header; the block header follows
size, flags, i = (data[h] + 1) * 4, data[h + 1], h + 2
assert flags & 3 == 0
for bit in (0x40, 0x80):  # optional compressed and uncompressed sizes
    if flags & bit:
        while data[i] & 0x80:
            i += 1
        i += 1
assert data[i] == 0x21 and data[i + 1] == 1  # LZMA2, one property byte
data[i + 2] = dbyte
struct.pack_into("<I", data, h + size - 4, zlib.crc32(bytes(data[h:h + size - 4])))
open(out, "wb").write(data)
EOF
}

# ---- explain-oom: decompression memory ----

@test "hostile-bounds: an .xz whose header asks for a 1.5 GiB dictionary is refused, in little memory" {
	local f=$BATS_TEST_TMPDIR/dict.xz t=$BATS_TEST_TMPDIR/time
	crafted_xz "$f" 300 37
	xz -lvv "$f" | grep -q 'Memory needed: *1537 MiB'
	run -1 timeout 60 /usr/bin/time -o "$t" -f %M "$VBTOOL" explain-oom "$f"
	assert_output --partial "vbtool: explain-oom: $f: needs more than 256 MiB to decompress"
	# unbounded, it decoded 300 MiB into the dictionary: 310 MB peak; now 3 MB
	echo "peak RSS $(peak_kib "$t") KiB"
	[ "$(peak_kib "$t")" -lt 102400 ]
}

@test "hostile-bounds: a .zst frame asking for a 1 GiB window is refused with the same clear error" {
	local f=$BATS_TEST_TMPDIR/window.zst
	# --no-content-size keeps the window descriptor byte (after the frame header byte)
	zstd -q --no-content-size -c "$LOG" >"$f"
	python3 - "$f" <<'EOF'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
assert d[:4] == b"\x28\xb5\x2f\xfd" and not d[4] & 0x20  # a window descriptor follows
d[5] = (30 - 10) << 3  # window log 30: 1 GiB
open(p, "wb").write(d)
EOF
	run -1 timeout 20 "$VBTOOL" explain-oom "$f"
	assert_output --partial "vbtool: explain-oom: $f: needs more than 256 MiB to decompress"
}

@test "hostile-bounds: an ordinary xz -9 log (64 MiB dictionary) still decodes" {
	local f=$BATS_TEST_TMPDIR/nine.xz
	xz -9 -c "$LOG" >"$f"
	run -0 timeout 20 "$VBTOOL" explain-oom --json "$f"
	[ "$(jq -r '.events | length' <<<"$output")" -eq 1 ]
}

# ---- explain-oom: what a named FILE may be ----

@test "hostile-bounds: a FIFO nobody writes to reads as empty at once, no hang" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run -3 timeout 20 "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/fifo"
}

@test "hostile-bounds: a FIFO with a writer is read to its end" {
	local out=$BATS_TEST_TMPDIR/out
	gzip -c "$LOG" >"$BATS_TEST_TMPDIR/log.gz"
	fifo_json "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/log.gz" "$out"
	[ "$(jq -r '.events | length' "$out")" -eq 1 ]
	[ "$(jq -r '.summary.inputs[0].format' "$out")" = gzip ]
}

@test "hostile-bounds: /dev/zero is refused, not read forever" {
	run -1 timeout 20 "$VBTOOL" explain-oom /dev/zero
	assert_output --partial "vbtool: explain-oom: /dev/zero: not a regular file or a pipe"
	run -3 timeout 20 "$VBTOOL" explain-oom /dev/null # the one device allowed: empty at once
}

@test "hostile-bounds: a saved log that is a link to /dev/kmsg is refused, not followed into the live log" {
	[ -r /dev/kmsg ] || skip "/dev/kmsg not readable here"
	ln -s /dev/kmsg "$BATS_TEST_TMPDIR/kern.log"
	run -1 timeout 20 "$VBTOOL" explain-oom "$BATS_TEST_TMPDIR/kern.log"
	assert_output --partial "kern.log: not a regular file or a pipe"
}

@test "hostile-bounds: stdin stays accepted whatever it is" {
	run -3 timeout 20 "$VBTOOL" explain-oom - </dev/null
	run -0 timeout 20 "$VBTOOL" explain-oom --json - <"$LOG"
	[ "$(jq -r '.events | length' <<<"$output")" -eq 1 ]
}

# ---- explain-oom: frame and member ends at the read size ----

@test "hostile-bounds: a .zst that decodes to exactly 1 MiB (the read size) is not corrupt" {
	local f=$BATS_TEST_TMPDIR/exact
	exact_log "$f.log" 1048576
	zstd -q -c "$f.log" >"$f.zst"
	run -0 timeout 20 "$VBTOOL" explain-oom "$f.zst"
	refute_output --partial corrupt
}

@test "hostile-bounds: two concatenated 1 MiB .zst frames, and a 2 MiB one, are not corrupt" {
	local f=$BATS_TEST_TMPDIR/exact
	exact_log "$f.log" 1048576
	zstd -q -c "$f.log" >"$f.zst"
	cat "$f.zst" "$f.zst" >"$f.2.zst"
	run -0 timeout 20 "$VBTOOL" explain-oom --json "$f.2.zst"
	[ "$(jq -r '.events | length' <<<"$output")" -eq 2 ]
	[ "$(jq -r '.summary.inputs[0].error' <<<"$output")" = null ]
	cat "$f.log" "$f.log" | zstd -q -c >"$f.big.zst"
	run -0 timeout 20 "$VBTOOL" explain-oom "$f.big.zst"
}

@test "hostile-bounds: gzip members and xz streams ending at the read size are not corrupt either" {
	local f=$BATS_TEST_TMPDIR/exact
	exact_log "$f.log" 1048576
	gzip -c "$f.log" >"$f.gz"
	xz -c "$f.log" >"$f.xz"
	cat "$f.gz" "$f.gz" >"$f.2.gz"
	cat "$f.xz" "$f.xz" >"$f.2.xz"
	for g in "$f.gz" "$f.xz"; do
		run -0 timeout 20 "$VBTOOL" explain-oom "$g"
	done
	for g in "$f.2.gz" "$f.2.xz"; do
		run -0 timeout 20 "$VBTOOL" explain-oom --json "$g"
		[ "$(jq -r '.events | length' <<<"$output")" -eq 2 ]
	done
}

@test "hostile-bounds: a .zst cut before its end is still called corrupt" {
	local f=$BATS_TEST_TMPDIR/exact
	exact_log "$f.log" 1048576
	zstd -q -c "$f.log" | head -c -4 >"$f.cut.zst"
	run -1 timeout 20 "$VBTOOL" explain-oom "$f.cut.zst"
	assert_output --partial "corrupt compressed data"
}

# ---- a hostile QEMU ----

@test "hostile-bounds: 1 MiB events vbtool does not use are not queued" {
	local t=$BATS_TEST_TMPDIR/time
	qmp_setup_dir
	# two ~1 MiB events of small numbers before every reply: json-c needs ~30 MB for each
	start_fake bloat noise count=2 kib=1000
	# (a memory bound, not a speed test: a sanitizer build on a busy machine
	# takes more than the default 3 s per call to parse 2 MiB of events)
	run -0 timeout 60 /usr/bin/time -o "$t" -f %M "$VBTOOL" target --qmp "$QDIR/noise.sock" 512M --timeout 30
	assert_output --partial "requested logical size 512 MiB"
	# all queued, they made 290 MB; one parsed at a time: about 40 MB (97 MB
	# in the sanitizer build)
	echo "peak RSS $(peak_kib "$t") KiB"
	[ "$(peak_kib "$t")" -lt 163840 ]
}

@test "hostile-bounds: large BALLOON_CHANGE events are queued within a byte cap" {
	local t=$BATS_TEST_TMPDIR/time
	qmp_setup_dir
	start_fake bloat big event=BALLOON_CHANGE count=8 kib=200
	run -0 timeout 60 /usr/bin/time -o "$t" -f %M "$VBTOOL" target --qmp "$QDIR/big.sock" 512M
	# 40 queued events of 200 KiB made 233 MB; now 19 MB (61 MB in the
	# sanitizer build)
	echo "peak RSS $(peak_kib "$t") KiB"
	[ "$(peak_kib "$t")" -lt 131072 ]
}

@test "hostile-bounds: a BALLOON_CHANGE flood: steps coalesced, the deadline kept, memory bounded" {
	local t=$BATS_TEST_TMPDIR/time out=$BATS_TEST_TMPDIR/out.json
	qmp_setup_dir
	start_fake balloon-flood flood
	run -4 --separate-stderr timeout 60 /usr/bin/time -o "$t" -f '%e %M' "$VBTOOL" target \
		--qmp "$QDIR/flood.sock" 512M --wait 3 --timeout 1 --json
	printf '%s\n' "$output" >"$out"
	read -r secs kib < <(tail -n 1 "$t")
	echo "elapsed $secs s, peak RSS $kib KiB, $(jq '.progress | length' "$out") steps"
	# unbounded: 556739 steps, 589 MB, 8.3 s (a faster flood: 5.29 M, 5.5 GB,
	# 33 s); now about 30 steps, 6 MB (42 MB in the sanitizer build), 3.0 s
	[ "$(jq '.progress | length' "$out")" -le 64 ]
	[ "$(jq '.progress | length' "$out")" -ge 2 ]
	[ "$(jq -r .reached "$out")" = false ]
	[ "$kib" -lt 102400 ]
	# --wait 3 plus one call's --timeout 1, and room for a slow machine
	awk -v s="$secs" 'BEGIN { exit !(s < 8) }'
}

@test "hostile-bounds: a BALLOON_CHANGE flood in text: one line per step, not per event" {
	qmp_setup_dir
	start_fake balloon-flood flood
	run -4 timeout 60 "$VBTOOL" target --qmp "$QDIR/flood.sock" 512M --wait 2 --timeout 1
	assert_output --partial "did not reach 512 MiB in time"
	[ "$(grep -c ' actual ' <<<"$output")" -le 48 ]
}
