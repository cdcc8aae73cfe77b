/* The --sysroot resolver (sources/beneath.c and sysroot.c) against crafted
 * trees. The input is sections separated by FUZZ_SEP: the first is one
 * byte (odd: a link in the last component is not followed) and the path to
 * resolve; each further one creates an entry in the tree: 'f' NAME (a file), 'd' NAME (a directory),
 * 'p' NAME (a FIFO), 'l' NAME '\n' TARGET (a symlink; a target starting with
 * '@' has '@' replaced by the scratch directory, to make absolute links that
 * land inside or outside). Names and paths are mapped onto the letters a, b
 * and c. The root is @/b; @/a and @/c/a lie outside it and say OUTSIDE.
 * The tree starts with a, b/a (files), b/b -> ../a, b/c -> ../../a, c -> b.
 *
 * Oracles: whatever openat2 or the checked walk returns is, by its
 * /proc/self/fd link, the root or below it; both give the same inode or the
 * same errno; a refused link named in the escape is a symlink in the tree;
 * sysroot_read never returns the outside's content and never opens a FIFO. */
#include "fuzz.h"
#include "sources/beneath.h"
#include "sources/sysroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[PATH_MAX], rootdir[PATH_MAX], rootreal[PATH_MAX];

/* A bounded string without NUL, over a small alphabet: any other byte
 * becomes a, b or c, so that names in the path, the entries and the link
 * targets meet often (a path that names nothing tests little). */
static char *as_str(const uint8_t *s, size_t len, size_t max)
{
	if (len > max)
		len = max;
	char *p = fuzz_dup(s, len);
	p[strnlen(p, len)] = '\0';
	for (char *c = p; *c; c++)
		if (!strchr("abc/.@\n", *c))
			*c = "abc"[(unsigned char)*c % 3];
	return p;
}

/* Names stay in the tree: no '/'-leading path, no ".." component. */
static int safe_name(const char *n)
{
	if (!*n || n[0] == '/')
		return 0;
	for (const char *c = n; *c;) {
		size_t l = strcspn(c, "/");
		if (l == 2 && c[0] == '.' && c[1] == '.')
			return 0;
		c += l;
		while (*c == '/')
			c++;
	}
	return 1;
}

static void mkparents(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(p, 0755);
		*s = '/';
	}
}

static void create_entry(const uint8_t *sec, size_t len)
{
	if (len < 2)
		return;
	char type = (char)sec[0];
	char *body = as_str(sec + 1, len - 1, 300);
	char *target = NULL;
	char *nl = strchr(body, '\n');
	if (nl) {
		*nl = '\0';
		target = nl + 1;
	}
	char path[PATH_MAX];
	if (!safe_name(body) || (size_t)snprintf(path, sizeof(path), "%s/%s", rootdir, body) >= sizeof(path)) {
		free(body);
		return;
	}
	mkparents(path);
	if (type == 'f') {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
		if (fd >= 0) {
			(void)!write(fd, "INSIDE\n", 7);
			close(fd);
		}
	} else if (type == 'd') {
		(void)mkdir(path, 0755);
	} else if (type == 'p') {
		(void)mkfifo(path, 0644);
	} else if (type == 'l' && target) {
		char t[PATH_MAX];
		if (target[0] == '@')
			snprintf(t, sizeof(t), "%s%s", scratch, target + 1);
		else
			snprintf(t, sizeof(t), "%s", target);
		(void)symlink(t, path);
	}
	free(body);
}

/* The object behind fd is the root or below it. */
static void check_inside(int fd)
{
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		abort();
	real[n] = '\0';
	size_t rl = strlen(rootreal);
	if (strncmp(real, rootreal, rl) != 0 || (real[rl] != '\0' && real[rl] != '/')) {
		fprintf(stderr, "resolved outside the root: %s\n", real);
		abort();
	}
}

