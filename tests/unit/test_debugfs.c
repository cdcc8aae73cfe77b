#include "sources/debugfs.h"
#include "tap.h"

#include <string.h>

/* The current layout exactly as shared/reference/guest-interfaces.md §3 gives it. */
static const char vmw_current[] = "balloon capabilities  :             0x3e\n"
				  "used capabilities     :             0x3e\n"
				  "is resetting          :                n\n"
				  "target                :           262144\n"
				  "current               :           262144\n"
				  "start                 :                0 (0 failed)\n"
				  "target                :                0 (0 failed)\n"
				  "lock                  :                0 (0 failed)\n"
				  "timer                 :                0\n"
				  "alloc             (4k):                0\n"
				  "allocFail         (4k):                0\n"
				  "allocFail         (2M):                0\n";

static const char vmw_old[] = "balloon capabilities:   0x1e\n"
			      "used capabilities:      0x1e\n"
			      "is resetting:           n\n"
			      "target:               262144 pages\n"
			      "current:              131072 pages\n"
			      "rateSleepAlloc:          2048 pages/sec\n"
			      "timer:                    100\n"
			      "start:                      1 (   0 failed)\n";

static const char hv_main[] = "host_version          : 2.0\n"
			      "capabilities          : enabled hot_add\n"
			      "state                 : 1 (Initialized)\n"
			      "page_size             : 4096\n"
			      "pages_added           : 0\n"
			      "pages_onlined         : 0\n"
			      "pages_ballooned       : 0\n"
			      "total_pages_committed : 977790\n"
			      "max_dynamic_page_count: 268435456\n";

static const char hv_vendor[] = "state : 2 (Balloon Up)\n"
				"pages_ballooned_out : 4096\n"
				"vm_pages_commited : 100\n"
				"total_pages_commited : 200\n";

int main(void)
{
	struct dbg_vmw w;
	memset(&w, 0, sizeof(w));
	is_u64(dbg_vmw_parse(vmw_current, strlen(vmw_current), &w), 0, "vmmemctl current layout parses clean");
	ok(w.layout == VMW_LAYOUT_CURRENT, "current layout detected");
	ok(w.capabilities.known && w.capabilities.v == 0x3e, "capabilities 0x3e");
	ok(w.target_pages.v == 262144, "the first target is the balloon target, not the GET_TARGET count");
	ok(w.current_pages.known && w.current_pages.v == 262144, "current");
	ok(w.is_resetting == 0, "is resetting n");
	ok(w.counters_all_zero, "all counters zero: a first read");
	ok(w.alloc_fail_4k.known && w.alloc_fail_4k.v == 0, "allocFail (4k) known 0");

	memset(&w, 0, sizeof(w));
	is_u64(dbg_vmw_parse(vmw_old, strlen(vmw_old), &w), 0, "vmmemctl pre-4.20 layout parses clean");
	ok(w.layout == VMW_LAYOUT_PRE_4_20, "pre-4.20 layout detected");
	ok(w.target_pages.v == 262144 && w.current_pages.v == 131072, "target and current in pages");
	ok(w.rate_alloc.known && w.rate_alloc.v == 2048, "rateSleepAlloc");
	ok(!w.counters_all_zero, "pre-4.20 counters are not switched on by reading");

	struct dbg_hv h;
	memset(&h, 0, sizeof(h));
	is_u64(dbg_hv_parse(hv_main, strlen(hv_main), &h), 0, "hv-balloon mainline parses clean");
	ok(h.layout == HV_LAYOUT_MAINLINE, "mainline layout");
	is_str(h.host_version, "2.0", "host_version");
	is_str(h.capabilities, "enabled hot_add", "capabilities");
	ok(h.state.v == 1, "state 1");
	is_str(h.state_name, "Initialized", "state name");
	ok(h.pages_ballooned.known && h.pages_ballooned.v == 0, "pages_ballooned known 0");
	ok(h.total_pages_committed.v == 977790 && h.max_dynamic_page_count.v == 268435456, "committed, max");
	dbg_hv_free(&h);

	memset(&h, 0, sizeof(h));
	is_u64(dbg_hv_parse(hv_vendor, strlen(hv_vendor), &h), 0, "hv-balloon vendor parses clean");
	ok(h.layout == HV_LAYOUT_VENDOR, "vendor layout");
	ok(h.pages_ballooned.v == 4096, "pages_ballooned_out");
	ok(h.vm_pages_committed.v == 100 && h.total_pages_committed.v == 200, "commited keys (one t)");
	is_str(h.state_name, "Balloon Up", "state 2 name");
	is_str(hv_state_name(9), "Unknown", "unknown state");
	dbg_hv_free(&h);

	static const char vz[] = "InflatedTotal: 2097152 kB\nInflatedFree: 0 kB\n";
	struct dbg_virtio v;
	memset(&v, 0, sizeof(v));
	is_u64(dbg_virtio_parse(vz, strlen(vz), &v), 0, "Virtuozzo virtio-balloon parses clean");
	ok(v.inflated_total_kb.v == 2097152 && v.inflated_free_kb.known && v.inflated_free_kb.v == 0, "inflated values");
	ok(!v.target_kb.known && v.deflate_on_oom == -1, "no module lines: unknown");
	dbg_virtio_free(&v);

	static const char mod[] = "InflatedTotal: 0 kB\nInflatedFree: 262144 kB\nTarget: 262144 kB\nActual: 262144 kB\n"
				  "DeflateOnOOM: yes\nDevice: virtio0\nFuture: 17\n";
	memset(&v, 0, sizeof(v));
	is_u64(dbg_virtio_parse(mod, strlen(mod), &v), 0, "module file parses clean");
	ok(v.target_kb.v == 262144 && v.actual_kb.v == 262144, "target and actual");
	ok(v.deflate_on_oom == 1, "DeflateOnOOM yes");
	is_str(v.device, "virtio0", "device");
	ok(v.nextra == 1, "an unknown key is kept");
	is_str(v.nextra ? v.extra_values[0] : NULL, "17", "its value");
	dbg_virtio_free(&v);

	static const char garbage[] = "InflatedTotal: -5 kB\nInflatedFree\n\x01\x02:\x03\n";
	memset(&v, 0, sizeof(v));
	ok(dbg_virtio_parse(garbage, strlen(garbage), &v) >= 2 && !v.inflated_total_kb.known, "garbage is counted, not trusted");
	dbg_virtio_free(&v);
	return tap_done();
}
