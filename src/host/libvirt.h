/* The host side through libvirt's C API (when built with libvirt): one
 * virConnectGetAllDomainStats (or virDomainListGetStats) call for the
 * balloon and state of every domain, the domain XML for the balloon's
 * configuration, virDomainSetMemoryFlags for target. Nothing here speaks
 * QMP, so libvirt never marks a domain tainted. */
#ifndef VBTOOL_HOST_LIBVIRT_H
#define VBTOOL_HOST_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/host.h"

#define HOST_LIBVIRT_MISSING "built without libvirt"
#define HOST_LIBVIRT_MISSING_HINT "rebuild vbtool with libvirt-dev installed, or give --qmp SOCKET"

struct host_libvirt;

/* Connects to uri (NULL: libvirt's default URI). Read-only unless
 * read_write. NULL with *err (allocated) on failure, or when this vbtool was
 * built without libvirt (HOST_LIBVIRT_MISSING). */
struct host_libvirt *host_libvirt_open(const char *uri, bool read_write, char **err);
void host_libvirt_close(struct host_libvirt *lv);

/* The named domains (n > 0; a name libvirt does not know gets ->error), or
 * every running domain sorted by name (n == 0). stats_interval >= 0 sets
 * the statistics period first. Fills *targets and *vms (n of each, vms[i]
 * describes targets[i]). False with *err when the call as a whole failed. */
bool host_libvirt_collect(struct host_libvirt *lv, char *const *names, size_t n, long stats_interval,
			  struct host_target **targets, struct host_vm **vms, size_t *nvms, char **err);

/* target --libvirt's start: a read-write connection and the one domain's
 * host_vm (*t, *vms, *n as host_libvirt_collect gives them). On any error,
 * the domain's own included, it is printed as "target: DOMAIN: ...",
 * everything is let go and NULL returned. */
struct host_libvirt *host_libvirt_open_domain(const char *uri, const char *domain, struct host_target **t,
					      struct host_vm **vms, size_t *n);
/* Lets go of what host_libvirt_open_domain gave (lv may be NULL). */
void host_libvirt_close_domain(struct host_libvirt *lv, struct host_target *t, struct host_vm *vms, size_t n);

/* The balloon's actual size (balloon.current) of one domain, in bytes. */
bool host_libvirt_actual(struct host_libvirt *lv, const char *domain, uint64_t *bytes, char **err);
/* virDomainSetMemoryFlags(VIR_DOMAIN_AFFECT_LIVE): bytes, rounded down to KiB. */
bool host_libvirt_set_size(struct host_libvirt *lv, const char *domain, uint64_t bytes, char **err);
/* One domain's live XML (free it), or NULL with *err. */
char *host_libvirt_domain_xml(struct host_libvirt *lv, const char *domain, char **err);
/* virDomainUpdateDeviceFlags(VIR_DOMAIN_AFFECT_LIVE) with a device element
 * (target --virtio-mem: the <memory> element with a new <requested>). */
bool host_libvirt_update_device(struct host_libvirt *lv, const char *domain, const char *xml, char **err);

#endif
