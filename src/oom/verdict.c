/* The numbers behind a verdict, and the rule table. Adding a verdict is
 * adding a row: a condition and a sentence. */
#include "oom/verdict.h"
#include "oom/zones.h"

#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "base/util.h"

/* memmap costs 64 bytes (struct page) per 4 KiB page of present memory;
 * the kernel image and early reservations take 24-72 MiB more
 * (OOM_KERNEL_RESERVE_*: Debian 12's 6.1 in a 1 GiB QEMU guest takes 47
 * MiB, tests/vm/vm-oom-estimate.bats). A present/managed gap beyond that,
 * and beyond 10% of RAM, is what an inflated balloon looks like. */
#define MEMMAP_DIVISOR 64
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

/* pages in the event's own page size (oom_page_kb: read from the log) */
static struct opt_u64 pages_kb(const struct oom_event *e, struct opt_u64 pages)
{
	uint64_t kb;
	if (pages.known && mul_u64(pages.v, oom_page_kb(e, NULL), &kb))
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

/* A hypervisor whose balloon takes its pages out of managed memory:
 * virtio_balloon without DEFLATE_ON_OOM (adjust_managed_page_count; QEMU/KVM
 * and the clouds built on it) and Xen's balloon do; VMware's holds them as
 * allocated pages, so a VMware guest's gap is something else. */
static bool takes_managed(const char *vm_sign)
{
	static const char *const kvm[] = { "QEMU", "KVM", "virtio", "Xen", "Bochs", "OpenStack", "RHEV", "oVirt",
					   "Nutanix AHV", "Cloud Hypervisor", "Firecracker", "Alibaba Cloud ECS" };
	for (size_t i = 0; i < ARRAY_SIZE(kvm); i++)
		if (strcmp(vm_sign, kvm[i]) == 0)
			return true;
	return false;
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
	f->free_kb = pages_kb(e, e->free_pages);
	if (!f->free_kb.known && !bad_free)
		f->free_kb = zfree;
	f->ram_kb = pages_kb(e, e->ram_pages);
	if (!f->ram_kb.known)
		f->ram_kb = f->present_kb;
	if (f->present_kb.known)
		f->gap_kb = opt_u64(f->present_kb.v - f->managed_kb.v);
	else
		f->gap_kb = pages_kb(e, e->reserved_pages);

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
	/* only 5.7+'s notifier is registered with the feature alone, and only a
	 * frame without "?" is more than a guess (kill.c on_notify_frame) */
	if (s->oom_notify_reliable && strcmp(s->oom_notify_fn, "virtio_balloon_oom_notify") == 0)
		b->deflate_on_oom = 1;
	/* Only with a balloon driver or a hypervisor in the log: on bare metal
	 * a gap is a crashkernel, KASAN or firmware reservation. A range: the
	 * gap less memmap, less the most and the least the kernel keeps. */
	bool driver_seen = s->driver[0] || s->oom_notify_frame;
	if (!b->source && (driver_seen || takes_managed(e->vm_sign)) && e->kind == OOM_KIND_GLOBAL && f->gap_kb.known) {
		uint64_t base = f->present_kb.known ? f->present_kb.v : (f->ram_kb.known ? f->ram_kb.v : 0);
		uint64_t memmap = base / MEMMAP_DIVISOR;
		uint64_t most = memmap + OOM_KERNEL_RESERVE_MAX_KB, least = memmap + OOM_KERNEL_RESERVE_MIN_KB;
		if (base && f->gap_kb.v > most && percent(f->gap_kb.v - most, base) >= ESTIMATE_MIN_PERCENT) {
			b->size_min_kb = opt_u64(f->gap_kb.v - most);
			b->size_max_kb = opt_u64(f->gap_kb.v - least);
			b->size_kb = opt_u64(f->gap_kb.v - memmap - (OOM_KERNEL_RESERVE_MIN_KB + OOM_KERNEL_RESERVE_MAX_KB) / 2);
			b->memmap_kb = opt_u64(memmap);
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
	char s[32], fr[32], cur[32], m[32], pc[32], ram[32];
	uint64_t size = f->balloon.size_kb.v;
	const char *src = strcmp(f->balloon.source, "node_balloon") == 0 ? "per-node Balloon:" : "Balloon InflatedTotal:";
	if (f->free_kb.known && f->min_kb.known && f->ram_kb.known) {
		uint64_t would;
		if (!add_u64(f->free_kb.v, size, &would))
			would = UINT64_MAX;
		snprintf(buf, len,
			 "At this global OOM the balloon held %s (%s of the %s the VM was given, from %s) and could "
			 "not give it back (no DEFLATE_ON_OOM); without it free memory would have been %s instead of "
			 "%s, against a min watermark of %s.",
			 fmt_kb(s, sizeof(s), size), fmt_percent(pc, sizeof(pc), size, f->ram_kb.v),
			 fmt_kb(ram, sizeof(ram), f->ram_kb.v), src, fmt_kb(fr, sizeof(fr), would),
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
			 "virtio_balloon_oom_notify is in the trace: 5.7+ registers it only with DEFLATE_ON_OOM, so the "
			 "feature was on. The log shows no kill for this event, so it does not say whether the notifier "
			 "freed enough.");
	else if (e->balloon.oom_notify_frame)
		snprintf(buf, len,
			 "virtio_balloon_oom_notify is in the trace: 5.7+ registers it only with DEFLATE_ON_OOM, so the "
			 "feature was on, and a process was still killed: the kernel kills only when the notifier freed "
			 "nothing, so the balloon had nothing left to give back.");
	else
		snprintf(buf, len, "The balloon counters show 0 kB inflated at the OOM: it had already deflated.");
}

/* A notifier frame that proves less than it seems (kill.c on_notify_frame
 * has the driver's history): the pre-5.0 notifier is registered whatever
 * was negotiated, and a "?" frame is a stale address. */
static bool is_notifier_frame(const struct oom_event *e, const struct oom_facts *f)
{
	return e->balloon.oom_notify_frame && f->balloon.deflate_on_oom != 1;
}

static void say_notifier_frame(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	bool old = strcmp(e->balloon.oom_notify_fn, "virtballoon_oom_notify") == 0;
	snprintf(buf, len, "%s is in the trace%s. %s%s",
		 e->balloon.oom_notify_fn,
		 e->balloon.oom_notify_reliable ? "" : " only as a \"?\" frame, a stale address the unwinder guessed",
		 old ? "Kernels before 5.0 register this OOM notifier whether or not DEFLATE_ON_OOM was "
		       "negotiated and tests the feature inside: the frame shows neither the feature nor a deflation."
		     : "That suggests DEFLATE_ON_OOM (5.7+ registers it only then), but does not show a deflation.",
		 e->kill_seen ? " A process was killed after the notifier ran, so it freed nothing (DEFLATE_ON_OOM "
				"off, or an empty balloon); the log has no balloon counter to say which."
			      : " The log shows no kill for this event.");
}

static bool above_high(const struct oom_event *e, const struct oom_facts *f)
{
	return e->inv.order.known && e->inv.order.v > 0 && f->free_kb.known && f->high_kb.known &&
	       f->free_kb.v > f->high_kb.v;
}

/* free above the high watermarks, or the watermark test (zones.c) finds
 * enough free pages but no chunk of the order in the zones allowed */
static bool is_fragmentation(const struct oom_event *e, const struct oom_facts *f)
{
	if (above_high(e, f))
		return true;
	struct oom_alloc a;
	oom_allocation(e, &a);
	return strcmp(a.outcome, "fragmentation") == 0;
}

static void say_fragmentation(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	if (!above_high(e, f)) {
		struct oom_alloc a;
		oom_allocation(e, &a);
		char r[32];
		snprintf(buf, len,
			 "An order-%lld allocation (%s contiguous) failed although a zone it may use had enough free "
			 "pages for the min watermark: none of its free chunks was of order %lld or above, so memory "
			 "was fragmented, not exhausted.",
			 (long long)e->inv.order.v, fmt_kb(r, sizeof(r), a.request_kb.known ? a.request_kb.v : 0),
			 (long long)e->inv.order.v);
		return;
	}
	char fr[32], h[32];
	snprintf(buf, len,
		 "An order-%lld allocation (%llu KiB contiguous) failed although %s was free, above the high "
		 "watermarks (%s in all): memory was fragmented, not exhausted.",
		 (long long)e->inv.order.v, oom_request_kb(e).known ? (unsigned long long)oom_request_kb(e).v : 0ULL,
		 fmt_kb(fr, sizeof(fr), f->free_kb.v), fmt_kb(h, sizeof(h), f->high_kb.v));
}

/* The largest consumer: the top task, else the victim. */
bool oom_largest_task(const struct oom_event *e, const char **comm, uint64_t *pid, uint64_t *kbytes)
{
	if (e->ntop) {
		uint64_t k;
		if (!mul_u64(e->top[0].rss_pages, oom_page_kb(e, NULL), &k))
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
	char s[32], g[32], r[32], mm[32], lo[32], hi[32];
	const struct oom_balloon *b = &f->balloon;
	snprintf(buf, len,
		 "ESTIMATE: zones had %s more present than managed memory on %s of RAM; less memmap (%s, 1/64 of "
		 "present) and 24-72 MiB for the kernel image and early allocations, that leaves %s to %s (about "
		 "%s, %u%% of RAM) that a balloon without DEFLATE_ON_OOM may have held. A crashkernel= or swiotlb "
		 "reservation would count here too; the log has no balloon counter to confirm it.",
		 fmt_kb(g, sizeof(g), f->gap_kb.v), fmt_kb(r, sizeof(r), f->ram_kb.known ? f->ram_kb.v : 0),
		 fmt_kb(mm, sizeof(mm), b->memmap_kb.v), fmt_kb(lo, sizeof(lo), b->size_min_kb.v),
		 fmt_kb(hi, sizeof(hi), b->size_max_kb.v), fmt_kb(s, sizeof(s), b->size_kb.v),
		 percent(b->size_kb.v, f->ram_kb.known ? f->ram_kb.v : f->present_kb.v));
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

/* ---- deaths: the outcome was not a kill (kill.c reads these lines) ---- */

static bool is_panic_on_oom(const struct oom_event *e, const struct oom_facts *f)
{
	return e->panic_reason && strncmp(e->panic_reason, "panic_on_oom", 12) == 0;
}

static void say_panic_on_oom(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	bool compulsory = strcmp(e->panic_reason, "panic_on_oom_compulsory") == 0;
	snprintf(buf, len,
		 "The machine went down: at this OOM the kernel panicked instead of killing a process, as "
		 "vm.panic_on_oom=%s asks (%s)%s, so nothing was killed.%s",
		 compulsory ? "2" : "1",
		 compulsory ? "\"compulsory\": a panic at every OOM, memcg and cpuset ones included"
			    : "\"system-wide\": a panic at a global OOM",
		 e->sysrq ? "; the OOM itself was triggered by hand (SysRq-f)" : "",
		 e->inv.present ? "" : " The log holds no report before the panic, so it does not say what used the memory.");
}

static bool is_no_killable(const struct oom_event *e, const struct oom_facts *f)
{
	return e->no_killable || (e->panic_reason && strcmp(e->panic_reason, "deadlocked") == 0);
}

static void say_no_killable(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	const char *end = !e->panic ? "; the log shows no panic after it (a memcg or SysRq-f OOM does not panic), so the "
				      "machine may have stayed up."
			  : e->panic_reason && strcmp(e->panic_reason, "deadlocked") == 0
				  ? ", and the kernel panicked (\"System is deadlocked on memory\"): the machine went down."
				  : ", and the kernel panicked (\"Out of memory and no killable processes\"): the machine went "
				    "down.";
	snprintf(buf, len,
		 "The OOM killer found no process it could kill (every candidate was exempt, e.g. oom_score_adj "
		 "-1000, kernel threads or tasks already exiting)%s%s",
		 e->sysrq ? ", at an OOM triggered by hand (SysRq-f)" : "", end);
}

/* " It killed COMM (pid N)." or "": what a manual OOM did. */
static void killed_clause(const struct oom_event *e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (e->vic.present)
		snprintf(buf, len, " It killed %s (pid %llu).", e->vic.comm,
			 e->vic.pid.known ? (unsigned long long)e->vic.pid.v : 0ULL);
}

static bool is_sysrq(const struct oom_event *e, const struct oom_facts *f)
{
	return e->sysrq;
}

static void say_sysrq(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char v[96];
	killed_clause(e, v, sizeof(v));
	snprintf(buf, len,
		 "Someone triggered the OOM killer by hand (SysRq-f, \"Manual OOM execution\"): no allocation "
		 "failed, so this event says nothing about a memory shortage or the balloon.%s%s",
		 v, e->kill_seen ? "" : " The log shows no kill after it.");
}

/* ---- manual OOMs and slab (H2b) ---- */

/* order=-1 in the header: out_of_memory() called from SysRq-f or a write
 * to /proc/sysrq-trigger (the kernel's is_sysrq_oom()), not from a failed
 * allocation. */
static bool is_manual(const struct oom_event *e, const struct oom_facts *f)
{
	return e->inv.order.known && e->inv.order.v == -1;
}

static void say_manual(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	char v[96];
	killed_clause(e, v, sizeof(v));
	snprintf(buf, len,
		 "order=-1: a manual OOM kill (SysRq-f or a write to /proc/sysrq-trigger), not a shortage: no "
		 "allocation failed, so this event says nothing about memory use or the balloon.%s",
		 v);
}

/* Unreclaimable slab at this share of RAM or more is the kernel's own memory
 * growing: a healthy kernel keeps it to a few percent, and the kernel itself
 * dumps its caches ("Unreclaimable slab info:") only once it exceeds all
 * user (LRU) memory. 30% is above any ordinary kernel use, low enough to
 * catch a leak that has not yet eaten everything. */
#define SLAB_PERCENT 30

bool oom_slab_grew(const struct oom_event *e, const struct oom_facts *f, uint64_t *kb)
{
	const char *src;
	return e->mi.slab_unreclaimable.known && f->ram_kb.known && f->ram_kb.v &&
	       mul_u64(e->mi.slab_unreclaimable.v, oom_page_kb(e, &src), kb) &&
	       percent(*kb, f->ram_kb.v) >= SLAB_PERCENT;
}

static bool is_slab(const struct oom_event *e, const struct oom_facts *f)
{
	uint64_t kb;
	return oom_slab_grew(e, f, &kb);
}

static int say_slab_n(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	uint64_t kb = 0;
	oom_slab_grew(e, f, &kb);
	char s[32], r[32], c[32], top[128] = "";
	if (e->nslab_top)
		snprintf(top, sizeof(top), "; the largest cache, %s, held %s", e->slab_top[0].name,
			 fmt_kb(c, sizeof(c), e->slab_top[0].total_kb));
	return snprintf(buf, len,
			"The kernel's own memory (slab) grew until OOM: unreclaimable slab held %s of the %s of RAM "
			"(%u%%)%s%s.",
			fmt_kb(s, sizeof(s), kb), fmt_kb(r, sizeof(r), f->ram_kb.v), percent(kb, f->ram_kb.v),
			e->slab_info ? ", more than all user memory (the kernel listed its caches)" : "", top);
}

static void say_slab(const struct oom_event *e, const struct oom_facts *f, char *buf, size_t len)
{
	say_slab_n(e, f, buf, len);
}

static const struct rule rules[] = {
	{ "panic-on-oom", is_panic_on_oom, say_panic_on_oom },
	{ "no-killable-task", is_no_killable, say_no_killable },
	{ "sysrq-manual-oom", is_sysrq, say_sysrq },
	{ "manual-oom", is_manual, say_manual },
	{ "memcg-limit", is_memcg, say_memcg },
	{ "constrained", is_constrained, say_constrained },
	{ "balloon-held-memory", is_held, say_held },
	{ "balloon-deflated", is_deflated, say_deflated },
	{ "slab-unreclaimable", is_slab, say_slab },
	{ "fragmentation", is_fragmentation, say_fragmentation },
	{ "single-task", is_single_task, say_single_task },
	{ "balloon-notifier-frame", is_notifier_frame, say_notifier_frame },
	{ "balloon-estimated", is_estimated, say_estimated },
	{ "insufficient-evidence", always, say_insufficient },
};

const char *const oom_verdict_codes[] = { "panic-on-oom", "no-killable-task", "sysrq-manual-oom", "manual-oom",
					  "slab-unreclaimable",
					  "memcg-limit",   "constrained", "balloon-held-memory", "balloon-deflated",
					  "fragmentation", "single-task", "balloon-notifier-frame", "balloon-estimated",
					  "insufficient-evidence",
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
			/* a panic whose reason the rule above did not tell */
			if (e->panic && !is_panic_on_oom(e, f) && !is_no_killable(e, f)) {
				size_t l = strlen(v->summary);
				snprintf(v->summary + l, sizeof(v->summary) - l, " The kernel then panicked: the machine went down.");
			}
			/* a death verdict says what happened; slab growth may say why */
			if (rules[i].when != is_slab && rules[i].when != is_memcg && is_slab(e, f)) {
				size_t l = strlen(v->summary);
				if (l + 1 < sizeof(v->summary)) {
					v->summary[l++] = ' ';
					say_slab_n(e, f, v->summary + l, sizeof(v->summary) - l);
				}
			}
			return;
		}
}
