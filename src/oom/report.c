/* The report the views print: each parsed event with its facts and verdict,
 * and the totals over every event, kept or not. One builder for explain-oom,
 * and for the fuzz target that checks it. */
#include "oom/view.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count(struct oom_totals *t, const struct oom_event *e, const struct oom_verdict *v)
{
	t->events++;
	if ((size_t)e->kind < OOM_KIND_COUNT)
		t->by_kind[e->kind]++;
	size_t k = oom_verdict_index(v->code);
	if (k < OOM_VERDICT_MAX)
		t->by_verdict[k]++;
	t->victims += e->vic.present;
	if (e->time_text[0]) {
		if (!t->first_time[0])
			snprintf(t->first_time, sizeof(t->first_time), "%s", e->time_text);
		snprintf(t->last_time, sizeof(t->last_time), "%s", e->time_text);
	}
}

/* Adds the later events' totals b to a. */
static void merge(struct oom_totals *a, const struct oom_totals *b)
{
	a->events += b->events;
	for (size_t k = 0; k < OOM_KIND_COUNT; k++)
		a->by_kind[k] += b->by_kind[k];
	for (size_t k = 0; k < OOM_VERDICT_MAX; k++)
		a->by_verdict[k] += b->by_verdict[k];
	a->victims += b->victims;
	a->victims_not_kept += b->victims_not_kept;
	if (!a->first_time[0])
		memcpy(a->first_time, b->first_time, sizeof(a->first_time));
	if (b->last_time[0])
		memcpy(a->last_time, b->last_time, sizeof(a->last_time));
}

void oom_totals_add(struct oom_totals *t, const struct oom_event *e)
{
	struct oom_facts f;
	struct oom_verdict v;
	oom_facts(e, &f);
	oom_verdict(e, &f, &v);
	count(t, e, &v);
}

void oom_totals_add_dropped(void *ctx, const struct oom_event *e)
{
	struct oom_totals *t = ctx;
	oom_totals_add(t, e);
	t->victims_not_kept += e->vic.present;
}

void oom_report_build(struct oom_report *r, struct oom_parser *p, const struct oom_totals *dropped,
		      const struct oom_input_info *inputs, size_t ninputs)
{
	size_t nev;
	const struct oom_event *ev = oom_parser_events(p, &nev);
	struct oom_facts *facts = xcalloc(nev ? nev : 1, sizeof(*facts));
	struct oom_verdict *verdicts = xcalloc(nev ? nev : 1, sizeof(*verdicts));
	struct oom_totals totals = { 0 };
	for (size_t i = 0; i < nev; i++) {
		oom_facts(&ev[i], &facts[i]);
		oom_verdict(&ev[i], &facts[i], &verdicts[i]);
		count(&totals, &ev[i], &verdicts[i]);
	}
	/* the parser keeps the first events: those it dropped came later */
	if (dropped)
		merge(&totals, dropped);
	*r = (struct oom_report){
		.totals = totals,
		.ev = ev,
		.facts = facts,
		.verdicts = verdicts,
		.nev = nev,
		.dropped = oom_parser_dropped(p),
		.truncated = oom_parser_truncated(p),
		.inputs = inputs,
		.ninputs = ninputs,
	};
}

void oom_report_free(struct oom_report *r)
{
	free((void *)r->facts);
	free((void *)r->verdicts);
	r->facts = NULL;
	r->verdicts = NULL;
}
