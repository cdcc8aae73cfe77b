/* top --replay FILE: a `top -b --json` recording (one frame per line; plain,
 * gzip, xz or zstd, read through explain-oom's input layer) loaded whole,
 * then applied frame by frame to a top_model, which the TUI draws as if it
 * were live. A bad line ends the recording: the frames before it play, and
 * the error names FILE:LINE. */
#ifndef VBTOOL_TOP_REPLAY_H
#define VBTOOL_TOP_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "top/hostframe.h"
#include "top/model.h"

struct top_replay {
	struct json_object **frames;
	size_t nframes, cap;
	size_t next;  /* the frame the next step applies */
	char *error;  /* "FILE:LINE: why", or NULL: the whole file was read */
	bool host;    /* a host recording (top --qmp/--libvirt), from the first frame */
	struct top_host_log log; /* host: the event log of the frames applied so far */
};

/* Reads the recording. False (after printing the error) only when not one
 * frame could be read; a later bad line sets rp->error and returns true. */
bool top_replay_load(struct top_replay *rp, const char *path);
void top_replay_free(struct top_replay *rp);
/* Applies the next frame to m (host: to rp's log; draw it with
 * top_replay_host_frame); false at the end. */
bool top_replay_step(struct top_replay *rp, struct top_model *m);
/* True when frame i (not yet applied) reports an event. */
bool top_replay_has_event(const struct top_replay *rp, size_t i);
/* The recorded interval of the frame last applied, in seconds (1 if none). */
double top_replay_interval(const struct top_replay *rp);
/* Host recordings: the frame last applied, or NULL. */
struct json_object *top_replay_host_frame(const struct top_replay *rp);

#endif
