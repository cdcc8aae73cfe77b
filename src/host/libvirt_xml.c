/* A bounded scan of libvirt's domain XML for the memballoon element. libvirt
 * writes it as <memballoon model='virtio' autodeflate='on'
 * freePageReporting='on'> with <stats period='10'/>, <alias name='balloon0'/>
 * and <address type='pci' .../> inside (docs: formatdomain.html#memory-balloon-device).
 * Only <devices> is searched, so text in <description> or <metadata> (where a
 * literal '<' is escaped anyway) cannot pose as a device. */
#include "host/libvirt_xml.h"
#include "base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct span {
	const char *p, *end;
};

/* The first "<name" in s that is a whole tag name (followed by a space, '/'
 * or '>'), or NULL. */
static const char *find_tag(struct span s, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = s.p; p && p + n + 1 < s.end; p++) {
		p = memchr(p, '<', (size_t)(s.end - p));
		if (!p || p + n + 1 >= s.end)
			return NULL;
		if (memcmp(p + 1, name, n) == 0 && strchr(" \t\r\n/>", p[1 + n]))
			return p;
	}
	return NULL;
}

/* The attribute name=... of the tag starting at tag (up to its '>'), as a
 * span of its value without the quotes; false when absent. */
static bool attr(struct span s, const char *tag, const char *name, struct span *val)
{
	size_t n = strlen(name);
	const char *p = tag + 1;
	while (p < s.end && !strchr(" \t\r\n/>", *p)) /* the tag's name */
		p++;
	while (p < s.end && *p != '>') {
		while (p < s.end && strchr(" \t\r\n/", *p))
			p++;
		if (p >= s.end || *p == '>')
			break;
		const char *an = p;
		while (p < s.end && *p != '=' && !strchr(" \t\r\n/>", *p))
			p++;
		size_t alen = (size_t)(p - an);
		while (p < s.end && strchr(" \t\r\n", *p))
			p++;
		if (p >= s.end || *p != '=')
			continue; /* a name without a value: not XML libvirt writes */
		p++;
		while (p < s.end && strchr(" \t\r\n", *p))
			p++;
		if (p >= s.end || (*p != '\'' && *p != '"'))
			return false;
		char q = *p++;
		const char *v = p, *ve = memchr(p, q, (size_t)(s.end - p));
		if (!ve)
			return false;
		if (alen == n && memcmp(an, name, n) == 0) {
			*val = (struct span){ v, ve };
			return true;
		}
		p = ve + 1;
	}
	return false;
}

static bool span_is(struct span v, const char *s)
{
	return (size_t)(v.end - v.p) == strlen(s) && memcmp(v.p, s, strlen(s)) == 0;
}

static char *attr_dup(struct span s, const char *tag, const char *name)
{
	struct span v;
	return tag && attr(s, tag, name, &v) ? xstrndup_printable(v.p, (size_t)(v.end - v.p)) : NULL;
}

static int attr_onoff(struct span s, const char *tag, const char *name)
{
	struct span v;
	if (!attr(s, tag, name, &v))
		return -1;
	return span_is(v, "on") ? 1 : span_is(v, "off") ? 0 : -1;
}

/* The text between <devices> and </devices>. */
static bool devices(const char *xml, size_t len, struct span *out)
{
	struct span all = { xml, xml + len };
	const char *open = find_tag(all, "devices");
	if (!open)
		return false;
	const char *gt = memchr(open, '>', (size_t)(all.end - open));
	if (!gt || gt[-1] == '/')
		return false;
	const char *close = NULL;
	for (const char *p = gt; p && p < all.end; p++) {
		p = memchr(p, '<', (size_t)(all.end - p));
		if (!p)
			break;
		if ((size_t)(all.end - p) >= 10 && memcmp(p, "</devices>", 10) == 0) {
			close = p;
			break;
		}
	}
	if (!close)
		return false;
	*out = (struct span){ gt + 1, close };
	return true;
}

