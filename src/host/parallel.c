/* Many VMs at once: a few threads take targets off a shared counter, so N
 * VMs cost about as much wall time as the slowest one. */
#include "host/host.h"

#include <pthread.h>
#include <string.h>

#define DEFAULT_PARALLEL 32

struct pool {
	const struct host_target *targets;
	size_t n;
	const struct host_collect_options *opt;
	struct host_vm *vms;
	size_t next; /* taken with __atomic_fetch_add */
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i >= p->n)
			return NULL;
		host_collect_one(&p->targets[i], p->opt, &p->vms[i]);
	}
}

void host_collect(const struct host_target *targets, size_t n, const struct host_collect_options *opt,
		  struct host_vm *vms)
{
	struct pool p = { .targets = targets, .n = n, .opt = opt, .vms = vms };
	size_t nthreads = opt && opt->max_parallel > 0 ? (size_t)opt->max_parallel : DEFAULT_PARALLEL;
	if (nthreads > n)
		nthreads = n;
	if (nthreads <= 1) {
		worker(&p);
		return;
	}
	pthread_t tids[nthreads];
	size_t started = 0;
	for (; started < nthreads; started++)
		if (pthread_create(&tids[started], NULL, worker, &p) != 0)
			break;
	if (started == 0)
		worker(&p); /* no threads to be had: do it all here */
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}
