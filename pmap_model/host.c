/*
 * host.c: build, reset and tear down a userspace kmfuzz kernel.
 *
 * Allocation happens once, in pmodel_host_create: the arena (inside the
 * pmap), the swap store, the instance block of uvm_instance_size()
 * bytes.  pmodel_host_reset then costs
 *	uvm_destroy + pmodel_pmap_reset (PT pool + frames the input dirtied)
 *	+ clearing the swap "written" bitmap + uvm_create
 * which is what a fuzzer pays per input.  Example: the defaults give
 * 1024 managed pages after a 35-frame PT pool, i.e. segment
 * [0x23000, 0x423000), kernel VA [0xffffffff80000000, +64 MiB) with the
 * first 16 pages reserved, and the direct map at 0xffff800000000000.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* Fill the zero fields of *p with defaults; => 0 or -1 (stderr says). */
static int
resolve(struct pmodel_params *p)
{
	if (p->npages == 0)
		p->npages = PMODEL_DEF_NPAGES;
	if (p->nseg == 0)
		p->nseg = 1;
	if (p->ncolors == 0)
		p->ncolors = 1;
	if (p->nswap == 0)
		p->nswap = PMODEL_DEF_NSWAP;
	if (p->max_map_entries == 0)
		p->max_map_entries = PMODEL_DEF_MAPENTRIES;
	if (p->max_submaps == 0)
		p->max_submaps = PMODEL_DEF_SUBMAPS;
	if (p->max_pool_pages == 0)
		p->max_pool_pages = PMODEL_DEF_POOLPAGES;
	if (p->kva_min == 0)
		p->kva_min = PMODEL_DEF_KVA_MIN;
	if (p->kva_start == 0)
		p->kva_start = p->kva_min + PMODEL_DEF_KVA_BOOT;
	if (p->kva_max == 0)
		p->kva_max = p->kva_min + PMODEL_DEF_KVA_SIZE;
	if (p->tlb_entries == 0)
		p->tlb_entries = PMODEL_TLB_DEFAULT;
	if (p->dmap_base == 0)
		p->dmap_base = PMODEL_DMAP_BASE;
	if (p->nseg > UVM_MAX_PHYSSEG || p->npages < p->nseg) {
		fprintf(stderr, "pmodel_host_create: %u pages in %u segments "
		    "(1..%d segments, one page each at least)\n", p->npages,
		    p->nseg, UVM_MAX_PHYSSEG);
		return -1;
	}
	if (p->kva_min > p->kva_start || p->kva_start >= p->kva_max) {
		fprintf(stderr, "pmodel_host_create: need kva_min <= kva_start "
		    "< kva_max\n");
		return -1;
	}
	if (p->pt_pages == 0)
		p->pt_pages = pmodel_pt_pages_for(p->kva_min, p->kva_max);
	return 0;
}

/* uvm_create under a catch point: a KASSERT while booting is a finding. */
static struct uvm *
create_instance(struct pmodel_host *h)
{
	struct pmodel_catch c;
	char why[256];
	struct uvm *volatile uvm = NULL;

	why[0] = '\0';
	PMODEL_TRY(&c) {
		uvm = uvm_create(&h->cfg, h->uvm_mem, h->uvm_memsize, why,
		    sizeof(why));
	} PMODEL_CATCH {
		fprintf(stderr, "pmodel_host: uvm_create panicked: %s\n",
		    c.cc_msg);
		return NULL;
	}
	if (uvm == NULL) {
		fprintf(stderr, "pmodel_host: uvm_create: %s\n", why);
		return NULL;
	}
	/* Keep the pristine bytes: the next reset copies them back. */
	size_t n = uvm_create_footprint(uvm);
	if (h->snap_size != n) {
		free(h->snap);
		h->snap = malloc(n);
		h->snap_size = h->snap != NULL ? n : 0;
	}
	if (h->snap != NULL) {
		memcpy(h->snap, h->uvm_mem, n);
		h->snap_cfg = h->cfg;
	}
	return uvm;
}

/*
 * A fresh instance by copying back the bytes uvm_create wrote, when the
 * config is the one they were made with.  The block stays where it was,
 * so every pointer inside the copy is right; locks come back unlocked,
 * which is also what makes a reset after a caught panic safe.
 */
static struct uvm *
restore_instance(struct pmodel_host *h)
{
	if (h->snap == NULL || memcmp(&h->snap_cfg, &h->cfg, sizeof(h->cfg)) != 0)
		return create_instance(h);
	memcpy(h->uvm_mem, h->snap, h->snap_size);
	return (struct uvm *)h->uvm_mem;
}

/*
 * pmodel_host_create: see host.h.
 * => physical layout: PT pool, then nseg segments of npages/nseg pages
 *    (the last takes the remainder) separated by one-frame holes.
 */
