/* top's model: the latest report plus what only a series of reports can
 * tell: rates from counter deltas, short histories, and an event log. */
#ifndef VBTOOL_TOP_MODEL_H
#define VBTOOL_TOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/report.h"

#define TOP_HISTORY 512 /* samples kept per series: wider than any sane terminal */
#define TOP_EVENTS 64   /* events kept for the log */
#define TOP_EVENT_TEXT 160
#define TOP_VERDICT_TEXT 512

enum top_series {
	TS_BALLOON_KB,
	TS_AVAILABLE_KB,
	TS_INFLATE_PS, /* pages/s */
	TS_DEFLATE_PS,
	TS_SWAPIN_PS,
	TS_SWAPOUT_PS,
	TS_MAJFAULT_PS,
	TS_PSI_SOME, /* avg10, percent */
	TS_PSI_FULL,
	TS_COUNT
};

struct top_series_info {
	const char *label; /* for the screen */
	const char *key;   /* for JSON */
	bool is_kb;        /* a size in kB rather than a rate or a percentage */
};
extern const struct top_series_info top_series_info[TS_COUNT];

enum top_event_kind {
	TE_STARTED,
	TE_BALLOON_GREW,
	TE_BALLOON_SHRANK,
	TE_DEVICE_ADDED,
	TE_DEVICE_REMOVED,
	TE_DRIVER_CHANGED,
	TE_OOM_KILL,
};
const char *top_event_kind_name(enum top_event_kind k);

struct top_event {
	enum top_event_kind kind;
	char when[24]; /* "HH:MM:SS" wall clock, or "[12.345678]" from a captured log */
	char text[TOP_EVENT_TEXT];
	/* OOM kills: explain-oom's verdict, "" when none */
	char verdict_code[32];
	char verdict[TOP_VERDICT_TEXT];
};

/* The RAM bar: total = used + cache + free + balloon (kB). */
struct top_ram {
	bool known;
	uint64_t total, used, cache, free, balloon;
};

struct top_counters {
	struct opt_u64 inflate, deflate, pswpin, pswpout, pgmajfault;
};

struct top_model {
	struct balloon_report r; /* the latest sample */
	bool have_report;
	/* the next sample reads every source again (a uevent came, or no
	 * uevent monitor runs); otherwise only the changing files (issue #12) */
	bool rescan, always_rescan;
	struct opt_u64 uptime_base_s; /* /proc/uptime at the last full read */
	double uptime_base_time;
	uint64_t samples;
	double sample_time; /* CLOCK_MONOTONIC seconds of the latest sample */
	struct top_counters prev;
	double rate[TS_COUNT]; /* latest value of each series; NAN when unknown */
	struct top_ram ram;
	/* history: a ring per series, NAN for unknown */
	double hist[TS_COUNT][TOP_HISTORY];
	size_t hist_head, hist_len;
	/* the event log, a ring; events_seen counts every event ever added */
	struct top_event events[TOP_EVENTS];
	size_t ev_head, ev_len;
	uint64_t events_seen;
	/* the previous sample's balloon devices, "name driver" each, to see changes */
	char **dev_keys;
	size_t ndev_keys;
	struct opt_u64 prev_size_kb;
};

void top_model_init(struct top_model *m);
void top_model_free(struct top_model *m);
/* Collects a fresh report (through report_collect, the kernel log skipped)
 * and updates rates, histories and events. */
void top_model_sample(struct top_model *m);
/* The value of series s, back samples ago (0 = latest); NAN when unknown. */
double top_model_history(const struct top_model *m, enum top_series s, size_t back);
/* when: NULL for now; text from the system is made printable. */
struct top_event *top_model_add_event(struct top_model *m, enum top_event_kind kind, const char *when,
				      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void top_event_set_verdict(struct top_event *e, const char *code, const char *summary);
/* The i-th newest event (0 = newest), or NULL. */
const struct top_event *top_model_event(const struct top_model *m, size_t i);
/* The balloons top shows, one panel and one JSON entry each: every virtio
 * balloon device, plus vmw_balloon and hv_balloon, which have no virtio
 * device but are balloons all the same. */
bool top_has_vmw(const struct balloon_report *r);
bool top_has_hv(const struct balloon_report *r);
size_t top_balloon_count(const struct balloon_report *r);
/* The balloon's target in kB when a driver interface states one. */
struct opt_u64 top_model_target_kb(const struct balloon_report *r);

/* "12:34:56" local time, into buf. */
void top_clock(char *buf, size_t len);
/* A double in monotonic seconds. */
double top_now(void);

#endif
