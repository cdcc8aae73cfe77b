#!/bin/bash
# Regenerates the bad-input trees in this directory (tests/bad-input.bats runs
# vbtool over each). Every case is the same small, sane base tree (a bound
# virtio balloon, 4 GiB guest, 512 MiB in the balloon) with one thing broken;
# README.md says what. Run from anywhere: bash make-cases.sh
set -euo pipefail
cd "$(dirname "$0")"
DEVREL=sys/devices/pci0000:00/0000:00:01.0/virtio0

base() { # base DIR: the sane tree
	local t=$1 d=$1/$DEVREL
	mkdir -p "$t/proc/pressure" "$t/proc/sys/kernel" "$t/sys/bus/virtio/devices" "$d" "$t/sys/kernel/debug" "$t/vbtool"
	cat >"$t/proc/meminfo" <<'M'
MemTotal:        4026500 kB
MemFree:          700000 kB
MemAvailable:    1500000 kB
Buffers:           20480 kB
Cached:           402112 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Balloon:          524288 kB
M
	cat >"$t/proc/vmstat" <<'M'
nr_free_pages 175000
nr_balloon_pages 131072
pswpin 0
pswpout 0
pgmajfault 1600
balloon_inflate 131072
balloon_deflate 0
balloon_migrate 0
M
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >"$t/proc/pressure/memory"
	echo 6.18.44-bad >"$t/proc/sys/kernel/osrelease"
	echo badhost >"$t/proc/sys/kernel/hostname"
	echo '778.93 1407.64' >"$t/proc/uptime"
	ln -s ../../../devices/pci0000:00/0000:00:01.0/virtio0 "$t/sys/bus/virtio/devices/virtio0"
	echo 0x0005 >"$d/device"
	echo 0x1af4 >"$d/vendor"
	echo 0x0000000f >"$d/status"
	# bits 1 STATS_VQ, 2 DEFLATE_ON_OOM, 5 REPORTING, 32 VERSION_1, of 128
	printf '0110010000000000000000000000000010000000000000000000000000000000%064d\n' 0 >"$d/features"
	echo virtio:d00000005v00001AF4 >"$d/modalias"
	ln -s ../../../../bus/virtio/drivers/virtio_balloon "$d/driver"
	echo mounted >"$t/vbtool/debugfs"
	echo 4096 >"$t/vbtool/pagesize"
	printf '6,1,0,-;Linux version 6.18.44-bad\n4,2,1000,-;virtio_balloon virtio0: Out of puff! Can'\''t get 256 pages\n' >"$t/vbtool/kmsg"
}

mk() { # mk CASE: a fresh copy of the base; the caller breaks it
	rm -rf "$1"
	base "$1"
	T=$1
	D=$1/$DEVREL
}

# --- /proc/meminfo
mk meminfo-missing; rm "$T/proc/meminfo"
mk meminfo-empty; : >"$T/proc/meminfo"
mk meminfo-truncated; printf 'MemTotal:        4026500 kB\nMemFree:          700000 kB\nMemAvailable:    15' >"$T/proc/meminfo"
mk meminfo-garbage; printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe:\xfd\n::::\n:MemTotal\nkB kB kB\n' >"$T/proc/meminfo"
mk meminfo-nul-bytes; printf 'MemTotal:        40\00026500 kB\nMemFree:          700000 kB\n' >"$T/proc/meminfo"
mk meminfo-overflow; sed -i 's/^MemTotal:.*/MemTotal:       18446744073709551616 kB/' "$T/proc/meminfo"
mk meminfo-negative; sed -i 's/^MemTotal:.*/MemTotal:             -4 kB/' "$T/proc/meminfo"
mk meminfo-wrong-unit; sed -i 's/^MemTotal:.*/MemTotal:           3932 MB/' "$T/proc/meminfo"
mk meminfo-crlf; sed -i 's/$/\r/' "$T/proc/meminfo"
mk meminfo-indented; sed -i 's/^/  /' "$T/proc/meminfo"
mk meminfo-duplicate-key; printf 'MemTotal:        1000000 kB\n' >>"$T/proc/meminfo"
mk meminfo-endless; rm "$T/proc/meminfo"; ln -s /dev/zero "$T/proc/meminfo"
mk meminfo-2mib # the 2 MiB file is appended by the test (kept out of git)

