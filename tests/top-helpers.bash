# Shared by tests/top.bats and tests/top-keys.bats: the real TUI in a
# detached tmux server on the test's own socket ($SOCK, set in setup).

tm() { tmux -S "$SOCK" "$@"; }

# A shell in a detached tmux session of the given size.
start_shell() {
	tm -f /dev/null new-session -d -x "$1" -y "$2" "env PS1='READY\$ ' bash --norc --noprofile"
	wait_screen 'READY\$'
}

screen() { tm capture-pane -p; }
# The pane with wrapped lines joined: a message longer than the width reads
# whole (a wrap at a space would lose the space if the lines were glued).
screen_joined() { tm capture-pane -p -J; }

# Waits (at most ~10 s: a readiness wait, not a timing assertion) until the
# pane matches the extended regex; fails with the screen otherwise.
wait_screen() {
	local i
	for ((i = 0; i < 100; i++)); do
		if screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "screen never matched: $1" >&2
	screen >&2
	return 1
}

# Waits (as wait_screen) until the pane no longer holds the fixed string.
wait_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		if ! screen | grep -Fq -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "screen still holds: $1" >&2
	screen >&2
	return 1
}

