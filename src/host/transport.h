/* Byte transport to a QMP monitor: connecting to a unix socket path or a
 * TCP host:port, and reads/writes bounded by a deadline. Handles EINTR and
 * partial writes; never raises SIGPIPE. */
#ifndef VBTOOL_QMP_TRANSPORT_H
#define VBTOOL_QMP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Monotonic time in milliseconds, and deadlines built from it. */
long long qmp_now_ms(void);
long long qmp_deadline_after(double seconds);
/* Milliseconds left before deadline for poll(): 0 when passed. */
int qmp_ms_left(long long deadline);

/* Splits an address: "unix:PATH", "tcp:HOST:PORT", "HOST:PORT" (no '/', and
 * no such file), or a path. Returns true for TCP and fills *host / *port. */
bool qmp_address_is_tcp(const char *addr, char **host, char **port);

/* Returns a connected, non-blocking, close-on-exec descriptor, or -1 with
 * *err (allocated) saying why. */
int qmp_dial(const char *addr, long long deadline, char **err);

/* Writes all of buf before the deadline. Returns 0, or -1 with errno
 * (ETIMEDOUT when the deadline passed). */
int qmp_write_all(int fd, const char *buf, size_t len, long long deadline);
/* Reads what is there, waiting until the deadline for something. Returns
 * the byte count, 0 at end of stream, or -1 with errno (ETIMEDOUT). */
ssize_t qmp_read_some(int fd, char *buf, size_t len, long long deadline);

#endif