# --- /proc/vmstat
mk vmstat-missing; rm "$T/proc/vmstat"
mk vmstat-empty; : >"$T/proc/vmstat"
mk vmstat-truncated; printf 'nr_free_pages 175000\nnr_balloon_pa' >"$T/proc/vmstat"
mk vmstat-garbage; printf '%%%%%%\n\x7fELF\x02\x01\x01\n\t\t\n==\n' >"$T/proc/vmstat"
mk vmstat-nul-bytes; sed -i 's/^nr_balloon_pages .*//' "$T/proc/vmstat"; printf 'nr_balloon_pages 131\000072\n' >>"$T/proc/vmstat"
mk vmstat-overflow; sed -i 's/^nr_balloon_pages .*/nr_balloon_pages 99999999999999999999/' "$T/proc/vmstat"
mk vmstat-pages-u64-max; sed -i 's/^nr_balloon_pages .*/nr_balloon_pages 18446744073709551615/' "$T/proc/vmstat"

# --- /proc/pressure/memory
mk pressure-missing; rm "$T/proc/pressure/memory"
mk pressure-empty; : >"$T/proc/pressure/memory"
mk pressure-garbage; printf 'avg10 avg60 avg300\n====\n' >"$T/proc/pressure/memory"
mk pressure-nan; printf 'some avg10=nan avg60=0.00 avg300=0.00 total=0\nfull avg10=inf avg60=0.00 avg300=0.00 total=0\n' >"$T/proc/pressure/memory"
mk pressure-negative; printf 'some avg10=-1.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >"$T/proc/pressure/memory"
mk pressure-truncated; printf 'some avg10=0.00 avg6' >"$T/proc/pressure/memory"

# --- features
f128=$(cat "$T/$DEVREL/features")
mk features-63; printf '%s\n' "${f128:0:63}" >"$D/features"
mk features-65; printf '%s\n' "${f128:0:65}" >"$D/features"
mk features-127; printf '%s\n' "${f128:0:127}" >"$D/features"
mk features-bad-chars; printf '%s\n' "0112010000000000000000000000000010000000000000000000000000000000" >"$D/features"
mk features-nul; printf '01100100000000000000000000000000\000000000000000000000000000000\n' >"$D/features"
mk features-no-newline; printf '%s' "$f128" >"$D/features"
mk features-trailing-blanks; printf '%s  \n\n' "$f128" >"$D/features"

# --- device, vendor, status attributes; links
mk device-garbage; echo balloon >"$D/device"
mk device-overflow; echo 0x10000000000000005 >"$D/device"
mk device-empty; : >"$D/device"
mk vendor-garbage; printf '0x1af4zz\n' >"$D/vendor"
mk status-overflow; echo 0x1ffffffffffffffff >"$D/status"
mk status-empty; : >"$D/status"
mk status-nul; printf '0x0000000f\000\n' >"$D/status"
mk driver-dangling-absolute; rm "$D/driver"; ln -s /nonexistent/bus/virtio/drivers/virtio_balloon "$D/driver"
mk driver-link-loop; rm "$D/driver"; ln -s driver "$D/driver"
mk device-no-attributes; rm "$D"/{device,vendor,status,features,driver}
mk bus-link-dangling; rm "$T/sys/bus/virtio/devices/virtio0"; ln -s ../../../devices/nowhere/virtio0 "$T/sys/bus/virtio/devices/virtio0"

