#include "sources/virtio.h"
#include "sources/sysroot.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#define VIRTIO_BUS_DIR "/sys/bus/virtio/devices"

static bool is_pci_address(const char *s)
{
	/* dddd:bb:dd.f */
	unsigned a, b, c, f;
	char tail;
	return strlen(s) == 12 && sscanf(s, "%4x:%2x:%2x.%1x%c", &a, &b, &c, &f, &tail) == 4;
}

void virtio_transport_from_path(const char *syspath, char **transport, char **address)
{
	*transport = NULL;
	*address = NULL;
	if (!syspath)
		goto unknown;
	const char *last = strrchr(syspath, '/');
	if (!last || last == syspath)
		goto unknown;
	const char *prev = last;
	while (prev > syspath && prev[-1] != '/')
		prev--;
	char *parent = xstrndup(prev, (size_t)(last - prev));
	if (is_pci_address(parent)) {
		*transport = xstrdup("pci");
		*address = parent;
		return;
	}
	if (strstr(parent, "virtio_mmio") || strstr(parent, "virtio-mmio") || strncmp(parent, "LNRO0005", 8) == 0 ||
	    strstr(syspath, "virtio-mmio")) {
		*transport = xstrdup("virtio-mmio");
		*address = parent;
		return;
	}
	if (strstr(syspath, "/css0/")) {
		*transport = xstrdup("ccw");
		*address = parent;
		return;
	}
	free(parent);
unknown:
	*transport = xstrdup("unknown");
}

/* Reads a "0x%0Nx\n" attribute. */
static struct opt_u64 read_hex_attr(struct balloon_report *r, const char *dir, const char *attr)
{
	char *path = xasprintf("%s/%s", dir, attr);
	struct file_data fd;
	struct opt_u64 v = OPT_U64_UNKNOWN;
	int e = sysroot_read(path, SYSFS_ATTR_MAX, &fd);
	if (e < 0) {
		report_add_problem(r, path, NULL, "%s", sysroot_strerror(e));
	} else if (mem_has_nul(fd.data, fd.len) || !parse_u64(fd.data, fd.len, 16, &v.v)) {
		report_add_problem(r, path, NULL, "not a hexadecimal number");
	} else {
		v.known = true;
	}
	if (e == 0)
		file_data_free(&fd);
	free(path);
	return v;
}

static void read_features(struct balloon_report *r, const char *dir, struct virtio_device *d)
{
	char *fpath = xasprintf("%s/features", dir);
	struct file_data fd;
	int e = sysroot_read(fpath, SYSFS_ATTR_MAX, &fd);
	if (e < 0) {
		d->features_error = xstrdup(sysroot_strerror(e));
		report_add_problem(r, fpath, NULL, "%s", d->features_error);
	} else {
		const char *why = NULL;
		if (mem_has_nul(fd.data, fd.len))
			why = "holds NUL bytes";
		else
			features_parse(fd.data, fd.len, &d->features, &why);
		if (!d->features.valid) {
			d->features_error = xstrdup(why);
			report_add_problem(r, fpath, NULL, "features string rejected: %s", why);
		}
		file_data_free(&fd);
	}
	free(fpath);
}

void virtio_read_device(struct balloon_report *r, const char *name, const char *syspath, struct opt_u64 device_id,
			struct virtio_device *d)
{
	char *dir = xasprintf(VIRTIO_BUS_DIR "/%s", name);
	d->name = xstrndup_printable(name, strlen(name));
	d->syspath = syspath ? xstrndup_printable(syspath, strlen(syspath)) : NULL;
	virtio_transport_from_path(d->syspath, &d->transport, &d->address);
	d->device_id = device_id;
	d->vendor_id = read_hex_attr(r, dir, "vendor");
	d->status = read_hex_attr(r, dir, "status");

	char *link = xasprintf("%s/driver", dir);
	int e = sysroot_link_basename(link, &d->driver);
	if (e < 0 && e != -ENOENT)
		report_add_problem(r, link, NULL, "%s", sysroot_strerror(e));
	free(link);
	read_features(r, dir, d);
	free(dir);
}