static void check_escape(const struct beneath_escape *esc)
{
	if (!esc->link)
		return;
	char p[PATH_MAX * 2];
	struct stat st;
	snprintf(p, sizeof(p), "%s%s", rootdir, esc->link);
	if (esc->link[0] != '/' || lstat(p, &st) < 0 || !S_ISLNK(st.st_mode) || !esc->target) {
		fprintf(stderr, "escape names %s, not a link of the tree\n", esc->link);
		abort();
	}
}

static void resolve_both(int rootfd, const char *path, unsigned flags)
{
	struct beneath_escape e1 = { 0 }, e2 = { 0 };
	int a = beneath_open(rootfd, path, O_PATH, flags, &e1);
	int b = beneath_open(rootfd, path, O_PATH, flags | BENEATH_WALK, &e2);
	if (a >= 0)
		check_inside(a);
	if (b >= 0)
		check_inside(b);
	check_escape(&e1);
	check_escape(&e2);
	if ((a >= 0) != (b >= 0) || (a < 0 && a != b)) {
		fprintf(stderr, "openat2 and the walk differ on '%s' (%x): %d vs %d\n", path, flags, a, b);
		abort();
	}
	if (a >= 0) {
		struct stat sa, sb;
		if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0 || sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino) {
			fprintf(stderr, "openat2 and the walk reach different files for '%s'\n", path);
			abort();
		}
		close(a);
		close(b);
	}
	beneath_escape_free(&e1);
	beneath_escape_free(&e2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = fuzz_scratch_root();
	snprintf(scratch, sizeof(scratch), "%s", s);
	snprintf(rootdir, sizeof(rootdir), "%s/b", scratch);
	(void)mkdir(rootdir, 0755);
	if (!realpath(rootdir, rootreal))
		abort();
	/* outside the root, reachable as "@/c" or "../c" and "@/c/a" */
	fuzz_write_file(scratch, "c/a", (const uint8_t *)"OUTSIDE\n", 8);
	fuzz_write_file(scratch, "a", (const uint8_t *)"OUTSIDE\n", 8);

	/* a few entries every input starts from: a file, a directory, links to a
	 * file, to a directory and out of the tree by ".." */
	fuzz_write_file(rootdir, "a", (const uint8_t *)"INSIDE\n", 7);
	fuzz_write_file(rootdir, "b/a", (const uint8_t *)"INSIDE\n", 7);
	fuzz_symlink(rootdir, "b/b", "../a");
	fuzz_symlink(rootdir, "b/c", "../../a");
	fuzz_symlink(rootdir, "c", "b");

	const uint8_t *p = data, *sec;
	size_t len;
	if (!fuzz_next_section(&p, data + size, &sec, &len) || len < 1)
		return 0;
	unsigned flags = (sec[0] & 1) ? BENEATH_NOFOLLOW : 0;
	char *path = as_str(sec + 1, len - 1, 512);
	for (int i = 0; i < 32 && fuzz_next_section(&p, data + size, &sec, &len); i++)
		create_entry(sec, len);

	int rootfd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	resolve_both(rootfd, path, flags);
	close(rootfd);

	/* the public API: never the outside's content, never a FIFO opened */
	sysroot_set(rootdir);
	struct file_data fd;
	int e = sysroot_read(path, 4096, &fd);
	if (e == 0) {
		if (fd.len >= 7 && memcmp(fd.data, "OUTSIDE", 7) == 0)
			abort();
		file_data_free(&fd);
	} else if (!sysroot_strerror(e)) {
		abort();
	}
	char *t = NULL;
	if (sysroot_readlink(path, &t) == 0)
		free(t);
	(void)sysroot_exists(path);
	DIR *d = sysroot_opendir(path);
	if (d)
		closedir(d);
	int ofd = sysroot_open(path, 0);
	if (ofd >= 0) {
		struct stat st;
		if (fstat(ofd, &st) < 0 || !S_ISREG(st.st_mode))
			abort();
		check_inside(ofd);
		close(ofd);
	}
	sysroot_set(NULL);
	free(path);
	return 0;
}
