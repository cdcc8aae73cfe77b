#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ftw.h>

int fuzz_next_section(const uint8_t **p, const uint8_t *end, const uint8_t **sec, size_t *len)
{
	if (!*p)
		return 0;
	const uint8_t *s = *p;
	const uint8_t *m = memmem(s, (size_t)(end - s), FUZZ_SEP, FUZZ_SEP_LEN);
	*sec = s;
	if (m) {
		*len = (size_t)(m - s);
		*p = m + FUZZ_SEP_LEN;
	} else {
		*len = (size_t)(end - s);
		*p = NULL; /* the last section */
	}
	return 1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

const char *fuzz_scratch_root(void)
{
	static char root[PATH_MAX];
	if (!root[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(root, sizeof(root), "%s/vbtool-fuzz.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(root))
			abort();
	} else {
		nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	return root;
}

static void mkparents(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			abort();
		*s = '/';
	}
}

void fuzz_write_file(const char *root, const char *rel, const uint8_t *data, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkparents(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		abort();
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n <= 0)
			abort();
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

void fuzz_symlink(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkparents(path);
	if (symlink(target, path) < 0)
		abort();
}

char *fuzz_dup(const uint8_t *data, size_t len)
{
	char *p = malloc(len + 1);
	if (!p)
		abort();
	memcpy(p, data, len);
	p[len] = '\0';
	return p;
}