# --- debugfs
mk debugfs-virtio-garbage; printf 'InflatedTotal: lots\nInflatedFree\n\xff\xfe\n' >"$T/sys/kernel/debug/virtio-balloon"
mk debugfs-virtio-contradiction; printf 'InflatedTotal: 524288 kB\nInflatedFree: 524288 kB\n' >"$T/sys/kernel/debug/virtio-balloon"
mk debugfs-module-bad-values; printf 'InflatedTotal: 0 kB\nInflatedFree: 524288 kB\nTarget: -1 kB\nActual: 524288 kB\nDeflateOnOOM: maybe\nDevice: virtio0\n' >"$T/sys/kernel/debug/vbtool-balloon"
mk debugfs-vmw-truncated; printf 'balloon capabilities  :             0x3e\nused capabilities     :             0x3e\nis resetting          :                n\ntarget                :           2621' >"$T/sys/kernel/debug/vmmemctl"
mk debugfs-vmw-overflow; printf 'balloon capabilities  :             0x3e\nused capabilities     :             0x3e\nis resetting          :                ?\ntarget                : 18446744073709551616\ncurrent               :           262144\n' >"$T/sys/kernel/debug/vmmemctl"
mk debugfs-hv-bad-state; printf 'host_version          : 2.0\ncapabilities          : enabled hot_add\nstate                 : x (Nope)\npage_size             : 4096\npages_ballooned       : lots\n' >"$T/sys/kernel/debug/hv-balloon"
mk debugfs-hv-nul; printf 'host_version          : 2\0000\nstate                 : 1 (Initialized)\npages_ballooned       : 12\000\n' >"$T/sys/kernel/debug/hv-balloon"
mk debugfs-state-denied; echo denied >"$T/vbtool/debugfs"
mk debugfs-state-garbage; printf '\x1b[2J\x1b]0;pwned\x07\n' >"$T/vbtool/debugfs"