struct pmodel_host *
pmodel_host_create(const struct pmodel_params *params)
{
	struct pmodel_params p = *params;
	struct pmodel_pmap_params pp;
	struct pmodel_host *h;
	unsigned int i, per;
	paddr_t pa;

	if (resolve(&p) != 0)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->params = p;
	memset(&pp, 0, sizeof(pp));
	pp.nframes = (size_t)p.pt_pages + p.npages + (p.nseg - 1);
	pp.pt_pages = p.pt_pages;
	pp.tlb_entries = p.tlb_entries;
	pp.ncpus = p.ncpus;
	pp.dmap_base = p.dmap_base;
	pp.kva_lo = p.kva_min;
	pp.kva_hi = p.kva_max;
	pp.fill_zero = p.fill_zero;
	h->pmap = pmodel_pmap_create(&pp);
	if (h->pmap == NULL)
		goto fail;

	h->cfg.kva_min = p.kva_min;
	h->cfg.kva_start = p.kva_start;
	h->cfg.kva_max = p.kva_max;
	per = p.npages / p.nseg;
	pa = ptoa(p.pt_pages);
	for (i = 0; i < p.nseg; i++) {
		unsigned int n = i + 1 < p.nseg ? per : p.npages - per * i;

		h->cfg.seg[i].start = pa;
		h->cfg.seg[i].end = pa + ptoa(n);
		if (pmodel_pmap_add_managed(h->pmap, pa, pa + ptoa(n)) != 0)
			goto fail;
		pa += ptoa(n + 1);	/* one hole frame after each */
	}
	h->cfg.nseg = p.nseg;
	h->cfg.ncolors = p.ncolors;
	h->cfg.reserve_pagedaemon = p.reserve_pagedaemon;
	h->cfg.reserve_kernel = p.reserve_kernel;
	h->cfg.nswap = p.nswap;
	h->cfg.max_map_entries = p.max_map_entries;
	h->cfg.max_submaps = p.max_submaps;
	h->cfg.max_pool_pages = p.max_pool_pages;
	h->cfg.poolpage_direct_map = p.poolpage_direct_map;
	h->cfg.pmap = h->pmap;
	h->cfg.host = h;

	h->uvm_memsize = uvm_instance_size(&h->cfg);
	if (h->uvm_memsize == 0) {
		fprintf(stderr, "pmodel_host_create: config rejected by "
		    "uvm_instance_size\n");
		goto fail;
	}
	h->uvm_memsize = (h->uvm_memsize + 63) & ~(size_t)63;
	h->uvm_mem = aligned_alloc(64, h->uvm_memsize);
	/*
	 * uvm_create's contract asks for aligned memory, not zeroed: junk
	 * in it, so that a core that trusts fresh memory to read as zero
	 * (a table it forgot to clear) goes wrong here as in a kernel.
	 */
	if (h->uvm_mem != NULL)
		memset(h->uvm_mem, 0xa5, h->uvm_memsize);
	h->nswap = p.nswap;
	h->swap = malloc((size_t)p.nswap * PAGE_SIZE);
	h->swap_written = calloc((p.nswap + 63) / 64, sizeof(uint64_t));
	if (h->uvm_mem == NULL || h->swap == NULL || h->swap_written == NULL)
		goto fail;
	h->wait_limit = PMODEL_DEF_WAIT_LIMIT;
	h->uvm = create_instance(h);
	if (h->uvm == NULL)
		goto fail;
	return h;
fail:
	pmodel_host_destroy(h);
	return NULL;
}

/* uvm_destroy, tolerating an instance a panic left half-done. */
static void
destroy_instance(struct pmodel_host *h)
{
	struct pmodel_catch c;

	if (h->uvm == NULL)
		return;
	PMODEL_TRY(&c) {
		uvm_destroy(h->uvm);
	} PMODEL_CATCH {
		/* expected after a caught panic (locks still held) */
	}
	h->uvm = NULL;
}

int
pmodel_host_reset(struct pmodel_host *h)
{
	h->uvm = NULL;		/* overwritten whole below, no teardown */
	pmodel_pmap_reset(h->pmap);
	memset(h->swap_written, 0, ((h->nswap + 63) / 64) * sizeof(uint64_t));
	h->nswapin = h->nswapout = 0;
	h->nwaits = 0;
	h->wait_limit = PMODEL_DEF_WAIT_LIMIT;
	for (unsigned int i = 0; i < PMODEL_WAKE_BUCKETS; i++)
		atomic_store_explicit(&h->wakeups[i], 0, memory_order_relaxed);
	h->uvm = restore_instance(h);
	return h->uvm != NULL ? 0 : -1;
}

void
pmodel_host_swap_io(struct pmodel_host *h, unsigned long *reads,
    unsigned long *writes)
{
	*reads = __atomic_load_n(&h->nswapin, __ATOMIC_RELAXED);
	*writes = __atomic_load_n(&h->nswapout, __ATOMIC_RELAXED);
}

void
pmodel_host_destroy(struct pmodel_host *h)
{
	if (h == NULL)
		return;
	destroy_instance(h);
	free(h->snap);
	pmodel_pmap_destroy(h->pmap);
	free(h->uvm_mem);
	free(h->swap);
	free(h->swap_written);
	free(h);
}

struct uvm *
pmodel_host_uvm(struct pmodel_host *h)
{
	return h->uvm;
}

struct pmap *
pmodel_host_pmap(struct pmodel_host *h)
{
	return h->pmap;
}
