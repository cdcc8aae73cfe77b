/* Signs in an OOM report that the machine was a virtual machine: the
 * hypervisor named by the "Hardware name:" line (DMI vendor and product,
 * 3.14+), Xen PV frames (xen_*) and virtio frames in the stack trace.
 * Balloon evidence is a sign too, but verdict.c has that already. The
 * verdicts name the balloon, the vbtool module and 6.15 kernels only when
 * some sign shows: on bare metal, and in logs that show nothing of the
 * machine, they would only mislead. */
#include "oom/parser.h"
#include "base/util.h"

#include <stdio.h>

/* DMI names of hypervisors, as their firmware sets them ("QEMU Standard
 * PC", "VMware, Inc. VMware Virtual Platform", "Microsoft Corporation
 * Virtual Machine", "Xen HVM domU", " BHYVE", "Amazon EC2 t3.large",
 * "Google Compute Engine", "innotek GmbH VirtualBox", "Red Hat KVM",
 * "OpenStack Foundation OpenStack Nova", ...). */
static const struct {
	const char *needle, *name;
} hypervisors[] = {
	{ "QEMU", "QEMU" },
	{ "KVM", "KVM" },
	{ "VMware", "VMware" },
	{ "Microsoft Corporation Virtual Machine", "Hyper-V" },
	{ "Hyper-V", "Hyper-V" },
	{ "Xen", "Xen" },
	{ "BHYVE", "bhyve" },
	{ "Amazon EC2", "Amazon EC2" },
	{ "Google Compute Engine", "Google Compute Engine" },
	{ "VirtualBox", "VirtualBox" },
	{ "OpenStack", "OpenStack" },
	{ "Parallels", "Parallels" },
	{ "Bochs", "Bochs" },
	{ "oVirt", "oVirt" },
	{ "RHEV", "RHEV" },
	{ "Nutanix AHV", "Nutanix AHV" },
	{ "Virtuozzo", "Virtuozzo" },
	{ "Alibaba Cloud ECS", "Alibaba Cloud ECS" },
	{ "Cloud Hypervisor", "Cloud Hypervisor" },
	{ "Firecracker", "Firecracker" },
};

void on_vm_sign(struct oom_event *e, const char *s, size_t n)
{
	if (e->vm_sign[0])
		return;
	const char *at = find(s, n, "Hardware name:");
	if (at) {
		e->hw_named = true;
		size_t rest = (size_t)(s + n - at);
		/* EC2 bare-metal instances ("Amazon EC2 m5.metal") are no VM */
		if (find(at, rest, ".metal"))
			return;
		for (size_t i = 0; i < ARRAY_SIZE(hypervisors); i++)
			if (find_n(at, rest, hypervisors[i].needle, strlen(hypervisors[i].needle))) {
				snprintf(e->vm_sign, sizeof(e->vm_sign), "%s", hypervisors[i].name);
				return;
			}
		return;
	}
	if (!find(s, n, "+0x")) /* stack frames only */
		return;
	if (find(s, n, "xen_"))
		snprintf(e->vm_sign, sizeof(e->vm_sign), "Xen");
	else if (find(s, n, "virtio") || find(s, n, "virtqueue_"))
		snprintf(e->vm_sign, sizeof(e->vm_sign), "virtio");
}
