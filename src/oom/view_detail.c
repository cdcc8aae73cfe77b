/* An OOM event's detail, for the text and JSON views: the kernel and
 * machine, the page size and the request's size, the Mem-Info breakdown as
 * shares of RAM, the cgroup's counters and memory.stat, and every row of
 * the task table (sorted by --sort, the invoker and the victim marked). */
#include "oom/view.h"

#include <stdlib.h>
#include <string.h>

#include "base/format.h"
#include "base/jsonw.h"
#include "base/util.h"

/* The RAM the shares are of: "pages RAM", else the zones' present. */
static struct opt_u64 ram_kb(const struct oom_report *r, size_t i)
{
	return r->facts[i].ram_kb;
}

/* ---- the Mem-Info breakdown -------------------------------------------- */

struct mi_item {
	const char *key;   /* JSON, without _kb */
	const char *words; /* text */
	struct opt_u64 kb;
};

/* swap used = total - free - swap cache (the cache is in swap and in RAM) */
static struct opt_u64 swap_used_kb(const struct oom_event *e)
{
	struct opt_u64 cache = oom_kb_of_pages(e, e->mi.swapcache_pages);
	if (!e->swap_total_kb.known || !e->swap_free_kb.known || e->swap_free_kb.v > e->swap_total_kb.v)
		return OPT_U64_UNKNOWN;
	uint64_t used = e->swap_total_kb.v - e->swap_free_kb.v;
	if (cache.known)
		used = cache.v < used ? used - cache.v : 0;
	return opt_u64(used);
}

static size_t mi_items(const struct oom_event *e, struct mi_item *it)
{
	const struct oom_meminfo *m = &e->mi;
	size_t n = 0;
#define ITEM(k, w, v) it[n++] = (struct mi_item){ (k), (w), (v) }
	ITEM("active_anon", "anon active", oom_kb_of_pages(e, m->active_anon));
	ITEM("inactive_anon", "anon inactive", oom_kb_of_pages(e, m->inactive_anon));
	ITEM("active_file", "file active", oom_kb_of_pages(e, m->active_file));
	ITEM("inactive_file", "file inactive", oom_kb_of_pages(e, m->inactive_file));
	ITEM("unevictable", "unevictable", oom_kb_of_pages(e, m->unevictable));
	ITEM("slab_reclaimable", "slab reclaimable", oom_kb_of_pages(e, m->slab_reclaimable));
	ITEM("slab_unreclaimable", "slab unreclaimable", oom_kb_of_pages(e, m->slab_unreclaimable));
	ITEM("shmem", "shmem", oom_kb_of_pages(e, m->shmem));
	ITEM("mapped", "mapped", oom_kb_of_pages(e, m->mapped));
	ITEM("pagetables", "page tables", oom_kb_of_pages(e, m->pagetables));
	ITEM("kernel_stack", "kernel stacks", m->kernel_stack_kb);
	ITEM("pagecache", "page cache", oom_kb_of_pages(e, m->pagecache_pages));
	ITEM("swapcache", "swap cache", oom_kb_of_pages(e, m->swapcache_pages));
	ITEM("swap_used", "swap used", swap_used_kb(e));
	ITEM("hugepages", "hugepages", m->hugepages_kb);
	ITEM("hugepages_free", "hugepages free", m->hugepages_free_kb);
	ITEM("cma_free", "CMA free", oom_kb_of_pages(e, m->free_cma));
	ITEM("cma_reserved", "CMA reserved", oom_kb_of_pages(e, e->mi.cma_reserved_pages));
	ITEM("hwpoisoned", "hwpoisoned", oom_kb_of_pages(e, m->hwpoisoned_pages));
#undef ITEM
	return n;
}
#define MI_ITEMS 19

static bool any_meminfo(const struct mi_item *it, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (it[k].kb.known)
			return true;
	return false;
}

/* part of whole in percent, one decimal, as a JSON number; null when unknown */
static void percent_json(struct jsonw *w, const char *key, struct opt_u64 part, struct opt_u64 whole)
{
	if (!part.known || !whole.known || !whole.v) {
		jsonw_null(w, key);
		return;
	}
	long double p = (long double)part.v * 100 / (long double)whole.v;
	char buf[32];
	snprintf(buf, sizeof(buf), "%.1Lf", p);
	jsonw_number(w, key, buf);
}

/* ---- the task table ----------------------------------------------------- */

static uint64_t or0(struct opt_u64 v)
{
	return v.known ? v.v : 0;
}

