/* status/target through libvirt's C API: a whole host in one statistics
 * call. libvirt's names are turned into vbtool's (the QMP path's): its
 * "usable" is QEMU's stat-available-memory, its "available" QEMU's
 * stat-total-memory, memory values come in KiB (libvirt's
 * qemuMonitorJSONGetMemoryStats divides QEMU's bytes by 1024). */
#include "host/libvirt.h"
#include "host/host.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBVIRT
#include "host/libvirt_vmem.h"
#include "host/libvirt_xml.h"

#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <time.h>

/* libvirt is opened with dlopen when --libvirt is used, not linked: linked,
 * its ~50 libraries cost every vbtool run ~35 ms of start-up (measured on
 * Debian 12). The headers still give every function's type. */
#define LIBVIRT_SONAME "libvirt.so.0"
#define LV_FUNCTIONS(X)                                                                              \
	X(virInitialize) X(virSetErrorFunc) X(virGetLastErrorMessage) X(virResetLastError)             \
	X(virConnectOpen) X(virConnectOpenReadOnly) X(virConnectGetVersion) X(virConnectClose)         \
	X(virDomainGetName) X(virDomainGetXMLDesc) X(virConnectGetAllDomainStats)                     \
	X(virDomainLookupByName) X(virDomainListGetStats) X(virDomainStatsRecordListFree)             \
	X(virDomainFree) X(virDomainSetMemoryStatsPeriod) X(virDomainSetMemoryFlags)                   \
	X(virConnectListAllDomains) X(virDomainUpdateDeviceFlags)
#define LV_POINTER(f) __typeof__(f) *f; /* NOLINT(bugprone-macro-parentheses): f names a declarator */
static struct {
	LV_FUNCTIONS(LV_POINTER)
} lv_fn;
static char *lv_load_error; /* set when loading failed */

