/* src/model/: everything vbtool learned about a guest's balloon, as plain
 * data (report.h), the feature table, the balloon summary (balloon.c) and the
 * findings rules (findings.c). Sources fill it, views print it; model/ may
 * include base/ only. Every number is an opt_u64: unknown is never 0. */
#ifndef VBTOOL_REPORT_H
#define VBTOOL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/feature_bits.h"
#include "base/parse.h"

/* Where the drivers' debugfs files live on a machine. */
#define DEBUGFS_ROOT "/sys/kernel/debug"
#define DEBUGFS_VIRTIO "/sys/kernel/debug/virtio-balloon"
/* The vbtool module's file (kmod/: it never uses virtio-balloon). */
#define DEBUGFS_VIRTIO_MODULE "/sys/kernel/debug/vbtool-balloon"
#define DEBUGFS_VMW "/sys/kernel/debug/vmmemctl"
#define DEBUGFS_HV "/sys/kernel/debug/hv-balloon"

/* How reading one source went. */
enum src_status {
	SRC_NOT_READ = 0, /* not attempted */
	SRC_OK,
	SRC_ABSENT,    /* the file does not exist here (kernel or driver lacks it) */
	SRC_DENIED,    /* exists but not readable (not root) */
	SRC_NO_DEBUGFS, /* debugfs is not mounted */
	SRC_ERROR,     /* read failed or the content could not be understood */
};
const char *src_status_name(enum src_status s);

struct virtio_device {
	char *name;      /* virtio0 */
	char *syspath;   /* /sys/devices/..., as on the machine (no sysroot prefix) */
	char *transport; /* "pci", "virtio-mmio", "ccw", or "unknown" */
	char *address;   /* PCI slot or platform device name; NULL when unknown */
	struct opt_u64 device_id;
	struct opt_u64 vendor_id;
	struct opt_u64 status;
	char *driver; /* NULL: no driver bound */
	struct features features;
	char *features_error; /* why the features string was rejected, or NULL */
};

struct meminfo {
	enum src_status status;
	struct opt_u64 mem_total_kb, mem_free_kb, mem_available_kb;
	struct opt_u64 buffers_kb, cached_kb, swap_total_kb, swap_free_kb;
	struct opt_u64 balloon_kb;                          /* "Balloon:" v6.15+ */
	struct opt_u64 inflated_total_kb, inflated_free_kb; /* Virtuozzo */
};

struct vmstat {
	enum src_status status;
	struct opt_u64 nr_balloon_pages;
	struct opt_u64 balloon_inflate, balloon_deflate, balloon_migrate;
	struct opt_u64 pswpin, pswpout, pgmajfault;
};

/* /proc/zoneinfo: the zones' present pages, i.e. the RAM the kernel found
 * (firmware holes left out, hotplugged memory in). No balloon changes it:
 * the drivers take pages off the zones' managed count (and MemTotal) only. */
struct zoneinfo {
	enum src_status status;
	struct opt_u64 present_pages; /* every zone of every node; unknown unless each zone had one */
	unsigned zones;
};

struct psi_line {
	bool known;
	double avg10, avg60, avg300;
	uint64_t total_us;
};
struct pressure {
	enum src_status status;
	struct psi_line some, full;
};

/* debugfs virtio-balloon: Virtuozzo's two lines plus the extra lines the
 * vbtool module adds. */
struct dbg_virtio {
	enum src_status status;
	char *path;
	struct opt_u64 inflated_total_kb, inflated_free_kb;
	struct opt_u64 target_kb, actual_kb; /* vbtool module only */
	int deflate_on_oom;                  /* -1 unknown, 0 no, 1 yes */
	char *device;                        /* vbtool module: virtioN */
	size_t nextra;                       /* other key: value lines, kept as text */
	char **extra_keys, **extra_values;
};

enum vmw_layout { VMW_LAYOUT_UNKNOWN = 0, VMW_LAYOUT_PRE_4_20, VMW_LAYOUT_CURRENT };
struct dbg_vmw {
	enum src_status status;
	enum vmw_layout layout;
	struct opt_u64 capabilities, used_capabilities;
	int is_resetting; /* -1 unknown */
	struct opt_u64 target_pages, current_pages; /* 4 KiB frames */
	struct opt_u64 rate_alloc; /* pre-4.20: rateSleepAlloc pages/s */
	bool counters_all_zero;    /* the first read switches the counters on */
	struct opt_u64 alloc_fail_4k, alloc_fail_2m;
};

enum hv_layout { HV_LAYOUT_UNKNOWN = 0, HV_LAYOUT_MAINLINE, HV_LAYOUT_VENDOR };
struct dbg_hv {
	enum src_status status;
	enum hv_layout layout;
	char *host_version;
	char *capabilities;
	struct opt_u64 state;
	const char *state_name;
	struct opt_u64 page_size, pages_added, pages_onlined, pages_ballooned;
	struct opt_u64 total_pages_committed, max_dynamic_page_count, vm_pages_committed;
};

