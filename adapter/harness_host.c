/*
 * harness_host.c: struct harness_host for userspace, a thin shim over the
 * pmap model (host.h, pmodel.h, host_platform.h).
 *
 * Who owns what.  harness_model_create allocates three things once: the
 * struct harness (about 300 KiB, mostly the trace), a struct hmodel (the
 * host's ctx, pointing back at the harness) and a pmodel_host (arena,
 * swap, instance block).  Per input the harness calls reset, which costs
 * one pmodel_host_reset: uvm_destroy, the PT pool and the frames the last
 * input dirtied, uvm_create.  The PMAP_MAP_POOLPAGE variant is a field of
 * the instance config, so switching it is free: it is written into the
 * host's uvm_config before the instance is re-created.
 *
 * Translation of vocabularies (pmodel -> harness):
 *	PMODEL_OK		HACC_OK
 *	PMODEL_STALE_TLB	HACC_STALE
 *	any PMODEL_FAULT_*	HACC_FAULT
 *	PTE RW/US/NX/G		HMAP_WRITE/USER/NX/GLOBAL
 *	PMODEL_CAUGHT_PANIC	HCALL_PANIC
 *	PMODEL_CAUGHT_WOULDBLOCK HCALL_WOULDBLOCK
 *
 * Example: a WAITVA alloc on a full kernel_map makes the core call
 * uvm_platform_wait(UVM_WAIT_VA, map); the pmodel host calls hm_wait
 * below, which asks harness_wait; if the harness can drain the KVA cache
 * it returns and the core retries, otherwise hm_wait throws
 * "would block: ..." to the catch point of the host->call running the op.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_host.h"
#include "smp_host.h"

struct hmodel {
	struct harness		*h;
	struct pmodel_host	*ph;		/* the current shape's */
	/* one host per instance shape, built on first use */
	struct pmodel_host	*shapes[KM_NSHAPES];
	struct pmodel_params	params;		/* shape 0's */
};

/* The pmodel parameters of shape n, from the default ones. */
static void
hm_shape_params(const struct pmodel_params *base, unsigned int n,
    struct pmodel_params *p)
{
	const struct km_shape *s = km_shape(n);

	*p = *base;
	p->ncolors = s->ncolors;
	p->nseg = s->nseg;
	p->reserve_kernel = s->reserve_kernel;
	p->reserve_pagedaemon = s->reserve_pagedaemon;
	p->nswap = s->nswap;
	p->max_map_entries = s->max_map_entries;
	switch (s->kva) {
	case KM_KVA_TOP:
		/* the last 64 MiB below 2^64, but its very last page, with
		 * no kernel pages reserved below kva_start (uvm_km_init's
		 * other case) */
		p->kva_max = (vaddr_t)0 - PAGE_SIZE;
		p->kva_min = p->kva_max - HARNESS_MODEL_KVA_SIZE + PAGE_SIZE;
		p->kva_start = p->kva_min;
		break;
	case KM_KVA_SMALL:
		p->kva_max = p->kva_min + ((vsize_t)4 << 20);
		break;
	default:
		break;
	}
}

static struct pmap *
hm_pmap(void *ctx)
{
	return ((struct hmodel *)ctx)->ph->pmap;
}

static int
hm_fault(int r)
{
	if (r == PMODEL_OK)
		return HACC_OK;
	return r == PMODEL_STALE_TLB ? HACC_STALE : HACC_FAULT;
}

/* The pmodel wait callback: the harness's policy, or a would-block. */
static void
hm_wait(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	struct harness *h = arg;
	char msg[PMODEL_CATCH_MSGLEN];

	(void)uvm;
	msg[0] = '\0';
	if (!harness_wait(h, why, what, wmesg, msg, sizeof(msg))) {
		if (msg[0] == '\0')
			snprintf(msg, sizeof(msg), "would block: wait \"%s\" "
			    "on %p", wmesg != NULL ? wmesg : "?", what);
		pmodel_wouldblockf("%s", msg);
	}
}

/* The lock order of this host's current instance. */
static int
hm_lock_rank(void *arg, const kmutex_t *mtx, char *name, size_t len)
{
	const struct hmodel *m = arg;

	return harness_lock_rank(m->ph != NULL ? m->ph->uvm : NULL, mtx, name,
	    len);
}

static int
hm_lock_order(void *ctx, char *why, size_t len)
{
	(void)ctx;
	return pmodel_lock_order_check(why, len);
}

