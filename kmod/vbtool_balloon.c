// SPDX-License-Identifier: GPL-2.0-only
/*
 * vbtool_balloon: tell how much memory the virtio balloon holds.
 *
 * Mainline kernels before 6.15 keep this to themselves. This module reads
 * the balloon's config space (num_pages, actual) and its negotiated features
 * and publishes them in debugfs in the format Virtuozzo kernels use, plus a
 * line in the kernel log at every (rate-limited) global OOM.
 *
 * virtio_bus is not exported, so we register a virtio driver that matches
 * no device: its driver.bus is the virtio bus. Devices are looked up when
 * needed, never kept: config space is read only under the device lock while
 * a driver is bound and the device is DRIVER_OK, so a device that is being
 * unplugged, or that never got a driver, is never touched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/oom.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#define VBTOOL_BALLOON_VERSION "0.1.0"

/* Config space counts pages of 4 KiB whatever the guest page size. */
#define BALLOON_PAGE_KB ((1U << VIRTIO_BALLOON_PFN_SHIFT) / 1024)

static unsigned int oom_report_interval_ms = 5000;
module_param(oom_report_interval_ms, uint, 0644);
MODULE_PARM_DESC(oom_report_interval_ms,
		 "OOM line rate limit: at most 10 lines, or 1 while the balloon deflates, per this many ms (default 5000)");

struct balloon_snapshot {
	bool found;
	bool deflate_on_oom;
	u32 target_pages;
	u32 actual_pages;
	char name[32];
};

/* The last snapshot taken, for the OOM notifier when a device lock is busy. */
static DEFINE_SPINLOCK(cache_lock);
static struct balloon_snapshot cache;

static void cache_store(const struct balloon_snapshot *s)
{
	spin_lock(&cache_lock);
	cache = *s;
	spin_unlock(&cache_lock);
}

static void cache_load(struct balloon_snapshot *s)
{
	spin_lock(&cache_lock);
	*s = cache;
	spin_unlock(&cache_lock);
}

static void cache_forget(const char *name)
{
	spin_lock(&cache_lock);
	if (cache.found && !strcmp(cache.name, name))
		memset(&cache, 0, sizeof(cache));
	spin_unlock(&cache_lock);
}

/*
 * Caller holds the device lock (or is the driver core notifying us with it
 * held). Returns false when the device must not be read.
 */
static bool snapshot_read_locked(struct virtio_device *vdev, struct balloon_snapshot *s)
{
	u32 num_pages, actual;

	if (!vdev->dev.driver || !vdev->config)
		return false;
	if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK))
		return false;
	virtio_cread_le(vdev, struct virtio_balloon_config, num_pages, &num_pages);
	virtio_cread_le(vdev, struct virtio_balloon_config, actual, &actual);
	s->found = true;
	s->target_pages = num_pages;
	s->actual_pages = actual;
	/* Not virtio_has_feature(): it BUGs on a device without a driver. */
	s->deflate_on_oom = __virtio_test_bit(vdev, VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	strscpy(s->name, dev_name(&vdev->dev), sizeof(s->name));
	return true;
}

static bool is_balloon(struct device *dev)
{
	return dev_to_virtio(dev)->id.device == VIRTIO_ID_BALLOON;
}

struct walk_ctx {
	struct balloon_snapshot *s;
	bool nonblocking;
	bool busy;
};

static int walk_one(struct device *dev, void *data)
{
	struct walk_ctx *ctx = data;
	bool ok;

	if (!is_balloon(dev))
		return 0;
	if (ctx->nonblocking) {
		if (!device_trylock(dev)) {
			ctx->busy = true;
			return 0;
		}
	} else {
		device_lock(dev);
	}
	ok = snapshot_read_locked(dev_to_virtio(dev), ctx->s);
	/* Under the lock, so an unbind cannot slip in between and leave it stale. */
	if (ok)
		cache_store(ctx->s);
	device_unlock(dev);
	return ok; /* non-zero stops the walk at the first usable balloon */
}

/* Matches nothing; registered only to learn where the virtio bus is. */
static const struct virtio_device_id no_ids[] = {
	{ 0 },
};

static struct virtio_driver bus_anchor = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = no_ids,
};

/*
 * Fills *s from the first balloon that has a driver. With nonblocking (OOM
 * time: the balloon's own probe or remove may hold its lock while it
 * allocates), a busy device falls back to the last snapshot.
 */
static void balloon_snapshot_take(struct balloon_snapshot *s, bool nonblocking)
{
	struct walk_ctx ctx = { .s = s, .nonblocking = nonblocking };

	memset(s, 0, sizeof(*s));
	bus_for_each_dev(bus_anchor.driver.bus, NULL, &ctx, walk_one);
	if (!s->found && !ctx.busy)
		cache_store(s); /* no balloon with a driver */
	else if (!s->found)
		cache_load(s);
}

