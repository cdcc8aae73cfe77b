/* top -b: frames as plain text or JSON Lines on stdout, and the refresh
 * interval ladder that the TUI's + and - keys share. */
#include "top/top.h"
#include "top/canvas.h"
#include "top/frame.h"
#include "top/json.h"
#include "top/model.h"
#include "top/watch.h"
#include "base/exit_codes.h"
#include "base/format.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BATCH_GRAPH_COLS 80 /* bars and graphs when no width is known */
#define BATCH_MAX_COLS 512  /* a line is never longer */
#define BATCH_EVENTS 10 /* event lines per batch frame */

double top_interval_step(double cur, int dir)
{
	static const double ladder[] = { 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300 };
	size_t n = ARRAY_SIZE(ladder);
	if (dir > 0) {
		for (size_t i = 0; i < n; i++)
			if (ladder[i] > cur + 1e-9)
				return ladder[i];
		return cur > ladder[n - 1] ? cur : ladder[n - 1];
	}
	for (size_t i = n; i-- > 0;)
		if (ladder[i] < cur - 1e-9)
			return ladder[i];
	return ladder[0];
}

static void sleep_until(double when)
{
	double d = when - top_now();
	if (d <= 0)
		return;
	struct timespec ts = { (time_t)d, (long)((d - floor(d)) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* COLUMNS when set, else the terminal's width; written to a file or a pipe,
 * lines are as long as their text and only the graphs keep 80 columns. */
static void batch_width(int *cols, int *graph_cols)
{
	const char *env = getenv("COLUMNS");
	uint64_t v;
	if (env && parse_u64(env, strlen(env), 10, &v) && v >= 20 && v <= BATCH_MAX_COLS) {
		*cols = *graph_cols = (int)v;
		return;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) {
		*cols = *graph_cols = ws.ws_col < BATCH_MAX_COLS ? ws.ws_col : BATCH_MAX_COLS;
		return;
	}
	*cols = BATCH_MAX_COLS;
	*graph_cols = BATCH_GRAPH_COLS;
}

static int batch_rows(const struct top_model *m)
{
	/* header, 2 per device, vmw/hv, findings, RAM bar and legends, graphs, events */
	return 1 + 2 * (int)m->r.ndevices + 2 + (int)m->r.nfindings + 3 + TS_COUNT + 1 + 2 * BATCH_EVENTS;
}

int top_run_batch(const struct top_options *o)
{
	struct top_model *m = xmalloc(sizeof(*m));
	top_model_init(m);
	struct top_watch w;
	top_watch_open(&w, m);
	struct top_canvas canvas = { 0 };
	struct top_frame_opts fo = { .interval_s = o->interval_s, .unicode = false };
	int cols;
	batch_width(&cols, &fo.graph_cols);
	uint64_t reported = 0;
	double next = top_now();
	bool ok = true;
	for (uint64_t i = 0; ok && (!o->iterations || i < o->iterations); i++) {
		sleep_until(next);
		next += o->interval_s;
		top_watch_drain(&w, m);
		top_model_sample(m);
		if (o->json) {
			struct json_object *j = top_frame_json(m, o->interval_s, m->events_seen - reported);
			/* JSON Lines: one object per line */
			const char *s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
			ok = json_fputs(stdout, s) && fputc('\n', stdout) != EOF;
			json_object_put(j);
		} else {
			if (i > 0)
				fputc('\n', stdout);
			top_canvas_resize(&canvas, cols, batch_rows(m));
			top_frame_draw(&canvas, m, &fo);
			top_canvas_print(&canvas, stdout);
		}
		reported = m->events_seen;
		if (fflush(stdout) != 0 || ferror(stdout))
			ok = false;
	}
	top_canvas_free(&canvas);
	top_watch_close(&w);
	top_model_free(m);
	free(m);
	if (!ok) {
		vb_err("top: cannot write a frame: %s", strerror(errno));
		return VB_EXIT_FAILURE;
	}
	return VB_EXIT_OK;
}
