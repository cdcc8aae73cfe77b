/* The event state machine, the verdict rules, gfp decoding and the
 * scanner's key filter, on small hand-written logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oom/event.h"
#include "oom/gfp.h"
#include "oom/scan.h"
#include "oom/verdict.h"
#include "tap.h"

static struct oom_parser *parse(const char *const *lines)
{
	struct oom_parser *p = oom_parser_new();
	oom_parser_begin_file(p, 0);
	uint64_t off = 0;
	for (size_t i = 0; lines[i]; i++) {
		oom_parser_line(p, lines[i], strlen(lines[i]), off, oom_has_key(lines[i], strlen(lines[i])), false);
		off += strlen(lines[i]) + 1;
	}
	oom_parser_end_file(p);
	oom_parser_finish(p);
	return p;
}

static void test_balloon_before_invoked(void)
{
	static const char *const log[] = {
		"[  10.000001] Balloon InflatedTotal:1048576kB InflatedFree:0kB",
		"[  10.000002] a b: c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=3, oom_score_adj=-17",
		"[  10.000003] Node 0 Normal free:1000kB boost:0kB min:2000kB low:2500kB high:3000kB present:4194304kB managed:3145728kB",
		"[  10.000004] 1048576 pages RAM",
		"[  10.000005] Out of memory: Killed process 42 (x (y) z) total-vm:100kB, anon-rss:50kB, file-rss:1kB, shmem-rss:2kB, UID:0 pgtables:4kB oom_score_adj:5",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 1, "one event");
	is_str(e->inv.comm, "a b: c", "invoker comm with spaces and a colon");
	ok(e->inv.order.known && e->inv.order.v == 3, "order 3");
	ok(e->inv.oom_score_adj.known && e->inv.oom_score_adj.v == -17, "negative oom_score_adj");
	is_str(e->inv.gfp_printed, "GFP_KERNEL", "printed gfp names");
	is_str(e->vic.comm, "x (y) z", "victim comm with parentheses");
	is_u64(e->vic.pid.v, 42, "victim pid");
	is_u64(e->vic.shmem_rss_kb.v, 2, "shmem-rss");
	ok(e->balloon.inflated_total_kb.known && e->balloon.inflated_total_kb.v == 1048576,
	   "the Balloon line before 'invoked' belongs to the event");
	struct oom_facts f;
	struct oom_verdict v;
	oom_facts(e, &f);
	oom_verdict(e, &f, &v);
	is_str(v.code, "balloon-held-memory", "balloon held 1 GiB at a global OOM");
	is_u64(f.ram_kb.v, 4194304, "RAM from pages RAM");
	ok(strstr(v.summary, "25%") != NULL, "the sentence has the share of RAM: %s", v.summary);
	oom_parser_free(p);
}

static void test_fragments_merge(void)
{
	/* tail pasted first, head second (as in the Ubuntu forums sample) */
	static const char *const log[] = {
		"May 12 10:43:01 h kernel: [46106.736962] Out of memory: Kill process 707 (mysqld) score 131 or sacrifice child",
		"May 12 10:43:01 h kernel: [46106.736980] Killed process 708 (mysqld-child) total-vm:889284kB, anon-rss:79356kB, file-rss:40kB",
		"some prose",
		"May 12 10:43:01 h kernel: [46106.733511] apache2 invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0",
		"May 12 10:43:01 h kernel: [46106.733519] Pid: 7562, comm: apache2 Not tainted 3.2.0-24-virtual #37-Ubuntu",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 1, "the tail and the head are one event");
	is_str(e->inv.comm, "apache2", "invoker from the head");
	is_u64(e->inv.pid.v, 7562, "invoker pid from the 3.x 'Pid:' line");
	is_str(e->vic.comm, "mysqld-child", "the sacrificed child is the victim");
	is_u64(e->vic.pid.v, 708, "victim pid");
	ok(e->kind == OOM_KIND_GLOBAL, "global");
	oom_parser_free(p);
}

static void test_wrapped_lines(void)
{
	static const char *const log[] = {
		"kernel: dnf invoked oom-killer: ",
		"gfp_mask=0x24280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=0, ",
		"order=0, oom_score_adj=0",
		"kernel: Node 0 DMA32 free:3356kB min:2668kB low:3332kB high:3996kB ",
		"present:507760kB managed:484384kB mlocked:0kB",
		"kernel: Killed process 995 (named) total-vm:399260kB, anon-rss:86516kB, ",
		"file-rss:1288kB, shmem-rss:0kB",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 1, "one event");
	ok(e->inv.order.known && e->inv.order.v == 0, "order from the wrapped line");
	is_u64(e->nzones, 1, "one zone");
	is_u64(e->zones[0].managed_kb.v, 484384, "managed: from the wrapped zone line");
	is_u64(e->vic.file_rss_kb.v, 1288, "file-rss from the wrapped kill line");
	oom_parser_free(p);
}

static void test_prose_not_joined(void)
{
	static const char *const log[] = {
		"[ 5.000001] xray invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=-997",
		"[ 5.000002] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
		"[ 5.000003] [1586608]     0 1586608   184285     6604   303104        0          -997 xray",
		"    ```",
		"- \xe8\xbf\x99\xe4\xb8\xaa prose between the pieces",
		"* more prose",
		"[ 5.000004] Memory cgroup out of memory: Killed process 1586608 (xray) total-vm:737140kB, anon-rss:26416kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:296kB oom_score_adj:-997",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 1, "one event");
	ok(n == 1 && e->ntop == 1, "one task");
	is_str(n == 1 ? e->top[0].comm : NULL, "xray", "Markdown fences and bullets are not joined to the task row");
	ok(n == 1 && e->kind == OOM_KIND_MEMCG, "memcg from the kill line");
	oom_parser_free(p);
}

