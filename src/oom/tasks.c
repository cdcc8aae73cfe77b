/* The task table of an OOM report ("[  pid  ]   uid  tgid total_vm ..."):
 * the header names the columns, each row is one task; the largest are kept. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool detail_grow(struct oom_parser *p, const struct oom_event *e, void **ptr, size_t *cap, size_t want, size_t elem)
{
	if (p->on_ended || e == &p->overflow)
		return false; /* not kept: it is handed over and reused */
	if (want <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < want)
		ncap *= 2;
	uint64_t more;
	if (!mul_u64((uint64_t)(ncap - *cap), (uint64_t)elem, &more) || more > OOM_DETAIL_BUDGET - p->detail_bytes)
		return false;
	*ptr = xrealloc(*ptr, ncap * elem);
	p->detail_bytes += more;
	*cap = ncap;
	return true;
}

void oom_event_free_detail(struct oom_event *e)
{
	free(e->table.rows);
	e->table = (struct oom_task_table){ 0 };
	free(e->mcg.stats);
	e->mcg.stats = NULL;
	e->mcg.nstats = 0;
	if (e->zones_own)
		free(e->zones);
	e->zones = NULL;
	e->nzones = 0;
	e->zones_own = false;
}

/* Every row, while the parser's detail budget lasts. */
static void keep_row(struct oom_parser *p, struct oom_event *e, const struct oom_task *t, struct oom_task_row *row)
{
	struct oom_task_table *tb = &e->table;
	if (tb->not_kept)
		return;
	if (!detail_grow(p, e, (void **)&tb->rows, &tb->cap, tb->n + 1, sizeof(*tb->rows))) {
		tb->not_kept = true;
		return;
	}
	row->pid = t->pid;
	row->total_vm_pages = t->total_vm_pages;
	row->rss_pages = opt_u64(t->rss_pages);
	row->rss_anon_pages = t->rss_anon_pages;
	row->rss_file_pages = t->rss_file_pages;
	row->rss_shmem_pages = t->rss_shmem_pages;
	row->oom_score_adj = t->oom_score_adj;
	memcpy(row->comm, t->comm, sizeof(row->comm));
	tb->rows[tb->n++] = *row;
}

void on_task_header(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n;
	const char *q = memchr(s, ']', n);
	if (!q)
		return;
	q++;
	p->ncols = 0;
	while (q < end && p->ncols < MAX_TASK_COLS) {
		const char *w;
		size_t wl = next_word(&q, end, &w);
		if (!wl)
			break;
		if (wl == 4 && memcmp(w, "name", 4) == 0)
			break;
		enum task_col c = COL_SKIP;
		if (span_eq(w, wl, "total_vm"))
			c = COL_TOTAL_VM;
		else if (span_eq(w, wl, "rss"))
			c = COL_RSS;
		else if (span_eq(w, wl, "rss_anon"))
			c = COL_RSS_ANON;
		else if (span_eq(w, wl, "rss_file"))
			c = COL_RSS_FILE;
		else if (span_eq(w, wl, "rss_shmem"))
			c = COL_RSS_SHMEM;
		else if (span_eq(w, wl, "oom_score_adj"))
			c = COL_SCORE_ADJ;
		else if (span_eq(w, wl, "uid"))
			c = COL_UID;
		else if (span_eq(w, wl, "tgid"))
			c = COL_TGID;
		else if (span_eq(w, wl, "pgtables_bytes"))
			c = COL_PGTABLES_BYTES;
		else if (span_eq(w, wl, "nr_ptes") || span_eq(w, wl, "nr_pmds"))
			c = COL_NR_PTES; /* page-table pages before 4.15; nr_pmds (4.4-4.14) adds to it */
		else if (span_eq(w, wl, "swapents"))
			c = COL_SWAPENTS;
		p->cols[p->ncols++] = c;
	}
	p->task_header = true;
	/* sums over the rows to come: 0 for a table printed empty */
	e->task_header_seen = true;
	if (!e->tasks_rss_pages.known)
		e->tasks_rss_pages = opt_u64(0);
	for (unsigned k = 0; k < p->ncols && !e->tasks_swapents.known; k++)
		if (p->cols[k] == COL_SWAPENTS)
			e->tasks_swapents = opt_u64(0);
}

void on_task_row(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q = s + 1;
	while (q < end && *q == ' ')
		q++;
	struct oom_task t;
	memset(&t, 0, sizeof(t));
	struct oom_task_row row;
	memset(&row, 0, sizeof(row));
	struct opt_u64 pid = num_at(q, end, &q);
	if (!pid.known || q >= end || *q != ']')
		return;
	t.pid = pid.v;
	q++;
	bool have_rss = false;
	for (unsigned c = 0; c < p->ncols; c++) {
		const char *w;
		if (!next_word(&q, end, &w))
			return;
		if (p->cols[c] == COL_SCORE_ADJ) {
			t.oom_score_adj = snum_at(w, q);
			continue;
		}
		struct opt_u64 v = num_at(w, q, NULL);
		uint64_t sum;
		switch (p->cols[c]) {
		case COL_UID:
			row.uid = v;
			break;
		case COL_TGID:
			row.tgid = v;
			break;
		case COL_PGTABLES_BYTES:
			row.pgtables_bytes = v;
			break;
		case COL_NR_PTES:
			if (v.known && add_u64(row.pgtables_pages.known ? row.pgtables_pages.v : 0, v.v, &sum))
				row.pgtables_pages = opt_u64(sum);
			break;
		case COL_SWAPENTS:
			row.swapents = v;
			break;
		default:
			break;
		}
		switch (p->cols[c]) {
		case COL_TOTAL_VM:
			t.total_vm_pages = v;
			break;
		case COL_RSS:
			if (v.known) {
				t.rss_pages = v.v;
				have_rss = true;
			}
			break;
		case COL_RSS_ANON:
			t.rss_anon_pages = v;
			break;
		case COL_RSS_FILE:
			t.rss_file_pages = v;
			break;
		case COL_RSS_SHMEM:
			t.rss_shmem_pages = v;
			break;
		default:
			break;
		}
	}
	if (!have_rss)
		return;
	while (q < end && *q == ' ')
		q++;
	copy_text(t.comm, sizeof(t.comm), q, (size_t)(end - q));
	keep_row(p, e, &t, &row);
	e->ntasks++;
	if (row.swapents.known) {
		uint64_t sw = e->tasks_swapents.known ? e->tasks_swapents.v : 0;
		if (add_u64(sw, row.swapents.v, &sw))
			e->tasks_swapents = opt_u64(sw);
	}
	uint64_t sum = e->tasks_rss_pages.known ? e->tasks_rss_pages.v : 0;
	if (add_u64(sum, t.rss_pages, &sum))
		e->tasks_rss_pages = opt_u64(sum);
	/* keep the largest few, sorted by rss */
	unsigned i = e->ntop < OOM_TOP_TASKS ? e->ntop++ : OOM_TOP_TASKS;
	if (i == OOM_TOP_TASKS) {
		if (t.rss_pages <= e->top[OOM_TOP_TASKS - 1].rss_pages)
			return;
		i = OOM_TOP_TASKS - 1;
	}
	while (i > 0 && e->top[i - 1].rss_pages < t.rss_pages) {
		e->top[i] = e->top[i - 1];
		i--;
	}
	e->top[i] = t;
}
