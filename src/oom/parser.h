/* Inside the OOM event parser: its state, the text helpers, and one
 * handler per section of a report. event.c runs the state machine and calls
 * kill.c (header, constraint and kill lines), meminfo.c (Mem-Info, zones,
 * swap and memcg lines) and tasks.c (the task table). Private to src/oom/. */
#ifndef VBTOOL_OOM_PARSER_H
#define VBTOOL_OOM_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "oom/event.h"

#define LINE_CAP 16384     /* a physical line is parsed up to this much */
#define LOGICAL_CAP 16384  /* a joined logical line, likewise */
#define TAIL_LINES 16
#define EVENT_MAX_LINES 200000 /* an event that never reaches its kill line ends here */
#define BODY_QUIET_LINES 256 /* this many lines in a row that no report holds: the body is over (scan.c) */
#define BALLOON_BEFORE_BYTES 8192 /* a Balloon line up to this far before "invoked" belongs to it */

enum pstate { ST_IDLE, ST_EVENT, ST_TAIL };

enum task_col { COL_SKIP, COL_TOTAL_VM, COL_RSS, COL_RSS_ANON, COL_RSS_FILE, COL_RSS_SHMEM, COL_SCORE_ADJ,
	       COL_UID, COL_TGID, COL_PGTABLES_BYTES, COL_NR_PTES, COL_SWAPENTS };
#define MAX_TASK_COLS 16

struct oom_parser {
	struct oom_event *ev;
	size_t nev, cap;
	uint64_t dropped, truncated;
	size_t detail_bytes; /* heap detail of kept events, at most OOM_DETAIL_BUDGET */
	struct oom_event overflow; /* parsed into when the array is full */
	oom_event_fn on_dropped;
	void *dropped_ctx;
	oom_event_fn on_ended; /* streaming: every event goes to it, none is kept */
	void *ended_ctx;
	struct oom_event *cur;
	uint64_t event_lines;
	struct oom_zone zones[OOM_MAX_ZONES]; /* cur's, until it ends */

	char scratch[LINE_CAP];
	char logical[LOGICAL_CAP];
	size_t llen;
	struct oom_line pending_meta;
	uint64_t pending_offset, offset;

	struct opt_u64 pend_total, pend_free;
	uint64_t pend_balloon_offset;

	/* time direction over this file's prefixed lines (event.c), to tell a
	 * reverse-order paste (journalctl -r) */
	uint64_t t_up, t_down;
	double last_up;
	char last_tt[OOM_TIME_MAX];
	size_t file_first_ev; /* p->nev at the file's start */

	/* a syslogd wall header's time, for the line at wall_next only */
	char wall_time[OOM_TIME_MAX];
	uint64_t wall_next;

	struct oom_evidence idle_ev[OOM_MAX_EVIDENCE];
	char idle_driver[16];

	enum task_col cols[MAX_TASK_COLS];

	enum pstate state;
	unsigned tail_left;
	unsigned quiet; /* lines in a row in_event_line did not use, up to BODY_QUIET_LINES */
	unsigned file_index;
	unsigned nidle_ev;
	unsigned ncols;
	bool overflow_live; /* overflow holds an event not yet handed to on_dropped */
	bool have_pending, pending_trunc;
	bool pend_balloon;
	bool have_last_t;
	bool task_header;
};

/* ---- text helpers (text.c; the small ones inline) ---- */

/* memmem's result; on lines of a hundred bytes, memchr for the first byte
 * and a memcmp per hit costs a third of memmem's setup (explain-oom bench) */
static inline const char *find_n(const char *s, size_t n, const char *lit, size_t l)
{
	if (l == 0)
		return s;
	for (const char *end = s + n; (size_t)(end - s) >= l; s++) {
		s = memchr(s, lit[0], (size_t)(end - s) - l + 1);
		if (!s)
			return NULL;
		if (memcmp(s + 1, lit + 1, l - 1) == 0)
			return s;
	}
	return NULL;
}

static inline bool starts_n(const char *s, size_t n, const char *lit, size_t l)
{
	return n >= l && memcmp(s, lit, l) == 0;
}

/* string literals only: their length is known at compile time */
#define find(s, n, lit) find_n((s), (n), "" lit, sizeof(lit) - 1)
#define starts(s, n, lit) starts_n((s), (n), "" lit, sizeof(lit) - 1)

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The digits at s (at most 20), as a checked number; *end after them. */
static inline struct opt_u64 num_at(const char *s, const char *lim, const char **end)
{
	const char *p = s;
	while (p < lim && is_digit(*p) && p - s < 24)
		p++;
	if (end)
		*end = p;
	uint64_t v;
	if (p == s || !parse_u64(s, (size_t)(p - s), 10, &v))
		return OPT_U64_UNKNOWN;
	return opt_u64(v);
}

