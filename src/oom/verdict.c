/* The numbers behind a verdict, and the rule table. Adding a verdict is
 * adding a row: a condition and a sentence. */
#include "oom/verdict.h"

#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "base/util.h"

/* memmap costs 64 bytes per 4 KiB page; the kernel image and early
 * reservations take some tens of MiB more. A present/managed gap beyond
 * that, and beyond 10% of RAM, is what an inflated balloon looks like. */
#define MEMMAP_DIVISOR 64
#define FIXED_RESERVE_KB (64 * 1024)
#define ESTIMATE_MIN_PERCENT 10
#define SINGLE_TASK_PERCENT 50

static void sum_into(struct opt_u64 *acc, struct opt_u64 v, bool *bad)
{
	if (!v.known) {
		*bad = true;
		return;
	}
	uint64_t s = acc->known ? acc->v : 0;
	if (!add_u64(s, v.v, &s)) {
		*bad = true;
		return;
	}
	*acc = opt_u64(s);
}

static struct opt_u64 pages_kb(struct opt_u64 pages)
{
	uint64_t kb;
	if (pages.known && mul_u64(pages.v, OOM_PAGE_KB, &kb))
		return opt_u64(kb);
	return OPT_U64_UNKNOWN;
}

static unsigned percent(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	long double p = (long double)part * 100 / (long double)whole;
	return p > 1000 ? 1000 : (unsigned)(p + 0.5L);
}

void oom_facts(const struct oom_event *e, struct oom_facts *f)
{
	memset(f, 0, sizeof(*f));
	bool bad_free = false, bad_min = false, bad_low = false, bad_high = false, bad_pm = false;
	struct opt_u64 zfree = OPT_U64_UNKNOWN;
	for (unsigned i = 0; i < e->nzones; i++) {
		const struct oom_zone *z = &e->zones[i];
		sum_into(&zfree, z->free_kb, &bad_free);
		sum_into(&f->min_kb, z->min_kb, &bad_min);
		sum_into(&f->low_kb, z->low_kb, &bad_low);
		sum_into(&f->high_kb, z->high_kb, &bad_high);
		if (z->present_kb.known && z->managed_kb.known && z->present_kb.v >= z->managed_kb.v) {
			sum_into(&f->present_kb, z->present_kb, &bad_pm);
			sum_into(&f->managed_kb, z->managed_kb, &bad_pm);
		} else {
			bad_pm = true;
		}
	}
	if (bad_min)
		f->min_kb = OPT_U64_UNKNOWN;
	if (bad_low)
		f->low_kb = OPT_U64_UNKNOWN;
	if (bad_high)
		f->high_kb = OPT_U64_UNKNOWN;
	if (bad_pm)
		f->present_kb = f->managed_kb = OPT_U64_UNKNOWN;
	f->free_kb = pages_kb(e->free_pages);
	if (!f->free_kb.known && !bad_free)
		f->free_kb = zfree;
	f->ram_kb = pages_kb(e->ram_pages);
	if (!f->ram_kb.known)
		f->ram_kb = f->present_kb;
	if (f->present_kb.known)
		f->gap_kb = opt_u64(f->present_kb.v - f->managed_kb.v);
	else
		f->gap_kb = pages_kb(e->reserved_pages);

	struct oom_balloon *b = &f->balloon;
	const struct oom_balloon_seen *s = &e->balloon;
	b->deflate_on_oom = -1;
	b->source = NULL;
	if (s->inflated_total_kb.known && s->inflated_total_kb.v > 0) {
		b->size_kb = s->inflated_total_kb;
		b->source = "inflated_line";
		b->deflate_on_oom = 0;
	} else if (s->inflated_free_kb.known && s->inflated_free_kb.v > 0) {
		b->size_kb = s->inflated_free_kb;
		b->source = "inflated_line";
		b->deflate_on_oom = 1;
	} else if (s->node_balloon_kb.known) {
		b->size_kb = s->node_balloon_kb;
		b->source = "node_balloon";
	} else if (s->inflated_total_kb.known || s->inflated_free_kb.known) {
		b->size_kb = opt_u64(0);
		b->source = "inflated_line";
	}
	if (s->oom_notify_frame)
		b->deflate_on_oom = 1;
	/* Only with a balloon driver in the log: a gap alone is as often a
	 * crashkernel, KASAN or firmware reservation. */
	bool driver_seen = s->driver[0] || s->oom_notify_frame;
	if (!b->source && driver_seen && e->kind == OOM_KIND_GLOBAL && f->gap_kb.known) {
		uint64_t base = f->ram_kb.known ? f->ram_kb.v : (f->present_kb.known ? f->present_kb.v : 0);
		uint64_t expected = base / MEMMAP_DIVISOR + FIXED_RESERVE_KB;
		if (base && f->gap_kb.v > expected && percent(f->gap_kb.v - expected, base) >= ESTIMATE_MIN_PERCENT) {
			b->size_kb = opt_u64(f->gap_kb.v - expected);
			b->source = "present_managed_estimate";
			b->estimate = true;
		}
	}
	if (!b->source && driver_seen)
		b->source = "driver_only";
	b->present = b->source != NULL;
	if (e->vm_sign[0])
		f->vm_sign = e->vm_sign;
	else if (s->driver[0])
		f->vm_sign = s->driver;
	else if (b->present)
		f->vm_sign = "balloon counters";
}