static void load_libvirt(void)
{
	void *h = dlopen(LIBVIRT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		lv_load_error = xasprintf("cannot load %s: %s", LIBVIRT_SONAME, e ? e : "unknown error");
		return;
	}
#define LV_LOAD(f)                                                                                   \
	if (!lv_load_error && !(*(void **)&lv_fn.f = dlsym(h, #f)))                                  \
		lv_load_error = xasprintf("%s has no %s (libvirt too old?)", LIBVIRT_SONAME, #f);
	LV_FUNCTIONS(LV_LOAD)
#undef LV_LOAD
}

/* From here on, libvirt's names call through the loaded pointers. */
#define virInitialize lv_fn.virInitialize
#define virSetErrorFunc lv_fn.virSetErrorFunc
#define virGetLastErrorMessage lv_fn.virGetLastErrorMessage
#define virResetLastError lv_fn.virResetLastError
#define virConnectOpen lv_fn.virConnectOpen
#define virConnectOpenReadOnly lv_fn.virConnectOpenReadOnly
#define virConnectGetVersion lv_fn.virConnectGetVersion
#define virConnectClose lv_fn.virConnectClose
#define virDomainGetName lv_fn.virDomainGetName
#define virDomainGetXMLDesc lv_fn.virDomainGetXMLDesc
#define virConnectGetAllDomainStats lv_fn.virConnectGetAllDomainStats
#define virDomainLookupByName lv_fn.virDomainLookupByName
#define virDomainListGetStats lv_fn.virDomainListGetStats
#define virDomainStatsRecordListFree lv_fn.virDomainStatsRecordListFree
#define virDomainFree lv_fn.virDomainFree
#define virDomainSetMemoryStatsPeriod lv_fn.virDomainSetMemoryStatsPeriod
#define virDomainSetMemoryFlags lv_fn.virDomainSetMemoryFlags
#define virConnectListAllDomains lv_fn.virConnectListAllDomains
#define virDomainUpdateDeviceFlags lv_fn.virDomainUpdateDeviceFlags

struct host_libvirt {
	virConnectPtr conn;
	char *version; /* the hypervisor's: "7.2.22" */
};

/* libvirt prints every error on stderr by default; vbtool says them itself. */
static void quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void init_once(void)
{
	load_libvirt();
	if (lv_load_error)
		return;
	virInitialize();
	virSetErrorFunc(NULL, quiet);
}

/* "what: libvirt's message"; the message may quote a domain's name. */
static char *lv_error(const char *what)
{
	const char *m = virGetLastErrorMessage();
	char *safe = xstrndup_printable(m ? m : "unknown error", strlen(m ? m : "unknown error"));
	char *s = xasprintf("%s: %s", what, safe);
	free(safe);
	virResetLastError();
	return s;
}

struct host_libvirt *host_libvirt_open(const char *uri, bool read_write, char **err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_once);
	if (lv_load_error) {
		*err = xstrdup(lv_load_error);
		return NULL;
	}
	virConnectPtr c = read_write ? virConnectOpen(uri) : virConnectOpenReadOnly(uri);
	if (!c) {
		*err = lv_error(uri ? uri : "libvirt's default URI");
		return NULL;
	}
	struct host_libvirt *lv = xcalloc(1, sizeof(*lv));
	lv->conn = c;
	unsigned long v;
	if (virConnectGetVersion(c, &v) == 0 && v)
		lv->version = xasprintf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
	virResetLastError();
	return lv;
}

void host_libvirt_close(struct host_libvirt *lv)
{
	if (!lv)
		return;
	virConnectClose(lv->conn);
	free(lv->version);
	free(lv);
}

static void add_note(struct host_vm *vm, char *msg)
{
	size_t cap = vm->nnotes;
	vm->notes = xgrow(vm->notes, &cap, vm->nnotes + 1, sizeof(*vm->notes));
	vm->notes[vm->nnotes++] = msg;
}

static bool param_u64(const virTypedParameter *p, uint64_t *v)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_ULLONG:
		*v = p->value.ul;
		return true;
	case VIR_TYPED_PARAM_UINT:
		*v = p->value.ui;
		return true;
	case VIR_TYPED_PARAM_LLONG:
		*v = (uint64_t)p->value.l;
		return p->value.l >= 0;
	case VIR_TYPED_PARAM_INT:
		*v = (uint64_t)p->value.i;
		return p->value.i >= 0;
	default:
		return false;
	}
}

static struct opt_u64 kib(uint64_t v)
{
	uint64_t b;
	return mul_u64(v, 1024, &b) ? opt_u64(b) : OPT_U64_UNKNOWN;
}

/* libvirt's balloon.* statistic -> vbtool's name (the QMP path's) and scale. */
static const struct {
	const char *libvirt, *vbtool;
	bool kib;
} stat_map[] = {
	{ "swap_in", "swap_in", true },
	{ "swap_out", "swap_out", true },
	{ "major_fault", "major_faults", false },
	{ "minor_fault", "minor_faults", false },
	{ "unused", "free_memory", true },
	{ "available", "total_memory", true },
	{ "usable", "available_memory", true },
	{ "disk_caches", "disk_caches", true },
	{ "hugetlb_pgalloc", "htlb_pgalloc", false },
	{ "hugetlb_pgfail", "htlb_pgfail", false },
};

static void add_stat(struct host_vm *vm, const char *name, struct opt_u64 v)
{
	size_t cap = vm->nstats;
	vm->stats = xgrow(vm->stats, &cap, vm->nstats + 1, sizeof(*vm->stats));
	vm->stats[vm->nstats].name = xstrdup(name);
	vm->stats[vm->nstats].value = v;
	vm->nstats++;
}

/* One balloon.* parameter (name after "balloon."). */
static void read_balloon_param(struct host_vm *vm, const char *name, const virTypedParameter *p,
			       struct opt_u64 *current, struct opt_u64 *maximum)
{
	uint64_t v;
	if (!param_u64(p, &v))
		return;
	if (strcmp(name, "current") == 0) {
		*current = kib(v);
	} else if (strcmp(name, "maximum") == 0) {
		*maximum = kib(v);
	} else if (strcmp(name, "last-update") == 0) {
		vm->last_update = opt_u64(v);
	} else if (strcmp(name, "rss") == 0) {
		/* QEMU's resident size on the host, not a guest statistic. */
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(stat_map); i++)
			if (strcmp(stat_map[i].libvirt, name) == 0) {
				add_stat(vm, stat_map[i].vbtool, stat_map[i].kib ? kib(v) : opt_u64(v));
				return;
			}
		char *safe = xstrndup_printable(name, strlen(name)); /* a newer libvirt's: shown by name */
		add_stat(vm, safe, opt_u64(v));
		free(safe);
	}
}

