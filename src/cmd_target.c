/* vbtool target: the command line; the work is in src/host/target.c. */
#include "commands.h"
#include "base/parse.h"
#include "host/size.h"
#include "host/target.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
	fputs("Usage: vbtool target (--qmp SOCKET | --libvirt DOMAIN) SIZE [options]\n"
	      "       vbtool target (--qmp SOCKET | --libvirt DOMAIN) --virtio-mem ID SIZE [options]\n\n"
	      "Ask a VM's balloon for a new logical size: the memory the guest may use\n"
	      "(RAM - balloon), as QMP's `balloon` command takes it.\n\n"
	      "SIZE: a number and a unit: 512M, 2G, 1048576K, 536870912B (K, M, G, T are\n"
	      "powers of 1024; KiB, MiB, GiB also work). A bare number is refused: QEMU's\n"
	      "HMP `balloon 512` means MiB, `virsh setmem 512` KiB.\n\n"
	      "A shrink below the safe floor (what the guest uses now, from its statistics,\n"
	      "plus max(256 MiB, 10% of RAM); without statistics 50% of RAM) is refused.\n\n"
	      "--virtio-mem ID sets that virtio-mem device's requested-size to SIZE instead:\n"
	      "at most its max-size, a multiple of its block-size (else exit 2), and the\n"
	      "guest's memory (base + virtio-mem) kept above the same floor. --wait waits\n"
	      "until the device's plugged size is SIZE. Through libvirt, ID is the device's\n"
	      "alias (virtiomem0) and the request goes through virDomainUpdateDeviceFlags.\n\n"
	      "Options:\n"
	      "  --qmp SOCKET       the VM's QMP socket (a path, or host:port)\n"
	      "  --libvirt DOMAIN   a libvirt domain (virDomainSetMemoryFlags, live)\n"
	      "  --virsh DOMAIN     the same as --libvirt DOMAIN\n"
	      "  --connect URI      libvirt: the connection URI (default: libvirt's own)\n"
	      "  --virtio-mem ID    resize the virtio-mem device with this id (libvirt: alias)\n"
	      "  --wait SECONDS     follow the guest until it reaches SIZE (within 1 MiB)\n"
	      "  --timeout SECONDS  per QMP call (default 3)\n"
	      "  --force            set SIZE even below the safe floor\n"
	      "  --json             one JSON object at the end instead of text\n"
	      "  -h, --help         this help\n\n"
	      "Exit status: 0 requested (or reached, with --wait), 1 failure, 2 usage,\n"
	      "3 no balloon device, 4 not reached before --wait ran out, 5 refused: below\n"
	      "the safe floor. See vbtool-host(8).\n",
	      out);
}

int cmd_target(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qmp", required_argument, NULL, 'q' },     { "virsh", required_argument, NULL, 'v' },
		{ "libvirt", required_argument, NULL, 'v' }, { "connect", required_argument, NULL, 'C' },
		{ "wait", required_argument, NULL, 'w' },    { "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },	     { "help", no_argument, NULL, 'h' },
		{ "force", no_argument, NULL, 'f' },	     { "virtio-mem", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *qmp = NULL, *domain = NULL, *uri = NULL, *vmem = NULL;
	double wait_s = -1, timeout_s = 0;
	bool json = false, force = false;
	int c;
	/* 0, not 1: main() parsed with "+"; this resets getopt's ordering too. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
		case 'v':
			if (qmp || domain)
				return usage_error("target", "give one --qmp SOCKET or one --libvirt DOMAIN");
			*(c == 'q' ? &qmp : &domain) = optarg;
			break;
		case 'w':
		case 't': {
			double v;
			if (!optarg || !parse_double(optarg, strlen(optarg), &v) || v < 0 || v > 86400 || (c == 't' && v == 0))
				return usage_error("target", "--%s: '%s' is not a number of seconds",
						   c == 'w' ? "wait" : "timeout", optarg ? optarg : "");
			*(c == 'w' ? &wait_s : &timeout_s) = v;
			break;
		}
		case 'C':
			uri = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			force = true;
			break;
		case 'm':
			vmem = optarg;
			break;
		case 'h':
			usage(stdout);
			return VB_EXIT_OK;
		case ':':
		default:
			return option_error("target", c, argv, opts);
		}
	}
	if (!qmp && !domain)
		return usage_error("target", "which VM? give --qmp SOCKET or --libvirt DOMAIN");
	if (uri && !domain)
		return usage_error("target", "--connect goes with --libvirt");
	if (optind + 1 != argc)
		return usage_error("target", optind == argc ? "missing SIZE" : "one SIZE only");
	struct target_request req = { .qmp = qmp, .domain = domain, .connect_uri = uri, .wait_s = wait_s, .timeout_s = timeout_s,
				      .json = json, .force = force, .size_text = argv[optind], .virtio_mem_id = vmem };
	const char *why;
	size_t len = strlen(argv[optind]);
	/* 512 alone means bytes to QMP, MiB to HMP, KiB to virsh: make the user say which. */
	if (len > 0 && argv[optind][len - 1] >= '0' && argv[optind][len - 1] <= '9')
		return usage_error("target", "SIZE '%s': give a unit: %sM (MiB), %sG (GiB), %sK (KiB) or %sB (bytes)",
				   argv[optind], argv[optind], argv[optind], argv[optind], argv[optind]);
	if (!parse_size_bytes(argv[optind], &req.target, &why))
		return usage_error("target", "SIZE '%s': %s", argv[optind], why);
	if (req.target == 0 || req.target > INT64_MAX)
		return usage_error("target", "SIZE '%s': must be between 1 byte and 8 EiB", argv[optind]);
	return vmem ? host_target_virtio_mem(&req) : host_target(&req);
}