# --- captured kernel log (vbtool/kmsg)
mk kmsg-garbage-records; printf ';;;\n,,,;\n-1,2,3,-;negative level\n99999999999999999999,1,1,-;overflowing level\n4,x,1,-;bad seq\nno separator at all\n4,3,2000,-;virtio_balloon virtio0: Out of puff! Can'\''t get 256 pages\n' >>"$T/vbtool/kmsg"
mk kmsg-overlong-line; { printf '4,3,1500,-;'; head -c 20000 /dev/zero | tr '\0' A; printf 'Out of puff!\n4,4,2000,-;virtio_balloon virtio0: Out of puff! Can'\''t get 256 pages\n'; } >>"$T/vbtool/kmsg"
mk kmsg-endless; rm "$T/vbtool/kmsg"; ln -s /dev/zero "$T/vbtool/kmsg"
mk kmsg-binary; printf '\x00\x01\x02\xff\n\x00;\x00\n4,5,6,-;\x00\xff\xfe\n' >"$T/vbtool/kmsg"

# --- system files
mk pagesize-garbage; echo fourk >"$T/vbtool/pagesize"
mk pagesize-not-power-of-two; echo 12288 >"$T/vbtool/pagesize"
mk uptime-garbage; echo 'up since yesterday' >"$T/proc/uptime"
mk osrelease-nul; printf '6.18\000-evil\n' >"$T/proc/sys/kernel/osrelease"
mk hostname-not-utf8; printf 'h\xc3\x28st\xff\n' >"$T/proc/sys/kernel/hostname"

ls -d */ | wc -l

# --- explain-oom inputs (oom/<case>.<ext>: logs, not trees)
rm -rf oom && mkdir oom
good=../oom/real/04-lkml-kvm-fc25-4.9-virtio_balloon-wrapped-global.log
: >oom/empty.log
printf '\x00\x01\x02\xff\xfe\n\x00\x00\x00' >oom/binary.log
head -c 3000 "$good" | gzip -9n | head -c 400 >oom/truncated.log.gz
printf 'this is not gzip at all\n' >oom/not-gzip.log.gz
printf '\xfd7zXZ\x00\x00garbage after the magic' >oom/bad-magic.log.xz
printf '\x28\xb5\x2f\xfd garbage after the zstd magic' >oom/bad-magic.log.zst
{ printf '[  1.000000] '; head -c 300000 /dev/zero | tr '\0' x; printf '\n'; cat "$good"; } | gzip -9n >oom/overlong-line.log.gz
sed 's/gfp_mask=0x[0-9a-f]*/gfp_mask=0x1ffffffffffffffffff/; s/order=0/order=99999999999999999999/; s/pid [0-9]*/pid 18446744073709551616/' "$good" >oom/overflowing-numbers.log
sed 's/$/\r/; s/^/\x1b[0;31m/' "$good" >oom/ansi-crlf.log
tr '\n' '\0' <"$good" >oom/nul-separated.log
for i in $(seq 5000); do printf '[%6d.000000] a invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0\n' "$i"; done | gzip -9n >oom/5000-invocations.log.gz
grep -v 'invoked oom-killer' "$good" >oom/no-header.log
head -c 1800 "$good" >oom/cut-mid-line.log
printf '[    1.000000] Out of memory: Killed process\n[    1.000000] Out of memory: Killed process (\n[    1.000000] oom-kill:constraint=,,,,,,\n[    1.000000] Node 0 DMA free:kB min:kB present:kB managed:kB\n[    1.000000] Tasks state (memory values in pages):\n[    1.000000] [\n[    1.000000] [ 1 ] 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n' >oom/half-lines.log

# --- QMP monitors (qmp/<case>.txt, played by qmp/replay.py): the greeting,
# then one line per request, in the order status --qmp asks: qmp_capabilities,
# query-name, query-status, query-memory-size-summary, query-balloon,
# qom-list x2, x-query-virtio. @ID@ is the request's id.
G='{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 8}, "package": ""}, "capabilities": []}}'
ok='{"return": {}, "id": @ID@}'
qmpcase() { # qmpcase NAME GREETING CAPS NAME STATUS MEMORY BALLOON
	local n=$1
	shift
	printf '%s\n' "$@" >"qmp/$n.txt"
	for _ in 1 2 3 4 5 6; do printf '%s\n' "$ok"; done >>"qmp/$n.txt"
}
name='{"return": {"name": "vm1"}, "id": @ID@}'
status='{"return": {"status": "running", "running": true}, "id": @ID@}'
memory='{"return": {"base-memory": 4294967296, "plugged-memory": 0}, "id": @ID@}'
balloon='{"return": {"actual": 3221225472}, "id": @ID@}'
qmpcase deep-nesting "$(head -c 100000 /dev/zero | tr '\0' '[')"
{ # raw NUL bytes cannot pass through $(...): written directly
	printf '%s\n' "$G" "$ok"
	printf '{"return": {"name": "vm\\u0000evil"}, "id": @ID@}\n'
	printf '%s\n' "$status" "$memory"
	printf '{"return": {"actual": 3221225472, "x": "a\001\000b"}, "id": @ID@}\n'
	for _ in 1 2 3 4 5 6; do printf '%s\n' "$ok"; done
} >qmp/nul-in-strings.txt
qmpcase version-overflow '{"QMP": {"version": {"qemu": {"micro": -1, "minor": 1e400, "major": 99999999999999999999}, "package": 7}, "capabilities": "none"}}' "$ok" "$name" "$status" "$memory" "$balloon"
qmpcase actual-negative "$G" "$ok" "$name" "$status" "$memory" '{"return": {"actual": -1}, "id": @ID@}'
qmpcase actual-not-a-number "$G" "$ok" "$name" "$status" "$memory" '{"return": {"actual": "lots"}, "id": @ID@}'
qmpcase memory-float "$G" "$ok" "$name" "$status" '{"return": {"base-memory": 1.5e300, "plugged-memory": -4}, "id": @ID@}' "$balloon"
qmpcase wrong-ids "$G" "$ok" '{"return": {"name": "vm1"}, "id": 999}' '{"return": {}, "id": "2"}' '{"return": {}}'
qmpcase returns-arrays "$G" "$ok" '{"return": [], "id": @ID@}' '{"return": [1, 2], "id": @ID@}' '{"return": null, "id": @ID@}' '{"return": [[[]]], "id": @ID@}'
qmpcase invalid-utf8 "$G" "$ok" "$(printf '{"return": {"name": "vm\377\376"}, "id": @ID@}')" "$status" "$memory" "$balloon"
qmpcase escapes-in-name "$G" "$ok" '{"return": {"name": "\u001b[2J\u001b]0;pwned\u0007"}, "id": @ID@}' "$status" "$memory" "$balloon"
qmpcase events-without-data "$G" '{"event": "BALLOON_CHANGE"}@NL@{"event": 5, "data": []}@NL@{"event": "X", "data": {"actual": -1}}@NL@{"return": {}, "id": @ID@}' "$name" "$status" "$memory" "$balloon"
qmpcase error-without-class "$G" "$ok" '{"error": {}, "id": @ID@}' '{"error": "boom", "id": @ID@}' '{"error": {"class": 7, "desc": ["x"]}, "id": @ID@}' "$balloon"
