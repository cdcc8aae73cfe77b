/* top --qmp / --libvirt: one row per VM, refreshed; batch frames or JSON
 * Lines, with an event log of balloon changes and VMs that start or stop. */
#ifndef VBTOOL_HOST_TOP_H
#define VBTOOL_HOST_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/* The row orders of --sort and of the screen's s key, in the key's cycle. */
#define HOST_TOP_SORT_KEYS { "name", "balloon", "pct", "available" }

struct host_top;

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

/* Batch mode: frames on stdout until o->iterations. Returns a VB_EXIT_* code. */
int host_top_run(const struct host_top_options *o);

/* A session, for the live screen: open (NULL after printing why), then one
 * frame per refresh, each the JSON object that -b --json prints (a new
 * reference; events are what changed since the session's previous frame),
 * rows in the order of sort (NULL: by name). NULL with *err set when the
 * host could not be asked at all (libvirt); a VM that cannot be asked is a
 * row with its "error". */
struct host_top *host_top_open(const struct host_top_options *o);
struct json_object *host_top_frame(struct host_top *s, const char *sort, char **err);
void host_top_close(struct host_top *s);
/* Reorders frame's "vms" by key (one of HOST_TOP_SORT_KEYS; else "name"). */
void host_top_sort(struct json_object *frame, const char *key);
bool host_top_sort_key_valid(const char *key);

#endif
