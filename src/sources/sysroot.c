#include "sources/sysroot.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root; /* without a trailing slash; NULL when live */

void sysroot_set(const char *dir)
{
	free(root);
	root = NULL;
	if (!dir || !*dir)
		return;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return;
	root = xstrndup(dir, n);
}

const char *sysroot_get(void)
{
	return root;
}

bool sysroot_is_live(void)
{
	return root == NULL;
}

char *sysroot_path(const char *abs)
{
	if (!root)
		return xstrdup(abs);
	return xasprintf("%s%s%s", root, abs[0] == '/' ? "" : "/", abs);
}

int sysroot_open(const char *abs, int flags)
{
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
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
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
	char *p = sysroot_path(abs);
	size_t cap = 256;
	*target = NULL;
	for (;;) {
		char *buf = xmalloc(cap);
		ssize_t n = readlink(p, buf, cap);
		if (n < 0) {
			int e = errno;
			free(buf);
			free(p);
			return -e;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			*target = buf;
			free(p);
			return 0;
		}
		free(buf);
		if (cap >= 65536) {
			free(p);
			return -ENAMETOOLONG;
		}
		cap *= 4;
	}
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
	char *p = sysroot_path(abs);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

DIR *sysroot_opendir(const char *abs)
{
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
	default:
		return strerror(-neg_errno);
	}
}
