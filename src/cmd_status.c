/* vbtool status: the one-screen answer, for this machine, a captured tree,
 * or (with --qmp/--libvirt) VMs seen from the host. */
#include "commands.h"
#include "host/host.h"
#include "model/report.h"
#include "collector/collector.h"
#include "sources/sysroot.h"
#include "views/views.h"
#include "base/util.h"
#include "capture/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out, "Usage: vbtool status [--json] [--sysroot DIR] [--no-kernel-log]\n"
		     "       vbtool status --qmp SOCKET... [--json] [--timeout S] [--stats-interval N]\n"
		     "       vbtool status --libvirt [DOMAIN...] [--connect URI] [--json] [--stats-interval N]\n\n"
		     "Is there a balloon, what did it negotiate, how much memory does the host hold?\n\n"
		     "  -j, --json             the same report as JSON (names documented in vbtool(8))\n"
		     "      --format FMT       text, json or prometheus (metrics listed in vbtool(8))\n"
		     "      --textfile DIR     write DIR/vbtool.prom atomically (node_exporter's textfile collector)\n"
		     "      --sysroot DIR      read DIR/sys and DIR/proc (e.g. from vbtool collect; DIR\n"
		     "                         may be the collect tarball itself)\n"
		     "      --no-kernel-log    skip the kernel log (inflation failures)\n"
		     "  -q, --qmp SOCKET...    host side: ask QEMU over QMP (paths, globs, dirs or host:port)\n"
		     "      --libvirt [DOMAIN...]  host side: through libvirt (no names: every running domain)\n"
		     "      --virsh DOMAIN     the same as --libvirt DOMAIN\n"
		     "      --connect URI      libvirt: the connection URI (default: libvirt's own default)\n"
		     "  -t, --timeout S        QMP: seconds per call (default 3)\n"
		     "      --stats-interval N set the guest statistics polling interval first\n"
		     "  -h, --help             this help\n\n"
		     "Exit status: 0 a balloon was found, 1 failure, 2 usage, 3 no balloon here.\n");
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double d = strtod(s, &end);
	if (end == s || *end || !(d > 0) || d > 86400)
		return -1;
	*out = d;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "no-kernel-log", no_argument, NULL, 'K' },
		{ "qmp", required_argument, NULL, 'q' },
		{ "virsh", required_argument, NULL, 'v' },
		{ "libvirt", no_argument, NULL, 'L' },
		{ "connect", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'F' },
		{ "textfile", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct host_status_options host = { .stats_interval = -1 };
	bool json = false, klog = true, prom = false;
	const char *textfile = NULL;
	struct capture_output tf = { .dirfd = -1, .fd = -1 };
	FILE *tf_fp = NULL;
	char *tf_path = NULL;
	FILE *out = stdout;
	int c, ret;
	while ((c = getopt_long(argc, argv, ":jq:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			sysroot_set(optarg);
			break;
		case 'K':
			klog = false;
			break;
		case 'q':
			host.sockets = xrealloc(host.sockets, (size_t)(host.nsockets + 1) * sizeof(char *));
			host.sockets[host.nsockets++] = optarg;
			break;
		case 'v': /* --virsh DOMAIN: an alias of --libvirt DOMAIN */
			host.domains = xrealloc(host.domains, (size_t)(host.ndomains + 1) * sizeof(char *));
			host.domains[host.ndomains++] = optarg;
			host.libvirt = true;
			break;
		case 'L':
			host.libvirt = true;
			break;
		case 'C':
			host.connect_uri = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &host.timeout_s) < 0) {
				ret = usage_error("status", "--timeout wants seconds (0 < S <= 86400), not '%s'", optarg);
				goto out;
			}
			break;
		case 'i': {
			uint64_t v;
			if (!parse_u64(optarg, strlen(optarg), 10, &v) || v > UINT32_MAX) {
				ret = usage_error("status", "--stats-interval wants whole seconds, not '%s'", optarg);
				goto out;
			}
			host.stats_interval = (long)v;
			break;
		}
		case 'F':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "prometheus") == 0)
				prom = true;
			else if (strcmp(optarg, "text") != 0) {
				ret = usage_error("status", "--format wants text, json or prometheus, not '%s'", optarg);
				goto out;
			}
			break;
		case 'T':
			textfile = optarg;
			prom = true;
			break;
		case 'h':
			usage(stdout);
			ret = VB_EXIT_OK;
			goto out;
		case ':':
		default:
			ret = option_error("status", c, argv, opts);
			goto out;
		}
	}
	if (host.libvirt && host.nsockets) {
		ret = usage_error("status", "--qmp and --libvirt do not go together");
		goto out;
	}
	if (host.connect_uri && !host.libvirt) {
		ret = usage_error("status", "--connect goes with --libvirt");
		goto out;
	}
	/* The words after --qmp SOCKET or --libvirt: more sockets (an unquoted
	 * glob) or domains. */
	if (optind < argc && host.nsockets)
		host.sockets_natural = true;
	for (; optind < argc && (host.libvirt || host.nsockets); optind++) {
		char ***v = host.libvirt ? &host.domains : &host.sockets;
		int *nv = host.libvirt ? &host.ndomains : &host.nsockets;
		*v = xrealloc(*v, (size_t)(*nv + 1) * sizeof(char *));
		(*v)[(*nv)++] = argv[optind];
	}
	if (optind < argc) {
		ret = usage_error("status", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((ret = sysroot_unusable("status")))
		goto out;
	if (prom && json) {
		ret = usage_error("status", "--json and --format prometheus/--textfile do not go together");
		goto out;
	}
	if (textfile) {
		/* collect's writer: a temporary file beside it (".vbtool-status-*.tmp",
		 * which the textfile collector, reading only *.prom, skips), renamed
		 * over vbtool.prom once complete, so a scrape never sees half */
		int dfd = open(textfile, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) { /* the directory is what the user names: say it */
			vb_err("%s: cannot create a file there: %s", textfile, strerror(errno));
			ret = VB_EXIT_FAILURE;
			goto out;
		}
		close(dfd);
		tf_path = xasprintf("%s/vbtool.prom", textfile);
		if (capture_output_open_as(&tf, tf_path, "status", 0644) < 0) {
			ret = VB_EXIT_FAILURE;
			goto out;
		}
		int fd = -1;
		/* 0644 whatever the umask: node_exporter runs as another user */
		if (fchmod(tf.fd, 0644) < 0 || (fd = dup(tf.fd)) < 0 || !(tf_fp = fdopen(fd, "w"))) {
			vb_err("status: %s: %s", tf_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			capture_output_discard(&tf);
			ret = VB_EXIT_FAILURE;
			goto out;
		}
		out = tf_fp;
	}
	if (host.nsockets || host.libvirt) {
		if (!sysroot_is_live()) {
			ret = usage_error("status", "--sysroot and --qmp/--libvirt do not go together");
			goto out;
		}
		host.json = json;
		host.prometheus = prom;
		host.out = out;
		ret = host_status(&host);
		goto out;
	}
	if (host.timeout_s > 0 || host.stats_interval >= 0) {
		ret = usage_error("status", "--timeout and --stats-interval go with --qmp or --libvirt");
		goto out;
	}

	struct balloon_report r;
	struct collect_options copt = { .read_klog = klog, .read_hypervisor = true };
	report_collect(&r, &copt);
	bool ok;
	if (prom) {
		view_status_prometheus(out, &r);
		ok = !ferror(out);
	} else if (json) {
		struct json_object *o = view_status_json(&r);
		ok = json_write(stdout, o);
		json_object_put(o);
	} else {
		view_status_text(stdout, &r);
		ok = !ferror(stdout);
	}
	if (fflush(out) != 0)
		ok = false;
	if (!ok) {
		vb_err("status: cannot write the report: output error");
		ret = VB_EXIT_FAILURE;
	} else if (r.mem.status != SRC_OK && !r.ndevices) {
		vb_err_hint(sysroot_is_live() ? NULL : "is --sysroot a tree made by vbtool collect?",
			    "status: neither /proc/meminfo nor a virtio device could be read%s%s",
			    r.sysroot ? " under " : "", r.sysroot ? r.sysroot : "");
		ret = VB_EXIT_FAILURE;
	} else {
		ret = report_has_balloon(&r) ? VB_EXIT_OK : VB_EXIT_NO_BALLOON;
	}
	report_free(&r);
out:
	/* the metrics replace the old file even when some VM did not answer
	 * (vbtool_vm_up 0 says so); only a write error keeps the old one */
	if (tf_fp) {
		bool written = !ferror(tf_fp);
		written = fclose(tf_fp) == 0 && written && ret != VB_EXIT_USAGE;
		if (!written)
			capture_output_discard(&tf);
		else if (capture_output_commit(&tf) < 0 && ret == VB_EXIT_OK)
			ret = VB_EXIT_FAILURE;
	}
	free(tf_path);
	free(host.sockets);
	free(host.domains);
	return ret;
}
