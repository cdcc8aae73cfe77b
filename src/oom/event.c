/* The state machine that groups kernel log messages into OOM events.
 *
 * IDLE: only key lines arrive (the scanner filters); an "invoked oom-killer"
 * line opens an event, a kill or constraint line without one opens a
 * fragment (the log started mid-event). IN_EVENT: every line is read
 * (Mem-Info, zones, task table, memcg lines) until the kill line. TAIL: a
 * few lines after the kill for the pre-5.0 second kill line and wrapped
 * continuations. Wrapped lines (mail clients) are joined to the prefixed
 * line before them when they carry no prefix of their own. */
#include "oom/parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oom/scan.h"
#include "base/util.h"

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

/* ---- events ------------------------------------------------------------- */

void init_event(struct oom_parser *p, struct oom_event *e, const struct oom_line *meta)
{
	memset(e, 0, sizeof(*e));
	e->zones = p->zones;
	e->file_index = p->file_index;
	if (meta) {
		copy_text(e->time_text, sizeof(e->time_text), meta->time_text, strlen(meta->time_text));
		e->has_uptime = meta->has_uptime;
		e->uptime_s = meta->uptime_s;
	}
}

void add_evidence(struct oom_balloon_seen *b, const char *msg, size_t n, const char *time_text)
{
	if (b->nevidence >= OOM_MAX_EVIDENCE)
		return;
	struct oom_evidence *ev = &b->evidence[b->nevidence++];
	copy_text(ev->text, sizeof(ev->text), msg, n);
	copy_text(ev->time_text, sizeof(ev->time_text), time_text, strlen(time_text));
}

static void settle_kind(struct oom_event *e);

void end_event(struct oom_parser *p)
{
	struct oom_event *e = p->cur;
	if (e && p->on_ended) {
		settle_kind(e);
		p->on_ended(p->ended_ctx, e);
	} else if (e && e != &p->overflow && e->zones == p->zones) {
		/* kept: its zones move out of the parser's array, which the next
		 * event reuses (an event not kept is handed over before that) */
		e->zones = NULL;
		if (e->nzones) {
			e->zones = xmalloc(e->nzones * sizeof(*p->zones));
			memcpy(e->zones, p->zones, e->nzones * sizeof(*p->zones));
			e->zones_own = true;
		}
	}
	p->cur = NULL;
	p->state = ST_IDLE;
	p->task_header = false;
}

/* What an event without a constraint line was: memcg markers, else global. */
static void settle_kind(struct oom_event *e)
{
	if (e->kind != OOM_KIND_UNKNOWN)
		return;
	if (e->memcg_hint)
		e->kind = OOM_KIND_MEMCG;
	else if (e->inv.present || e->kill_seen)
		e->kind = OOM_KIND_GLOBAL;
}

static void hand_over_overflow(struct oom_parser *p)
{
	if (!p->overflow_live)
		return;
	settle_kind(&p->overflow);
	if (p->on_dropped)
		p->on_dropped(p->dropped_ctx, &p->overflow);
	p->overflow_live = false;
}

void oom_parser_on_dropped(struct oom_parser *p, oom_event_fn fn, void *ctx)
{
	p->on_dropped = fn;
	p->dropped_ctx = ctx;
}

void oom_parser_stream(struct oom_parser *p, oom_event_fn fn, void *ctx)
{
	p->on_ended = fn;
	p->ended_ctx = ctx;
}

