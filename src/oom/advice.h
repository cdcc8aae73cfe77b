/* Next steps: one or two concrete things to do for each verdict, as the
 * status findings carry hints. Written from the verdict code and the
 * event's own numbers. */
#ifndef VBTOOL_OOM_ADVICE_H
#define VBTOOL_OOM_ADVICE_H

#include "oom/event.h"
#include "oom/verdict.h"

#define OOM_NEXT_MAX 2

struct oom_next {
	unsigned n;
	char step[OOM_NEXT_MAX][256];
};

void oom_next_steps(const struct oom_event *e, const struct oom_facts *f, const struct oom_verdict *v,
		    struct oom_next *out);

#endif
