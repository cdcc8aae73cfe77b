/* The body of an OOM report: Mem-Info, per-node and per-zone lines, page
 * and swap totals, memcg usage and the stack frames that matter. */
#include "oom/parser.h"
#include "base/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* *sum += v when v is known; a sum that would overflow stays as it was. */
static void add_opt(struct opt_u64 *sum, struct opt_u64 v)
{
	uint64_t t = sum->known ? sum->v : 0;
	if (v.known && add_u64(t, v.v, &t))
		*sum = opt_u64(t);
}

/* "Node 0 DMA32: 1*4kB (M) 3*8kB ... = 2972kB": the first size is one page. */
static void on_buddy(struct oom_event *e, const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	const char *q;
	struct opt_u64 count = num_at(s, end, &q);
	if (!count.known || q >= end || *q != '*' || e->mi.buddy_page_kb.known)
		return;
	struct opt_u64 kb = num_at(q + 1, end, &q);
	if (kb.known && end - q >= 2 && q[0] == 'k' && q[1] == 'B')
		e->mi.buddy_page_kb = kb;
}

/* Kernels without CONFIG_NUMA print the buddy lines without "Node N ":
 * "DMA32: 57*4kB 1*8kB ... = 5612kB". */
static void nonuma_buddy(struct oom_event *e, const char *s, const char *end)
{
	const char *q = s;
	while (q < end && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || is_digit(*q)))
		q++;
	if (q + 2 < end && q[0] == ':' && q[1] == ' ' && is_digit(q[2]) && memchr(q, '*', (size_t)(end - q)))
		on_buddy(e, q + 1, end);
}

/* "Node 0 hugepages_total=2 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
 * one line per node and huge page size. */
static void on_hugepages(struct oom_event *e, const char *s, size_t n)
{
	struct opt_u64 total = tok_u64(s, n, "hugepages_total="), fr = tok_u64(s, n, "hugepages_free=");
	struct opt_u64 size = tok_u64(s, n, "hugepages_size=");
	uint64_t kb;
	if (!total.known || !size.known)
		return;
	if (mul_u64(total.v, size.v, &kb))
		add_opt(&e->mi.hugepages_kb, opt_u64(kb));
	if (fr.known && mul_u64(fr.v, size.v, &kb))
		add_opt(&e->mi.hugepages_free_kb, opt_u64(kb));
}

/* The Mem-Info summary (show_free_areas(): pages), printed as one record
 * with embedded newlines, so as several lines or, in syslog, as one. */
static void on_summary(struct oom_event *e, const char *s, size_t n)
{
	struct oom_meminfo *m = &e->mi;
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "active_anon:", offsetof(struct oom_meminfo, active_anon) },
		{ "inactive_anon:", offsetof(struct oom_meminfo, inactive_anon) },
		{ "active_file:", offsetof(struct oom_meminfo, active_file) },
		{ "inactive_file:", offsetof(struct oom_meminfo, inactive_file) },
		{ "unevictable:", offsetof(struct oom_meminfo, unevictable) },
		{ "slab_reclaimable:", offsetof(struct oom_meminfo, slab_reclaimable) },
		{ "slab_unreclaimable:", offsetof(struct oom_meminfo, slab_unreclaimable) },
		{ "shmem:", offsetof(struct oom_meminfo, shmem) },
		{ "mapped:", offsetof(struct oom_meminfo, mapped) },
		{ "pagetables:", offsetof(struct oom_meminfo, pagetables) },
		{ "free_cma:", offsetof(struct oom_meminfo, free_cma) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct opt_u64 v = tok_u64_n(s, n, keys[i].key, strlen(keys[i].key));
		if (v.known)
			*(struct opt_u64 *)((char *)m + keys[i].off) = v;
	}
	/* 2.6.28-2.6.31 print "Active_anon:" (capitalised) */
	struct opt_u64 aa = tok_u64(s, n, "Active_anon:");
	if (aa.known)
		m->active_anon = aa;
	struct opt_u64 f = tok_u64(s, n, "free:");
	if (f.known)
		e->free_pages = f;
}

