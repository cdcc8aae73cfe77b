/* The collector: reads every source into the model, then derives the
 * balloon summary and the findings from it. */
#include "collector/collector.h"
#include "sources/debugfs.h"
#include "sources/hypervisor.h"
#include "sources/klog.h"
#include "sources/procfs.h"
#include "sources/sysroot.h"
#include "sources/virtio.h"
#include "sources/xen.h"
#include "sources/memory_blocks.h"
#include "sources/virtio_mem.h"
#include "sources/iomem.h"
#include "sources/value.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#define DEBUGFS_MAGIC_NR 0x64626720
#define DEBUGFS_CAPTURE_STATE "/vbtool/debugfs"
#define PAGESIZE_CAPTURE "/vbtool/pagesize"


/* Reads a whole file; on failure records why and returns its status. */
static enum src_status read_source(struct balloon_report *r, const char *path, size_t max, struct file_data *fd,
				   bool absent_is_problem, const char *denied_hint)
{
	int e = sysroot_read(path, max, fd);
	if (e == 0) {
		if (mem_has_nul(fd->data, fd->len))
			report_add_problem(r, path, NULL, "holds NUL bytes; lines containing them are ignored");
		return SRC_OK;
	}
	enum src_status st = source_status(e);
	if (st != SRC_ABSENT || absent_is_problem)
		report_add_problem(r, path, st == SRC_DENIED ? denied_hint : NULL, "%s", sysroot_strerror(e));
	return st;
}

static void collect_system(struct balloon_report *r)
{
	r->sys.kernel = source_value(r, "/proc/sys/kernel/osrelease");
	r->sys.hostname = source_value(r, "/proc/sys/kernel/hostname");
	char *up = source_value(r, "/proc/uptime");
	if (up) {
		double d;
		char *sp = strchr(up, ' ');
		if (parse_double(up, sp ? (size_t)(sp - up) : strlen(up), &d) && d >= 0 && d < 1e12)
			r->sys.uptime_s = opt_u64((uint64_t)d);
		free(up);
	}
	if (sysroot_is_live()) {
		long ps = sysconf(_SC_PAGESIZE);
		r->sys.page_size = ps > 0 ? (uint64_t)ps : 4096;
		return;
	}
	char *ps = source_value(r, PAGESIZE_CAPTURE);
	uint64_t v;
	if (ps && parse_u64(ps, strlen(ps), 10, &v) && v >= 4096 && v <= (1u << 20) && !(v & (v - 1))) {
		r->sys.page_size = v;
	} else {
		r->sys.page_size = 4096;
		r->sys.page_size_assumed = true;
	}
	free(ps);
}

/* Absent is normal (Firecracker has no DMI); anything else is said. The
 * one-line files are read for top too: they say whether the guest is on Xen
 * (findings.c). */
static void collect_hypervisor_names(struct balloon_report *r)
{
	struct hypervisor_info *h = &r->hyp;
	h->dmi = source_read_value(r, DMI_SYS_VENDOR, &h->sys_vendor);
	if (h->dmi == SRC_OK)
		source_read_value(r, DMI_PRODUCT_NAME, &h->product_name);
	h->xen = source_read_value(r, SYS_HYPERVISOR_TYPE, &h->hypervisor_type);
}

static void collect_hypervisor(struct balloon_report *r)
{
	struct hypervisor_info *h = &r->hyp;
	h->cpu_flag = -1;
	struct file_data fd;
	h->cpuinfo = read_source(r, PROC_CPUINFO, PROC_FILE_MAX, &fd, false, NULL);
	if (h->cpuinfo == SRC_OK) {
		h->cpu_flag = cpuinfo_hypervisor_flag(fd.data, fd.len);
		file_data_free(&fd);
	}
}

/* The /proc files that change while the VM runs: read at collection and
 * again on every refresh (top). */
