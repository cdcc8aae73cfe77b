#!/usr/bin/env bats
# vbtool top --qmp on a terminal (issues #14 and #18): the full screen of
# host frames, live, in the real TUI (tmux), against real paused QEMUs (-S,
# no guest: nothing acknowledges a balloon, nothing plugs virtio-mem) and a
# simulated running guest (tests/qmp/fake_qmp.py guest: it follows balloon
# requests 64 MiB every 0.2 s). Expected values come from the command lines
# below and the fake's parameters, worked out by hand in the comments.

bats_require_minimum_version 1.5.0
load helpers
load top-helpers
load qmp/helpers

MiB=$((1024 * 1024))

setup() {
	qmp_setup_dir
	[[ $BATS_TEST_DESCRIPTION == *replay* ]] || require_qemu
	command -v tmux >/dev/null || skip "tmux not installed"
	SOCK="$QDIR/tmux.sock"
}

teardown() {
	tmux -S "$SOCK" kill-server 2>/dev/null || true
	qmp_teardown_dir
	[ -z "${LVDIR:-}" ] || lv_stop
}

# qmp SOCKET JSON: one command, its answer ignored (QEMU's own QMP); the
# connection closes 0.5 s after the command is sent.
qmp() {
	printf '{"execute":"qmp_capabilities"}\n%s\n' "$2" | socat -t 0.5 - "UNIX-CONNECT:$1" >/dev/null
}

# The VM names of the rows on screen, top to bottom.
row_order() {
	screen | grep -oE '^(alpha|beta|gamma|web1|db1) ' | tr -d ' ' | paste -sd' '
}