static int by_rss(const void *a, const void *b)
{
	const struct oom_task_row *x = *(const struct oom_task_row *const *)a, *y = *(const struct oom_task_row *const *)b;
	uint64_t p = or0(x->rss_pages), q = or0(y->rss_pages);
	return p != q ? (p < q ? 1 : -1) : (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_swap(const void *a, const void *b)
{
	const struct oom_task_row *x = *(const struct oom_task_row *const *)a, *y = *(const struct oom_task_row *const *)b;
	uint64_t p = or0(x->swapents), q = or0(y->swapents);
	return p != q ? (p < q ? 1 : -1) : by_rss(a, b);
}

static int by_pid(const void *a, const void *b)
{
	const struct oom_task_row *x = *(const struct oom_task_row *const *)a, *y = *(const struct oom_task_row *const *)b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_name(const void *a, const void *b)
{
	const struct oom_task_row *x = *(const struct oom_task_row *const *)a, *y = *(const struct oom_task_row *const *)b;
	int c = strcmp(x->comm, y->comm);
	return c ? c : by_pid(a, b);
}

bool oom_sort_parse(const char *s, enum oom_sort *out)
{
	static const char *const names[] = { "rss", "swap", "pid", "name" };
	for (size_t k = 0; k < ARRAY_SIZE(names); k++)
		if (strcmp(s, names[k]) == 0) {
			*out = (enum oom_sort)k;
			return true;
		}
	return false;
}

static const struct oom_task_row **sorted_rows(const struct oom_event *e, enum oom_sort sort)
{
	const struct oom_task_table *t = &e->table;
	const struct oom_task_row **v = xcalloc(t->n ? t->n : 1, sizeof(*v));
	for (size_t k = 0; k < t->n; k++)
		v[k] = &t->rows[k];
	int (*cmp)(const void *, const void *) = sort == OOM_SORT_SWAP ? by_swap
						 : sort == OOM_SORT_PID	 ? by_pid
						 : sort == OOM_SORT_NAME ? by_name
									 : by_rss;
	qsort(v, t->n, sizeof(*v), cmp);
	return v;
}

/* The victim's RSS: its kill line (anon + file + shmem), else its row. */
static struct opt_u64 victim_rss_kb(const struct oom_event *e)
{
	const struct oom_victim *v = &e->vic;
	if (!v->present)
		return OPT_U64_UNKNOWN;
	if (v->anon_rss_kb.known && v->file_rss_kb.known) {
		uint64_t s;
		if (add_u64(v->anon_rss_kb.v, v->file_rss_kb.v, &s) && add_u64(s, or0(v->shmem_rss_kb), &s))
			return opt_u64(s);
	}
	for (size_t k = 0; v->pid.known && k < e->table.n; k++)
		if (e->table.rows[k].pid == v->pid.v)
			return oom_kb_of_pages(e, e->table.rows[k].rss_pages);
	return OPT_U64_UNKNOWN;
}

static bool is_victim(const struct oom_event *e, const struct oom_task_row *t)
{
	return e->vic.present && e->vic.pid.known && e->vic.pid.v == t->pid;
}

static bool is_invoker(const struct oom_event *e, const struct oom_task_row *t)
{
	return e->inv.present && e->inv.pid.known && e->inv.pid.v == t->pid;
}

static struct opt_u64 pgtables_kb(const struct oom_event *e, const struct oom_task_row *t)
{
	if (t->pgtables_bytes.known)
		return opt_u64(t->pgtables_bytes.v / 1024);
	return oom_kb_of_pages(e, t->pgtables_pages);
}

/* ---- text --------------------------------------------------------------- */

static void text_platform(FILE *out, const struct oom_event *e)
{
	const struct oom_platform *pl = &e->plat;
	char a[32];
	const char *src;
	uint64_t page = oom_page_kb(e, &src);
	fprintf(out, "  platform: kernel %s", pl->kernel[0] ? pl->kernel : "not in the log");
	if (pl->tainted == 1)
		fprintf(out, " (not tainted)");
	else if (pl->tainted == 2)
		fprintf(out, " (tainted: %s)", pl->taint[0] ? pl->taint : "?");
	fprintf(out, ", hardware %s\n", pl->hardware[0] ? pl->hardware : "not in the log");
	fprintf(out, "  pages:    %llu KiB %s", (unsigned long long)page,
		strcmp(src, "buddy_lines") == 0	   ? "(from the buddy lines)"
		: strcmp(src, "pages_ram") == 0	   ? "(the zones' present over \"pages RAM\")"
		: strcmp(src, "node_meminfo") == 0 ? "(the Node lines' kB over the Mem-Info pages)"
						   : "(assumed: the log does not show it)");
	struct opt_u64 req = oom_request_kb(e);
	if (req.known)
		fprintf(out, "; request order %lld = %s", (long long)e->inv.order.v, fmt_kb(a, sizeof(a), req.v));
	fputc('\n', out);
}

static void text_meminfo(FILE *out, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	struct mi_item it[MI_ITEMS];
	size_t n = mi_items(e, it);
	if (!any_meminfo(it, n)) {
		fprintf(out, "  mem-info: not in the log\n");
		return;
	}
	struct opt_u64 ram = ram_kb(r, i);
	char a[32], pc[16];
	if (ram.known)
		fprintf(out, "  mem-info: of RAM %s:", fmt_kb(a, sizeof(a), ram.v));
	else
		fprintf(out, "  mem-info: (RAM not in the log: no shares)");
	for (size_t k = 0; k < n; k++) {
		if (k && k % 4 == 0)
			fprintf(out, "\n           ");
		if (!it[k].kb.known)
			fprintf(out, " %s not in the log%s", it[k].words, k + 1 < n ? "," : "");
		else if (!ram.known)
			fprintf(out, " %s %s%s", it[k].words, fmt_kb(a, sizeof(a), it[k].kb.v), k + 1 < n ? "," : "");
		else
			fprintf(out, " %s %s (%s)%s", it[k].words, fmt_kb(a, sizeof(a), it[k].kb.v),
				fmt_percent(pc, sizeof(pc), it[k].kb.v, ram.v), k + 1 < n ? "," : "");
	}
	fputc('\n', out);
}

static void counter_text(FILE *out, const char *what, struct opt_u64 u, struct opt_u64 l, struct opt_u64 f)
{
	char a[32], b[32], c[24] = "?";
	if (f.known)
		snprintf(c, sizeof(c), "%llu", (unsigned long long)f.v);
	/* PAGE_COUNTER_MAX in kB is about 2^53: the kernel's "no limit" */
	fprintf(out, "  memcg:    %s usage %s, limit %s, failcnt %s\n", what, oom_kbs(a, sizeof(a), u),
		l.known && l.v >= (1ULL << 52) ? "none" : oom_kbs(b, sizeof(b), l), c);
}

static void text_memcg(FILE *out, const struct oom_event *e)
{
	const struct oom_memcg_detail *d = &e->mcg;
	if (d->memsw_usage_kb.known)
		counter_text(out, "memory+swap", d->memsw_usage_kb, d->memsw_limit_kb, d->memsw_failcnt);
	if (d->kmem_usage_kb.known)
		counter_text(out, "kmem", d->kmem_usage_kb, d->kmem_limit_kb, d->kmem_failcnt);
	if (d->swap_usage_kb.known)
		counter_text(out, "swap", d->swap_usage_kb, d->swap_limit_kb, d->swap_failcnt);
	if (!d->stats_path[0])
		return;
	fprintf(out, "  memcg:    stats for %s:", d->stats_path);
	char a[32];
	for (unsigned k = 0; k < d->nstats; k++) {
		if (k && k % 6 == 0)
			fprintf(out, "\n           ");
		fprintf(out, " %s %s%s", d->stats[k].key, fmt_kb(a, sizeof(a), d->stats[k].bytes / 1024),
			k + 1 < d->nstats ? "," : "");
	}
	if (d->stats_not_kept)
		fprintf(out, " (not kept: over the memory budget for detail)");
	else if (!d->nstats)
		fprintf(out, " none");
	fputc('\n', out);
}

/* s[0..n) in a column of w (printf's %*s, or %-*s when left), then a
 * blank. */
static char *cell_n(char *p, const char *s, size_t n, size_t w, bool left)
{
	size_t pad = n < w ? w - n : 0;
	if (!left) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (left) {
		memset(p, ' ', pad);
		p += pad;
	}
	*p++ = ' ';
	return p;
}

static char *cell(char *p, const char *s, size_t w, bool left)
{
	return cell_n(p, s, strlen(s), w, left);
}

static char *cell_u64(char *p, struct opt_u64 v, size_t w, bool left)
{
	char d[24], *end = d + sizeof(d) - 1;
	*end = '\0';
	return cell(p, v.known ? fmt_u64_before(end, v.v) : "?", w, left);
}

/* One row of the table, built in a buffer and written at once (a dense
 * log's text view prints tens of thousands; printf's formatting was a fifth
 * of that view): pid, uid, tgid, the sizes, swapents, adj, name, markers. */
static void task_row_text(FILE *out, const struct oom_event *e, const struct oom_task_row *t)
{
	char line[512], *p = line, kb[32], adj[24] = "?";
	memset(p, ' ', 12);
	p += 12;
	p = cell_u64(p, opt_u64(t->pid), 8, true);
	p = cell_u64(p, t->uid, 6, false);
	p = cell_u64(p, t->tgid, 8, false);
	const struct opt_u64 sizes[] = { oom_kb_of_pages(e, t->total_vm_pages), oom_kb_of_pages(e, t->rss_pages),	 oom_kb_of_pages(e, t->rss_anon_pages),
					 oom_kb_of_pages(e, t->rss_file_pages),  oom_kb_of_pages(e, t->rss_shmem_pages), pgtables_kb(e, t) };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		p = cell(p, oom_kbs(kb, sizeof(kb), sizes[k]), k < 5 ? 10 : 9, false);
	p = cell_u64(p, t->swapents, 8, false);
	if (t->oom_score_adj.known)
		snprintf(adj, sizeof(adj), "%lld", (long long)t->oom_score_adj.v);
	p = cell(p, adj, 6, false);
	*p++ = ' ';
	/* the line holds at most 12 + 5 * 21 (numbers) + 6 * 16 (sizes) + 1 +
	 * 32 (name) + 23 (markers) + 1 = 270 bytes */
	size_t n = strnlen(t->comm, sizeof(t->comm));
	memcpy(p, t->comm, n);
	p += n;
	if (is_invoker(e, t)) {
		memcpy(p, "  <- invoker", 12);
		p += 12;
	}
	if (is_victim(e, t)) {
		memcpy(p, "  <- victim", 11);
		p += 11;
	}
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), out);
}

static void text_tasks(FILE *out, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	if (!e->ntasks)
		return;
	struct opt_u64 ram = ram_kb(r, i), total = oom_kb_of_pages(e, e->tasks_rss_pages), vic = victim_rss_kb(e);
	char a[32], pc[16];
	fprintf(out, "  table:    RSS %s", oom_kbs(a, sizeof(a), total));
	if (total.known && ram.known)
		fprintf(out, " (%s of RAM)", fmt_percent(pc, sizeof(pc), total.v, ram.v));
	if (vic.known) {
		fprintf(out, "; victim RSS %s", fmt_kb(a, sizeof(a), vic.v));
		if (ram.known)
			fprintf(out, " (%s of RAM)", fmt_percent(pc, sizeof(pc), vic.v, ram.v));
	}
	fputc('\n', out);
	if (e->table.not_kept || e->table.n < e->ntasks) {
		fprintf(out, "            rows not kept: over the memory budget for task tables (the largest are above)\n");
		return;
	}
	static const char *const sorts[] = { "rss", "swap", "pid", "name" };
	fprintf(out, "            %-8s %6s %8s %10s %10s %10s %10s %10s %9s %8s %6s  %s (by %s)\n", "pid", "uid", "tgid",
		"total_vm", "rss", "rss_anon", "rss_file", "rss_shmem", "pgtables", "swapents", "adj", "name",
		sorts[r->sort < 4 ? r->sort : 0]);
	const struct oom_task_row **v = sorted_rows(e, r->sort);
	for (size_t k = 0; k < e->table.n; k++)
		task_row_text(out, e, v[k]);
	free(v);
}

void oom_detail_text(FILE *out, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	text_platform(out, e);
	text_meminfo(out, r, i);
	text_memcg(out, e);
	text_tasks(out, r, i);
}

/* ---- JSON --------------------------------------------------------------- */

static void counter_json(struct jsonw *w, const char *prefix, struct opt_u64 u, struct opt_u64 l, struct opt_u64 f)
{
	char k[40];
	snprintf(k, sizeof(k), "%s_usage_kb", prefix);
	jsonw_opt_u64(w, k, u);
	snprintf(k, sizeof(k), "%s_limit_kb", prefix);
	jsonw_opt_u64(w, k, l);
	snprintf(k, sizeof(k), "%s_failcnt", prefix);
	jsonw_opt_u64(w, k, f);
}

static void row_json(struct jsonw *w, const struct oom_event *e, const struct oom_task_row *t)
{
	jsonw_object(w, NULL);
	jsonw_u64(w, "pid", t->pid);
	jsonw_opt_u64(w, "uid", t->uid);
	jsonw_opt_u64(w, "tgid", t->tgid);
	jsonw_str(w, "comm", t->comm);
	jsonw_opt_u64(w, "total_vm_kb", oom_kb_of_pages(e, t->total_vm_pages));
	jsonw_opt_u64(w, "rss_kb", oom_kb_of_pages(e, t->rss_pages));
	jsonw_opt_u64(w, "rss_anon_kb", oom_kb_of_pages(e, t->rss_anon_pages));
	jsonw_opt_u64(w, "rss_file_kb", oom_kb_of_pages(e, t->rss_file_pages));
	jsonw_opt_u64(w, "rss_shmem_kb", oom_kb_of_pages(e, t->rss_shmem_pages));
	jsonw_opt_u64(w, "pgtables_kb", pgtables_kb(e, t));
	jsonw_opt_u64(w, "swapents", t->swapents);
	oom_json_opt_i64(w, "oom_score_adj", t->oom_score_adj);
	jsonw_bool(w, "invoker", is_invoker(e, t));
	jsonw_bool(w, "victim", is_victim(e, t));
	jsonw_end(w);
}

void oom_detail_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	const struct oom_platform *pl = &e->plat;
	const char *src;
	uint64_t page = oom_page_kb(e, &src);
	oom_json_str_or_null(w, "kernel", pl->kernel);
	if (pl->tainted)
		jsonw_bool(w, "tainted", pl->tainted == 2);
	else
		jsonw_null(w, "tainted");
	oom_json_str_or_null(w, "taint_flags", pl->taint);
	oom_json_str_or_null(w, "hardware", pl->hardware);
	jsonw_u64(w, "page_size_kb", page);
	jsonw_str(w, "page_size_source", src);
	jsonw_opt_u64(w, "request_kb", oom_request_kb(e));

	struct mi_item it[MI_ITEMS];
	size_t n = mi_items(e, it);
	struct opt_u64 ram = ram_kb(r, i);
	if (!any_meminfo(it, n)) {
		jsonw_null(w, "meminfo");
		return;
	}
	jsonw_object(w, "meminfo");
	char k[48];
	for (size_t j = 0; j < n; j++) {
		snprintf(k, sizeof(k), "%s_kb", it[j].key);
		jsonw_opt_u64(w, k, it[j].kb);
	}
	jsonw_object(w, "percent_of_ram");
	for (size_t j = 0; j < n; j++)
		percent_json(w, it[j].key, it[j].kb, ram);
	jsonw_end(w);
	jsonw_end(w);
}