void virtio_refresh_device(struct balloon_report *r, struct virtio_device *d)
{
	char *dir = xasprintf(VIRTIO_BUS_DIR "/%s", d->name);
	d->status = read_hex_attr(r, dir, "status");
	free(d->features_error);
	d->features_error = NULL;
	memset(&d->features, 0, sizeof(d->features));
	read_features(r, dir, d);
	free(dir);
}

/* A device the scan found: its bus name and, when known, its sysfs path. */
struct found {
	char *name;
	char *path;
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

static void found_add(struct found_list *l, const char *name, const char *path)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct found){ xstrdup(name), path ? xstrdup(path) : NULL };
}

static void found_free(struct found_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
}

/* virtio2 before virtio10 */
static int cmp_found(const void *a, const void *b)
{
	const char *x = ((const struct found *)a)->name, *y = ((const struct found *)b)->name;
	size_t lx = strlen(x), ly = strlen(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

char *virtio_bus_link_path(const char *target)
{
	const char *t = target;
	int up = 0;
	while (strncmp(t, "../", 3) == 0) {
		t += 3;
		up++;
	}
	/* /sys/bus/virtio/devices is three levels below /sys; anything else,
	 * or a ".." further on, would leave /sys */
	if (target[0] == '/' || up != 3 || !*t || strstr(t, "..") != NULL)
		return NULL;
	return xasprintf("/sys/%s", t);
}

static enum src_status scan_sysroot(struct balloon_report *r, struct found_list *l)
{
	DIR *dir = sysroot_opendir(VIRTIO_BUS_DIR);
	if (!dir) {
		if (errno == ENOENT)
			return SRC_ABSENT;
		report_add_problem(r, VIRTIO_BUS_DIR, NULL, "%s", sysroot_strerror(-errno));
		return SRC_ERROR;
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		char *link = xasprintf(VIRTIO_BUS_DIR "/%s", de->d_name);
		char *target = NULL;
		char *path = NULL;
		if (sysroot_readlink(link, &target) == 0)
			path = virtio_bus_link_path(target);
		found_add(l, de->d_name, path);
		free(target);
		free(path);
		free(link);
	}
	closedir(dir);
	return SRC_OK;
}

static enum src_status scan_udev(struct balloon_report *r, struct found_list *l)
{
	struct udev *udev = udev_new();
	if (!udev) {
		report_add_problem(r, "libudev", NULL, "udev_new failed");
		return SRC_ERROR;
	}
	struct udev_enumerate *en = udev_enumerate_new(udev);
	enum src_status st = SRC_OK;
	if (!en || udev_enumerate_add_match_subsystem(en, "virtio") < 0 || udev_enumerate_scan_devices(en) < 0) {
		report_add_problem(r, "libudev", NULL, "cannot enumerate the virtio subsystem");
		st = SRC_ERROR;
	} else {
		struct udev_list_entry *e;
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
		{
			const char *syspath = udev_list_entry_get_name(e);
			const char *slash = strrchr(syspath, '/');
			if (slash && slash[1])
				found_add(l, slash + 1, syspath);
		}
	}
	udev_enumerate_unref(en);
	udev_unref(udev);
	return st;
}

void virtio_scan(struct balloon_report *r)
{
	struct found_list l = { 0 };
	r->device_scan = sysroot_is_live() ? scan_udev(r, &l) : scan_sysroot(r, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_found);
	size_t capd = 0, capr = 0;
	for (size_t i = 0; i < l.n; i++) {
		/* Only balloons and memory devices are read in full: problems with
		 * a disk's attributes are none of this report's business. */
		char *dir = xasprintf(VIRTIO_BUS_DIR "/%s", l.v[i].name);
		struct opt_u64 id = read_hex_attr(r, dir, "device");
		free(dir);
		if (!id.known || (id.v != VIRTIO_ID_BALLOON && id.v != VIRTIO_ID_MEM))
			continue;
		struct virtio_device d = { 0 };
		virtio_read_device(r, l.v[i].name, l.v[i].path, id, &d);
		if (id.v == VIRTIO_ID_BALLOON) {
			r->devices = xgrow(r->devices, &capd, r->ndevices + 1, sizeof(d));
			r->devices[r->ndevices++] = d;
		} else {
			r->related = xgrow(r->related, &capr, r->nrelated + 1, sizeof(d));
			r->related[r->nrelated++] = d;
		}
	}
	found_free(&l);
}