# Waits (bounded, as wait_screen) for the rows in this order.
wait_order() {
	for _ in $(seq 100); do
		[ "$(row_order)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "rows never in order: $1" >&2
	screen >&2
	return 1
}

live() { # SOCKETS...: the live view in a 130x40 terminal
	start_shell 130 40
	tm send-keys "$VBTOOL top -d 0.5 --qmp $*; echo rc=\$?" Enter
}

@test "host top TUI: one row per VM with the command line's values; s sorts; q quits 0" {
	start_qemu a -name alpha -m 512M -device virtio-balloon-pci,id=balloon0
	start_qemu b -name beta -m 1G -device virtio-balloon-pci,id=balloon0
	start_fake guest g name=gamma ram=$((2048 * MiB))
	# gamma: 2048 MiB of RAM, target 1536 MiB: a 512 MiB balloon, 25.0%.
	qmp "$QDIR/g.sock" "{\"execute\":\"balloon\",\"arguments\":{\"value\":$((1536 * MiB))}}"
	live "$QDIR/a.sock" "$QDIR/b.sock" "$QDIR/g.sock"
	wait_screen '^gamma +running +2\.0 GiB +512\.0 MiB +25\.0 +1\.5 GiB '
	# paused QEMUs: RAM from -m; no guest ever took a page, so balloon 0
	# and actual = RAM
	screen | grep -qE '^alpha +prelaunch +512\.0 MiB +0 KiB +0\.0 +512\.0 MiB '
	screen | grep -qE '^beta +prelaunch +1\.0 GiB +0 KiB +0\.0 +1\.0 GiB '
	# gamma's own statistics (fake_qmp.py): free 180035584 B = 171.7 MiB,
	# available 300000000 B = 286.1 MiB
	screen | grep -qE '^gamma .* 171\.7 MiB +286\.1 MiB '
	[ "$(row_order)" = "alpha beta gamma" ]
	screen | grep -qF 's sort: name'
	# balloon: largest first (ties by name)
	tm send-keys s
	wait_screen 's sort: balloon'
	[ "$(row_order)" = "gamma alpha beta" ]
	tm send-keys s s s
	wait_screen 's sort: name'
	[ "$(row_order)" = "alpha beta gamma" ]
	tm send-keys h
	wait_screen 'vbtool top \(host\): keys'
	tm send-keys x
	wait_gone 'vbtool top (host): keys'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host top TUI: the event log: a balloon change, virtio-mem requested-size, a VM killed shows stopped" {
	start_qemu a -name alpha -m 512M -device virtio-balloon-pci,id=balloon0
	# virtio-mem: 2 GiB backend (its max-size), nothing requested yet
	start_qemu v -name beta -machine q35 -m 1G,maxmem=4G,slots=2 \
		-object memory-backend-ram,id=mem0,size=2G \
		-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=0,block-size=2M
	start_fake guest g name=gamma ram=$((2048 * MiB))
	live "$QDIR/a.sock" "$QDIR/v.sock" "$QDIR/g.sock"
	wait_screen '^gamma +running +2\.0 GiB +0 KiB +0\.0 '
	screen | grep -qF '  virtio-mem vmem0: 0 KiB of 0 KiB requested (max 2.0 GiB)'
	# 2048 -> 1024 MiB in 16 steps of 64 MiB, 0.2 s each: the first
	# 2048 -> 1984 MiB (1.9375 GiB); while it moves, a rate (down: -);
	# at the end a 1 GiB balloon, 50.0%, and no rate
	qmp "$QDIR/g.sock" "{\"execute\":\"balloon\",\"arguments\":{\"value\":$((1024 * MiB))}}"
	wait_screen '^gamma +running +2\.0 GiB +[0-9.]+ MiB +[0-9.]+ +[0-9.]+ GiB +-[0-9.]+ MiB '
	qmp "$QDIR/v.sock" "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/vmem0\",\"property\":\"requested-size\",\"value\":$((256 * MiB))}}"
	wait_screen '^gamma +running +2\.0 GiB +1\.0 GiB +50\.0 +1\.0 GiB +- '
	screen | grep -qF "$QDIR/g.sock: actual 2.0 GiB -> 1.9 GiB"
	screen | grep -qF "$QDIR/v.sock: virtio-mem vmem0 requested 0 KiB -> 256.0 MiB"
	screen | grep -qF '  virtio-mem vmem0: 0 KiB of 256.0 MiB requested (max 2.0 GiB)'
	# alpha killed: an event, and its row says it cannot be asked
	kill "$(head -n 1 "$QDIR/pids")"
	wait_screen "$QDIR/a\\.sock: stopped"
	screen | grep -qE "^alpha +error: connect: "
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host top TUI: the statistics of a 6.12+ guest by name, and its OOM kills" {
	start_fake guest g name=gamma oom=3
	live "$QDIR/g.sock"
	# fake_qmp.py oom=3: oom_kills 3, then its fixed values, in the
	# virtio spec's order
	wait_screen '^  guest stats: oom_kills 3 alloc_stalls 7 async_scans 1000 direct_scans 20 async_reclaims 900 direct_reclaims 15$'
	screen | grep -qE '^gamma .* +3 +[0-9]+$'
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host top TUI: a virtio-mem device that plugs: its size changes are in the event log" {
	# A paused QEMU never plugs (no guest driver asks to): the simulated
	# guest does, 64 MiB a step, towards the requested size.
	start_fake guest g name=gamma vmemmax=$((1024 * MiB))
	live "$QDIR/g.sock"
	wait_screen '^  virtio-mem vm0: 0 KiB of 0 KiB requested \(max 1\.0 GiB\)'
	qmp "$QDIR/g.sock" "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/vm0\",\"property\":\"requested-size\",\"value\":$((256 * MiB))}}"
	wait_screen '^  virtio-mem vm0: 256\.0 MiB of 256\.0 MiB requested \(max 1\.0 GiB\)'
	screen | grep -qF "$QDIR/g.sock: virtio-mem vm0 size 0 KiB -> "
	screen | grep -qE "$QDIR/g\.sock: virtio-mem vm0 size [0-9.]+ [KM]iB -> 256\.0 MiB"
	screen | grep -qF "requested 0 KiB -> 256.0 MiB"
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host top: -b --json has the virtio-mem devices and a virtio-mem event; the stats by name" {
	start_qemu v -name beta -machine q35 -m 1G,maxmem=4G,slots=2 \
		-object memory-backend-ram,id=mem0,size=2G \
		-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=0,block-size=2M
	start_fake guest g name=gamma oom=3
	out="$BATS_TEST_TMPDIR/top.jsonl"
	"$VBTOOL" top --qmp "$QDIR/v.sock" "$QDIR/g.sock" -b -j -n 4 -d 0.5 >"$out" &
	top_pid=$!
	for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
	qmp "$QDIR/v.sock" "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/vmem0\",\"property\":\"requested-size\",\"value\":$((256 * MiB))}}"
	wait "$top_pid"
	[ "$(jq -s -c '[.[].events[] | select(.event == "virtio-mem")]' "$out")" = \
		"[{\"vm\":\"$QDIR/v.sock\",\"event\":\"virtio-mem\",\"device\":\"vmem0\",\"from_size_bytes\":0,\"to_size_bytes\":0,\"from_requested_size_bytes\":0,\"to_requested_size_bytes\":$((256 * MiB))}]" ]
	[ "$(tail -n 1 "$out" | jq -c '.vms[] | select(.name == "beta") | .virtio_mem_devices')" = \
		"[{\"id\":\"vmem0\",\"size_bytes\":0,\"requested_size_bytes\":$((256 * MiB)),\"max_size_bytes\":$((2048 * MiB)),\"block_size_bytes\":$((2 * MiB)),\"node\":0,\"memdev\":\"/objects/mem0\"}]" ]
	[ "$(tail -n 1 "$out" | jq -c '.vms[] | select(.name == "gamma") | [.oom_kills, .stats.alloc_stalls, .stats.direct_reclaims]')" = "[3,7,15]" ]
	[ "$(head -n 1 "$out" | jq .interval_s)" = 0.5 ]
	# the text twin names the device and the change
	run "$VBTOOL" top --qmp "$QDIR/v.sock" -b -n 1
	assert_line '  virtio-mem vmem0: 0 B of 256 MiB requested'
}

@test "host top: not on a terminal, without -b: text frames as before" {
	start_qemu a -name alpha -m 512M -device virtio-balloon-pci,id=balloon0
	run "$VBTOOL" top --qmp "$QDIR/a.sock" -n 1 </dev/null
	assert_success
	assert_line --index 1 --regexp '^VM +STATE +RAM +BALLOON '
	assert_line --index 2 --regexp '^alpha +prelaunch +512 MiB +0 B +0\.0 '
}

@test "host replay: s reorders a recording's rows too" {
	rec="$DATA/top-replay-host/balloon-changes.jsonl"
	start_shell 120 32
	tm send-keys "$VBTOOL top --replay $rec; echo rc=\$?" Enter
	wait_screen 'replay 1/5'
	tm send-keys ' ' .
	wait_screen 'replay 2/5'
	# frame 2 as recorded: web1 (1 GiB balloon) before db1 (none)
	[ "$(sed -n 2p "$rec" | jq -r '[.vms[].name] | join(" ")')" = "web1 db1" ]
	wait_order "web1 db1"
	# s: balloon, pct, available, name: db1 before web1
	tm send-keys s s s s
	wait_order "db1 web1"
	tm send-keys q
	wait_screen '^rc=0'
}

@test "host top TUI: libvirt domains: rows from the domain XML; a destroyed domain is stopped" {
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h" || skip "built without libvirt"
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_start
	if [ -n "$LV_SKIP" ]; then
		[ -z "${CI:-}" ] || { echo "$LV_SKIP" >&2; return 1; }
		skip "$LV_SKIP"
	fi
	# balloon.xml: 256 MiB, features.xml: 512 MiB; paused, nothing taken
	lv_create plain balloon.xml
	lv_create feat features.xml
	P=$LV_PREFIX
	start_shell 130 30
	tm send-keys "LIBVIRT_DEFAULT_URI='$LIBVIRT_DEFAULT_URI' $VBTOOL top --libvirt -d 0.5; echo rc=\$?" Enter
	wait_screen "^${P}plain +paused +256\\.0 MiB +0 KiB +0\\.0 +256\\.0 MiB "
	screen | grep -qE "^${P}feat +paused +512\\.0 MiB +0 KiB +0\\.0 +512\\.0 MiB "
	lv_virsh destroy "${P}feat" >/dev/null
	wait_screen "${P}feat: stopped"
	! screen | grep -qE "^${P}feat "
	tm send-keys q
	wait_screen '^rc=0'
}