/* The first stat of d with the key of stats[k], and the last one's bytes:
 * a key the log repeats is one member (the last value at the first key's
 * place, as json-c's object replaced it). */
static bool first_stat(const struct oom_memcg_detail *d, unsigned k, uint64_t *bytes)
{
	for (unsigned j = 0; j < k; j++)
		if (strcmp(d->stats[j].key, d->stats[k].key) == 0)
			return false;
	*bytes = d->stats[k].bytes;
	for (unsigned j = k + 1; j < d->nstats; j++)
		if (strcmp(d->stats[j].key, d->stats[k].key) == 0)
			*bytes = d->stats[j].bytes;
	return true;
}

void oom_detail_memcg_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_memcg_detail *d = &r->ev[i].mcg;
	counter_json(w, "memsw", d->memsw_usage_kb, d->memsw_limit_kb, d->memsw_failcnt);
	counter_json(w, "kmem", d->kmem_usage_kb, d->kmem_limit_kb, d->kmem_failcnt);
	counter_json(w, "swap", d->swap_usage_kb, d->swap_limit_kb, d->swap_failcnt);
	oom_json_str_or_null(w, "stats_path", d->stats_path);
	if (!d->stats_path[0] || d->stats_not_kept) {
		jsonw_null(w, "stats_bytes");
		return;
	}
	jsonw_object(w, "stats_bytes");
	uint64_t bytes;
	for (unsigned k = 0; k < d->nstats; k++)
		if (first_stat(d, k, &bytes))
			jsonw_u64(w, d->stats[k].key, bytes);
	jsonw_end(w);
}

void oom_detail_tasks_json(struct jsonw *w, const struct oom_report *r, size_t i)
{
	const struct oom_event *e = &r->ev[i];
	struct opt_u64 ram = ram_kb(r, i), total = oom_kb_of_pages(e, e->tasks_rss_pages), vic = victim_rss_kb(e);
	percent_json(w, "rss_percent_of_ram", total, ram);
	jsonw_opt_u64(w, "victim_rss_kb", vic);
	percent_json(w, "victim_rss_percent_of_ram", vic, ram);
	jsonw_opt_u64(w, "swapents_total", e->tasks_swapents);
	bool kept = !e->table.not_kept && e->table.n == e->ntasks;
	jsonw_bool(w, "rows_kept", kept);
	if (!kept) {
		jsonw_null(w, "rows");
		return;
	}
	jsonw_array(w, "rows");
	const struct oom_task_row **v = sorted_rows(e, r->sort);
	for (size_t k = 0; k < e->table.n; k++)
		row_json(w, e, v[k]);
	free(v);
	jsonw_end(w);
}
