#!/usr/bin/env bats
# Issue 14's speed work (bench/host.sh measures it). QEMU's monitor reads
# its input one byte per main-loop turn (monitor_can_read returns 1; seen
# with strace: a recvmsg of 1 byte, a poll and eventfd writes per byte), so
# QEMU's CPU time per `status --qmp` grows with every byte vbtool sends.
# Pinned here: the requests sent to a paused QEMU 7.2 (its replies recorded
# in tests/data/host-speed/), byte for byte, and that the answer stays whole.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	Q=$(mktemp -d /tmp/vbtool-hostspeed.XXXXXX)
	python3 "$DATA/bad/qmp/replay.py" "$DATA/host-speed/qemu-7.2-paused.txt" "$Q/s.sock" "$Q/requests" &
	RPID=$!
	for _ in $(seq 50); do [ -S "$Q/s.sock" ] && break; sleep 0.1; done
	[ -S "$Q/s.sock" ]
}

teardown() {
	kill "$RPID" 2>/dev/null || true
	wait "$RPID" 2>/dev/null || true
	rm -rf "$Q"
}

@test "status --qmp: a paused VM without memory devices gets these 9 requests, byte for byte" {
	run --separate-stderr "$VBTOOL" status --qmp "$Q/s.sock" --json
	assert_success
	# Written by hand: one "\n" after each request (no "\r\n"), "/" not
	# escaped as "\/", no spaces; no query-memory-devices (plugged-memory
	# is 0 and /machine/peripheral holds no virtio-mem), no peripheral-anon
	# or x-query-virtio (the balloon has an id).
	cat >"$Q/expected" <<'REQ'
{"execute":"qmp_capabilities","id":1}
{"execute":"query-name","id":2}
{"execute":"query-status","id":3}
{"execute":"query-memory-size-summary","id":4}
{"execute":"query-balloon","id":5}
{"execute":"qom-list","arguments":{"path":"/machine/peripheral"},"id":6}
{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"},"id":7}
{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats"},"id":8}
{"execute":"x-query-virtio-status","arguments":{"path":"/machine/peripheral/balloon0/virtio-backend"},"id":9}
REQ
	run diff -u "$Q/expected" "$Q/requests"
	assert_success
	# replay.py logs each request up to its "\n": a "\r" would be kept.
	run grep -c $'\r' "$Q/requests"
	assert_output 0
}

@test "status --qmp: the fewer bytes still give the whole answer" {
	run --separate-stderr "$VBTOOL" status --qmp "$Q/s.sock" --json
	assert_success
	# From the recorded replies (tests/data/host-speed/qemu-7.2-paused.txt).
	jq -e '.vms[0] | .name == "bench7" and .run_state == "prelaunch" and .running == false
		and .ram_bytes == 134217728 and .actual_bytes == 134217728 and .balloon_bytes == 0
		and .virtio_mem_devices == [] and .virtio_mem_bytes == 0
		and .device.path == "/machine/peripheral/balloon0" and .device.type == "virtio-balloon-pci"
		and .device.found_by == "peripheral"
		and .device.backend_path == "/machine/peripheral/balloon0/virtio-backend"
		and .polling_interval_s == 0 and .features.driver_started == false
		and (.features.host_offered | index("STATS_VQ") != null) and .features.guest_negotiated == []' \
		<<<"$output" >/dev/null || { echo "$output"; false; }
}
