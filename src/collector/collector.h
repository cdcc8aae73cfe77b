/* The collector: the one place that knows which sources make a report.
 * Lives above src/sources/ (which it calls) and src/model/ (which it fills);
 * commands and top call it. It may include base/, model/ and sources/. */
#ifndef VBTOOL_COLLECTOR_H
#define VBTOOL_COLLECTOR_H

#include "model/report.h"

struct collect_options {
	bool read_klog; /* the kernel log is the slowest source; top skips it */
	bool read_hypervisor; /* fixed for a boot, and /proc/cpuinfo grows with CPUs: top skips it */
};

/* Reads every source into a fresh report; never fails as a whole: what could
 * not be read is recorded as a problem. */
void report_collect(struct balloon_report *r, const struct collect_options *opt);

#endif
