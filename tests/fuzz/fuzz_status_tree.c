/* The whole of `status --sysroot`: one input becomes a captured tree
 * (sections separated by FUZZ_SEP, in the order of the table below; a
 * missing section is a missing file), then collection, the balloon summary,
 * the findings, and both views run over it. */
#include "fuzz.h"
#include "collector/collector.h"
#include "model/report.h"
#include "sources/sysroot.h"
#include "sources/virtio.h"
#include "views/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEV "sys/devices/pci0000:00/0000:00:01.0/virtio0/"

static const char *const files[] = {
	"proc/meminfo",
	"proc/vmstat",
	"proc/pressure/memory",
	"sys/kernel/debug/virtio-balloon",
	"sys/kernel/debug/vbtool-balloon",
	"sys/kernel/debug/vmmemctl",
	"sys/kernel/debug/hv-balloon",
	"vbtool/kmsg",
	DEV "device",
	DEV "vendor",
	DEV "status",
	DEV "features",
	NULL, /* the driver link's target */
	NULL, /* a sysfs path for the transport decoder */
	"vbtool/pagesize",
	"proc/uptime",
	"proc/sys/kernel/osrelease",
	"vbtool/debugfs",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static FILE *sink;

/* A symlink target or a path: no NUL, bounded. */
static char *as_path(const uint8_t *s, size_t len)
{
	if (len > 512)
		len = 512;
	char *p = fuzz_dup(s, len);
	p[strnlen(p, len)] = '\0';
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink)
		sink = fopen("/dev/null", "w");
	const char *root = fuzz_scratch_root();
	fuzz_symlink(root, "sys/bus/virtio/devices/virtio0", "../../../devices/pci0000:00/0000:00:01.0/virtio0");
	fuzz_write_file(root, DEV "modalias", (const uint8_t *)"virtio:d00000005v00001AF4\n", 26);

	const uint8_t *p = data, *sec;
	size_t len;
	for (size_t i = 0; i < NFILES && fuzz_next_section(&p, data + size, &sec, &len); i++) {
		if (i == 12) {
			char *t = as_path(sec, len);
			if (*t)
				fuzz_symlink(root, DEV "driver", t);
			free(t);
		} else if (i == 13) {
			char *t = as_path(sec, len), *transport = NULL, *address = NULL;
			virtio_transport_from_path(t, &transport, &address);
			if (!transport)
				abort();
			free(transport);
			free(address);
			free(t);
		} else {
			fuzz_write_file(root, files[i], sec, len);
		}
	}

	sysroot_set(root);
	struct collect_options opt = { .read_klog = true, .read_hypervisor = true };
	struct balloon_report r;
	report_collect(&r, &opt);
	view_status_text(sink, &r);
	struct json_object *o = view_status_json(&r);
	if (!o)
		abort();
	json_write(sink, o);
	json_object_put(o);
	(void)report_has_balloon(&r);
	report_free(&r);
	sysroot_set(NULL);
	return 0;
}
