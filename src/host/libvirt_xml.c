/* A bounded scan of libvirt's domain XML for the memballoon element. libvirt
 * writes it as <memballoon model='virtio' autodeflate='on'
 * freePageReporting='on'> with <stats period='10'/>, <alias name='balloon0'/>
 * and <address type='pci' .../> inside (docs: formatdomain.html#memory-balloon-device).
 * Only <devices> is searched, so text in <description> or <metadata> (where a
 * literal '<' is escaped anyway) cannot pose as a device. */
#include "host/libvirt_xml.h"
#include "base/util.h"

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
