#include "commands.h"
#include "util.h"

#include <string.h>

int cmd_top(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return VB_EXIT_OK;
	vb_err("top: not implemented yet");
	return VB_EXIT_FAILURE;
}
