#!/usr/bin/env bats
# explain-oom --html OUT (issue #20): one self-contained page, rendered for
# real by headless Chromium (skipped, with the reason, when it is absent).
# Its numbers are checked against --json of the same log (every element the
# page ties to a JSON path) and, for a few, against the log by hand; every
# string from the log is escaped; the file is written like collect's
# tarball (temp file, rename; never through a symlink).

load helpers

SYN="$DATA/oom/synthetic"
HOSTILE="$DATA/oom/html/hostile-names.log"

need_chromium() {
	command -v chromium >/dev/null || skip "chromium is not installed (apt-get install chromium)"
}

# dump_dom PAGE OUT: the DOM Chromium built from PAGE, serialized
dump_dom() {
	chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$1" >"$2" 2>/dev/null
	[ -s "$2" ]
}

# check_numbers DOM JSON: every element with data-j="PATH" inside the
# details of event I holds the number or boolean at .events[I].PATH of
# --json (outside any details: at .PATH); "?" with data-null where JSON has
# null. Prints "checked N".
check_numbers() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
from html.parser import HTMLParser
doc = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.ev = []; self.cur = None; self.found = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'details': self.ev.append(int(a['data-i']))
        if 'data-j' in a: self.cur = [tag, a['data-j'], 'data-null' in a, '', self.ev[-1] if self.ev else None]
    def handle_endtag(self, tag):
        if tag == 'details': self.ev.pop()
        if self.cur and tag == self.cur[0]: self.found.append(self.cur); self.cur = None
    def handle_data(self, d):
        if self.cur: self.cur[3] += d
p = P(); p.feed(open(sys.argv[1]).read())
bad = 0
for tag, path, null, text, ev in p.found:
    v = doc['events'][ev] if ev is not None else doc
    for k in path.split('.'):
        v = v[int(k)] if isinstance(v, list) else (v or {}).get(k)
    if v is None: ok = null and text == '?'
    elif isinstance(v, bool): ok = not null and text == json.dumps(v)
    elif isinstance(v, int): ok = not null and text == str(v)
    elif isinstance(v, float): ok = not null and float(text) == v
    else: ok = False # data-j marks numbers and booleans only
    if not ok:
        bad += 1; print('event %s %s: page %r, json %r' % (ev, path, text, v))
print('checked', len(p.found))
sys.exit(1 if bad else 0)
EOF
}

