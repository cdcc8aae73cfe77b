/* vbtool explain-oom [FILE...]: explain each OOM kill in kernel logs, and
 * the balloon's part in it. Sources (files, stdin, the live kernel log)
 * -> scanner -> event parser -> facts and verdicts -> text or JSON. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/klog.h"
#include "capture/capture.h"
#include "oom/event.h"
#include "oom/input.h"
#include "oom/scan.h"
#include "oom/reverse.h"
#include "oom/verdict.h"
#include "oom/view.h"
#include "views/views.h"
#include "base/util.h"

static void help(void)
{
	printf("Usage: vbtool explain-oom [--brief | --json | --html OUT] [FILE...]\n\n"
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
	       "  --sort KEY  the task table's order: rss (default), swap, pid, name\n"
	       "  --html OUT  write one self-contained HTML page to OUT (a timeline, a\n"
	       "              table of events, folded details) instead of the report\n"
	       "  -h, --help  this help\n\n"
	       "Verdicts: memcg-limit, constrained, balloon-held-memory, balloon-deflated,\n"
	       "fragmentation, single-task, balloon-estimated, insufficient-evidence,\n"
	       "manual-oom, slab-unreclaimable, panic-on-oom, no-killable-task,\n"
	       "sysrq-manual-oom, balloon-notifier-frame.\n\n"
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

/* Reads in whole into memory, up to OOM_REVERSE_MAX, then through the
 * parser: last line first when reversed (known beforehand, a streaming
 * parser's case), else forward, then again backwards if it turns out to
 * be a reverse-order paste. A larger input is read forward as it comes. */
static int scan_held(struct oom_parser *p, unsigned idx, struct oom_input *in, bool reversed)
{
	char *buf;
	size_t len;
	int r = oom_input_slurp(in, &buf, &len);
	if (r == 0) { /* larger: give the head back and read on */
		oom_input_unread(in, buf, len);
		oom_parser_begin_file(p, idx);
		r = oom_scan_input(in, p);
		oom_parser_end_file(p);
		return r;
	}
	if (r == 1 && reversed) {
		oom_scan_backwards(p, idx, buf, len);
	} else {
		oom_parser_begin_file(p, idx);
		oom_scan_memory(p, buf, len); /* what was read, also before an error */
		oom_parser_end_file(p);
		if (r == 1 && oom_parser_file_reversed(p))
			oom_scan_backwards(p, idx, buf, len);
	}
	free(buf);
	return r < 0 ? r : 0;
}

/* A reverse-order paste (journalctl -r) is read again last line first.
 * A regular file is opened again for that; standard input or a FIFO up to
 * OOM_REVERSE_MAX is held in memory (a larger one is read as it comes). A
 * streaming parser (--brief) cannot take its events back: for a regular
 * file up to that size a probe reads it first; a pipe streams as it comes
 * (journalctl -f), as it is. */
static int scan_file(struct oom_parser *p, unsigned idx, const char *name, struct oom_input *in, bool streaming)
{
	struct stat st;
	bool regular = strcmp(name, "-") != 0 && stat(name, &st) == 0 && S_ISREG(st.st_mode);
	bool small = regular && (uint64_t)st.st_size <= OOM_REVERSE_MAX;
	struct oom_input *again;
	bool rev = false;
	if (streaming && small && oom_input_open(name, &again) == 0) {
		if (oom_input_reversed(again, idx, &rev) < 0)
			rev = false; /* the read below meets the same error */
		oom_input_close(again);
	}
	if (rev || !(regular || streaming))
		return scan_held(p, idx, in, rev);
	oom_parser_begin_file(p, idx);
	int r = oom_scan_input(in, p);
	oom_parser_end_file(p);
	if (r == 0 && regular && oom_parser_file_reversed(p) && oom_input_open(name, &again) == 0) {
		r = oom_scan_reversed(again, p, idx);
		oom_input_close(again);
		if (r > 0)
			r = 0;
	}
	return r;
}

static int read_file(struct oom_parser *p, unsigned idx, struct oom_input_info *info, bool streaming)
{
	struct oom_input *in;
	int r = oom_input_open(info->name, &in);
	if (r < 0) {
		info->error = oom_input_strerror(r);
		vb_err("explain-oom: %s: %s", info->name, info->error);
		return -1;
	}
	info->format = oom_input_format(in);
	r = scan_file(p, idx, info->name, in, streaming);
	oom_input_close(in);
	if (r < 0) {
		info->error = oom_input_strerror(r);
		vb_err("explain-oom: %s: %s", info->name, info->error);
		return -1;
	}
	return 0;
}

