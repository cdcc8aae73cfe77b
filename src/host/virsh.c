#include "host/virsh.h"
#include "host/transport.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define VIRSH_MAX_STDERR 4096

/* Reads one pipe into sb, bounded; returns false at end of stream. */
static bool drain(int fd, struct strbuf *sb, size_t max, bool *overflow)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	size_t keep = (size_t)n;
	if (sb->len + keep > max) {
		keep = max > sb->len ? max - sb->len : 0;
		*overflow = true;
	}
	sb_add(sb, buf, keep);
	return true;
}

/* virsh's message, trimmed and without control characters (it ends up on
 * a terminal); NUL bytes end it. */
static void tidy_message(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		sb->buf[--sb->len] = '\0';
	for (size_t i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			sb->buf[i] = sb->buf[i] ? ' ' : '\0';
}

char *qmp_virsh_run(const char *domain, const char *json, long long deadline, size_t max_output,
		    char **err)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		*err = xasprintf("pipe: %s", strerror(errno));
		for (int i = 0; i < 2; i++)
			if (out[i] >= 0)
				close(out[i]);
		return NULL;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* "--": virsh takes every later word as an argument, so a domain named
	 * "--help" (or any --option) is a domain name, not an option. */
	char *argv[] = { "virsh", "qemu-monitor-command", "--", (char *)domain, (char *)json, NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "virsh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(errp[1]);
	if (rc != 0) {
		*err = xasprintf("cannot run virsh: %s", strerror(rc));
		close(out[0]);
		close(errp[0]);
		return NULL;
	}
	struct strbuf so, se;
	sb_init(&so);
	sb_init(&se);
	bool out_open = true, err_open = true, overflow = false, dummy = false, timed_out = false;
	while (out_open || err_open) {
		struct pollfd p[2] = { { .fd = out_open ? out[0] : -1, .events = POLLIN },
				       { .fd = err_open ? errp[0] : -1, .events = POLLIN } };
		int r = poll(p, 2, qmp_ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			timed_out = r == 0;
			break;
		}
		if (out_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			out_open = drain(out[0], &so, max_output, &overflow);
		if (err_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			err_open = drain(errp[0], &se, VIRSH_MAX_STDERR, &dummy);
		if (overflow)
			break;
	}
	close(out[0]);
	close(errp[0]);
	if (timed_out || overflow)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char *result = NULL;
	tidy_message(&se);
	if (timed_out)
		*err = xasprintf("virsh did not answer in time (killed)");
	else if (overflow)
		*err = xasprintf("virsh printed more than %zu bytes", max_output);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		*err = xasprintf("cannot run virsh%s%s", se.len ? ": " : "", se.len ? se.buf : "");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*err = xasprintf("virsh failed (%s %d)%s%s", WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				 se.len ? ": " : "", se.len ? se.buf : "");
	else
		result = sb_detach(&so);
	sb_free(&so);
	sb_free(&se);
	return result;
}
