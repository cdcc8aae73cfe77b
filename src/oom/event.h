/* src/oom/: explain-oom's pipeline, self-contained: input (plain and
 * compressed logs) -> scan (lines) -> prefix (time, message) -> event
 * (state machine; kill.c, meminfo.c, tasks.c per report section) -> verdict
 * -> view_text/view_json. oom/ may include base/ only.
 *
 * The model of one OOM event as read from a kernel log, and the state
 * machine that builds events from normalised log messages. Plain data:
 * unknown is !known, never 0. */
#ifndef VBTOOL_OOM_EVENT_H
#define VBTOOL_OOM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/parse.h"
#include "oom/prefix.h"

#define OOM_COMM_MAX 48     /* kernel comms are 15 bytes; room for some junk */
#define OOM_MAX_ZONES 8
#define OOM_MAX_ORDERS 16 /* buddy orders kept per zone (MAX_ORDER is 11..16) */
#define OOM_SLAB_TOP 3     /* largest "Unreclaimable slab info" caches kept */
#define OOM_TOP_TASKS 5
#define OOM_MAX_EVIDENCE 2
#define OOM_EVIDENCE_LEN 120
#define OOM_MAX_EVENTS 2048 /* beyond this, events are counted, not kept: bounded memory */
#define OOM_TASK_COMM_MAX 32

struct opt_i64 {
	bool known;
	int64_t v;
};

enum oom_kind { OOM_KIND_UNKNOWN, OOM_KIND_GLOBAL, OOM_KIND_MEMCG, OOM_KIND_CPUSET, OOM_KIND_MEMPOLICY, OOM_KIND_COUNT };
const char *oom_kind_name(enum oom_kind k);

struct oom_invoker {
	bool present;
	char comm[OOM_COMM_MAX];
	struct opt_u64 pid;
	struct opt_u64 gfp_mask;
	char gfp_printed[160]; /* the flag names the kernel printed, if any */
	struct opt_i64 order;
	struct opt_i64 oom_score_adj;
};

struct oom_victim {
	bool present;
	char comm[OOM_COMM_MAX];
	struct opt_u64 pid, uid;
	struct opt_u64 total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	struct opt_u64 score; /* pre-5.0 "score N or sacrifice child" */
	struct opt_i64 oom_score_adj;
};

enum oom_reaper_state { REAPER_UNKNOWN, REAPER_REAPED, REAPER_UNABLE };

struct oom_zone {
	char name[16];
	int node;
	struct opt_u64 free_kb, min_kb, low_kb, high_kb, present_kb, managed_kb;
	/* zones.c: the "lowmem_reserve[]:" line after the zone line (pages,
	 * one per zone type the kernel is built with), and the buddy line
	 * "Node 0 Normal: 3*4kB (UM) 0*8kB ... = 12kB": free chunks per order */
	uint8_t nreserve, norders; /* 0: no such line */
	bool buddy_cut;		   /* a count did not fit: chunks[] is not to be trusted */
	uint32_t buddy_page_kb;	   /* the line's order-0 chunk size */
	uint32_t reserve[OOM_MAX_ZONES]; /* a value past 32 bits drops the line */
	uint32_t chunks[OOM_MAX_ORDERS];
};

struct oom_task {
	uint64_t pid;
	uint64_t rss_pages;
	struct opt_u64 total_vm_pages, rss_anon_pages, rss_file_pages, rss_shmem_pages;
	struct opt_i64 oom_score_adj;
	char comm[OOM_TASK_COMM_MAX];
};

struct oom_evidence {
	char text[OOM_EVIDENCE_LEN];
	char time_text[OOM_TIME_MAX];
};

struct oom_balloon_seen {
	struct opt_u64 inflated_total_kb, inflated_free_kb; /* "Balloon InflatedTotal:" line */
	struct opt_u64 node_balloon_kb;                      /* sum of the 6.15+ per-node Balloon: */
	bool oom_notify_frame;                               /* virtballoon_oom_notify in the trace */
	bool oom_notify_reliable;                            /* one such frame without the "?" of a stack guess */
	char oom_notify_fn[28];                              /* virtballoon_ (before 5.0) or virtio_balloon_ (5.7+) */
	char driver[16];                                     /* virtio_balloon, hv_balloon, vmw_balloon, xen */
	struct oom_evidence evidence[OOM_MAX_EVIDENCE];
	unsigned nevidence;
};

/* The Mem-Info breakdown (meminfo.c): the summary lines count pages, the
 * Node lines kB; unknown is !known, never 0. */
struct oom_meminfo {
	struct opt_u64 active_anon, inactive_anon, active_file, inactive_file, unevictable; /* pages */
	struct opt_u64 slab_reclaimable, slab_unreclaimable, shmem, mapped, pagetables, free_cma; /* pages */
	struct opt_u64 kernel_stack_kb;                  /* summed over the Node (5.x) or zone lines */
	struct opt_u64 pagecache_pages, swapcache_pages; /* "N total pagecache pages", "N pages in swap cache" */
	struct opt_u64 cma_reserved_pages, hwpoisoned_pages;
	struct opt_u64 hugepages_kb, hugepages_free_kb;  /* sum of total*size over nodes and sizes */
	struct opt_u64 buddy_page_kb;                    /* order 0 of a buddy line: "N*4kB" */
	struct opt_u64 node_lru_kb;                      /* LRU sizes summed over the Node lines */
};