/* While the logs are read (a big log takes seconds), SIGINT, SIGTERM or
 * SIGHUP removes the page's temporary file, then ends vbtool by the same
 * signal: no half-written .tmp is left next to OUT. unlinkat is
 * async-signal-safe; the page is set before the handlers and cleared before
 * the file is committed. */
static struct capture_output *volatile pending_page;
static const int page_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void page_signal(int sig)
{
	struct capture_output *o = pending_page;
	if (o)
		unlinkat(o->dirfd, o->tmpname, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Guards o (NULL: puts the handlers found before back). */
static void page_guard(struct capture_output *o)
{
	static struct sigaction before[sizeof(page_signals) / sizeof(page_signals[0])];
	pending_page = o;
	for (size_t i = 0; i < sizeof(page_signals) / sizeof(page_signals[0]); i++) {
		if (!o) {
			sigaction(page_signals[i], &before[i], NULL);
			continue;
		}
		/* a signal ignored when vbtool started (nohup) stays ignored */
		if (sigaction(page_signals[i], NULL, &before[i]) == 0 && before[i].sa_handler == SIG_IGN)
			continue;
		signal(page_signals[i], page_signal);
	}
}

/* The page goes to a new file next to PATH (opened before the logs are
 * read, so a bad PATH fails at once), renamed onto it once complete (never
 * written through a symlink), like collect's tarball. Errors are printed;
 * -1. */
static int write_html(struct capture_output *out, const struct oom_report *rep)
{
	page_guard(NULL);
	struct capture_output o = *out;
	const char *path = o.path;
	int fd = dup(o.fd);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		vb_err("explain-oom: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		capture_output_discard(&o);
		return -1;
	}
	bool ok = oom_view_html(f, rep);
	int e = ok ? 0 : errno;
	if (fclose(f) != 0 && !e)
		e = errno, ok = false;
	if (!ok) {
		vb_err("explain-oom: %s: %s", path, strerror(e ? e : EIO));
		capture_output_discard(&o);
		return -1;
	}
	return capture_output_commit(&o);
}

int cmd_explain_oom(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "brief", no_argument, NULL, 'b' },
		{ "html", required_argument, NULL, 'H' },
		{ "sort", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, brief = false;
	const char *html = NULL;
	enum oom_sort sort = OOM_SORT_RSS;
	int c;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'b':
			brief = true;
			break;
		case 'H':
			html = optarg;
			break;
		case 's':
			if (!oom_sort_parse(optarg, &sort))
				return usage_error("explain-oom", "--sort takes rss, swap, pid or name, not '%s'", optarg);
			break;
		case 'h':
			help();
			return VB_EXIT_OK;
		default:
			return option_error("explain-oom", c, argv, opts);
		}
	}
	if (html && (brief || json))
		return usage_error("explain-oom", "--html writes a page, not with %s", brief ? "--brief" : "--json");
	if (html && !html[0])
		return usage_error("explain-oom", "--html needs a file name");
	int nfiles = argc - optind;
	/* the live log may be root-only: its page is too */
	bool live = nfiles == 0;
	for (int i = optind; i < argc; i++)
		live = live || strcmp(argv[i], "/dev/kmsg") == 0;
	struct capture_output page;
	if (html && capture_output_open_as(&page, html, "explain-oom", live ? 0600 : 0644) < 0)
		return VB_EXIT_FAILURE;
	if (html)
		page_guard(&page);
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
									: read_file(p, (unsigned)i, &inputs[i], brief);
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
	rep.sort = sort;
	bool write_ok;
	if (html) {
		write_ok = write_html(&page, &rep) == 0;
	} else if (json) {
		write_ok = oom_view_json(stdout, &rep);
	} else {
		oom_view_text(stdout, &rep);
		write_ok = !ferror(stdout);
	}
	if (fflush(stdout) != 0)
		write_ok = false;
	if (!write_ok && !html)
		vb_err("explain-oom: writing the report: %s", strerror(errno));
	uint64_t nev = rep.totals.events;
	oom_report_free(&rep);
	free(inputs);
	oom_parser_free(p);
	if (failed || !write_ok)
		return VB_EXIT_FAILURE;
	return nev ? VB_EXIT_OK : VB_EXIT_NO_BALLOON;
}
