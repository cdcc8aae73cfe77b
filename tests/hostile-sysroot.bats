#!/usr/bin/env bats
# Issue 16, "reads stay inside --sysroot": a captured tree is the customer's;
# its links must never make vbtool read the engineer's own /proc, /sys or
# /etc, and it must never open a device or FIFO inside it. Each test starts
# from a copy of examples/this-machine and breaks one thing.
load helpers

setup() {
	T="$BATS_TEST_TMPDIR/tree"
	cp -a "$EXAMPLES/this-machine" "$T"
	SECRET="$BATS_TEST_TMPDIR/secret"
	printf 'engineer-secret-7f3a9\n' >"$SECRET"
	LIVE_KERNEL=$(cat /proc/sys/kernel/osrelease)
}

# the engineer's MemTotal line, as status would print it
live_memtotal() { awk '/^MemTotal:/ { print $2; exit }' /proc/meminfo; }

@test "hostile-sysroot: proc and sys linked to the live /proc and /sys are refused, not reported as the tree" {
	rm -rf "$T/proc" "$T/sys"
	ln -s /proc "$T/proc"
	ln -s /sys "$T/sys"
	run timeout 20 "$VBTOOL" status --sysroot "$T"
	assert_failure 1
	refute_output --partial "$LIVE_KERNEL"
	refute_output --partial "MemTotal      $(live_memtotal) kB"
	refute_output --partial "Balloon device"
	assert_output --partial "/proc/meminfo: link /proc leaves the captured tree (to /proc); not followed"
	assert_output --partial "link /sys leaves the captured tree (to /sys)"
	run timeout 20 "$VBTOOL" status --sysroot "$T" --json
	refute_output --partial "$LIVE_KERNEL"
	# stdout only: the JSON report
	json=$(timeout 20 "$VBTOOL" status --sysroot "$T" --json 2>/dev/null) || true
	[ "$(jq -r '.system.kernel' <<<"$json")" = null ]
	[ "$(jq -r '.devices | length' <<<"$json")" = 0 ]
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$json")" = null ]
}

@test "hostile-sysroot: a link out of the tree is refused whether absolute or by '..' above the root" {
	rm "$T/proc/meminfo"
	ln -s ../../../../../../../../../../../proc/meminfo "$T/proc/meminfo"
	run timeout 20 "$VBTOOL" status --sysroot "$T" --json
	refute_output --partial "\"mem_total_kb\":$(live_memtotal)"
	[ "$(jq -r '.problems[] | select(.what == "/proc/meminfo") | .why' <<<"$output")" = \
		"link /proc/meminfo leaves the captured tree (to ../../../../../../../../../../../proc/meminfo); not followed" ]
}

@test "hostile-sysroot: links that stay inside the tree are still followed" {
	mv "$T/proc/meminfo" "$T/meminfo.real"
	ln -s ../meminfo.real "$T/proc/meminfo"
	mkdir "$T/x"
	mv "$T/proc/sys/kernel/hostname" "$T/x/hostname"
	ln -s /x/hostname "$T/x/abs" # absolute: refused even though it would land inside
	ln -s ../../../x/./../x/hostname "$T/proc/sys/kernel/hostname"
	run "$VBTOOL" status --sysroot "$T" --json
	assert_success
	[ "$(jq -r '.problems | length' <<<"$output")" = 0 ]
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$output")" = 24684084 ]
	[ "$(jq -r '.system.hostname' <<<"$output")" = vm ]
	[ "$(jq -r '.devices[0].driver' <<<"$output")" = virtio_balloon ]
	rm "$T/proc/sys/kernel/hostname"
	ln -s ../../../x/abs "$T/proc/sys/kernel/hostname"
	run "$VBTOOL" status --sysroot "$T" --json
	[ "$(jq -r '.problems[] | select(.what == "/proc/sys/kernel/hostname") | .why' <<<"$output")" = \
		"link /x/abs leaves the captured tree (to /x/hostname); not followed" ]
}

@test "hostile-sysroot: one virtio device linked outside does not mix in the engineer's device" {
	[ -d /sys/bus/virtio/devices/virtio0 ] || skip "this machine has no virtio0 to leak"
	rm "$T/sys/bus/virtio/devices/virtio1"
	ln -s /sys/bus/virtio/devices/virtio0 "$T/sys/bus/virtio/devices/virtio1"
	rm "$T/sys/bus/virtio/devices/virtio2"
	ln -s ../../../../../../../../../../sys/bus/virtio/devices/virtio0 "$T/sys/bus/virtio/devices/virtio2"
	run timeout 20 "$VBTOOL" status --sysroot "$T" --json
	# only the tree's own balloon, with the tree's own features
	[ "$(jq -r '[.devices[].name] | join(",")' <<<"$output")" = virtio0 ]
	[ "$(jq -r '[.related_devices[].name] | join(",")' <<<"$output")" = "" ]
	jq -e '[.problems[] | select(.what == "/sys/bus/virtio/devices/virtio1/device")][0].why
		| startswith("link /sys/bus/virtio/devices/virtio1 leaves the captured tree")' <<<"$output"
	jq -e '[.problems[] | select(.what == "/sys/bus/virtio/devices/virtio2/device")][0].why
		| startswith("link /sys/bus/virtio/devices/virtio2 leaves the captured tree")' <<<"$output"
}