void lv_balloon_xml_parse(const char *xml, size_t len, struct lv_balloon_xml *b)
{
	memset(b, 0, sizeof(*b));
	b->autodeflate = b->free_page_reporting = -1;
	struct span dev;
	if (!xml || !devices(xml, len, &dev))
		return;
	b->devices_found = true;
	/* <memory model='dimm'> and friends; the domain's own <memory> is outside <devices>. */
	for (const char *m = find_tag(dev, "memory"); m; m = find_tag((struct span){ m + 1, dev.end }, "memory")) {
		struct span v;
		if (attr(dev, m, "model", &v))
			b->memory_devices = true;
	}
	const char *mb = find_tag(dev, "memballoon");
	if (!mb)
		return;
	b->present = true;
	b->model = attr_dup(dev, mb, "model");
	b->autodeflate = attr_onoff(dev, mb, "autodeflate");
	b->free_page_reporting = attr_onoff(dev, mb, "freePageReporting");
	const char *gt = memchr(mb, '>', (size_t)(dev.end - mb));
	if (!gt || gt[-1] == '/')
		return; /* <memballoon .../>: nothing inside */
	struct span body = { gt + 1, dev.end };
	const char *close = find_tag(body, "/memballoon");
	if (close)
		body.end = close;
	const char *st = find_tag(body, "stats"), *al = find_tag(body, "alias"), *ad = find_tag(body, "address");
	struct span v;
	uint64_t period;
	if (st && attr(body, st, "period", &v) && parse_u64(v.p, (size_t)(v.end - v.p), 10, &period))
		b->period = opt_u64(period);
	b->alias = attr_dup(body, al, "name");
	b->address_type = attr_dup(body, ad, "type");
}

void lv_balloon_xml_free(struct lv_balloon_xml *b)
{
	free(b->model);
	free(b->alias);
	free(b->address_type);
	memset(b, 0, sizeof(*b));
}

/* The content of the element whose start tag is at tag: from after its '>'
 * to the next '<' (a number's text has no markup); false for <x/>. */
static bool text_of(struct span s, const char *tag, struct span *out)
{
	const char *gt = memchr(tag, '>', (size_t)(s.end - tag));
	if (!gt || gt[-1] == '/')
		return false;
	const char *lt = memchr(gt + 1, '<', (size_t)(s.end - gt - 1));
	if (!lt)
		return false;
	*out = (struct span){ gt + 1, lt };
	return true;
}

/* The units libvirt's virScaleInteger takes for memory (no unit: KiB). */
static bool unit_scale(struct span s, const char *tag, uint64_t *scale)
{
	static const struct {
		const char *name;
		uint64_t scale;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 }, { "KB", 1000 }, { "k", 1024 }, { "K", 1024 }, { "KiB", 1024 },
		{ "MB", 1000000 }, { "M", 1 << 20 }, { "MiB", 1 << 20 }, { "GB", 1000000000 },
		{ "G", 1 << 30 }, { "GiB", 1 << 30 }, { "TB", UINT64_C(1000000000000) },
		{ "T", UINT64_C(1) << 40 }, { "TiB", UINT64_C(1) << 40 },
	};
	struct span u;
	if (!attr(s, tag, "unit", &u)) {
		*scale = 1024;
		return true;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (span_is(u, units[i].name)) {
			*scale = units[i].scale;
			return true;
		}
	return false;
}

/* <name unit='...'>N</name> inside body, in bytes (scaled) or as is. */
static struct opt_u64 number(struct span body, const char *name, bool scaled)
{
	const char *t = find_tag(body, name);
	struct span v;
	uint64_t n, scale = 1, bytes;
	if (!t || !text_of(body, t, &v) || !parse_u64(v.p, (size_t)(v.end - v.p), 10, &n))
		return OPT_U64_UNKNOWN;
	if (scaled && (!unit_scale(body, t, &scale) || !mul_u64(n, scale, &bytes)))
		return OPT_U64_UNKNOWN;
	return opt_u64(scaled ? bytes : n);
}

