/* The staging tree: every file status reads, copied through the sysroot
 * reader to the same path under the stage, plus a MANIFEST of what was not. */
#include "capture/capture.h"
#include "base/format.h"
#include "sources/hypervisor.h"
#include "sources/klog.h"
#include "sources/sysroot.h"
#include "sources/virtio.h"
#include "sources/xen.h"
#include "sources/memory_blocks.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

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

/* A virtio-mem device (id 24) on the virtio bus. */
static bool has_virtio_mem(void)
{
	DIR *d = sysroot_opendir("/sys/bus/virtio/devices");
	if (!d)
		return false;
	bool found = false;
	struct dirent *de;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("/sys/bus/virtio/devices/%s/device", de->d_name);
		struct file_data fd;
		if (sysroot_read(p, SYSFS_ATTR_MAX, &fd) == 0) {
			uint64_t id;
			found = parse_u64(fd.data, fd.len, 16, &id) && id == 24;
			file_data_free(&fd);
		}
		free(p);
	}
	closedir(d);
	return found;
}

/* sources/memory_blocks.c reads these: the policy and each block's state;
 * hundreds of files on a large VM, so only where hot-plug resizes it (the
 * collector reads them under the same condition) */
static void capture_memory_blocks(struct capture *c, bool xen)
{
	if (!xen && !has_virtio_mem())
		return;
	DIR *d = sysroot_opendir(SYS_MEMORY_DIR);
	if (!d)
		return;
	copy_file(c, SYS_MEMORY_DIR "/block_size_bytes", SYSFS_ATTR_MAX);
	copy_file(c, SYS_MEMORY_DIR "/auto_online_blocks", SYSFS_ATTR_MAX);
	copy_file(c, SYS_MEMMAP_ON_MEMORY, SYSFS_ATTR_MAX);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "memory", 6) != 0 || !de->d_name[6] || strchr(de->d_name, '/'))
			continue;
		char *p = xasprintf("%s/%s/state", SYS_MEMORY_DIR, de->d_name);
		copy_file(c, p, SYSFS_ATTR_MAX);
		free(p);
	}
	closedir(d);
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

void capture_begin(struct capture *c)
{
	mkdirs(c->stage);
}

void capture_all(struct capture *c)
{
	static const char *const proc_files[] = { "/proc/meminfo", "/proc/vmstat", "/proc/pressure/memory",
						   "/proc/sys/kernel/osrelease", "/proc/sys/kernel/hostname",
						   "/proc/uptime", "/proc/zoneinfo", "/proc/iomem" };
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++)
		copy_file(c, proc_files[i], PROC_FILE_MAX);
	/* which hypervisor (sources/hypervisor.c reads the same, as bounded) */
	copy_file(c, PROC_CPUINFO, PROC_FILE_MAX);
	static const char *const hyp_files[] = { DMI_SYS_VENDOR, DMI_PRODUCT_NAME, SYS_HYPERVISOR_TYPE };
	for (size_t i = 0; i < sizeof(hyp_files) / sizeof(hyp_files[0]); i++)
		copy_file(c, hyp_files[i], SYSFS_ATTR_MAX);
	capture_virtio(c);
	static const char *const module_dirs[] = { "/sys/module/virtio_balloon", "/sys/module/vmw_balloon",
						    "/sys/module/hv_balloon", "/sys/bus/vmbus/drivers/hv_balloon" };
	for (size_t i = 0; i < sizeof(module_dirs) / sizeof(module_dirs[0]); i++)
		mark_dir(c, module_dirs[i]);
	/* Xen's balloon (sources/xen.c), only on a Xen guest */
	bool xen = sysroot_exists(XEN_MEMORY_DIR) || sysroot_exists("/proc/xen");
	if (xen)
		for (size_t i = 0; xen_balloon_files[i]; i++)
			copy_file(c, xen_balloon_files[i], SYSFS_ATTR_MAX);
	capture_memory_blocks(c, xen);
	capture_meta(c);
	static const char *const dbg_files[] = { DEBUGFS_VIRTIO, DEBUGFS_VIRTIO_MODULE, DEBUGFS_VMW, DEBUGFS_HV };
	for (size_t i = 0; i < sizeof(dbg_files) / sizeof(dbg_files[0]); i++)
		copy_file(c, dbg_files[i], PROC_FILE_MAX);
	capture_klog(c);

	char *manifest = xasprintf("%s/vbtool/MANIFEST", c->stage);
	write_file(manifest, c->manifest.buf ? c->manifest.buf : "", c->manifest.len);
	free(manifest);

}
