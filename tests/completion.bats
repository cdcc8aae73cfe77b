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
