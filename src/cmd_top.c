/* vbtool top: the balloon, live. Options here; the screen in src/ui/tui.c,
 * the frame in src/ui/top_frame.c, batch mode below. */
#include "commands.h"
#include "sysroot.h"
#include "ui/top.h"
#include "ui/top_canvas.h"
#include "ui/top_frame.h"
#include "ui/top_json.h"
#include "ui/top_model.h"
#include "ui/top_watch.h"
#include "ui/views.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_COLS 80
#define BATCH_EVENTS 10 /* event lines per batch frame */

static void usage(FILE *out)
{
	fprintf(out, "Usage: vbtool top [-d SECONDS] [-n N] [-b [--json]] [--mono] [--sysroot DIR]\n\n"
		     "Watch the balloon move and what the guest feels: balloon size and target,\n"
		     "RAM split, inflate/deflate and swap rates, major faults, memory pressure,\n"
		     "and an event log (size changes, devices added or removed, OOM kills).\n\n"
		     "  -d, --delay SECONDS  time between refreshes (default 1; fractions allowed;\n"
		     "                       the screen refreshes at most every 0.1 s)\n"
		     "  -n, --iterations N   stop after N refreshes\n"
		     "  -b, --batch          plain text frames on stdout, no terminal control\n"
		     "  -j, --json           with -b: one JSON object per frame (JSON Lines)\n"
		     "      --mono           no colours (also when NO_COLOR is set)\n"
		     "      --sysroot DIR    replay a captured tree (the same frame each refresh)\n"
		     "  -h, --help           this help\n\n"
		     "Keys: q quit, space pause, + / - interval, h or ? help.\n"
		     "Exit status: 0 ok, 1 failure, 2 usage error. See vbtool-top(8).\n");
}

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
			ok = fputs(s, stdout) >= 0 && fputc('\n', stdout) != EOF;
			json_object_put(j);
		} else {
			if (i > 0)
				fputc('\n', stdout);
			top_canvas_resize(&canvas, BATCH_COLS, batch_rows(m));
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

static int parse_delay(const char *s, double *out)
{
	double d;
	if (!parse_double(s, strlen(s), &d) || !(d >= 0) || d > 86400)
		return -1;
	*out = d;
	return 0;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "batch", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "mono", no_argument, NULL, 'M' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct top_options o = { .interval_s = 1.0 };
	int c;
	while ((c = getopt_long(argc, argv, ":d:n:bjh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_delay(optarg, &o.interval_s) < 0)
				return usage_error("top", "--delay wants seconds (0 <= S <= 86400), not '%s'", optarg);
			break;
		case 'n':
			if (!parse_u64(optarg, strlen(optarg), 10, &o.iterations) || o.iterations == 0)
				return usage_error("top", "--iterations wants a whole number above 0, not '%s'", optarg);
			break;
		case 'b':
			o.batch = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'M':
			o.mono = true;
			break;
		case 's':
			sysroot_set(optarg);
			break;
		case 'h':
			usage(stdout);
			return VB_EXIT_OK;
		case ':':
		default:
			return option_error("top", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("top", "unexpected argument '%s'", argv[optind]);
	if (o.json && !o.batch)
		return usage_error("top", "--json goes with -b (batch mode)");
	return o.batch ? top_run_batch(&o) : top_run_tui(&o);
}
