/* /proc/pressure/memory: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0". */
#include "sources/procfs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const struct psi_line *l)
{
	if (!l->known)
		return;
	/* a known line has finite, non-negative averages */
	if (!isfinite(l->avg10) || !isfinite(l->avg60) || !isfinite(l->avg300))
		abort();
	if (l->avg10 < 0 || l->avg60 < 0 || l->avg300 < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pressure p;
	memset(&p, 0, sizeof(p));
	int bad = pressure_parse((const char *)data, size, &p);
	if (bad < 0)
		abort();
	check_line(&p.some);
	check_line(&p.full);
	return 0;
}
