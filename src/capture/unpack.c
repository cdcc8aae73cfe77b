/* --sysroot FILE: a collect tarball (.tar, .tar.gz, .tar.xz, .tar.zst)
 * unpacked into a private temporary directory, removed at exit.
 *
 * The tarball comes from a customer: libarchive only decodes it; every
 * entry is checked here and written by us. No absolute name, no "..", only
 * regular files, directories and symbolic links whose target stays inside
 * the tree (checked on the names, before anything is written); each file is
 * created with O_EXCL|O_NOFOLLOW beneath directories opened one by one with
 * O_NOFOLLOW, so an earlier entry cannot redirect a later one. Counts and
 * sizes are bounded. Owners, modes and times are not applied. The tree is
 * then read like any captured tree, through beneath.c. */
#include "capture/capture.h"
#include "base/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libarchive is opened with dlopen when a tarball is given, not linked:
 * linked, it and the libraries it brings (libxml2, ICU, libstdc++) cost
 * every vbtool run 4 MB of resident memory (explain-oom has a 16 MiB
 * budget) and their start-up. The headers still give every type. */
#define LIBARCHIVE_SONAME "libarchive.so.13"
#define LA_FUNCTIONS(X)                                                                                          \
	X(archive_read_new) X(archive_read_free) X(archive_read_support_filter_gzip)                               \
	X(archive_read_support_filter_xz) X(archive_read_support_filter_zstd) X(archive_read_support_format_tar)  \
	X(archive_read_open_filename) X(archive_read_next_header) X(archive_read_data) X(archive_error_string)    \
	X(archive_entry_pathname) X(archive_entry_size) X(archive_entry_filetype) X(archive_entry_symlink)       \
	X(archive_entry_hardlink)
#define LA_POINTER(f) __typeof__(f) *f; /* NOLINT(bugprone-macro-parentheses): f names a declarator */
static struct {
	LA_FUNCTIONS(LA_POINTER)
} la_fn;

/* NULL once every function is found, else why not (the first time only). */
static const char *load_libarchive(void)
{
	static bool tried;
	static char *error;
	if (tried)
		return error;
	tried = true;
	void *h = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		error = xasprintf("cannot load %s: %s", LIBARCHIVE_SONAME, e ? e : "unknown error");
		return error;
	}
#define LA_LOAD(f)                                                                                   \
	if (!error && !(*(void **)&la_fn.f = dlsym(h, #f)))                                          \
		error = xasprintf("%s has no %s", LIBARCHIVE_SONAME, #f);
	LA_FUNCTIONS(LA_LOAD)
#undef LA_LOAD
	return error;
}

/* From here on, libarchive's names call through the loaded pointers. */
#define archive_read_new la_fn.archive_read_new
#define archive_read_free la_fn.archive_read_free
#define archive_read_support_filter_gzip la_fn.archive_read_support_filter_gzip
#define archive_read_support_filter_xz la_fn.archive_read_support_filter_xz
#define archive_read_support_filter_zstd la_fn.archive_read_support_filter_zstd
#define archive_read_support_format_tar la_fn.archive_read_support_format_tar
#define archive_read_open_filename la_fn.archive_read_open_filename
#define archive_read_next_header la_fn.archive_read_next_header
#define archive_read_data la_fn.archive_read_data
#define archive_error_string la_fn.archive_error_string
#define archive_entry_pathname la_fn.archive_entry_pathname
#define archive_entry_size la_fn.archive_entry_size
#define archive_entry_filetype la_fn.archive_entry_filetype
#define archive_entry_symlink la_fn.archive_entry_symlink
#define archive_entry_hardlink la_fn.archive_entry_hardlink

/* collect writes about a hundred small files; a tree a hundred times that
 * is still a tree, anything beyond is not a collect tarball. */
#define UNPACK_MAX_ENTRIES 20000
#define UNPACK_MAX_FILE ((int64_t)64 << 20)
#define UNPACK_MAX_TOTAL ((int64_t)256 << 20)
#define UNPACK_MAX_NAME 4096

static char *unpacked; /* the temporary directory, removed at exit */

static void remove_unpacked(void)
{
	if (unpacked) {
		remove_tree(unpacked);
		free(unpacked);
		unpacked = NULL;
	}
}

/* However vbtool ends (a signal, top's TUI dying of one, even SIGKILL),
 * the folder goes: a child in its own session waits for the end of a pipe
 * only this process holds, then removes it. A normal exit removes it first
 * (atexit). */
static void spawn_remover(const char *dir)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		setsid(); /* no terminal's Ctrl-C or hangup reaches it */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1); /* nobody waits on our output (bats, $(...)) */
			dup2(null, 2);
		}
		if (dup2(p[0], 3) == 3)
			close_range(4, ~0U, 0);
		char c;
		while (read(3, &c, 1) < 0 && errno == EINTR)
			;
		remove_tree(dir);
		_exit(0);
	}
	close(p[0]);
	if (pid < 0)
		close(p[1]); /* no remover: atexit alone */
	/* p[1] stays open, unused, until this process ends */
}

