/* top --qmp / --libvirt: one row per VM, refreshed; batch frames or JSON
 * Lines, with an event log of balloon changes and VMs that start or stop. */
#ifndef VBTOOL_HOST_TOP_H
#define VBTOOL_HOST_TOP_H

#include <stdbool.h>
#include <stdint.h>

struct host_top_options {
	char **sockets; /* --qmp */
	int nsockets;
	bool sockets_natural;
	bool libvirt;
	const char *connect_uri;
	char **domains; /* --libvirt DOMAIN...; none: every running domain */
	int ndomains;
	double interval_s;
	uint64_t iterations; /* 0: until interrupted */
	double timeout_s;
	const char *sort; /* "name" (default), "balloon", "pct", "available" */
	bool json;
};

/* Returns a VB_EXIT_* code. */
int host_top_run(const struct host_top_options *o);

#endif
