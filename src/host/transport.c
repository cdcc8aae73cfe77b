#include "host/transport.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

long long qmp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long qmp_deadline_after(double seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds > 86400.0 * 365)
		seconds = 86400.0 * 365;
	return qmp_now_ms() + (long long)(seconds * 1000.0 + 0.5);
}

int qmp_ms_left(long long deadline)
{
	long long left = deadline - qmp_now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000000 ? 1000000000 : (int)left;
}

bool qmp_address_is_tcp(const char *addr, char **host, char **port)
{
	const char *hp;
	struct stat st;
	if (strncmp(addr, "unix:", 5) == 0)
		return false;
	if (strncmp(addr, "tcp:", 4) == 0)
		hp = addr + 4;
	else if (strchr(addr, '/') || !strchr(addr, ':') || stat(addr, &st) == 0)
		return false;
	else
		hp = addr;
	const char *colon = strrchr(hp, ':');
	if (!colon)
		return false;
	const char *h = hp;
	size_t hlen = (size_t)(colon - hp);
	/* [::1]:4444 */
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (host)
		*host = xstrndup(h, hlen);
	if (port)
		*port = xstrdup(colon + 1);
	return true;
}

static int set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Waits for a non-blocking connect() to finish. */
static int finish_connect(int fd, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	for (;;) {
		int r = poll(&p, 1, qmp_ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			return -1;
		if (soerr) {
			errno = soerr;
			return -1;
		}
		return 0;
	}
}

static int dial_unix(const char *path, long long deadline, char **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*err = xasprintf("socket path longer than %zu bytes", sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || set_flags(fd) < 0) {
		*err = xasprintf("socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int r;
	do
		r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EINPROGRESS || errno == EAGAIN))
		r = finish_connect(fd, deadline);
	if (r < 0) {
		*err = xasprintf("connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int dial_tcp(const char *host, const char *port, long long deadline, char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (gai != 0) {
		*err = xasprintf("cannot resolve '%s' port '%s': %s", host, port, gai_strerror(gai));
		return -1;
	}
	int fd = -1, last = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0 || set_flags(fd) < 0) {
			last = errno;
			if (fd >= 0)
				close(fd);
			fd = -1;
			continue;
		}
		int r;
		do
			r = connect(fd, ai->ai_addr, ai->ai_addrlen);
		while (r < 0 && errno == EINTR);
		if (r < 0 && errno == EINPROGRESS)
			r = finish_connect(fd, deadline);
		if (r == 0)
			break;
		last = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*err = xasprintf("connect: %s", strerror(last ? last : ECONNREFUSED));
	return fd;
}

int qmp_dial(const char *addr, long long deadline, char **err)
{
	char *host = NULL, *port = NULL;
	if (qmp_address_is_tcp(addr, &host, &port)) {
		int fd = dial_tcp(host, port, deadline, err);
		free(host);
		free(port);
		return fd;
	}
	return dial_unix(strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr, deadline, err);
}

static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	for (;;) {
		int r = poll(&p, 1, qmp_ms_left(deadline));
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

int qmp_write_all(int fd, const char *buf, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(fd, POLLOUT, deadline) < 0)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

ssize_t qmp_read_some(int fd, char *buf, size_t len, long long deadline)
{
	for (;;) {
		ssize_t n = recv(fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (wait_fd(fd, POLLIN, deadline) < 0)
			return -1;
	}
}