/* "./a//b/" -> "a/b"; NULL for an absolute name, a ".." component, or
 * nothing left. */
static char *clean_name(const char *name)
{
	if (!name || name[0] == '/' || strlen(name) > UNPACK_MAX_NAME)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	const char *p = name;
	while (*p) {
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			sb_free(&sb);
			return NULL;
		}
		if (n && !(n == 1 && p[0] == '.'))
			sb_addf(&sb, "%s%.*s", sb.len ? "/" : "", (int)n, p);
		p = *e ? e + 1 : e;
	}
	if (!sb.len) {
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/* Does the link NAME -> TARGET stay inside the tree? Checked on the names:
 * the target is relative, its ".." components come first (as in sysfs:
 * "../../devices/..."; after a name, ".." could climb out of a directory
 * another link points to) and do not climb above the tree's top. NAME's
 * folders are real folders (open_dirs), so its depth is physical. */
static bool link_stays_inside(const char *name, const char *target)
{
	if (!target || !*target || target[0] == '/' || strlen(target) > UNPACK_MAX_NAME)
		return false;
	long depth = 0;
	bool named = false;
	for (const char *p = name; *p; p++)
		if (*p == '/')
			depth++; /* directories above NAME within the tree */
	const char *p = target;
	while (*p) {
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (named || --depth < 0)
				return false;
		} else if (n && !(n == 1 && p[0] == '.')) {
			named = true;
		}
		p = *e ? e + 1 : e;
	}
	return true;
}

/* Opens (creating when asked) each directory of PATH's first n components
 * beneath topfd, never following a link. Returns a directory fd or -1. */
static int open_dirs(int topfd, const char *path, size_t n, bool create)
{
	int fd = dup(topfd);
	char *copy = xstrndup(path, n);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		if (create && mkdirat(fd, c, 0700) < 0 && errno != EEXIST) {
			close(fd);
			fd = -1;
			break;
		}
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	free(copy);
	return fd;
}

struct unpack {
	const char *tarball, *who;
	int topfd;
	int64_t total;
	char buf[65536];
};

static int fail(const struct unpack *u, const char *entry, const char *why)
{
	char *e = entry ? xstrndup_printable(entry, strnlen(entry, 200)) : NULL;
	vb_err_hint("give a tarball made by vbtool collect, or the folder it unpacks to",
		    "%s: --sysroot %s: %s%s%s", u->who, u->tarball, e ? e : "", e ? ": " : "", why);
	free(e);
	return -1;
}

/* A file that is no tarball at all: say first what --sysroot wanted. */
static void not_tarball(const struct unpack *u, struct archive *a)
{
	const char *why = archive_error_string(a);
	vb_err_hint("give the folder a collect tarball unpacks to, the tarball itself, or / for this machine",
		    "%s: --sysroot %s: not a directory, nor a tarball (%s)", u->who, u->tarball,
		    why ? why : "empty");
}

static int write_file(struct unpack *u, struct archive *a, const char *name, int64_t size)
{
	const char *slash = strrchr(name, '/');
	int dfd = open_dirs(u->topfd, name, slash ? (size_t)(slash - name) : 0, true);
	if (dfd < 0)
		return fail(u, name, errno == ELOOP || errno == ENOTDIR ? "its folder is a link or a file" : strerror(errno));
	int fd = openat(dfd, slash ? slash + 1 : name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dfd);
	if (fd < 0)
		return fail(u, name, errno == EEXIST ? "appears twice" : strerror(errno));
	int64_t left = size;
	while (left > 0) {
		la_ssize_t n = archive_read_data(a, u->buf, sizeof(u->buf));
		if (n < 0 || (n == 0 && left > 0)) {
			close(fd);
			return fail(u, name, n < 0 ? archive_error_string(a) : "cut short");
		}
		if (n > left)
			n = (la_ssize_t)left;
		if (write(fd, u->buf, (size_t)n) != n) {
			int e = errno;
			close(fd);
			return fail(u, name, strerror(e));
		}
		left -= n;
	}
	if (close(fd) < 0)
		return fail(u, name, strerror(errno));
	return 0;
}

/* The first pass: what can be judged from the headers alone, for the
 * whole tarball before anything is written. */
static int check_entry(struct unpack *u, struct archive_entry *ent)
{
	const char *raw = archive_entry_pathname(ent);
	char *name = clean_name(raw);
	if (!name)
		return fail(u, raw, "an absolute name or one with \"..\" (not from vbtool collect)");
	int r = 0;
	int64_t size = archive_entry_size(ent);
	if (archive_entry_hardlink(ent))
		r = fail(u, name, "a hard link (vbtool collect writes none)");
	else if (archive_entry_filetype(ent) == AE_IFLNK && !link_stays_inside(name, archive_entry_symlink(ent)))
		r = fail(u, name, "a link that leaves the tree");
	else if (archive_entry_filetype(ent) != AE_IFDIR && archive_entry_filetype(ent) != AE_IFREG &&
		 archive_entry_filetype(ent) != AE_IFLNK)
		r = fail(u, name, "a device, FIFO or socket (vbtool collect writes none)");
	else if (archive_entry_filetype(ent) == AE_IFREG && (size < 0 || size > UNPACK_MAX_FILE))
		r = fail(u, name, "a file larger than a collect tarball holds");
	else if (archive_entry_filetype(ent) == AE_IFREG && (u->total += size) > UNPACK_MAX_TOTAL)
		r = fail(u, NULL, "more data than a collect tarball holds");
	free(name);
	return r;
}

