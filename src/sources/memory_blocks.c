/* /sys/devices/system/memory (see memory_blocks.h). block_size_bytes is
 * "%lx\n" (no 0x), auto_online_blocks one word, memoryN/state "online",
 * "offline" or "going-offline". */
#include "sources/memory_blocks.h"
#include "sources/value.h"
#include "sources/sysroot.h"
#include "base/parse.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "memory" followed by decimal digits only */
static bool is_block_name(const char *name)
{
	if (strncmp(name, "memory", 6) != 0 || !name[6])
		return false;
	for (const char *p = name + 6; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

void memory_blocks_scan(struct balloon_report *r)
{
	struct memory_blocks *m = &r->memblocks;
	DIR *d = sysroot_opendir(SYS_MEMORY_DIR);
	if (!d) {
		m->status = errno == ENOENT ? SRC_ABSENT : errno == EACCES ? SRC_DENIED : SRC_ERROR;
		if (m->status != SRC_ABSENT)
			report_add_problem(r, SYS_MEMORY_DIR, NULL, "%s", strerror(errno));
		return;
	}
	m->status = SRC_OK;
	char *bs = source_value(r, SYS_MEMORY_DIR "/block_size_bytes");
	uint64_t v;
	if (bs && parse_u64(bs, strlen(bs), 16, &v) && v)
		m->block_size_bytes = opt_u64(v);
	else if (bs)
		report_add_problem(r, SYS_MEMORY_DIR "/block_size_bytes", NULL, "not a hexadecimal size: ignored");
	free(bs);
	m->auto_online = source_value(r, SYS_MEMORY_DIR "/auto_online_blocks");
	m->memmap_on_memory = source_value(r, SYS_MEMMAP_ON_MEMORY);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_block_name(de->d_name))
			continue;
		char *p = xasprintf("%s/%s/state", SYS_MEMORY_DIR, de->d_name);
		char *st = source_value(r, p);
		if (st && strcmp(st, "online") == 0)
			m->online++;
		else if (st && strcmp(st, "offline") == 0)
			m->offline++;
		else if (st)
			m->other++;
		free(st);
		free(p);
	}
	closedir(d);
}
