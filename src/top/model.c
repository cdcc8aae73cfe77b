/* top's model: one report per refresh, and what the series of them shows. */
#include "top/model.h"
#include "collector/collector.h"
#include "views/views.h"
#include "base/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct top_series_info top_series_info[TS_COUNT] = {
	[TS_BALLOON_KB] = { "balloon", "balloon_kb", true },
	[TS_AVAILABLE_KB] = { "MemAvailable", "mem_available_kb", true },
	[TS_INFLATE_PS] = { "inflate pg/s", "inflate_pages_per_s", false },
	[TS_DEFLATE_PS] = { "deflate pg/s", "deflate_pages_per_s", false },
	[TS_SWAPIN_PS] = { "swap in pg/s", "swap_in_pages_per_s", false },
	[TS_SWAPOUT_PS] = { "swap out pg/s", "swap_out_pages_per_s", false },
	[TS_MAJFAULT_PS] = { "major flt/s", "major_faults_per_s", false },
	[TS_PSI_SOME] = { "PSI some %", "psi_some_avg10", false },
	[TS_PSI_FULL] = { "PSI full %", "psi_full_avg10", false },
};

const char *top_event_kind_name(enum top_event_kind k)
{
	switch (k) {
	case TE_STARTED:
		return "started";
	case TE_BALLOON_GREW:
		return "balloon_grew";
	case TE_BALLOON_SHRANK:
		return "balloon_shrank";
	case TE_DEVICE_ADDED:
		return "device_added";
	case TE_DEVICE_REMOVED:
		return "device_removed";
	case TE_DRIVER_CHANGED:
		return "driver_changed";
	case TE_OOM_KILL:
		return "oom_kill";
	}
	return "unknown";
}

double top_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void top_clock(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "--:--:--");
}

void top_model_init(struct top_model *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t s = 0; s < TS_COUNT; s++)
		m->rate[s] = NAN;
}

static void free_dev_keys(struct top_model *m)
{
	for (size_t i = 0; i < m->ndev_keys; i++)
		free(m->dev_keys[i]);
	free(m->dev_keys);
	m->dev_keys = NULL;
	m->ndev_keys = 0;
}

void top_model_free(struct top_model *m)
{
	if (m->have_report)
		report_free(&m->r);
	m->have_report = false;
	free_dev_keys(m);
}

