/* Parsers for /proc/meminfo, /proc/vmstat, /proc/pressure/memory and
 * /proc/zoneinfo (zoneinfo.c).
 * They take the file's bytes and never print. */
#ifndef VBTOOL_PROCFS_H
#define VBTOOL_PROCFS_H

#include "model/report.h"

/* Each returns the number of lines it could not understand (0 = clean). */
int meminfo_parse(const char *buf, size_t len, struct meminfo *m);
int vmstat_parse(const char *buf, size_t len, struct vmstat *v);
int pressure_parse(const char *buf, size_t len, struct pressure *p);
int zoneinfo_parse(const char *buf, size_t len, struct zoneinfo *z);

#endif
