/* The state machine that groups kernel log messages into OOM events.
 *
 * IDLE: only key lines arrive (the scanner filters); an "invoked oom-killer"
 * line opens an event, a kill or constraint line without one opens a
 * fragment (the log started mid-event). IN_EVENT: every line is read
 * (Mem-Info, zones, task table, memcg lines) until the kill line. TAIL: a
 * few lines after the kill for the pre-5.0 second kill line and wrapped
 * continuations. Wrapped lines (mail clients) are joined to the prefixed
 * line before them when they carry no prefix of their own. */
#include "oom/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oom/scan.h"
#include "util.h"

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

const char *oom_kind_name(enum oom_kind k)
{
	switch (k) {
	case OOM_KIND_GLOBAL:
		return "global";
	case OOM_KIND_MEMCG:
		return "memcg";
	case OOM_KIND_CPUSET:
		return "cpuset";
	case OOM_KIND_MEMPOLICY:
		return "mempolicy";
	default:
		return "unknown";
	}
}

/* ---- small text helpers ------------------------------------------------ */

static const char *find_n(const char *s, size_t n, const char *lit, size_t l)
{
	return memmem(s, n, lit, l);
}

static bool starts_n(const char *s, size_t n, const char *lit, size_t l)
{
	return n >= l && memcmp(s, lit, l) == 0;
}

/* string literals only: their length is known at compile time */
#define find(s, n, lit) find_n((s), (n), "" lit, sizeof(lit) - 1)
#define starts(s, n, lit) starts_n((s), (n), "" lit, sizeof(lit) - 1)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The digits at s (at most 20), as a checked number; *end after them. */
static struct opt_u64 num_at(const char *s, const char *lim, const char **end)
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

static struct opt_i64 snum_at(const char *s, const char *lim)
{
	bool neg = s < lim && *s == '-';
	struct opt_u64 u = num_at(s + neg, lim, NULL);
	if (!u.known || u.v > (uint64_t)INT64_MAX)
		return (struct opt_i64){ false, 0 };
	return (struct opt_i64){ true, neg ? -(int64_t)u.v : (int64_t)u.v };
}

/* "key" followed by a number, where key starts a token. */
static const char *token_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *p = s, *end = s + n;
	while (p < end && (p = memmem(p, (size_t)(end - p), key, kl))) {
		if (p == s || p[-1] == ' ' || p[-1] == ',' || p[-1] == '(' || p[-1] == '\t')
			return p + kl;
		p++;
	}
	return NULL;
}

static struct opt_u64 tok_u64_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *v = token_n(s, n, key, kl);
	if (!v)
		return OPT_U64_UNKNOWN;
	while (v < s + n && *v == ' ')
		v++;
	return num_at(v, s + n, NULL);
}

static struct opt_i64 tok_i64_n(const char *s, size_t n, const char *key, size_t kl)
{
	const char *v = token_n(s, n, key, kl);
	if (!v)
		return (struct opt_i64){ false, 0 };
	while (v < s + n && *v == ' ')
		v++;
	return snum_at(v, s + n);
}

#define token(s, n, lit) token_n((s), (n), "" lit, sizeof(lit) - 1)
#define tok_u64(s, n, lit) tok_u64_n((s), (n), "" lit, sizeof(lit) - 1)
#define tok_i64(s, n, lit) tok_i64_n((s), (n), "" lit, sizeof(lit) - 1)

/* Copies text for display: control bytes and invalid UTF-8 become '?'. */
static void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap;) {
		unsigned char c = (unsigned char)src[i];
		size_t seq = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		bool valid = seq > 0 && i + seq <= n && !(seq == 2 && c < 0xc2);
		for (size_t k = 1; valid && k < seq; k++)
			if (((unsigned char)src[i + k] & 0xc0) != 0x80)
				valid = false;
		if (!valid || c < 0x20 || c == 0x7f) {
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + seq >= cap)
			break;
		memcpy(dst + o, src + i, seq);
		o += seq;
		i += seq;
	}
	dst[o] = '\0';
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "PID (comm)" at s; the comm ends at the first terminator found after the
 * '(' (comms may hold spaces and parentheses), else at the last ')'. */
