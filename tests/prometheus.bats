#!/usr/bin/env bats
# status --format prometheus / --textfile (issue #15): the exposition format
# checked by Debian's promtool, served by a real node_exporter, the families
# equal to the list in vbtool(8), the values equal to status --json, and one
# tree's values written by hand from its README.

load helpers
load qmp/helpers

setup_file() {
	check_qemu_for_file || return 1
}

setup() {
	command -v promtool >/dev/null || fail "promtool missing: apt-get install prometheus"
	T=$(mktemp -d /tmp/vbtool-prom.XXXXXX)
}

teardown() {
	if [ -n "${NE_PID:-}" ]; then
		kill "$NE_PID" 2>/dev/null || true
		wait "$NE_PID" 2>/dev/null || true
	fi
	[ -z "${QDIR:-}" ] || qmp_teardown_dir
	# a libvirt test that failed half-way: its daemons and domains, by pid
	if [ -n "${LVDIR:-}" ] && declare -F lv_stop >/dev/null; then lv_stop; fi
	rm -rf "$T"
}

# The families vbtool(8) lists ("Prometheus metrics"): guest or host (vbtool_vm_*).
man_families() { # guest|host
	awk '/^\.SS Prometheus metrics/ { on = 1; next } on && /^\.S[HS] / { on = 0 }
	     on && prev == ".TP" && /^\.B vbtool_/ { print $2 } { prev = $0 }' "$TOP_SRCDIR/man/vbtool.8" |
		if [ "$1" = host ]; then grep '^vbtool_vm_'; else grep -v '^vbtool_vm_'; fi | sort
}
out_families() { grep '^# TYPE ' | awk '{ print $3 }' | sort; }
# The value of the one sample NAME{...LABELS...} (LABELS: a substring).
sample() { # file name [label-substring]
	grep -E "^$2(\{| )" "$1" | grep -F -- "${3:-}" | awk '{ print $NF }'
}

