/* status --qmp / --virsh: expand the targets, ask them all, print. */
#include "base/exit_codes.h"
#include "host/host.h"
#include "host/view.h"
#include "views/views.h"
#include "base/util.h"

#include <stdlib.h>

int host_status(const struct host_status_options *opt)
{
	struct host_target *targets;
	size_t n;
	if (!host_targets_expand(opt->sockets, (size_t)(opt->nsockets > 0 ? opt->nsockets : 0), opt->virsh_domains,
				 (size_t)(opt->nvirsh > 0 ? opt->nvirsh : 0), &targets, &n))
		return VB_EXIT_FAILURE;
	struct host_collect_options co = {
		.timeout_s = opt->timeout_s,
		.stats_interval = opt->stats_interval,
	};
	struct host_vm *vms = xcalloc(n ? n : 1, sizeof(*vms));
	host_collect(targets, n, &co, vms);

	bool any_error = false, any_balloon = false;
	for (size_t i = 0; i < n; i++) {
		if (vms[i].error) {
			any_error = true;
			char *who = vms[i].target->domain ? xasprintf("virsh %s", vms[i].target->domain)
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
	if (opt->json) {
		struct json_object *j = host_view_json(vms, n);
		write_ok = json_write(stdout, j);
		json_object_put(j);
	} else {
		host_view_text(stdout, vms, n);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
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