const char *oom_balloon_source_words(const char *source)
{
	static const struct {
		const char *code, *words;
	} w[] = {
		{ "inflated_line", "from the Balloon InflatedTotal: line" },
		{ "node_balloon", "from the per-node Balloon: fields (6.15+)" },
		{ "present_managed_estimate", "estimated from present minus managed memory" },
		{ "driver_only", "no size in the log: only the driver is seen" },
	};
	for (size_t i = 0; source && i < ARRAY_SIZE(w); i++)
		if (strcmp(source, w[i].code) == 0)
			return w[i].words;
	return source ? source : "";
}

/* ---- the rules ----------------------------------------------------------- */

struct rule {
	const char *code;
	bool (*when)(const struct oom_event *e, const struct oom_facts *f);
	void (*say)(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len);
};

static const char *kb(char *buf, size_t len, struct opt_u64 v)
{
	if (!v.known)
		return "an unknown amount";
	return fmt_kb(buf, len, v.v);
}

static bool is_memcg(const struct oom_event *e, const struct oom_facts *f)
{
	return e->kind == OOM_KIND_MEMCG;
}

static void say_memcg(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char u[32], l[32], nums[96];
	struct opt_u64 use = e->memcg_usage_kb, lim = e->memcg_limit_kb;
	if (use.known && lim.known)
		snprintf(nums, sizeof(nums), "usage %s of limit %s", kb(u, sizeof(u), use), kb(l, sizeof(l), lim));
	else if (use.known)
		snprintf(nums, sizeof(nums), "usage %s; limit not in the log", kb(u, sizeof(u), use));
	else if (lim.known)
		snprintf(nums, sizeof(nums), "limit %s; usage not in the log", kb(l, sizeof(l), lim));
	else
		snprintf(nums, sizeof(nums), "usage and limit not in the log");
	/* the balloon only where the log shows a VM; "kill" only where it shows one */
	const char *why = !f->vm_sign	? "."
			  : e->kill_seen ? "; a balloon takes memory from the whole guest, not from one cgroup, so it "
					   "played no part in this kill."
					 : "; a balloon takes memory from the whole guest, not from one cgroup, so it "
					   "played no part in this OOM (the log shows no kill for it).";
	snprintf(buf, len, "The memory cgroup %s hit its limit (%s)%s", e->memcg[0] ? e->memcg : "(path not in the log)",
		 nums, why);
}

static bool is_constrained(const struct oom_event *e, const struct oom_facts *f)
{
	return e->kind == OOM_KIND_CPUSET || e->kind == OOM_KIND_MEMPOLICY;
}

static void say_constrained(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	snprintf(buf, len,
		 "The allocation was limited by a %s (%s): the nodes it may use ran out, which says nothing "
		 "about %s.",
		 e->kind == OOM_KIND_CPUSET ? "cpuset" : "memory policy", e->constraint,
		 f->vm_sign ? "the guest's total memory or the balloon" : "the machine's total memory");
}

static bool explicit_size(const struct oom_facts *f)
{
	return f->balloon.size_kb.known && !f->balloon.estimate && f->balloon.size_kb.v > 0;
}

static bool is_held(const struct oom_event *e, const struct oom_facts *f)
{
	return explicit_size(f) && f->balloon.deflate_on_oom != 1;
}

