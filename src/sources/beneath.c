/* The --sysroot resolver: openat2(2) with RESOLVE_BENEATH where the kernel
 * has it (5.6+), else a checked walk, one component at a time, that follows
 * links itself and so applies the same rules.
 *
 * Why RESOLVE_BENEATH and not RESOLVE_IN_ROOT: IN_ROOT would re-root a link
 * to /etc/shadow as ROOT/etc/shadow, which is safe but silent: the tree
 * would look clean and simply lack the file. A link that leaves a captured
 * tree is itself a finding (the tree was tampered with or captured wrongly),
 * so BENEATH refuses it with EXDEV and the caller reports which link it was.
 * RESOLVE_NO_MAGICLINKS: /proc/<pid>/fd-style links are never followed even
 * if a procfs were mounted inside the tree. */
#include "sources/beneath.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 40   /* the kernel's MAXSYMLINKS */
#define MAX_DEPTH 256  /* directories held open at once by the walk */
#define LINK_MAX_LEN 4096

void beneath_escape_free(struct beneath_escape *esc)
{
	free(esc->link);
	free(esc->target);
	esc->link = esc->target = NULL;
}

static void set_escape(struct beneath_escape *esc, const char *link, const char *target)
{
	if (!esc)
		return;
	beneath_escape_free(esc);
	esc->link = link ? xstrdup(link) : NULL;
	esc->target = target ? xstrdup(target) : NULL;
}

/* A link being expanded: its target occupies rest[0, end) when pushed; the
 * offsets move as the rest is rewritten, so an escaping ".." can be traced
 * back to the link whose target it came from. */
struct origin {
	size_t end;
	char *link;
	char *target;
};

struct walk {
	int dirs[MAX_DEPTH + 1]; /* dirs[0] is the root (not ours to close) */
	size_t curlen[MAX_DEPTH + 1]; /* length of cur at each depth */
	int depth;
	struct strbuf cur; /* the resolved directory, "/a/b", "" at the root */
	char *rest;
	size_t pos;
	struct origin org[MAX_LINKS + 1];
	int norg;
	int links;
};

static void walk_free(struct walk *w)
{
	for (int i = 1; i <= w->depth; i++)
		close(w->dirs[i]);
	sb_free(&w->cur);
	free(w->rest);
	for (int i = 0; i < w->norg; i++) {
		free(w->org[i].link);
		free(w->org[i].target);
	}
}

/* Replaces the rest of the path by target + "/" + rest, or by the target
 * alone when the link was the last component (a "/" would make a trailing
 * slash, which only a directory may have). */
static void walk_expand(struct walk *w, const char *linkpath, const char *target)
{
	size_t tl = strlen(target), sep = w->rest[w->pos] ? 1 : 0;
	char *n = sep ? xasprintf("%s/%s", target, w->rest + w->pos) : xstrdup(target);
	for (int i = 0; i < w->norg; i++)
		w->org[i].end = w->org[i].end - w->pos + tl + sep;
	w->org[w->norg++] = (struct origin){ tl, xstrdup(linkpath), xstrdup(target) };
	free(w->rest);
	w->rest = n;
	w->pos = 0;
}