/* The kernel and machine (platform.c): from "CPU: ... Comm: x Not tainted
 * 5.15.0-91-generic #1" (or "Pid: N, comm: x ..." on 2.6) and "Hardware name:". */
struct oom_platform {
	int tainted;        /* 0 not in the log, 1 "Not tainted", 2 tainted */
	char kernel[65];    /* "" when not in the log; the kernel's release is at most 64 */
	char taint[23];     /* the flag letters (about 20 exist), "" when not tainted or unknown */
	char hardware[128]; /* dump_stack_arch_desc_str is 128 bytes */
};

/* cgroup detail (memcg.c): v1 memory+swap and kmem, v2 swap, and the
 * memory.stat keys after "Memory cgroup stats for <path>:" in bytes (v1
 * prints them in kB, v2 in bytes). The keys live on the heap, charged to
 * the parser's detail budget (see struct oom_task_table). */
#define OOM_MEMCG_STATS 64 /* keys kept for one cgroup; 6.x prints about 50 */
struct oom_memcg_stat {
	char key[28];
	uint64_t bytes;
};
struct oom_memcg_detail {
	struct opt_u64 memsw_usage_kb, memsw_limit_kb, memsw_failcnt; /* v1 "memory+swap:" */
	struct opt_u64 kmem_usage_kb, kmem_limit_kb, kmem_failcnt;    /* v1 "kmem:" */
	struct opt_u64 swap_usage_kb, swap_limit_kb, swap_failcnt;    /* v2 "swap:" */
	char stats_path[160]; /* the first "Memory cgroup stats for": the memcg at its limit
			       * (v1 before 5.x prints one line per child after it) */
	struct oom_memcg_stat *stats;
	unsigned nstats;
	bool stats_open;     /* the v2 key lines that follow the header belong to it */
	bool stats_not_kept; /* over the budget: the keys were seen but not kept */
};

/* Every row of the task table (tasks.c), on the heap. The parser keeps
 * such detail for at most OOM_DETAIL_BUDGET bytes over all kept events
 * (2048 events of a dense log must stay within explain-oom's memory
 * target); past it, not_kept says so and only the largest few (top) stay. */
#define OOM_DETAIL_BUDGET (1u << 20)
struct oom_task_row {
	uint64_t pid;
	struct opt_u64 uid, tgid, total_vm_pages, rss_pages, rss_anon_pages, rss_file_pages, rss_shmem_pages;
	struct opt_u64 pgtables_bytes, pgtables_pages, swapents; /* pages: nr_ptes(+nr_pmds) before 4.15 */
	struct opt_i64 oom_score_adj;
	char comm[OOM_TASK_COMM_MAX];
};
struct oom_task_table {
	struct oom_task_row *rows;
	size_t n, cap;
	bool not_kept;
};

struct oom_event {
	char time_text[OOM_TIME_MAX];
	double uptime_s;

	char constraint[32];

	struct oom_invoker inv;
	struct oom_victim vic;
	/* why the kernel panicked (kill.c): "panic_on_oom", "panic_on_oom_compulsory",
	 * "no_killable", "deadlocked"; NULL when no panic line was seen */
	const char *panic_reason;

	struct opt_u64 reaper_anon_kb, reaper_file_kb, reaper_shmem_kb;

	/* memory picture */
	struct opt_u64 free_pages;                /* Mem-Info free: */
	struct opt_u64 ram_pages, reserved_pages, highmem_pages;
	struct opt_u64 swap_free_kb, swap_total_kb;
	struct oom_meminfo mi;
	struct oom_platform plat;
	/* nzones of them: the parser's while the event is read, a copy of
	 * just those once a kept event ends (zones_own), so a kept event
	 * costs 1.7 KiB less (2048 of them: explain-oom's memory budget) */
	struct oom_zone *zones;

	/* memcg */
	char memcg[160];
	char task_memcg[160];
	struct opt_u64 memcg_usage_kb, memcg_limit_kb, memcg_failcnt;
	struct oom_memcg_detail mcg;

	struct oom_balloon_seen balloon;

	struct oom_task top[OOM_TOP_TASKS];
	uint64_t ntasks;
	/* the task table's header was seen, how many lines after it looked
	 * like rows (read or not), and whether another line of the event came
	 * after it: a header, no row, then more of the report is a table the
	 * kernel printed empty (no task it could list) */
	bool task_header_seen, task_table_closed;
	uint64_t task_row_lines;
	struct opt_u64 tasks_rss_pages;
	struct oom_task_table table;
	struct opt_u64 tasks_swapents;