@test "html: the page's numbers equal --json's, and the log's (hand-checked)" {
	need_chromium
	local log="$SYN/v6.15-node-balloon-global.log"
	run "$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/p.html" "$log"
	assert_success
	assert_output ""
	"$VBTOOL" explain-oom --json "$log" >"$BATS_TEST_TMPDIR/p.json"
	dump_dom "$BATS_TEST_TMPDIR/p.html" "$BATS_TEST_TMPDIR/dom.html"
	run check_numbers "$BATS_TEST_TMPDIR/dom.html" "$BATS_TEST_TMPDIR/p.json"
	assert_success
	# zones (3 x 6), memory, tasks (5 x 8 + 2), invoker, victim, balloon
	n=${output#checked }
	[ "$n" -ge 60 ]
	# the same by jq, for a few: the text Chromium shows in the cell is --json's
	for path in memory.free_kb memory.ram_kb zones.1.min_kb balloon.size_kb tasks.rss_kb_total; do
		shown=$(grep -o "data-j=\"$path\">[^<]*<" "$BATS_TEST_TMPDIR/dom.html" | head -n 1 | sed 's/.*">//; s/<$//')
		jqpath=$(echo ".$path" | sed -E 's/\.([0-9]+)/[\1]/g') # zones.1 -> zones[1]
		[ "$shown" = "$(jq ".events[0]$jqpath" "$BATS_TEST_TMPDIR/p.json")" ] || { echo "$path: $shown"; false; }
	done
	# by hand from the log: "1048442 pages RAM" x 4 = 4193768 kB; Mem-Info
	# "free:9600" pages = 38400 kB; "Node 0 DMA32 free:20480kB ... min:22348kB";
	# per-node "Balloon:1048576kB"; "293151 pages reserved" = 1172604 kB
	grep -q 'data-j="memory.ram_kb">4193768<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="memory.free_kb">38400<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="zones.1.free_kb">20480<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="zones.1.min_kb">22348<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="balloon.size_kb">1048576<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="memory.reserved_kb">1172604<' "$BATS_TEST_TMPDIR/dom.html"
	# the RAM bar from Mem-Info: "slab_unreclaimable:21000" pages = 84000 kB;
	# the balloon its own red segment
	grep -q 'data-j="meminfo.slab_unreclaimable_kb">84000<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'style="fill:#d7301f"><title>balloon 1048576 kB</title>' "$BATS_TEST_TMPDIR/dom.html"
	# "CPU: ... Comm: java Not tainted 6.15.2-200.fc42.x86_64 #1"; 4 KiB chunks in the buddy lines
	grep -q '<p>Kernel 6.15.2-200.fc42.x86_64; hardware QEMU Standard PC (Q35 + ICH9, 2009)' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'page size <span data-j="page_size_kb">4</span> KiB (buddy_lines)' "$BATS_TEST_TMPDIR/dom.html"
	# the victim java (2210) is marked in the task table
	grep -q '<tr class="victim"><td data-j="tasks.rows.0.pid">2210<' "$BATS_TEST_TMPDIR/dom.html"
}

@test "html: on every log of the corpus, each number the page shows is --json's" {
	# the page as written (no browser needed), every log in tests/data/oom
	local n=0
	for f in "$DATA"/oom/real/*.log "$DATA"/oom/synthetic/*.log "$DATA"/oom/html/*.log; do
		"$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/p.html" "$f" || [ $? -eq 3 ]
		"$VBTOOL" explain-oom --json "$f" >"$BATS_TEST_TMPDIR/p.json" || [ $? -eq 3 ]
		check_numbers "$BATS_TEST_TMPDIR/p.html" "$BATS_TEST_TMPDIR/p.json" >/dev/null ||
			{ echo "$f:"; check_numbers "$BATS_TEST_TMPDIR/p.html" "$BATS_TEST_TMPDIR/p.json"; false; }
		n=$((n + 1))
	done
	[ "$n" -ge 30 ]
}

@test "html: several events and memcg: numbers equal --json's; the summary has one row per event" {
	need_chromium
	# two events (a memcg one, a global one), one file each in two files
	local a="$SYN/two-boots-memcg-comm-balloon.log" b="$SYN/cpuset-constraint.log"
	"$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/p.html" "$a" "$b"
	"$VBTOOL" explain-oom --json "$a" "$b" >"$BATS_TEST_TMPDIR/p.json"
	dump_dom "$BATS_TEST_TMPDIR/p.html" "$BATS_TEST_TMPDIR/dom.html"
	run check_numbers "$BATS_TEST_TMPDIR/dom.html" "$BATS_TEST_TMPDIR/p.json"
	assert_success
	nev=$(jq '.events | length' "$BATS_TEST_TMPDIR/p.json")
	[ "$(grep -c '^<tr data-i=' "$BATS_TEST_TMPDIR/dom.html")" -eq "$nev" ]
	# memcg by hand: "memory: usage 524288kB, limit 524288kB, failcnt 42"
	grep -q 'data-j="memcg.limit_kb">524288<' "$BATS_TEST_TMPDIR/dom.html"
	grep -q 'data-j="memcg.failcnt">42<' "$BATS_TEST_TMPDIR/dom.html"
}

@test "html: strings from the log are escaped: no markup, quotes or control bytes get through" {
	local page="$BATS_TEST_TMPDIR/p.html"
	run "$VBTOOL" explain-oom --html "$page" "$HOSTILE"
	assert_success
	# nothing from the log became an element or an attribute
	run grep -c -e '<script' -e '<img' -e '<b>' "$page"
	assert_output 0
	# no control byte at all (BEL and ESC are in the log)
	run grep -c -P '[\x00-\x08\x0b-\x1f\x7f]' "$page"
	assert_output 0
	grep -qF '&lt;script&gt;&quot;&amp;&#39;?' "$page"
	grep -qF '/x.slice/&lt;script&gt;alert(&quot;&amp;&#39;&quot;)&lt;/script&gt;?.scope' "$page"
	grep -qF '&lt;img src=x&gt;' "$page"
	need_chromium
	dump_dom "$page" "$BATS_TEST_TMPDIR/dom.html"
	# the browser's text is the log's text, controls as '?'
	python3 - "$BATS_TEST_TMPDIR/dom.html" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = set(); self.text = []
    def handle_starttag(self, tag, attrs): self.tags.add(tag)
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[1]).read())
text = ''.join(p.text)
assert 'script' not in p.tags and 'img' not in p.tags and 'b' in p.tags, p.tags
assert '<script>"&\'? (1111)' in text, 'invoker'
assert '<b>&amp;" (1111)' in text, 'victim' # the parser drops ESC x
assert '/x.slice/<script>alert("&\'")</script>?.scope' in text, 'memcg'
EOF
}

@test "html: a file name with markup is escaped too" {
	local log="$BATS_TEST_TMPDIR/a<b>&\"x'.log"
	cp "$SYN/v6.8-tasktable-global.log" "$log"
	"$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/p.html" "$log"
	grep -qF 'a&lt;b&gt;&amp;&quot;x&#39;.log' "$BATS_TEST_TMPDIR/p.html"
	run grep -c '<b>' "$BATS_TEST_TMPDIR/p.html"
	assert_output 0
}

@test "html: self-contained: no URL, no external resource, no script; nothing fetched" {
	local page="$BATS_TEST_TMPDIR/p.html"
	"$VBTOOL" explain-oom --html "$page" "$SYN/v6.15-node-balloon-global.log" "$SYN/cpuset-constraint.log"
	run grep -c -i -E 'https?:|//[a-z]|<script|<link|<img|<iframe|src=|@import|url\(' "$page"
	assert_output 0
	grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$page"
}

@test "html: Chromium renders it: a 1280x2000 screenshot with the verdict colours" {
	need_chromium
	local page="$BATS_TEST_TMPDIR/p.html" png="$BATS_TEST_TMPDIR/p.png"
	"$VBTOOL" explain-oom --html "$page" "$SYN/v6.15-node-balloon-global.log" "$SYN/two-boots-memcg-comm-balloon.log"
	chromium --headless --no-sandbox --disable-gpu --screenshot="$png" --window-size=1280,2000 "file://$page" \
		>/dev/null 2>&1
	# PNG decoded by hand (zlib, unfiltered), the top 400 rows: many colours,
	# among them balloon-held-memory's #d7301f and memcg-limit's #8e44ad
	python3 - "$png" <<'EOF'
import struct, sys, zlib
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(b):
    n, typ = struct.unpack('>I4s', b[pos:pos + 8]); data = b[pos + 8:pos + 8 + n]; pos += 12 + n
    if typ == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', data[:10])
    if typ == b'IDAT': idat += data
assert (w, h) == (1280, 2000) and depth == 8 and ctype in (2, 6), (w, h, depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat); stride = w * bpp
prev = bytearray(stride); colours = set()
for y in range(400):
    f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; up = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + up) & 255
        elif f == 3: line[i] = (line[i] + (a + up) // 2) & 255
        elif f == 4:
            p = a + up - c; pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
    colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
    prev = line
assert len(colours) > 20, len(colours)
assert bytes((0xd7, 0x30, 0x1f)) in colours, 'no balloon-held-memory colour'
assert bytes((0x8e, 0x44, 0xad)) in colours, 'no memcg-limit colour'
EOF
}

@test "html: written by rename, never through a symlink; mode 0644 for a file's log" {
	local page="$BATS_TEST_TMPDIR/p.html" victim="$BATS_TEST_TMPDIR/victim"
	echo keep >"$victim"
	ln -s "$victim" "$page"
	run "$VBTOOL" explain-oom --html "$page" "$SYN/v6.8-tasktable-global.log"
	assert_failure 1
	assert_output --partial "vbtool: explain-oom: $page: is a symbolic link; not writing through it"
	[ "$(cat "$victim")" = keep ]
	rm "$page"
	# an existing file is replaced (a new inode), no temp file is left
	echo old >"$page"
	ino=$(stat -c %i "$page")
	(umask 022 && "$VBTOOL" explain-oom --html "$page" "$SYN/v6.8-tasktable-global.log")
	[ "$(stat -c %i "$page")" != "$ino" ]
	[ "$(stat -c %a "$page")" = 644 ]
	run ls -A "$BATS_TEST_TMPDIR"
	assert_output "$(printf 'p.html\nvictim')"
	# a directory that does not exist
	run "$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/no/p.html" "$SYN/v6.8-tasktable-global.log"
	assert_failure 1
	assert_output --partial "vbtool: explain-oom: $BATS_TEST_TMPDIR/no/p.html: No such file or directory"
}

@test "html: a signal while the logs are read leaves no temporary file" {
	# the input is a FIFO held open that no one writes: vbtool waits in the
	# read, its temporary page already created next to OUT
	local d="$BATS_TEST_TMPDIR/out"
	mkdir "$d"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec 5<>"$BATS_TEST_TMPDIR/fifo"
	"$VBTOOL" explain-oom --html "$d/p.html" "$BATS_TEST_TMPDIR/fifo" 5>&- &
	pid=$!
	for _ in $(seq 50); do
		[ -n "$(ls -A "$d")" ] && break
		sleep 0.1
	done
	run ls -A "$d"
	assert_output --regexp '^\.vbtool-explain-oom-[0-9a-f]{8}\.tmp$'
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	exec 5>&-
	assert_equal "$st" 143 # died of SIGTERM
	run ls -A "$d"
	assert_output ""
}

@test "html: a page of the live kernel log is 0600 (the log may be root-only)" {
	[ -r /dev/kmsg ] || skip "/dev/kmsg is not readable here"
	local page="$BATS_TEST_TMPDIR/live.html"
	(umask 022 && "$VBTOOL" explain-oom --html "$page") || [ $? -eq 3 ]
	[ "$(stat -c %a "$page")" = 600 ]
	rm "$page"
	(umask 022 && "$VBTOOL" explain-oom --html "$page" "$SYN/v6.8-tasktable-global.log" /dev/kmsg)
	[ "$(stat -c %a "$page")" = 600 ]
}

@test "html: usage: not with --json or --brief" {
	run "$VBTOOL" explain-oom --html "$BATS_TEST_TMPDIR/p.html" --json "$SYN/v6.8-tasktable-global.log"
	assert_failure 2
	assert_output --partial "vbtool: explain-oom: --html writes a page, not with --json"
	run "$VBTOOL" explain-oom --brief --html "$BATS_TEST_TMPDIR/p.html" "$SYN/v6.8-tasktable-global.log"
	assert_failure 2
	[ ! -e "$BATS_TEST_TMPDIR/p.html" ]
}

@test "html: 2100 events stay bounded: 2048 rows and folded details, the rest counted" {
	# 2100 global reports, victim pid 10000+i, one a second from uptime 1000
	awk 'BEGIN { for (i = 0; i < 2100; i++) { t = 1000 + i; pid = 10000 + i;
		printf "[%d.000000] stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n", t;
		printf "[%d.000001] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=%d,uid=0\n", t, pid;
		printf "[%d.000002] Out of memory: Killed process %d (stress) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n", t, pid } }' \
		>"$BATS_TEST_TMPDIR/many.log"
	local page="$BATS_TEST_TMPDIR/p.html"
	"$VBTOOL" explain-oom --html "$page" "$BATS_TEST_TMPDIR/many.log"
	[ "$(grep -c '^<tr data-i=' "$page")" -eq 2048 ]
	[ "$(grep -c '^<details ' "$page")" -eq 2048 ]
	run grep -c '<details open' "$page"
	assert_output 0
	grep -q '<b id=events data-j="summary.events">2100</b> events' "$page"
	grep -q 'data-j="summary.events_not_kept">52<' "$page"
	# bounded: under 8 KiB per event kept
	[ "$(stat -c %s "$page")" -lt $((2048 * 8192)) ]
	# the timeline: one tick per event, no links at this size
	[ "$(grep -o '<line class="wm c-' "$page" | wc -l)" -eq 2048 ]
	grep -q 'Seconds-since-boot axis; 2048 of 2048 events placed' "$page"
	# kept: uptimes 1000 to 3047 on x 10 to 1010; uptime 2023 (event 1024)
	# at 10 + 1023 / 2047 * 1000 = 509.756
	grep -q '<line class="wm c-[a-z-]*" x1=10.0 ' "$page"
	grep -q '<line class="wm c-[a-z-]*" x1=509.8 ' "$page"
	grep -q '<line class="wm c-[a-z-]*" x1=1010.0 ' "$page"
	# every section for the first 256 events, a compact block for the rest
	[ "$(grep -c '^<p>A compact block' "$page")" -eq $((2048 - 256)) ]
	grep -q '<details id=e256 ' "$page"
	! awk '/^<details id=e256 /,/^<\/details>/' "$page" | grep -q 'A compact block'
	awk '/^<details id=e257 /,/^<\/details>/' "$page" | grep -q 'A compact block'
}
