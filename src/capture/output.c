/* collect's output file (and explain-oom --html's page, capture_output_open_as).
 * The tarball holds root-only data and PATH may be in
 * a directory other users can write (/tmp), so it is never opened by name:
 * a new file (O_EXCL, 0600) is created next to PATH, tar writes into its
 * descriptor, and it is renamed onto PATH only once complete. A symlink at
 * PATH is refused (never followed); an existing regular file is replaced by
 * the rename, never written into, so whoever could open it sees nothing. */
#include "capture/capture.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Splits PATH into its directory (opened) and the last component. */
static int open_parent(const char *path, char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int e = errno;
	free(dir);
	if (dfd < 0) {
		errno = e;
		return -1;
	}
	*base = xstrdup(slash ? slash + 1 : path);
	return dfd;
}

/* What is at PATH now: nothing or a regular file is fine; anything else is
 * refused with a message. */
static int check_target(int dfd, const char *base, const char *path, const char *who)
{
	struct stat st;
	if (!*base) {
		vb_err("%s: %s: %s", who, path, strerror(EISDIR));
		return -1;
	}
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		vb_err("%s: %s: %s", who, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		vb_err_hint("remove the link or name another file",
			    "%s: %s: is a symbolic link; not writing through it", who, path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		vb_err("%s: %s: %s", who, path, strerror(EISDIR));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		vb_err("%s: %s: not a regular file; not writing to it", who, path);
		return -1;
	}
	return 0;
}

int capture_output_open(struct capture_output *o, const char *path)
{
	return capture_output_open_as(o, path, "collect", 0600);
}

int capture_output_open_as(struct capture_output *o, const char *path, const char *who, mode_t mode)
{
	*o = (struct capture_output){ .path = path, .who = who, .dirfd = -1, .fd = -1 };
	o->dirfd = open_parent(path, &o->base);
	if (o->dirfd < 0) {
		vb_err("%s: %s: %s", who, path, strerror(errno));
		return -1;
	}
	if (check_target(o->dirfd, o->base, path, who) < 0)
		goto fail;
	for (int tries = 0; tries < 100; tries++) {
		uint32_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		free(o->tmpname);
		o->tmpname = xasprintf(".vbtool-%s-%08x.tmp", who, r);
		o->fd = openat(o->dirfd, o->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	if (o->fd < 0) {
		vb_err("%s: %s: %s", who, path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(o->dirfd);
	o->dirfd = -1;
	free(o->base);
	free(o->tmpname);
	o->base = o->tmpname = NULL;
	return -1;
}

int capture_output_commit(struct capture_output *o)
{
	int e = 0;
	/* EINVAL: a file system without fsync; the rename is still atomic. */
	if (fsync(o->fd) < 0 && errno != EINVAL)
		e = errno;
	if (close(o->fd) < 0 && !e)
		e = errno;
	o->fd = -1;
	/* Whatever appeared at PATH meanwhile (even a symlink) is replaced, not followed. */
	if (!e && renameat(o->dirfd, o->tmpname, o->dirfd, o->base) < 0)
		e = errno;
	if (e) {
		vb_err("%s: %s: %s", o->who, o->path, strerror(e));
		unlinkat(o->dirfd, o->tmpname, 0);
	}
	close(o->dirfd);
	o->dirfd = -1;
	free(o->base);
	free(o->tmpname);
	o->base = o->tmpname = NULL;
	return e ? -1 : 0;
}

void capture_output_discard(struct capture_output *o)
{
	if (o->dirfd < 0)
		return;
	if (o->fd >= 0)
		close(o->fd);
	unlinkat(o->dirfd, o->tmpname, 0);
	close(o->dirfd);
	o->fd = o->dirfd = -1;
	free(o->base);
	free(o->tmpname);
	o->base = o->tmpname = NULL;
}
