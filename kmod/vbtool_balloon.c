// SPDX-License-Identifier: GPL-2.0-only
/*
 * vbtool_balloon: tell how much memory the virtio balloon holds.
 *
 * Mainline kernels before 6.15 keep this to themselves. This module
 * publishes it in debugfs in the format Virtuozzo kernels use, plus a line
 * in the kernel log at every (rate-limited) global OOM.
 *
 * The size is the guest's own count of the pages in its balloon (the
 * balloon_inflate - balloon_deflate vm events, NR_BALLOON_PAGES on 6.15+),
 * never the device's config field `actual`: the guest writes that field and
 * the device keeps it across a reset or a reboot that the driver's probe
 * does not rewrite, so it can claim a balloon the guest does not hold.
 * `actual` is shown as what the device says, and a disagreement is flagged.
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
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/oom.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/virtio.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/vmstat.h>

#include "vbtool_balloon_version.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0) && \
	!(IS_ENABLED(CONFIG_MEMORY_BALLOON) && IS_ENABLED(CONFIG_VM_EVENT_COUNTERS))
#error "needs CONFIG_MEMORY_BALLOON and CONFIG_VM_EVENT_COUNTERS (the balloon vm events) before 6.15"
#endif

/* Our own name: the kernel's virtio_balloon may create and remove
 * "virtio-balloon" (Virtuozzo does), so that name is never ours. */
#define DEBUGFS_NAME "vbtool-balloon"

/* Config space counts pages of 4 KiB whatever the guest page size. */
#define BALLOON_PAGE_KB ((1U << VIRTIO_BALLOON_PFN_SHIFT) / 1024)

static unsigned int oom_report_interval_ms = 5000;
module_param(oom_report_interval_ms, uint, 0644);
MODULE_PARM_DESC(oom_report_interval_ms,
		 "OOM line rate limit: at most 10 lines, or 1 while the balloon deflates, per this many ms (default 5000)");

/*
 * Pages the guest holds in balloons, in guest pages. Lock-free and
 * allocation-free, so the OOM notifier can use it. Before 6.15 the vm
 * events are summed over every possible CPU (an offline CPU's events are
 * folded into another one and zeroed), like sum_vm_events() but without
 * the CPU hotplug lock.
 */
static unsigned long guest_balloon_pages(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return global_node_page_state(NR_BALLOON_PAGES);
#else
	unsigned long in = 0, out = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		in += READ_ONCE(per_cpu(vm_event_states, cpu).event[BALLOON_INFLATE]);
		out += READ_ONCE(per_cpu(vm_event_states, cpu).event[BALLOON_DEFLATE]);
	}
	/* Unsigned wrap-around cancels out; a racy sum may dip below 0. */
	return (long)(in - out) > 0 ? in - out : 0;
#endif
}

static unsigned long long guest_balloon_kb(void)
{
	return (unsigned long long)guest_balloon_pages() * (PAGE_SIZE / 1024);
}

enum dev_state { DEV_OK, DEV_GONE, DEV_FAILED, DEV_NEEDS_RESET, DEV_NOT_READY, DEV_BAD_VALUES };

static const char *const dev_state_name[] = {
	[DEV_OK] = "ok",
	[DEV_GONE] = "gone",
	[DEV_FAILED] = "failed",
	[DEV_NEEDS_RESET] = "needs-reset",
	[DEV_NOT_READY] = "not-ready",
	[DEV_BAD_VALUES] = "bad-values",
};

struct balloon_snapshot {
	bool found;		/* a balloon with a driver */
	bool deflate_on_oom;
	enum dev_state state;	/* target_pages and actual_pages only when DEV_OK */
	u32 target_pages;
	u32 actual_pages;
	char name[32];
};

/*
 * What the OOM notifier needs besides the size: whether a balloon driver
 * is bound and its negotiated DEFLATE_ON_OOM. Both change only at bind and
 * unbind, when the bus notifier updates them, so the OOM path never reads
 * the device (on some transports a config read sleeps or allocates).
 */
static DEFINE_SPINLOCK(bound_lock);
static struct {
	bool found;
	bool deflate_on_oom;
	char name[32];
} bound;

