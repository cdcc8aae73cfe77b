/* explain-oom's verdict for the OOM kills top sees: kernel records go
 * through the same parser and rule table as `vbtool explain-oom`. */
#ifndef VBTOOL_TOP_OOM_H
#define VBTOOL_TOP_OOM_H

#include <stdbool.h>
#include <stddef.h>

struct top_oom;

struct top_oom *top_oom_new(void);
void top_oom_free(struct top_oom *t);
/* Feeds one kernel record ("PRI,SEQ,USEC,FLAGS;message", no dictionary
 * lines). When is_kill (the record is the "Killed process" line), the event
 * is judged: its verdict code and one-line summary are written and true is
 * returned, and the parser starts afresh (memory stays bounded). */
bool top_oom_feed(struct top_oom *t, const char *rec, size_t len, bool is_kill, char *code, size_t codelen,
		  char *summary, size_t sumlen);

#endif
