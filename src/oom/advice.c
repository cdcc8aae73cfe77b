/* Next steps per verdict (see advice.h). Each names the thing to change and
 * where, with the event's numbers; the wording stays short enough for a
 * ticket. */
#include "oom/advice.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "base/util.h"

/* a reservation of huge pages this large is worth a look in any global OOM */
#define HUGEPAGES_PERCENT 10

static void add(struct oom_next *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct oom_next *out, const char *fmt, ...)
{
	if (out->n >= OOM_NEXT_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->step[out->n++], sizeof(out->step[0]), fmt, ap);
	va_end(ap);
}

static bool is(const struct oom_verdict *v, const char *code)
{
	return v->code && strcmp(v->code, code) == 0;
}

/* panicked because vm.panic_on_oom asked (not "no killable processes") */
static bool panic_on_oom(const struct oom_event *e)
{
	return e->panic_reason && strncmp(e->panic_reason, "panic_on_oom", 12) == 0;
}

static void hugepages_step(const struct oom_event *e, const struct oom_facts *f, struct oom_next *out)
{
	const struct opt_u64 h = e->mi.hugepages_kb;
	if (!h.known || !f->ram_kb.known || !f->ram_kb.v || h.v * 100 / f->ram_kb.v < HUGEPAGES_PERCENT)
		return;
	char a[32];
	add(out,
	    "Check the huge page reservation: %s (%llu%% of RAM) is set aside as huge pages (vm.nr_hugepages or "
	    "hugepages= on the kernel command line), which ordinary allocations cannot use.",
	    fmt_kb(a, sizeof(a), h.v), (unsigned long long)(h.v * 100 / f->ram_kb.v));
}

static void slab_steps(const struct oom_event *e, struct oom_next *out)
{
	char a[32];
	if (!e->nslab_top) {
		add(out,
		    "Find the growing cache with slabtop or /proc/slabinfo (SUnreclaim in /proc/meminfo shows the "
		    "total): this log does not name it (kernels before 4.15 print no \"Unreclaimable slab info\").");
		add(out, "Update or remove the driver or module that allocates it: an unreclaimable cache that keeps "
			 "growing is usually a leak.");
		return;
	}
	const struct oom_slab_cache *c = &e->slab_top[0];
	if (strcmp(c->name, "kmemleak_object") == 0) {
		add(out,
		    "The largest cache, kmemleak_object (%s), is the kmemleak detector's own bookkeeping: boot with "
		    "kmemleak=off (or a kernel without CONFIG_DEBUG_KMEMLEAK) outside of leak hunting.",
		    fmt_kb(a, sizeof(a), c->total_kb));
		return;
	}
	add(out,
	    "Look at the slab cache %s (%s, the largest unreclaimable one): watch it with slabtop or "
	    "/sys/kernel/slab/%s/ and find the driver or module that allocates it.",
	    c->name, fmt_kb(a, sizeof(a), c->total_kb), c->name);
	add(out, "Update or remove that driver or module: an unreclaimable cache that keeps growing is usually a leak.");
}

void oom_next_steps(const struct oom_event *e, const struct oom_facts *f, const struct oom_verdict *v,
		    struct oom_next *out)
{
	char a[32], b[32];
	memset(out, 0, sizeof(*out));
	const char *comm = NULL;
	uint64_t pid = 0, kb = 0;
	bool largest = oom_largest_task(e, &comm, &pid, &kb);

