/* src/sources/: reading one machine, live or captured: sysroot.h (every
 * read goes through it), procfs, virtio (device scan), debugfs parsers, klog.
 * Each fills model types and may include base/ and model/ only.
 *
 * Every file vbtool reads goes through here. With --sysroot DIR, an absolute
 * path such as /proc/meminfo is read from DIR/proc/meminfo, so a captured
 * tree and a live system take the same code paths (as lscpu --sysroot).
 *
 * Under a sysroot every path resolves beneath it (beneath.h): a link that
 * leaves the tree fails with -EXDEV and is never followed, and nothing but
 * regular files, directories and links is opened (a device, FIFO or socket
 * fails with -ENODEV without being opened). sysroot_strerror(-EXDEV) names
 * the link most recently refused. */
#ifndef VBTOOL_SYSROOT_H
#define VBTOOL_SYSROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>

/* Upper bounds for whole-file reads: nothing larger is ever trusted. */
#define SYSFS_ATTR_MAX ((size_t)64 * 1024)
#define PROC_FILE_MAX ((size_t)1024 * 1024)

void sysroot_set(const char *dir); /* NULL or "" or "/" means the live system */
/* Why the root set last cannot be used (a positive errno: ENOENT,
 * ENOTDIR, EACCES, ...), or 0: it is a directory, or the system is live. */
int sysroot_error(void);
const char *sysroot_get(void);     /* NULL when live */
/* What the user gave, for the views: a tarball's name when the root is
 * the folder it was unpacked to (sysroot_set_shown), else the root. */
void sysroot_set_shown(const char *name);
const char *sysroot_shown(void);
bool sysroot_is_live(void);

struct file_data {
	char *data; /* NUL-terminated; may contain further NUL bytes */
	size_t len;
};

/* Reads the whole file, which must be at most max bytes.
 * Returns 0, or a negative errno: -ENOENT, -EACCES, -EFBIG (larger than max;
 * nothing is returned rather than a silently truncated prefix), ... */
int sysroot_read(const char *abs, size_t max, struct file_data *out);
void file_data_free(struct file_data *fd);

/* Like readlink(2) into a new string; returns 0 or a negative errno. */
int sysroot_readlink(const char *abs, char **target);
/* The last component of the link target (e.g. the driver name). */
int sysroot_link_basename(const char *abs, char **name);
bool sysroot_exists(const char *abs);
DIR *sysroot_opendir(const char *abs);
/* Live: open(2) with flags. Under a sysroot: a regular file only, opened
 * O_RDONLY|O_NONBLOCK whatever flags says. */
int sysroot_open(const char *abs, int flags);

/* A short human phrase for a negative errno from the functions above. */
const char *sysroot_strerror(int neg_errno);

#endif
