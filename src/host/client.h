/* A small QMP client: greeting check, qmp_capabilities, one command at a time
 * matched to its reply by id, events queued while waiting, a deadline on
 * every call, a bound on message size. Over a socket (unix or TCP). */
#ifndef VBTOOL_QMP_CLIENT_H
#define VBTOOL_QMP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define QMP_DEFAULT_TIMEOUT_S 3.0
/* QEMU greets at once on a free monitor: a socket silent for this long (or
 * the per-call timeout, when shorter) is not taken for QMP. */
#define QMP_GREETING_WAIT_S 1.0
#define QMP_MAX_QUEUED_EVENTS 1024
/* Bytes of queued events, as sent: json-c needs up to ~35 times that
 * (a hostile QEMU's 1 MiB events filled gigabytes). A larger event is
 * dropped. */
#define QMP_MAX_QUEUED_BYTES (256 * 1024)

struct qmp_client;

struct qmp_options {
	double timeout_s;   /* per call; 0 = QMP_DEFAULT_TIMEOUT_S */
	size_t max_message; /* 0 = QMP_DEFAULT_MAX_MESSAGE */
	/* The events to queue for qmp_next_event (NULL-terminated names);
	 * the others are dropped as they arrive. NULL: none. */
	const char *const *events;
};

/* What went wrong with a call. class is QMP's error class ("GenericError",
 * "CommandNotFound", "DeviceNotActive", ...) when QEMU answered with an error,
 * NULL when the failure was in the transport or the protocol. */
struct qmp_error {
	char *class;
	char *message;
	const char *hint; /* static, or NULL */
};
void qmp_error_clear(struct qmp_error *e);

/* Connects, checks the greeting and negotiates capabilities. NULL on
 * failure, with *e filled. */
struct qmp_client *qmp_connect(const char *addr, const struct qmp_options *opt, struct qmp_error *e);
void qmp_close(struct qmp_client *c);

/* "7.2.22" from the greeting, or NULL. */
const char *qmp_qemu_version(const struct qmp_client *c);
bool qmp_has_events(const struct qmp_client *c);

/* Runs one command. args is consumed (may be NULL). On success returns 0 and
 * *ret holds a new reference to the "return" value (caller puts it). On
 * failure returns -1 with *e filled; after a transport or protocol failure
 * the client is dead and every later call fails at once. */
int qmp_execute(struct qmp_client *c, const char *command, struct json_object *args,
		struct json_object **ret, struct qmp_error *e);
bool qmp_is_dead(const struct qmp_client *c);

/* Several commands in one round trip (pipelined; QEMU runs them in order).
 * Fill command and args (owned, put by qmp_calls_clear); on return each call
 * has status 0 and ret, or -1 and err. Returns -1 when the connection died
 * (the calls without a reply carry that error). */
struct qmp_call {
	const char *command;
	struct json_object *args;
	struct json_object *ret;
	struct qmp_error err;
	int status;
};
int qmp_execute_many(struct qmp_client *c, struct qmp_call *calls, size_t n);
/* Puts args and ret and clears err of each call. */
void qmp_calls_clear(struct qmp_call *calls, size_t n);

/* Takes the oldest queued event, or waits until the deadline for one.
 * Returns 1 with *event (caller puts it), 0 on timeout, -1 on failure. */
int qmp_next_event(struct qmp_client *c, long long deadline, struct json_object **event,
		   struct qmp_error *e);
/* Wanted events dropped because the queue was full. */
unsigned long qmp_dropped_events(const struct qmp_client *c);

#endif
