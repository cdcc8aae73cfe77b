/* virtio-mem through libvirt's API (issue #18): status --libvirt reads the
 * devices from the live domain XML; target --libvirt DOMAIN --virtio-mem
 * ALIAS sends the device's <memory> element with a new <requested> to
 * virDomainUpdateDeviceFlags (VIR_DOMAIN_AFFECT_LIVE), as virsh
 * update-memory-device does (libvirt 7.9+), and follows <current>. libvirt
 * sets QEMU's requested-size itself: no QMP pass-through, so the domain is
 * never tainted. The checks and the outcome are target_vmem.c's. */
#include "host/libvirt_vmem.h"
#include "host/libvirt.h"
#include "host/libvirt_xml.h"
#include "host/target_vmem.h"
#include "base/exit_codes.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static void note(struct host_vm *vm, char *msg)
{
	size_t cap = vm->nnotes;
	vm->notes = xgrow(vm->notes, &cap, vm->nnotes + 1, sizeof(*vm->notes));
	vm->notes[vm->nnotes++] = msg;
}

void host_libvirt_vmem_read(const char *xml, size_t len, struct host_vm *vm)
{
	struct lv_vmem_xml *v;
	size_t n = lv_vmem_xml_parse(xml, len, &v);
	size_t cap = vm->nvmem_devices;
	uint64_t total = 0;
	bool total_known = n > 0;
	for (size_t i = 0; i < n; i++) {
		vm->vmem_devices = xgrow(vm->vmem_devices, &cap, vm->nvmem_devices + 1, sizeof(*vm->vmem_devices));
		/* libvirt's names: <size> is the region (max-size), <current> the plugged size */
		vm->vmem_devices[vm->nvmem_devices++] = (struct host_virtio_mem){
			.id = v[i].alias,
			.size = v[i].current,
			.requested_size = v[i].requested,
			.max_size = v[i].size,
			.block_size = v[i].block,
			.node = v[i].node,
		};
		if (!v[i].current.known || !add_u64(total, v[i].current.v, &total))
			total_known = false;
		if (!v[i].current.known)
			note(vm, xasprintf("virtio-mem %s: the domain XML has no <current>: its plugged size is unknown",
					   v[i].alias ? v[i].alias : "(no alias)"));
		v[i].alias = NULL; /* now the device's id */
	}
	if (n)
		note(vm, xstrdup("virtio-mem: libvirt's domain XML does not name the memory backend (memdev is null)"));
	if (total_known)
		vm->virtio_mem = opt_u64(total);
	lv_vmem_xml_free(v, n);
}

/* libvirt 9.0, measured on a booted guest with a 1 GiB virtio-mem region,
 * 512 MiB base and 512 MiB plugged: QEMU's query-balloon actual 512 MiB,
 * query-memory-size-summary base 512 MiB + plugged 512 MiB; libvirt's
 * balloon.current 1 GiB (it adds each device's <current>), balloon.maximum
 * 1.5 GiB (the domain's <memory>: each device's whole <size>). */
void host_libvirt_vmem_as_qmp(struct host_vm *vm)
{
	if (!vm->nvmem_devices)
		return;
	uint64_t regions = 0, plugged = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < vm->nvmem_devices; i++) {
		const struct host_virtio_mem *d = &vm->vmem_devices[i];
		ok = d->max_size.known && d->size.known && add_u64(regions, d->max_size.v, &regions) &&
		     add_u64(plugged, d->size.v, &plugged);
	}
	if (vm->ram.known) {
		uint64_t r;
		if (ok && vm->ram.v >= regions && add_u64(vm->ram.v - regions, plugged, &r)) {
			vm->ram = opt_u64(r);
		} else {
			vm->ram = OPT_U64_UNKNOWN;
			note(vm, xstrdup("ram_bytes: unknown: libvirt's maximum counts every virtio-mem region whole and "
					 "a device's <size> or <current> is missing"));
		}
	}
	if (vm->has_balloon && vm->actual.known) {
		if (vm->virtio_mem.known && vm->actual.v >= vm->virtio_mem.v) {
			vm->actual = opt_u64(vm->actual.v - vm->virtio_mem.v);
		} else {
			vm->actual = OPT_U64_UNKNOWN;
			note(vm, xstrdup("actual_bytes: unknown: libvirt's balloon.current includes virtio-mem's plugged "
					 "memory, whose size is not known"));
		}
		vm->balloon = vm->balloon_ram.known && vm->actual.known && vm->balloon_ram.v >= vm->actual.v
				      ? opt_u64(vm->balloon_ram.v - vm->actual.v)
				      : OPT_U64_UNKNOWN;
	}
}