static bool summary_line(const char *s, size_t n)
{
	static const char *const first[] = { "active_anon:", "Active_anon:", "inactive_file:", "active_file:",
					     "unevictable:", "slab_reclaimable:",
					     "mapped:", "free:", "dirty:", "sec_pagetables:", "pagetables:",
					     "kernel_misc_reclaimable:" };
	for (size_t i = 0; i < ARRAY_SIZE(first); i++) /* the first byte first: every body line comes here */
		if (n && s[0] == first[i][0] && starts_n(s, n, first[i], strlen(first[i])))
			return true;
	return false;
}

static void on_zone(struct oom_event *e, int node, const char *name, size_t namelen, const char *s, size_t n)
{
	if (e->nzones >= OOM_MAX_ZONES)
		return;
	struct oom_zone *z = &e->zones[e->nzones++];
	*z = (struct oom_zone){ 0 }; /* the parser's array: the last event's zone was here */
	z->node = node;
	copy_text(z->name, sizeof(z->name), name, namelen);
	z->free_kb = tok_u64(s, n, "free:");
	z->min_kb = tok_u64(s, n, "min:");
	z->low_kb = tok_u64(s, n, "low:");
	z->high_kb = tok_u64(s, n, "high:");
	z->present_kb = tok_u64(s, n, "present:");
	z->managed_kb = tok_u64(s, n, "managed:");
	/* before 5.x the zone lines carry kernel_stack; later the Node lines */
	add_opt(&e->mi.kernel_stack_kb, tok_u64(s, n, "kernel_stack:"));
}

void on_node(struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q;
	struct opt_u64 node = num_at(s + 5, end, &q);
	if (!node.known || q >= end || *q != ' ')
		return;
	q++;
	const char *w = q;
	while (q < end && *q != ' ' && *q != ':' && *q != '=')
		q++;
	if (q >= end)
		return;
	if (*q == ' ' && q + 6 <= end && memcmp(q + 1, "free:", 5) == 0) {
		on_zone(e, node.v > 1024 ? -1 : (int)node.v, w, (size_t)(q - w), q, (size_t)(end - q));
		return;
	}
	if (*q == ':' && q + 1 < end && q[1] == ' ') { /* "Node 0 DMA: 0*4kB ..." */
		oom_zone_buddy(e, node.v > 1024 ? -1 : (int)node.v, w, (size_t)(q - w), q + 1, (size_t)(end - q - 1));
		on_buddy(e, q + 1, end);
		return;
	}
	if (*q == '=' && (size_t)(q - w) == strlen("hugepages_total") && memcmp(w, "hugepages_total", 15) == 0) {
		on_hugepages(e, w, (size_t)(end - w));
		return;
	}
	if (*q == ':' && q + 1 < end && q[1] != ' ') { /* "Node 0 active_anon:..." */
		add_opt(&e->mi.kernel_stack_kb, tok_u64(s, n, "kernel_stack:"));
		static const char *const lru[] = { "active_anon:", "inactive_anon:", "active_file:", "inactive_file:",
						   "unevictable:" };
		for (size_t i = 0; i < ARRAY_SIZE(lru); i++)
			add_opt(&e->mi.node_lru_kb, tok_u64_n(s, n, lru[i], strlen(lru[i])));
		struct opt_u64 b = tok_u64(s, n, "Balloon:");
		if (b.known) {
			uint64_t sum = e->balloon.node_balloon_kb.known ? e->balloon.node_balloon_kb.v : 0;
			if (add_u64(sum, b.v, &sum))
				e->balloon.node_balloon_kb = opt_u64(sum);
		}
	}
}

/* "N pages RAM" and friends: the number before the words. */
static void pages_line(const char *s, size_t n, const char *what, struct opt_u64 *out)
{
	const char *q;
	struct opt_u64 v = num_at(s, s + n, &q);
	if (v.known && starts_n(q, (size_t)(s + n - q), what, strlen(what)))
		*out = v;
}

