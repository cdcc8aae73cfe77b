/* QMP message handling: the bytes a monitor sends, (1) through the framer
 * in pieces of every size, and (2) from a real socket into the client:
 * greeting, capabilities, two commands, queued events. The monitor here
 * sends the input whatever vbtool asks, then hangs up, so no run waits for
 * a timeout. */
#include "fuzz.h"
#include "host/client.h"
#include "host/framing.h"
#include "host/values.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct monitor {
	int listen_fd;
	const uint8_t *data;
	size_t size;
};

static void *monitor_run(void *arg)
{
	struct monitor *m = arg;
	int fd = accept(m->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	size_t off = 0;
	while (off < m->size) {
		ssize_t n = write(fd, m->data + off, m->size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	char sink[4096];
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	close(fd);
	return NULL;
}

static void framer(const uint8_t *data, size_t size)
{
	struct qmp_framer f;
	qmp_framer_init(&f, 4096);
	size_t step = size ? 1 + data[0] % 17 : 1, off = 0;
	while (off < size) {
		size_t chunk = size - off < step ? size - off : step, used = 0;
		struct json_object *msg = NULL;
		const char *err = NULL;
		enum qmp_frame_result r = qmp_framer_feed(&f, (const char *)data + off, chunk, &used, &msg, &err);
		if (used > chunk)
			abort();
		if (r == QMP_FRAME_ERROR) {
			if (!err || msg)
				abort();
			break;
		}
		if (r == QMP_FRAME_MESSAGE) {
			if (!msg || !json_object_is_type(msg, json_type_object))
				abort();
			(void)qmp_stat_value(json_object_object_get(msg, "return"));
			(void)qmp_member_u64(msg, "id");
			(void)qmp_member_str(msg, "event");
			json_object_put(msg);
		} else if (used != chunk) {
			abort(); /* MORE means everything was taken */
		}
		if (used == 0 && r != QMP_FRAME_MESSAGE)
			break;
		off += used;
	}
	(void)qmp_framer_partial(&f);
	qmp_framer_free(&f);
}

static void client(const uint8_t *data, size_t size)
{
	static char path[256];
	const char *root = fuzz_scratch_root();
	snprintf(path, sizeof(path), "%s/qmp.sock", root);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (lfd < 0 || strlen(path) >= sizeof(sa.sun_path))
		abort();
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0)
		abort();
	struct monitor m = { lfd, data, size };
	pthread_t t;
	if (pthread_create(&t, NULL, monitor_run, &m) != 0)
		abort();

	struct qmp_options opt = { .timeout_s = 2.0, .max_message = 64 * 1024 };
	struct qmp_error e = { 0 };
	struct qmp_client *c = qmp_connect(path, &opt, &e);
	if (c) {
		(void)qmp_qemu_version(c);
		struct json_object *ret = NULL;
		if (qmp_execute(c, "query-balloon", NULL, &ret, &e) == 0) {
			(void)qmp_member_u64(ret, "actual");
			json_object_put(ret);
		}
		qmp_error_clear(&e);
		struct qmp_call calls[2] = { { .command = "query-balloon" }, { .command = "qom-get" } };
		qmp_execute_many(c, calls, 2);
		qmp_calls_clear(calls, 2);
		struct json_object *ev;
		while (qmp_next_event(c, 0, &ev, &e) > 0)
			json_object_put(ev);
		qmp_error_clear(&e);
		qmp_close(c);
	}
	qmp_error_clear(&e);
	pthread_join(t, NULL);
	close(lfd);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool once;
	if (!once) {
		signal(SIGPIPE, SIG_IGN);
		once = true;
	}
	framer(data, size);
	client(data, size);
	return 0;
}