/* Xen's balloon driver (sources/xen.c; formats in docs/xen-balloon.md): the
 * sysfs files of drivers/xen/xen-balloon.c, or /proc/xen/balloon on XenLinux
 * (2.6.18-era) kernels. Sizes in KiB as the driver prints them. */
enum xen_layout { XEN_LAYOUT_NONE = 0, XEN_LAYOUT_SYSFS, XEN_LAYOUT_PROC };
struct xen_balloon {
	enum src_status status; /* SRC_ABSENT: neither file set exists */
	enum xen_layout layout;
	const char *path;       /* the directory or file read */
	struct opt_u64 target_kb, target_bytes, current_kb, low_kb, high_kb;
	struct opt_u64 hard_limit_kb, driver_kb; /* /proc/xen/balloon only */
	struct opt_u64 schedule_delay, max_schedule_delay, retry_count, max_retry_count;
	/* /proc/sys/xen/balloon/hotplug_unpopulated exists only with
	 * CONFIG_XEN_BALLOON_MEMORY_HOTPLUG: 1 built in, -1 unknown */
	int hotplug;
	struct opt_u64 hotplug_unpopulated;
};

/* /sys/devices/system/memory (sources/memory_blocks.c): the memory blocks
 * hot-plug works in, and whether added memory comes online by itself. */
struct memory_blocks {
	enum src_status status;
	struct opt_u64 block_size_bytes; /* block_size_bytes, hex */
	char *auto_online;               /* auto_online_blocks: "online", "offline", "online_movable", ... */
	char *memmap_on_memory;          /* "Y", "N", "force"; NULL: no such file */
	unsigned online, offline, other; /* memoryN/state */
};

/* A virtio-mem device as its driver logs it (sources/virtio_mem.c): at every
 * config change drivers/virtio/virtio_mem.c prints "plugged size: 0x%llx"
 * (what was plugged when the change arrived) and "requested size: 0x%llx";
 * at probe "device block size: 0x%llx" and "region size: 0x%llx" (the most
 * the device can plug). The last record of each wins. */
#define VIRTIO_MEM_LOG_MAX 8
struct virtio_mem_log {
	char name[16]; /* virtioN */
	struct opt_u64 plugged_bytes, requested_bytes, block_size_bytes, region_size_bytes;
};

/* /proc/iomem (sources/iomem.c): "%0*llx-%0*llx : name", two spaces of
 * indent per level (kernel/resource.c r_show). Memory a driver adds is named
 * "System RAM ($DRIVER)" (mm/memory_hotplug.c add_memory_driver_managed):
 * virtio-mem's under the device's own region "virtioN", dax kmem's "System
 * RAM (kmem)". Without CAP_SYS_ADMIN every address reads 0: then the ranges
 * are counted and no size is known. */
#define IOMEM_DRIVERS_MAX 8
#define IOMEM_REGIONS_MAX 8
struct iomem_driver {
	char name[32]; /* virtio_mem, kmem, ... */
	unsigned ranges;
	struct opt_u64 bytes;
};
struct iomem_region { /* a top-level "virtioN" resource: a virtio-mem device's address range */
	char name[16];
	unsigned ranges; /* its "System RAM (virtio_mem)" children */
	struct opt_u64 region_bytes, plugged_bytes;
};
struct iomem {
	enum src_status status;
	bool addresses_hidden; /* every range read 0-0: not root */
	unsigned bad_lines;
	unsigned system_ram_ranges;
	struct opt_u64 system_ram_bytes; /* top-level "System RAM": boot RAM and add_memory() (ACPI, Hyper-V, Xen) */
	struct iomem_driver drivers[IOMEM_DRIVERS_MAX];
	unsigned ndrivers;
	struct iomem_region regions[IOMEM_REGIONS_MAX];
	unsigned nregions;
};

/* What the kernel log says about the balloon drivers. */
struct klog_summary {
	enum src_status status;
	const char *source; /* "/dev/kmsg" or the captured file */
	unsigned out_of_puff;   /* virtio_balloon: inflation failing */
	unsigned vmw_messages, hv_messages;
	unsigned oom_kills;
	char *last_out_of_puff;
	struct virtio_mem_log vmem[VIRTIO_MEM_LOG_MAX];
	unsigned nvmem;
	unsigned hv_hot_add_failed; /* hv_balloon's "hot add failed" messages */
	char *last_hv_hot_add_failed;
};

/* One independent statement of the balloon size. */
struct size_source {
	const char *name;   /* stable: "meminfo", "vmstat_nr_balloon_pages", ... */
	const char *path;   /* the file it came from */
	const char *driver; /* which driver it describes, or "any" */
	uint64_t size_kb;
	bool cumulative;    /* derived from since-boot counters */
};

enum accounting {
	ACCT_UNKNOWN = 0,
	ACCT_SUBTRACTED, /* MemTotal shrinks by the balloon */
	ACCT_USED,       /* MemTotal unchanged, the balloon looks used */
};
const char *accounting_name(enum accounting a);
/* The same in words, for text. */
const char *accounting_text(enum accounting a);
/* A size source's stable name (struct size_source) in words, for text. */
const char *size_source_text(const char *name);

