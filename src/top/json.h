/* `vbtool top -b --json`: one JSON object per frame (JSON Lines). */
#ifndef VBTOOL_TOP_JSON_H
#define VBTOOL_TOP_JSON_H

#include <stdint.h>

#include <json-c/json.h>

#include "top/model.h"

/* new_events: how many of the newest events this frame reports (those
 * added since the previous frame). */
struct json_object *top_frame_json(const struct top_model *m, double interval_s, uint64_t new_events);

#endif