/* The second pass: the checked entry, written beneath the folder. */
static int unpack_entry(struct unpack *u, struct archive *a, struct archive_entry *ent)
{
	char *name = clean_name(archive_entry_pathname(ent));
	if (!name)
		return fail(u, archive_entry_pathname(ent), "changed between two reads");
	int r = 0;
	switch (archive_entry_filetype(ent)) {
	case AE_IFDIR: {
		int fd = open_dirs(u->topfd, name, strlen(name), true);
		if (fd < 0)
			r = fail(u, name, errno == ELOOP || errno == ENOTDIR ? "a folder over a link or a file" : strerror(errno));
		else
			close(fd);
		break;
	}
	case AE_IFREG:
		r = write_file(u, a, name, archive_entry_size(ent));
		break;
	case AE_IFLNK: {
		const char *target = archive_entry_symlink(ent);
		if (!link_stays_inside(name, target)) { /* checked; the file may have changed since */
			r = fail(u, name, "a link that leaves the tree");
			break;
		}
		const char *slash = strrchr(name, '/');
		int dfd = open_dirs(u->topfd, name, slash ? (size_t)(slash - name) : 0, true);
		if (dfd < 0 || symlinkat(target, dfd, slash ? slash + 1 : name) < 0)
			r = fail(u, name, errno == EEXIST ? "appears twice" : strerror(errno));
		if (dfd >= 0)
			close(dfd);
		break;
	}
	default:
		r = fail(u, name, "a device, FIFO or socket (vbtool collect writes none)");
	}
	free(name);
	return r;
}

/* The one top-level folder collect writes (vbtool-collect-HOST-DATE), or
 * the directory itself when there is not exactly one. */
static char *tree_root(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return xstrdup(dir);
	char *only = NULL;
	int n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++n == 1 && de->d_type == DT_DIR)
			only = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n == 1 && only)
		return only;
	free(only);
	return xstrdup(dir);
}

static struct archive *open_archive(struct unpack *u)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a); /* ustar, GNU and pax */
	if (archive_read_open_filename(a, u->tarball, sizeof(u->buf)) != ARCHIVE_OK) {
		not_tarball(u, a);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* One read of the whole tarball: checking every header first (write false),
 * then checking again and writing (the file may have changed in between). */
static int unpack_pass(struct unpack *u, bool write)
{
	struct archive *a = open_archive(u);
	if (!a)
		return -1;
	struct archive_entry *ent;
	unsigned n = 0;
	int st, r = -1;
	u->total = 0;
	while ((st = archive_read_next_header(a, &ent)) == ARCHIVE_OK || st == ARCHIVE_WARN) {
		if (++n > UNPACK_MAX_ENTRIES) {
			fail(u, NULL, "more entries than a collect tarball holds");
			goto out;
		}
		if (check_entry(u, ent) < 0 || (write && unpack_entry(u, a, ent) < 0))
			goto out;
	}
	if (st != ARCHIVE_EOF || !n) {
		if (n)
			fail(u, NULL, archive_error_string(a) ? archive_error_string(a) : "a broken tarball");
		else
			not_tarball(u, a);
		goto out;
	}
	r = 0;
out:
	archive_read_free(a);
	return r;
}

char *capture_unpack(const char *tarball, const char *who)
{
	const char *why = load_libarchive();
	if (why) {
		vb_err("%s: --sysroot %s: a tarball needs libarchive: %s", who, tarball, why);
		return NULL;
	}
	struct unpack *u = xcalloc(1, sizeof(*u));
	u->tarball = tarball;
	u->who = who;
	u->topfd = -1;
	char *root = NULL;
	if (unpack_pass(u, false) < 0)
		goto out;
	if (!unpacked) {
		const char *tmp = getenv("TMPDIR");
		char *t = xasprintf("%s/vbtool-sysroot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(t)) {
			vb_err("%s: --sysroot %s: cannot make a temporary folder %s: %s", who, tarball, t, strerror(errno));
			free(t);
			goto out;
		}
		unpacked = t;
		atexit(remove_unpacked);
		spawn_remover(unpacked);
	}
	u->topfd = open(unpacked, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->topfd < 0) {
		vb_err("%s: --sysroot %s: %s: %s", who, tarball, unpacked, strerror(errno));
		goto out;
	}
	if (unpack_pass(u, true) == 0)
		root = tree_root(unpacked);
out:
	if (u->topfd >= 0)
		close(u->topfd);
	free(u);
	if (!root)
		remove_unpacked();
	return root;
}
