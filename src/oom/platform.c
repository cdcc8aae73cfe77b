/* The kernel and machine an OOM report came from: the kernel release and
 * taint from the dump_stack() header line, the "Hardware name:" line, and
 * the page size, read from the report's own numbers rather than assumed. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* Taint flag letters (print_tainted()) are letters and blanks only. */
static bool taint_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z')))
			return false;
	return true;
}

/* "CPU: 3 PID: 123 Comm: x Not tainted 5.15.0-91-generic #1",
 * "CPU: 0 UID: 0 PID: 1 Comm: x Tainted: G        W  O       6.11.0 #1",
 * 2.6.32: "Pid: 123, comm: x Not tainted 2.6.32-754.el6.x86_64 #1". The
 * release is the first word after the taint part that starts with a digit. */
void on_cpu_line(struct oom_event *e, const char *s, size_t n)
{
	const char *end = s + n, *q;
	bool tainted;
	if ((q = find(s, n, " Not tainted "))) {
		tainted = false;
		q += strlen(" Not tainted ");
	} else if ((q = find(s, n, " Tainted: "))) {
		tainted = true;
		q += strlen(" Tainted: ");
	} else {
		return;
	}
	char flags[sizeof(e->plat.taint)];
	size_t nf = 0;
	while (q < end) {
		const char *w;
		size_t wl = next_word(&q, end, &w);
		if (!wl)
			return;
		if (is_digit(w[0])) {
			copy_text(e->plat.kernel, sizeof(e->plat.kernel), w, wl);
			e->plat.tainted = tainted ? 2 : 1;
			memcpy(e->plat.taint, flags, nf);
			e->plat.taint[nf] = '\0';
			return;
		}
		if (!tainted || !taint_word(w, wl))
			return; /* not the shape of a dump_stack header */
		for (size_t i = 0; i < wl && nf + 1 < sizeof(flags); i++)
			flags[nf++] = w[i];
	}
}

/* "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS ..." */
void on_hardware_line(struct oom_event *e, const char *s, size_t n)
{
	const char *q = find(s, n, "Hardware name:");
	if (!q)
		return;
	q += strlen("Hardware name:");
	size_t l = (size_t)(s + n - q);
	trim(&q, &l);
	if (l)
		copy_text(e->plat.hardware, sizeof(e->plat.hardware), q, l);
}

bool oom_kernel_version(const struct oom_event *e, unsigned *major, unsigned *minor)
{
	const char *k = e->plat.kernel, *end = k + strlen(k), *q;
	struct opt_u64 a = num_at(k, end, &q);
	if (!a.known || q >= end || *q != '.' || a.v > 99)
		return false;
	struct opt_u64 b = num_at(q + 1, end, NULL);
	if (!b.known || b.v > 999)
		return false;
	*major = (unsigned)a.v;
	*minor = (unsigned)b.v;
	return true;
}

/* Page sizes Linux uses: 4, 8 (sparc64, alpha), 16, 64, 256 KiB. */
static bool page_size_ok(uint64_t kb)
{
	return kb == 4 || kb == 8 || kb == 16 || kb == 32 || kb == 64 || kb == 256;
}

/* kb / pages when it is a page size within 2% (rounding, a zone the
 * dump filtered out); 0 otherwise. */
static uint64_t ratio_page(uint64_t kb, uint64_t pages)
{
	if (!pages || kb < pages)
		return 0;
	for (uint64_t ps = 4; ps <= 256; ps *= 2) {
		uint64_t want;
		if (!mul_u64(pages, ps, &want))
			return 0;
		uint64_t diff = kb > want ? kb - want : want - kb;
		if (diff <= want / 50 && page_size_ok(ps))
			return ps;
	}
	return 0;
}

uint64_t oom_page_kb(const struct oom_event *e, const char **source)
{
	const char *src = "assumed";
	uint64_t kb = 4;
	uint64_t present = 0;
	bool have_present = e->nzones > 0;
	for (unsigned i = 0; i < e->nzones; i++)
		if (!e->zones[i].present_kb.known || !add_u64(present, e->zones[i].present_kb.v, &present))
			have_present = false;
	const struct oom_meminfo *m = &e->mi;
	uint64_t lru_pages = 0, r;
	bool have_lru = m->node_lru_kb.known;
	const struct opt_u64 *lru[] = { &m->active_anon, &m->inactive_anon, &m->active_file, &m->inactive_file,
					&m->unevictable };
	for (size_t i = 0; i < ARRAY_SIZE(lru); i++)
		if (!lru[i]->known || !add_u64(lru_pages, lru[i]->v, &lru_pages))
			have_lru = false;
	if (m->buddy_page_kb.known && page_size_ok(m->buddy_page_kb.v)) {
		kb = m->buddy_page_kb.v;
		src = "buddy_lines";
	} else if (have_present && e->ram_pages.known && (r = ratio_page(present, e->ram_pages.v))) {
		kb = r;
		src = "pages_ram";
	} else if (have_lru && lru_pages >= 256 && (r = ratio_page(m->node_lru_kb.v, lru_pages))) {
		kb = r;
		src = "node_meminfo";
	}
	if (source)
		*source = src;
	return kb;
}

struct opt_u64 oom_request_kb(const struct oom_event *e)
{
	if (!e->inv.order.known || e->inv.order.v < 0 || e->inv.order.v > 20)
		return OPT_U64_UNKNOWN;
	return opt_u64(oom_page_kb(e, NULL) << e->inv.order.v);
}