trees() { echo /; for d in "$EXAMPLES"/*/; do echo "${d%/}"; done; }
prom() { # tree
	if [ "$1" = / ]; then "$VBTOOL" status --format prometheus; else "$VBTOOL" status --sysroot "$1" --format prometheus; fi
}
json() {
	if [ "$1" = / ]; then "$VBTOOL" status --json; else "$VBTOOL" status --sysroot "$1" --json; fi
}

@test "prometheus: the man page's list is the guest families, on this machine and every example tree" {
	man_families guest >"$T/man"
	[ "$(wc -l <"$T/man")" -ge 15 ]
	while read -r tree; do
		prom "$tree" >"$T/out" || [ $? = 3 ]
		out_families <"$T/out" >"$T/fam"
		diff -u "$T/man" "$T/fam" || fail "families differ for $tree"
	done < <(trees)
}

@test "prometheus: promtool check metrics accepts this machine and every example tree" {
	while read -r tree; do
		prom "$tree" >"$T/out" || [ $? = 3 ]
		run promtool check metrics <"$T/out"
		[ "$status" = 0 ] || fail "promtool on $tree: $output"
		[ -z "$output" ] || fail "promtool lint on $tree: $output"
	done < <(trees)
}

@test "prometheus: every series equals status --json, for every tree" {
	while read -r tree; do
		prom "$tree" >"$T/p" || [ $? = 3 ]
		json "$tree" >"$T/j" || [ $? = 3 ]
		size=$(jq '.balloon.size_kb // empty' "$T/j")
		if [ -n "$size" ]; then
			[ "$(sample "$T/p" vbtool_balloon_size_bytes)" = $((size * 1024)) ] || fail "size $tree"
			grep -qF "vbtool_balloon_size_bytes{source=\"$(jq -r .balloon.size_from "$T/j")\"}" "$T/p"
		else
			[ -z "$(sample "$T/p" vbtool_balloon_size_bytes)" ] || fail "unknown size printed for $tree"
		fi
		ram=$(jq '.balloon.ram_kb // empty' "$T/j")
		if [ -n "$ram" ]; then
			[ "$(sample "$T/p" vbtool_balloon_ram_bytes "basis=\"$(jq -r .balloon.ram_basis "$T/j")\"")" = $((ram * 1024)) ] || fail "ram $tree"
		fi
		[ "$(sample "$T/p" vbtool_balloon_accounting_info "mode=\"$(jq -r .balloon.accounting "$T/j")\"")" = 1 ]
		# each size source
		[ "$(grep -c '^vbtool_balloon_source_bytes' "$T/p")" = "$(jq '.balloon.sources | length' "$T/j")" ]
		while read -r name kb; do
			[ "$(sample "$T/p" vbtool_balloon_source_bytes "source=\"$name\"")" = $((kb * 1024)) ] || fail "source $name $tree"
		done < <(jq -r '.balloon.sources[] | "\(.name) \(.size_kb)"' "$T/j")
		# features: one info series per device with a valid feature string
		while read -r dev neg; do
			grep -qF "vbtool_balloon_features_info{device=\"$dev\"," "$T/p" || fail "no features for $dev in $tree"
			grep -F "device=\"$dev\"," "$T/p" | grep -qF "negotiated=\"$neg\"" || fail "features of $dev in $tree"
		done < <(jq -r '.devices[] | select(.features.valid) | "\(.name) \(.features.negotiated | join(","))"' "$T/j")
		# findings: the same set of code/severity pairs
		jq -r '.findings[] | "\(.code) \(.severity)"' "$T/j" | sort -u >"$T/fj"
		sed -n 's/^vbtool_finding{code="\([^"]*\)",severity="\([^"]*\)"} 1$/\1 \2/p' "$T/p" | sort >"$T/fp"
		diff -u "$T/fj" "$T/fp" || fail "findings of $tree"
		kills=$(jq '.kernel_log.oom_kills // empty' "$T/j")
		[ "$(sample "$T/p" vbtool_kernel_log_oom_kills_total)" = "$kills" ] || fail "oom kills $tree"
	done < <(trees)
}

@test "prometheus: the virtuozzo tree, values from its README" {
	"$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --format prometheus >"$T/p"
	# 2097152 kB held, of 8 GiB, subtracted from MemTotal
	[ "$(sample "$T/p" vbtool_balloon_size_bytes)" = 2147483648 ]
	[ "$(sample "$T/p" vbtool_balloon_ram_bytes 'basis="zones_present"')" = 8589934592 ]
	[ "$(sample "$T/p" vbtool_balloon_ram_ratio)" = 0.25 ]
	[ "$(sample "$T/p" vbtool_balloon_accounting_info 'mode="subtracted_from_memtotal"')" = 1 ]
	[ "$(sample "$T/p" vbtool_debugfs_virtio_inflated_bytes 'kind="total"')" = 2147483648 ]
	# balloon_inflate - balloon_deflate = 524288 pages of 4 KiB
	inf=$(sample "$T/p" vbtool_vmstat_balloon_bytes_total 'event="inflate"')
	def=$(sample "$T/p" vbtool_vmstat_balloon_bytes_total 'event="deflate"')
	[ $((inf - def)) = $((524288 * 4096)) ]
	grep -F 'vbtool_balloon_features_info{device="virtio2",' "$T/p" |
		grep -F 'negotiated="MUST_TELL_HOST,STATS_VQ,VERSION_1"' | grep -qF 'deflate_on_oom="false"'
	grep -qx 'vbtool_finding{code="large-balloon-no-deflate-on-oom",severity="[a-z]*"} 1' "$T/p"
	# no sample timestamps: every sample line is NAME[{...}] VALUE
	! grep -v '^#' "$T/p" | grep -qE '} [^ ]+ [^ ]+$|^[a-z_]+ [^ ]+ [^ ]+$'
}

@test "prometheus: label values are escaped (backslash, quote) and cleaned" {
	cp -a "$EXAMPLES/virtuozzo" "$T/tree"
	printf '5.1"x\\y\033[2J\n' >"$T/tree/proc/sys/kernel/osrelease"
	"$VBTOOL" status --sysroot "$T/tree" --format prometheus >"$T/p"
	grep -qF 'kernel="5.1\"x\\y?[2J"' "$T/p"
	! grep -q $'\033' "$T/p"
	run promtool check metrics <"$T/p"
	assert_success
}

@test "prometheus: --textfile writes DIR/vbtool.prom atomically, mode 0644, no temporary left" {
	mkdir "$T/tf"
	echo old >"$T/tf/vbtool.prom"
	(umask 077 && "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --textfile "$T/tf")
	[ "$(stat -c %a "$T/tf/vbtool.prom")" = 644 ]
	[ "$(ls -A "$T/tf")" = vbtool.prom ]
	"$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --format prometheus | cmp - "$T/tf/vbtool.prom"
	# a directory that is not there: an error, exit 1
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --textfile "$T/nope"
	assert_failure 1
	assert_output --partial "vbtool: $T/nope: cannot create a file there"
}

@test "prometheus: --format errors" {
	run "$VBTOOL" status --format yaml
	assert_failure 2
	assert_output --partial "--format wants text, json or prometheus"
	run "$VBTOOL" status --json --format prometheus
	assert_failure 2
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --format json
	assert_success
	jq -e .balloon <<<"$output" >/dev/null
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "prometheus: a real node_exporter serves the textfile; the series equal status --json" {
	command -v prometheus-node-exporter >/dev/null || fail "apt-get install prometheus-node-exporter"
	mkdir "$T/tf"
	"$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --textfile "$T/tf"
	port=$(free_port)
	prometheus-node-exporter --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/tf" --web.listen-address="127.0.0.1:$port" \
		>"$T/ne.log" 2>&1 &
	NE_PID=$!
	for _ in $(seq 50); do
		curl -fsS "http://127.0.0.1:$port/metrics" >"$T/scrape" 2>/dev/null && break
		sleep 0.1
	done
	[ -s "$T/scrape" ] || fail "node_exporter did not answer: $(cat "$T/ne.log")"
	# node_exporter read the file without complaint
	[ "$(sample "$T/scrape" node_textfile_scrape_error)" = 0 ]
	"$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json >"$T/j"
	# node_exporter prints its values as floats (2.147483648e+09)
	[ "$(sample "$T/scrape" vbtool_balloon_size_bytes | awk '{ printf "%.0f", $1 }')" = $(($(jq .balloon.size_kb "$T/j") * 1024)) ]
	[ "$(sample "$T/scrape" vbtool_balloon_ram_bytes | awk '{ printf "%.0f", $1 }')" = $(($(jq .balloon.ram_kb "$T/j") * 1024)) ]
	code=$(jq -r '.findings[0].code' "$T/j")
	grep -q "^vbtool_finding{code=\"$code\"" "$T/scrape"
	# every vbtool family with a sample arrived (node_exporter drops empty ones)
	grep '^vbtool_' "$T/tf/vbtool.prom" | sed 's/[{ ].*//' | sort -u >"$T/want"
	grep '^vbtool_' "$T/scrape" | sed 's/[{ ].*//' | sort -u >"$T/got"
	[ "$(wc -l <"$T/want")" -ge 10 ]
	diff -u "$T/want" "$T/got"
	[ "$(grep -c '^vbtool_' "$T/scrape")" = "$(grep -c '^vbtool_' "$T/tf/vbtool.prom")" ]
}