/* The next <memory model='virtio-mem'>...</memory> at or after from, as
 * its whole span (start tag to the end of </memory>). */
static bool next_vmem(struct span dev, const char *from, struct span *elem)
{
	for (const char *m = find_tag((struct span){ from, dev.end }, "memory"); m;
	     m = find_tag((struct span){ m + 1, dev.end }, "memory")) {
		struct span v;
		if (!attr(dev, m, "model", &v) || !span_is(v, "virtio-mem"))
			continue;
		const char *gt = memchr(m, '>', (size_t)(dev.end - m));
		if (!gt)
			return false;
		if (gt[-1] == '/') { /* <memory .../>: nothing inside, not another device's end */
			*elem = (struct span){ m, gt + 1 };
			return true;
		}
		const char *close = find_tag((struct span){ m + 1, dev.end }, "/memory");
		if (!close)
			return false;
		*elem = (struct span){ m, close + strlen("</memory>") <= dev.end ? close + strlen("</memory>") : dev.end };
		return true;
	}
	return false;
}

/* The span between <target> and </target> of a device element. */
static bool target_body(struct span elem, struct span *body)
{
	const char *t = find_tag(elem, "target");
	const char *gt = t ? memchr(t, '>', (size_t)(elem.end - t)) : NULL;
	if (!gt || gt[-1] == '/')
		return false;
	const char *close = find_tag((struct span){ gt, elem.end }, "/target");
	*body = (struct span){ gt + 1, close ? close : elem.end };
	return true;
}

size_t lv_vmem_xml_parse(const char *xml, size_t len, struct lv_vmem_xml **out)
{
	*out = NULL;
	struct span dev, elem;
	size_t n = 0, cap = 0;
	if (!xml || !devices(xml, len, &dev))
		return 0;
	for (const char *from = dev.p; next_vmem(dev, from, &elem); from = elem.end) {
		struct lv_vmem_xml v = { 0 };
		struct span body;
		if (target_body(elem, &body)) {
			v.size = number(body, "size", true);
			v.node = number(body, "node", false);
			v.block = number(body, "block", true);
			v.requested = number(body, "requested", true);
			v.current = number(body, "current", true);
		}
		/* the alias after </target>: <target> holds no <alias> */
		v.alias = attr_dup(elem, find_tag(elem, "alias"), "name");
		*out = xgrow(*out, &cap, n + 1, sizeof(**out));
		(*out)[n++] = v;
	}
	return n;
}

void lv_vmem_xml_free(struct lv_vmem_xml *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].alias);
	free(v);
}

char *lv_vmem_xml_with_requested(const char *xml, size_t len, const char *alias, uint64_t kib)
{
	struct span dev, elem, body, a;
	if (!xml || !devices(xml, len, &dev))
		return NULL;
	for (const char *from = dev.p; next_vmem(dev, from, &elem); from = elem.end) {
		const char *al = find_tag(elem, "alias");
		if (!al || !attr(elem, al, "name", &a) || !span_is(a, alias) || !target_body(elem, &body))
			continue;
		const char *rq = find_tag(body, "requested");
		const char *rq_close = rq ? find_tag((struct span){ rq, body.end }, "/requested") : NULL;
		const char *rq_end = rq_close ? memchr(rq_close, '>', (size_t)(body.end - rq_close)) : NULL;
		if (!rq_end || elem.end - elem.p > INT_MAX)
			return NULL;
		/* the element as libvirt wrote it, only <requested> replaced */
		return xasprintf("%.*s<requested unit='KiB'>%llu</requested>%.*s", (int)(rq - elem.p), elem.p,
				 (unsigned long long)kib, (int)(elem.end - rq_end - 1), rq_end + 1);
	}
	return NULL;
}