struct lv_size {
	struct host_libvirt *lv;
	const char *domain, *alias;
	char **err;
};

/* The device's plugged size now: <current> of the live XML, which libvirt
 * keeps from QEMU's MEMORY_DEVICE_SIZE_CHANGE events. */
static int plugged_now(void *ctx, uint64_t *size)
{
	struct lv_size *c = ctx;
	char *xml = host_libvirt_domain_xml(c->lv, c->domain, c->err);
	if (!xml)
		return -1;
	struct lv_vmem_xml *v;
	size_t n = lv_vmem_xml_parse(xml, strlen(xml), &v);
	free(xml);
	int r = -1;
	for (size_t i = 0; i < n && r < 0; i++)
		if (v[i].alias && strcmp(v[i].alias, c->alias) == 0 && v[i].current.known) {
			*size = v[i].current.v;
			r = 0;
		}
	lv_vmem_xml_free(v, n);
	if (r < 0)
		*c->err = xasprintf("the domain XML has no <current> for virtio-mem %s", c->alias);
	return r;
}

int host_target_virtio_mem_libvirt(const struct target_request *req)
{
	char *err = NULL, *xml = NULL, *dev = NULL;
	struct host_target *t;
	struct host_vm *vms;
	size_t n;
	struct host_libvirt *lv = host_libvirt_open_domain(req->connect_uri, req->domain, &t, &vms, &n);
	if (!lv)
		return VB_EXIT_FAILURE;
	const struct host_virtio_mem *d;
	int code = vmem_check(req, &vms[0], &d);
	if (code != VB_EXIT_OK)
		goto out;
	/* the element as libvirt has it now; libvirt refuses a change to
	 * anything but <requested> */
	if (!(xml = host_libvirt_domain_xml(lv, req->domain, &err)))
		goto fail;
	/* libvirt takes KiB; vmem_check made SIZE a multiple of the block size,
	 * which libvirt also wants in KiB */
	if (req->target % 1024) {
		vb_err("target: %s: virtio-mem %s: %s is not a whole number of KiB, which libvirt needs", req->domain,
		       req->virtio_mem_id, req->size_text);
		code = VB_EXIT_USAGE;
		goto out;
	}
	dev = lv_vmem_xml_with_requested(xml, strlen(xml), req->virtio_mem_id, req->target / 1024);
	if (!dev) {
		err = xstrdup("the domain XML has no <requested> for the device");
		goto fail;
	}
	if (!host_libvirt_update_device(lv, req->domain, dev, &err))
		goto fail;
	uint64_t start = d->size.known ? d->size.v : 0, size = start;
	struct lv_size c = { lv, req->domain, req->virtio_mem_id, &err };
	if (plugged_now(&c, &size) < 0)
		goto fail;
	code = vmem_wait_and_report(req, d, start, size, plugged_now, &c);
	if (code >= 0)
		goto out;
fail:
	code = VB_EXIT_FAILURE;
	vb_err("target: %s: virtio-mem %s: %s", req->domain, req->virtio_mem_id, err ? err : "failed");
out:
	free(err);
	free(xml);
	free(dev);
	host_libvirt_close_domain(lv, t, vms, n);
	return code;
}
