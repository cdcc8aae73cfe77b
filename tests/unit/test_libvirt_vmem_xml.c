/* The virtio-mem part of the domain XML scan (host/libvirt_xml.c): the
 * element as libvirt 9.0 writes it live (virsh dumpxml of a paused domain
 * of tests/data/libvirt/vmem.xml), units, broken XML, and the <memory>
 * element target --libvirt --virtio-mem sends back. */
#include "host/libvirt_xml.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define KIB UINT64_C(1024)

static const char live[] =
	"<domain type='qemu' id='3'>\n  <maxMemory slots='2' unit='KiB'>4194304</maxMemory>\n"
	"  <memory unit='KiB'>1310720</memory>\n  <devices>\n"
	"    <memballoon model='virtio'>\n      <alias name='balloon0'/>\n    </memballoon>\n"
	"    <memory model='virtio-mem'>\n      <target>\n        <size unit='KiB'>1048576</size>\n"
	"        <node>0</node>\n        <block unit='KiB'>2048</block>\n"
	"        <requested unit='KiB'>524288</requested>\n        <current unit='KiB'>0</current>\n"
	"      </target>\n      <alias name='virtiomem0'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n    </memory>\n"
	"    <memory model='dimm'>\n      <target>\n        <size unit='KiB'>131072</size>\n"
	"        <node>0</node>\n      </target>\n      <alias name='dimm0'/>\n    </memory>\n"
	"  </devices>\n</domain>\n";

int main(void)
{
	struct lv_vmem_xml *v;
	size_t n = lv_vmem_xml_parse(live, strlen(live), &v);
	ok(n == 1, "one virtio-mem device (the dimm is not one): %zu", n);
	ok(n && v[0].alias && strcmp(v[0].alias, "virtiomem0") == 0, "alias virtiomem0");
	ok(n && v[0].size.known && v[0].size.v == 1048576 * KIB, "size 1048576 KiB");
	ok(n && v[0].block.known && v[0].block.v == 2048 * KIB, "block 2048 KiB");
	ok(n && v[0].requested.known && v[0].requested.v == 524288 * KIB, "requested 524288 KiB");
	ok(n && v[0].current.known && v[0].current.v == 0, "current 0 (known, not unknown)");
	ok(n && v[0].node.known && v[0].node.v == 0, "node 0");
	lv_vmem_xml_free(v, n);

	/* The inactive XML has no <current>; other units; no unit is KiB. */
	const char *other = "<domain><devices><memory model='virtio-mem'><target><size unit='GiB'>2</size>"
			    "<block unit='b'>2097152</block><requested>1024</requested></target></memory>"
			    "<memory model=\"virtio-mem\"><target><size unit='furlong'>2</size>"
			    "<requested unit='KiB'>99999999999999999999</requested></target>"
			    "<alias name='virtiomem1'/></memory></devices></domain>";
	n = lv_vmem_xml_parse(other, strlen(other), &v);
	ok(n == 2, "two devices: %zu", n);
	ok(n == 2 && v[0].size.v == 2 * KIB * KIB * KIB && v[0].block.v == 2097152 && v[0].requested.v == 1024 * KIB,
	   "GiB, bytes, and no unit (KiB)");
	ok(n == 2 && !v[0].current.known && !v[0].node.known && !v[0].alias, "no <current>, <node>, <alias>: unknown");
	ok(n == 2 && !v[1].size.known && !v[1].requested.known, "an unknown unit and an overflow: unknown");
	ok(n == 2 && v[1].alias && strcmp(v[1].alias, "virtiomem1") == 0, "double quotes");
	lv_vmem_xml_free(v, n);

	/* Outside <devices>, broken, truncated: nothing invented. */
	const char *bad[] = { "<domain><metadata><memory model='virtio-mem'><target><size>1</size></target></memory>"
			      "</metadata><devices/></domain>",
			      "<domain><devices><memory model='virtio-mem'><target><size unit='KiB'>1",
			      "<domain><devices><memory model='virtio-mem'><target><size>1</size></target></devices>",
			      "<domain><devices><memory model='virtio-mem", "",
			      "<domain><devices><memory model='virtio-mem'/><memory model='dimm'><target><size>1</size>"
			      "</target><alias name='dimm0'/></memory></devices></domain>" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = lv_vmem_xml_parse(bad[i], strlen(bad[i]), &v);
		ok(n == 0 || (n == 1 && !v[0].alias), "broken XML %zu: nothing made up", i);
		lv_vmem_xml_free(v, n);
	}
	n = lv_vmem_xml_parse(NULL, 0, &v);
	ok(n == 0 && !v, "no XML at all");

	/* The element sent back: libvirt's own, only <requested> replaced. */
	char *e = lv_vmem_xml_with_requested(live, strlen(live), "virtiomem0", 262144);
	ok(e && strncmp(e, "<memory model='virtio-mem'>", 27) == 0, "starts at the device's <memory>");
	ok(e && strstr(e, "<requested unit='KiB'>262144</requested>") && !strstr(e, "524288"), "the new request, not the old");
	ok(e && strstr(e, "<size unit='KiB'>1048576</size>") && strstr(e, "<alias name='virtiomem0'/>"),
	   "size and alias kept");
	ok(e && strlen(e) > 9 && strcmp(e + strlen(e) - 9, "</memory>") == 0 && !strstr(e, "dimm"),
	   "ends at its </memory>");
	free(e);
	ok(!lv_vmem_xml_with_requested(live, strlen(live), "virtiomem", 1), "an alias prefix is not the alias");
	ok(!lv_vmem_xml_with_requested(live, strlen(live), "dimm0", 1), "a dimm is not a virtio-mem device");
	ok(!lv_vmem_xml_with_requested(bad[1], strlen(bad[1]), "virtiomem0", 1), "truncated: none");
	return tap_done();
}
