#include "qmp/client.h"
#include "qmp/framing.h"
#include "qmp/transport.h"
#include "qmp/virsh.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct qmp_client {
	int fd;        /* -1 for virsh */
	char *domain;  /* virsh only */
	struct qmp_framer fr;
	char *buf;     /* bytes read but not yet framed: buf[pos..len) */
	size_t pos, len;
	double timeout_s;
	size_t max_message;
	long long next_id;
	struct json_object **events; /* ring buffer */
	size_t ev_head, ev_count;
	unsigned long events_seen, dropped;
	bool dead;
	bool timed_out; /* the last failure was the deadline passing */
	char *version;
};

static const char *HINT_BUSY =
	"QMP serves one client at a time: is another client (libvirt, a script) connected?";

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
	struct strbuf sb;
	qmp_error_clear(e);
	sb_init(&sb);
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	sb_adds(&sb, msg ? msg : "(out of memory)");
	free(msg);
	e->message = sb_detach(&sb);
	e->hint = hint;
}

/* A failure that leaves the stream in an unknown state: no further calls. */
static int fail_dead(struct qmp_client *c, struct qmp_error *e)
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
	free(c->buf);
	free(c->domain);
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

static void queue_event(struct qmp_client *c, struct json_object *ev)
{
	c->events_seen++;
	if (c->ev_count == QMP_MAX_QUEUED_EVENTS) {
		/* Keep the newest: drop the oldest. */
		json_object_put(c->events[c->ev_head]);
		c->ev_head = (c->ev_head + 1) % QMP_MAX_QUEUED_EVENTS;
		c->ev_count--;
		c->dropped++;
	}
	c->events[(c->ev_head + c->ev_count) % QMP_MAX_QUEUED_EVENTS] = ev;
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
				return fail_dead(c, e);
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
		if (n == 0) {
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
		return fail_dead(c, e);
	}
}

static char *version_from(struct json_object *v)
{
	struct json_object *q, *ma, *mi, *mc;
	if (!json_object_object_get_ex(v, "qemu", &q) || !json_object_object_get_ex(q, "major", &ma) ||
	    !json_object_object_get_ex(q, "minor", &mi) || !json_object_object_get_ex(q, "micro", &mc))
		return NULL;
	return xasprintf("%lld.%lld.%lld", (long long)json_object_get_int64(ma),
			 (long long)json_object_get_int64(mi), (long long)json_object_get_int64(mc));
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
	e->class = xstrdup(cls && json_object_is_type(cls, json_type_string) ? json_object_get_string(cls)
									     : "GenericError");
	e->message = xasprintf("%s: %s (%s)", command,
			       desc && json_object_is_type(desc, json_type_string) ? json_object_get_string(desc)
										  : "error without a description",
			       e->class);
	return -1;
}

static bool id_matches(struct json_object *msg, long long id)
{
	struct json_object *v;
	if (!json_object_object_get_ex(msg, "id", &v))
		return true; /* QEMU answers a command it could not parse without an id */
	return json_object_is_type(v, json_type_int) && json_object_get_int64(v) == id;
}

static int execute_socket(struct qmp_client *c, const char *command, struct json_object *req,
			  long long id, struct json_object **ret, struct qmp_error *e)
{
	long long deadline = qmp_deadline_after(c->timeout_s);
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	char *line = xasprintf("%s\r\n", text);
	int w = qmp_write_all(c->fd, line, strlen(line), deadline);
	free(line);
	if (w < 0) {
		set_error(e, NULL, "sending %s: %s", command,
			  errno == ETIMEDOUT ? "the monitor does not read" : strerror(errno));
		return fail_dead(c, e);
	}
	char *what = xasprintf("the reply to %s", command);
	for (;;) {
		struct json_object *msg;
		if (read_message(c, deadline, what, &msg, e) < 0) {
			free(what);
			return -1;
		}
		struct json_object *v;
		if (json_object_object_get_ex(msg, "event", &v)) {
			queue_event(c, msg);
			continue;
		}
		bool is_reply = json_object_object_get_ex(msg, "return", &v) ||
				json_object_object_get_ex(msg, "error", &v);
		if (!is_reply || !id_matches(msg, id)) {
			json_object_put(msg); /* a late reply to an abandoned call, or noise */
			continue;
		}
		free(what);
		int r = take_reply(command, msg, ret, e);
		json_object_put(msg);
		return r;
	}
}