/* libvirt's domain state in QEMU's run-state words, as the QMP path shows. */
static void read_state(struct host_vm *vm, int state, int reason)
{
	const char *s = "unknown";
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		s = "running";
		break;
	case VIR_DOMAIN_PAUSED:
		/* Started paused (-S, never continued): QEMU says prelaunch. */
		s = reason == VIR_DOMAIN_PAUSED_STARTING_UP ? "prelaunch" : "paused";
		break;
	case VIR_DOMAIN_SHUTDOWN:
		s = "shutdown";
		break;
	case VIR_DOMAIN_SHUTOFF:
		s = "shutoff";
		break;
	case VIR_DOMAIN_CRASHED:
		s = "guest-panicked";
		break;
	case VIR_DOMAIN_PMSUSPENDED:
		s = "suspended";
		break;
	}
	vm->run_state = xstrdup(s);
	vm->running = state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_BLOCKED;
}

static void add_feature(struct host_vm *vm, const char *name)
{
	size_t cap = vm->nconfigured_features;
	vm->configured_features = xgrow(vm->configured_features, &cap, vm->nconfigured_features + 1,
					sizeof(*vm->configured_features));
	vm->configured_features[vm->nconfigured_features++] = xstrdup(name);
}

/* QEMU's device type for libvirt's model and address. */
static char *device_type(const struct lv_balloon_xml *b)
{
	const char *bus = !b->address_type || strcmp(b->address_type, "pci") == 0 ? "pci"
			  : strcmp(b->address_type, "ccw") == 0				 ? "ccw"
			  : strcmp(b->address_type, "virtio-mmio") == 0			 ? "device"
											 : NULL;
	if (!bus)
		return NULL;
	if (strcmp(b->model, "virtio-transitional") == 0 && strcmp(bus, "pci") == 0)
		return xstrdup("virtio-balloon-pci-transitional");
	if (strcmp(b->model, "virtio-non-transitional") == 0 && strcmp(bus, "pci") == 0)
		return xstrdup("virtio-balloon-pci-non-transitional");
	return xasprintf("virtio-balloon-%s", bus);
}

/* xml: the domain's XML fetched beforehand (taken), or NULL to fetch it now. */
static void read_xml(virDomainPtr dom, char *xml, struct host_vm *vm)
{
	if (!xml)
		xml = virDomainGetXMLDesc(dom, 0);
	if (!xml) {
		add_note(vm, lv_error("domain XML"));
		return;
	}
	struct lv_balloon_xml b;
	lv_balloon_xml_parse(xml, strlen(xml), &b);
	host_libvirt_vmem_read(xml, strlen(xml), vm); /* libvirt_vmem.c */
	free(xml);
	if (!b.devices_found) {
		add_note(vm, xstrdup("domain XML: no <devices>: the balloon's configuration is unknown"));
		lv_balloon_xml_free(&b);
		return;
	}
	vm->has_balloon = b.present && b.model && strcmp(b.model, "none") != 0;
	vm->no_balloon_device = !vm->has_balloon;
	vm->memory_devices = b.memory_devices;
	if (vm->has_balloon) {
		vm->configured_known = true;
		/* QEMU's virtio-balloon offers STATS_VQ always; these two only when asked. */
		add_feature(vm, "STATS_VQ");
		if (b.autodeflate == 1)
			add_feature(vm, "DEFLATE_ON_OOM");
		if (b.free_page_reporting == 1)
			add_feature(vm, "REPORTING");
		vm->polling_interval_s = b.period;
		if (b.alias) {
			/* libvirt gives the device id=ALIAS: QEMU's /machine/peripheral/ALIAS. */
			vm->device_path = xasprintf("/machine/peripheral/%s", b.alias);
			vm->device_type = device_type(&b);
			vm->device_found_by = "domain XML";
			vm->backend_path = vm->device_type && strcmp(vm->device_type, "virtio-balloon-device") == 0
						   ? xstrdup(vm->device_path)
						   : xasprintf("%s/virtio-backend", vm->device_path);
		}
	}
	lv_balloon_xml_free(&b);
}

