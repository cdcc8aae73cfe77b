/* top's OOM verdicts, from src/oom/ (the explain-oom pipeline). */
#include "top/oom.h"
#include "oom/event.h"
#include "oom/scan.h"
#include "oom/verdict.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>

struct top_oom {
	struct oom_parser *p;
	bool want; /* the parser asked for the next line */
};

static void fresh(struct top_oom *t)
{
	t->p = oom_parser_new();
	t->want = false;
	oom_parser_begin_file(t->p, 0);
}

struct top_oom *top_oom_new(void)
{
	struct top_oom *t = xcalloc(1, sizeof(*t));
	fresh(t);
	return t;
}

void top_oom_free(struct top_oom *t)
{
	if (!t)
		return;
	oom_parser_free(t->p);
	free(t);
}

bool top_oom_feed(struct top_oom *t, const char *rec, size_t len, bool is_kill, char *code, size_t codelen,
		  char *summary, size_t sumlen)
{
	/* as explain-oom's scanner: lines with a key, and those the parser asks for */
	bool key = oom_has_key(rec, len);
	if (key || t->want)
		t->want = oom_parser_line(t->p, rec, len, 0, key, false);
	if (!is_kill)
		return false;
	oom_parser_end_file(t->p);
	oom_parser_finish(t->p);
	size_t n;
	struct oom_event *ev = oom_parser_events(t->p, &n);
	const struct oom_event *e = NULL;
	for (size_t i = n; i-- > 0;)
		if (ev[i].kill_seen) {
			e = &ev[i];
			break;
		}
	bool ok = false;
	if (e) {
		struct oom_facts f;
		struct oom_verdict v;
		oom_facts(e, &f);
		oom_verdict(e, &f, &v);
		snprintf(code, codelen, "%s", v.code ? v.code : "unknown");
		snprintf(summary, sumlen, "%s", v.summary);
		ok = true;
	}
	/* one kill, one verdict: drop what this event left behind */
	oom_parser_free(t->p);
	fresh(t);
	return ok;
}