@test "hostile-sysroot: a hostname linked to a secret outside is not printed, in text and JSON" {
	rm "$T/proc/sys/kernel/hostname"
	ln -s "$SECRET" "$T/proc/sys/kernel/hostname"
	run timeout 20 "$VBTOOL" status --sysroot "$T"
	refute_output --partial engineer-secret
	assert_output --partial "/proc/sys/kernel/hostname: link /proc/sys/kernel/hostname leaves the captured tree (to $SECRET); not followed"
	run timeout 20 "$VBTOOL" status --sysroot "$T" --json
	refute_output --partial engineer-secret
	[ "$(jq -r '.system.hostname' <<<"$output")" = null ]
	jq -e '.problems[] | select(.what == "/proc/sys/kernel/hostname")' <<<"$output"
}

@test "hostile-sysroot: osrelease linked to /proc/self/environ does not print vbtool's environment" {
	rm "$T/proc/sys/kernel/osrelease"
	ln -s /proc/self/environ "$T/proc/sys/kernel/osrelease"
	# the marker first: what a NUL-cut read of environ would show
	run timeout 20 env -i VBTOOL_LEAK_MARKER=environ-leak-5c1e "PATH=$PATH" "$VBTOOL" status --sysroot "$T"
	refute_output --partial environ-leak
	assert_output --partial "link /proc/sys/kernel/osrelease leaves the captured tree (to /proc/self/environ)"
	run timeout 20 env -i VBTOOL_LEAK_MARKER=environ-leak-5c1e "PATH=$PATH" "$VBTOOL" status --sysroot "$T" --json
	refute_output --partial environ-leak
	[ "$(jq -r '.system.kernel' <<<"$output")" = null ]
}

@test "hostile-sysroot: collect --sysroot does not pack what links outside point to" {
	rm "$T/proc/sys/kernel/hostname" "$T/proc/meminfo"
	ln -s "$SECRET" "$T/proc/sys/kernel/hostname"
	ln -s ../../../../../../../../../../etc/passwd "$T/proc/meminfo"
	mkdir "$BATS_TEST_TMPDIR/out"
	run timeout 20 "$VBTOOL" collect --sysroot "$T" -o "$BATS_TEST_TMPDIR/out/c.tar.gz"
	[ -s "$BATS_TEST_TMPDIR/out/c.tar.gz" ]
	run tar -xzOf "$BATS_TEST_TMPDIR/out/c.tar.gz"
	assert_success
	refute_output --partial engineer-secret
	refute_output --partial "root:x:0:0"
	# the MANIFEST says why they are missing
	assert_output --partial "link /proc/sys/kernel/hostname leaves the captured tree"
	assert_output --partial "link /proc/meminfo leaves the captured tree"
}

@test "hostile-sysroot: a captured kernel log linked to /proc/self/pagemap is refused at once" {
	mkdir -p "$T/vbtool"
	ln -sf /proc/self/pagemap "$T/vbtool/kmsg"
	run timeout 20 /usr/bin/time -f 'RSS %M' "$VBTOOL" status --sysroot "$T"
	[ "$status" -ne 124 ]
	assert_output --partial "/vbtool/kmsg: link /vbtool/kmsg leaves the captured tree (to /proc/self/pagemap)"
	rss=$(sed -n 's/^RSS \([0-9]*\)$/\1/p' <<<"$output")
	[ "$rss" -lt 65536 ]
}

@test "hostile-sysroot: device nodes and FIFOs inside the tree are not opened" {
	rm "$T/proc/meminfo" "$T/proc/vmstat" "$T/proc/sys/kernel/hostname"
	mknod "$T/proc/meminfo" c 1 11 || skip "cannot mknod here"
	mknod "$T/proc/vmstat" c 1 5
	mkfifo "$T/proc/sys/kernel/hostname"
	run timeout 10 strace -f -qq -e trace=open,openat,openat2 -o "$BATS_TEST_TMPDIR/trace" \
		"$VBTOOL" status --sysroot "$T" --json
	[ "$status" -ne 124 ]
	[ "$(jq -r '.problems[] | select(.what == "/proc/meminfo") | .why' <<<"$output")" = \
		"not a regular file (a device, FIFO or socket); not opened" ]
	[ "$(jq -r '.problems[] | select(.what == "/proc/vmstat") | .why' <<<"$output")" = \
		"not a regular file (a device, FIFO or socket); not opened" ]
	[ "$(jq -r '.problems[] | select(.what == "/proc/sys/kernel/hostname") | .why' <<<"$output")" = \
		"not a regular file (a device, FIFO or socket); not opened" ]
	# every open of those three names was O_PATH (resolves; opens no device)
	opens=$(grep -E '(meminfo|vmstat|kernel/hostname)"' "$BATS_TEST_TMPDIR/trace")
	[ -n "$opens" ]
	run grep -v O_PATH <<<"$opens"
	assert_failure 1
}

