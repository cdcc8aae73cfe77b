/* vbtool collect: capture every file status reads into a tarball that
 * --sysroot reads once unpacked. Files are copied through the same
 * prefix-aware reader into a staging tree, then tar(1) packs it. */
#include "commands.h"
#include "ui/views.h"
#include "debugfs.h"
#include "klog.h"
#include "sysroot.h"
#include "util.h"
#include "virtio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct capture {
	char *stage; /* staging dir/NAME */
	struct strbuf manifest;
	unsigned copied, missing, failed;
	struct json_object *unreadable; /* [{path, why}] */
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: vbtool collect [-o FILE] [--json] [--sysroot DIR]\n\n"
		     "Capture what vbtool reads (virtio sysfs attributes and links, /proc files,\n"
		     "debugfs files, the kernel log) into a .tar.gz for a support case. Unpack it\n"
		     "and run: vbtool status --sysroot DIR (DIR is the folder inside the tarball).\n\n"
		     "  -o, --output FILE  write here ('-' for stdout); default\n"
		     "                     vbtool-collect-HOST-DATE.tar.gz in the current directory\n"
		     "  -j, --json         say what was captured as JSON on stdout (not with -o -)\n"
		     "      --sysroot DIR  capture a captured tree again\n"
		     "  -h, --help         this help\n");
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return r;
}

static int write_file(const char *path, const char *data, size_t len)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int r = mkdirs(dir);
	free(dir);
	if (r < 0)
		return -1;
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	if (fclose(f) != 0 || w != len)
		return -1;
	return 0;
}

static void note(struct capture *c, const char *what, const char *abs, const char *why)
{
	sb_addf(&c->manifest, "%-8s %s%s%s\n", what, abs, why ? "  " : "", why ? why : "");
	if (strcmp(what, "failed") == 0) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_str_or_null(abs));
		json_object_object_add(o, "why", json_str_or_null(why));
		json_object_array_add(c->unreadable, o);
	}
}

static void copy_file(struct capture *c, const char *abs, size_t max)
{
	struct file_data fd;
	int e = sysroot_read(abs, max, &fd);
	if (e < 0) {
		if (e == -ENOENT) {
			c->missing++;
			note(c, "absent", abs, NULL);
		} else {
			c->failed++;
			note(c, "failed", abs, sysroot_strerror(e));
		}
		return;
	}
	char *dst = xasprintf("%s%s", c->stage, abs);
	if (write_file(dst, fd.data, fd.len) < 0) {
		c->failed++;
		note(c, "failed", abs, strerror(errno));
	} else {
		c->copied++;
		note(c, "copied", abs, NULL);
	}
	free(dst);
	file_data_free(&fd);
}

static void copy_link(struct capture *c, const char *abs)
{
	char *target;
	if (sysroot_readlink(abs, &target) < 0)
		return;
	char *dst = xasprintf("%s%s", c->stage, abs);
	char *dir = xstrdup(dst);
	*strrchr(dir, '/') = '\0';
	if (mkdirs(dir) == 0 && symlink(target, dst) == 0) {
		note(c, "link", abs, target);
	} else {
		c->failed++;
		note(c, "failed", abs, strerror(errno));
	}
	free(dir);
	free(dst);
	free(target);
}

static void mark_dir(struct capture *c, const char *abs)
{
	if (!sysroot_exists(abs))
		return;
	char *dst = xasprintf("%s%s", c->stage, abs);
	if (mkdirs(dst) == 0)
		note(c, "dir", abs, NULL);
	free(dst);
}

static void capture_virtio(struct capture *c)
{
	static const char *const attrs[] = { "device", "vendor", "status", "features", "modalias" };
	DIR *d = sysroot_opendir("/sys/bus/virtio/devices");
	if (!d) {
		note(c, "absent", "/sys/bus/virtio/devices", strerror(errno));
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *link = xasprintf("/sys/bus/virtio/devices/%s", de->d_name);
		char *target = NULL;
		if (sysroot_readlink(link, &target) == 0) {
			char *real = virtio_bus_link_path(target);
			copy_link(c, link);
			if (real) {
				for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
					char *p = xasprintf("%s/%s", real, attrs[i]);
					copy_file(c, p, SYSFS_ATTR_MAX);
					free(p);
				}
				char *drv = xasprintf("%s/driver", real);
				copy_link(c, drv);
				free(drv);
			}
			free(real);
		}
		free(target);
		free(link);
	}
	closedir(d);
}

static int kmsg_to_strbuf(void *ctx, const char *rec, size_t len)
{
	struct strbuf *sb = ctx;
	if (sb->len > (size_t)64 * 1024 * 1024)
		return 1;
	sb_add(sb, rec, len);
	sb_add(sb, "\n", 1);
	return 0;
}

static void capture_klog(struct capture *c)
{
	struct strbuf sb;
	sb_init(&sb);
	int e = klog_foreach_record(kmsg_to_strbuf, &sb);
	if (e < 0) {
		c->failed++;
		note(c, "failed", klog_source(), sysroot_strerror(e));
	} else {
		char *dst = xasprintf("%s" KLOG_CAPTURE_PATH, c->stage);
		if (write_file(dst, sb.buf ? sb.buf : "", sb.len) == 0) {
			c->copied++;
			note(c, "copied", klog_source(), NULL);
		}
		free(dst);
	}
	sb_free(&sb);
}