@test "prometheus: host side against a real QEMU: vm label, values equal --json, promtool, man list" {
	require_qemu
	qmp_setup_dir
	start_qemu a -m 512 -device virtio-balloon-pci,id=balloon0
	start_qemu b -m 256
	"$VBTOOL" status --qmp "$QDIR/a.sock" "$QDIR/b.sock" --format prometheus >"$T/p" || [ $? = 0 ]
	run promtool check metrics <"$T/p"
	assert_success
	assert_output ""
	man_families host >"$T/man"
	out_families <"$T/p" >"$T/fam"
	diff -u "$T/man" "$T/fam"
	# from the command line: 512 MiB, nothing ballooned (no guest runs)
	[ "$(sample "$T/p" vbtool_vm_ram_bytes "vm=\"$QDIR/a.sock\"")" = $((512 * 1024 * 1024)) ]
	[ "$(sample "$T/p" vbtool_vm_balloon_actual_bytes "vm=\"$QDIR/a.sock\"")" = $((512 * 1024 * 1024)) ]
	[ "$(sample "$T/p" vbtool_vm_balloon_device "vm=\"$QDIR/a.sock\"")" = 1 ]
	[ "$(sample "$T/p" vbtool_vm_balloon_device "vm=\"$QDIR/b.sock\"")" = 0 ]
	[ "$(sample "$T/p" vbtool_vm_up "vm=\"$QDIR/b.sock\"")" = 1 ]
	"$VBTOOL" status --qmp "$QDIR/a.sock" "$QDIR/b.sock" --json >"$T/j" || true
	[ "$(sample "$T/p" vbtool_vm_ram_bytes "vm=\"$QDIR/b.sock\"")" = "$(jq '.vms[1].ram_bytes' "$T/j")" ]
	jq -r '.vms[] | .socket as $s | .findings[] | "\($s) \(.code) \(.severity)"' "$T/j" | sort -u >"$T/fj"
	sed -n 's/^vbtool_vm_finding{vm="\([^"]*\)",code="\([^"]*\)",severity="\([^"]*\)"} 1$/\1 \2 \3/p' "$T/p" | sort >"$T/fp"
	diff -u "$T/fj" "$T/fp"
	# a VM that cannot be reached: up 0, the file still written
	mkdir "$T/tf"
	run "$VBTOOL" status --qmp "$QDIR/a.sock" "$T/none.sock" --textfile "$T/tf"
	grep -qF "vbtool_vm_up{vm=\"$T/none.sock\"} 0" "$T/tf/vbtool.prom"
	grep -qF "vbtool_vm_up{vm=\"$QDIR/a.sock\"} 1" "$T/tf/vbtool.prom"
}

