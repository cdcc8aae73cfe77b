/* The lines that open and close an OOM report: "invoked oom-killer", the
 * constraint line, the kill lines of every kernel era, the reaper, and the
 * balloon lines printed with the report. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- line kinds ---------------------------------------------------------- */

void on_invoked(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
{
	struct oom_event *e = p->cur;
	/* SysRq-f's report, a few lines after its "Manual OOM execution" */
	if (e && e->sysrq && p->state == ST_TAIL && !e->inv.present && !e->kill_seen) {
		e->fragment = false;
		p->state = ST_EVENT;
		p->event_lines = 0;
	} else {
		e = new_event(p, meta, false);
	}
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
	/* the task that printed the header is the one that invoked the OOM
	 * killer: its printk caller id stands in for a missing CPU:/Pid: line */
	if (meta && meta->caller_tid)
		inv->pid = opt_u64(meta->caller_tid);
	inv->order = tok_i64(s, n, "order=");
	inv->oom_score_adj = tok_i64(s, n, "oom_score_adj=");
	if (p->pend_balloon && p->offset - p->pend_balloon_offset <= BALLOON_BEFORE_BYTES) {
		e->balloon.inflated_total_kb = p->pend_total;
		e->balloon.inflated_free_kb = p->pend_free;
	}
	p->pend_balloon = false;
}

void on_balloon_line(struct oom_parser *p, const char *s, size_t n)
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

/* The cgroup path after "key=" up to the next ','. */
static void path_field(const char *s, size_t n, const char *key, char *dst, size_t cap)
{
	const char *v = token_n(s, n, key, strlen(key));
	if (!v)
		return;
	const char *e = memchr(v, ',', (size_t)(s + n - v));
	copy_path(dst, cap, v, (size_t)((e ? e : s + n) - v));
}

void on_constraint(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta)
{
	struct oom_event *e = p->cur;
	if (!e || p->state != ST_EVENT || e->kill_seen)
		e = new_event(p, meta, true);
	const char *v = s + strlen("oom-kill:constraint=");
	const char *ve = memchr(v, ',', (size_t)(s + n - v));
	copy_text(e->constraint, sizeof(e->constraint), v, (size_t)((ve ? ve : s + n) - v));
	e->kind = kind_of_constraint(v, (size_t)(s + n - v));
	path_field(s, n, "oom_memcg=", e->memcg, sizeof(e->memcg));
	path_field(s, n, "task_memcg=", e->task_memcg, sizeof(e->task_memcg));
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

void on_killed(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
{
	static const char *const terms[] = { ") total-vm:", ")\xc2", NULL };
	struct opt_u64 pid;
	char comm[OOM_COMM_MAX];
	const char *num = at + strlen("Killed process "), *q;
	struct opt_u64 uid = OPT_U64_UNKNOWN;
	pid = num_at(num, s + n, &q);
	if (pid.known && starts(q, (size_t)(s + n - q), ", UID ")) {
		/* RHEL 6 (2.6.32-*.el6): "Killed process N, UID U, (comm) total-vm:..." */
		uid = num_at(q + 6, s + n, &q);
		if (!uid.known || q == s + n || *q != ',' || !comm_at(q + 1, s + n, terms, comm, sizeof(comm)))
			return;
	} else if (!pid_comm(num, s + n, terms, &pid, comm, sizeof(comm))) {
		return;
	}
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
	/* "UID:U" (4.19+), "UID U," (RHEL 6 and some vendor 3.10 kernels) */
	if (!uid.known)
		uid = tok_u64(s, n, "UID:");
	if (!uid.known)
		uid = tok_u64(s, n, "UID ");
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
void on_kill_process(struct oom_parser *p, const char *s, size_t n, const char *at, const struct oom_line *meta)
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

void on_reaper(struct oom_parser *p, const char *s, size_t n)
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
const char *balloon_driver_of(const char *s, size_t n)
{
	static const struct {
		const char *needle, *driver;
	} pats[] = {
		{ "virtballoon_", "virtio_balloon" }, { "[virtio_balloon]", "virtio_balloon" },
		{ "virtio_balloon ", "virtio_balloon" }, { "virtio_balloon:", "virtio_balloon" },
		{ "Out of puff", "virtio_balloon" },	 { "hv_balloon", "hv_balloon" },
		{ "vmw_balloon", "vmw_balloon" },	 { "vmmemctl", "vmw_balloon" },
		{ "xen:balloon", "xen_balloon" },	 { "xen_balloon", "xen_balloon" },
		/* balloon.c's older prefix ("xen/balloon: Initialising balloon
		 * driver.") and its thread's name ("xen-balloon thread could not
		 * be started") */
		{ "xen/balloon", "xen_balloon" },	 { "xen-balloon", "xen_balloon" },
	};
	if (!find(s, n, "alloon") && !find(s, n, "vmmemctl") && !find(s, n, "Out of puff"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pats); i++)
		if (find_n(s, n, pats[i].needle, strlen(pats[i].needle)))
			return pats[i].driver;
	return NULL;
}

/* ---- deaths that may come without a report --------------------------------
 * mm/oom_kill.c: check_panic_on_oom() prints the report (dump_header) and
 * then panic("Out of memory: %s panic_on_oom is enabled\n") with
 * "compulsory" (vm.panic_on_oom=2) or "system-wide" (=1, which panics only
 * for CONSTRAINT_NONE: a global OOM). out_of_memory() with nothing to kill:
 * older kernels panic("Out of memory and no killable processes...\n"),
 * later ones pr_warn() that line and then panic("System is deadlocked on
 * memory\n") unless the OOM is a memcg or SysRq one. drivers/tty/sysrq.c
 * prints SysRq-f as "SysRq : Manual OOM execution" (older) or "sysrq:
 * Manual OOM execution"; its OOM has order=-1 and may kill, find nothing
 * or (panic_on_oom=2 on older kernels) panic. panic() prefixes "Kernel
 * panic - not syncing: ". A paste may hold only these lines: a console
 * photo, or a syslogd wall broadcast of the emergency-level panic. */

/* The event a death line belongs to: the report open now (the panic comes
 * right after dump_header or the "no killable" line), else a new one. */
#define DEATH_JOIN_S 30 /* a panic this long after the report's first line is another death */

static struct oom_event *death_event(struct oom_parser *p, const struct oom_line *meta)
{
	const struct oom_event *c = p->cur;
	if (c && p->state != ST_IDLE &&
	    !(c->has_uptime && meta->has_uptime &&
	      (meta->uptime_s < c->uptime_s || meta->uptime_s - c->uptime_s > DEATH_JOIN_S)))
		return p->cur;
	struct oom_event *e = new_event(p, meta, true);
	/* the lines right after it may still belong to it (a panic after the
	 * "no killable" line, the report after a SysRq-f line) */
	p->state = ST_TAIL;
	p->tail_left = TAIL_LINES;
	return e;
}

bool on_death_line(struct oom_parser *p, const char *s, size_t n, const struct oom_line *meta)
{
	if (!n || (s[0] != 'K' && s[0] != 'O' && s[0] != 'S' && s[0] != 's'))
		return false;
	if ((starts(s, n, "SysRq") || starts(s, n, "sysrq")) && find(s, n, "Manual OOM execution")) {
		end_event(p);
		struct oom_event *e = death_event(p, meta);
		e->sysrq = true;
		return true;
	}
	bool panic = starts(s, n, "Kernel panic - not syncing: ");
	const char *m = s + (panic ? 28 : 0);
	size_t mn = n - (panic ? 28 : 0);
	const char *reason = NULL;
	bool no_killable = false;
	if (panic && starts(m, mn, "Out of memory: ") && find(m, mn, "panic_on_oom")) {
		reason = find(m, mn, "compulsory") ? "panic_on_oom_compulsory" : "panic_on_oom";
	} else if (starts(m, mn, "Out of memory and no killable processes")) {
		no_killable = true;
		reason = panic ? "no_killable" : NULL;
	} else if (starts(m, mn, "System is deadlocked on memory")) {
		reason = "deadlocked"; /* only ever a panic message, even when its prefix was cut */
		panic = true;
	} else {
		return false;
	}
	struct oom_event *e = death_event(p, meta);
	e->no_killable |= no_killable;
	if (panic) {
		e->panic = true;
		e->panic_reason = reason;
		if (strcmp(reason, "panic_on_oom") == 0 && e->kind == OOM_KIND_UNKNOWN && !e->memcg_hint)
			e->kind = OOM_KIND_GLOBAL;
	}
	return true;
}

/* The virtio_balloon OOM notifier in a stack trace. Its history
 * (drivers/virtio/virtio_balloon.c) decides what a frame shows:
 * 5a10b7dbf904 ("virtio_balloon: free some memory from balloon on OOM",
 * v4.0) registers virtballoon_oom_notify at probe whether or not
 * DEFLATE_ON_OOM was negotiated and tests the feature inside (without it
 * the notifier frees nothing); 71994620bb25 ("virtio_balloon: replace oom
 * notifier with shrinker") removed it (present in 4.18, gone in 5.0
 * builds); da10329cb057 ("virtio-balloon:
 * switch back to OOM handler for VIRTIO_BALLOON_F_DEFLATE_ON_OOM", v5.7)
 * brought back virtio_balloon_oom_notify, registered only with the
 * feature. out_of_memory() calls the notifiers before the report and kills
 * only when they freed nothing, so the frame in a report's trace is a stale
 * address: the "?" the unwinder prints says it is a guess. */
void on_notify_frame(struct oom_event *e, const char *s, size_t n)
{
	static const char *const names[] = { "virtio_balloon_oom_notify", "virtballoon_oom_notify" };
	if (!memchr(s, '+', n) || !find(s, n, "oom_notify")) /* "func+0x2a/0x80" */
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *at = find_n(s, n, names[i], strlen(names[i]));
		if (!at)
			continue;
		const char *q = at;
		while (q > s && q[-1] == ' ')
			q--;
		e->balloon.oom_notify_frame = true;
		if (q == s || q[-1] != '?')
			e->balloon.oom_notify_reliable = true;
		if (!e->balloon.oom_notify_fn[0])
			snprintf(e->balloon.oom_notify_fn, sizeof(e->balloon.oom_notify_fn), "%s", names[i]);
		return;
	}
}

/* "Memory cgroup stats for /path:" (v2: the keys follow on their own lines;
 * v1: "/path: cache:0KB ...", once for the OOM's memcg and then once per
 * child). The first names the memcg that hit its limit: the path when the
 * "Task in" / oom-kill: line that names it is not in the log. Those lines
 * set it when they come (copy_path overwrites). */
void on_memcg_stats_path(struct oom_event *e, const char *s, size_t n)
{
	if (e->memcg[0] || !starts(s, n, "Memory cgroup stats for "))
		return;
	const char *v = s + strlen("Memory cgroup stats for "), *end = s + n;
	const char *c = find_n(v, (size_t)(end - v), ": ", 2);
	if (!c) {
		c = end;
		if (c > v && c[-1] == ':')
			c--;
	}
	if (c > v && *v == '/')
		copy_path(e->memcg, sizeof(e->memcg), v, (size_t)(c - v));
}