bool in_event_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n;
	bool frame = memchr(s, '+', n) != NULL; /* "func+0x1a/0x80" */
	if (frame && find(s, n, "virtballoon_oom_notify"))
		e->balloon.oom_notify_frame = true;
	if (starts(s, n, "CPU: ") || starts(s, n, "Pid: ")) {
		on_cpu_line(e, s, n);
		const char *pid = find(s, n, "PID: ");
		if (!pid)
			pid = find(s, n, "Pid: ");
		if (pid && !e->inv.pid.known)
			e->inv.pid = num_at(pid + 5, end, NULL);
		return true;
	}
	if (!e->mi.buddy_page_kb.known && s[0] >= 'A' && s[0] <= 'Z')
		nonuma_buddy(e, s, end); /* not consumed: the zones may read it too */
	if (starts(s, n, "Node ")) {
		on_node(e, s, n);
		return true;
	}
	if (summary_line(s, n)) {
		on_summary(e, s, n);
		return true;
	}
	if (starts(s, n, "Hardware name:")) {
		on_hardware_line(e, s, n);
		return true;
	}
	/* zones.c: lowmem_reserve[] and the unreclaimable slab table (a
	 * cache name may start with a digit: before the pages lines) */
	if (starts(s, n, "lowmem_reserve[]:")) {
		oom_zone_reserve(e, s + 17, n - 17);
		return true;
	}
	if (starts(s, n, "Unreclaimable slab info:")) {
		e->slab_info = true;
		return true;
	}
	if (e->slab_info && oom_slab_row(e, s, n))
		return true;
	if (is_digit(s[0])) {
		pages_line(s, n, " pages RAM", &e->ram_pages);
		pages_line(s, n, " pages reserved", &e->reserved_pages);
		pages_line(s, n, " pages HighMem", &e->highmem_pages);
		pages_line(s, n, " total pagecache pages", &e->mi.pagecache_pages);
		pages_line(s, n, " pages in swap cache", &e->mi.swapcache_pages);
		pages_line(s, n, " pages cma reserved", &e->mi.cma_reserved_pages);
		pages_line(s, n, " pages hwpoisoned", &e->mi.hwpoisoned_pages);
		return true;
	}
	if (starts(s, n, "Free swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_free_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return true;
	}
	if (starts(s, n, "Total swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_total_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return true;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close && find(s, (size_t)(close - s), "pid")) {
			on_task_header(p, e, s, n);
		} else if (p->task_header) {
			e->task_row_lines++;
			on_task_row(p, e, s, n);
		}
		return true;
	}
	if (on_memcg_line(p, e, s, n))
		return true;
	if (starts(s, n, "memory: usage ")) {
		e->memcg_usage_kb = tok_u64(s, n, "usage ");
		e->memcg_limit_kb = tok_u64(s, n, "limit ");
		e->memcg_failcnt = tok_u64(s, n, "failcnt ");
		e->memcg_hint = true;
		return true;
	}
	if (starts(s, n, "Task in ")) {
		const char *k = find(s, n, " killed as a result of limit of ");
		if (k) {
			copy_path(e->task_memcg, sizeof(e->task_memcg), s + 8, (size_t)(k - s - 8));
			const char *m = k + strlen(" killed as a result of limit of ");
			copy_path(e->memcg, sizeof(e->memcg), m, (size_t)(end - m));
			e->memcg_hint = true;
		}
		return true;
	}
	if (starts(s, n, "Memory cgroup stats for ") || (frame && find(s, n, "mem_cgroup_out_of_memory"))) {
		e->memcg_hint = true;
		return true;
	}
	if (starts(s, n, "Out of memory and no killable processes")) {
		e->no_killable = true;
		return true;
	}
	return false; /* a line no report has (see scan.c) */
}