static void fill_vm(struct host_libvirt *lv, virDomainStatsRecordPtr rec, char *xml, struct host_vm *vm)
{
	struct opt_u64 current = OPT_U64_UNKNOWN, maximum = OPT_U64_UNKNOWN;
	int state = -1, reason = -1;
	const char *name = virDomainGetName(rec->dom);
	if (name)
		vm->name = xstrndup_printable(name, strlen(name));
	if (lv->version)
		vm->qemu_version = xstrdup(lv->version);
	for (int i = 0; i < rec->nparams; i++) {
		const virTypedParameter *p = &rec->params[i];
		if (strcmp(p->field, "state.state") == 0 && p->type == VIR_TYPED_PARAM_INT)
			state = p->value.i;
		else if (strcmp(p->field, "state.reason") == 0 && p->type == VIR_TYPED_PARAM_INT)
			reason = p->value.i;
		else if (strncmp(p->field, "balloon.", 8) == 0)
			read_balloon_param(vm, p->field + 8, p, &current, &maximum);
	}
	read_state(vm, state, reason);
	read_xml(rec->dom, xml, vm);
	vm->ram = maximum;
	if (maximum.known && !vm->memory_devices) {
		/* No DIMMs or virtio-mem: all of it is base memory, all counted by the balloon. */
		vm->base_memory = maximum;
		vm->plugged_memory = opt_u64(0);
		vm->virtio_mem = opt_u64(0);
		vm->balloon_ram = maximum;
	} else if (vm->memory_devices) {
		add_note(vm, xstrdup("the domain has memory devices: libvirt does not say which RAM the balloon "
				     "counts (ask QMP for it)"));
	}
	if (vm->has_balloon) {
		vm->actual = current;
		if (current.known && vm->balloon_ram.known && vm->balloon_ram.v >= current.v)
			vm->balloon = opt_u64(vm->balloon_ram.v - current.v);
		/* libvirt asked QEMU for the statistics of an active domain. */
		vm->stats_read = true;
		time_t now = time(NULL);
		if (vm->last_update.known && vm->last_update.v > 0)
			vm->stats_age_s = opt_u64((uint64_t)now > vm->last_update.v ? (uint64_t)now - vm->last_update.v : 0);
	}
	host_libvirt_vmem_as_qmp(vm); /* libvirt_vmem.c */
}

/* libvirtd runs one statistics call's domains one after another, each a
 * round trip to its QEMU: a few calls over parts of the list, each from its
 * own thread (libvirt's client is thread-safe), let it ask several QEMUs at
 * once (the statistics of 16 paused domains on 2 CPUs: 26 -> 16 ms; both
 * numbers below were picked by measuring). Each domain's XML is one more
 * round trip, without QEMU: a few threads fetch them meanwhile. libvirtd
 * serves max_client_requests (default 5) calls of one client at a time: the
 * calls in flight stay within it. */
#define STATS_CALLS 3
#define XML_THREADS 2

struct stats_job {
	virDomainPtr *list; /* NULL-terminated: a part of the domains */
	unsigned int flags;
	virDomainStatsRecordPtr *recs;
	int nr;
	char *err; /* libvirt's last error is per thread: taken here */
};

static void *stats_worker(void *arg)
{
	struct stats_job *j = arg;
	j->nr = virDomainListGetStats(j->list, VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_STATE, &j->recs, j->flags);
	if (j->nr < 0)
		j->err = lv_error("domain statistics");
	return NULL;
}

struct xml_job {
	virDomainPtr *doms;
	char **xml; /* per domain; NULL when it failed (fetched again, for the error) */
	size_t n;
	size_t next; /* taken with __atomic_fetch_add */
};

static void *xml_worker(void *arg)
{
	struct xml_job *j = arg;
	for (;;) {
		size_t i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
		if (i >= j->n)
			return NULL;
		j->xml[i] = virDomainGetXMLDesc(j->doms[i], 0);
		virResetLastError();
	}
}