/*
 * reset: a fresh instance in the requested pool-page variant.
 * => NULL if uvm_create failed (pmodel_host_reset said why on stderr).
 */
static struct uvm *
hm_reset(void *ctx, const struct harness_instance *inst, char *msg,
    size_t len, bool *elsewhere)
{
	struct hmodel *m = ctx;
	unsigned int shape = inst->shape;
	bool poolpage_direct_map = inst->poolpage_direct_map;

	*elsewhere = false;	/* the model builds every instance there is */
	/* no ranks while instances change; nothing held, nothing pending */
	pmodel_set_lock_rank(NULL, NULL);
	pmodel_locks_forget();
	(void)pmodel_lock_order_check(msg, len);
	msg[0] = '\0';
	if (shape >= KM_NSHAPES) {
		snprintf(msg, len, "no shape %u (0..%d)", shape, KM_NSHAPES - 1);
		return NULL;
	}
	if (m->shapes[shape] == NULL) {
		struct pmodel_params p;
		hm_shape_params(&m->params, shape, &p);
		m->shapes[shape] = pmodel_host_create(&p);
		if (m->shapes[shape] == NULL) {
			snprintf(msg, len, "the pmap model cannot build shape "
			    "%u", shape);
			return NULL;
		}
		pmodel_host_set_wait(m->shapes[shape], hm_wait, m->h);
	}
	m->ph = m->shapes[shape];
	m->ph->cfg.poolpage_direct_map = poolpage_direct_map;
	m->ph->params.poolpage_direct_map = poolpage_direct_map;
	m->ph->cfg.poolpage_free_noupdate = inst->poolpage_free_noupdate;
	if (pmodel_host_reset(m->ph) != 0)
		return NULL;
	pmodel_set_ncpus(m->ph->pmap, inst->ncpus != 0 ? inst->ncpus : 1);
	pmodel_set_lock_rank(hm_lock_rank, m);
	return m->ph->uvm;
}

static int
hm_access(void *ctx, vaddr_t va, bool write, bool exec)
{
	return hm_fault(pmodel_access(hm_pmap(ctx), va, write, exec, NULL));
}

static int
hm_read(void *ctx, vaddr_t va, void *buf, size_t len)
{
	return hm_fault(pmodel_read(hm_pmap(ctx), va, buf, len));
}

static int
hm_write(void *ctx, vaddr_t va, const void *buf, size_t len)
{
	return hm_fault(pmodel_write(hm_pmap(ctx), va, buf, len));
}

struct hm_walk {
	harness_mapping_cb	cb;
	void			*arg;
};

static int
hm_walk_one(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	struct hm_walk *w = arg;

	return w->cb(w->arg, va, pa, harness_hmap_of_pte(pte));
}

static int
hm_foreach_mapping(void *ctx, vaddr_t sva, vaddr_t eva, harness_mapping_cb cb,
    void *arg)
{
	struct hm_walk w = { .cb = cb, .arg = arg };

	return pmodel_foreach_range(hm_pmap(ctx), sva, eva, hm_walk_one, &w);
}

/*
 * mmu_check: nothing waits for pmap_update, no TLB entry grants more
 * than the tables; `full' adds the whole-table walk.
 */
static int
hm_mmu_check(void *ctx, bool full, char *why, size_t len)
{
	struct pmap *pm = hm_pmap(ctx);

	/*
	 * After every op: nothing may wait for pmap_update (the exact,
	 * deterministic test for a missing update).  The TLB walk and the
	 * whole-table walk run with the full checks; a stale entry the
	 * harness actually uses is caught at once by pmodel_access anyway.
	 * A VA entered again while a TLB still held it (reuse) names the
	 * CPUs and frames, so it goes first.
	 */
	if (pmodel_reuse_check(pm, why, len) != 0)
		return -1;
	if (pmodel_pending_check(pm, why, len) != 0)
		return -1;
	if (!full)
		return 0;
	if (pmodel_tlb_check(pm, why, len) != 0)
		return -1;
	return pmodel_sanity(pm, why, len);
}

static int
hm_call(void *ctx, void (*fn)(void *), void *arg, char *msg, size_t len)
{
	struct pmodel_catch c;
	int kind;

	(void)ctx;
	kind = pmodel_catch_call(&c, fn, arg);
	if (kind == PMODEL_CAUGHT_NONE)
		return HCALL_OK;
	if (msg != NULL && len > 0)
		snprintf(msg, len, "%s", c.cc_msg);
	return kind == PMODEL_CAUGHT_WOULDBLOCK ? HCALL_WOULDBLOCK :
	    HCALL_PANIC;
}

