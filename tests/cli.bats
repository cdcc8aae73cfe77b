#!/usr/bin/env bats
# The command line: help, version, errors, exit status.
load helpers

@test "--help lists every command and fits on a screen" {
	run "$VBTOOL" --help
	assert_success
	for c in status top explain-oom collect target; do assert_output --partial "  $c "; done
	[ "${#lines[@]}" -le 24 ]
}

@test "--version prints the package version" {
	run "$VBTOOL" --version
	assert_success
	assert_output --regexp '^vbtool [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no command is a usage error (exit 2)" {
	run "$VBTOOL"
	assert_failure 2
}

@test "unknown command: one-line error, pointer to --help, exit 2" {
	run --separate-stderr "$VBTOOL" frobnicate
	assert_failure 2
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "vbtool: unknown command 'frobnicate'" ]]
	[[ "${stderr_lines[1]}" == *"--help"* ]]
}

@test "unknown global option is a usage error" {
	run --separate-stderr "$VBTOOL" --frob status
	assert_failure 2
	[[ "$stderr" == *"unrecognized option '--frob'"* ]]
}

@test "unknown status option: error names the command and the option" {
	run --separate-stderr "$VBTOOL" status --frob
	assert_failure 2
	[[ "${stderr_lines[0]}" == "vbtool: status: unrecognized option '--frob'" ]]
	[[ "${stderr_lines[1]}" == *"vbtool status --help"* ]]
}

@test "missing option argument is a usage error" {
	run "$VBTOOL" status --sysroot
	assert_failure 2
}

@test "help COMMAND and COMMAND --help print the same text" {
	for c in status collect top explain-oom target; do
		a=$("$VBTOOL" help "$c")
		b=$("$VBTOOL" "$c" --help)
		[ -n "$a" ]
		[ "$a" = "$b" ]
	done
}

@test "status --help fits on a screen and names the exit codes" {
	run "$VBTOOL" status --help
	assert_success
	assert_output --partial "--json"
	assert_output --partial "--sysroot"
	assert_output --partial "Exit status"
	[ "${#lines[@]}" -le 24 ]
}

@test "--sysroot before the command and after it are the same" {
	a=$("$VBTOOL" --sysroot "$EXAMPLES/virtuozzo" status --json --no-kernel-log | jq -c .balloon)
	b=$("$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json --no-kernel-log | jq -c .balloon)
	[ "$a" = "$b" ]
}

@test "no balloon device is exit 3, not a failure" {
	run "$VBTOOL" status --sysroot "$EXAMPLES/no-balloon"
	assert_failure 3
	assert_output --partial "No virtio balloon device"
}

@test "a --sysroot with nothing in it is a failure (exit 1) with a hint" {
	run --separate-stderr "$VBTOOL" status --sysroot "$BATS_TEST_TMPDIR"
	assert_failure 1
	[[ "$stderr" == *"vbtool: status:"* ]]
	[[ "$stderr" == *"hint:"* ]]
}

@test "a full stdout is an error, not silence" {
	[ -w /dev/full ] || skip "no /dev/full"
	run "$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --no-kernel-log
	assert_success
	run bash -c '"$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --no-kernel-log > /dev/full'
	assert_failure 1
	assert_output --partial "output error"
}

@test "an unknown short option in a cluster is named exactly" {
	run --separate-stderr "$VBTOOL" status -jz
	assert_failure 2
	[[ "${stderr_lines[0]}" == "vbtool: status: unrecognized option '-z'" ]]
	run --separate-stderr "$VBTOOL" collect -o
	assert_failure 2
	[[ "${stderr_lines[0]}" == "vbtool: collect: option '-o' needs an argument" ]]
	run --separate-stderr "$VBTOOL" status --sysroot
	[[ "${stderr_lines[0]}" == "vbtool: status: option '--sysroot' needs an argument" ]]
}

# Issue #12: a typo gets a suggestion; the names come from the command table
# in src/vbtool.c and the option tables in src/cmd_*.c.
@test "a misspelt command suggests the command (did you mean), exit 2" {
	run --separate-stderr "$VBTOOL" stauts
	assert_failure 2
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "vbtool: unknown command 'stauts'" ]
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean 'status'?" ]
	run --separate-stderr "$VBTOOL" explain-omm
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean 'explain-oom'?" ]
	run --separate-stderr "$VBTOOL" tpo
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean 'top'?" ]
	run --separate-stderr "$VBTOOL" help colect
	assert_failure 2
	[ "${stderr_lines[0]}" = "vbtool: unknown command 'colect'" ]
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean 'collect'?" ]
}

@test "a unique prefix of a command is suggested; an ambiguous one is not" {
	run --separate-stderr "$VBTOOL" expl
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean 'explain-oom'?" ]
	run --separate-stderr "$VBTOOL" t # top and target
	assert_failure 2
	[ "${stderr_lines[0]}" = "vbtool: unknown command 't'" ]
	[ "${stderr_lines[1]}" = "vbtool: hint: try 'vbtool --help'" ]
}

@test "a misspelt long option suggests the command's option, exit 2" {
	run --separate-stderr "$VBTOOL" status --jsno
	assert_failure 2
	[ "${stderr_lines[0]}" = "vbtool: status: unrecognized option '--jsno'" ]
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--json'?" ]
	run --separate-stderr "$VBTOOL" status --sysrot=/x
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--sysroot'?" ]
	run --separate-stderr "$VBTOOL" top --itrations 3
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--iterations'?" ]
	run --separate-stderr "$VBTOOL" explain-oom --breif
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--brief'?" ]
	run --separate-stderr "$VBTOOL" collect --outptu x
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--output'?" ]
	run --separate-stderr "$VBTOOL" target --froce
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--force'?" ]
	run --separate-stderr "$VBTOOL" --versoin
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: did you mean '--version'?" ]
}

@test "a word far from every name gets no suggestion, and is printed cleaned" {
	run --separate-stderr "$VBTOOL" status --frobnicate
	assert_failure 2
	[ "${stderr_lines[1]}" = "vbtool: hint: try 'vbtool status --help'" ]
	run --separate-stderr "$VBTOOL" $'st\033[2Jatus'
	assert_failure 2
	[[ "$stderr" != *$'\033'* ]]
}

@test "a flag given a value says so instead of 'unrecognized'" {
	run --separate-stderr "$VBTOOL" status --json=yes
	assert_failure 2
	[ "${stderr_lines[0]}" = "vbtool: status: option '--json' takes no argument" ]
	[ "${stderr_lines[1]}" = "vbtool: hint: try 'vbtool status --help'" ]
}
