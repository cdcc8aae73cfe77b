/* /proc/iomem as a source: the System RAM ranges hot-plug drivers added
 * (struct iomem in model/report.h). */
#ifndef VBTOOL_IOMEM_H
#define VBTOOL_IOMEM_H

#include <stddef.h>

#include "model/report.h"

#define PROC_IOMEM "/proc/iomem"

/* Parses the file's text into *m (zeroed first, status left alone).
 * Returns how many lines were not understood. */
unsigned iomem_parse(const char *buf, size_t len, struct iomem *m);

#endif