@test "prometheus: make install puts the service and the 15 s timer where systemd looks, not enabled" {
	[ -f "$TOP_BUILDDIR/Makefile" ] || fail "no Makefile in $TOP_BUILDDIR"
	make -s -C "$TOP_BUILDDIR" install-systemdsystemunitDATA DESTDIR="$T/inst" >/dev/null
	dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
	[ -n "$dir" ] || dir=/lib/systemd/system
	# distcheck installs under its own prefix (--with-systemdsystemunitdir)
	if configured_with --with-systemdsystemunitdir; then dir=$(make_var systemdsystemunitdir); fi
	[ -f "$T/inst$dir/vbtool-textfile.service" ]
	[ -f "$T/inst$dir/vbtool-textfile.timer" ]
	grep -qx 'OnUnitActiveSec=15s' "$T/inst$dir/vbtool-textfile.timer"
	grep -qx 'ExecStart=/.*/vbtool status --textfile /var/lib/prometheus/node-exporter' "$T/inst$dir/vbtool-textfile.service"
	# not enabled: no .wants links
	[ -z "$(find "$T/inst" -name '*.wants')" ]
	if command -v systemd-analyze >/dev/null; then
		mkdir "$T/v"
		# the binary is not installed: point ExecStart at the one under test
		sed "s|^ExecStart=[^ ]*|ExecStart=$VBTOOL|" "$T/inst$dir/vbtool-textfile.service" >"$T/v/vbtool-textfile.service"
		cp "$T/inst$dir/vbtool-textfile.timer" "$T/v/"
		run systemd-analyze verify --man=no "$T/v/vbtool-textfile.timer" "$T/v/vbtool-textfile.service"
		assert_success
		assert_output ""
	fi
}

@test "prometheus: host side through libvirt: one vm label per domain, values equal --json" {
	grep -q '^#define HAVE_LIBVIRT 1' "$TOP_BUILDDIR/config.h" || skip "this vbtool is built without libvirt"
	source "$TOP_SRCDIR/tests/data/libvirt/libvirtd.bash"
	lv_start
	if [ -n "$LV_SKIP" ]; then
		[ -z "${CI:-}" ] || fail "$LV_SKIP"
		skip "$LV_SKIP"
	fi
	lv_create plain balloon.xml
	run "$VBTOOL" status --libvirt "${LV_PREFIX}plain" --format prometheus
	"$VBTOOL" status --libvirt "${LV_PREFIX}plain" --json >"$T/j" || true
	lv_stop
	assert_success
	printf '%s\n' "$output" >"$T/p"
	run promtool check metrics <"$T/p"
	assert_success
	assert_output ""
	# balloon.xml: <memory unit='MiB'>256</memory>
	[ "$(sample "$T/p" vbtool_vm_ram_bytes "vm=\"${LV_PREFIX}plain\"")" = $((256 * 1024 * 1024)) ]
	[ "$(sample "$T/p" vbtool_vm_balloon_actual_bytes "vm=\"${LV_PREFIX}plain\"")" = "$(jq '.vms[0].actual_bytes' "$T/j")" ]
	[ "$(sample "$T/p" vbtool_vm_up "vm=\"${LV_PREFIX}plain\"")" = 1 ]
	man_families host >"$T/man"
	out_families <"$T/p" >"$T/fam"
	diff -u "$T/man" "$T/fam"
}