static int read_link_at(int fd, char **out)
{
	char *buf = xmalloc(LINK_MAX_LEN);
	ssize_t n = readlinkat(fd, "", buf, LINK_MAX_LEN);
	if (n < 0 || (size_t)n >= LINK_MAX_LEN) {
		int e = n < 0 ? errno : ENAMETOOLONG;
		free(buf);
		return -e;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int walk_open(int rootfd, const char *path, int oflags, bool follow_last, struct beneath_escape *esc)
{
	struct walk w = { .depth = 0 };
	w.dirs[0] = rootfd;
	w.curlen[0] = 0;
	sb_init(&w.cur);
	w.rest = xstrdup(path);
	int ret;
	for (;;) {
		while (w.rest[w.pos] == '/')
			w.pos++;
		if (!w.rest[w.pos]) { /* nothing left: the directory reached */
			ret = openat(w.dirs[w.depth], ".", oflags | O_CLOEXEC);
			ret = ret < 0 ? -errno : ret;
			break;
		}
		size_t start = w.pos, len = strcspn(w.rest + start, "/");
		while (w.norg && w.org[w.norg - 1].end <= start) {
			w.norg--;
			free(w.org[w.norg].link);
			free(w.org[w.norg].target);
		}
		w.pos = start + len;
		size_t after = w.pos;
		while (w.rest[after] == '/')
			after++;
		bool last = !w.rest[after];
		bool trailing = last && after > w.pos;
		char *comp = xstrndup(w.rest + start, len);
		if (strcmp(comp, ".") == 0) {
			free(comp);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			free(comp);
			if (w.depth == 0) {
				if (w.norg)
					set_escape(esc, w.org[w.norg - 1].link, w.org[w.norg - 1].target);
				else
					set_escape(esc, NULL, NULL);
				ret = -EXDEV;
				break;
			}
			close(w.dirs[w.depth--]);
			w.cur.len = w.curlen[w.depth];
			if (w.cur.buf)
				w.cur.buf[w.cur.len] = '\0';
			continue;
		}
		int fd = openat(w.dirs[w.depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0) {
			ret = -errno;
			if (fd >= 0)
				close(fd);
			free(comp);
			break;
		}
		if (S_ISLNK(st.st_mode) && (!last || follow_last || trailing)) {
			char *target = NULL;
			char *linkpath = xasprintf("%s/%s", w.cur.buf ? w.cur.buf : "", comp);
			ret = ++w.links > MAX_LINKS ? -ELOOP : read_link_at(fd, &target);
			close(fd);
			free(comp);
			if (ret == 0 && (!target || !*target))
				ret = -ENOENT; /* as the kernel treats an empty link */
			if (ret == 0 && target[0] == '/') {
				set_escape(esc, linkpath, target);
				ret = -EXDEV;
			}
			if (ret == 0)
				walk_expand(&w, linkpath, target);
			free(target);
			free(linkpath);
			if (ret < 0)
				break;
			continue;
		}
		if (last) {
			if (trailing && !S_ISDIR(st.st_mode)) {
				close(fd);
				ret = -ENOTDIR;
			} else if (oflags & O_PATH) {
				ret = fd;
			} else {
				/* the type was the caller's to check; a swap since then is
				 * the caller's to detect (same inode) */
				close(fd);
				ret = openat(w.dirs[w.depth], comp, oflags | O_NOFOLLOW | O_CLOEXEC);
				ret = ret < 0 ? -errno : ret;
			}
			free(comp);
			break;
		}
		if (!S_ISDIR(st.st_mode) || w.depth >= MAX_DEPTH) {
			ret = S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
			close(fd);
			free(comp);
			break;
		}
		w.dirs[++w.depth] = fd;
		sb_addf(&w.cur, "/%s", comp);
		w.curlen[w.depth] = w.cur.len;
		free(comp);
	}
	walk_free(&w);
	return ret;
}

static bool no_openat2; /* the kernel said ENOSYS once */

static int try_openat2(int rootfd, const char *rel, int oflags)
{
	struct open_how how = { .flags = (uint64_t)(oflags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	for (int i = 0; i < 16; i++) {
		long r = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (r >= 0)
			return (int)r;
		/* EAGAIN: a rename raced with ".." resolution; try again */
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

int beneath_open(int rootfd, const char *path, int oflags, unsigned flags, struct beneath_escape *esc)
{
	if (flags & BENEATH_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	bool follow_last = !(oflags & O_NOFOLLOW);
	if (!(flags & BENEATH_WALK) && !no_openat2) {
		const char *rel = path;
		while (*rel == '/')
			rel++;
		int r = try_openat2(rootfd, *rel ? rel : ".", oflags);
		if (r == -EXDEV && esc) {
			/* openat2 does not say which link: the walk finds it */
			int w = walk_open(rootfd, path, O_PATH | (follow_last ? 0 : O_NOFOLLOW), follow_last, esc);
			if (w >= 0)
				close(w);
		}
		if (r == -ENOSYS)
			no_openat2 = true;
		/* ENOSYS: an old kernel; EPERM: a seccomp filter that does not know it */
		if (r != -ENOSYS && r != -EPERM && r != -EAGAIN)
			return r;
	}
	return walk_open(rootfd, path, oflags, follow_last, esc);
}