@test "hostile-sysroot: collect --sysroot neither opens nor packs a device or FIFO in the tree" {
	rm "$T/proc/meminfo" "$T/proc/sys/kernel/hostname"
	mknod "$T/proc/meminfo" c 1 5 || skip "cannot mknod here"
	mkfifo "$T/proc/sys/kernel/hostname"
	mkdir "$BATS_TEST_TMPDIR/out"
	run timeout 20 "$VBTOOL" collect --sysroot "$T" -o "$BATS_TEST_TMPDIR/out/c.tar.gz"
	[ "$status" -ne 124 ]
	run tar -xzOf "$BATS_TEST_TMPDIR/out/c.tar.gz" --wildcards '*/vbtool/MANIFEST'
	assert_output --partial "/proc/meminfo  not a regular file (a device, FIFO or socket); not opened"
	assert_output --partial "/proc/sys/kernel/hostname  not a regular file (a device, FIFO or socket); not opened"
}

@test "hostile-sysroot: a kernel log that is a FIFO or too big is refused without hanging or filling memory" {
	mkdir -p "$T/vbtool"
	rm -f "$T/vbtool/kmsg"
	mkfifo "$T/vbtool/kmsg"
	run timeout 10 "$VBTOOL" status --sysroot "$T"
	[ "$status" -ne 124 ]
	assert_output --partial "/vbtool/kmsg: not a regular file"
	rm "$T/vbtool/kmsg"
	truncate -s 300M "$T/vbtool/kmsg"
	run timeout 20 /usr/bin/time -f 'RSS %M' "$VBTOOL" status --sysroot "$T"
	[ "$status" -ne 124 ]
	assert_output --partial "/vbtool/kmsg: too large"
	rss=$(sed -n 's/^RSS \([0-9]*\)$/\1/p' <<<"$output")
	[ "$rss" -lt 65536 ]
}

@test "hostile-sysroot: without openat2 (an older kernel) the checked walk refuses the same links" {
	command -v strace >/dev/null || skip "no strace to hide openat2"
	strace -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS true || skip "strace cannot inject"
	rm "$T/proc/sys/kernel/hostname" "$T/proc/vmstat"
	ln -s "$SECRET" "$T/proc/sys/kernel/hostname"
	mkfifo "$T/proc/vmstat"
	mv "$T/proc/meminfo" "$T/meminfo.real"
	ln -s ../meminfo.real "$T/proc/meminfo"
	rm "$T/sys/bus/virtio/devices/virtio1"
	ln -s ../../../../../../../../sys/bus/virtio/devices/virtio0 "$T/sys/bus/virtio/devices/virtio1"
	# stdout only: under strace a sanitizer build's leak checker cannot run and says so
	run timeout 20 strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS \
		"$VBTOOL" status --sysroot "$T" --json
	refute_output --partial engineer-secret
	output=$(timeout 20 strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS \
		"$VBTOOL" status --sysroot "$T" --json 2>/dev/null) || true
	[ "$(jq -r '.problems[] | select(.what == "/proc/sys/kernel/hostname") | .why' <<<"$output")" = \
		"link /proc/sys/kernel/hostname leaves the captured tree (to $SECRET); not followed" ]
	jq -e '[.problems[] | select(.what == "/sys/bus/virtio/devices/virtio1/device")][0].why
		| startswith("link /sys/bus/virtio/devices/virtio1 leaves the captured tree")' <<<"$output"
	[ "$(jq -r '.problems[] | select(.what == "/proc/vmstat") | .why' <<<"$output")" = \
		"not a regular file (a device, FIFO or socket); not opened" ]
	[ "$(jq -r '.meminfo.mem_total_kb' <<<"$output")" = 24684084 ]
	[ "$(jq -r '[.devices[].name] | join(",")' <<<"$output")" = virtio0 ]
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then umount "$MOUNTED" || true; fi
}

@test "hostile-sysroot: the captured kernel log is counted while read (a file of size 0 that never ends)" {
	# procfs says size 0 for pagemap; a bind mount puts one inside the tree
	mount --bind "/proc/$$/pagemap" "$T/vbtool/kmsg" || skip "cannot bind-mount here"
	MOUNTED="$T/vbtool/kmsg"
	run timeout 20 /usr/bin/time -f 'RSS %M' "$VBTOOL" status --sysroot "$T"
	[ "$status" -ne 124 ]
	assert_output --partial "/vbtool/kmsg: too large"
	rss=$(sed -n 's/^RSS \([0-9]*\)$/\1/p' <<<"$output")
	[ "$rss" -lt 65536 ]
}

@test "hostile-sysroot: a link loop inside the tree ends with an error" {
	rm "$T/proc/meminfo"
	ln -s meminfo "$T/proc/meminfo"
	run timeout 10 "$VBTOOL" status --sysroot "$T" --json
	[ "$status" -ne 124 ]
	jq -e '.problems[] | select(.what == "/proc/meminfo")' <<<"$output"
}
