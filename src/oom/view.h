/* explain-oom's views: they only format the events, facts and verdicts. */
#ifndef VBTOOL_OOM_VIEW_H
#define VBTOOL_OOM_VIEW_H

#include <stdio.h>

#include <json-c/json.h>

#include "oom/event.h"
#include "oom/verdict.h"
#include "base/format.h"
#include "base/jsonw.h"
#include "base/parse.h"

/* For the --json views (written with base/jsonw.h): an opt_i64 as a
 * number, or null when unknown. */
static inline void oom_json_opt_i64(struct jsonw *w, const char *key, struct opt_i64 v)
{
	if (v.known)
		jsonw_i64(w, key, v.v);
	else
		jsonw_null(w, key);
}
/* A string, or null when NULL or empty. */
static inline void oom_json_str_or_null(struct jsonw *w, const char *key, const char *s)
{
	jsonw_str(w, key, s && s[0] ? s : NULL);
}
/* A count of the event's pages in kB: unknown when pages is, or when it
 * overflows. */
static inline struct opt_u64 oom_kb_of_pages(const struct oom_event *e, struct opt_u64 pages)
{
	uint64_t kb;
	if (pages.known && mul_u64(pages.v, oom_page_kb(e, NULL), &kb))
		return opt_u64(kb);
	return OPT_U64_UNKNOWN;
}
/* For the text views: a size in kB as fmt_kb writes it, "?" when unknown. */
static inline const char *oom_kbs(char *buf, size_t len, struct opt_u64 v)
{
	return v.known ? fmt_kb(buf, len, v.v) : "?";
}
/* A zone's "node" (null when the log does not say) and "name". */
static inline void oom_json_zone_name(struct jsonw *w, const struct oom_zone *z)
{
	if (z->node >= 0)
		jsonw_i64(w, "node", z->node);
	else
		jsonw_null(w, "node");
	jsonw_str(w, "name", z->name);
}

struct oom_input_info {
	const char *name;   /* as given; "-" stdin, "/dev/kmsg" live */
	const char *format; /* plain, gzip, xz, zstd, kmsg; NULL when not opened */
	const char *error;  /* strerror, or NULL */
};

/* Counts over every event in the input, kept or not. */
struct oom_totals {
	uint64_t events;
	uint64_t by_kind[OOM_KIND_COUNT];    /* indexed by enum oom_kind */
	uint64_t by_verdict[OOM_VERDICT_MAX]; /* indexed like oom_verdict_codes */
	uint64_t victims, victims_not_kept;  /* events that name a victim */
	char first_time[OOM_TIME_MAX], last_time[OOM_TIME_MAX]; /* as printed; "" when none */
};
/* Adds one event (its facts and verdict computed here). */
void oom_totals_add(struct oom_totals *t, const struct oom_event *e);
/* An oom_event_fn for oom_parser_on_dropped: ctx is a struct oom_totals. */
void oom_totals_add_dropped(void *ctx, const struct oom_event *e);

/* --sort: the order of the task table's rows (rss, the default, and swap
 * largest first; pid and name ascending). */
enum oom_sort { OOM_SORT_RSS, OOM_SORT_SWAP, OOM_SORT_PID, OOM_SORT_NAME };

struct oom_report {
	struct oom_totals totals; /* every event, including those not kept */
	enum oom_sort sort;
	const struct oom_event *ev;
	const struct oom_facts *facts;
	const struct oom_verdict *verdicts;
	size_t nev;
	uint64_t dropped, truncated;
	const struct oom_input_info *inputs;
	size_t ninputs;
};

/* Computes the facts and verdict of every event the parser holds (after
 * oom_parser_finish) and adds them to dropped, the totals of the events it
 * did not keep (NULL: none were counted); the report points into the parser,
 * which must outlive it. oom_report_free frees what the builder allocated. */
void oom_report_build(struct oom_report *r, struct oom_parser *p, const struct oom_totals *dropped,
		      const struct oom_input_info *inputs, size_t ninputs);
void oom_report_free(struct oom_report *r);

void oom_view_text(FILE *out, const struct oom_report *r);
/* An event's detail (view_detail.c): platform and page size, the Mem-Info
 * breakdown, cgroup detail and the whole task table, as text lines (for
 * oom_view_text) and as members of the event's JSON object, written into
 * w where oom_event_write is: oom_detail_json the event's last members
 * ("kernel" ... "meminfo"), oom_detail_memcg_json and oom_detail_tasks_json
 * the last members of the "memcg" and "tasks" objects (inside them). */
void oom_detail_text(FILE *out, const struct oom_report *r, size_t i);
void oom_detail_json(struct jsonw *w, const struct oom_report *r, size_t i);
void oom_detail_memcg_json(struct jsonw *w, const struct oom_report *r, size_t i);
void oom_detail_tasks_json(struct jsonw *w, const struct oom_report *r, size_t i);
/* Why the allocation failed, the unreclaimable slab table (view_alloc.c):
 * text lines, and the event's JSON members "allocation",
 * "unreclaimable_slab" and "next_steps" written into w; oom_next_text
 * prints the next steps ("next:" lines). */
void oom_why_text(FILE *out, const struct oom_report *r, size_t i);
void oom_next_text(FILE *out, const struct oom_report *r, size_t i);
void oom_why_json(struct jsonw *w, const struct oom_report *r, size_t i);
/* "rss", "swap", "pid", "name"; false for another word. */
bool oom_sort_parse(const char *s, enum oom_sort *out);
/* The JSON contract documented in vbtool-explain-oom(8), streamed through
 * base/jsonw.h (json-c's pretty form, byte for byte, as before: scripts
 * read it) so memory does not grow with the number of events. False on a
 * write error. */
bool oom_view_json(FILE *out, const struct oom_report *r);
/* One event of --json (view_json.c): oom_event_write writes it into w as
 * a value at the top (no key); oom_event_json parses that same text back
 * into an object the caller puts (NULL only if the text were not JSON), so
 * that the --html view draws each event from its --json numbers. */
void oom_event_write(struct jsonw *w, const struct oom_report *r, size_t i);
struct json_object *oom_event_json(const struct oom_report *r, size_t i);
/* --html: one self-contained page (view_html.c); false on a write error. */
bool oom_view_html(FILE *out, const struct oom_report *r);

/* --brief: an oom_event_fn for oom_parser_stream; ctx is a struct
 * oom_brief. Prints one line per event (JSON Lines with json) and counts. */
struct oom_brief {
	FILE *out;
	bool json;
	const struct oom_input_info *inputs;
	size_t ninputs;
	uint64_t events;
	bool write_failed;
};
void oom_brief_event(void *ctx, const struct oom_event *e);
/* The one number that matters for the verdict, as words (view_brief.c). */
void oom_figure_text(const struct oom_event *e, const struct oom_facts *f, const struct oom_verdict *v, char *buf,
		     size_t len);

#endif