static void bound_store(const struct balloon_snapshot *s)
{
	spin_lock(&bound_lock);
	bound.found = s->found;
	bound.deflate_on_oom = s->deflate_on_oom;
	strscpy(bound.name, s->name, sizeof(bound.name));
	spin_unlock(&bound_lock);
}

static bool bound_deflate_on_oom(void)
{
	bool doom;

	spin_lock(&bound_lock);
	doom = bound.found && bound.deflate_on_oom;
	spin_unlock(&bound_lock);
	return doom;
}

static void bound_forget(const char *name)
{
	spin_lock(&bound_lock);
	if (bound.found && !strcmp(bound.name, name))
		memset(&bound, 0, sizeof(bound));
	spin_unlock(&bound_lock);
}

/* After a reset or a surprise removal every config read returns all-ones. */
static enum dev_state status_state(u8 status)
{
	if (status == 0xff)
		return DEV_GONE;
	if (status & VIRTIO_CONFIG_S_FAILED)
		return DEV_FAILED;
	if (status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return DEV_NEEDS_RESET;
	if (!(status & VIRTIO_CONFIG_S_DRIVER_OK))
		return DEV_NOT_READY;
	return DEV_OK;
}

/*
 * Caller holds the device lock (or is the driver core notifying us with it
 * held). Returns false when no driver is bound: the device must not be read.
 */
static bool snapshot_read_locked(struct virtio_device *vdev, struct balloon_snapshot *s)
{
	u32 num_pages, actual;
	unsigned long ram_4k;

	if (!vdev->dev.driver || !vdev->config)
		return false;
	s->found = true;
	/* Not virtio_has_feature(): it BUGs on a device without a driver. */
	s->deflate_on_oom = __virtio_test_bit(vdev, VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	strscpy(s->name, dev_name(&vdev->dev), sizeof(s->name));
	s->state = status_state(vdev->config->get_status(vdev));
	if (s->state != DEV_OK)
		return true;
	virtio_cread_le(vdev, struct virtio_balloon_config, num_pages, &num_pages);
	virtio_cread_le(vdev, struct virtio_balloon_config, actual, &actual);
	/* The device may have gone between the reads. */
	s->state = status_state(vdev->config->get_status(vdev));
	if (s->state != DEV_OK)
		return true;
	/*
	 * All-ones or garbage: a host may ask for (a little more than) all of
	 * the guest's present RAM, never for twice it, and a phantom `actual`
	 * was once a real balloon in the same RAM.
	 */
	ram_4k = get_num_physpages() * (PAGE_SIZE >> VIRTIO_BALLOON_PFN_SHIFT);
	if (num_pages > 2 * ram_4k || actual > 2 * ram_4k) {
		s->state = DEV_BAD_VALUES;
		return true;
	}
	s->target_pages = num_pages;
	s->actual_pages = actual;
	return true;
}

static bool is_balloon(struct device *dev)
{
	return dev_to_virtio(dev)->id.device == VIRTIO_ID_BALLOON;
}

struct walk_ctx {
	struct balloon_snapshot *s;
	int err;
};

static int walk_one(struct device *dev, void *data)
{
	struct walk_ctx *ctx = data;
	bool ok;

	if (!is_balloon(dev))
		return 0;
	/* Interruptible: a stuck remove must not leave readers in D state. */
	ctx->err = device_lock_interruptible(dev);
	if (ctx->err)
		return 1;
	ok = snapshot_read_locked(dev_to_virtio(dev), ctx->s);
	if (ok)
		bound_store(ctx->s);
	device_unlock(dev);
	return ok; /* non-zero stops the walk at the first usable balloon */
}

/* Matches nothing; registered only to learn where the virtio bus is. */
static const struct virtio_device_id no_ids[] = {
	{ 0 },
};

/* The virtio core calls these unconditionally: never bind anything. */
static int anchor_probe(struct virtio_device *vdev)
{
	return -ENODEV;
}

static void anchor_remove(struct virtio_device *vdev)
{
}

static struct virtio_driver bus_anchor = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = no_ids,
	.probe = anchor_probe,
	.remove = anchor_remove,
};

/* Fills *s from the first balloon that has a driver; -EINTR on a signal. */
static int balloon_snapshot_take(struct balloon_snapshot *s)
{
	struct walk_ctx ctx = { .s = s };

	memset(s, 0, sizeof(*s));
	bus_for_each_dev(bus_anchor.driver.bus, NULL, &ctx, walk_one);
	return ctx.err;
}

static int balloon_show(struct seq_file *m, void *unused)
{
	struct balloon_snapshot s;
	unsigned long long kb, dev_kb;
	int err;

	err = balloon_snapshot_take(&s);
	if (err)
		return err;
	kb = guest_balloon_kb();
	/* The Virtuozzo lines first: exactly one of them can be non-zero. */
	seq_printf(m, "InflatedTotal: %llu kB\n", s.deflate_on_oom ? 0ULL : kb);
	seq_printf(m, "InflatedFree: %llu kB\n", s.deflate_on_oom ? kb : 0ULL);
	if (!s.found) {
		seq_puts(m, "Device: none\n");
		return 0;
	}
	if (s.state == DEV_OK) {
		dev_kb = (unsigned long long)s.actual_pages * BALLOON_PAGE_KB;
		seq_printf(m, "Target: %llu kB\n", (unsigned long long)s.target_pages * BALLOON_PAGE_KB);
		seq_printf(m, "Actual: %llu kB\n", dev_kb);
		seq_printf(m, "ActualMatches: %s\n", dev_kb == kb ? "yes" : "no");
	}
	seq_printf(m, "DeflateOnOOM: %s\n", s.deflate_on_oom ? "yes" : "no");
	seq_printf(m, "Device: %s\n", s.name);
	seq_printf(m, "DeviceState: %s\n", dev_state_name[s.state]);
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

/*
 * Called with oom_lock held, so the rate-limit state needs no lock. Reads
 * no device: the size is the guest's current count, the feature bit what
 * the bus notifier recorded at bind time, so the line is never stale.
 */
static int balloon_oom_notify(struct notifier_block *nb, unsigned long unused, void *freed)
{
	static unsigned long last_call, last_print;
	static unsigned long long last_kb;
	static bool called, printed;
	unsigned long interval = msecs_to_jiffies(oom_report_interval_ms);
	unsigned long long kb = guest_balloon_kb();
	bool doom = bound_deflate_on_oom();
	bool deflating, print;

	deflating = doom && called && time_before(jiffies, last_call + interval) &&
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
	printk(KERN_WARNING "Balloon InflatedTotal:%llukB InflatedFree:%llukB\n",
	       doom ? 0ULL : kb, doom ? kb : 0ULL);
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
			bound_store(&s);
			dev_info(dev, "balloon driver bound, deflate-on-oom %s\n",
				 s.deflate_on_oom ? "yes" : "no");
		}
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		bound_forget(dev_name(dev));
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		bound_forget(dev_name(dev));
		dev_info(dev, "balloon device removed\n");
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block bus_nb = {
	.notifier_call = balloon_bus_notify,
};

static int __init vbtool_balloon_init(void)
{
	struct balloon_snapshot s;
	int err;

	err = register_virtio_driver(&bus_anchor);
	if (err)
		return err;
	err = bus_register_notifier(bus_anchor.driver.bus, &bus_nb);
	if (err)
		goto out_driver;

	debugfs_file = debugfs_create_file(DEBUGFS_NAME, 0400, NULL, NULL, &balloon_fops);
	if (IS_ERR(debugfs_file))
		pr_warn("cannot create debugfs file %s (%ld); OOM reports only\n",
			DEBUGFS_NAME, PTR_ERR(debugfs_file));

	/* No "callbacks suppressed" lines in the middle of OOM reports. */
	ratelimit_set_flags(&oom_line_rs, RATELIMIT_MSG_ON_RELEASE);
	err = register_oom_notifier(&oom_nb);
	if (err)
		goto out_debugfs;

	/* A signal to insmod only skips this message. */
	if (!balloon_snapshot_take(&s) && s.found)
		pr_info("%s: balloon holds %llu kB, deflate-on-oom %s; see debugfs %s\n", s.name,
			guest_balloon_kb(), s.deflate_on_oom ? "yes" : "no", DEBUGFS_NAME);
	else
		pr_info("no virtio balloon with a driver yet; see debugfs %s\n", DEBUGFS_NAME);
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
