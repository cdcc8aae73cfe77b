/* The safe floor for target: what the guest uses now (total_memory -
 * available_memory from its last statistics) plus a margin, or without
 * statistics a fixed share of RAM. */
#include "host/floor.h"

#include <string.h>

static struct opt_u64 stat(const struct host_vm *vm, const char *name)
{
	for (size_t i = 0; i < vm->nstats; i++)
		if (strcmp(vm->stats[i].name, name) == 0)
			return vm->stats[i].value;
	return OPT_U64_UNKNOWN;
}

/* ram * pct / 100 without overflow, exact. */
static uint64_t share(uint64_t ram, unsigned pct)
{
	return ram / 100 * pct + ram % 100 * pct / 100;
}

bool host_safe_floor(const struct host_vm *vm, struct safe_floor *f)
{
	memset(f, 0, sizeof(*f));
	/* SIZE is measured against the RAM the balloon counts (no virtio-mem). */
	f->ram_known = vm->balloon_ram.known;
	f->ram = vm->balloon_ram.known ? vm->balloon_ram.v : 0;
	struct opt_u64 total = stat(vm, "total_memory"), avail = stat(vm, "available_memory");
	/* last-update 0: the guest never reported; the values are QEMU's unset marks. */
	if (vm->stats_read && vm->last_update.known && vm->last_update.v > 0 && total.known && avail.known &&
	    total.v >= avail.v) {
		f->from_stats = true;
		f->total = total.v;
		f->available = avail.v;
		f->used = total.v - avail.v;
		f->margin = FLOOR_MIN_MARGIN;
		if (f->ram_known && share(f->ram, FLOOR_MARGIN_PCT) > f->margin)
			f->margin = share(f->ram, FLOOR_MARGIN_PCT);
		f->floor = f->used + f->margin; /* both far below 2^63: no overflow */
		return true;
	}
	if (!f->ram_known)
		return false;
	f->floor = share(f->ram, FLOOR_NO_STATS_PCT);
	return true;
}