static void set_period(virDomainPtr dom, long period, struct host_vm *vm)
{
	if (virDomainSetMemoryStatsPeriod(dom, (int)period, VIR_DOMAIN_AFFECT_LIVE) == 0)
		vm->polling_interval_s = opt_u64((uint64_t)period);
	else
		add_note(vm, lv_error("setting the statistics period"));
}

static int cmp_rec(const void *a, const void *b)
{
	const char *x = virDomainGetName((*(virDomainStatsRecordPtr const *)a)->dom);
	const char *y = virDomainGetName((*(virDomainStatsRecordPtr const *)b)->dom);
	return strcmp(x ? x : "", y ? y : "");
}

static int cmp_dom(const void *a, const void *b)
{
	const char *x = virDomainGetName(*(virDomainPtr const *)a);
	const char *y = virDomainGetName(*(virDomainPtr const *)b);
	return strcmp(x ? x : "", y ? y : "");
}

/* The record (and prefetched XML) of the domain called name. */
static virDomainStatsRecordPtr find_rec(virDomainStatsRecordPtr *recs, int nr, const char *name)
{
	for (int r = 0; r < nr; r++) {
		const char *nm = virDomainGetName(recs[r]->dom);
		if (nm && strcmp(nm, name) == 0)
			return recs[r];
	}
	return NULL;
}

static char *take_xml(struct xml_job *j, const char *name)
{
	for (size_t k = 0; k < j->n; k++) {
		const char *nm = virDomainGetName(j->doms[k]);
		if (nm && strcmp(nm, name) == 0) {
			char *x = j->xml[k];
			j->xml[k] = NULL;
			return x;
		}
	}
	return NULL;
}

