/* The collector: the one place that knows which sources make a report.
 * Lives above src/sources/ (which it calls) and src/model/ (which it fills);
 * commands and top call it. It may include base/, model/ and sources/. */
#ifndef VBTOOL_COLLECTOR_H
#define VBTOOL_COLLECTOR_H

#include "model/report.h"

struct collect_options {
	bool read_klog; /* the kernel log is the slowest source; top skips it */
	bool read_hypervisor; /* /proc/cpuinfo: fixed for a boot, and grows with CPUs: top skips it */
};

/* Reads every source into a fresh report; never fails as a whole: what could
 * not be read is recorded as a problem. */
void report_collect(struct balloon_report *r, const struct collect_options *opt);
/* top's refresh: re-reads only what changes between two refreshes
 * (/proc/meminfo, /proc/vmstat, /proc/pressure/memory, each balloon's status
 * and features, the drivers' debugfs counters that were readable) into a
 * report made by report_collect, keeps the rest (device list, kernel, zones,
 * hostname: fixed for a boot or announced by a uevent, after which top calls
 * report_collect again), and computes the summary and findings again. */
void report_refresh(struct balloon_report *r);

#endif
