/* The domain XML scan behind status --libvirt (host/libvirt_xml.c): libvirt's
 * own layout, and XML that only looks like a balloon. */
#include "host/libvirt_xml.h"
#include "tap.h"

#include <string.h>

static void parse(const char *xml, struct lv_balloon_xml *b)
{
	lv_balloon_xml_parse(xml, strlen(xml), b);
}

int main(void)
{
	struct lv_balloon_xml b;
	/* As libvirt 9.0 writes a running domain (virsh dumpxml). */
	parse("<domain type='qemu' id='1'>\n  <name>a</name>\n  <memory unit='KiB'>262144</memory>\n"
	      "  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	      "    <memballoon model='virtio' autodeflate='on' freePageReporting='on'>\n"
	      "      <stats period='5'/>\n      <alias name='balloon0'/>\n"
	      "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
	      "    </memballoon>\n  </devices>\n</domain>\n",
	      &b);
	ok(b.devices_found && b.present, "libvirt's memballoon is found");
	ok(b.model && strcmp(b.model, "virtio") == 0, "model virtio");
	ok(b.autodeflate == 1 && b.free_page_reporting == 1, "autodeflate and freePageReporting on");
	ok(b.period.known && b.period.v == 5, "stats period 5");
	ok(b.alias && strcmp(b.alias, "balloon0") == 0, "alias balloon0");
	ok(b.address_type && strcmp(b.address_type, "pci") == 0, "address type pci");
	ok(!b.memory_devices, "no memory devices");
	lv_balloon_xml_free(&b);

	parse("<domain><devices><memballoon model=\"none\"/></devices></domain>", &b);
	ok(b.present && b.model && strcmp(b.model, "none") == 0, "model none, double quotes, self-closed");
	ok(b.autodeflate == -1 && !b.period.known && !b.alias, "nothing else said");
	lv_balloon_xml_free(&b);

	/* Text that only names a balloon: outside <devices>, or a longer tag name. */
	parse("<domain><description>&lt;memballoon model='virtio'/&gt;</description>"
	      "<metadata><x:memballoon model='virtio'/></metadata>"
	      "<devices><memballoonx model='virtio'/><memory model='dimm'><target><size>1</size></target></memory>"
	      "</devices><memballoon model='virtio'/></domain>",
	      &b);
	ok(b.devices_found && !b.present, "no memballoon inside <devices>: none");
	ok(b.memory_devices, "<memory model=...> in <devices> is a memory device");
	lv_balloon_xml_free(&b);

	/* Truncated or broken: nothing read past the end, nothing invented. */
	const char *bad[] = { "<domain><devices><memballoon model='virt", "<domain><devices><memballoon",
			      "<devices", "<devices/>", "", "<domain><devices><memballoon model=virtio>",
			      "<devices><memballoon model=virtio alias='x'></devices>",
			      "<devices><memballoon model='virtio></devices>" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i], &b);
		ok(!b.model && !b.alias, "broken XML %zu: no values", i);
		lv_balloon_xml_free(&b);
	}
	parse("<domain><devices><memballoon model='virtio'><stats period='99999999999999999999'/>"
	      "</memballoon></devices></domain>",
	      &b);
	ok(b.present && !b.period.known, "a period that overflows is unknown");
	lv_balloon_xml_free(&b);
	lv_balloon_xml_parse(NULL, 0, &b);
	ok(!b.devices_found, "no XML at all");
	return tap_done();
}
