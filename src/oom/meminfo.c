/* The body of an OOM report: Mem-Info, per-node and per-zone lines, page
 * and swap totals, memcg usage and the stack frames that matter. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_zone(struct oom_event *e, int node, const char *name, size_t namelen, const char *s, size_t n)
{
	if (e->nzones >= OOM_MAX_ZONES)
		return;
	struct oom_zone *z = &e->zones[e->nzones++];
	z->node = node;
	copy_text(z->name, sizeof(z->name), name, namelen);
	z->free_kb = tok_u64(s, n, "free:");
	z->min_kb = tok_u64(s, n, "min:");
	z->low_kb = tok_u64(s, n, "low:");
	z->high_kb = tok_u64(s, n, "high:");
	z->present_kb = tok_u64(s, n, "present:");
	z->managed_kb = tok_u64(s, n, "managed:");
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
	if (*q == ':' && q + 1 < end && q[1] != ' ') { /* "Node 0 active_anon:..." */
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

void in_event_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n;
	bool frame = memchr(s, '+', n) != NULL; /* "func+0x1a/0x80" */
	if (frame && find(s, n, "virtballoon_oom_notify"))
		e->balloon.oom_notify_frame = true;
	if (starts(s, n, "CPU: ") || starts(s, n, "Pid: ")) {
		const char *pid = find(s, n, "PID: ");
		if (!pid)
			pid = find(s, n, "Pid: ");
		if (pid && !e->inv.pid.known)
			e->inv.pid = num_at(pid + 5, end, NULL);
		return;
	}
	if (starts(s, n, "Node ")) {
		on_node(e, s, n);
		return;
	}
	if (starts(s, n, "active_anon:") || starts(s, n, "free:")) {
		struct opt_u64 f = tok_u64(s, n, "free:");
		if (f.known)
			e->free_pages = f;
		return;
	}
	if (is_digit(s[0])) {
		pages_line(s, n, " pages RAM", &e->ram_pages);
		pages_line(s, n, " pages reserved", &e->reserved_pages);
		pages_line(s, n, " pages HighMem", &e->highmem_pages);
		return;
	}
	if (starts(s, n, "Free swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_free_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return;
	}
	if (starts(s, n, "Total swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_total_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close && find(s, (size_t)(close - s), "pid"))
			on_task_header(p, s, n);
		else if (p->task_header)
			on_task_row(p, e, s, n);
		return;
	}
	if (starts(s, n, "memory: usage ")) {
		e->memcg_usage_kb = tok_u64(s, n, "usage ");
		e->memcg_limit_kb = tok_u64(s, n, "limit ");
		e->memcg_failcnt = tok_u64(s, n, "failcnt ");
		e->memcg_hint = true;
		return;
	}
	if (starts(s, n, "Task in ")) {
		const char *k = find(s, n, " killed as a result of limit of ");
		if (k) {
			copy_path(e->task_memcg, sizeof(e->task_memcg), s + 8, (size_t)(k - s - 8));
			const char *m = k + strlen(" killed as a result of limit of ");
			copy_path(e->memcg, sizeof(e->memcg), m, (size_t)(end - m));
			e->memcg_hint = true;
		}
		return;
	}
	if (starts(s, n, "Memory cgroup stats for ") || (frame && find(s, n, "mem_cgroup_out_of_memory"))) {
		e->memcg_hint = true;
		return;
	}
	if (starts(s, n, "Out of memory and no killable processes"))
		e->no_killable = true;
}
