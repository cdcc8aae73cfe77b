/* src/top/: `vbtool top`, the live view: model (samples over time), watch
 * (kmsg and uevents), frame and canvas (drawing), json, tui and batch (the
 * two ways to run). top/ sits above the collector, sources, views and oom/
 * (for kill verdicts) and may include any of them.
 *
 * What the command line chose, and the two ways to run. */
#ifndef VBTOOL_TOP_H
#define VBTOOL_TOP_H

#include <stdbool.h>
#include <stdint.h>

#define TOP_MIN_INTERACTIVE_S 0.1 /* as htop: faster only in batch mode */

struct top_options {
	double interval_s;
	uint64_t iterations; /* 0: until q or a signal */
	bool batch, json, mono;
	const char *replay; /* --replay FILE: play a top -b --json recording (TUI) */
};

/* Both return a VB_EXIT_* code. */
int top_run_tui(const struct top_options *o);
int top_run_batch(const struct top_options *o);

/* The next longer (+1) or shorter (-1) interval on a fixed ladder. */
double top_interval_step(double cur, int dir);

#endif
