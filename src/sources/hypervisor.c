/* The hypervisor's name as the guest sees it; never printed here. */
#include "sources/hypervisor.h"
#include "sources/sysroot.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

static enum src_status status_of(int e)
{
	return e == -ENOENT ? SRC_ABSENT : e == -EACCES || e == -EPERM ? SRC_DENIED : SRC_ERROR;
}

/* A one-line sysfs value, cleaned for a terminal; a value longer than
 * HYPERVISOR_VALUE_MAX or with a NUL byte is an error, not a prefix. */
static enum src_status read_value(const char *path, char **out)
{
	struct file_data fd;
	int e = sysroot_read(path, SYSFS_ATTR_MAX, &fd);
	*out = NULL;
	if (e < 0)
		return status_of(e);
	const char *s = fd.data;
	size_t n = trim_span(&s, fd.len);
	enum src_status st = SRC_ERROR;
	if (!mem_has_nul(s, n) && !memchr(s, '\n', n) && n <= HYPERVISOR_VALUE_MAX) {
		*out = xstrndup_printable(s, n);
		st = SRC_OK;
	}
	file_data_free(&fd);
	return st;
}

int cpuinfo_hypervisor_flag(const char *buf, size_t len)
{
	struct line_iter it;
	const char *line, *key, *val;
	size_t n, klen, vlen;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &line, &n)) {
		if (!split_kv(line, n, ':', &key, &klen, &val, &vlen) || !span_eq(key, klen, "flags"))
			continue;
		/* space-separated words; the first CPU speaks for all */
		const char *p = val, *end = val + vlen;
		while (p < end) {
			const char *w = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			if (span_eq(w, (size_t)(p - w), "hypervisor"))
				return 1;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
		}
		return 0;
	}
	return -1;
}

void hypervisor_read(struct hypervisor_info *h)
{
	h->dmi = read_value(DMI_SYS_VENDOR, &h->sys_vendor);
	if (h->dmi == SRC_OK)
		read_value(DMI_PRODUCT_NAME, &h->product_name);
	h->xen = read_value(SYS_HYPERVISOR_TYPE, &h->hypervisor_type);
	h->cpu_flag = -1;
	struct file_data fd;
	int e = sysroot_read(PROC_CPUINFO, PROC_FILE_MAX, &fd);
	h->cpuinfo = e < 0 ? status_of(e) : SRC_OK;
	if (e == 0) {
		h->cpu_flag = cpuinfo_hypervisor_flag(fd.data, fd.len);
		file_data_free(&fd);
	}
}
