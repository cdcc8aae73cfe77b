#include "commands.h"
#include "qmp/host.h"
#include "util.h"

int host_status(const struct host_status_options *opt)
{
	(void)opt;
	vb_err("status --qmp: not implemented yet");
	return VB_EXIT_FAILURE;
}
