/* vbtool collect: the command line and the output file; the staging tree
 * is built in src/capture/stage.c and packed in src/capture/archive.c. */
#include "commands.h"
#include "capture/capture.h"
#include "base/format.h"
#include "sources/sysroot.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out, "Usage: vbtool collect [-o FILE] [--json] [--sysroot DIR]\n\n"
		     "Capture what vbtool reads (virtio sysfs attributes and links, /proc files,\n"
		     "debugfs files, the kernel log) into a .tar.gz for a support case. Unpack it\n"
		     "and run: vbtool status --sysroot DIR (DIR is the folder inside the tarball).\n\n"
		     "  -o, --output FILE  write here ('-' for stdout); default\n"
		     "                     vbtool-collect-HOST-DATE.tar.gz in the current directory;\n"
		     "                     a new 0600 file renamed into place (a symlink is refused)\n"
		     "  -j, --json         say what was captured as JSON on stdout (not with -o -)\n"
		     "      --sysroot DIR  capture a captured tree again\n"
		     "  -h, --help         this help\n");
}

int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":o:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			sysroot_set(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return VB_EXIT_OK;
		case ':':
		default:
			return option_error("collect", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("collect", "unexpected argument '%s'", argv[optind]);
	if (json && out && strcmp(out, "-") == 0)
		return usage_error("collect", "--json and -o - both want stdout");
	int bad = sysroot_unusable("collect");
	if (bad)
		return bad;

	char host[64] = "unknown", stamp[32];
	gethostname(host, sizeof(host) - 1);
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ' ')
			*h = '_';
	time_t now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	char *name = xasprintf("vbtool-collect-%s-%s", host, stamp);
	char *default_out = xasprintf("%s.tar.gz", name);
	if (!out)
		out = default_out;

	capture_catch_signals();
	/* Fail before capturing anything, and in vbtool's words rather than tar's. */
	bool to_stdout = strcmp(out, "-") == 0;
	struct capture_output output = { .dirfd = -1, .fd = -1 };
	if (!to_stdout && capture_output_open(&output, out) < 0) {
		free(name);
		free(default_out);
		return VB_EXIT_FAILURE;
	}
	const char *tmpdir = getenv("TMPDIR");
	char *tmp = xasprintf("%s/vbtool-collect.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int ret = VB_EXIT_FAILURE;
	if (!mkdtemp(tmp)) {
		vb_err("collect: cannot create a staging directory in %s: %s", tmpdir ? tmpdir : "/tmp", strerror(errno));
		goto out;
	}
	struct capture cap = { .stage = xasprintf("%s/%s", tmp, name), .unreadable = json_object_new_array() };
	sb_init(&cap.manifest);
	capture_begin(&cap);

	capture_all(&cap);

	if (!capture_interrupted() && run_tar(tmp, name, to_stdout ? STDOUT_FILENO : output.fd, out) == 0 &&
	    !capture_interrupted() && (to_stdout || capture_output_commit(&output) == 0)) {
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "output", json_str_or_null(out));
			json_object_object_add(o, "folder", json_str_or_null(name));
			json_object_object_add(o, "copied", json_object_new_int64(cap.copied));
			json_object_object_add(o, "absent", json_object_new_int64(cap.missing));
			json_object_object_add(o, "unreadable", json_object_get(cap.unreadable));
			if (!json_write(stdout, o))
				vb_err("collect: cannot write to stdout");
			json_object_put(o);
		} else if (!to_stdout)
			vb_err("collect: wrote %s (%u files, %u absent here, %u not readable)", out, /* cleaned: a user's path */
			       cap.copied, cap.missing, cap.failed);
		if (cap.failed)
			fprintf(stderr, "vbtool: collect: %u file(s) could not be read (see vbtool/MANIFEST)%s\n",
				cap.failed, geteuid() ? "; hint: run as root" : "");
		ret = VB_EXIT_OK;
	}
	remove_tree(tmp);
	free(cap.stage);
	sb_free(&cap.manifest);
	json_object_put(cap.unreadable);
out:
	/* Nothing partial is left: no-op once committed. */
	capture_output_discard(&output);
	free(tmp);
	free(name);
	free(default_out);
	if (capture_interrupted()) {
		vb_err("collect: stopped by a signal (%s); the partial capture was removed",
		       strsignal(capture_interrupted()));
		capture_die_of_signal(capture_interrupted());
	}
	return ret;
}
