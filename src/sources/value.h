/* One-line attribute values (sysfs, procfs, DMI), read under the sysroot with
 * what goes wrong recorded in the report: shared by the collector and the
 * sources that read their own attributes (xen.c, memory_blocks.c). */
#ifndef VBTOOL_SOURCES_VALUE_H
#define VBTOOL_SOURCES_VALUE_H

#include "model/report.h"

/* The status a negative errno from sysroot_read means. */
enum src_status source_status(int neg_errno);

/* The file's one line, trimmed, into *out (NULL unless SRC_OK). An absent
 * file is no problem; anything else (a link out of a captured tree, a
 * device, a value over 255 bytes, several lines, NUL bytes) is recorded and
 * refused, never cut. An empty value is SRC_ERROR, not recorded. */
enum src_status source_read_value(struct balloon_report *r, const char *path, char **out);

/* The same, when only the value matters: it, or NULL. */
char *source_value(struct balloon_report *r, const char *path);

#endif