struct oom_event *new_event(struct oom_parser *p, const struct oom_line *meta, bool fragment)
{
	end_event(p);
	struct oom_event *e;
	if (p->on_ended) {
		e = &p->overflow; /* streaming: end_event above handed the last one over */
	} else if (p->nev >= OOM_MAX_EVENTS) {
		hand_over_overflow(p);
		p->dropped++;
		p->overflow_live = true;
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
	p->quiet = 0;
	return e;
}

static void process_logical(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta)
{
	trim(&s, &n);
	if (!n)
		return;
	if (p->task_header && p->cur && s[0] != '[')
		p->cur->task_table_closed = true;
	if (on_death_line(p, s, n, meta))
		return;
	const char *at;
	/* every kind of line below holds "oom", "alloon" or "Kill", except the
	 * event's body lines (in_event_line) */
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
body:; /* C11: a label is followed by a statement, not a declaration (clang) */
	struct oom_event *e = p->cur;
	if (e && p->state == ST_EVENT) {
		on_notify_frame(e, s, n);
		on_memcg_stats_path(e, s, n);
		on_vm_sign(e, s, n);
		if (in_event_line(p, e, s, n))
			p->quiet = 0;
		else if (p->quiet < BODY_QUIET_LINES)
			p->quiet++;
	} else if (e && p->state == ST_TAIL && e->panic && !e->plat.kernel[0] &&
		   (starts(s, n, "CPU: ") || starts(s, n, "Pid: "))) {
		/* panic() dumps the stack right after "Kernel panic": a headerless
		 * event still names its kernel there */
		on_cpu_line(e, s, n);
	}
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

/* Does the parser want every line next (else only key lines)? Inside an
 * event until BODY_QUIET_LINES lines in a row were nothing a report holds
 * (the rule is written down at the top of scan.c), and in the tail. */
static bool wants_all(const struct oom_parser *p)
{
	return p->state == ST_TAIL || (p->state == ST_EVENT && p->quiet < BODY_QUIET_LINES);
}

static void count_line(struct oom_parser *p)
{
	if (p->state == ST_TAIL && p->tail_left && --p->tail_left == 0)
		end_event(p);
	else if (p->state == ST_EVENT && ++p->event_lines > EVENT_MAX_LINES)
		end_event(p);
}

_Static_assert(sizeof(((struct oom_parser *)0)->last_tt) == sizeof(((struct oom_line *)0)->time_text),
	       "note_direction copies one into the other");

/* Whether this line's time is before or after the last one's: uptimes
 * compare as numbers; other time texts only when of the same length (the
 * same format: "Nov 22 10:00:05" sorts as text within a month). */
static void note_direction(struct oom_parser *p, const struct oom_line *ol)
{
	int d = 0;
	if (ol->has_uptime) {
		if (p->have_last_t && p->last_tt[0] == '\0')
			d = ol->uptime_s > p->last_up ? 1 : ol->uptime_s < p->last_up ? -1 : 0;
		p->last_up = ol->uptime_s;
		p->last_tt[0] = '\0';
	} else if (ol->time_text[0]) {
		if (p->have_last_t && p->last_tt[0] && strlen(p->last_tt) == strlen(ol->time_text)) {
			int c = strcmp(ol->time_text, p->last_tt);
			d = c > 0 ? 1 : c < 0 ? -1 : 0;
		}
		memcpy(p->last_tt, ol->time_text, sizeof(p->last_tt)); /* both OOM_TIME_MAX, NUL-terminated */
	} else {
		return;
	}
	p->have_last_t = true;
	if (d > 0)
		p->t_up++;
	else if (d < 0)
		p->t_down++;
}

/* No time moves (one second's lines, or none): kill lines, then the
 * header of their report with nothing after it - forward, a header is
 * followed by its CPU:/Pid: line, Mem-Info or task table (a report pasted
 * tail first has them) - and nothing else in the file. */
void oom_order_add(struct oom_order *o, const struct oom_event *e)
{
	if (o->n && !o->last_kill_only)
		o->earlier_not_kill = true;
	o->last_kill_only = e->fragment && !e->inv.present && e->vic.present;
	o->last_header_only = e->inv.present && !e->kill_seen && !e->inv.pid.known && !e->nzones && !e->ntasks &&
			      !e->free_pages.known;
	o->n++;
}

bool oom_parser_order_reversed(const struct oom_parser *p, const struct oom_order *o)
{
	if (p->t_down || p->t_up)
		return p->t_down > p->t_up;
	return o->n >= 2 && o->last_header_only && !o->earlier_not_kill;
}

bool oom_parser_file_reversed(const struct oom_parser *p)
{
	if (p->on_ended || p->dropped || p->nev <= p->file_first_ev)
		return false; /* streamed or dropped events cannot be taken back */
	struct oom_order o = { 0 };
	for (size_t i = p->file_first_ev; i < p->nev; i++)
		oom_order_add(&o, &p->ev[i]);
	return oom_parser_order_reversed(p, &o);
}

void oom_parser_drop_file(struct oom_parser *p, unsigned file_index)
{
	while (p->nev > p->file_first_ev && p->ev[p->nev - 1].file_index == file_index)
		oom_event_free_detail(&p->ev[--p->nev]);
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
		return wants_all(p) || p->have_pending;
	if (ol.wall) {
		memcpy(p->wall_time, ol.time_text, sizeof(p->wall_time));
		p->wall_next = offset + len + 1;
		return wants_all(p) || p->have_pending;
	}
	if (p->wall_time[0]) {
		/* " kernel:MSG" right under the header has no time of its own */
		if (offset == p->wall_next && !ol.time_text[0])
			memcpy(ol.time_text, p->wall_time, sizeof(ol.time_text));
		p->wall_time[0] = '\0';
	}

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
		return wants_all(p);
	if (ol.prefixed)
		note_direction(p, &ol);
	if (ol.prefixed && !ol.kmsg && (key || wants_all(p))) {
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
	return wants_all(p);
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
	for (size_t i = 0; i < p->nev; i++)
		oom_event_free_detail(&p->ev[i]);
	free(p->ev);
	free(p);
}

void oom_parser_begin_file(struct oom_parser *p, unsigned file_index)
{
	p->file_index = file_index;
	p->file_first_ev = p->nev;
	p->t_up = p->t_down = 0;
	p->have_last_t = false;
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
	if (!dst->panic_reason)
		dst->panic_reason = src->panic_reason;
	dst->sysrq |= src->sysrq;
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
		oom_event_free_detail(f);
		memmove(f, f + 1, (p->nev - i - 1) * sizeof(*f));
		p->nev--;
		i--;
	}
	for (size_t i = 0; i < p->nev; i++)
		settle_kind(&p->ev[i]);
	hand_over_overflow(p);
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
