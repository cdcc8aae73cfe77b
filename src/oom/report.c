/* The report the views print: each parsed event with its facts and verdict.
 * One builder for explain-oom, and for the fuzz target that checks it. */
#include "oom/view.h"
#include "base/util.h"

#include <stdlib.h>

void oom_report_build(struct oom_report *r, struct oom_parser *p, const struct oom_input_info *inputs,
		      size_t ninputs)
{
	size_t nev;
	const struct oom_event *ev = oom_parser_events(p, &nev);
	struct oom_facts *facts = xcalloc(nev ? nev : 1, sizeof(*facts));
	struct oom_verdict *verdicts = xcalloc(nev ? nev : 1, sizeof(*verdicts));
	for (size_t i = 0; i < nev; i++) {
		oom_facts(&ev[i], &facts[i]);
		oom_verdict(&ev[i], &facts[i], &verdicts[i]);
	}
	*r = (struct oom_report){
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