static void say_held(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char s[32], fr[32], cur[32], m[32];
	uint64_t size = f->balloon.size_kb.v;
	const char *src = strcmp(f->balloon.source, "node_balloon") == 0 ? "per-node Balloon:" : "Balloon InflatedTotal:";
	if (f->free_kb.known && f->min_kb.known && f->ram_kb.known) {
		uint64_t would;
		if (!add_u64(f->free_kb.v, size, &would))
			would = UINT64_MAX;
		snprintf(buf, len,
			 "At this global OOM the balloon held %s (%u%% of RAM, from %s) and could not give it back "
			 "(no DEFLATE_ON_OOM); without it free memory would have been %s instead of %s, against a "
			 "min watermark of %s.",
			 fmt_kb(s, sizeof(s), size), percent(size, f->ram_kb.v), src, fmt_kb(fr, sizeof(fr), would),
			 fmt_kb(cur, sizeof(cur), f->free_kb.v), fmt_kb(m, sizeof(m), f->min_kb.v));
	} else {
		snprintf(buf, len,
			 "At this global OOM the balloon held %s (from %s) and could not give it back (no "
			 "DEFLATE_ON_OOM); the log lacks the zone figures to say what free memory would have been.",
			 fmt_kb(s, sizeof(s), size), src);
	}
}

static bool is_deflated(const struct oom_event *e, const struct oom_facts *f)
{
	if (f->balloon.deflate_on_oom == 1)
		return true;
	return f->balloon.size_kb.known && !f->balloon.estimate && f->balloon.size_kb.v == 0;
}

static void say_deflated(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char s[32];
	if (explicit_size(f))
		snprintf(buf, len,
			 "DEFLATE_ON_OOM was on: the balloon's notifier gives back 1 MiB per OOM invocation, and it "
			 "still held %s %s.",
			 fmt_kb(s, sizeof(s), f->balloon.size_kb.v),
			 e->kill_seen ? "when a process was killed" : "at this OOM (the log shows no kill for it)");
	else if (e->balloon.oom_notify_frame && !e->kill_seen)
		snprintf(buf, len,
			 "virtballoon_oom_notify is in the trace: the balloon driver's OOM notifier was called. The log "
			 "shows no kill for this event, so it does not say whether the notifier freed enough.");
	else if (e->balloon.oom_notify_frame)
		snprintf(buf, len,
			 "The balloon's deflate-on-OOM notifier was registered (virtballoon_oom_notify in the trace) and a process "
			 "was still killed: the balloon had nothing left to give back, so it had already deflated.");
	else
		snprintf(buf, len, "The balloon counters show 0 kB inflated at the OOM: it had already deflated.");
}

static bool is_fragmentation(const struct oom_event *e, const struct oom_facts *f)
{
	return e->inv.order.known && e->inv.order.v > 0 && f->free_kb.known && f->high_kb.known &&
	       f->free_kb.v > f->high_kb.v;
}

static void say_fragmentation(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char fr[32], h[32];
	snprintf(buf, len,
		 "An order-%lld allocation (%llu KiB contiguous) failed although %s was free, above the high "
		 "watermarks (%s in all): memory was fragmented, not exhausted.",
		 (long long)e->inv.order.v, e->inv.order.v < 40 ? (unsigned long long)OOM_PAGE_KB << e->inv.order.v : 0ULL,
		 fmt_kb(fr, sizeof(fr), f->free_kb.v), fmt_kb(h, sizeof(h), f->high_kb.v));
}

/* The largest consumer: the top task, else the victim. */
bool oom_largest_task(const struct oom_event *e, const char **comm, uint64_t *pid, uint64_t *kbytes)
{
	if (e->ntop) {
		uint64_t k;
		if (!mul_u64(e->top[0].rss_pages, OOM_PAGE_KB, &k))
			return false;
		*comm = e->top[0].comm, *pid = e->top[0].pid, *kbytes = k;
		return true;
	}
	if (e->vic.present && e->vic.anon_rss_kb.known && e->vic.pid.known) {
		uint64_t k = e->vic.anon_rss_kb.v;
		if (e->vic.file_rss_kb.known && !add_u64(k, e->vic.file_rss_kb.v, &k))
			return false;
		if (e->vic.shmem_rss_kb.known && !add_u64(k, e->vic.shmem_rss_kb.v, &k))
			return false;
		*comm = e->vic.comm, *pid = e->vic.pid.v, *kbytes = k;
		return true;
	}
	return false;
}

static bool is_single_task(const struct oom_event *e, const struct oom_facts *f)
{
	const char *c;
	uint64_t pid, k;
	return f->ram_kb.known && oom_largest_task(e, &c, &pid, &k) && percent(k, f->ram_kb.v) >= SINGLE_TASK_PERCENT;
}

static void say_single_task(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	const char *c = "";
	uint64_t pid = 0, k = 0;
	char s[32], r[32];
	oom_largest_task(e, &c, &pid, &k);
	snprintf(buf, len, "One task, %s (pid %llu), held %s of the guest's %s of RAM (%u%%): it alone exhausted memory.",
		 c, (unsigned long long)pid, fmt_kb(s, sizeof(s), k), fmt_kb(r, sizeof(r), f->ram_kb.v),
		 percent(k, f->ram_kb.v));
}

