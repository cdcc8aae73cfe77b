/* Opening a path beneath a directory without ever leaving it: the resolver
 * behind --sysroot (sysroot.c). A captured tree comes from a customer; its
 * symlinks must not make vbtool read the engineer's own /proc, /sys or /etc.
 *
 * Links that stay inside the tree are followed (a captured sysfs is made of
 * relative links). A link with an absolute target, or a ".." that climbs
 * above the root, is refused with -EXDEV and never followed: it is reported,
 * not re-rooted (see beneath.c for why not RESOLVE_IN_ROOT). */
#ifndef VBTOOL_BENEATH_H
#define VBTOOL_BENEATH_H

enum {
	BENEATH_NOFOLLOW = 1, /* a link in the last component is not followed (lstat, readlink) */
	BENEATH_WALK = 2,     /* the checked walk even where openat2(2) exists (tests, fuzzing) */
};

/* Where a resolution left the tree, as found in the tree (not sanitized):
 * the link, as a path from the root starting with '/', and its target.
 * link is NULL when the path itself climbs out ("/.."). */
struct beneath_escape {
	char *link;
	char *target;
};

/* Opens path (a leading '/' means the root) beneath the directory rootfd.
 * oflags: O_PATH (resolve only; nothing is opened for reading) or read
 * flags; O_NOFOLLOW in them is the same as BENEATH_NOFOLLOW. O_CLOEXEC is
 * always added. Returns a descriptor or a negative errno: -EXDEV when a link
 * or ".." leaves the tree (then *esc is filled when esc is not NULL; free it
 * with beneath_escape_free), -ELOOP after 40 links, -ENOENT, -ENOTDIR, ...
 * With read flags the last component is opened whatever its type: callers
 * resolve with O_PATH first and check the type (sysroot.c). */
int beneath_open(int rootfd, const char *path, int oflags, unsigned flags, struct beneath_escape *esc);
void beneath_escape_free(struct beneath_escape *esc);

#endif