static void test_not_oom(void)
{
	static const char *const log[] = {
		"[ 1.0] sysrq: Show Memory",
		"[ 1.1] Mem-Info:",
		"[ 1.2] Node 0 DMA32 free:3356kB min:2668kB low:3332kB high:3996kB present:507760kB managed:484384kB",
		"[ 1.3] balloon[2345]: segfault at 0 ip 0 sp 0 error 6 in balloon[55d0c0ffe000+1000]",
		"[ 1.4] x: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)",
		"[ 1.5] oom_reaper: reaped process 1 (init), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	oom_parser_events(p, &n);
	is_u64(n, 0, "SysRq dump, allocation failure, a task named balloon, a stray reaper line: no event");
	oom_parser_free(p);
}

static void test_memcg_and_constraint(void)
{
	static const char *const log[] = {
		"x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"memory: usage 524288kB, limit 524288kB, failcnt 42",
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=we,ird,pid=7,uid=0",
		"Memory cgroup out of memory: Killed process 7 (we,ird) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0",
		"y invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/,task=y,pid=8,uid=0",
		NULL,
	};
	struct oom_parser *p = parse(log);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 2, "two events");
	ok(e[0].kind == OOM_KIND_MEMCG, "memcg from the constraint line");
	is_str(e[0].memcg, "/a", "oom_memcg");
	is_str(e[0].vic.comm, "we,ird", "a comm with a comma in task=");
	is_u64(e[0].memcg_limit_kb.v, 524288, "memcg limit");
	ok(e[1].kind == OOM_KIND_MEMPOLICY, "mempolicy");
	ok(e[1].vic.present && e[1].vic.pid.v == 8, "victim from task=/pid= when the kill line is missing");
	struct oom_facts f;
	struct oom_verdict v;
	oom_facts(&e[0], &f);
	oom_verdict(&e[0], &f, &v);
	is_str(v.code, "memcg-limit", "memcg verdict");
	ok(!f.balloon.present, "no balloon evidence");
	oom_parser_free(p);
}

static void test_gfp(void)
{
	char buf[256];
	is_str(oom_gfp_decode(0x201da, buf, sizeof(buf)), "GFP_HIGHUSER_MOVABLE|__GFP_COLD", "3.x layout");
	is_str(oom_gfp_decode(0x24280ca, buf, sizeof(buf)), "GFP_HIGHUSER_MOVABLE|__GFP_ZERO", "4.4 layout");
	is_str(oom_gfp_decode(0x2000d0, buf, sizeof(buf)), "GFP_KERNEL|__GFP_NOTRACK", "3.x GFP_KERNEL");
	is_str(oom_gfp_decode(0x80000000ULL | 0x20, buf, sizeof(buf)), "__GFP_HIGH|0x80000000", "unknown bits by number");
	is_str(oom_gfp_decode(0, buf, sizeof(buf)), "0", "no bits");
}

static void test_keys(void)
{
	ok(oom_has_key("x invoked oom-killer:", 21), "oom is a key");
	ok(oom_has_key("virtio_balloon virtio0: Out of puff!", 36), "alloon is a key");
	ok(oom_has_key("Out of memory: Killed process 1", 31), "Kill is a key");
	ok(!oom_has_key("EXT4-fs (sda1): mounted filesystem; root on loop0", 50), "chatter is not");
	ok(!oom_has_key("ballo", 5), "a short buffer is safe");
}

/* A file with a line longer than the scanner's buffer, then a report. */
static void test_scan_long_line(void)
{
	char path[] = "/tmp/test_oom_scan.XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0, "temp file");
	FILE *f = fdopen(fd, "w");
	fputs("virtio_balloon virtio0: ", f);
	for (size_t i = 0; i < OOM_SCAN_BUF * 3; i++)
		fputc('o', f);
	fputs("\nq invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
	      "Out of memory: Killed process 9 (q) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB\n",
	      f);
	fclose(f);
	struct oom_input *in;
	ok(oom_input_open(path, &in) == 0, "open");
	struct oom_parser *p = oom_parser_new();
	oom_parser_begin_file(p, 0);
	ok(oom_scan_input(in, p) == 0, "scan");
	oom_parser_end_file(p);
	oom_parser_finish(p);
	oom_input_close(in);
	size_t n;
	struct oom_event *e = oom_parser_events(p, &n);
	is_u64(n, 1, "the report after the long line is found");
	ok(n == 1 && e->vic.pid.v == 9, "its victim");
	ok(oom_parser_truncated(p) >= 1, "the long line was noted as cut");
	ok(n == 1 && strcmp(e->balloon.driver, "virtio_balloon") == 0, "the driver message before it counts");
	oom_parser_free(p);
	unlink(path);
}

int main(void)
{
	test_balloon_before_invoked();
	test_fragments_merge();
	test_wrapped_lines();
	test_prose_not_joined();
	test_not_oom();
	test_memcg_and_constraint();
	test_gfp();
	test_keys();
	test_scan_long_line();
	return tap_done();
}
