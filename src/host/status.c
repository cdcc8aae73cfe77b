/* status --qmp / --libvirt: find the VMs, ask them all, print. */
#include "base/exit_codes.h"
#include "host/host.h"
#include "host/libvirt.h"
#include "host/view.h"
#include "views/views.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

int host_status(const struct host_status_options *opt)
{
	struct host_target *targets;
	struct host_vm *vms;
	size_t n;
	if (opt->libvirt) {
		char *err = NULL;
		/* Read-only unless it changes something (the statistics period). */
		struct host_libvirt *lv = host_libvirt_open(opt->connect_uri, opt->stats_interval >= 0, &err);
		bool ok = lv && host_libvirt_collect(lv, opt->domains, (size_t)(opt->ndomains > 0 ? opt->ndomains : 0),
						      opt->stats_interval, &targets, &vms, &n, &err);
		host_libvirt_close(lv);
		if (!ok) {
			vb_err_hint(strcmp(err, HOST_LIBVIRT_MISSING) == 0 ? HOST_LIBVIRT_MISSING_HINT : NULL,
				    "status --libvirt: %s", err);
			free(err);
			return VB_EXIT_FAILURE;
		}
		if (n == 0) {
			vb_err("status --libvirt: no running domain");
			free(targets);
			free(vms);
			return VB_EXIT_NO_BALLOON;
		}
	} else {
		if (!host_targets_expand(opt->sockets, (size_t)(opt->nsockets > 0 ? opt->nsockets : 0),
					 opt->sockets_natural, &targets, &n))
			return VB_EXIT_FAILURE;
		struct host_collect_options co = {
			.timeout_s = opt->timeout_s,
			.stats_interval = opt->stats_interval,
		};
		vms = xcalloc(n ? n : 1, sizeof(*vms));
		host_collect(targets, n, &co, vms);
	}

	bool any_error = false, any_balloon = false;
	for (size_t i = 0; i < n; i++) {
		if (vms[i].error) {
			any_error = true;
			char *who = vms[i].target->domain ? xasprintf("libvirt %s", vms[i].target->domain)
							 : xstrdup(vms[i].target->address);
			if (vms[i].error_hint)
				vb_err_hint(vms[i].error_hint, "%s: %s", who, vms[i].error);
			else
				vb_err("%s: %s", who, vms[i].error);
			free(who);
		}
		if (vms[i].has_balloon)
			any_balloon = true;
	}
	bool write_ok = true;
	FILE *out = opt->out ? opt->out : stdout;
	if (opt->prometheus) {
		host_view_prometheus(out, vms, n);
	} else if (opt->json) {
		struct json_object *j = host_view_json(vms, n);
		write_ok = json_write(out, j);
		json_object_put(j);
	} else {
		host_view_text(out, vms, n);
	}
	if (fflush(out) != 0 || ferror(out))
		write_ok = false;
	for (size_t i = 0; i < n; i++)
		host_vm_free(&vms[i]);
	free(vms);
	host_targets_free(targets, n);
	if (!write_ok) {
		vb_err("status: writing the report failed");
		return VB_EXIT_FAILURE;
	}
	if (any_error)
		return VB_EXIT_FAILURE;
	return any_balloon ? VB_EXIT_OK : VB_EXIT_NO_BALLOON;
}