	/* zones.c: the "Unreclaimable slab info:" table (the kernel prints it
	 * when unreclaimable slab exceeds the LRU pages; slab_info below: it
	 * was seen), its largest caches */
	struct oom_slab_cache {
		char name[48]; /* longer names end in "..." */
		uint64_t used_kb, total_kb;
	} slab_top[OOM_SLAB_TOP];
	uint64_t slab_caches; /* rows read */

	unsigned file_index;
	enum oom_kind kind;
	enum oom_reaper_state reaper;
	unsigned nzones;
	unsigned ntop;
	unsigned truncated_lines;
	unsigned nslab_top;
	bool has_uptime;
	bool zones_own; /* zones is the event's, freed with it */
	bool fragment; /* started without the "invoked oom-killer" line */
	bool kill_seen, no_killable, panic;
	bool sysrq; /* "Manual OOM execution" (SysRq-f) opened it */
	bool memcg_hint; /* memcg evidence without the constraint line */
	bool slab_info;
	/* what in the event's own lines showed a virtual machine ("QEMU" from
	 * the Hardware name: line, "Xen" or "virtio" from stack frames), ""
	 * when nothing did; hw_named: a Hardware name: line was seen */
	char vm_sign[24];
	bool hw_named;
};

/* The report has a task table with no row in it (see task_header_seen). */
static inline bool oom_task_table_empty(const struct oom_event *e)
{
	return !e->ntasks && e->task_header_seen && !e->task_row_lines && e->task_table_closed;
}

/* The page size of the event's machine in KiB (platform.c), from the log:
 * the order-0 size of a buddy line ("buddy_lines"), else the zones'
 * present kB over "pages RAM" ("pages_ram"), else the Node lines' kB over
 * the Mem-Info page counts ("node_meminfo"); else 4 ("assumed"). *source
 * gets that word. */
uint64_t oom_page_kb(const struct oom_event *e, const char **source);
/* The kernel's major.minor from e->plat.kernel; false when not in the log. */
bool oom_kernel_version(const struct oom_event *e, unsigned *major, unsigned *minor);
/* The request's size, 2^order pages, in KiB; !known for order < 0 or absurd. */
struct opt_u64 oom_request_kb(const struct oom_event *e);

/* The parser: feeds on normalised messages, keeps the events. */
struct oom_parser;

struct oom_parser *oom_parser_new(void);
void oom_parser_free(struct oom_parser *p);
/* Starts a new input (resets per-file state; events stay). */
void oom_parser_begin_file(struct oom_parser *p, unsigned file_index);
/* One physical line (without its newline); offset is where it starts in the
 * current input; key: the scanner found a key in it (else it is a line the
 * parser asked for). Returns true when the parser wants the next line too
 * (inside an event, or to see whether it continues a wrapped line), false
 * when it can wait for the next key line. */
bool oom_parser_line(struct oom_parser *p, const char *line, size_t len, uint64_t offset, bool key,
		     bool truncated);
/* Ends the current input (flushes a pending joined line). */
void oom_parser_end_file(struct oom_parser *p);
/* After oom_parser_end_file: the file read looks pasted newest line first
 * (journalctl -r): its times mostly go down, or, with no time that moves, a
 * kill line came before its report's header. Never when streaming or past
 * OOM_MAX_EVENTS. */
bool oom_parser_file_reversed(const struct oom_parser *p);
/* The same question for a parser that streams (it keeps no event): each
 * event goes to oom_order_add as it ends, then oom_parser_order_reversed
 * answers after oom_parser_end_file. */
struct oom_order {
	size_t n;
	bool last_kill_only, last_header_only, earlier_not_kill;
};
void oom_order_add(struct oom_order *o, const struct oom_event *e);
bool oom_parser_order_reversed(const struct oom_parser *p, const struct oom_order *o);
/* Forgets the events of the file just read, to read it again. */
void oom_parser_drop_file(struct oom_parser *p, unsigned file_index);
/* Merges fragments of one event split by out-of-order pasting; call once
 * after the last file. */
void oom_parser_finish(struct oom_parser *p);

struct oom_event *oom_parser_events(struct oom_parser *p, size_t *n);
uint64_t oom_parser_dropped(const struct oom_parser *p);
/* Called with each event past OOM_MAX_EVENTS once it is complete (its kind
 * settled): the parser keeps no more than that many, so whoever counts all
 * of them counts here. The event is reused after the call. */
typedef void (*oom_event_fn)(void *ctx, const struct oom_event *e);
void oom_parser_on_dropped(struct oom_parser *p, oom_event_fn fn, void *ctx);
/* Streaming (explain-oom --brief): the parser keeps no event; each is
 * handed to fn when it ends (16 lines after its kill line, at the next
 * event, or at the end of a file), kind settled. Lines that would change
 * an event after that (a late oom_reaper result, a panic) are not applied,
 * and oom_parser_finish joins nothing: a report and its kill pasted apart
 * arrive as two events. Call before the first line. */
void oom_parser_stream(struct oom_parser *p, oom_event_fn fn, void *ctx);
uint64_t oom_parser_truncated(const struct oom_parser *p);

#endif
