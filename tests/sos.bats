#!/usr/bin/env bats
# The sos report plugin (contrib/sos/vbtool.py, #15): make install puts it
# where Debian's sos loads plugins, and the real `sos report --batch
# --only-plugins vbtool` collects status, its JSON and a collect tarball.
# sos loads plugins only from its own package, so the test runs sos from a
# copy of that package with the installed plugin added (PYTHONPATH), never
# touching the system's.

load helpers

setup() {
	command -v sos >/dev/null || fail "sos missing: apt-get install sosreport"
	T=$(mktemp -d /tmp/vbtool-sos.XXXXXX)
}

teardown() {
	rm -rf "$T"
}

sos_dir() { /usr/bin/python3 -c 'import os, sos.report.plugins as p; print(os.path.dirname(p.__file__))'; }

# Where make install puts the plugin: sos' own plugin directory, unless
# configure was given another one (distcheck installs under its prefix).
plugin_dir() {
	if configured_with --with-sos-plugin-dir; then make_var sosplugindir; else sos_dir; fi
}

@test "sos: make install puts the plugin into sos' plugin directory" {
	configured_with --with-sos-plugin-dir || [ "$(make_var sosplugindir)" = "$(sos_dir)" ]
	make -s -C "$TOP_BUILDDIR" install-dist_sospluginDATA DESTDIR="$T/inst" >/dev/null
	[ -f "$T/inst$(plugin_dir)/vbtool.py" ]
	cmp "$T/inst$(plugin_dir)/vbtool.py" "$TOP_SRCDIR/contrib/sos/vbtool.py"
}

@test "sos: sos report --only-plugins vbtool: status, its JSON, a collect tarball status can read" {
	make -s -C "$TOP_BUILDDIR" install-dist_sospluginDATA DESTDIR="$T/inst" >/dev/null
	mkdir -p "$T/py" "$T/out"
	cp -a "$(dirname "$(dirname "$(sos_dir)")")" "$T/py/sos"
	cp "$T/inst$(plugin_dir)/vbtool.py" "$T/py/sos/report/plugins/"
	PYTHONPATH="$T/py" run timeout 300 /usr/bin/python3 "$(command -v sos)" report --batch --only-plugins vbtool \
		-k vbtool.binary="$VBTOOL" --tmp-dir "$T/out"
	assert_success
	archive=$(ls "$T/out"/sosreport-*.tar.xz)
	tar -C "$T/out" -xJf "$archive"
	d=$(ls -d "$T/out"/sosreport-*/sos_commands/vbtool)
	# the JSON twin, as status --json prints it here
	"$VBTOOL" status --json >"$T/live.json" || [ $? = 3 ]
	jq -e . "$d/vbtool_status.json" >/dev/null
	[ "$(jq -c '[.devices[].name]' "$d/vbtool_status.json")" = "$(jq -c '[.devices[].name]' "$T/live.json")" ]
	[ "$(jq .balloon.size_kb "$d/vbtool_status.json")" = "$(jq .balloon.size_kb "$T/live.json")" ]
	[ "$(jqr .system.hostname "$d/vbtool_status.json")" = "$(cat /proc/sys/kernel/hostname)" ]
	# the text answer
	[ "$(head -1 "$d/vbtool_status")" = "$(jqr .answer "$d/vbtool_status.json")" ]
	# the capture: status reads it back
	mkdir "$T/cap"
	tar -C "$T/cap" -xzf "$d/vbtool-collect.tar.gz"
	run "$VBTOOL" status --sysroot "$T/cap"/vbtool-collect-* --json
	[ "$status" = 0 ] || [ "$status" = 3 ]
	[ "$(jq .balloon.size_kb <<<"$output")" = "$(jq .balloon.size_kb "$T/live.json")" ]
}

@test "sos: a vbtool that is not there: the plugin collects nothing and sos still succeeds" {
	make -s -C "$TOP_BUILDDIR" install-dist_sospluginDATA DESTDIR="$T/inst" >/dev/null
	mkdir -p "$T/py" "$T/out"
	cp -a "$(dirname "$(dirname "$(sos_dir)")")" "$T/py/sos"
	cp "$T/inst$(plugin_dir)/vbtool.py" "$T/py/sos/report/plugins/"
	PYTHONPATH="$T/py" run timeout 300 /usr/bin/python3 "$(command -v sos)" report --batch --only-plugins vbtool \
		-k vbtool.binary="$T/none/vbtool" --tmp-dir "$T/out"
	assert_success
	! tar -tJf "$(ls "$T/out"/sosreport-*.tar.xz)" | grep -q 'sos_commands/vbtool/vbtool_status'
}