	uint64_t slab;
	if (!is(v, "memcg-limit") && !is(v, "slab-unreclaimable") && !is(v, "manual-oom") &&
	    !is(v, "sysrq-manual-oom") && oom_slab_grew(e, f, &slab)) {
		/* the kernel's own memory grew: whatever the verdict, that comes first */
		slab_steps(e, out);
		if (panic_on_oom(e))
			add(out, "The machine went down on this OOM: set vm.panic_on_oom=0 if it should kill a task "
				 "instead.");
		return;
	}
	if (is(v, "manual-oom") || is(v, "sysrq-manual-oom")) {
		add(out,
		    "Nothing ran short: find who asked for the kill (SysRq-f on a console, or 'f' written to "
		    "/proc/sysrq-trigger by a script or agent) in the shell history, audit log or monitoring.");
		add(out, "To forbid it, clear the 64 bit (process signalling) of the kernel.sysrq sysctl.");
	} else if (is(v, "memcg-limit")) {
		if (e->memcg_usage_kb.known && e->memcg_limit_kb.known)
			add(out,
			    "Raise the limit of the memory cgroup %s (memory.max on cgroup v2, memory.limit_in_bytes on "
			    "v1, or the container's memory limit) above its %s, or make the workload use less.",
			    e->memcg[0] ? e->memcg : "named above", fmt_kb(a, sizeof(a), e->memcg_limit_kb.v));
		else
			add(out,
			    "Raise the limit of the memory cgroup %s (memory.max on cgroup v2, memory.limit_in_bytes on "
			    "v1, or the container's memory limit), or make the workload use less.",
			    e->memcg[0] ? e->memcg : "named above");
		if (largest)
			add(out, "Check %s (pid %llu, %s), the largest task in the report, for a leak.", comm,
			    (unsigned long long)pid, fmt_kb(b, sizeof(b), kb));
	} else if (is(v, "constrained")) {
		add(out,
		    "Check the cpuset (cpuset.mems) or NUMA memory policy (numactl --membind) of %s: it may use only "
		    "some nodes; allow more nodes or move the work.",
		    e->inv.present ? e->inv.comm : "the invoking task");
	} else if (is(v, "balloon-held-memory")) {
		add(out,
		    "Deflate the balloon from the host (vbtool target --qmp SOCKET SIZE, or virsh setmem) to give the "
		    "guest back memory: it held %s.",
		    f->balloon.size_kb.known ? fmt_kb(a, sizeof(a), f->balloon.size_kb.v) : "an unknown amount");
		add(out, "Enable deflate-on-oom on the balloon device (QEMU -device virtio-balloon,deflate-on-oom=on; "
			 "libvirt <memballoon model='virtio' autodeflate='on'>) so the guest can take pages back itself.");
	} else if (is(v, "balloon-deflated")) {
		add(out, "The balloon had little or nothing left to give back: give the guest more memory on the host "
			 "(its current and maximum size) or run less in it.");
	} else if (is(v, "balloon-estimated")) {
		add(out, "Confirm the balloon's size on the host (vbtool status --qmp SOCKET, or virsh dommemstat) "
			 "before acting on the estimate.");
		add(out, "If the balloon held it: deflate it, or enable deflate-on-oom on the balloon device.");
	} else if (is(v, "slab-unreclaimable")) {
		slab_steps(e, out);
	} else if (is(v, "fragmentation")) {
		long long order = e->inv.order.known ? (long long)e->inv.order.v : 0;
		add(out,
		    "Free memory was split into small chunks: check that compaction is built in (CONFIG_COMPACTION, "
		    "/proc/sys/vm/compact_memory) and raise vm.min_free_kbytes so more large blocks stay free.");
		add(out,
		    "Find the order-%lld allocation in the invoker's stack trace (%s): many drivers can fall back to "
		    "smaller chunks or vmalloc, or allocate early.",
		    order, e->inv.present ? e->inv.comm : "not in the log");
	} else if (is(v, "single-task")) {
		hugepages_step(e, f, out);
		if (largest)
			add(out,
			    "Check %s (pid %llu, %s) for a leak, or cap it (its own memory settings, or a memory cgroup "
			    "limit).",
			    comm, (unsigned long long)pid, fmt_kb(a, sizeof(a), kb));
		add(out, "%s, if it really needs that much.",
		    e->swap_total_kb.known && e->swap_total_kb.v == 0 ? "Add swap or give the machine more memory"
								      : "Give the machine more memory");
	} else {
		hugepages_step(e, f, out);
		if (f->vm_sign && e->balloon.driver[0] && !f->balloon.size_kb.known)
			add(out,
			    "Read what the balloon held (vbtool status --qmp SOCKET on the host, or the vbtool module in "
			    "the guest): this log has no balloon counter.");
		if (panic_on_oom(e))
			add(out, "The machine went down on this OOM: set vm.panic_on_oom=0 if it should kill a task "
				 "instead, and find what held the memory.");
		if (largest)
			add(out, "Compare the largest task, %s (pid %llu, %s), and the Mem-Info lines with RAM to see "
				 "whether user space or the kernel held the memory.",
			    comm, (unsigned long long)pid, fmt_kb(a, sizeof(a), kb));
		if (e->swap_total_kb.known && e->swap_total_kb.v == 0)
			add(out, "Add swap or give the machine more memory.");
		add(out, "Capture the next OOM with the whole report (dmesg or journalctl -k) so the memory picture is "
			 "complete.");
	}
}
