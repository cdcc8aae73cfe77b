/* Host recordings in top --replay: the frames `vbtool top --qmp/--libvirt
 * -b --json` writes (src/host/top.c, json_frame: "time", "vms", "events"),
 * checked and drawn one VM a row as the host batch view prints them. The
 * parsing lives here, not in host/: top may not include host/ headers
 * (tests/lint/layers.sh). */
#ifndef VBTOOL_TOP_HOSTFRAME_H
#define VBTOOL_TOP_HOSTFRAME_H

#include <json-c/json.h>

#include "top/canvas.h"
#include "top/frame.h"

/* True when o looks like a host frame (it has "vms"). */
/* A recording's member KEY of O (NULL when O or KEY is missing), and the
 * same when it is a string: for guest and host frames alike. */
static inline struct json_object *rec_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static inline const char *rec_str(struct json_object *o, const char *key)
{
	struct json_object *v = rec_get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool top_host_frame_is(struct json_object *o);
/* NULL when the frame has what top_host_frame_draw reads, else why not. */
const char *top_host_frame_invalid(struct json_object *o);
/* Draws frame o (one row per VM) and the event log: the last lines of log
 * (nlog lines, oldest first) above the key line. */
void top_host_frame_draw(struct top_canvas *c, struct json_object *o, char *const *log, size_t nlog,
			 const struct top_frame_opts *fo);
/* The event log of a host view: the lines of the frames seen so far, the
 * oldest dropped beyond TOP_HOST_LOG_MAX. */
#define TOP_HOST_LOG_MAX 1000
struct top_host_log {
	char **lines;
	size_t n, cap;
};
void top_host_log_frame(struct top_host_log *l, struct json_object *o);
void top_host_log_free(struct top_host_log *l);
/* The event log lines of frame o ("HH:MM:SS vm: actual 1.0 GiB -> ..."),
 * each passed to add(ctx, line). */
void top_host_frame_events(struct json_object *o, void (*add)(void *ctx, char *line), void *ctx);

#endif
