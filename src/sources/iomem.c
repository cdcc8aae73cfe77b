/* /proc/iomem (kernel/resource.c r_show): one resource a line,
 * "%*s%0*llx-%0*llx : %s" with depth * 2 spaces of indent (depth at most
 * MAX_IORES_LEVEL = 5), start and end inclusive, lowercase hex of at least 8
 * digits. Read are: top-level "System RAM"; every "System RAM ($DRIVER)",
 * the only name add_memory_driver_managed() accepts (mm/memory_hotplug.c);
 * and top-level "virtioN" resources, the address range virtio-mem requests
 * for its device (drivers/virtio/virtio_mem.c virtio_mem_create_resource,
 * named after the device) with its plugged "System RAM (virtio_mem)" below.
 * Without CAP_SYS_ADMIN the kernel prints start = end = 0 on every line:
 * then ranges are counted and no size is made up. */
#include "sources/iomem.h"
#include "base/parse.h"

#include <stdio.h>
#include <string.h>

#define IOMEM_DEPTH_MAX 5

struct iomem_line {
	unsigned depth;
	uint64_t start, end;
	const char *name;
	size_t namelen;
};

/* Lowercase hex digits only (no 0x, no sign), at most 16 of them. */
static bool hex_span(const char *s, size_t n, uint64_t *out)
{
	if (!n || n > 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return parse_u64(s, n, 16, out);
}

static bool parse_line(const char *s, size_t n, struct iomem_line *l)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i % 2 || i / 2 > IOMEM_DEPTH_MAX)
		return false;
	l->depth = (unsigned)(i / 2);
	const char *dash = memchr(s + i, '-', n - i);
	if (!dash || !hex_span(s + i, (size_t)(dash - (s + i)), &l->start))
		return false;
	const char *e = dash + 1, *end = s + n;
	const char *sep = NULL;
	for (const char *p = e; p + 3 <= end; p++)
		if (p[0] == ' ' && p[1] == ':' && p[2] == ' ') {
			sep = p;
			break;
		}
	if (!sep || !hex_span(e, (size_t)(sep - e), &l->end) || l->end < l->start)
		return false;
	l->name = sep + 3;
	l->namelen = (size_t)(end - l->name);
	return l->namelen > 0 && !memchr(l->name, '\0', l->namelen);
}

static bool name_is(const struct iomem_line *l, const char *lit)
{
	return l->namelen == strlen(lit) && memcmp(l->name, lit, l->namelen) == 0;
}

/* "System RAM (DRIVER)": DRIVER into *drv; a driver name is a C identifier
 * or a module name: letters, digits, '_', '-', '.'. */
static bool driver_managed(const struct iomem_line *l, const char **drv, size_t *dlen)
{
	static const char pre[] = "System RAM (";
	size_t pl = sizeof(pre) - 1;
	if (l->namelen <= pl + 1 || memcmp(l->name, pre, pl) != 0 || l->name[l->namelen - 1] != ')')
		return false;
	*drv = l->name + pl;
	*dlen = l->namelen - pl - 1;
	if (*dlen >= sizeof(((struct iomem_driver *)0)->name))
		return false;
	for (size_t i = 0; i < *dlen; i++) {
		char c = (*drv)[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* "virtio" and decimal digits: a virtio device's name */
static bool virtio_name(const struct iomem_line *l)
{
	if (l->namelen <= 6 || l->namelen >= sizeof(((struct iomem_region *)0)->name) ||
	    memcmp(l->name, "virtio", 6) != 0)
		return false;
	for (size_t i = 6; i < l->namelen; i++)
		if (l->name[i] < '0' || l->name[i] > '9')
			return false;
	return true;
}

/* v += n, or unknown for good once it would overflow (only a forged file) */
static void add_size(struct opt_u64 *v, uint64_t n, bool *overflow)
{
	if (!v->known)
		return;
	uint64_t s;
	if (add_u64(v->v, n, &s))
		v->v = s;
	else {
		*v = OPT_U64_UNKNOWN;
		*overflow = true;
	}
}

static struct iomem_driver *driver_slot(struct iomem *m, const char *name, size_t n)
{
	for (unsigned i = 0; i < m->ndrivers; i++)
		if (strlen(m->drivers[i].name) == n && memcmp(m->drivers[i].name, name, n) == 0)
			return &m->drivers[i];
	if (m->ndrivers >= IOMEM_DRIVERS_MAX)
		return NULL;
	struct iomem_driver *d = &m->drivers[m->ndrivers++];
	snprintf(d->name, sizeof(d->name), "%.*s", (int)n, name);
	d->bytes = opt_u64(0);
	return d;
}

unsigned iomem_parse(const char *buf, size_t len, struct iomem *m)
{
	enum src_status st = m->status;
	memset(m, 0, sizeof(*m));
	m->status = st;
	struct line_iter it;
	const char *s;
	size_t n;
	struct iomem_line l;
	/* first pass: does any line show a real address? */
	bool any_address = false, any_range = false;
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &s, &n))
		if (parse_line(s, n, &l)) {
			any_range = true;
			any_address |= l.start || l.end;
		}
	m->addresses_hidden = any_range && !any_address;
	bool sized = !m->addresses_hidden, overflow = false;
	if (sized)
		m->system_ram_bytes = opt_u64(0);
	unsigned bad = 0;
	struct iomem_region *parent = NULL; /* the top-level virtioN the lines below belong to */
	line_iter_init(&it, buf, len);
	while (line_iter_next(&it, &s, &n)) {
		if (!n)
			continue;
		if (!parse_line(s, n, &l) || (sized && !l.start && !l.end)) {
			bad++; /* a 0-0 range among real addresses is not the kernel's */
			continue;
		}
		uint64_t size = l.end - l.start; /* inclusive end: + 1 below, checked */
		if (sized && !add_u64(size, 1, &size)) {
			bad++;
			continue;
		}
		if (l.depth == 0) {
			parent = NULL;
			if (name_is(&l, "System RAM")) {
				m->system_ram_ranges++;
				if (sized)
					add_size(&m->system_ram_bytes, size, &overflow);
			} else if (virtio_name(&l) && m->nregions < IOMEM_REGIONS_MAX) {
				parent = &m->regions[m->nregions++];
				snprintf(parent->name, sizeof(parent->name), "%.*s", (int)l.namelen, l.name);
				if (sized) {
					parent->region_bytes = opt_u64(size);
					parent->plugged_bytes = opt_u64(0);
				}
			}
		}
		const char *drv;
		size_t dlen;
		if (!driver_managed(&l, &drv, &dlen))
			continue;
		struct iomem_driver *d = driver_slot(m, drv, dlen);
		if (!d) {
			bad++; /* more drivers than any kernel has */
			continue;
		}
		d->ranges++;
		if (!sized)
			d->bytes = OPT_U64_UNKNOWN;
		else
			add_size(&d->bytes, size, &overflow);
		/* virtio-mem's memory inside its device's range */
		if (parent && l.depth == 1 && dlen == 10 && memcmp(drv, "virtio_mem", 10) == 0) {
			parent->ranges++;
			if (sized)
				add_size(&parent->plugged_bytes, size, &overflow);
		}
	}
	if (overflow)
		bad++;
	m->bad_lines = bad;
	return bad;
}
