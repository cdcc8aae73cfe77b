/* Verdicts: derived numbers for one event, then a rule table (first match
 * wins) that picks one code and writes one sentence with the numbers. */
#ifndef VBTOOL_OOM_VERDICT_H
#define VBTOOL_OOM_VERDICT_H

#include "oom/event.h"

#define OOM_PAGE_KB 4 /* the usual page size; an event's own is oom_page_kb(e) (read from the log) */

/* What the log says (or lets us estimate) about the balloon. */
struct oom_balloon {
	bool present;	/* any balloon evidence at all */
	struct opt_u64 size_kb;
	const char *source; /* "inflated_line", "node_balloon", "present_managed_estimate", "driver_only" */
	bool estimate;
	/* present_managed_estimate only: the range (size_kb is its middle) and
	 * its basis, the memmap share of the gap (the rest of the basis is
	 * OOM_KERNEL_RESERVE_MIN_KB..MAX_KB) */
	struct opt_u64 size_min_kb, size_max_kb, memmap_kb;
	int deflate_on_oom; /* 1 on, 0 off, -1 unknown */
};

/* The kernel image and its early allocations (page tables, per-CPU areas,
 * firmware tables) in the present - managed gap, besides memmap */
#define OOM_KERNEL_RESERVE_MIN_KB ((uint64_t)24 * 1024)
#define OOM_KERNEL_RESERVE_MAX_KB ((uint64_t)72 * 1024)

struct oom_facts {
	struct opt_u64 ram_kb, free_kb, min_kb, low_kb, high_kb;
	struct opt_u64 present_kb, managed_kb, gap_kb;
	struct oom_balloon balloon;
	/* what shows a virtual machine: the event's vm_sign, else the balloon
	 * driver or counter; NULL when the log shows none */
	const char *vm_sign;
};

struct oom_verdict {
	const char *code;
	char summary[512];
};

void oom_facts(const struct oom_event *e, struct oom_facts *f);
void oom_verdict(const struct oom_event *e, const struct oom_facts *f, struct oom_verdict *v);

/* The documented codes, for --help and the man page tests. */
extern const char *const oom_verdict_codes[];
#define OOM_VERDICT_MAX 24 /* more than oom_verdict_codes holds */
/* The index of a code in oom_verdict_codes. */
size_t oom_verdict_index(const char *code);
/* The largest consumer: the top task of the task table, else the victim
 * (its rss); false when the log has neither. */
bool oom_largest_task(const struct oom_event *e, const char **comm, uint64_t *pid, uint64_t *kbytes);
/* Unreclaimable slab (Mem-Info) at 30% of RAM or more; *kb gets its size.
 * The slab-unreclaimable verdict, and a note on the others. */
bool oom_slab_grew(const struct oom_event *e, const struct oom_facts *f, uint64_t *kb);
/* The words for a balloon source code ("inflated_line" -> "from the
 * Balloon InflatedTotal: line"), for the text views; JSON keeps the codes. */
const char *oom_balloon_source_words(const char *source);

#endif
