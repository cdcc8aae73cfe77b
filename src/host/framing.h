/* QMP framing: bytes from the monitor in, one JSON object per message out.
 * Parsing is incremental (json_tokener), so a message may arrive in any
 * number of pieces; a message may not grow past a bound. */
#ifndef VBTOOL_QMP_FRAMING_H
#define VBTOOL_QMP_FRAMING_H

#include <stddef.h>

#include <json-c/json.h>

#define QMP_DEFAULT_MAX_MESSAGE (1024 * 1024)

struct qmp_framer {
	json_tokener *tok;
	size_t msg_bytes; /* bytes fed into the message being parsed */
	size_t last_bytes; /* the size of the last complete message */
	size_t max_message;
	int in_message;   /* a non-blank byte of the current message was seen */
};

enum qmp_frame_result {
	QMP_FRAME_MORE,    /* everything consumed, no complete message yet */
	QMP_FRAME_MESSAGE, /* *out holds one message; feed the rest again */
	QMP_FRAME_ERROR,   /* *err says why; the stream cannot be resynchronised */
};

void qmp_framer_init(struct qmp_framer *f, size_t max_message);
void qmp_framer_free(struct qmp_framer *f);
/* Consumes up to len bytes of buf (*consumed says how many) and stops after
 * the first complete message. Only JSON objects are messages. *err is a
 * static string. */
enum qmp_frame_result qmp_framer_feed(struct qmp_framer *f, const char *buf, size_t len,
				      size_t *consumed, struct json_object **out, const char **err);
/* True when a message has started but not finished (for "hung up mid-reply"). */
int qmp_framer_partial(const struct qmp_framer *f);

#endif