static inline struct opt_i64 snum_at(const char *s, const char *lim)
{
	bool neg = s < lim && *s == '-';
	struct opt_u64 u = num_at(s + neg, lim, NULL);
	if (!u.known || u.v > (uint64_t)INT64_MAX)
		return (struct opt_i64){ false, 0 };
	return (struct opt_i64){ true, neg ? -(int64_t)u.v : (int64_t)u.v };
}

static inline void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* The next blank-separated word of [*q, end): its start in *w, its length
 * returned (0 at the end); *q moves past it. */
static inline size_t next_word(const char **q, const char *end, const char **w)
{
	while (*q < end && **q == ' ')
		(*q)++;
	*w = *q;
	while (*q < end && **q != ' ')
		(*q)++;
	return (size_t)(*q - *w);
}

#define token(s, n, lit) token_n((s), (n), "" lit, sizeof(lit) - 1)
#define tok_u64(s, n, lit) tok_u64_n((s), (n), "" lit, sizeof(lit) - 1)
#define tok_i64(s, n, lit) tok_i64_n((s), (n), "" lit, sizeof(lit) - 1)


const char *token_n(const char *s, size_t n, const char *key, size_t kl);
struct opt_u64 tok_u64_n(const char *s, size_t n, const char *key, size_t kl);
struct opt_i64 tok_i64_n(const char *s, size_t n, const char *key, size_t kl);
void copy_text(char *dst, size_t cap, const char *src, size_t n);
void copy_path(char *dst, size_t cap, const char *src, size_t n);
bool comm_at(const char *s, const char *end, const char *const *terms, char *comm, size_t cap);
bool pid_comm(const char *s, const char *end, const char *const *terms, struct opt_u64 *pid, char *comm, size_t cap);

/* ---- events (event.c) ---- */
void init_event(struct oom_parser *p, struct oom_event *e, const struct oom_line *meta);
void add_evidence(struct oom_balloon_seen *b, const char *msg, size_t n, const char *time_text);
void end_event(struct oom_parser *p);
struct oom_event *new_event(struct oom_parser *p, const struct oom_line *meta, bool fragment);

/* ---- sections (kill.c, meminfo.c, tasks.c) ---- */
void on_invoked(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta);
void on_balloon_line(struct oom_parser *p, const char *s, size_t n);
void on_constraint(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta);
void on_killed(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta);
void on_kill_process(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta);
void on_reaper(struct oom_parser *p, const char *s, size_t n);
bool on_death_line(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta);
void on_notify_frame(struct oom_event *e, const char *s, size_t n);
void on_memcg_stats_path(struct oom_event *e, const char *s, size_t n);
const char *balloon_driver_of(const char *s, size_t n);
void on_node(struct oom_event *e, const char *s, size_t n);
/* false when the line is nothing a report holds: every return of a known
 * line says true (event.c counts the others, see scan.c) */
bool in_event_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
void on_task_header(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
void on_task_row(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
/* ---- zones.c: lowmem_reserve[], buddy and unreclaimable slab lines ---- */
void oom_zone_reserve(struct oom_event *e, const char *s, size_t n);
void oom_zone_buddy(struct oom_event *e, int node, const char *name, size_t nl, const char *s, size_t n);
bool oom_slab_row(struct oom_event *e, const char *s, size_t n);
/* Grows a kept event's heap detail (*ptr, *cap elements) to hold want;
 * false when the event is not kept (streaming, past OOM_MAX_EVENTS) or the
 * parser's detail budget is spent. */
bool detail_grow(struct oom_parser *p, const struct oom_event *e, void **ptr, size_t *cap, size_t want, size_t elem);
void oom_event_free_detail(struct oom_event *e);
/* ---- platform (platform.c) and cgroup detail (memcg.c) ---- */
void on_cpu_line(struct oom_event *e, const char *s, size_t n);
void on_hardware_line(struct oom_event *e, const char *s, size_t n);
/* true when the line was a cgroup detail line */
bool on_memcg_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
/* ---- signs of a virtual machine (vmsign.c) ---- */
void on_vm_sign(struct oom_event *e, const char *s, size_t n);

#endif
