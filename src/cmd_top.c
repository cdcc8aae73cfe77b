/* vbtool top: the balloon, live. Options here; the screen in src/top/tui.c,
 * batch mode in src/top/batch.c, the frame in src/top/frame.c. */
#include "commands.h"
#include "sources/sysroot.h"
#include "top/top.h"
#include "views/views.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
		     "Keys: q, F10 or Esc quit; space pause; + / - interval; h, ? or F1 help.\n"
		     "Exit status: 0 ok, 1 failure, 2 usage error. See vbtool-top(8).\n");
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
			return option_error("top", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("top", "unexpected argument '%s'", argv[optind]);
	if (o.json && !o.batch)
		return usage_error("top", "--json goes with -b (batch mode)");
	int bad = sysroot_unusable("top");
	if (bad)
		return bad;
	return o.batch ? top_run_batch(&o) : top_run_tui(&o);
}
