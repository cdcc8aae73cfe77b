/* vbtool explain-oom [FILE...]: explain each OOM kill in kernel logs, and
 * the balloon's part in it. Sources (files, stdin, the live kernel log)
 * -> scanner -> event parser -> facts and verdicts -> text or JSON. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/klog.h"
#include "oom/event.h"
#include "oom/input.h"
#include "oom/scan.h"
#include "oom/verdict.h"
#include "oom/view.h"
#include "views/views.h"
#include "base/util.h"

static void help(void)
{
	printf("Usage: vbtool explain-oom [--brief] [--json] [FILE...]\n\n"
	       "Explain every OOM kill in kernel logs, and whether a memory balloon took\n"
	       "the memory the guest needed. FILE may be plain, .gz, .xz or .zst; '-' is\n"
	       "stdin. Without FILE, the live kernel log (/dev/kmsg) is read.\n"
	       "A FILE must be a regular file or a pipe (a device or a link to one is\n"
	       "refused); decompressing may take at most 256 MiB.\n"
	       "Any prefix is understood: dmesg, dmesg -T/-x, journalctl, syslog,\n"
	       "/dev/kmsg records, serial consoles, mail-wrapped pastes.\n\n"
	       "Options:\n"
	       "  --brief     one line per event, printed as it ends: time, kind, victim,\n"
	       "              verdict, the number that matters (with --json: JSON Lines)\n"
	       "  --json      machine-readable output (see vbtool-explain-oom(8))\n"
	       "  -h, --help  this help\n\n"
	       "Verdicts: memcg-limit, constrained, balloon-held-memory, balloon-deflated,\n"
	       "fragmentation, single-task, balloon-estimated, insufficient-evidence.\n\n"
	       "Exit status: 0 events found, 3 no OOM event, 1 read error, 2 usage.\n");
}

struct klog_ctx {
	struct oom_parser *p;
	uint64_t off;
	bool want;
};

static int klog_record(void *ctx, const char *rec, size_t len)
{
	struct klog_ctx *k = ctx;
	bool key = oom_has_key(rec, len);
	if (k->want || key)
		k->want = oom_parser_line(k->p, rec, len, k->off, key, false);
	k->off += len + 1;
	return 0;
}

static int read_live(struct oom_parser *p, unsigned idx, struct oom_input_info *info)
{
	struct klog_ctx k = { .p = p };
	if (!info->name)
		info->name = klog_source();
	info->format = "kmsg";
	oom_parser_begin_file(p, idx);
	int r = klog_foreach_record(klog_record, &k);
	oom_parser_end_file(p);
	if (r < 0) {
		info->error = strerror(-r);
		if (r == -EACCES || r == -EPERM)
			vb_err_hint("run it as root, or set kernel.dmesg_restrict=0, or pass a saved log as FILE",
				    "explain-oom: %s: %s", info->name, strerror(-r));
		else
			vb_err("explain-oom: %s: %s", info->name, strerror(-r));
		return -1;
	}
	return 0;
}

static int read_file(struct oom_parser *p, unsigned idx, struct oom_input_info *info)
{
	struct oom_input *in;
	int r = oom_input_open(info->name, &in);
	if (r < 0) {
		info->error = oom_input_strerror(r);
		vb_err("explain-oom: %s: %s", info->name, info->error);
		return -1;
	}
	info->format = oom_input_format(in);
	oom_parser_begin_file(p, idx);
	r = oom_scan_input(in, p);
	oom_parser_end_file(p);
	oom_input_close(in);
	if (r < 0) {
		info->error = oom_input_strerror(r);
		vb_err("explain-oom: %s: %s", info->name, info->error);
		return -1;
	}
	return 0;
}

int cmd_explain_oom(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "brief", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, brief = false;
	int c;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'b':
			brief = true;
			break;
		case 'h':
			help();
			return VB_EXIT_OK;
		default:
			return option_error("explain-oom", c, argv, opts);
		}
	}
	int nfiles = argc - optind;
	size_t ninputs = nfiles > 0 ? (size_t)nfiles : 1;
	struct oom_input_info *inputs = xcalloc(ninputs, sizeof(*inputs));
	struct oom_parser *p = oom_parser_new();
	struct oom_totals dropped = { 0 };
	oom_parser_on_dropped(p, oom_totals_add_dropped, &dropped);
	/* --brief keeps no event: each is printed as the parser ends it */
	struct oom_brief br = { .out = stdout, .json = json, .inputs = inputs, .ninputs = ninputs };
	if (brief)
		oom_parser_stream(p, oom_brief_event, &br);
	bool failed = false;
	if (nfiles == 0) {
		failed = read_live(p, 0, &inputs[0]) < 0;
	} else {
		for (int i = 0; i < nfiles; i++) {
			inputs[i].name = argv[optind + i];
			/* read as a file, /dev/kmsg would block at its end */
			int r = strcmp(inputs[i].name, "/dev/kmsg") == 0 ? read_live(p, (unsigned)i, &inputs[i])
									: read_file(p, (unsigned)i, &inputs[i]);
			if (r < 0)
				failed = true;
		}
	}
	oom_parser_finish(p);
	if (brief) {
		if (br.write_failed)
			vb_err("explain-oom: writing the report: %s", strerror(errno));
		free(inputs);
		oom_parser_free(p);
		if (failed || br.write_failed)
			return VB_EXIT_FAILURE;
		return br.events ? VB_EXIT_OK : VB_EXIT_NO_BALLOON;
	}

	struct oom_report rep;
	oom_report_build(&rep, p, &dropped, inputs, ninputs);
	bool write_ok;
	if (json) {
		write_ok = oom_view_json(stdout, &rep);
	} else {
		oom_view_text(stdout, &rep);
		write_ok = !ferror(stdout);
	}
	if (fflush(stdout) != 0)
		write_ok = false;
	if (!write_ok)
		vb_err("explain-oom: writing the report: %s", strerror(errno));
	uint64_t nev = rep.totals.events;
	oom_report_free(&rep);
	free(inputs);
	oom_parser_free(p);
	if (failed || !write_ok)
		return VB_EXIT_FAILURE;
	return nev ? VB_EXIT_OK : VB_EXIT_NO_BALLOON;
}