enum ram_basis {
	RAM_BASIS_UNKNOWN = 0,
	RAM_BASIS_ZONES_PRESENT,         /* /proc/zoneinfo present pages */
	RAM_BASIS_MEMTOTAL_PLUS_BALLOON, /* MemTotal + a subtracted balloon: misses the kernel's reservations */
};

struct balloon_summary {
	struct opt_u64 size_kb;
	const char *size_from; /* name of the source chosen */
	struct size_source sources[12];
	size_t nsources;
	bool disagree;
	enum accounting accounting;
	const char *accounting_basis;
	/* The one definition of "RAM" for the percentage: the memory the VM was
	 * given, as the host counts it. Best estimate first (ram_basis). */
	struct opt_u64 ram_kb;
	enum ram_basis ram_basis;
	struct opt_u64 present_kb;     /* zones' present pages, when /proc/zoneinfo says */
	struct opt_u64 derived_ram_kb; /* MemTotal plus a subtracted balloon (plus 0 when counted as used) */
	bool ram_contradiction;        /* derived_ram_kb (or the balloon) exceeds present_kb */
	bool no_balloon;               /* nothing held: no device, no driver, no counter */
	double percent_of_ram; /* of ram_kb; valid when size_kb and ram_kb are known */
};
const char *ram_basis_name(enum ram_basis b);
/* What ram_kb is, in words, for the text view. */
const char *ram_basis_text(enum ram_basis b);

struct finding {
	const char *severity; /* "info", "warning", "error" */
	const char *code;     /* stable, e.g. "no-deflate-on-oom" */
	char *message;
	const char *hint;
};

struct problem {
	char *what; /* file or source */
	char *why;
	const char *hint;
};

struct system_info {
	char *kernel;   /* /proc/sys/kernel/osrelease */
	char *hostname; /* /proc/sys/kernel/hostname */
	struct opt_u64 uptime_s;
	uint64_t page_size;
	bool page_size_assumed;
};

/* Which hypervisor runs the VM, as the guest can tell (sources/hypervisor.c).
 * A string is NULL when its file is absent or unreadable. */
struct hypervisor_info {
	enum src_status dmi; /* /sys/class/dmi/id/sys_vendor; Firecracker has no DMI at all */
	char *sys_vendor, *product_name;
	enum src_status xen;  /* /sys/hypervisor/type */
	char *hypervisor_type; /* "xen" */
	enum src_status cpuinfo;
	int cpu_flag; /* the "hypervisor" CPU flag: 1 set, 0 not, -1 unknown (no x86 flags line) */
};

struct balloon_report {
	char *sysroot; /* NULL when live */
	struct system_info sys;
	struct hypervisor_info hyp;
	struct virtio_device *devices; /* balloons (device id 5) */
	size_t ndevices;
	struct virtio_device *related; /* virtio-mem and other memory devices */
	size_t nrelated;
	enum src_status device_scan;
	struct meminfo mem;
	struct zoneinfo zones;
	struct vmstat vm;
	struct pressure psi;
	enum src_status debugfs; /* SRC_OK, SRC_NO_DEBUGFS, SRC_DENIED */
	struct dbg_virtio dvirtio;
	struct dbg_virtio dvirtio_module; /* the module's own file, when the kernel has one too */
	struct dbg_vmw dvmw;
	struct dbg_hv dhv;
	struct xen_balloon xen; /* Xen's balloon driver, when the guest runs on Xen */
	struct memory_blocks memblocks;
	struct iomem iomem;
	bool vmw_driver, hv_driver; /* those drivers seen loaded */
	struct klog_summary klog;
	struct balloon_summary balloon;
	struct finding *findings;
	size_t nfindings;
	struct problem *problems;
	size_t nproblems;
	size_t nproblems_fixed; /* those of the last full read, kept by report_refresh */
};

void report_free(struct balloon_report *r);
void virtio_device_free(struct virtio_device *d);
void dbg_virtio_free(struct dbg_virtio *d);
void dbg_hv_free(struct dbg_hv *d);
void report_add_problem(struct balloon_report *r, const char *what, const char *hint,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Derives r->balloon from the sources (balloon.c) and r->findings (findings.c). */
void balloon_summarize(struct balloon_report *r);
void findings_evaluate(struct balloon_report *r);
bool report_has_balloon(const struct balloon_report *r);
/* Xen's balloon driver is there (its files exist, readable or not). */
bool xen_balloon_present(const struct balloon_report *r);
/* The guest runs on Xen: /sys/hypervisor/type "xen" or DMI vendor "Xen"
 * (HVM guests; the CPU flag alone does not name the hypervisor). */
bool report_on_xen(const struct balloon_report *r);
/* The one-sentence answer that opens `status` (answer.c); free it. */
char *report_answer(const struct balloon_report *r);

#endif
