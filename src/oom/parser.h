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
#define BALLOON_BEFORE_BYTES 8192 /* a Balloon line up to this far before "invoked" belongs to it */

enum pstate { ST_IDLE, ST_EVENT, ST_TAIL };

enum task_col { COL_SKIP, COL_TOTAL_VM, COL_RSS, COL_RSS_ANON, COL_RSS_FILE, COL_RSS_SHMEM, COL_SCORE_ADJ };
#define MAX_TASK_COLS 16

struct oom_parser {
	struct oom_event *ev;
	size_t nev, cap;
	uint64_t dropped, truncated;
	struct oom_event overflow; /* parsed into when the array is full */
	bool overflow_live;        /* it holds an event not yet handed to on_dropped */
	oom_event_fn on_dropped;
	void *dropped_ctx;
	oom_event_fn on_ended; /* streaming: every event goes to it, none is kept */
	void *ended_ctx;
	struct oom_event *cur;
	enum pstate state;
	unsigned tail_left;
	uint64_t event_lines;
	unsigned file_index;

	char scratch[LINE_CAP];
	char logical[LOGICAL_CAP];
	size_t llen;
	bool have_pending, pending_trunc;
	struct oom_line pending_meta;
	uint64_t pending_offset, offset;

	bool pend_balloon;
	struct opt_u64 pend_total, pend_free;
	uint64_t pend_balloon_offset;

	struct oom_evidence idle_ev[OOM_MAX_EVIDENCE];
	unsigned nidle_ev;
	char idle_driver[16];

	bool task_header;
	enum task_col cols[MAX_TASK_COLS];
	unsigned ncols;
};

/* ---- text helpers (text.c; the small ones inline) ---- */

static inline const char *find_n(const char *s, size_t n, const char *lit, size_t l)
{
	return memmem(s, n, lit, l);
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
const char *balloon_driver_of(const char *s, size_t n);
void on_node(struct oom_event *e, const char *s, size_t n);
void in_event_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
void on_task_header(struct oom_parser *p, const char *s, size_t n);
void on_task_row(struct oom_parser *p, struct oom_event *e, const char *s, size_t n);
/* ---- signs of a virtual machine (vmsign.c) ---- */
void on_vm_sign(struct oom_event *e, const char *s, size_t n);

#endif
