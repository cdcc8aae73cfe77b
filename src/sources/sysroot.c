#include "sources/sysroot.h"
#include "sources/beneath.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root; /* without a trailing slash; NULL when live */
static int rootfd = -1;
static int root_errno; /* why the root could not be opened */
static char *escape_why; /* sysroot_strerror(-EXDEV): the last link refused */

void sysroot_set(const char *dir)
{
	free(root);
	root = NULL;
	if (rootfd >= 0)
		close(rootfd);
	rootfd = -1;
	root_errno = 0;
	if (!dir || !*dir)
		return;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return;
	root = xstrndup(dir, n);
	/* The root itself is the engineer's choice and may be a link; nothing
	 * below it is followed out of it (beneath.c). */
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		root_errno = errno;
}

int sysroot_error(void)
{
	return root ? root_errno : 0;
}

const char *sysroot_get(void)
{
	return root;
}

static char *shown_name;

void sysroot_set_shown(const char *name)
{
	free(shown_name);
	shown_name = name ? xstrdup(name) : NULL;
}

const char *sysroot_shown(void)
{
	return root && shown_name ? shown_name : root;
}

bool sysroot_is_live(void)
{
	return root == NULL;
}

/* Live: the path itself. Never used to open anything under a sysroot
 * (that goes through beneath_open). */
static char *sysroot_path(const char *abs)
{
	return xstrdup(abs);
}

/* Link names and targets come from the customer: printable and bounded. */
static char *shown(const char *s)
{
	size_t n = strlen(s);
	if (n <= 160)
		return xstrndup_printable(s, n);
	char *head = xstrndup_printable(s, 160);
	char *r = xasprintf("%s...", head);
	free(head);
	return r;
}

static void remember_escape(const char *abs, const struct beneath_escape *esc)
{
	free(escape_why);
	char *what = shown(esc->link ? esc->link : abs);
	if (esc->target) {
		char *t = shown(esc->target);
		escape_why = xasprintf("link %s leaves the captured tree (to %s); not followed", what, t);
		free(t);
	} else {
		escape_why = xasprintf("%s leads out of the captured tree; not followed", what);
	}
	free(what);
}

/* Under a sysroot: opens abs beneath the root (O_PATH or read flags). */
static int root_open(const char *abs, int oflags, unsigned flags)
{
	if (rootfd < 0)
		return -root_errno;
	struct beneath_escape esc = { 0 };
	int fd = beneath_open(rootfd, abs, oflags, flags, &esc);
	if (fd == -EXDEV)
		remember_escape(abs, &esc);
	beneath_escape_free(&esc);
	return fd;
}

/* Under a sysroot, a regular file opened for reading without ever opening
 * anything else: the type is checked on an O_PATH descriptor (which opens no
 * device and no FIFO), then the path is opened again and must still be the
 * same inode (a tree changed under us is refused, not read). */
static int root_open_regular(const char *abs, struct stat *st)
{
	int pfd = root_open(abs, O_PATH, 0);
	if (pfd < 0)
		return pfd;
	struct stat ps;
	int e = fstat(pfd, &ps) < 0 ? -errno : 0;
	close(pfd);
	if (e < 0)
		return e;
	if (S_ISDIR(ps.st_mode))
		return -EISDIR;
	if (!S_ISREG(ps.st_mode))
		return -ENODEV;
	int fd = root_open(abs, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_dev != ps.st_dev || st->st_ino != ps.st_ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

int sysroot_open(const char *abs, int flags)
{
	if (root) {
		struct stat st;
		return root_open_regular(abs, &st);
	}
	char *p = sysroot_path(abs);
	int fd = open(p, flags | O_CLOEXEC);
	int e = errno;
	free(p);
	return fd < 0 ? -e : fd;
}

int sysroot_read(const char *abs, size_t max, struct file_data *out)
{
	out->data = NULL;
	out->len = 0;
	int fd = sysroot_open(abs, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	struct stat st;
	int se = fstat(fd, &st) < 0 ? -errno : 0;
	if (se == 0 && S_ISDIR(st.st_mode))
		se = -EISDIR;
	/* a regular file's size is its bound check before any read; procfs
	 * and sysfs say 0 and are counted below */
	else if (se == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size > max)
		se = -EFBIG;
	if (se < 0) {
		close(fd);
		return se;
	}
	/* proc and sysfs files report size 0: read until EOF, one byte past the bound
	 * so an oversized file is detected instead of truncated. */
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > max + 1) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[len] = '\0';
	out->data = buf;
	out->len = len;
	return 0;
}

void file_data_free(struct file_data *fd)
{
	free(fd->data);
	fd->data = NULL;
	fd->len = 0;
}

int sysroot_readlink(const char *abs, char **target)
{
	*target = NULL;
	char *p = NULL;
	int fd = -1;
	if (root) {
		/* the link itself, reached without leaving the tree */
		fd = root_open(abs, O_PATH | O_NOFOLLOW, BENEATH_NOFOLLOW);
		if (fd < 0)
			return fd;
	} else {
		p = sysroot_path(abs);
	}
	size_t cap = 256;
	int ret;
	for (;;) {
		char *buf = xmalloc(cap);
		ssize_t n = fd >= 0 ? readlinkat(fd, "", buf, cap) : readlink(p, buf, cap);
		if (n < 0) {
			ret = -errno;
			free(buf);
			break;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			*target = buf;
			ret = 0;
			break;
		}
		free(buf);
		if (cap >= 65536) {
			ret = -ENAMETOOLONG;
			break;
		}
		cap *= 4;
	}
	if (fd >= 0)
		close(fd);
	free(p);
	return ret;
}

int sysroot_link_basename(const char *abs, char **name)
{
	char *t;
	int r = sysroot_readlink(abs, &t);
	*name = NULL;
	if (r < 0 || !t)
		return r < 0 ? r : -EIO;
	size_t n = strlen(t);
	while (n > 1 && t[n - 1] == '/')
		t[--n] = '\0';
	const char *slash = strrchr(t, '/');
	const char *base = slash ? slash + 1 : t;
	*name = xstrndup_printable(base, strlen(base));
	free(t);
	return 0;
}

bool sysroot_exists(const char *abs)
{
	if (root) {
		int fd = root_open(abs, O_PATH | O_NOFOLLOW, BENEATH_NOFOLLOW);
		if (fd >= 0)
			close(fd);
		return fd >= 0;
	}
	char *p = sysroot_path(abs);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

DIR *sysroot_opendir(const char *abs)
{
	if (root) {
		int pfd = root_open(abs, O_PATH | O_DIRECTORY, 0);
		if (pfd < 0) {
			errno = -pfd;
			return NULL;
		}
		/* "." of an O_PATH directory: the same directory, no second lookup */
		int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int e = errno;
		close(pfd);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (fd >= 0 && !d) {
			e = errno;
			close(fd);
		}
		errno = e;
		return d;
	}
	char *p = sysroot_path(abs);
	DIR *d = opendir(p);
	int e = errno;
	free(p);
	errno = e;
	return d;
}

const char *sysroot_strerror(int neg_errno)
{
	switch (-neg_errno) {
	case ENOENT:
		return "not present";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EFBIG:
		return "too large to be what it claims to be";
	case EISDIR:
		return "is a directory";
	case EXDEV:
		return escape_why ? escape_why : "a link leaves the captured tree; not followed";
	case ENODEV:
		return "not a regular file (a device, FIFO or socket); not opened";
	case ESTALE:
		return "changed while being opened; not read";
	default:
		return strerror(-neg_errno);
	}
}
