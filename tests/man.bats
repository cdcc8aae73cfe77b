#!/usr/bin/env bats
# The man pages match the code: every option --help names, every finding
# code and every top-level JSON name of status appear in the pages.
load helpers

# man source with the roff escapes for '-' removed
page() { sed 's/\\-/-/g; s/\\(em/-/g' "$TOP_SRCDIR/man/$1"; }

options_of() { "$VBTOOL" "$@" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u; }

check_options() { # page command...
	local p=$1; shift
	local text; text=$(page "$p")
	for o in $(options_of "$@"); do
		grep -qF -- "$o" <<<"$text" || { echo "$p lacks $o (from vbtool $* --help)"; return 1; }
	done
}

@test "vbtool.8 documents the global, status and collect options" {
	check_options vbtool.8 status
	check_options vbtool.8 collect
	for o in --sysroot --help --version; do page vbtool.8 | grep -qF -- "$o"; done
}

@test "the other pages document their commands' options" {
	check_options vbtool-top.8 top
	check_options vbtool-explain-oom.8 explain-oom
	check_options vbtool-host.8 target
}

@test "every finding code status can emit is in vbtool.8" {
	codes=$(grep -oE '^\s*\{ "[a-z0-9-]+", "(info|warning|error)"' "$TOP_SRCDIR/src/model/findings.c" | grep -oE '"[a-z0-9-]+"' | head -n 100 | tr -d '"' | grep -vE '^(info|warning|error)$')
	[ -n "$codes" ]
	for c in $codes; do page vbtool.8 | grep -qF -- "$c" || { echo "vbtool.8 lacks finding $c"; false; }; done
}

@test "every top-level JSON name of status --json is in vbtool.8" {
	names=$("$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json --no-kernel-log | jq -r 'keys[]')
	for n in $names; do page vbtool.8 | grep -qF -- "$n" || { echo "vbtool.8 lacks $n"; false; }; done
	for n in $("$VBTOOL" status --sysroot "$EXAMPLES/virtuozzo" --json --no-kernel-log | jq -r '.balloon | keys[]'); do
		page vbtool.8 | grep -qF -- "$n" || { echo "vbtool.8 lacks balloon.$n"; false; }
	done
}

@test "every verdict code explain-oom --help names is in its page" {
	for v in $("$VBTOOL" explain-oom --help | sed -n '/^Verdicts:/,/^$/p' | sed 's/^Verdicts://' | tr ',.' '  '); do
		page vbtool-explain-oom.8 | grep -qF -- "$v" || { echo "lacks $v"; false; }
	done
}

@test "the exit codes in commands.h are all documented" {
	for n in $(grep -oE '#define VB_EXIT_[A-Z_]+ [0-9]+' "$TOP_SRCDIR/src/base/exit_codes.h" | awk '{ print $3 }'); do
		page vbtool.8 | grep -qE "^\.B $n$" || { echo "exit $n undocumented"; false; }
	done
}
