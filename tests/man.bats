#!/usr/bin/env bats
# The man pages match the code: every option --help names, every finding
# code and every top-level JSON name of status appear in the pages.
load helpers
bats_require_minimum_version 1.5.0

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

# Issue #12: the pages as `make install` puts them (the footer's version
# comes from configure), every one clean, with FILES, and vbtool-target.
PAGES="vbtool.8 vbtool-top.8 vbtool-explain-oom.8 vbtool-host.8 vbtool-kmod.8 vbtool-target.8"

install_pages() { # installs the man pages under $BATS_TEST_TMPDIR/d; prints the man8 dir
	make -s -C "$TOP_BUILDDIR" install-man DESTDIR="$BATS_TEST_TMPDIR/d" >/dev/null || return 1
	local dir; dir=$(find "$BATS_TEST_TMPDIR/d" -type d -name man8)
	[ -n "$dir" ] && [ -d "$dir" ] && echo "$dir"
}

render() { # man8-dir page: the page as text, warnings on stderr (.so is relative to the man root)
	(cd "$1/.." && MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "man8/$2")
}

@test "make install-man installs every page, vbtool-target too" {
	dir=$(install_pages)
	for p in $PAGES; do [ -f "$dir/$p" ] || { echo "$p not installed"; false; }; done
	grep -qx '\.so man8/vbtool-host\.8' "$dir/vbtool-target.8"
	render "$dir" vbtool-target.8 | grep -q 'vbtool target'
}

@test "every page renders without a warning (man --warnings)" {
	dir=$(install_pages)
	for p in $PAGES; do
		run --separate-stderr render "$dir" "$p"
		assert_success
		[ -n "$output" ]
		[ -z "$stderr" ] || { echo "$p: $stderr"; false; }
	done
}

@test "no macro line in a page has an unbalanced quote" {
	# an odd '"' count makes the last argument swallow the rest of the line
	for f in "$TOP_SRCDIR"/man/*.8; do
		run awk -F'"' '/^[.\x27]/ && !/\\"/ && NF % 2 == 0 { print FILENAME ":" FNR ": " $0 }' "$f"
		assert_output ""
	done
}

@test "every page's footer carries the version vbtool --version prints" {
	dir=$(install_pages)
	version=$("$VBTOOL" --version)
	[[ "$version" == "vbtool "[0-9]* ]]
	for p in $PAGES; do
		last=$(render "$dir" "$p" 2>/dev/null | sed '/^[[:space:]]*$/d' | tail -n 1)
		[[ "$last" == "$version "* ]] || { echo "$p footer: $last"; false; }
	done
}

@test "every page has a FILES section" {
	dir=$(install_pages)
	for p in $PAGES; do
		render "$dir" "$p" 2>/dev/null | grep -qx 'FILES' || { echo "$p has no FILES"; false; }
	done
}

@test "the module's page has EXIT STATUS and EXAMPLES" {
	for s in "EXIT STATUS" "EXAMPLES" "FILES"; do
		grep -qx "\.SH $s" "$TOP_SRCDIR/man/vbtool-kmod.8" || { echo "vbtool-kmod.8 lacks $s"; false; }
	done
}
