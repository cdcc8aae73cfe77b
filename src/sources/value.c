/* One-line attribute values (value.h). */
#include "sources/value.h"
#include "sources/sysroot.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

/* DMI strings included: at most 255 bytes by SMBIOS. */
#define VALUE_MAX 255

enum src_status source_status(int neg_errno)
{
	if (neg_errno == -ENOENT)
		return SRC_ABSENT;
	if (neg_errno == -EACCES || neg_errno == -EPERM)
		return SRC_DENIED;
	return SRC_ERROR;
}

enum src_status source_read_value(struct balloon_report *r, const char *path, char **out)
{
	*out = NULL;
	struct file_data fd;
	int e = sysroot_read(path, SYSFS_ATTR_MAX, &fd);
	if (e < 0) {
		if (e != -ENOENT)
			report_add_problem(r, path, NULL, "%s", sysroot_strerror(e));
		return source_status(e);
	}
	const char *s = fd.data;
	size_t n = trim_span(&s, fd.len);
	enum src_status st = SRC_ERROR;
	if (n > VALUE_MAX)
		report_add_problem(r, path, NULL, "longer than %d bytes: refused, not cut", VALUE_MAX);
	else if (mem_has_nul(s, n) || memchr(s, '\n', n))
		report_add_problem(r, path, NULL, "not one line of text: refused");
	else if (n) {
		*out = xstrndup_printable(s, n);
		st = SRC_OK;
	}
	file_data_free(&fd);
	return st;
}

char *source_value(struct balloon_report *r, const char *path)
{
	char *v;
	return source_read_value(r, path, &v) == SRC_OK ? v : NULL;
}
