/*
 * bench_core.c: what a uvm_km_alloc + uvm_km_free pair costs.
 *
 * Workload (the one the vmem comparison used): keep N allocations live;
 * each step frees a random live one and allocates 1..16 pages in its
 * place, with an alignment of 0 (3 in 4) or 4..32 KiB.  Reported: ns per
 * free+alloc pair, the median of 5 timed rounds, for VAONLY and WIRED at
 * N = 1e3 .. 1e6; VAONLY at 1e5 with every allocation 64 KiB aligned
 * (the draws still happen, so sizes are the same sequence); and the cost
 * of creating and destroying an instance.
 *
 *	bench_core [--quick]	(--quick: 1e3 and 1e4 only, for smoke tests)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uvm/uvm.h>
#include "host.h"

#define ROUNDS	5

/* meson passes the core's level; built any other way, it is not known */
#ifndef BENCH_CORE_UVM_DEBUG
#define BENCH_CORE_UVM_DEBUG	0
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct live { vaddr_t va; vsize_t size; };

/* 0: the mix above; else every allocation gets this alignment. */
static vsize_t bench_align_all;

static void
one_alloc(struct vm_map *map, struct live *l, uvm_flag_t type)
{
	vsize_t size = (1 + rnd() % 16) * PAGE_SIZE;
	vsize_t align = (rnd() % 4) ? 0 : (PAGE_SIZE << (rnd() % 4));

	if (bench_align_all != 0)
		align = bench_align_all;
	l->va = uvm_km_alloc(map, size, align, type | UVM_KMF_NOWAIT);
	l->size = size;
	if (l->va == 0) {
		fprintf(stderr, "bench_core: allocation failed\n");
		exit(1);
	}
}

/* => median ns per pair, or -1 if the instance cannot be built. */
static double
bench_pairs(unsigned long n, uvm_flag_t type)
{
	bool wired = type == UVM_KMF_WIRED;
	vsize_t kva = (vsize_t)n * 16 * PAGE_SIZE * 2 + ((vsize_t)64 << 20);
	struct pmodel_params p = {
		.npages = wired ? (unsigned int)(n * 10 + 4096) : 256,
		.nseg = 1,
		.pt_pages = wired ? 0 : 64,
		.ncolors = 1,
		.nswap = 16,
		.max_map_entries = (unsigned int)(n + 1024),
		.max_pool_pages = 64,
		.kva_min = (vaddr_t)0xffffc00000000000ULL,
		.kva_start = (vaddr_t)0xffffc00000000000ULL + 16 * PAGE_SIZE,
		.kva_max = (vaddr_t)0xffffc00000000000ULL + kva,
	};
	struct pmodel_host *h = pmodel_host_create(&p);
	if (h == NULL)
		return -1;
	struct vm_map *map = pmodel_host_uvm(h)->kernel_map;
	struct live *live = calloc(n, sizeof(*live));
	for (unsigned long i = 0; i < n; i++)
		one_alloc(map, &live[i], type);

	unsigned long steps = n < 200000 ? 200000 : n;
	if (wired && steps > 200000)
		steps = 200000;
	double r[ROUNDS];
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = now_ns();
		for (unsigned long s = 0; s < steps; s++) {
			struct live *l = &live[rnd() % n];
			uvm_km_free(map, l->va, l->size, type);
			one_alloc(map, l, type);
		}
		r[round] = (now_ns() - t0) / steps;
	}
	for (unsigned long i = 0; i < n; i++)
		uvm_km_free(map, live[i].va, live[i].size, type);
	free(live);
	pmodel_host_destroy(h);
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

/* Create+destroy of a small instance: core only, and the whole host. */
static void
bench_create(void)
{
	struct pmodel_params p = { .npages = 1024, .nseg = 1, .ncolors = 4 };
	struct pmodel_host *h = pmodel_host_create(&p);
	double core[ROUNDS], host[ROUNDS];
	const int iters = 2000;

	for (int round = 0; round < ROUNDS; round++) {
		char why[128];
		double t0 = now_ns();
		for (int i = 0; i < iters; i++) {
			uvm_destroy(h->uvm);
			h->uvm = uvm_create(&h->cfg, h->uvm_mem, h->uvm_memsize,
			    why, sizeof(why));
		}
		core[round] = (now_ns() - t0) / iters;
		t0 = now_ns();
		for (int i = 0; i < iters; i++) {
			/* dirty a little, as a fuzz input would */
			vaddr_t va = uvm_km_alloc(h->uvm->kernel_map,
			    4 * PAGE_SIZE, 0, UVM_KMF_WIRED);
			(void)va;
			pmodel_host_reset(h);
		}
		host[round] = (now_ns() - t0) / iters;
	}
	qsort(core, ROUNDS, sizeof(core[0]), cmp_double);
	qsort(host, ROUNDS, sizeof(host[0]), cmp_double);
	printf("create+destroy, 1024 pages, core only      %8.0f ns\n",
	    core[ROUNDS / 2]);
	printf("reset with 4 wired pages used (host+core)  %8.0f ns\n",
	    host[ROUNDS / 2]);
	pmodel_host_destroy(h);
}

int
main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	static const unsigned long sizes[] = { 1000, 10000, 100000, 1000000 };
	int nsizes = quick ? 2 : 4;

	printf("uvm_km_alloc+uvm_km_free, 1..16 pages, median of %d rounds\n",
	    ROUNDS);
	/* what was measured: the core's checks differ by build */
	printf("core built with UVM_DEBUG=%d (%s), KASSERT on\n",
	    BENCH_CORE_UVM_DEBUG, BENCH_CORE_UVM_DEBUG >= 2 ?
	    "test/fuzz config: KDASSERT and per-op whole-range checks" :
	    BENCH_CORE_UVM_DEBUG == 1 ?
	    "production config: DIAGNOSTIC checks only" :
	    "0 = unknown: bench_core.c built outside meson");
	printf("%10s %12s %12s\n", "live", "VAONLY ns", "WIRED ns");
	for (int i = 0; i < nsizes; i++) {
		double va = bench_pairs(sizes[i], UVM_KMF_VAONLY);
		/* 1e6 wired allocations would need about 35 GiB of frames. */
		double w = sizes[i] <= 100000 ?
		    bench_pairs(sizes[i], UVM_KMF_WIRED) : -1;
		printf("%10lu %12.0f ", sizes[i], va);
		if (w < 0)
			printf("%12s\n", "n/a");
		else
			printf("%12.0f\n", w);
		fflush(stdout);
	}
	if (!quick) {
		bench_align_all = 16 * PAGE_SIZE;
		printf("%10s %12.0f %12s  (every allocation 64 KiB aligned)\n",
		    "100000", bench_pairs(100000, UVM_KMF_VAONLY), "-");
		bench_align_all = 0;
	}
	bench_create();
	return 0;
}