static bool pid_comm(const char *s, const char *end, const char *const *terms, struct opt_u64 *pid, char *comm,
		     size_t cap)
{
	const char *p;
	*pid = num_at(s, end, &p);
	if (!pid->known || end - p < 2 || p[0] != ' ' || p[1] != '(')
		return false;
	const char *c = p + 2, *ce = NULL;
	for (size_t i = 0; terms && terms[i] && !ce; i++)
		ce = memmem(c, (size_t)(end - c), terms[i], strlen(terms[i]));
	if (!ce) {
		ce = end;
		while (ce > c && ce[-1] != ')')
			ce--;
		if (ce == c)
			return false;
		ce--;
	}
	copy_text(comm, cap, c, (size_t)(ce - c));
	return true;
}

/* ---- events ------------------------------------------------------------- */

static void init_event(struct oom_parser *p, struct oom_event *e, const struct oom_line *meta)
{
	memset(e, 0, sizeof(*e));
	e->file_index = p->file_index;
	if (meta) {
		copy_text(e->time_text, sizeof(e->time_text), meta->time_text, strlen(meta->time_text));
		e->has_uptime = meta->has_uptime;
		e->uptime_s = meta->uptime_s;
	}
}

static void add_evidence(struct oom_balloon_seen *b, const char *msg, size_t n, const char *time_text)
{
	if (b->nevidence >= OOM_MAX_EVIDENCE)
		return;
	struct oom_evidence *ev = &b->evidence[b->nevidence++];
	copy_text(ev->text, sizeof(ev->text), msg, n);
	copy_text(ev->time_text, sizeof(ev->time_text), time_text, strlen(time_text));
}

static void end_event(struct oom_parser *p)
{
	p->cur = NULL;
	p->state = ST_IDLE;
	p->task_header = false;
}

static struct oom_event *new_event(struct oom_parser *p, const struct oom_line *meta, bool fragment)
{
	end_event(p);
	struct oom_event *e;
	if (p->nev >= OOM_MAX_EVENTS) {
		p->dropped++;
		e = &p->overflow;
	} else {
		p->ev = xgrow(p->ev, &p->cap, p->nev + 1, sizeof(*p->ev));
		e = &p->ev[p->nev++];
	}
	init_event(p, e, meta);
	e->fragment = fragment;
	/* driver messages seen since the last event */
	for (unsigned i = 0; i < p->nidle_ev; i++)
		e->balloon.evidence[e->balloon.nevidence++] = p->idle_ev[i];
	memcpy(e->balloon.driver, p->idle_driver, sizeof(e->balloon.driver));
	p->nidle_ev = 0;
	p->idle_driver[0] = '\0';
	p->cur = e;
	p->state = ST_EVENT;
	p->event_lines = 0;
	return e;
}

/* ---- line kinds ---------------------------------------------------------- */

