/* The task table of an OOM report ("[  pid  ]   uid  tgid total_vm ..."):
 * the header names the columns, each row is one task; the largest are kept. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void on_task_header(struct oom_parser *p, const char *s, size_t n)
{
	const char *end = s + n;
	const char *q = memchr(s, ']', n);
	if (!q)
		return;
	q++;
	p->ncols = 0;
	while (q < end && p->ncols < MAX_TASK_COLS) {
		while (q < end && *q == ' ')
			q++;
		const char *w = q;
		while (q < end && *q != ' ')
			q++;
		size_t wl = (size_t)(q - w);
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
		p->cols[p->ncols++] = c;
	}
	p->task_header = true;
}

void on_task_row(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q = s + 1;
	while (q < end && *q == ' ')
		q++;
	struct oom_task t;
	memset(&t, 0, sizeof(t));
	struct opt_u64 pid = num_at(q, end, &q);
	if (!pid.known || q >= end || *q != ']')
		return;
	t.pid = pid.v;
	q++;
	bool have_rss = false;
	for (unsigned c = 0; c < p->ncols; c++) {
		while (q < end && *q == ' ')
			q++;
		const char *w = q;
		while (q < end && *q != ' ')
			q++;
		if (w == q)
			return;
		if (p->cols[c] == COL_SCORE_ADJ) {
			t.oom_score_adj = snum_at(w, q);
			continue;
		}
		struct opt_u64 v = num_at(w, q, NULL);
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
	e->ntasks++;
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
