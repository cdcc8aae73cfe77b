/* vbtool top: the balloon, live. Options here; the screen in src/top/tui.c,
 * batch mode in src/top/batch.c, the frame in src/top/frame.c. */
#include "commands.h"
#include "host/top.h"
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
#include <unistd.h>

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
		     "      --sysroot DIR    replay a captured tree or collect tarball\n"
		     "      --replay FILE    play a top -b --json recording (.gz/.xz/.zst too): space pause,\n"
		     "                       . or n step, e next event, + / - faster/slower\n"
		     "  -h, --help           this help\n\n"
		     "Host side: vbtool top --qmp SOCKET... | --libvirt [DOMAIN...] [--connect URI]\n"
		     "  one row per VM, [--sort name|balloon|pct|available]; on a terminal the\n"
		     "  full screen (s: next sort), else (or with -b) frames as text or --json\n\n"
		     "Keys: q, F10 or Esc quit; space pause; + / - interval; h, ? or F1 help.\n"
		     "Exit status: 0 ok, 1 failure, 2 usage error. See vbtool-top(8).\n");
}

/* The live host view: top/ draws, host/ asks the VMs (top may not
 * include host/, so the command hands one to the other). */
static struct json_object *host_frame(void *ctx, const char *sort, char **err)
{
	return host_top_frame(ctx, sort, err);
}

static int run_host_tui(const struct host_top_options *h, const struct top_options *o)
{
	struct host_top *s = host_top_open(h);
	if (!s)
		return VB_EXIT_FAILURE;
	struct top_host_source src = { s, host_frame, h->libvirt ? "top --libvirt" : "top --qmp" };
	struct top_options live = *o;
	live.host = &src;
	live.host_sort = h->sort;
	int ret = top_run_tui(&live);
	host_top_close(s);
	return ret;
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
		{ "qmp", required_argument, NULL, 'q' },
		{ "libvirt", no_argument, NULL, 'L' },
		{ "virsh", required_argument, NULL, 'v' },
		{ "connect", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "sort", required_argument, NULL, 'S' },
		{ "replay", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const sort_keys[] = HOST_TOP_SORT_KEYS;
	struct top_options o = { .interval_s = 1.0,
				 .host_sort_keys = sort_keys,
				 .nhost_sort_keys = ARRAY_SIZE(sort_keys),
				 .host_sort_frame = host_top_sort };
	struct host_top_options h = { 0 };
	int ret = VB_EXIT_OK;
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
		case 'q':
			h.sockets = xrealloc(h.sockets, (size_t)(h.nsockets + 1) * sizeof(char *));
			h.sockets[h.nsockets++] = optarg;
			break;
		case 'v': /* an alias of --libvirt DOMAIN */
			h.domains = xrealloc(h.domains, (size_t)(h.ndomains + 1) * sizeof(char *));
			h.domains[h.ndomains++] = optarg;
			h.libvirt = true;
			break;
		case 'L':
			h.libvirt = true;
			break;
		case 'C':
			h.connect_uri = optarg;
			break;
		case 't':
			if (!parse_double(optarg, strlen(optarg), &h.timeout_s) || !(h.timeout_s > 0) || h.timeout_s > 86400) {
				ret = usage_error("top", "--timeout wants seconds (0 < S <= 86400), not '%s'", optarg);
				goto out;
			}
			break;
		case 'S':
			if (!host_top_sort_key_valid(optarg)) {
				ret = usage_error("top", "--sort wants name, balloon, pct or available, not '%s'", optarg);
				goto out;
			}
			h.sort = optarg;
			break;
		case 'R':
			o.replay = optarg;
			break;
		case 'h':
			usage(stdout);
			goto out;
		case ':':
		default:
			ret = option_error("top", c, argv, opts);
			goto out;
		}
	}
	if (h.libvirt && h.nsockets) {
		ret = usage_error("top", "--qmp and --libvirt do not go together");
		goto out;
	}
	if (h.nsockets || h.libvirt) {
		/* The words after --qmp SOCKET or --libvirt: more sockets or domains. */
		if (optind < argc && h.nsockets)
			h.sockets_natural = true;
		for (; optind < argc; optind++) {
			char ***v = h.libvirt ? &h.domains : &h.sockets;
			int *nv = h.libvirt ? &h.ndomains : &h.nsockets;
			*v = xrealloc(*v, (size_t)(*nv + 1) * sizeof(char *));
			(*v)[(*nv)++] = argv[optind];
		}
		if (o.replay) {
			ret = usage_error("top", "--replay plays a recording (guest or host), not with --qmp/--libvirt");
			goto out;
		}
		if (!sysroot_is_live()) {
			ret = usage_error("top", "--sysroot and --qmp/--libvirt do not go together");
			goto out;
		}
		if (h.connect_uri && !h.libvirt) {
			ret = usage_error("top", "--connect goes with --libvirt");
			goto out;
		}
		h.interval_s = o.interval_s;
		h.iterations = o.iterations;
		h.json = o.json;
		/* The full screen on a terminal; frames as in batch mode with -b,
		 * --json, or in a pipe (as top --qmp always did) */
		if (!o.batch && !o.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			ret = run_host_tui(&h, &o);
		else
			ret = host_top_run(&h);
		goto out;
	}
	if (h.connect_uri || h.timeout_s > 0 || h.sort) { /* --sort: the host's rows */
		ret = usage_error("top", "--connect, --timeout and --sort go with --qmp or --libvirt");
		goto out;
	}
	if (optind < argc) {
		ret = usage_error("top", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (o.replay && (o.batch || !sysroot_is_live())) {
		ret = usage_error("top", "--replay is the interactive view: without -b and --sysroot");
		goto out;
	}
	if (o.json && !o.batch) {
		ret = usage_error("top", "--json goes with -b (batch mode)");
		goto out;
	}
	ret = sysroot_unusable("top");
	if (!ret)
		ret = o.batch ? top_run_batch(&o) : top_run_tui(&o);
out:
	free(h.sockets);
	free(h.domains);
	return ret;
}
