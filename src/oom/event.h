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
	char driver[16];                                     /* virtio_balloon, hv_balloon, vmw_balloon, xen */
	struct oom_evidence evidence[OOM_MAX_EVIDENCE];
	unsigned nevidence;
};

struct oom_event {
	unsigned file_index;
	char time_text[OOM_TIME_MAX];
	bool has_uptime;
	double uptime_s;

	enum oom_kind kind;
	char constraint[32];
	bool fragment; /* started without the "invoked oom-killer" line */

	struct oom_invoker inv;
	struct oom_victim vic;
	bool kill_seen, no_killable, panic;

	enum oom_reaper_state reaper;
	struct opt_u64 reaper_anon_kb, reaper_file_kb, reaper_shmem_kb;

	/* memory picture */
	struct opt_u64 free_pages;                /* Mem-Info free: */
	struct opt_u64 ram_pages, reserved_pages, highmem_pages;
	struct opt_u64 swap_free_kb, swap_total_kb;
	struct oom_zone zones[OOM_MAX_ZONES];
	unsigned nzones;

	/* memcg */
	char memcg[160];
	char task_memcg[160];
	struct opt_u64 memcg_usage_kb, memcg_limit_kb, memcg_failcnt;
	bool memcg_hint; /* memcg evidence without the constraint line */

	struct oom_balloon_seen balloon;

	struct oom_task top[OOM_TOP_TASKS];
	unsigned ntop;
	uint64_t ntasks;
	struct opt_u64 tasks_rss_pages;

	unsigned truncated_lines;

	/* what in the event's own lines showed a virtual machine ("QEMU" from
	 * the Hardware name: line, "Xen" or "virtio" from stack frames), ""
	 * when nothing did; hw_named: a Hardware name: line was seen */
	char vm_sign[24];
	bool hw_named;
};

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
