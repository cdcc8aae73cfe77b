/* src/top/: `vbtool top`, the live view: model (samples over time), watch
 * (kmsg and uevents), frame and canvas (drawing), json, tui and batch (the
 * two ways to run). top/ sits above the collector, sources, views and oom/
 * (for kill verdicts) and may include any of them.
 *
 * What the command line chose, and the two ways to run. */
#ifndef VBTOOL_TOP_H
#define VBTOOL_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOP_MIN_INTERACTIVE_S 0.1 /* as htop: faster only in batch mode */

struct json_object;

/* A host's live frames (top --qmp/--libvirt on a terminal). They come from
 * src/host/, which top/ may not include: cmd_top.c fills this in. */
struct top_host_source {
	void *ctx;
	/* The next frame, as `top --qmp -b --json` prints it (a new reference),
	 * rows in the order of sort; NULL with *err set when the host could
	 * not be asked at all. */
	struct json_object *(*frame)(void *ctx, const char *sort, char **err);
	const char *what; /* for messages: "top --libvirt" */
};

struct top_options {
	double interval_s;
	uint64_t iterations; /* 0: until q or a signal */
	bool batch, json, mono;
	const char *replay; /* --replay FILE: play a top -b --json recording (TUI) */
	const struct top_host_source *host; /* the live host view, or NULL */
	/* Host frames (live or replayed): the s key's row orders, in its
	 * cycle, the first the default, and how to reorder a frame's "vms". */
	const char *const *host_sort_keys;
	size_t nhost_sort_keys;
	const char *host_sort; /* --sort, or NULL */
	void (*host_sort_frame)(struct json_object *frame, const char *key);
};

/* Both return a VB_EXIT_* code. */
int top_run_tui(const struct top_options *o);
int top_run_batch(const struct top_options *o);

/* The next longer (+1) or shorter (-1) interval on a fixed ladder. */
double top_interval_step(double cur, int dir);

#endif