static void collect_changing_proc(struct balloon_report *r)
{
	struct file_data fd;
	r->mem.status = read_source(r, "/proc/meminfo", PROC_FILE_MAX, &fd, true, NULL);
	if (r->mem.status == SRC_OK) {
		int bad = meminfo_parse(fd.data, fd.len, &r->mem);
		if (bad)
			report_add_problem(r, "/proc/meminfo", NULL, "%d line(s) not understood", bad);
		if (!r->mem.mem_total_kb.known)
			report_add_problem(r, "/proc/meminfo", NULL, "no MemTotal line");
		file_data_free(&fd);
	}
	r->vm.status = read_source(r, "/proc/vmstat", PROC_FILE_MAX, &fd, true, NULL);
	if (r->vm.status == SRC_OK) {
		int bad = vmstat_parse(fd.data, fd.len, &r->vm);
		if (bad)
			report_add_problem(r, "/proc/vmstat", NULL, "%d line(s) not understood", bad);
		file_data_free(&fd);
	}
	r->psi.status = read_source(r, "/proc/pressure/memory", SYSFS_ATTR_MAX, &fd, false, NULL);
	if (r->psi.status == SRC_OK) {
		if (pressure_parse(fd.data, fd.len, &r->psi))
			report_add_problem(r, "/proc/pressure/memory", NULL, "not in the PSI format");
		file_data_free(&fd);
	}
}

static void collect_proc(struct balloon_report *r)
{
	collect_changing_proc(r);
	/* the RAM the VM was given; trees captured before collect kept it lack it */
	struct file_data fd;
	r->zones.status = read_source(r, "/proc/zoneinfo", PROC_FILE_MAX, &fd, false, NULL);
	if (r->zones.status == SRC_OK) {
		int bad = zoneinfo_parse(fd.data, fd.len, &r->zones);
		if (bad)
			report_add_problem(r, "/proc/zoneinfo", NULL, "%d line(s) not understood", bad);
		if (!r->zones.present_pages.known) {
			report_add_problem(r, "/proc/zoneinfo", NULL, "not every zone has a present count");
			r->zones.status = SRC_ERROR;
		}
		file_data_free(&fd);
	}
	/* hot-added System RAM by driver (sources/iomem.c); addresses are 0 unless root */
	r->iomem.status = read_source(r, PROC_IOMEM, PROC_FILE_MAX, &fd, false, NULL);
	if (r->iomem.status == SRC_OK) {
		unsigned bad = iomem_parse(fd.data, fd.len, &r->iomem);
		if (bad)
			report_add_problem(r, PROC_IOMEM, NULL, "%u line(s) not understood", bad);
		file_data_free(&fd);
	}
}

static enum src_status debugfs_state(struct balloon_report *r)
{
	if (!sysroot_is_live()) {
		/* collect records what it saw; an older or hand-made tree has only the files */
		char *st = source_value(r, DEBUGFS_CAPTURE_STATE);
		enum src_status s = SRC_OK;
		if (st && strcmp(st, "not_mounted") == 0)
			s = SRC_NO_DEBUGFS;
		else if (st && strcmp(st, "denied") == 0)
			s = SRC_DENIED;
		else if (st && strcmp(st, "mounted") != 0) {
			report_add_problem(r, DEBUGFS_CAPTURE_STATE, NULL, "not one of mounted, not_mounted, denied");
			s = SRC_ERROR;
		} else if (!st && !sysroot_exists(DEBUGFS_ROOT))
			s = SRC_NO_DEBUGFS;
		free(st);
		return s;
	}
	struct statfs sf;
	if (statfs(DEBUGFS_ROOT, &sf) < 0) {
		if (errno == EACCES || errno == EPERM)
			return SRC_DENIED;
		return SRC_NO_DEBUGFS;
	}
	if ((unsigned long)sf.f_type != DEBUGFS_MAGIC_NR)
		return SRC_NO_DEBUGFS;
	DIR *d = sysroot_opendir(DEBUGFS_ROOT);
	if (!d)
		return errno == EACCES || errno == EPERM ? SRC_DENIED : SRC_ERROR;
	closedir(d);
	return SRC_OK;
}

