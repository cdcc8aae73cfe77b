#!/usr/bin/env bats
# The bash completion offers the commands, each command's options (checked
# against the command's own --help), and directories after --sysroot.
load helpers

setup() {
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
}

complete_words() { # the command line as words; completes the last one
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$TOP_SRCDIR/completions/vbtool"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_vbtool vbtool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}

@test "completes the command names" {
	run complete_words vbtool ""
	assert_success
	for c in status top explain-oom collect target help; do assert_line "$c"; done
}

@test "completes a command after --sysroot DIR" {
	run complete_words vbtool --sysroot /tmp st
	assert_output "status"
}

@test "every option status --help shows is completed" {
	run complete_words vbtool status --
	assert_success
	for o in $("$VBTOOL" status --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do assert_line -- "$o"; done
}

@test "every option collect --help shows is completed" {
	run complete_words vbtool collect --
	for o in $("$VBTOOL" collect --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do assert_line -- "$o"; done
}

@test "every option top, explain-oom and target --help show is completed" {
	for c in top explain-oom target; do
		run complete_words vbtool "$c" --
		for o in $("$VBTOOL" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			assert_line -- "$o"
		done
	done
}

@test "--sysroot completes directories only" {
	mkdir -p "$BATS_TEST_TMPDIR/d/sub" && touch "$BATS_TEST_TMPDIR/d/file"
	cd "$BATS_TEST_TMPDIR/d"
	run complete_words vbtool --sysroot ""
	assert_line "sub"
	refute_line "file"
}

# Issue #12: the short options too. The source of truth is each command's
# getopt_long option string in src/ (the letters, without the ':' marks).
short_options_of() { # FILE: "-x" for each letter of its getopt_long string
	grep -oE 'getopt_long\(argc, argv, "[^"]*"' "$TOP_SRCDIR/src/$1" | sed 's/.*"\(.*\)"/\1/' |
		tr -d '+:' | grep -oE '[A-Za-z]' | sed 's/^/-/'
}

@test "every command's short options are completed" {
	for pair in status:cmd_status.c top:cmd_top.c explain-oom:cmd_explain_oom.c \
		collect:cmd_collect.c target:cmd_target.c; do
		c=${pair%%:*}
		opts=$(short_options_of "${pair#*:}")
		[ -n "$opts" ]
		run complete_words vbtool "$c" -
		for o in $opts; do assert_line -- "$o"; done
	done
}

@test "the global short options are completed before the command" {
	opts=$(short_options_of vbtool.c)
	[ "$opts" = "$(printf -- '-h\n-V')" ]
	run complete_words vbtool -
	for o in $opts; do assert_line -- "$o"; done
	run complete_words vbtool --sysroot /tmp -
	assert_line -- "-V"
}

@test "a short option's argument is not completed as an option or a command" {
	run complete_words vbtool status -t ""
	assert_output ""
	run complete_words vbtool top -n ""
	assert_output ""
}
