#include "host/client.h"
#include "host/framing.h"
#include "host/transport.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct qmp_client {
	int fd;
	struct qmp_framer fr;
	char *buf;     /* bytes read but not yet framed: buf[pos..len) */
	size_t pos, len;
	double timeout_s;
	size_t max_message;
	long long next_id;
	struct json_object **events; /* ring buffer */
	size_t *ev_size;             /* each one's size as sent */
	size_t ev_head, ev_count, ev_bytes;
	const char *const *wanted;   /* see qmp_options.events */
	unsigned long events_seen, dropped;
	bool dead;
	bool garbled; /* bytes that are not JSON arrived */
	bool timed_out; /* the last failure was the deadline passing */
	char *version;
};

static const char *HINT_BUSY =
	"QMP serves one client at a time: is another client (libvirt, a script) connected?";
static const char *HINT_SILENT = "a serial console or another service stays silent too; QMP serves one client "
				 "at a time: is another client (libvirt, a script) connected?";

void qmp_error_clear(struct qmp_error *e)
{
	free(e->class);
	free(e->message);
	e->class = NULL;
	e->message = NULL;
	e->hint = NULL;
}

static void set_error(struct qmp_error *e, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(struct qmp_error *e, const char *hint, const char *fmt, ...)
{
	va_list ap;
	qmp_error_clear(e);
	va_start(ap, fmt);
	if (vasprintf(&e->message, fmt, ap) < 0)
		e->message = xstrdup("(out of memory)");
	va_end(ap);
	e->hint = hint;
}

/* A failure that leaves the stream in an unknown state: no further calls. */
static int fail_dead(struct qmp_client *c)
{
	c->dead = true;
	return -1;
}

static struct qmp_client *client_new(const struct qmp_options *opt)
{
	struct qmp_client *c = xcalloc(1, sizeof(*c));
	c->fd = -1;
	c->timeout_s = opt && opt->timeout_s > 0 ? opt->timeout_s : QMP_DEFAULT_TIMEOUT_S;
	c->max_message = opt && opt->max_message ? opt->max_message : QMP_DEFAULT_MAX_MESSAGE;
	qmp_framer_init(&c->fr, c->max_message);
	c->buf = xmalloc(READ_CHUNK);
	c->events = xcalloc(QMP_MAX_QUEUED_EVENTS, sizeof(*c->events));
	c->ev_size = xcalloc(QMP_MAX_QUEUED_EVENTS, sizeof(*c->ev_size));
	c->wanted = opt ? opt->events : NULL;
	c->next_id = 1;
	return c;
}

void qmp_close(struct qmp_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	for (size_t i = 0; i < c->ev_count; i++)
		json_object_put(c->events[(c->ev_head + i) % QMP_MAX_QUEUED_EVENTS]);
	qmp_framer_free(&c->fr);
	free(c->events);
	free(c->ev_size);
	free(c->buf);
	free(c->version);
	free(c);
}

const char *qmp_qemu_version(const struct qmp_client *c)
{
	return c->version;
}

bool qmp_has_events(const struct qmp_client *c)
{
	return c->fd >= 0;
}

bool qmp_is_dead(const struct qmp_client *c)
{
	return c->dead;
}

unsigned long qmp_dropped_events(const struct qmp_client *c)
{
	return c->dropped;
}

static bool wanted(const struct qmp_client *c, struct json_object *ev)
{
	struct json_object *v;
	if (!c->wanted || !json_object_object_get_ex(ev, "event", &v) || !json_object_is_type(v, json_type_string))
		return false;
	for (const char *const *w = c->wanted; *w; w++)
		if (strcmp(*w, json_object_get_string(v)) == 0)
			return true;
	return false;
}

static void drop_oldest(struct qmp_client *c)
{
	json_object_put(c->events[c->ev_head]);
	c->ev_bytes -= c->ev_size[c->ev_head];
	c->ev_head = (c->ev_head + 1) % QMP_MAX_QUEUED_EVENTS;
	c->ev_count--;
	c->dropped++;
}

/* Takes ev (bytes long as sent): queued if wanted and there is room. */
static void queue_event(struct qmp_client *c, struct json_object *ev, size_t bytes)
{
	c->events_seen++;
	if (!wanted(c, ev)) {
		json_object_put(ev);
		return;
	}
	if (bytes > QMP_MAX_QUEUED_BYTES) {
		json_object_put(ev);
		c->dropped++;
		return;
	}
	/* Keep the newest: drop the oldest. */
	while (c->ev_count == QMP_MAX_QUEUED_EVENTS || c->ev_bytes + bytes > QMP_MAX_QUEUED_BYTES)
		drop_oldest(c);
	size_t i = (c->ev_head + c->ev_count) % QMP_MAX_QUEUED_EVENTS;
	c->events[i] = ev;
	c->ev_size[i] = bytes;
	c->ev_bytes += bytes;
	c->ev_count++;
}

/* Reads one message. what names what is awaited, for the error messages. */
static int read_message(struct qmp_client *c, long long deadline, const char *what,
			struct json_object **msg, struct qmp_error *e)
{
	for (;;) {
		if (c->pos < c->len) {
			size_t used;
			const char *why;
			enum qmp_frame_result r =
				qmp_framer_feed(&c->fr, c->buf + c->pos, c->len - c->pos, &used, msg, &why);
			c->pos += used;
			if (r == QMP_FRAME_MESSAGE)
				return 0;
			if (r == QMP_FRAME_ERROR) {
				if (c->fr.msg_bytes >= c->max_message || strstr(why, "larger"))
					set_error(e, "the monitor sent a message larger than vbtool accepts; is this a QMP socket?",
						  "QMP message larger than %zu bytes (waiting for %s)", c->max_message, what);
				else
					set_error(e, "is this a QMP socket (not an HMP monitor or a serial console)?",
						  "bad JSON from the monitor (waiting for %s): %s", what, why);
				c->garbled = true;
				return fail_dead(c);
			}
			continue;
		}
		c->pos = c->len = 0;
		ssize_t n = -1;
		errno = ETIMEDOUT;
		/* Checked here too: a monitor that never stops talking must not
		 * keep us past the deadline. */
		if (qmp_ms_left(deadline) > 0)
			n = qmp_read_some(c->fd, c->buf, READ_CHUNK, deadline);
		if (n > 0) {
			c->len = (size_t)n;
			continue;
		}
		if (n == 0 || errno == ECONNRESET) {
			set_error(e, NULL, "the monitor closed the connection%s (waiting for %s)",
				  qmp_framer_partial(&c->fr) ? " in the middle of a message" : "", what);
		} else if (errno == ETIMEDOUT) {
			c->timed_out = true;
			if (c->events_seen)
				set_error(e, NULL, "no answer within %g s (waiting for %s; %lu events arrived meanwhile)",
					  c->timeout_s, what, c->events_seen);
			else
				set_error(e, c->next_id == 1 ? HINT_BUSY : NULL,
					  "no answer within %g s (waiting for %s)", c->timeout_s, what);
		} else {
			set_error(e, NULL, "reading from the monitor: %s", strerror(errno));
		}
		return fail_dead(c);
	}
}

static char *version_from(struct json_object *v)
{
	struct json_object *q, *ma, *mi, *mc;
	if (!json_object_object_get_ex(v, "qemu", &q) || !json_object_object_get_ex(q, "major", &ma) ||
	    !json_object_object_get_ex(q, "minor", &mi) || !json_object_object_get_ex(q, "micro", &mc))
		return NULL;
	struct json_object *part[3] = { ma, mi, mc };
	long long n[3];
	for (int i = 0; i < 3; i++) {
		/* json-c clamps 1e400 and 10^20 to INT64_MAX: only plain small integers */
		if (!json_object_is_type(part[i], json_type_int))
			return NULL;
		n[i] = (long long)json_object_get_int64(part[i]);
		if (n[i] < 0 || n[i] > 99999)
			return NULL;
	}
	return xasprintf("%lld.%lld.%lld", n[0], n[1], n[2]);
}

/* Interprets a reply object: 0 with *ret, or -1 with the QMP error. */
static int take_reply(const char *command, struct json_object *msg, struct json_object **ret,
		      struct qmp_error *e)
{
	struct json_object *v;
	if (json_object_object_get_ex(msg, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
		return 0;
	}
	struct json_object *cls = NULL, *desc = NULL;
	if (json_object_object_get_ex(msg, "error", &v)) {
		json_object_object_get_ex(v, "class", &cls);
		json_object_object_get_ex(v, "desc", &desc);
	}
	qmp_error_clear(e);
	/* Both end up on a terminal: no control characters. */
	const char *c = cls && json_object_is_type(cls, json_type_string) ? json_object_get_string(cls) : "GenericError";
	const char *d = desc && json_object_is_type(desc, json_type_string) ? json_object_get_string(desc)
									     : "error without a description";
	char *safe = xstrndup_printable(d, strlen(d));
	e->class = xstrndup_printable(c, strlen(c));
	e->message = xasprintf("%s: %s (%s)", command, safe, e->class);
	free(safe);
	return -1;
}

/* The call a reply belongs to: by id; a reply without an id (QEMU's answer
 * to a command it could not parse) goes to the oldest call still open. */
static struct qmp_call *owner(struct json_object *msg, struct qmp_call *calls, size_t n, long long id0,
			      const bool *done)
{
	struct json_object *v;
	if (!json_object_object_get_ex(msg, "id", &v)) {
		for (size_t i = 0; i < n; i++)
			if (!done[i])
				return &calls[i];
		return NULL;
	}
	if (!json_object_is_type(v, json_type_int))
		return NULL;
	long long k = json_object_get_int64(v) - id0;
	if (k < 0 || (unsigned long long)k >= n || done[k])
		return NULL; /* a late reply to an abandoned call, or noise */
	return &calls[k];
}

/* Sends every request at once, then collects the replies: one round trip
 * for the lot (QEMU runs them in order). */
static int execute_socket(struct qmp_client *c, struct qmp_call *calls, size_t n, struct json_object **reqs,
			  long long id0, struct qmp_error *e)
{
	long long deadline = qmp_deadline_after(c->timeout_s);
	struct strbuf out;
	sb_init(&out);
	/* QEMU's monitor reads its input one byte per main-loop turn (its
	 * can_read is 1), a few microseconds of QEMU's CPU each: every byte
	 * sent costs. No "\/" for "/" (json-c's default), one "\n" between
	 * requests, no spaces. */
	for (size_t i = 0; i < n; i++) {
		sb_adds(&out, json_object_to_json_string_ext(reqs[i], JSON_C_TO_STRING_PLAIN |
									   JSON_C_TO_STRING_NOSLASHESCAPE));
		sb_adds(&out, "\n");
	}
	int w = qmp_write_all(c->fd, out.buf, out.len, deadline);
	sb_free(&out);
	if (w < 0) {
		if (errno == EPIPE || errno == ECONNRESET)
			set_error(e, NULL, "the monitor closed the connection (sending %s)", calls[0].command);
		else
			set_error(e, NULL, "sending %s: %s", calls[0].command,
				  errno == ETIMEDOUT ? "the monitor does not read" : strerror(errno));
		return fail_dead(c);
	}
	bool *done = xcalloc(n, sizeof(*done));
	size_t left = n;
	int rc = 0;
	while (left > 0) {
		struct json_object *msg, *v;
		size_t first = 0;
		while (first + 1 < n && done[first])
			first++;
		char *what = xasprintf("the reply to %s", calls[first].command);
		int r = read_message(c, deadline, what, &msg, e);
		free(what);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (json_object_object_get_ex(msg, "event", &v)) {
			queue_event(c, msg, c->fr.last_bytes);
			continue;
		}
		struct qmp_call *call = NULL;
		if (json_object_object_get_ex(msg, "return", &v) || json_object_object_get_ex(msg, "error", &v))
			call = owner(msg, calls, n, id0, done);
		if (call) {
			call->status = take_reply(call->command, msg, &call->ret, &call->err);
			done[call - calls] = true;
			left--;
		}
		json_object_put(msg);
	}
	free(done);
	return rc;
}

int qmp_execute_many(struct qmp_client *c, struct qmp_call *calls, size_t n)
{
	struct qmp_error e = { 0 };
	for (size_t i = 0; i < n; i++) {
		calls[i].ret = NULL;
		calls[i].status = -1;
		memset(&calls[i].err, 0, sizeof(calls[i].err));
	}
	if (c->dead) {
		set_error(&e, NULL, "not sent, the connection already failed");
	} else {
		struct json_object **reqs = xcalloc(n, sizeof(*reqs));
		long long id0 = c->next_id;
		c->next_id += (long long)n;
		for (size_t i = 0; i < n; i++) {
			reqs[i] = json_object_new_object();
			json_object_object_add(reqs[i], "execute", json_object_new_string(calls[i].command));
			if (calls[i].args)
				json_object_object_add(reqs[i], "arguments", json_object_get(calls[i].args));
			json_object_object_add(reqs[i], "id", json_object_new_int64(id0 + (long long)i));
		}
		execute_socket(c, calls, n, reqs, id0, &e);
		for (size_t i = 0; i < n; i++)
			json_object_put(reqs[i]);
		free(reqs);
	}
	/* Calls left without a reply share the transport's failure. */
	for (size_t i = 0; i < n; i++) {
		if (calls[i].status == 0 || calls[i].err.message)
			continue;
		calls[i].err.message = xstrdup(e.message ? e.message : "no reply");
		calls[i].err.hint = e.hint;
	}
	qmp_error_clear(&e);
	return c->dead ? -1 : 0;
}

void qmp_calls_clear(struct qmp_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_object_put(calls[i].args);
		json_object_put(calls[i].ret);
		qmp_error_clear(&calls[i].err);
		calls[i].args = calls[i].ret = NULL;
	}
}

int qmp_execute(struct qmp_client *c, const char *command, struct json_object *args,
		struct json_object **ret, struct qmp_error *e)
{
	struct qmp_call call = { .command = command, .args = args };
	qmp_execute_many(c, &call, 1);
	if (ret) {
		*ret = call.ret;
		call.ret = NULL;
	}
	qmp_error_clear(e);
	*e = call.err;
	memset(&call.err, 0, sizeof(call.err));
	int r = call.status;
	qmp_calls_clear(&call, 1);
	return r;
}

struct qmp_client *qmp_connect(const char *addr, const struct qmp_options *opt, struct qmp_error *e)
{
	struct qmp_client *c = client_new(opt);
	long long deadline = qmp_deadline_after(c->timeout_s);
	char *err = NULL;
	c->fd = qmp_dial(addr, deadline, &err);
	if (c->fd < 0) {
		const char *hint = NULL;
		if (strstr(err, "No such file"))
			hint = "start QEMU with -qmp unix:PATH,server=on,wait=off (or a -chardev/-mon pair)";
		else if (strstr(err, "refused"))
			hint = "nothing listens there: is QEMU still running?";
		else if (strstr(err, "ermission"))
			hint = "the socket belongs to another user (libvirt's are root's; try --libvirt DOMAIN)";
		set_error(e, hint, "%s", err);
		free(err);
		qmp_close(c);
		return NULL;
	}
	struct json_object *greet, *q, *v;
	/* A socket that accepts and stays silent (a serial console before the
	 * guest writes) must not cost the whole timeout. */
	double greet_s = c->timeout_s < QMP_GREETING_WAIT_S ? c->timeout_s : QMP_GREETING_WAIT_S;
	long long greet_deadline = qmp_deadline_after(greet_s);
	if (read_message(c, greet_deadline < deadline ? greet_deadline : deadline, "the QMP greeting", &greet, e) <
	    0) {
		if (c->timed_out)
			set_error(e, HINT_SILENT,
				  "no answer within %g s (waiting for the QMP greeting): not a QMP socket, or a QMP "
				  "monitor busy with another client",
				  greet_s);
		else if (c->garbled) {
			/* A serial console's banner or HMP's text: said as soon as it arrives. */
			char *m = e->message;
			e->message = xasprintf("not a QMP socket: %s", m);
			free(m);
		}
		qmp_close(c);
		return NULL;
	}
	if (!json_object_object_get_ex(greet, "QMP", &q) || !json_object_is_type(q, json_type_object)) {
		json_object_put(greet);
		set_error(e, "is this a QMP socket (not an HMP monitor)?",
			  "not a QMP socket: the monitor's first message is not a QMP greeting");
		qmp_close(c);
		return NULL;
	}
	if (json_object_object_get_ex(q, "version", &v))
		c->version = version_from(v);
	json_object_put(greet);
	if (qmp_execute(c, "qmp_capabilities", NULL, NULL, e) < 0) {
		qmp_close(c);
		return NULL;
	}
	return c;
}

int qmp_next_event(struct qmp_client *c, long long deadline, struct json_object **event,
		   struct qmp_error *e)
{
	*event = NULL;
	for (;;) {
		if (c->ev_count) {
			*event = c->events[c->ev_head];
			c->ev_bytes -= c->ev_size[c->ev_head];
			c->ev_head = (c->ev_head + 1) % QMP_MAX_QUEUED_EVENTS;
			c->ev_count--;
			return 1;
		}
		if (c->fd < 0 || qmp_ms_left(deadline) == 0)
			return 0;
		if (c->dead) {
			set_error(e, NULL, "the connection already failed");
			return -1;
		}
		struct json_object *msg, *v;
		c->timed_out = false;
		if (read_message(c, deadline, "an event", &msg, e) < 0) {
			if (c->timed_out) {
				/* Waiting for events and seeing none is not a failure. */
				qmp_error_clear(e);
				c->dead = false;
				return 0;
			}
			return -1;
		}
		if (json_object_object_get_ex(msg, "event", &v))
			queue_event(c, msg, c->fr.last_bytes);
		else
			json_object_put(msg);
	}
}