typedef int (*debugfs_parser)(const char *buf, size_t len, void *out);

static int parse_virtio(const char *buf, size_t len, void *out)
{
	return dbg_virtio_parse(buf, len, out);
}

static int parse_vmw(const char *buf, size_t len, void *out)
{
	return dbg_vmw_parse(buf, len, out);
}

static int parse_hv(const char *buf, size_t len, void *out)
{
	return dbg_hv_parse(buf, len, out);
}

static enum src_status read_debugfs(struct balloon_report *r, const char *path, debugfs_parser parse, void *out)
{
	struct file_data fd;
	enum src_status st = read_source(r, path, PROC_FILE_MAX, &fd, false, "run as root");
	if (st != SRC_OK)
		return st;
	int bad = parse(fd.data, fd.len, out);
	if (bad)
		report_add_problem(r, path, NULL, "%d line(s) not understood", bad);
	file_data_free(&fd);
	return st;
}

/* The drivers' debugfs files; again_only: a refresh, which reads again only
 * the files that were readable (the others stay as they were). */
static void read_debugfs_files(struct balloon_report *r, bool again_only)
{
	if (!again_only || r->dvirtio.status == SRC_OK) {
		dbg_virtio_free(&r->dvirtio);
		r->dvirtio.status = read_debugfs(r, DEBUGFS_VIRTIO, parse_virtio, &r->dvirtio);
		r->dvirtio.path = xstrdup(DEBUGFS_VIRTIO);
	}
	if (!again_only || r->dvirtio_module.status == SRC_OK) {
		dbg_virtio_free(&r->dvirtio_module);
		r->dvirtio_module.status = read_debugfs(r, DEBUGFS_VIRTIO_MODULE, parse_virtio, &r->dvirtio_module);
		r->dvirtio_module.path = xstrdup(DEBUGFS_VIRTIO_MODULE);
	}
	if (!again_only || r->dvmw.status == SRC_OK) {
		memset(&r->dvmw, 0, sizeof(r->dvmw));
		r->dvmw.status = read_debugfs(r, DEBUGFS_VMW, parse_vmw, &r->dvmw);
	}
	if (!again_only || r->dhv.status == SRC_OK) {
		dbg_hv_free(&r->dhv);
		r->dhv.status = read_debugfs(r, DEBUGFS_HV, parse_hv, &r->dhv);
	}
}

static void collect_debugfs(struct balloon_report *r)
{
	r->debugfs = debugfs_state(r);
	if (r->debugfs != SRC_OK) {
		r->dvirtio.status = r->dvirtio_module.status = r->dvmw.status = r->dhv.status = r->debugfs;
		return;
	}
	read_debugfs_files(r, false);
}

static bool has_text(const char *s, size_t n, const char *lit)
{
	return memmem(s, n, lit, strlen(lit)) != NULL;
}

static int klog_scan_record(void *ctx, const char *rec, size_t len)
{
	struct klog_summary *k = ctx;
	struct klog_record kr;
	if (!klog_parse_record(rec, len, &kr))
		return 0;
	if (has_text(kr.msg, kr.msglen, "Out of puff!")) {
		k->out_of_puff++;
		free(k->last_out_of_puff);
		k->last_out_of_puff = xstrndup_printable(kr.msg, kr.msglen < 200 ? kr.msglen : 200);
	}
	if (has_text(kr.msg, kr.msglen, "vmw_balloon") || has_text(kr.msg, kr.msglen, "vmmemctl"))
		k->vmw_messages++;
	if (has_text(kr.msg, kr.msglen, "hv_balloon"))
		k->hv_messages++;
	if (has_text(kr.msg, kr.msglen, "Killed process "))
		k->oom_kills++;
	virtio_mem_klog_message(k, kr.msg, kr.msglen);
	/* hv_balloon.c: pr_err("hot_add memory failed error is %d") when
	 * add_memory() fails, pr_err("Memory hot add failed") when nothing of
	 * a host's hot-add request could be added */
	if (has_text(kr.msg, kr.msglen, "hot_add memory failed") || has_text(kr.msg, kr.msglen, "Memory hot add failed")) {
		k->hv_hot_add_failed++;
		free(k->last_hv_hot_add_failed);
		k->last_hv_hot_add_failed = xstrndup_printable(kr.msg, kr.msglen < 200 ? kr.msglen : 200);
	}
	return 0;
}