static void
hm_smp_run(void *ctx, struct harness *h)
{
	smp_host_run(((struct hmodel *)ctx)->ph, h);
}

static unsigned long
hm_wakeups(void *ctx, const void *chan)
{
	return pmodel_host_wakeups(((struct hmodel *)ctx)->ph, chan);
}

static void
hm_swap_io(void *ctx, unsigned long *reads, unsigned long *writes)
{
	pmodel_host_swap_io(((struct hmodel *)ctx)->ph, reads, writes);
}

static void
hm_page_counts(void *ctx, struct harness_page_counts *c)
{
	pmodel_page_counts(pmodel_host_pmap(((struct hmodel *)ctx)->ph),
	    &c->allocs, &c->last_alloc, &c->enters, &c->frees);
}

static bool
hm_hold_lock(void *ctx, kmutex_t *m)
{
	(void)ctx;
	return pmodel_hold_lock(m);
}

/* => tolerant: releasing a lock not held elsewhere is a no-op. */
static void
hm_release_lock(void *ctx, kmutex_t *m)
{
	(void)ctx;
	if (pmodel_lock_held_elsewhere(m))
		pmodel_release_lock(m);
}

void
harness_model_params(struct pmodel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->npages = HARNESS_MODEL_NPAGES;
	p->nseg = HARNESS_MODEL_NSEG;
	p->ncolors = HARNESS_MODEL_NCOLORS;
	p->nswap = HARNESS_MODEL_NSWAP;
	p->kva_min = PMODEL_DEF_KVA_MIN;
	p->kva_max = PMODEL_DEF_KVA_MIN + HARNESS_MODEL_KVA_SIZE;
	p->max_map_entries = HARNESS_MODEL_MAPENTRIES;
	p->max_submaps = HARNESS_MODEL_SUBMAPS;
	p->max_pool_pages = HARNESS_MODEL_POOLPAGES;
	p->reserve_kernel = HARNESS_MODEL_RESERVE_KERNEL;
	p->reserve_pagedaemon = HARNESS_MODEL_RESERVE_PDAEMON;
	p->ncpus = KM_MAX_CPUS;		/* TLBs; a run uses as many as it has */
}

struct harness *
harness_model_create_params(const struct harness_config *cfg,
    const struct pmodel_params *params)
{
	struct pmodel_params p;
	struct harness_host host;
	struct hmodel *m;
	struct harness *h;

	if (params != NULL)
		p = *params;
	else
		harness_model_params(&p);
	p.poolpage_direct_map = cfg->poolpage_direct_map;
	h = calloc(1, sizeof(*h));
	m = calloc(1, sizeof(*m));
	if (h == NULL || m == NULL) {
		fprintf(stderr, "harness_model_create: out of memory\n");
		goto fail;
	}
	m->h = h;
	m->params = p;
	m->ph = m->shapes[0] = pmodel_host_create(&p);
	if (m->ph == NULL)
		goto fail;
	pmodel_host_set_wait(m->ph, hm_wait, h);

	memset(&host, 0, sizeof(host));
	host.ctx = m;
	host.reset = hm_reset;
	host.access = hm_access;
	host.read = hm_read;
	host.write = hm_write;
	host.foreach_mapping = hm_foreach_mapping;
	host.mmu_check = hm_mmu_check;
	host.call = hm_call;
	host.hold_lock = hm_hold_lock;
	host.release_lock = hm_release_lock;
	host.wakeups = hm_wakeups;
	host.lock_order = hm_lock_order;
	host.swap_io = hm_swap_io;
	host.page_counts = hm_page_counts;
	host.smp_run = hm_smp_run;
	harness_init(h, &host, cfg);
	return h;
fail:
	free(m);
	free(h);
	return NULL;
}

struct harness *
harness_model_create(const struct harness_config *cfg)
{
	return harness_model_create_params(cfg, NULL);
}

void
harness_model_destroy(struct harness *h)
{
	struct hmodel *m;

	if (h == NULL)
		return;
	m = h->host.ctx;
	pmodel_set_lock_rank(NULL, NULL);	/* it may name m */
	for (unsigned int i = 0; i < KM_NSHAPES; i++)
		pmodel_host_destroy(m->shapes[i]);
	free(m);
	free(h);
}

struct pmodel_host *
harness_model_pmodel(struct harness *h)
{
	return ((struct hmodel *)h->host.ctx)->ph;
}
