/*
 * smp_host.h: virtual CPUs for the pmap model (smp_host.c).
 */
#ifndef KMFUZZ_SMP_HOST_H
#define KMFUZZ_SMP_HOST_H

#include "harness.h"
#include "host.h"

/*
 * smp_host_run: harness_smp_cpu(h, c) for every c < h->ncpu on threads
 * that take turns as h's schedule says (harness_host.smp_run).
 * => ph's pmap has at least h->ncpu CPUs in use; its waits go to the
 *    virtual CPUs' sleep for the run, to the harness's policy again after.
 */
void	smp_host_run(struct pmodel_host *ph, struct harness *h);

#endif /* KMFUZZ_SMP_HOST_H */