static int balloon_show(struct seq_file *m, void *unused)
{
	struct balloon_snapshot s;
	unsigned long long kb;

	balloon_snapshot_take(&s, false);
	kb = (unsigned long long)s.actual_pages * BALLOON_PAGE_KB;
	/* The Virtuozzo lines first: exactly one of them can be non-zero. */
	seq_printf(m, "InflatedTotal: %llu kB\n", s.deflate_on_oom ? 0ULL : kb);
	seq_printf(m, "InflatedFree: %llu kB\n", s.deflate_on_oom ? kb : 0ULL);
	if (!s.found) {
		seq_puts(m, "Device: none\n");
		return 0;
	}
	seq_printf(m, "Target: %llu kB\n", (unsigned long long)s.target_pages * BALLOON_PAGE_KB);
	seq_printf(m, "Actual: %llu kB\n", kb);
	seq_printf(m, "DeflateOnOOM: %s\n", s.deflate_on_oom ? "yes" : "no");
	seq_printf(m, "Device: %s\n", s.name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(balloon);

static struct dentry *debugfs_file;

/*
 * One line per OOM report, not one per call: with DEFLATE_ON_OOM the chain
 * is called once per MiB the balloon gives back, and no report follows until
 * it is empty. So while the balloon shrinks call after call, stay quiet
 * (but for one line per interval); print the first call of an OOM episode
 * (the balloon before deflating) and the call that finds it empty (the one
 * just before the kill report). Other calls end in a kill report each:
 * print them, with the same burst limit as the kernel's own OOM reports.
 */
static DEFINE_RATELIMIT_STATE(oom_line_rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);

/* Called with oom_lock held, so the rate-limit state needs no lock. */
static int balloon_oom_notify(struct notifier_block *nb, unsigned long unused, void *freed)
{
	static unsigned long last_call, last_print;
	static long last_kb;
	static bool called, printed;
	unsigned long interval = msecs_to_jiffies(oom_report_interval_ms);
	struct balloon_snapshot s;
	bool deflating, print;
	long kb;

	balloon_snapshot_take(&s, true);
	kb = (long)s.actual_pages * BALLOON_PAGE_KB;
	deflating = s.deflate_on_oom && called && time_before(jiffies, last_call + interval) &&
		    kb > 0 && kb < last_kb;
	if (deflating) {
		print = !printed || time_after_eq(jiffies, last_print + interval);
	} else {
		oom_line_rs.interval = interval;
		print = __ratelimit(&oom_line_rs);
	}
	called = true;
	last_call = jiffies;
	last_kb = kb;
	if (!print)
		return NOTIFY_OK;
	printed = true;
	last_print = jiffies;
	/* No module prefix: this is the line Virtuozzo kernels print in show_mem(). */
	printk(KERN_WARNING "Balloon InflatedTotal:%ldkB InflatedFree:%ldkB\n",
	       s.deflate_on_oom ? 0L : kb, s.deflate_on_oom ? kb : 0L);
	return NOTIFY_OK; /* frees nothing: *freed is left alone */
}

/* Above virtio_balloon's 80, so we see the balloon before it deflates. */
static struct notifier_block oom_nb = {
	.notifier_call = balloon_oom_notify,
	.priority = 100,
};

static int balloon_bus_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device *dev = data;
	struct balloon_snapshot s = { 0 };

	if (!is_balloon(dev))
		return NOTIFY_DONE;
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		dev_info(dev, "balloon device added\n");
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		/* The driver core holds the device lock here. */
		if (snapshot_read_locked(dev_to_virtio(dev), &s)) {
			cache_store(&s);
			dev_info(dev, "balloon driver bound, deflate-on-oom %s\n",
				 s.deflate_on_oom ? "yes" : "no");
		}
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		cache_forget(dev_name(dev));
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		cache_forget(dev_name(dev));
		dev_info(dev, "balloon device removed\n");
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block bus_nb = {
	.notifier_call = balloon_bus_notify,
};

static const char *pick_debugfs_name(void)
{
	struct dentry *d = debugfs_lookup("virtio-balloon", NULL);

	if (IS_ERR_OR_NULL(d))
		return "virtio-balloon";
	dput(d);
	return "vbtool-balloon";
}

static int __init vbtool_balloon_init(void)
{
	struct balloon_snapshot s;
	const char *name;
	int err;

	err = register_virtio_driver(&bus_anchor);
	if (err)
		return err;
	err = bus_register_notifier(bus_anchor.driver.bus, &bus_nb);
	if (err)
		goto out_driver;

	name = pick_debugfs_name();
	debugfs_file = debugfs_create_file(name, 0400, NULL, NULL, &balloon_fops);
	if (IS_ERR(debugfs_file))
		pr_warn("cannot create debugfs file %s (%ld); OOM reports only\n",
			name, PTR_ERR(debugfs_file));

	/* No "callbacks suppressed" lines in the middle of OOM reports. */
	ratelimit_set_flags(&oom_line_rs, RATELIMIT_MSG_ON_RELEASE);
	err = register_oom_notifier(&oom_nb);
	if (err)
		goto out_debugfs;

	balloon_snapshot_take(&s, false);
	if (s.found)
		pr_info("%s: balloon holds %llu kB, deflate-on-oom %s; see debugfs %s\n", s.name,
			(unsigned long long)s.actual_pages * BALLOON_PAGE_KB,
			s.deflate_on_oom ? "yes" : "no", name);
	else
		pr_info("no virtio balloon with a driver yet; see debugfs %s\n", name);
	return 0;

out_debugfs:
	debugfs_remove(debugfs_file);
	bus_unregister_notifier(bus_anchor.driver.bus, &bus_nb);
out_driver:
	unregister_virtio_driver(&bus_anchor);
	return err;
}

static void __exit vbtool_balloon_exit(void)
{
	unregister_oom_notifier(&oom_nb);
	/* Waits for readers; an open file holds a module reference anyway. */
	debugfs_remove(debugfs_file);
	bus_unregister_notifier(bus_anchor.driver.bus, &bus_nb);
	unregister_virtio_driver(&bus_anchor);
}

module_init(vbtool_balloon_init);
module_exit(vbtool_balloon_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vbtool developers");
MODULE_DESCRIPTION("virtio balloon counters in debugfs and in OOM reports (vbtool)");
MODULE_VERSION(VBTOOL_BALLOON_VERSION);
