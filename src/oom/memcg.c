/* cgroup detail of a memcg OOM (mem_cgroup_print_oom_meminfo()): the v1
 * "memory+swap:" and "kmem:" counters, the v2 "swap:" counter, and the
 * memory.stat keys after "Memory cgroup stats for <path>:". Those are
 * inline "key:NKB" pairs on v1 before 5.x, and one "key N" line each (in
 * bytes) from 5.x on. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* "<what>: usage 0kB, limit 9007199254740988kB, failcnt 0" */
static void counter(const char *s, size_t n, struct opt_u64 *usage, struct opt_u64 *limit, struct opt_u64 *failcnt)
{
	*usage = tok_u64(s, n, "usage ");
	*limit = tok_u64(s, n, "limit ");
	*failcnt = tok_u64(s, n, "failcnt ");
}

static void add_stat(struct oom_parser *p, struct oom_event *e, const char *k, size_t kl, uint64_t bytes)
{
	struct oom_memcg_detail *d = &e->mcg;
	if (!kl || kl >= sizeof(d->stats[0].key) || d->nstats >= OOM_MEMCG_STATS || d->stats_not_kept)
		return;
	size_t cap = 0; /* the first key allocates room for all */
	if (!d->stats && !detail_grow(p, e, (void **)&d->stats, &cap, OOM_MEMCG_STATS, sizeof(*d->stats))) {
		d->stats_not_kept = true;
		return;
	}
	struct oom_memcg_stat *st = &d->stats[d->nstats++];
	copy_text(st->key, sizeof(st->key), k, kl);
	st->bytes = bytes;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_' || is_digit(c);
}

/* v1 before 5.x: "cache:0KB rss:48KB rss_huge:0KB ..." after the colon. */
static void inline_stats(struct oom_parser *p, struct oom_event *e, const char *q, const char *end)
{
	while (q < end) {
		while (q < end && *q == ' ')
			q++;
		const char *k = q;
		while (q < end && key_char(*q))
			q++;
		size_t kl = (size_t)(q - k);
		if (!kl || q >= end || *q != ':')
			return;
		const char *v;
		struct opt_u64 kb = num_at(q + 1, end, &v);
		uint64_t bytes;
		if (!kb.known || end - v < 2 || v[0] != 'K' || v[1] != 'B' || !mul_u64(kb.v, 1024, &bytes))
			return;
		add_stat(p, e, k, kl, bytes);
		q = v + 2;
	}
}

/* 5.x on: "anon 98742272" */
static bool key_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q = s;
	while (q < end && key_char(*q))
		q++;
	if (q == s || q >= end || *q != ' ' || is_digit(s[0]))
		return false;
	const char *v;
	struct opt_u64 bytes = num_at(q + 1, end, &v);
	if (!bytes.known || v != end)
		return false;
	add_stat(p, e, s, (size_t)(q - s), bytes.v);
	return true;
}

bool on_memcg_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	struct oom_memcg_detail *d = &e->mcg;
	if (d->stats_open) {
		if (key_line(p, e, s, n))
			return true;
		d->stats_open = false;
	}
	if (starts(s, n, "memory+swap: usage ")) {
		counter(s, n, &d->memsw_usage_kb, &d->memsw_limit_kb, &d->memsw_failcnt);
		e->memcg_hint = true;
		return true;
	}
	if (starts(s, n, "kmem: usage ")) {
		counter(s, n, &d->kmem_usage_kb, &d->kmem_limit_kb, &d->kmem_failcnt);
		e->memcg_hint = true;
		return true;
	}
	if (starts(s, n, "swap: usage ")) {
		counter(s, n, &d->swap_usage_kb, &d->swap_limit_kb, &d->swap_failcnt);
		e->memcg_hint = true;
		return true;
	}
	if (!starts(s, n, "Memory cgroup stats for "))
		return false;
	e->memcg_hint = true;
	if (d->stats_path[0] || d->nstats)
		return true; /* a child's line (v1): the first is the memcg at its limit */
	const char *path = s + strlen("Memory cgroup stats for "), *end = s + n;
	/* the path ends at the ':' that ends the line or precedes the stats */
	const char *colon = NULL;
	for (const char *q = path; q < end; q++)
		if (*q == ':' && (q + 1 == end || q[1] == ' '))
			colon = q;
	if (!colon)
		colon = end;
	copy_path(d->stats_path, sizeof(d->stats_path), path, (size_t)(colon - path));
	if (!d->stats_path[0])
		snprintf(d->stats_path, sizeof(d->stats_path), "/");
	if (colon < end && colon + 1 < end)
		inline_stats(p, e, colon + 1, end);
	else
		d->stats_open = true;
	return true;
}