static void collect_klog(struct balloon_report *r)
{
	r->klog.source = klog_source();
	int e = klog_foreach_record(klog_scan_record, &r->klog);
	if (e == 0) {
		r->klog.status = SRC_OK;
		return;
	}
	r->klog.status = source_status(e);
	if (r->klog.status != SRC_ABSENT || sysroot_is_live())
		report_add_problem(r, r->klog.source, r->klog.status == SRC_DENIED ? "run as root" : NULL, "%s",
				   sysroot_strerror(e));
}

static void collect_drivers(struct balloon_report *r)
{
	r->vmw_driver = sysroot_exists("/sys/module/vmw_balloon") || r->dvmw.status == SRC_OK;
	r->hv_driver = sysroot_exists("/sys/module/hv_balloon") || sysroot_exists("/sys/bus/vmbus/drivers/hv_balloon") ||
		       r->dhv.status == SRC_OK;
}

void report_collect(struct balloon_report *r, const struct collect_options *opt)
{
	memset(r, 0, sizeof(*r));
	if (!sysroot_is_live())
		r->sysroot = xstrdup(sysroot_shown());
	collect_system(r);
	r->hyp.cpu_flag = -1;
	collect_hypervisor_names(r);
	if (opt && opt->read_hypervisor)
		collect_hypervisor(r);
	virtio_scan(r);
	collect_proc(r);
	collect_debugfs(r);
	collect_drivers(r);
	xen_scan(r);
	/* hundreds of files on a large VM: read only where hot-plug resizes it */
	if (xen_balloon_present(r) || r->nrelated)
		memory_blocks_scan(r);
	if (opt && opt->read_klog)
		collect_klog(r);
	balloon_summarize(r);
	findings_evaluate(r);
	r->nproblems_fixed = r->nproblems;
}

static void drop_changing_problems(struct balloon_report *r)
{
	for (size_t i = r->nproblems_fixed; i < r->nproblems; i++) {
		free(r->problems[i].what);
		free(r->problems[i].why);
	}
	if (r->nproblems > r->nproblems_fixed)
		r->nproblems = r->nproblems_fixed;
}

void report_refresh(struct balloon_report *r)
{
	/* the problems the last refresh found are found again, or not */
	drop_changing_problems(r);
	memset(&r->mem, 0, sizeof(r->mem));
	memset(&r->vm, 0, sizeof(r->vm));
	memset(&r->psi, 0, sizeof(r->psi));
	collect_changing_proc(r);
	for (size_t i = 0; i < r->ndevices; i++)
		virtio_refresh_device(r, &r->devices[i]);
	/* the drivers' own counters move with the balloon: the ones that were
	 * readable are read again, the others stay as they were */
	/* the drivers' own counters move with the balloon */
	if (r->debugfs == SRC_OK)
		read_debugfs_files(r, true);
	if (r->xen.status == SRC_OK) { /* the balloon moves toward its target */
		memset(&r->xen, 0, sizeof(r->xen));
		xen_scan(r);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].message);
	free(r->findings);
	r->findings = NULL;
	r->nfindings = 0;
	memset(&r->balloon, 0, sizeof(r->balloon));
	balloon_summarize(r);
	findings_evaluate(r);
}