bool host_libvirt_collect(struct host_libvirt *lv, char *const *names, size_t n, long stats_interval,
			  struct host_target **targets, struct host_vm **vms, size_t *nvms, char **err)
{
	virDomainStatsRecordPtr *recs = NULL;
	virDomainPtr *doms = NULL;
	size_t nd = 0;
	if (n == 0) {
		int r = virConnectListAllDomains(lv->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
		if (r < 0) {
			*err = lv_error("listing the domains");
			return false;
		}
		nd = (size_t)r;
		qsort(doms, nd, sizeof(*doms), cmp_dom);
	} else {
		doms = xcalloc(n + 1, sizeof(*doms));
		for (size_t i = 0; i < n; i++) {
			virDomainPtr d = virDomainLookupByName(lv->conn, names[i]);
			virResetLastError();
			if (d)
				doms[nd++] = d;
		}
	}
	/* The statistics calls first, so libvirtd starts on the slow part. */
	size_t ncalls = nd < STATS_CALLS ? nd : STATS_CALLS;
	struct stats_job sj[STATS_CALLS] = { 0 };
	pthread_t stids[STATS_CALLS];
	bool sthread[STATS_CALLS] = { false };
	for (size_t k = 0; k < ncalls; k++) {
		size_t from = nd * k / ncalls, to = nd * (k + 1) / ncalls;
		sj[k].list = xcalloc(to - from + 1, sizeof(*sj[k].list));
		memcpy(sj[k].list, doms + from, (to - from) * sizeof(*sj[k].list));
		/* Without names: the running domains (one may have stopped since the list). */
		sj[k].flags = n == 0 ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE : 0;
		if (k > 0)
			sthread[k] = pthread_create(&stids[k], NULL, stats_worker, &sj[k]) == 0;
	}
	struct xml_job xj = { .doms = doms, .xml = xcalloc(nd ? nd : 1, sizeof(char *)), .n = nd };
	pthread_t tids[XML_THREADS];
	size_t started = 0;
	for (; started < (nd < XML_THREADS ? nd : XML_THREADS); started++)
		if (pthread_create(&tids[started], NULL, xml_worker, &xj) != 0)
			break;
	for (size_t k = 0; k < ncalls; k++) {
		if (sthread[k])
			pthread_join(stids[k], NULL);
		else
			stats_worker(&sj[k]); /* the first part, or one no thread was had for */
	}
	xml_worker(&xj); /* whatever the threads left (all of it, without threads) */
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	int nr = 0;
	for (size_t k = 0; k < ncalls && nr >= 0; k++) {
		if (sj[k].nr < 0) {
			nr = -1;
			*err = sj[k].err;
			sj[k].err = NULL;
		} else {
			nr += sj[k].nr;
		}
	}
	if (nr > 0) {
		recs = xcalloc((size_t)nr, sizeof(*recs));
		size_t at = 0;
		for (size_t k = 0; k < ncalls; k++)
			for (int r = 0; r < sj[k].nr; r++)
				recs[at++] = sj[k].recs[r];
		qsort(recs, (size_t)nr, sizeof(*recs), cmp_rec);
	}
	/* Every running domain: those the statistics calls saw (one may have
	 * stopped since the list was taken). */
	size_t count = n ? n : (size_t)(nr > 0 ? nr : 0);
	struct host_target *t = NULL;
	struct host_vm *v = NULL;
	if (nr >= 0) {
		t = xcalloc(count ? count : 1, sizeof(*t));
		v = xcalloc(count ? count : 1, sizeof(*v));
	}
	for (size_t i = 0; nr >= 0 && i < count; i++) {
		const char *name = n ? names[i] : virDomainGetName(recs[i]->dom);
		t[i].domain = xstrdup(name ? name : "");
		v[i].target = &t[i];
		v[i].running = -1;
		v[i].driver_started = -1;
		virDomainStatsRecordPtr rec = find_rec(recs, nr, t[i].domain);
		if (!rec) {
			v[i].error = xstrdup("no such domain (or it is not running)");
			v[i].error_hint = "virsh list --all shows the domains libvirt knows";
			continue;
		}
		fill_vm(lv, rec, take_xml(&xj, t[i].domain), &v[i]);
		if (stats_interval >= 0 && v[i].has_balloon)
			set_period(rec->dom, stats_interval, &v[i]);
		host_vm_sort_stats(&v[i]);
		host_findings_evaluate(&v[i]);
	}
	free(recs); /* the records themselves belong to each call's list */
	for (size_t k = 0; k < ncalls; k++) {
		if (sj[k].recs)
			virDomainStatsRecordListFree(sj[k].recs);
		free(sj[k].list);
		free(sj[k].err);
	}
	for (size_t i = 0; i < nd; i++) {
		free(xj.xml[i]);
		virDomainFree(doms[i]);
	}
	free(xj.xml);
	free(doms);
	if (nr < 0)
		return false;
	*targets = t;
	*vms = v;
	*nvms = count;
	return true;
}

bool host_libvirt_actual(struct host_libvirt *lv, const char *domain, uint64_t *bytes, char **err)
{
	virDomainPtr d = virDomainLookupByName(lv->conn, domain);
	if (!d) {
		*err = lv_error("looking up the domain");
		return false;
	}
	virDomainPtr doms[2] = { d, NULL };
	virDomainStatsRecordPtr *recs = NULL;
	int nr = virDomainListGetStats(doms, VIR_DOMAIN_STATS_BALLOON, &recs, 0);
	bool ok = false;
	if (nr < 0)
		*err = lv_error("domain statistics");
	for (int r = 0; r < nr && !ok; r++)
		for (int i = 0; i < recs[r]->nparams && !ok; i++) {
			uint64_t v;
			struct opt_u64 b;
			if (strcmp(recs[r]->params[i].field, "balloon.current") == 0 && param_u64(&recs[r]->params[i], &v) &&
			    (b = kib(v)).known) {
				*bytes = b.v;
				ok = true;
			}
		}
	if (nr >= 0 && !ok)
		*err = xstrdup("libvirt's statistics have no balloon.current");
	if (recs)
		virDomainStatsRecordListFree(recs);
	virDomainFree(d);
	return ok;
}

bool host_libvirt_set_size(struct host_libvirt *lv, const char *domain, uint64_t bytes, char **err)
{
	virDomainPtr d = virDomainLookupByName(lv->conn, domain);
	if (!d) {
		*err = lv_error("looking up the domain");
		return false;
	}
	/* libvirt takes KiB in an unsigned long. */
	uint64_t k = bytes / 1024;
	bool ok = k <= (uint64_t)(unsigned long)-1 &&
		  virDomainSetMemoryFlags(d, (unsigned long)k, VIR_DOMAIN_AFFECT_LIVE) == 0;
	if (!ok)
		*err = k > (uint64_t)(unsigned long)-1 ? xstrdup("size too large for libvirt") : lv_error("setting the memory");
	virDomainFree(d);
	return ok;
}

char *host_libvirt_domain_xml(struct host_libvirt *lv, const char *domain, char **err)
{
	virDomainPtr d = virDomainLookupByName(lv->conn, domain);
	if (!d) {
		*err = lv_error("looking up the domain");
		return NULL;
	}
	char *xml = virDomainGetXMLDesc(d, 0);
	if (!xml)
		*err = lv_error("domain XML");
	virDomainFree(d);
	return xml;
}

bool host_libvirt_update_device(struct host_libvirt *lv, const char *domain, const char *xml, char **err)
{
	virDomainPtr d = virDomainLookupByName(lv->conn, domain);
	if (!d) {
		*err = lv_error("looking up the domain");
		return false;
	}
	bool ok = virDomainUpdateDeviceFlags(d, xml, VIR_DOMAIN_AFFECT_LIVE) == 0;
	if (!ok)
		*err = lv_error("updating the device");
	virDomainFree(d);
	return ok;
}

#else /* !HAVE_LIBVIRT */

struct host_libvirt *host_libvirt_open(const char *uri, bool read_write, char **err)
{
	(void)uri;
	(void)read_write;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return NULL;
}

void host_libvirt_close(struct host_libvirt *lv)
{
	(void)lv;
}

bool host_libvirt_collect(struct host_libvirt *lv, char *const *names, size_t n, long stats_interval,
			  struct host_target **targets, struct host_vm **vms, size_t *nvms, char **err)
{
	(void)lv, (void)names, (void)n, (void)stats_interval, (void)targets, (void)vms, (void)nvms;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return false;
}

bool host_libvirt_actual(struct host_libvirt *lv, const char *domain, uint64_t *bytes, char **err)
{
	(void)lv, (void)domain, (void)bytes;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return false;
}

bool host_libvirt_set_size(struct host_libvirt *lv, const char *domain, uint64_t bytes, char **err)
{
	(void)lv, (void)domain, (void)bytes;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return false;
}

char *host_libvirt_domain_xml(struct host_libvirt *lv, const char *domain, char **err)
{
	(void)lv, (void)domain;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return NULL;
}

bool host_libvirt_update_device(struct host_libvirt *lv, const char *domain, const char *xml, char **err)
{
	(void)lv, (void)domain, (void)xml;
	*err = xstrdup(HOST_LIBVIRT_MISSING);
	return false;
}

#endif

struct host_libvirt *host_libvirt_open_domain(const char *uri, const char *domain, struct host_target **t,
					      struct host_vm **vms, size_t *n)
{
	char *err = NULL;
	char *const names[] = { (char *)domain };
	*t = NULL;
	*vms = NULL;
	*n = 0;
	struct host_libvirt *lv = host_libvirt_open(uri, true, &err);
	if (!lv || !host_libvirt_collect(lv, names, 1, -1, t, vms, n, &err)) {
		vb_err_hint(strcmp(err, HOST_LIBVIRT_MISSING) == 0 ? HOST_LIBVIRT_MISSING_HINT : NULL, "target: %s: %s",
			    domain, err);
	} else if ((*vms)[0].error) {
		vb_err_hint((*vms)[0].error_hint, "target: %s: %s", domain, (*vms)[0].error);
	} else {
		return lv;
	}
	free(err);
	host_libvirt_close_domain(lv, *t, *vms, *n);
	*t = NULL;
	*vms = NULL;
	*n = 0;
	return NULL;
}

void host_libvirt_close_domain(struct host_libvirt *lv, struct host_target *t, struct host_vm *vms, size_t n)
{
	host_libvirt_close(lv);
	for (size_t i = 0; i < n; i++)
		host_vm_free(&vms[i]);
	free(vms);
	host_targets_free(t, n);
}
