#include "host/framing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qmp_framer_init(struct qmp_framer *f, size_t max_message)
{
	memset(f, 0, sizeof(*f));
	f->tok = json_tokener_new();
	if (!f->tok) {
		/* json_tokener_new only fails on allocation failure. */
		fputs("vbtool: out of memory\n", stderr);
		abort();
	}
	/* Strict JSON, but stop at the end of each message: the next follows. */
	json_tokener_set_flags(f->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	f->max_message = max_message ? max_message : QMP_DEFAULT_MAX_MESSAGE;
}

void qmp_framer_free(struct qmp_framer *f)
{
	if (f->tok)
		json_tokener_free(f->tok);
	f->tok = NULL;
}

int qmp_framer_partial(const struct qmp_framer *f)
{
	return f->in_message;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum qmp_frame_result qmp_framer_feed(struct qmp_framer *f, const char *buf, size_t len,
				      size_t *consumed, struct json_object **out, const char **err)
{
	size_t skip = 0;
	*out = NULL;
	*consumed = 0;
	/* Blanks between messages (QMP ends each with CRLF) are not part of any. */
	if (!f->in_message) {
		while (skip < len && is_blank(buf[skip]))
			skip++;
		if (skip == len) {
			*consumed = len;
			return QMP_FRAME_MORE;
		}
		if (buf[skip] != '{') {
			*consumed = skip;
			*err = "not a JSON object";
			return QMP_FRAME_ERROR;
		}
		f->in_message = 1;
	}
	size_t room = f->max_message - f->msg_bytes;
	size_t n = len - skip;
	if (n > room)
		n = room;
	if (n > INT32_MAX)
		n = INT32_MAX;
	struct json_object *o = json_tokener_parse_ex(f->tok, buf + skip, (int)n);
	enum json_tokener_error jerr = json_tokener_get_error(f->tok);
	if (jerr == json_tokener_continue) {
		f->msg_bytes += n;
		*consumed = skip + n;
		if (skip + n < len || f->msg_bytes >= f->max_message) {
			*err = "message larger than the limit";
			return QMP_FRAME_ERROR;
		}
		return QMP_FRAME_MORE;
	}
	if (jerr != json_tokener_success) {
		*consumed = skip;
		*err = json_tokener_error_desc(jerr);
		return QMP_FRAME_ERROR;
	}
	size_t used = json_tokener_get_parse_end(f->tok);
	*consumed = skip + used;
	json_tokener_reset(f->tok);
	f->last_bytes = f->msg_bytes + used;
	f->msg_bytes = 0;
	f->in_message = 0;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*err = "not a JSON object";
		return QMP_FRAME_ERROR;
	}
	*out = o;
	return QMP_FRAME_MESSAGE;
}
