/* Regression (found by tests/fuzz, inputs in tests/fuzz/regress/): the
 * line-based parsers trimmed a line's leading blanks but kept its old
 * length, so the line ran on into the next one and, on the last line, past
 * the end of the buffer. Buffers here are exact-size copies, so the
 * sanitizer build also sees any read past the end. Expected values are the
 * numbers written in the inputs. */
#include "sources/debugfs.h"
#include "sources/procfs.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static char *exact(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n ? n : 1);
	memcpy(p, s, n);
	return p;
}

static void meminfo(void)
{
	const char *in = "  MemTotal:       8000 kB\nMemFree:        3000 kB\n  Balloon:        1024 kB";
	char *b = exact(in);
	struct meminfo m;
	memset(&m, 0, sizeof(m));
	int bad = meminfo_parse(b, strlen(in), &m);
	is_u64(bad, 0, "meminfo: indented lines are understood");
	ok(m.mem_total_kb.known, "meminfo: indented MemTotal is known");
	is_u64(m.mem_total_kb.v, 8000, "meminfo: MemTotal does not run into the next line");
	is_u64(m.mem_free_kb.v, 3000, "meminfo: MemFree");
	ok(m.balloon_kb.known, "meminfo: indented last line (no newline) is known");
	is_u64(m.balloon_kb.v, 1024, "meminfo: Balloon read within the buffer");
	free(b);
}

static void vmstat(void)
{
	const char *in = "  nr_balloon_pages 256\nballoon_inflate 9\n  balloon_deflate 7";
	char *b = exact(in);
	struct vmstat v;
	memset(&v, 0, sizeof(v));
	int bad = vmstat_parse(b, strlen(in), &v);
	is_u64(bad, 0, "vmstat: indented lines are understood");
	is_u64(v.nr_balloon_pages.v, 256, "vmstat: nr_balloon_pages does not run into the next line");
	is_u64(v.balloon_inflate.v, 9, "vmstat: balloon_inflate");
	ok(v.balloon_deflate.known && v.balloon_deflate.v == 7, "vmstat: indented last line read within the buffer");
	free(b);
}

static void debugfs_virtio(void)
{
	const char *in = "  InflatedTotal: 2048 kB\nInflatedFree: 0 kB\n  Target: 4096 kB";
	char *b = exact(in);
	struct dbg_virtio d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_virtio_parse(b, strlen(in), &d);
	is_u64(bad, 0, "debugfs virtio-balloon: indented lines are understood");
	ok(d.inflated_total_kb.known && d.inflated_total_kb.v == 2048, "debugfs virtio-balloon: InflatedTotal");
	ok(d.target_kb.known && d.target_kb.v == 4096, "debugfs virtio-balloon: indented last line");
	dbg_virtio_free(&d);
	free(b);
}

static void debugfs_vmw(void)
{
	const char *in = "  target                :           262144\ncurrent               :           131072\n"
			 "  timer                 :                5";
	char *b = exact(in);
	struct dbg_vmw d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_vmw_parse(b, strlen(in), &d);
	is_u64(bad, 0, "debugfs vmmemctl: indented lines are understood");
	ok(d.target_pages.known && d.target_pages.v == 262144, "debugfs vmmemctl: target");
	ok(d.current_pages.known && d.current_pages.v == 131072, "debugfs vmmemctl: current");
	free(b);
}

static void debugfs_hv(void)
{
	const char *in = "  state                 : 2 (Balloon Up)\npage_size             : 4096\n"
			 "  pages_ballooned       : 512";
	char *b = exact(in);
	struct dbg_hv d;
	memset(&d, 0, sizeof(d));
	int bad = dbg_hv_parse(b, strlen(in), &d);
	is_u64(bad, 0, "debugfs hv-balloon: indented lines are understood");
	ok(d.state.known && d.state.v == 2, "debugfs hv-balloon: state");
	ok(d.page_size.known && d.page_size.v == 4096, "debugfs hv-balloon: page_size");
	ok(d.pages_ballooned.known && d.pages_ballooned.v == 512, "debugfs hv-balloon: indented last line");
	dbg_hv_free(&d);
	free(b);
}

int main(void)
{
	meminfo();
	vmstat();
	debugfs_virtio();
	debugfs_vmw();
	debugfs_hv();
	return tap_done();
}