static bool is_estimated(const struct oom_event *e, const struct oom_facts *f)
{
	return f->balloon.estimate;
}

static void say_estimated(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char s[32], g[32], r[32];
	snprintf(buf, len,
		 "ESTIMATE: zones had %s more present than managed memory on %s of RAM; beyond the usual "
		 "reservations that leaves about %s (%u%% of RAM) that a balloon without DEFLATE_ON_OOM may have "
		 "held. The log has no balloon counter to confirm it.",
		 fmt_kb(g, sizeof(g), f->gap_kb.v), fmt_kb(r, sizeof(r), f->ram_kb.known ? f->ram_kb.v : 0),
		 fmt_kb(s, sizeof(s), f->balloon.size_kb.v),
		 percent(f->balloon.size_kb.v, f->ram_kb.known ? f->ram_kb.v : f->present_kb.v));
}

static bool always(const struct oom_event *e, const struct oom_facts *f)
{
	return true;
}

static void say_insufficient(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char fr[32], m[32], r[32];
	int n = 0;
	if (f->free_kb.known && f->min_kb.known)
		n = snprintf(buf, len, "Free memory was %s against a min watermark of %s%s%s. ", fmt_kb(fr, sizeof(fr), f->free_kb.v),
			     fmt_kb(m, sizeof(m), f->min_kb.v), f->ram_kb.known ? " on " : "",
			     f->ram_kb.known ? fmt_kb(r, sizeof(r), f->ram_kb.v) : "");
	else
		n = snprintf(buf, len, "The log does not hold this event's memory figures. ");
	if (n < 0 || (size_t)n >= len)
		return;
	uint64_t base = f->ram_kb.known ? f->ram_kb.v : 0;
	if (f->gap_kb.known && base && percent(f->gap_kb.v, base) >= ESTIMATE_MIN_PERCENT) {
		char g[32];
		int k = snprintf(buf + n, len - (size_t)n,
				 f->vm_sign ? "Zones have %s more present than managed memory (%u%% of RAM): a balloon "
					      "without DEFLATE_ON_OOM looks like that, but so do crashkernel and debug "
					      "reservations. "
					    : "Zones have %s more present than managed memory (%u%% of RAM), as "
					      "crashkernel, debug and firmware reservations make it. ",
				 fmt_kb(g, sizeof(g), f->gap_kb.v), percent(f->gap_kb.v, base));
		if (k < 0 || (size_t)n + (size_t)k >= len)
			return;
		n += k;
	}
	if (!f->vm_sign) {
		/* bare metal, or a log that shows nothing of the machine */
		snprintf(buf + n, len - (size_t)n, "%s",
			 e->hw_named ? "The Hardware name: line names no hypervisor and the log shows no balloon "
				       "driver: nothing points at a balloon."
				     : "The log shows no sign of a virtual machine or a balloon driver: nothing points "
				       "at a balloon.");
		return;
	}
	snprintf(buf + n, len - (size_t)n,
		 "%s%s%s: the vbtool module (a Balloon InflatedTotal line) or a 6.15+ kernel (per-node Balloon:) "
		 "would show what the balloon held.",
		 e->balloon.driver[0] ? "The " : "Nothing in the log says how much a balloon held",
		 e->balloon.driver[0] ? e->balloon.driver : "",
		 e->balloon.driver[0] ? " driver was active but the log has no balloon counter" : "");
}

static const struct rule rules[] = {
	{ "memcg-limit", is_memcg, say_memcg },
	{ "constrained", is_constrained, say_constrained },
	{ "balloon-held-memory", is_held, say_held },
	{ "balloon-deflated", is_deflated, say_deflated },
	{ "fragmentation", is_fragmentation, say_fragmentation },
	{ "single-task", is_single_task, say_single_task },
	{ "balloon-estimated", is_estimated, say_estimated },
	{ "insufficient-evidence", always, say_insufficient },
};

const char *const oom_verdict_codes[] = { "memcg-limit",   "constrained", "balloon-held-memory", "balloon-deflated",
					  "fragmentation", "single-task", "balloon-estimated",   "insufficient-evidence",
					  NULL };

size_t oom_verdict_index(const char *code)
{
	size_t i = 0;
	while (oom_verdict_codes[i] && strcmp(oom_verdict_codes[i], code) != 0)
		i++;
	return i;
}

void oom_verdict(const struct oom_event *e, const struct oom_facts *f, struct oom_verdict *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].when(e, f)) {
			v->code = rules[i].code;
			rules[i].say(e, f, v->summary, sizeof(v->summary));
			return;
		}
}