static void on_invoked(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
{
	struct oom_event *e = new_event(p, meta, false);
	struct oom_invoker *inv = &e->inv;
	inv->present = true;
	const char *c = s;
	size_t cn = (size_t)(at - s);
	trim(&c, &cn);
	copy_text(inv->comm, sizeof(inv->comm), c, cn);
	const char *end = s + n;
	const char *g = token(s, n, "gfp_mask=");
	if (g) {
		const char *q = g;
		while (q < end && *q != ',' && *q != '(' && *q != ' ')
			q++;
		uint64_t v;
		if (parse_u64(g, (size_t)(q - g), 16, &v))
			inv->gfp_mask = opt_u64(v);
		if (q < end && *q == '(') {
			const char *cl = memchr(q, ')', (size_t)(end - q));
			if (cl)
				copy_text(inv->gfp_printed, sizeof(inv->gfp_printed), q + 1, (size_t)(cl - q - 1));
		}
	}
	inv->order = tok_i64(s, n, "order=");
	inv->oom_score_adj = tok_i64(s, n, "oom_score_adj=");
	if (p->pend_balloon && p->offset - p->pend_balloon_offset <= BALLOON_BEFORE_BYTES) {
		e->balloon.inflated_total_kb = p->pend_total;
		e->balloon.inflated_free_kb = p->pend_free;
	}
	p->pend_balloon = false;
}

static void on_balloon_line(struct oom_parser *p, const char *s, size_t n)
{
	struct opt_u64 total = tok_u64(s, n, "InflatedTotal:");
	struct opt_u64 freed = tok_u64(s, n, "InflatedFree:");
	if (p->cur && p->state == ST_EVENT) {
		p->cur->balloon.inflated_total_kb = total;
		p->cur->balloon.inflated_free_kb = freed;
		return;
	}
	p->pend_balloon = true;
	p->pend_total = total;
	p->pend_free = freed;
	p->pend_balloon_offset = p->offset;
}

static enum oom_kind kind_of_constraint(const char *s, size_t n)
{
	if (starts(s, n, "CONSTRAINT_NONE"))
		return OOM_KIND_GLOBAL;
	if (starts(s, n, "CONSTRAINT_MEMCG"))
		return OOM_KIND_MEMCG;
	if (starts(s, n, "CONSTRAINT_CPUSET"))
		return OOM_KIND_CPUSET;
	if (starts(s, n, "CONSTRAINT_MEMORY_POLICY"))
		return OOM_KIND_MEMPOLICY;
	return OOM_KIND_UNKNOWN;
}

/* The value of "key=" up to the next ','. */
static void field_copy(const char *s, size_t n, const char *key, char *dst, size_t cap)
{
	const char *v = token_n(s, n, key, strlen(key));
	if (!v)
		return;
	const char *e = memchr(v, ',', (size_t)(s + n - v));
	copy_text(dst, cap, v, (size_t)((e ? e : s + n) - v));
}

static void on_constraint(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta)
{
	struct oom_event *e = p->cur;
	if (!e || p->state != ST_EVENT || e->kill_seen)
		e = new_event(p, meta, true);
	const char *v = s + strlen("oom-kill:constraint=");
	const char *ve = memchr(v, ',', (size_t)(s + n - v));
	copy_text(e->constraint, sizeof(e->constraint), v, (size_t)((ve ? ve : s + n) - v));
	e->kind = kind_of_constraint(v, (size_t)(s + n - v));
	field_copy(s, n, "oom_memcg=", e->memcg, sizeof(e->memcg));
	field_copy(s, n, "task_memcg=", e->task_memcg, sizeof(e->task_memcg));
	/* task=COMM,pid=N: the comm may hold commas, so find ",pid=" from the end */
	const char *t = token(s, n, "task=");
	if (t && !e->vic.present) {
		const char *pp = NULL;
		for (const char *q = t; (q = memmem(q, (size_t)(s + n - q), ",pid=", 5)); q++)
			pp = q;
		if (pp) {
			copy_text(e->vic.comm, sizeof(e->vic.comm), t, (size_t)(pp - t));
			e->vic.pid = num_at(pp + 5, s + n, NULL);
			e->vic.uid = tok_u64(pp, (size_t)(s + n - pp), "uid=");
			e->vic.present = e->vic.pid.known;
		}
	}
}

static void on_killed(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
{
	static const char *const terms[] = { ") total-vm:", ")\xc2", NULL };
	struct opt_u64 pid;
	char comm[OOM_COMM_MAX];
	const char *num = at + strlen("Killed process ");
	if (!pid_comm(num, s + n, terms, &pid, comm, sizeof(comm)))
		return;
	struct oom_event *e = p->cur;
	/* pre-5.0 "Kill process P ... or sacrifice child" may be followed by
	 * the kill of a child: "Killed process" names the real victim */
	bool same = e && (!e->vic.present || (e->vic.pid.known && e->vic.pid.v == pid.v) ||
			  (p->state == ST_TAIL && !e->vic.total_vm_kb.known));
	if (!e || !same || (e->kill_seen && e->vic.total_vm_kb.known))
		e = new_event(p, meta, true);
	struct oom_victim *v = &e->vic;
	v->present = true;
	v->pid = pid;
	snprintf(v->comm, sizeof(v->comm), "%s", comm);
	v->total_vm_kb = tok_u64(s, n, "total-vm:");
	v->anon_rss_kb = tok_u64(s, n, "anon-rss:");
	v->file_rss_kb = tok_u64(s, n, "file-rss:");
	v->shmem_rss_kb = tok_u64(s, n, "shmem-rss:");
	v->pgtables_kb = tok_u64(s, n, "pgtables:");
	struct opt_u64 uid = tok_u64(s, n, "UID:");
	if (uid.known)
		v->uid = uid;
	v->oom_score_adj = tok_i64(s, n, "oom_score_adj:");
	if (find(s, (size_t)(at - s), "Memory cgroup out of memory") && e->kind == OOM_KIND_UNKNOWN)
		e->memcg_hint = true;
	e->kill_seen = true;
	p->state = ST_TAIL;
	p->tail_left = TAIL_LINES;
}

/* Pre-5.0: "Out of memory: Kill process N (c) score S or sacrifice child". */
static void on_kill_process(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
{
	static const char *const terms[] = { ") score ", NULL };
	struct opt_u64 pid;
	char comm[OOM_COMM_MAX];
	if (!pid_comm(at + strlen("Kill process "), s + n, terms, &pid, comm, sizeof(comm)))
		return;
	struct oom_event *e = p->cur;
	if (!e || p->state != ST_EVENT || e->kill_seen)
		e = new_event(p, meta, true);
	e->vic.present = true;
	e->vic.pid = pid;
	snprintf(e->vic.comm, sizeof(e->vic.comm), "%s", comm);
	e->vic.score = tok_u64(s, n, "score ");
	if (find(s, (size_t)(at - s), "Memory cgroup out of memory"))
		e->memcg_hint = true;
	e->kill_seen = true;
	p->state = ST_TAIL;
	p->tail_left = TAIL_LINES;
}

static void on_reaper(struct oom_parser *p, const char *s, size_t n)
{
	static const char *const terms[] = { "), now ", NULL };
	struct opt_u64 pid;
	char comm[OOM_COMM_MAX];
	bool reaped = starts(s, n, "oom_reaper: reaped process ");
	const char *num;
	if (reaped)
		num = s + strlen("oom_reaper: reaped process ");
	else if (starts(s, n, "oom_reaper: unable to reap pid:"))
		num = s + strlen("oom_reaper: unable to reap pid:");
	else
		return;
	if (!pid_comm(num, s + n, terms, &pid, comm, sizeof(comm)))
		return;
	/* the reaper runs later: find the event that killed this pid */
	for (size_t k = 0; k < p->nev && k < 8; k++) {
		struct oom_event *e = &p->ev[p->nev - 1 - k];
		if (!e->vic.pid.known || e->vic.pid.v != pid.v || e->reaper != REAPER_UNKNOWN)
			continue;
		e->reaper = reaped ? REAPER_REAPED : REAPER_UNABLE;
		if (reaped) {
			e->reaper_anon_kb = tok_u64(s, n, "anon-rss:");
			e->reaper_file_kb = tok_u64(s, n, "file-rss:");
			e->reaper_shmem_kb = tok_u64(s, n, "shmem-rss:");
		}
		return;
	}
}

/* virtio_balloon / hv_balloon / vmw_balloon / xen balloon driver messages
 * and stack frames. A task merely named "balloon" is none of these. */
static const char *balloon_driver_of(const char *s, size_t n)
{
	static const struct {
		const char *needle, *driver;
	} pats[] = {
		{ "virtballoon_", "virtio_balloon" }, { "[virtio_balloon]", "virtio_balloon" },
		{ "virtio_balloon ", "virtio_balloon" }, { "virtio_balloon:", "virtio_balloon" },
		{ "Out of puff", "virtio_balloon" },	 { "hv_balloon", "hv_balloon" },
		{ "vmw_balloon", "vmw_balloon" },	 { "vmmemctl", "vmw_balloon" },
		{ "xen:balloon", "xen_balloon" },	 { "xen_balloon", "xen_balloon" },
	};
	if (!find(s, n, "alloon") && !find(s, n, "vmmemctl") && !find(s, n, "Out of puff"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pats); i++)
		if (find_n(s, n, pats[i].needle, strlen(pats[i].needle)))
			return pats[i].driver;
	return NULL;
}

static void on_zone(struct oom_event *e, int node, const char *name, size_t namelen, const char *s, size_t n)
{
	if (e->nzones >= OOM_MAX_ZONES)
		return;
	struct oom_zone *z = &e->zones[e->nzones++];
	z->node = node;
	copy_text(z->name, sizeof(z->name), name, namelen);
	z->free_kb = tok_u64(s, n, "free:");
	z->min_kb = tok_u64(s, n, "min:");
	z->low_kb = tok_u64(s, n, "low:");
	z->high_kb = tok_u64(s, n, "high:");
	z->present_kb = tok_u64(s, n, "present:");
	z->managed_kb = tok_u64(s, n, "managed:");
}

static void on_node(struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q;
	struct opt_u64 node = num_at(s + 5, end, &q);
	if (!node.known || q >= end || *q != ' ')
		return;
	q++;
	const char *w = q;
	while (q < end && *q != ' ' && *q != ':' && *q != '=')
		q++;
	if (q >= end)
		return;
	if (*q == ' ' && q + 6 <= end && memcmp(q + 1, "free:", 5) == 0) {
		on_zone(e, node.v > 1024 ? -1 : (int)node.v, w, (size_t)(q - w), q, (size_t)(end - q));
		return;
	}
	if (*q == ':' && q + 1 < end && q[1] != ' ') { /* "Node 0 active_anon:..." */
		struct opt_u64 b = tok_u64(s, n, "Balloon:");
		if (b.known) {
			uint64_t sum = e->balloon.node_balloon_kb.known ? e->balloon.node_balloon_kb.v : 0;
			if (add_u64(sum, b.v, &sum))
				e->balloon.node_balloon_kb = opt_u64(sum);
		}
	}
}

static void on_task_header(struct oom_parser *p, const char *s, size_t n)
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

static void on_task_row(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
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

/* "N pages RAM" and friends: the number before the words. */
static void pages_line(const char *s, size_t n, const char *what, struct opt_u64 *out)
{
	const char *q;
	struct opt_u64 v = num_at(s, s + n, &q);
	if (v.known && starts_n(q, (size_t)(s + n - q), what, strlen(what)))
		*out = v;
}

static void in_event_line(struct oom_parser *p, struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n;
	bool frame = memchr(s, '+', n) != NULL; /* "func+0x1a/0x80" */
	if (frame && find(s, n, "virtballoon_oom_notify"))
		e->balloon.oom_notify_frame = true;
	if (starts(s, n, "CPU: ") || starts(s, n, "Pid: ")) {
		const char *pid = find(s, n, "PID: ");
		if (!pid)
			pid = find(s, n, "Pid: ");
		if (pid && !e->inv.pid.known)
			e->inv.pid = num_at(pid + 5, end, NULL);
		return;
	}
	if (starts(s, n, "Node ")) {
		on_node(e, s, n);
		return;
	}
	if (starts(s, n, "active_anon:") || starts(s, n, "free:")) {
		struct opt_u64 f = tok_u64(s, n, "free:");
		if (f.known)
			e->free_pages = f;
		return;
	}
	if (is_digit(s[0])) {
		pages_line(s, n, " pages RAM", &e->ram_pages);
		pages_line(s, n, " pages reserved", &e->reserved_pages);
		pages_line(s, n, " pages HighMem", &e->highmem_pages);
		return;
	}
	if (starts(s, n, "Free swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_free_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return;
	}
	if (starts(s, n, "Total swap")) {
		const char *eq = memchr(s, '=', n);
		if (eq)
			e->swap_total_kb = tok_u64(eq + 1, (size_t)(end - eq - 1), "");
		return;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close && find(s, (size_t)(close - s), "pid"))
			on_task_header(p, s, n);
		else if (p->task_header)
			on_task_row(p, e, s, n);
		return;
	}
	if (starts(s, n, "memory: usage ")) {
		e->memcg_usage_kb = tok_u64(s, n, "usage ");
		e->memcg_limit_kb = tok_u64(s, n, "limit ");
		e->memcg_failcnt = tok_u64(s, n, "failcnt ");
		e->memcg_hint = true;
		return;
	}
	if (starts(s, n, "Task in ")) {
		const char *k = find(s, n, " killed as a result of limit of ");
		if (k) {
			copy_text(e->task_memcg, sizeof(e->task_memcg), s + 8, (size_t)(k - s - 8));
			const char *m = k + strlen(" killed as a result of limit of ");
			copy_text(e->memcg, sizeof(e->memcg), m, (size_t)(end - m));
			e->memcg_hint = true;
		}
		return;
	}
	if (starts(s, n, "Memory cgroup stats for ") || (frame && find(s, n, "mem_cgroup_out_of_memory"))) {
		e->memcg_hint = true;
		return;
	}
	if (starts(s, n, "Out of memory and no killable processes"))
		e->no_killable = true;
}

static void process_logical(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta)
{
	trim(&s, &n);
	if (!n)
		return;
	const char *at;
	/* every kind of line below holds "oom", "alloon" or "Kill", except the
	 * event's body lines (in_event_line) and the panic lines */
	bool key = oom_has_key(s, n);
	if (!key)
		goto body;
	if ((at = find(s, n, "invoked oom-killer:")) && at > s) {
		on_invoked(p, s, n, at, meta);
		return;
	}
	if ((at = find(s, n, "Balloon InflatedTotal:"))) {
		on_balloon_line(p, at, (size_t)(s + n - at));
		return;
	}
	if (starts(s, n, "oom-kill:constraint=")) {
		on_constraint(p, s, n, meta);
		return;
	}
	if ((at = find(s, n, "Killed process ")) && (at == s || find(s, (size_t)(at - s), "of memory"))) {
		on_killed(p, s, n, at, meta);
		return;
	}
	if ((at = find(s, n, "Kill process ")) && find(s, (size_t)(at - s), "of memory")) {
		on_kill_process(p, s, n, at, meta);
		return;
	}
	if (starts(s, n, "oom_reaper: ")) {
		on_reaper(p, s, n);
		return;
	}
body:
	if (starts(s, n, "Kernel panic - not syncing: Out of memory") || starts(s, n, "System is deadlocked on memory")) {
		struct oom_event *e = p->cur ? p->cur : p->nev ? &p->ev[p->nev - 1] : NULL;
		if (e)
			e->panic = true;
		return;
	}
	struct oom_event *e = p->cur;
	if (e && p->state == ST_EVENT)
		in_event_line(p, e, s, n);
	const char *drv = key ? balloon_driver_of(s, n) : NULL;
	if (drv) {
		/* inside an event it belongs to it; after the kill, to the next one */
		if (e && p->state == ST_EVENT) {
			snprintf(e->balloon.driver, sizeof(e->balloon.driver), "%s", drv);
			if (s[0] != '?' && !find(s, n, "+0x")) /* messages, not stack frames */
				add_evidence(&e->balloon, s, n, meta->time_text);
		} else {
			snprintf(p->idle_driver, sizeof(p->idle_driver), "%s", drv);
			if (!find(s, n, "+0x")) {
				/* keep the most recent few */
				if (p->nidle_ev == OOM_MAX_EVIDENCE) {
					memmove(p->idle_ev, p->idle_ev + 1, sizeof(p->idle_ev[0]) * (OOM_MAX_EVIDENCE - 1));
					p->nidle_ev--;
				}
				struct oom_evidence *ev = &p->idle_ev[p->nidle_ev++];
				copy_text(ev->text, sizeof(ev->text), s, n);
				copy_text(ev->time_text, sizeof(ev->time_text), meta->time_text, strlen(meta->time_text));
			}
		}
	}
}

/* ---- physical lines, joining, state --------------------------------------- */

/* A line that starts a message of its own, never a wrapped continuation. */
static bool starts_message(const char *s, size_t n)
{
	static const char *const marks[] = { "invoked oom-killer", "Out of memory", "Killed process", "oom-kill:",
					     "oom_reaper:", "Mem-Info:", "Balloon Inflated", "Tasks state",
					     "Call Trace:", "CPU: ", "Hardware name:" };
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (find_n(s, n < 64 ? n : 64, marks[i], strlen(marks[i])))
			return true;
	return false;
}

/* Markdown and mail prose around a pasted log: never part of a kernel line. */
static bool looks_like_prose(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	if (c >= 0x80 || c == '`' || c == '#' || c == '>' || c == '|')
		return true;
	return n >= 2 && (c == '-' || c == '*') && s[1] == ' ';
}

static void flush_pending(struct oom_parser *p)
{
	if (!p->have_pending)
		return;
	p->have_pending = false;
	if (p->pending_trunc)
		p->truncated++;
	uint64_t saved = p->offset;
	p->offset = p->pending_offset;
	process_logical(p, p->logical, p->llen, &p->pending_meta);
	p->offset = saved;
}

static void count_line(struct oom_parser *p)
{
	if (p->state == ST_TAIL && p->tail_left && --p->tail_left == 0)
		end_event(p);
	else if (p->state == ST_EVENT && ++p->event_lines > EVENT_MAX_LINES)
		end_event(p);
}

bool oom_parser_line(struct oom_parser *p, const char *line, size_t len, uint64_t offset, bool key,
		     bool truncated)
{
	if (len >= LINE_CAP) {
		len = LINE_CAP - 1;
		truncated = true;
	}
	size_t n = oom_clean_line(line, len, p->scratch, sizeof(p->scratch));
	struct oom_line ol;
	oom_normalise(p->scratch, n, &ol);
	p->offset = offset;
	if (ol.kmsg_dict)
		return p->state != ST_IDLE || p->have_pending;

	const char *m = ol.msg;
	size_t mn = ol.len;
	trim(&m, &mn);
	bool continuation = p->have_pending && !ol.prefixed && !ol.foreign && mn > 0 && !looks_like_prose(m, mn) &&
			    !starts_message(m, mn);
	if (continuation) {
		size_t room = LOGICAL_CAP - 1 - p->llen;
		if (room && p->llen && p->logical[p->llen - 1] != ' ') {
			p->logical[p->llen++] = ' ';
			room--;
		}
		if (mn > room) {
			mn = room;
			p->pending_trunc = true;
		}
		memcpy(p->logical + p->llen, m, mn);
		p->llen += mn;
		p->logical[p->llen] = '\0';
		return true;
	}
	flush_pending(p);
	count_line(p);
	if (ol.foreign || mn == 0)
		return p->state != ST_IDLE;
	if (ol.prefixed && !ol.kmsg && (key || p->state != ST_IDLE)) {
		/* keep it: the next line may be its wrapped continuation */
		memcpy(p->logical, ol.msg, ol.len);
		p->llen = ol.len;
		p->logical[p->llen] = '\0';
		p->pending_meta = ol;
		p->pending_meta.msg = NULL;
		p->pending_offset = offset;
		p->pending_trunc = truncated;
		p->have_pending = true;
		return true;
	}
	if (truncated)
		p->truncated++;
	process_logical(p, ol.msg, ol.len, &ol);
	return p->state != ST_IDLE;
}

struct oom_parser *oom_parser_new(void)
{
	struct oom_parser *p = xcalloc(1, sizeof(*p));
	return p;
}

void oom_parser_free(struct oom_parser *p)
{
	if (!p)
		return;
	free(p->ev);
	free(p);
}

void oom_parser_begin_file(struct oom_parser *p, unsigned file_index)
{
	p->file_index = file_index;
	p->have_pending = false;
	p->pend_balloon = false;
	p->nidle_ev = 0;
	p->idle_driver[0] = '\0';
	end_event(p);
}

void oom_parser_end_file(struct oom_parser *p)
{
	flush_pending(p);
	end_event(p);
}

static void merge_into(struct oom_event *dst, const struct oom_event *src)
{
	dst->vic = src->vic;
	dst->kill_seen = src->kill_seen;
	if (!dst->constraint[0] && src->constraint[0]) {
		memcpy(dst->constraint, src->constraint, sizeof(dst->constraint));
		dst->kind = src->kind;
	}
	if (!dst->memcg[0])
		memcpy(dst->memcg, src->memcg, sizeof(dst->memcg));
	if (!dst->task_memcg[0])
		memcpy(dst->task_memcg, src->task_memcg, sizeof(dst->task_memcg));
	dst->memcg_hint |= src->memcg_hint;
	if (dst->reaper == REAPER_UNKNOWN) {
		dst->reaper = src->reaper;
		dst->reaper_anon_kb = src->reaper_anon_kb;
		dst->reaper_file_kb = src->reaper_file_kb;
		dst->reaper_shmem_kb = src->reaper_shmem_kb;
	}
	dst->panic |= src->panic;
}

void oom_parser_finish(struct oom_parser *p)
{
	/* A kill fragment (no "invoked" line) completes an event that has the
	 * head but no kill, when the kill came at most 30 s later (uptime). */
	for (size_t i = 0; i < p->nev; i++) {
		struct oom_event *f = &p->ev[i];
		if (!f->fragment || f->inv.present || !f->kill_seen || !f->has_uptime)
			continue;
		struct oom_event *best = NULL;
		for (size_t j = 0; j < p->nev; j++) {
			struct oom_event *h = &p->ev[j];
			if (j == i || !h->inv.present || h->kill_seen || h->no_killable || !h->has_uptime ||
			    h->file_index != f->file_index)
				continue;
			double d = f->uptime_s - h->uptime_s;
			if (d < 0 || d > 30)
				continue;
			if (!best || h->uptime_s > best->uptime_s)
				best = h;
		}
		if (!best)
			continue;
		merge_into(best, f);
		memmove(f, f + 1, (p->nev - i - 1) * sizeof(*f));
		p->nev--;
		i--;
	}
	for (size_t i = 0; i < p->nev; i++) {
		struct oom_event *e = &p->ev[i];
		if (e->kind == OOM_KIND_UNKNOWN) {
			if (e->memcg_hint)
				e->kind = OOM_KIND_MEMCG;
			else if (e->inv.present || e->kill_seen)
				e->kind = OOM_KIND_GLOBAL;
		}
	}
}

struct oom_event *oom_parser_events(struct oom_parser *p, size_t *n)
{
	*n = p->nev;
	return p->ev;
}

uint64_t oom_parser_dropped(const struct oom_parser *p)
{
	return p->dropped;
}

uint64_t oom_parser_truncated(const struct oom_parser *p)
{
	return p->truncated;
}