static void capture_meta(struct capture *c)
{
	struct utsname u;
	char *p;
	if (uname(&u) == 0 && sysroot_is_live()) {
		char *s = xasprintf("%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);
		p = xasprintf("%s/vbtool/uname", c->stage);
		write_file(p, s, strlen(s));
		free(p);
		free(s);
	}
	if (sysroot_is_live()) {
		char *s = xasprintf("%ld\n", sysconf(_SC_PAGESIZE));
		p = xasprintf("%s/vbtool/pagesize", c->stage);
		write_file(p, s, strlen(s));
		free(p);
		free(s);
	}
	/* Whether debugfs was there: a missing file then means "absent", not "not captured". */
	const char *state = "mounted";
	DIR *d = sysroot_opendir(DEBUGFS_ROOT);
	if (!d)
		state = errno == EACCES || errno == EPERM ? "denied" : "not_mounted";
	else {
		struct dirent *de;
		bool any = false;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				any = true;
		closedir(d);
		if (!any)
			state = "not_mounted";
	}
	p = xasprintf("%s/vbtool/debugfs", c->stage);
	write_file(p, state, strlen(state));
	free(p);
	if (strcmp(state, "mounted") == 0)
		mark_dir(c, DEBUGFS_ROOT);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int run_tar(const char *tmp, const char *name, const char *out)
{
	char *argv[] = { (char *)"tar", (char *)"-C", (char *)tmp, (char *)"-czf", (char *)out, (char *)name, NULL };
	pid_t pid;
	int e = posix_spawnp(&pid, "tar", NULL, NULL, argv, environ);
	if (e) {
		vb_err_hint("install tar", "collect: cannot run tar: %s", strerror(e));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		vb_err("collect: tar failed writing %s", out);
		return -1;
	}
	return 0;
}

int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":o:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			sysroot_set(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return VB_EXIT_OK;
		case ':':
		default:
			return option_error("collect", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("collect", "unexpected argument '%s'", argv[optind]);
	if (json && out && strcmp(out, "-") == 0)
		return usage_error("collect", "--json and -o - both want stdout");

	char host[64] = "unknown", stamp[32];
	gethostname(host, sizeof(host) - 1);
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ' ')
			*h = '_';
	time_t now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	char *name = xasprintf("vbtool-collect-%s-%s", host, stamp);
	char *default_out = xasprintf("%s.tar.gz", name);
	if (!out)
		out = default_out;

	/* Fail before capturing anything, and in vbtool's words rather than tar's. */
	if (strcmp(out, "-") != 0) {
		int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (ofd < 0) {
			vb_err("collect: %s: %s", out, strerror(errno));
			free(name);
			free(default_out);
			return VB_EXIT_FAILURE;
		}
		close(ofd);
	}
	const char *tmpdir = getenv("TMPDIR");
	char *tmp = xasprintf("%s/vbtool-collect.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int ret = VB_EXIT_FAILURE;
	if (!mkdtemp(tmp)) {
		vb_err("collect: cannot create a staging directory in %s: %s", tmpdir ? tmpdir : "/tmp", strerror(errno));
		goto out;
	}
	struct capture cap = { .stage = xasprintf("%s/%s", tmp, name), .unreadable = json_object_new_array() };
	sb_init(&cap.manifest);
	mkdirs(cap.stage);

	static const char *const proc_files[] = { "/proc/meminfo", "/proc/vmstat", "/proc/pressure/memory",
						   "/proc/sys/kernel/osrelease", "/proc/sys/kernel/hostname",
						   "/proc/uptime", "/proc/zoneinfo" };
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++)
		copy_file(&cap, proc_files[i], PROC_FILE_MAX);
	capture_virtio(&cap);
	static const char *const module_dirs[] = { "/sys/module/virtio_balloon", "/sys/module/vmw_balloon",
						    "/sys/module/hv_balloon", "/sys/bus/vmbus/drivers/hv_balloon" };
	for (size_t i = 0; i < sizeof(module_dirs) / sizeof(module_dirs[0]); i++)
		mark_dir(&cap, module_dirs[i]);
	capture_meta(&cap);
	static const char *const dbg_files[] = { DEBUGFS_VIRTIO, DEBUGFS_VIRTIO_MODULE, DEBUGFS_VMW, DEBUGFS_HV };
	for (size_t i = 0; i < sizeof(dbg_files) / sizeof(dbg_files[0]); i++)
		copy_file(&cap, dbg_files[i], PROC_FILE_MAX);
	capture_klog(&cap);

	char *manifest = xasprintf("%s/vbtool/MANIFEST", cap.stage);
	write_file(manifest, cap.manifest.buf ? cap.manifest.buf : "", cap.manifest.len);
	free(manifest);

	if (run_tar(tmp, name, out) == 0) {
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "output", json_str_or_null(out));
			json_object_object_add(o, "folder", json_str_or_null(name));
			json_object_object_add(o, "copied", json_object_new_int64(cap.copied));
			json_object_object_add(o, "absent", json_object_new_int64(cap.missing));
			json_object_object_add(o, "unreadable", json_object_get(cap.unreadable));
			if (!json_write(stdout, o))
				vb_err("collect: cannot write to stdout");
			json_object_put(o);
		} else if (strcmp(out, "-") != 0)
			fprintf(stderr, "vbtool: collect: wrote %s (%u files, %u absent here, %u not readable)\n", out,
				cap.copied, cap.missing, cap.failed);
		if (cap.failed)
			fprintf(stderr, "vbtool: collect: %u file(s) could not be read (see vbtool/MANIFEST)%s\n",
				cap.failed, geteuid() ? "; hint: run as root" : "");
		ret = VB_EXIT_OK;
	}
	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(cap.stage);
	sb_free(&cap.manifest);
	json_object_put(cap.unreadable);
out:
	free(tmp);
	free(name);
	free(default_out);
	return ret;
}