static int execute_virsh(struct qmp_client *c, const char *command, struct json_object *req,
			 struct json_object **ret, struct qmp_error *e)
{
	char *err = NULL;
	long long deadline = qmp_deadline_after(c->timeout_s);
	char *out = qmp_virsh_run(c->domain, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
				  deadline, c->max_message, &err);
	if (!out) {
		set_error(e, NULL, "%s over virsh: %s", command, err);
		free(err);
		return fail_dead(c, e);
	}
	struct qmp_framer fr;
	qmp_framer_init(&fr, c->max_message);
	struct json_object *msg = NULL;
	size_t used;
	const char *why = "no JSON object in virsh's output";
	enum qmp_frame_result r = qmp_framer_feed(&fr, out, strlen(out), &used, &msg, &why);
	qmp_framer_free(&fr);
	free(out);
	if (r != QMP_FRAME_MESSAGE) {
		set_error(e, NULL, "%s over virsh: cannot parse virsh's output: %s", command,
			  r == QMP_FRAME_MORE ? "incomplete JSON" : why);
		return fail_dead(c, e);
	}
	int rc = take_reply(command, msg, ret, e);
	json_object_put(msg);
	return rc;
}

int qmp_execute(struct qmp_client *c, const char *command, struct json_object *args,
		struct json_object **ret, struct qmp_error *e)
{
	if (ret)
		*ret = NULL;
	if (c->dead) {
		json_object_put(args);
		set_error(e, NULL, "%s: not sent, the connection already failed", command);
		return -1;
	}
	struct json_object *req = json_object_new_object();
	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", args);
	long long id = c->next_id++;
	int r;
	if (c->fd >= 0) {
		json_object_object_add(req, "id", json_object_new_int64(id));
		r = execute_socket(c, command, req, id, ret, e);
	} else {
		/* libvirt adds its own id. */
		r = execute_virsh(c, command, req, ret, e);
	}
	json_object_put(req);
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
			hint = "the socket belongs to another user (libvirt's are root's; try --virsh DOMAIN)";
		set_error(e, hint, "%s", err);
		free(err);
		qmp_close(c);
		return NULL;
	}
	struct json_object *greet, *q, *v;
	if (read_message(c, deadline, "the QMP greeting", &greet, e) < 0) {
		qmp_close(c);
		return NULL;
	}
	if (!json_object_object_get_ex(greet, "QMP", &q) || !json_object_is_type(q, json_type_object)) {
		json_object_put(greet);
		set_error(e, "is this a QMP socket (not an HMP monitor)?",
			  "the monitor's first message is not a QMP greeting");
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

struct qmp_client *qmp_connect_virsh(const char *domain, const struct qmp_options *opt,
				     struct qmp_error *e)
{
	struct qmp_client *c = client_new(opt);
	c->domain = xstrdup(domain);
	struct json_object *ver = NULL;
	if (qmp_execute(c, "query-version", NULL, &ver, e) < 0) {
		qmp_close(c);
		return NULL;
	}
	c->version = version_from(ver);
	json_object_put(ver);
	return c;
}

int qmp_next_event(struct qmp_client *c, long long deadline, struct json_object **event,
		   struct qmp_error *e)
{
	*event = NULL;
	for (;;) {
		if (c->ev_count) {
			*event = c->events[c->ev_head];
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
			queue_event(c, msg);
		else
			json_object_put(msg);
	}
}