static void printable(char *p)
{
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

void top_event_set_verdict(struct top_event *e, const char *code, const char *summary)
{
	snprintf(e->verdict_code, sizeof(e->verdict_code), "%s", code);
	snprintf(e->verdict, sizeof(e->verdict), "%s", summary);
	printable(e->verdict_code);
	printable(e->verdict);
}

struct top_event *top_model_add_event(struct top_model *m, enum top_event_kind kind, const char *when,
				      const char *fmt, ...)
{
	size_t slot = (m->ev_head + m->ev_len) % TOP_EVENTS;
	if (m->ev_len == TOP_EVENTS)
		m->ev_head = (m->ev_head + 1) % TOP_EVENTS;
	else
		m->ev_len++;
	struct top_event *e = &m->events[slot];
	e->kind = kind;
	if (when)
		snprintf(e->when, sizeof(e->when), "%s", when);
	else
		top_clock(e->when, sizeof(e->when));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	/* the text may carry names read from the system: keep it printable */
	printable(e->text);
	e->verdict_code[0] = e->verdict[0] = '\0';
	m->events_seen++;
	return e;
}

const struct top_event *top_model_event(const struct top_model *m, size_t i)
{
	if (i >= m->ev_len)
		return NULL;
	return &m->events[(m->ev_head + m->ev_len - 1 - i) % TOP_EVENTS];
}

double top_model_history(const struct top_model *m, enum top_series s, size_t back)
{
	if (back >= m->hist_len)
		return NAN;
	return m->hist[s][(m->hist_head + TOP_HISTORY - 1 - back) % TOP_HISTORY];
}

bool top_has_vmw(const struct balloon_report *r)
{
	return r->vmw_driver || r->dvmw.status == SRC_OK;
}

bool top_has_hv(const struct balloon_report *r)
{
	return r->hv_driver || r->dhv.status == SRC_OK;
}

size_t top_balloon_count(const struct balloon_report *r)
{
	return r->ndevices + (top_has_vmw(r) ? 1 : 0) + (top_has_hv(r) ? 1 : 0);
}

struct opt_u64 top_model_target_kb(const struct balloon_report *r)
{
	if (r->dvirtio_module.target_kb.known)
		return r->dvirtio_module.target_kb;
	if (r->dvirtio.target_kb.known)
		return r->dvirtio.target_kb;
	uint64_t kb;
	if (r->dvmw.target_pages.known && mul_u64(r->dvmw.target_pages.v, 4, &kb))
		return opt_u64(kb); /* vmmemctl counts 4 KiB frames */
	return OPT_U64_UNKNOWN;
}

static double opt_d(struct opt_u64 v)
{
	return v.known ? (double)v.v : NAN;
}

/* A counter's rate per second; unknown when either end is, or it went back. */
static double rate_of(struct opt_u64 now, struct opt_u64 before, double dt)
{
	if (!now.known || !before.known || now.v < before.v || !(dt > 0))
		return NAN;
	return (double)(now.v - before.v) / dt;
}

static uint64_t sub_floor(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static void compute_ram(struct top_model *m)
{
	const struct balloon_report *r = &m->r;
	struct top_ram *ram = &m->ram;
	memset(ram, 0, sizeof(*ram));
	if (!r->mem.mem_total_kb.known || !r->mem.mem_free_kb.known)
		return;
	ram->known = true;
	/* MemTotal with the balloon added back when the kernel took it out: the
	 * bar splits what MemTotal accounts for (ram_kb, the VM's memory, also
	 * holds the kernel's own reservations, which no meminfo line splits) */
	ram->total = r->balloon.derived_ram_kb.known ? r->balloon.derived_ram_kb.v : r->mem.mem_total_kb.v;
	ram->balloon = r->balloon.size_kb.known ? r->balloon.size_kb.v : 0;
	ram->cache = (r->mem.buffers_kb.known ? r->mem.buffers_kb.v : 0) + (r->mem.cached_kb.known ? r->mem.cached_kb.v : 0);
	ram->free = r->mem.mem_free_kb.v;
	if (ram->balloon > ram->total)
		ram->balloon = ram->total;
	if (ram->free > ram->total - ram->balloon)
		ram->free = ram->total - ram->balloon;
	if (ram->cache > ram->total - ram->balloon - ram->free)
		ram->cache = ram->total - ram->balloon - ram->free;
	ram->used = sub_floor(ram->total, ram->free + ram->cache + ram->balloon);
}

static char *dev_key(const struct virtio_device *d)
{
	return xasprintf("%s %s", d->name ? d->name : "?", d->driver ? d->driver : "(none)");
}

static bool has_name(char **keys, size_t n, const char *name, const char **key)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (strncmp(keys[i], name, len) == 0 && keys[i][len] == ' ') {
			if (key)
				*key = keys[i];
			return true;
		}
	return false;
}

/* Device and driver changes, seen as differences between two samples.
 * vmw_balloon and hv_balloon count as devices named after their driver. */
static void diff_devices(struct top_model *m, bool first)
{
	const struct balloon_report *r = &m->r;
	size_t nkeys = top_balloon_count(r);
	char **keys = xcalloc(nkeys ? nkeys : 1, sizeof(char *));
	for (size_t i = 0; i < r->ndevices; i++)
		keys[i] = dev_key(&r->devices[i]);
	size_t k = r->ndevices;
	if (top_has_vmw(r))
		keys[k++] = xstrdup("vmw_balloon vmw_balloon");
	if (top_has_hv(r))
		keys[k++] = xstrdup("hv_balloon hv_balloon");
	if (!first) {
		if (top_has_vmw(r) && !has_name(m->dev_keys, m->ndev_keys, "vmw_balloon", NULL))
			top_model_add_event(m, TE_DEVICE_ADDED, NULL, "balloon device vmw_balloon added (driver vmw_balloon)");
		if (top_has_hv(r) && !has_name(m->dev_keys, m->ndev_keys, "hv_balloon", NULL))
			top_model_add_event(m, TE_DEVICE_ADDED, NULL, "balloon device hv_balloon added (driver hv_balloon)");
		for (size_t i = 0; i < r->ndevices; i++) {
			const char *old;
			const char *name = r->devices[i].name ? r->devices[i].name : "?";
			if (!has_name(m->dev_keys, m->ndev_keys, name, &old))
				top_model_add_event(m, TE_DEVICE_ADDED, NULL, "balloon device %s added (driver %s)", name,
						    r->devices[i].driver ? r->devices[i].driver : "none");
			else if (strcmp(old, keys[i]) != 0)
				top_model_add_event(m, TE_DRIVER_CHANGED, NULL, "%s: driver now %s", name,
						    r->devices[i].driver ? r->devices[i].driver : "none (unbound)");
		}
		for (size_t i = 0; i < m->ndev_keys; i++) {
			char *sp = strchr(m->dev_keys[i], ' ');
			char *name = xstrndup(m->dev_keys[i], sp ? (size_t)(sp - m->dev_keys[i]) : strlen(m->dev_keys[i]));
			if (!has_name(keys, nkeys, name, NULL))
				top_model_add_event(m, TE_DEVICE_REMOVED, NULL, "balloon device %s removed", name);
			free(name);
		}
	}
	free_dev_keys(m);
	m->dev_keys = keys;
	m->ndev_keys = nkeys;
}

static void size_event(struct top_model *m, bool first)
{
	struct opt_u64 now = m->r.balloon.size_kb;
	char a[32], b[32];
	if (first) {
		const char *drv = NULL;
		if (m->r.ndevices)
			drv = m->r.devices[0].driver;
		else if (top_has_vmw(&m->r))
			drv = "vmw_balloon";
		else if (top_has_hv(&m->r))
			drv = "hv_balloon";
		size_t n = top_balloon_count(&m->r);
		if (now.known)
			top_model_add_event(m, TE_STARTED, NULL, "watching: %zu balloon device(s)%s%s, balloon %s", n,
					    drv ? ", driver " : "", drv ? drv : "", fmt_kb(a, sizeof(a), now.v));
		else
			top_model_add_event(m, TE_STARTED, NULL, "watching: %zu balloon device(s), balloon size unknown",
					    n);
	} else if (now.known && m->prev_size_kb.known && now.v != m->prev_size_kb.v) {
		bool grew = now.v > m->prev_size_kb.v;
		uint64_t d = grew ? now.v - m->prev_size_kb.v : m->prev_size_kb.v - now.v;
		top_model_add_event(m, grew ? TE_BALLOON_GREW : TE_BALLOON_SHRANK, NULL, "balloon %s by %s, now %s",
				    grew ? "grew" : "shrank", fmt_kb(a, sizeof(a), d), fmt_kb(b, sizeof(b), now.v));
	}
	m->prev_size_kb = now;
}

void top_model_sample(struct top_model *m)
{
	bool first = !m->have_report;
	double now = top_now();
	if (m->have_report && !m->rescan && !m->always_rescan) {
		report_refresh(&m->r);
		/* the uptime goes on with the clock: no need to read it */
		if (m->uptime_base_s.known)
			m->r.sys.uptime_s = opt_u64(m->uptime_base_s.v + (uint64_t)(now - m->uptime_base_time));
	} else {
		if (m->have_report)
			report_free(&m->r);
		struct collect_options opt = { .read_klog = false };
		report_collect(&m->r, &opt);
		m->have_report = true;
		m->rescan = false;
		m->uptime_base_s = m->r.sys.uptime_s;
		m->uptime_base_time = now;
	}
	double dt = now - m->sample_time;
	const struct vmstat *vm = &m->r.vm;
	struct top_counters c = { vm->balloon_inflate, vm->balloon_deflate, vm->pswpin, vm->pswpout, vm->pgmajfault };
	double v[TS_COUNT];
	v[TS_BALLOON_KB] = opt_d(m->r.balloon.size_kb);
	v[TS_AVAILABLE_KB] = opt_d(m->r.mem.mem_available_kb);
	if (first) {
		for (size_t s = TS_INFLATE_PS; s <= TS_MAJFAULT_PS; s++)
			v[s] = NAN;
	} else {
		v[TS_INFLATE_PS] = rate_of(c.inflate, m->prev.inflate, dt);
		v[TS_DEFLATE_PS] = rate_of(c.deflate, m->prev.deflate, dt);
		v[TS_SWAPIN_PS] = rate_of(c.pswpin, m->prev.pswpin, dt);
		v[TS_SWAPOUT_PS] = rate_of(c.pswpout, m->prev.pswpout, dt);
		v[TS_MAJFAULT_PS] = rate_of(c.pgmajfault, m->prev.pgmajfault, dt);
	}
	bool psi = m->r.psi.status == SRC_OK;
	v[TS_PSI_SOME] = psi && m->r.psi.some.known ? m->r.psi.some.avg10 : NAN;
	v[TS_PSI_FULL] = psi && m->r.psi.full.known ? m->r.psi.full.avg10 : NAN;
	for (size_t s = 0; s < TS_COUNT; s++) {
		m->rate[s] = v[s];
		m->hist[s][m->hist_head] = v[s];
	}
	m->hist_head = (m->hist_head + 1) % TOP_HISTORY;
	if (m->hist_len < TOP_HISTORY)
		m->hist_len++;
	m->prev = c;
	m->sample_time = now;
	m->samples++;
	compute_ram(m);
	diff_devices(m, first);
	size_event(m, first);
}
