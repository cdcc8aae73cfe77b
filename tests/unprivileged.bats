#!/usr/bin/env bats
# vbtool as an ordinary user (nobody): debugfs and /dev/kmsg are denied, so
# every command must degrade to what it can read, say what root would add
# ("run as root"), and keep its documented exit status. Needs root to switch
# to nobody; skipped otherwise.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run commands as nobody"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# a copy of the binary where nobody can reach it (the build directory's
	# parents may be private)
	U=$(mktemp -d /tmp/vbtool-unpriv.XXXXXX)
	chmod 0777 "$U"
	cp "$VBTOOL" "$U/vbtool"
	chmod 0755 "$U/vbtool"
	NOGROUP=$(id -gn nobody)
}

teardown() {
	[ -n "${U:-}" ] && rm -rf "$U"
}

as_nobody() {
	(cd "$U" && setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups --reset-env "$@")
}

# what nobody cannot read here, checked independently of vbtool
debugfs_denied() {
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts && ! as_nobody sh -c 'ls /sys/kernel/debug/ >/dev/null 2>&1'
}
kmsg_denied() { [ -e /dev/kmsg ] && ! as_nobody sh -c ': </dev/kmsg' 2>/dev/null; }

@test "status as nobody: the same exit status as root's" {
	run "$U/vbtool" status
	root_status=$status
	[ "$root_status" -eq 0 ] || [ "$root_status" -eq 3 ]
	run --separate-stderr as_nobody "$U/vbtool" status
	[ "$status" -eq "$root_status" ] || { echo "nobody: exit $status, root: $root_status; $stderr"; false; }
}

@test "status as nobody: what root would add is said" {
	debugfs_denied || kmsg_denied || skip "nobody can read debugfs and /dev/kmsg here"
	run --separate-stderr as_nobody "$U/vbtool" status
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	[[ "$output" == *"run as root"* ]]
}

@test "status --json as nobody: valid JSON, denied sources named with the root hint" {
	run --separate-stderr as_nobody "$U/vbtool" status --json
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	J=$output
	jq -e . <<<"$J" >/dev/null
	if kmsg_denied; then
		jq -e '[.problems[] | select(.what == "/dev/kmsg" and (.hint // "" | contains("root")))] | length == 1' <<<"$J" >/dev/null
		[ "$(jq -r .kernel_log.status <<<"$J")" = denied ]
	fi
	if debugfs_denied; then
		[ "$(jq -r .debugfs.status <<<"$J")" = denied ]
		jq -e '[.findings[], .problems[] | select(.hint // "" | contains("root"))] | length > 0' <<<"$J" >/dev/null
		# denied, not "absent" and not zeros
		[ "$(jq -r .debugfs.vmmemctl.status <<<"$J")" = denied ]
	fi
}

@test "status --json as nobody: what it can read matches root's" {
	run --separate-stderr "$U/vbtool" status --json
	R=$output
	run --separate-stderr as_nobody "$U/vbtool" status --json
	N=$output
	# sysfs and /proc are world-readable: the devices and MemTotal agree
	[ "$(jq -c '[.devices[] | {name, device_id, driver, status: .status.value}]' <<<"$N")" = \
		"$(jq -c '[.devices[] | {name, device_id, driver, status: .status.value}]' <<<"$R")" ]
	[ "$(jq -r .meminfo.mem_total_kb <<<"$N")" = "$(jq -r .meminfo.mem_total_kb <<<"$R")" ]
}

@test "explain-oom with no file as nobody: a clear error, exit 1" {
	kmsg_denied || skip "/dev/kmsg is readable by nobody here (kernel.dmesg_restrict=0)"
	run --separate-stderr as_nobody "$U/vbtool" explain-oom
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"vbtool: explain-oom: /dev/kmsg:"* ]]
	[[ "$stderr" == *"hint:"*"root"* ]]
}

@test "explain-oom --json with no file as nobody: exit 1, still valid JSON" {
	kmsg_denied || skip "/dev/kmsg is readable by nobody here (kernel.dmesg_restrict=0)"
	run --separate-stderr as_nobody "$U/vbtool" explain-oom --json
	[ "$status" -eq 1 ]
	[ -z "$output" ] || jq -e . <<<"$output" >/dev/null
}

@test "explain-oom on a readable log as nobody works as for root" {
	log=$(ls "$DATA"/oom/real/*.log | head -1)
	cp "$log" "$U/kern.log"
	chmod 0644 "$U/kern.log"
	run "$U/vbtool" explain-oom --json "$U/kern.log"
	root_status=$status
	R=$(jq -c .summary.events <<<"$output")
	run --separate-stderr as_nobody "$U/vbtool" explain-oom --json "$U/kern.log"
	[ "$status" -eq "$root_status" ]
	[ "$(jq -c .summary.events <<<"$output")" = "$R" ]
}

@test "collect as nobody: writes a tarball and says what root would add" {
	run --separate-stderr as_nobody "$U/vbtool" collect -o "$U/c.tar.gz"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; false; }
	[ -s "$U/c.tar.gz" ]
	tar -tzf "$U/c.tar.gz" >"$U/list"
	grep -q 'proc/meminfo$' "$U/list"
	grep -q 'vbtool/MANIFEST$' "$U/list"
	if debugfs_denied || kmsg_denied; then
		[[ "$stderr" == *"root"* ]]
	fi
}

@test "collect as nobody into a directory it cannot write: exit 1, clear error" {
	mkdir "$U/ro" && chmod 0555 "$U/ro"
	run --separate-stderr as_nobody "$U/vbtool" collect -o "$U/ro/c.tar.gz"
	[ "$status" -eq 1 ]
	# the last word is vbtool's own, in the house style
	[[ "$(tail -n 1 <<<"$stderr")" == "vbtool: collect: "* ]]
	[ ! -e "$U/ro/c.tar.gz" ]
}

@test "top -b as nobody: runs, same exit status as root's" {
	"$U/vbtool" top --help >/dev/null 2>&1 || skip "top not in this build"
	run "$U/vbtool" top -b -n 1
	root_status=$status
	run --separate-stderr as_nobody env TERM=dumb "$U/vbtool" top -b -n 1
	[ "$status" -eq "$root_status" ] || { echo "exit $status (root $root_status): $stderr"; false; }
	[ -n "$output" ]
}
