/*
 * stress_tsan.c: several threads free-running on ONE instance, built
 * with -fsanitize=thread (meson -Db_sanitize=thread): ThreadSanitizer
 * judges the core's locking, the threads judge what they got back.
 *
 *	stress_tsan [--threads N] [--rounds R] [--ops K] [--seed S]
 *
 * Layout (one pmodel host, made by pmodel_host_create: every lock is
 * initialized afresh, never copied from a snapshot, which TSan rejects):
 *
 *	kernel_map  64 MiB, KVA cache "kvakernel"	WIRED PAGEABLE VAONLY pool
 *	sub	    4 MiB submap, KVA cache "kvasub"	WIRED PAGEABLE VAONLY pool
 *	tight	    64-page interrupt-safe submap	WIRED VAONLY (VA is short)
 *	640 pages of RAM, kernel reserve 16, 256 swap slots
 *
 * Each thread owns its handles and nothing else: it allocates, frees,
 * touches (writes a pattern, reads it back, faulting pageable pages in),
 * removes pages behind its pageable memory, pages out (anyone's pages),
 * drains a cache, zeroes idle pages and injects page-allocation
 * failures, in a random mix from its own seed.  Each allocation is
 * checked: wired and pool pages mapped, ZERO pages read zero, VA-only
 * memory unmapped, every page's last pattern survives pageout and
 * fault-in, pgremove'd pages come back zero.
 *
 * Waiting, without deadlock: a thread may sleep (WAITVA, a wired
 * allocation that waits for pages, a pool page with waitok) only while
 * it holds nothing, or (a fault) only the allocation it touches, a few
 * pages; holding more it uses NOWAIT, faults with nowait and runs the
 * pageout itself when memory is short.  Sleepers
 * therefore only wait for threads that will free (each frees all it
 * has before a round ends), so every sleep ends with a wakeup.
 *
 * Rounds: K ops per thread, everything freed, a barrier; at that
 * quiescent point the main thread runs the core's checkers
 * (uvm_map_sanity on each map, uvm_page_sanity, uao_sanity,
 * pool_sanity) and the pmap model's, and counts what must be back
 * (every page free, no swap slot, entries = boot + caches); then the
 * next round.  At the end, one lock rule fails on purpose: an object
 * page allocated while another thread holds the object lock.
 *
 * The pmap model is single-threaded (one TLB, one page-table pool): the
 * link wraps every pmap(9) call the core makes (-Wl,--wrap) to take one
 * pmap lock, as a kernel pmap locks itself; the threads' own accesses
 * take it too.  It is the innermost lock of all.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

#define MAXTHREADS	4
#define MAXHANDLES	16
#define MAXPAGES	8
#define NPAGES		640
#define TIGHT_PAGES	64
#define SUB_SIZE	((vsize_t)4 << 20)

/* ---- the pmap lock: every pmap(9) call the core makes goes through it */

/* recursive: a wrapped call never needs it twice today, but may */
static pthread_mutex_t pmap_mtx = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

#define PMAP_LOCKED(call) do {						\
	pthread_mutex_lock(&pmap_mtx);					\
	call;								\
	pthread_mutex_unlock(&pmap_mtx);				\
} while (0)

void	__real_pmap_kenter_pa(struct pmap *, vaddr_t, paddr_t, vm_prot_t,
	    unsigned int);
void	__real_pmap_kremove(struct pmap *, vaddr_t, vsize_t);
int	__real_pmap_enter(struct pmap *, vaddr_t, paddr_t, vm_prot_t,
	    unsigned int);
void	__real_pmap_remove(struct pmap *, vaddr_t, vaddr_t);
bool	__real_pmap_extract(struct pmap *, vaddr_t, paddr_t *);
void	__real_pmap_update(struct pmap *);
void	__real_pmap_zero_page(struct pmap *, paddr_t);
void	__real_pmap_copy_page(struct pmap *, paddr_t, paddr_t);
vaddr_t	__real_pmap_map_poolpage(struct pmap *, paddr_t);
paddr_t	__real_pmap_unmap_poolpage(struct pmap *, vaddr_t);
void	__real_pmap_page_freed(struct pmap *, paddr_t);
void	__real_pmap_page_allocated(struct pmap *, paddr_t);
/* the frames, as the host's swap device reaches them */
void	*__real_pmodel_phys(struct pmap *, paddr_t);
bool	__real_pmodel_frame_is_free(const struct pmap *, paddr_t);
bool	__real_pmodel_frame_is_managed(const struct pmap *, paddr_t);

void	__wrap_pmap_kenter_pa(struct pmap *, vaddr_t, paddr_t, vm_prot_t,
	    unsigned int);
void	__wrap_pmap_kremove(struct pmap *, vaddr_t, vsize_t);
int	__wrap_pmap_enter(struct pmap *, vaddr_t, paddr_t, vm_prot_t,
	    unsigned int);
void	__wrap_pmap_remove(struct pmap *, vaddr_t, vaddr_t);
bool	__wrap_pmap_extract(struct pmap *, vaddr_t, paddr_t *);
void	__wrap_pmap_update(struct pmap *);
void	__wrap_pmap_zero_page(struct pmap *, paddr_t);
void	__wrap_pmap_copy_page(struct pmap *, paddr_t, paddr_t);
vaddr_t	__wrap_pmap_map_poolpage(struct pmap *, paddr_t);
paddr_t	__wrap_pmap_unmap_poolpage(struct pmap *, vaddr_t);
void	__wrap_pmap_page_freed(struct pmap *, paddr_t);
void	__wrap_pmap_page_allocated(struct pmap *, paddr_t);
void	*__wrap_pmodel_phys(struct pmap *, paddr_t);
bool	__wrap_pmodel_frame_is_free(const struct pmap *, paddr_t);
bool	__wrap_pmodel_frame_is_managed(const struct pmap *, paddr_t);

void
__wrap_pmap_kenter_pa(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t p,
    unsigned int f)
{
	PMAP_LOCKED(__real_pmap_kenter_pa(pm, va, pa, p, f));
}

void
__wrap_pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t size)
{
	PMAP_LOCKED(__real_pmap_kremove(pm, va, size));
}

int
__wrap_pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t p,
    unsigned int f)
{
	int r;

	PMAP_LOCKED(r = __real_pmap_enter(pm, va, pa, p, f));
	return r;
}

void
__wrap_pmap_remove(struct pmap *pm, vaddr_t s, vaddr_t e)
{
	PMAP_LOCKED(__real_pmap_remove(pm, s, e));
}

bool
__wrap_pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	bool r;

	PMAP_LOCKED(r = __real_pmap_extract(pm, va, pap));
	return r;
}

void
__wrap_pmap_update(struct pmap *pm)
{
	PMAP_LOCKED(__real_pmap_update(pm));
}

void
__wrap_pmap_zero_page(struct pmap *pm, paddr_t pa)
{
	PMAP_LOCKED(__real_pmap_zero_page(pm, pa));
}

void
__wrap_pmap_copy_page(struct pmap *pm, paddr_t s, paddr_t d)
{
	PMAP_LOCKED(__real_pmap_copy_page(pm, s, d));
}

vaddr_t
__wrap_pmap_map_poolpage(struct pmap *pm, paddr_t pa)
{
	vaddr_t r;

	PMAP_LOCKED(r = __real_pmap_map_poolpage(pm, pa));
	return r;
}

paddr_t
__wrap_pmap_unmap_poolpage(struct pmap *pm, vaddr_t va)
{
	paddr_t r;

	PMAP_LOCKED(r = __real_pmap_unmap_poolpage(pm, va));
	return r;
}

void
__wrap_pmap_page_freed(struct pmap *pm, paddr_t pa)
{
	PMAP_LOCKED(__real_pmap_page_freed(pm, pa));
}

void
__wrap_pmap_page_allocated(struct pmap *pm, paddr_t pa)
{
	PMAP_LOCKED(__real_pmap_page_allocated(pm, pa));
}

/*
 * The swap device copies a page through pmodel_phys, which marks the
 * frame dirty in the model: that bookkeeping takes the pmap lock too.
 * The copy itself needs none: the page is the pageout's (or the
 * fault's) under the object lock, and whoever wrote it last did so
 * under the pmap lock before its mapping went.
 */
void *
__wrap_pmodel_phys(struct pmap *pm, paddr_t pa)
{
	void *r;

	PMAP_LOCKED(r = __real_pmodel_phys(pm, pa));
	return r;
}

bool
__wrap_pmodel_frame_is_free(const struct pmap *pm, paddr_t pa)
{
	bool r;

	PMAP_LOCKED(r = __real_pmodel_frame_is_free(pm, pa));
	return r;
}

bool
__wrap_pmodel_frame_is_managed(const struct pmap *pm, paddr_t pa)
{
	bool r;

	PMAP_LOCKED(r = __real_pmodel_frame_is_managed(pm, pa));
	return r;
}

/* ---- the world ------------------------------------------------------- */

enum { H_FREE = 0, H_WIRED, H_PAGEABLE, H_VAONLY, H_POOL };
static const char *const kind_name[] = { "-", "wired", "pageable",
    "va-only", "pool page" };

struct handle {
	int		kind;
	struct vm_map	*map;
	vaddr_t		va;
	unsigned int	npages;
	uint32_t	expect[MAXPAGES];	/* word 0 of each page */
};

struct stress_thread {
	pthread_t	tid;
	unsigned int	id;
	uint64_t	rng;
	struct handle	h[MAXHANDLES];
	unsigned int	nheld;
	uint32_t	pattern;
	/* results, read by main after the barrier */
	unsigned long	nops, nallocs, nfails_ok, nfaults, nunverified;
	unsigned long	nerrors;
	char		first_error[256];
};

static struct {
	struct pmodel_host	*host;
	struct uvm		*uvm;
	struct pmap		*pmap;
	struct vm_map		*kmap, *sub, *tight;
	unsigned int		nthreads, rounds, ops;
	pthread_barrier_t	done, go;
	struct stress_thread	t[MAXTHREADS];
} W;

static uint64_t
rnd(struct stress_thread *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int
below(struct stress_thread *t, unsigned int n)
{
	return (unsigned int)(rnd(t) % n);
}

__attribute__((format(printf, 2, 3)))
static void
fail(struct stress_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (t->nerrors++ == 0) {
		va_start(ap, fmt);
		vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
		va_end(ap);
		fprintf(stderr, "thread %u: %s\n", t->id, t->first_error);
	}
}

/* ---- memory access through the pmap model ----------------------------- */

/*
 * Read or write word 0 of the page at va.  Pageable memory that is not
 * mapped (never touched, paged out, a pageout of another thread half
 * done) is faulted in, without sleeping: short of memory, this thread
 * runs the pageout itself and tries again.
 * => 0, or -1 if the page could not be had (not an error for pageable).
 */
static int
access_word(struct stress_thread *t, const struct handle *hd, vaddr_t va,
    uint32_t *w, bool write)
{
	for (int tries = 0; tries < 200; tries++) {
		int rc;

		pthread_mutex_lock(&pmap_mtx);
		rc = write ? pmodel_write(W.pmap, va, w, sizeof(*w)) :
		    pmodel_read(W.pmap, va, w, sizeof(*w));
		pthread_mutex_unlock(&pmap_mtx);
		if (rc == PMODEL_OK)
			return 0;
		if (hd->kind != H_PAGEABLE || (rc != PMODEL_FAULT_NOTPRESENT &&
		    rc != PMODEL_STALE_TLB)) {
			fail(t, "%s 0x%lx: %s of va 0x%lx: %s",
			    kind_name[hd->kind], (unsigned long)hd->va,
			    write ? "write" : "read", (unsigned long)va,
			    pmodel_fault_name(rc));
			return -1;
		}
		if (rc == PMODEL_STALE_TLB) {
			/* another CPU's pageout is between remove and update */
			sched_yield();
			continue;
		}
		/*
		 * Holding only this allocation, the fault may sleep (for an
		 * injected page shortage): its map changes meanwhile, so it
		 * must look its entry up again.
		 */
		t->nfaults++;
		int e = uvm_fault(hd->map, va, write ? VM_PROT_WRITE :
		    VM_PROT_READ, t->nheld > 1);
		if (e == ENOMEM || e == EBUSY) {
			uvm_pageout(W.uvm, 8);
			sched_yield();
		} else if (e != 0) {
			fail(t, "uvm_fault(0x%lx) of a live pageable page: %d",
			    (unsigned long)va, e);
			return -1;
		}
	}
	t->nunverified++;
	return -1;
}

/* Check word 0 of every page against what this thread last put there. */
static void
verify(struct stress_thread *t, const struct handle *hd, unsigned int i)
{
	uint32_t w = 0;

	if (hd->kind == H_VAONLY) {
		if (pmap_extract(W.pmap, hd->va + ptoa(i), NULL))
			fail(t, "va-only 0x%lx: page %u is mapped",
			    (unsigned long)hd->va, i);
		return;
	}
	if (access_word(t, hd, hd->va + ptoa(i), &w, false) != 0)
		return;
	if (w != hd->expect[i])
		fail(t, "%s 0x%lx page %u reads 0x%08x, wrote 0x%08x",
		    kind_name[hd->kind], (unsigned long)hd->va, i, w,
		    hd->expect[i]);
}

static void
stamp(struct stress_thread *t, struct handle *hd, unsigned int i)
{
	uint32_t w = ((t->id + 1) << 24) | (++t->pattern & 0xffffff);

	if (access_word(t, hd, hd->va + ptoa(i), &w, true) == 0)
		hd->expect[i] = w;
}

/* ---- ops -------------------------------------------------------------- */

static struct handle *
free_slot(struct stress_thread *t)
{
	for (unsigned int i = 0; i < MAXHANDLES; i++)
		if (t->h[i].kind == H_FREE)
			return &t->h[i];
	return NULL;
}

static struct handle *
some_handle(struct stress_thread *t)
{
	if (t->nheld == 0)
		return NULL;
	unsigned int k = below(t, t->nheld);
	for (unsigned int i = 0; i < MAXHANDLES; i++)
		if (t->h[i].kind != H_FREE && k-- == 0)
			return &t->h[i];
	return NULL;
}

static void
op_alloc(struct stress_thread *t)
{
	struct handle *hd = free_slot(t);
	bool may_sleep = t->nheld == 0;
	unsigned int r = below(t, 10);

	if (hd == NULL)
		return;
	memset(hd, 0, sizeof(*hd));
	if (r < 2) {
		/* a pool page: the KVA cache and the page allocator */
		hd->map = below(t, 2) ? W.kmap : W.sub;
		hd->va = uvm_km_alloc_poolpage_cache(hd->map, may_sleep);
		hd->npages = 1;
		hd->kind = H_POOL;
	} else {
		static const int kinds[] = { H_WIRED, H_WIRED, H_PAGEABLE,
		    H_PAGEABLE, H_VAONLY };
		uvm_flag_t fl;

		hd->kind = kinds[below(t, 5)];
		hd->npages = 1u << below(t, 4);		/* 1, 2, 4, 8 */
		hd->map = r < 5 ? W.kmap : r < 8 ? W.sub : W.tight;
		if (hd->map == W.tight && hd->kind == H_PAGEABLE)
			hd->kind = H_WIRED;	/* interrupt-safe map */
		fl = hd->kind == H_WIRED ? UVM_KMF_WIRED :
		    hd->kind == H_PAGEABLE ? UVM_KMF_PAGEABLE : UVM_KMF_VAONLY;
		if (below(t, 3) == 0)
			fl |= UVM_KMF_ZERO;
		if (!may_sleep)
			fl |= UVM_KMF_NOWAIT;
		else if (hd->map == W.tight)
			fl |= UVM_KMF_WAITVA;	/* VA is short: sleep for it */
		else if (below(t, 2))
			fl |= UVM_KMF_CANFAIL;
		hd->va = uvm_km_alloc(hd->map, ptoa(hd->npages),
		    below(t, 4) == 0 ? ptoa(2) : 0, fl);
		if (hd->va != 0 && hd->kind == H_WIRED && (fl & UVM_KMF_ZERO)) {
			for (unsigned int i = 0; i < hd->npages; i++)
				verify(t, hd, i);	/* expect[] is 0 */
		}
	}
	if (hd->va == 0) {
		/* allowed: NOWAIT/CANFAIL, a full map, an injected failure */
		t->nfails_ok++;
		hd->kind = H_FREE;
		return;
	}
	t->nallocs++;
	t->nheld++;
	for (unsigned int i = 0; i < hd->npages; i++) {
		if (hd->kind == H_VAONLY)
			verify(t, hd, i);
		else if (hd->kind != H_PAGEABLE)
			stamp(t, hd, i);	/* wired: mapped now */
		/* pageable: untouched, expect[i] == 0 (zero fill) */
	}
}

static void
op_free(struct stress_thread *t, struct handle *hd)
{
	for (unsigned int i = 0; i < hd->npages; i++)
		verify(t, hd, i);
	switch (hd->kind) {
	case H_POOL:
		uvm_km_free_poolpage_cache(hd->map, hd->va);
		break;
	case H_WIRED:
		uvm_km_free(hd->map, hd->va, ptoa(hd->npages), UVM_KMF_WIRED);
		break;
	case H_PAGEABLE:
		uvm_km_free(hd->map, hd->va, ptoa(hd->npages),
		    UVM_KMF_PAGEABLE);
		break;
	case H_VAONLY:
		uvm_km_free(hd->map, hd->va, ptoa(hd->npages), UVM_KMF_VAONLY);
		break;
	}
	hd->kind = H_FREE;
	t->nheld--;
}

static void
op_touch(struct stress_thread *t, struct handle *hd)
{
	unsigned int i = below(t, hd->npages);

	if (hd->kind == H_VAONLY)
		return;
	verify(t, hd, i);
	stamp(t, hd, i);
}

/* Take the pages behind pageable memory away; they come back zero. */
static void
op_pgremove(struct stress_thread *t, struct handle *hd)
{
	vaddr_t end = hd->va + ptoa(hd->npages);

	if (hd->kind != H_PAGEABLE)
		return;
	pmap_remove(W.pmap, hd->va, end);
	uvm_km_pgremove(W.uvm, hd->va, end);
	pmap_update(W.pmap);
	memset(hd->expect, 0, sizeof(hd->expect));
	(void)t;
}

static void
run_op(struct stress_thread *t)
{
	struct handle *hd = some_handle(t);
	unsigned int r = below(t, 100);

	t->nops++;
	if (r < 30 || hd == NULL)
		op_alloc(t);
	else if (r < 50)
		op_free(t, hd);
	else if (r < 78)
		op_touch(t, hd);
	else if (r < 84)
		op_pgremove(t, hd);
	else if (r < 92)
		uvm_pageout(W.uvm, 1 + below(t, 8));
	else if (r < 94)
		uvm_km_va_drain(below(t, 2) ? W.kmap : W.sub, 0);
	else if (r < 96)
		uvm_pageidlezero(W.uvm, 4);
	else
		uvm_test_fail_pagealloc(W.uvm, 1 + below(t, 4));
}

static void
run_round(void *arg)
{
	struct stress_thread *t = arg;

	for (unsigned int i = 0; i < W.ops; i++)
		run_op(t);
	/* everything back before the quiescent point */
	for (unsigned int i = 0; i < MAXHANDLES; i++)
		if (t->h[i].kind != H_FREE)
			op_free(t, &t->h[i]);
}

static void *
thread_main(void *arg)
{
	struct stress_thread *t = arg;
	struct pmodel_catch c;

	for (unsigned int round = 0; round < W.rounds; round++) {
		if (pmodel_catch_call(&c, run_round, t) != PMODEL_CAUGHT_NONE) {
			/* locks may be held: the others cannot go on */
			fprintf(stderr, "thread %u: round %u: %s: %s\n", t->id,
			    round, c.cc_kind == PMODEL_CAUGHT_WOULDBLOCK ?
			    "would block" : "panic", c.cc_msg);
			fflush(stderr);
			_exit(2);
		}
		pthread_barrier_wait(&W.done);	/* quiescent: main checks */
		pthread_barrier_wait(&W.go);
	}
	return NULL;
}

/* ---- the quiescent point ---------------------------------------------- */

static void
check_quiescent(unsigned int round)
{
	struct uvm *uvm = W.uvm;
	struct pool *pk = &vm_map_to_kernel(W.kmap)->vmk_vacache;
	struct pool *ps = &vm_map_to_kernel(W.sub)->vmk_vacache;
	char why[256];
	bool ok = true;

#define SANE(expr, what) do {						\
	why[0] = '\0';							\
	if ((expr) != 0) {						\
		ok = false;						\
		report(false, "round %u: %s: %s", round, what, why);	\
	}								\
} while (0)
	SANE(uvm_map_sanity(W.kmap, why, sizeof(why)), "kernel_map");
	SANE(uvm_map_sanity(W.sub, why, sizeof(why)), "sub");
	SANE(uvm_map_sanity(W.tight, why, sizeof(why)), "tight");
	SANE(uvm_page_sanity(uvm, why, sizeof(why)), "pages");
	SANE(uao_sanity(uvm->kernel_object, why, sizeof(why)), "object");
	SANE(pool_sanity(pk, why, sizeof(why)), "kvakernel");
	SANE(pool_sanity(ps, why, sizeof(why)), "kvasub");
	SANE(pmodel_sanity(W.pmap, why, sizeof(why)), "pmap");
	SANE(pmodel_pending_check(W.pmap, why, sizeof(why)), "pmap pending");
	SANE(pmodel_tlb_check(W.pmap, why, sizeof(why)), "tlb");
#undef SANE
	report(ok, "round %u: every checker passes at the quiescent point",
	    round);
	/* all freed: what is left is boot, the submaps and cached VA */
	report(uvm->exp.free == uvm->exp.npages && uvm->exp.swpginuse == 0 &&
	    uvm->exp.swpgonly == 0 && uvm->kernel_object->uo_npages == 0,
	    "round %u: every page free, no swap slot (free %u/%u, "
	    "swpginuse %u, resident %u)", round, uvm->exp.free,
	    uvm->exp.npages, uvm->exp.swpginuse,
	    uvm->kernel_object->uo_npages);
	report(W.kmap->nentries == 3 + pk->pr_npages &&
	    W.sub->nentries == ps->pr_npages && W.tight->nentries == 0 &&
	    uvm->ph_inuse == pk->pr_npages + ps->pr_npages,
	    "round %u: map entries are boot + 2 submaps + cached runs "
	    "(%u/%u/%u entries, %u/%u runs, %u headers)", round,
	    W.kmap->nentries, W.sub->nentries, W.tight->nentries,
	    pk->pr_npages, ps->pr_npages, uvm->ph_inuse);
}

/* ---- a lock rule is an assertion, and another thread's lock not ours - */

static pthread_barrier_t holder_bar;

static void *
hold_object_lock(void *arg)
{
	kmutex_t *lock = arg;

	mutex_enter(lock);
	pthread_barrier_wait(&holder_bar);	/* held */
	pthread_barrier_wait(&holder_bar);	/* main is done */
	mutex_exit(lock);
	return NULL;
}

static void
pagealloc_object_page(void *arg)
{
	struct uvm *uvm = arg;

	(void)uvm_pagealloc(uvm, uvm->kernel_object, 0, NULL, 0);
}

static void
check_lock_assertion(void)
{
	struct uvm *uvm = W.uvm;
	kmutex_t *lock = &uvm->kernel_object->vmobjlock;
	struct pmodel_catch c;
	pthread_t holder;
	int kind;

	pthread_barrier_init(&holder_bar, NULL, 2);
	pthread_create(&holder, NULL, hold_object_lock, lock);
	pthread_barrier_wait(&holder_bar);
	kind = pmodel_catch_call(&c, pagealloc_object_page, uvm);
	report(kind == PMODEL_CAUGHT_PANIC && strstr(c.cc_msg, "not locked") &&
	    !mutex_owned(lock), "uvm_pagealloc with the object lock held by "
	    "another thread: \"%s\"", c.cc_msg);
	pthread_barrier_wait(&holder_bar);
	pthread_join(holder, NULL);
	pthread_barrier_destroy(&holder_bar);

	mutex_enter(lock);
	unsigned int nfree = uvm->exp.free;
	struct vm_page *pg = uvm_pagealloc(uvm, uvm->kernel_object, 0, NULL, 0);
	report(pg != NULL && mutex_owned(lock),
	    "uvm_pagealloc with the object lock held by the caller (page %s, "
	    "lock %s, %u pages free before)", pg != NULL ? "given" : "NULL",
	    mutex_owned(lock) ? "still held" : "not held", nfree);
	if (pg != NULL)
		uvm_pagefree(uvm, pg);
	mutex_exit(lock);
}

static unsigned long
arg_num(int argc, char **argv, const char *name, unsigned long def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtoul(argv[i + 1], NULL, 0);
	return def;
}

int
main(int argc, char **argv)
{
	struct pmodel_params p = {
		.npages = NPAGES,
		.nseg = 2,
		.ncolors = 2,
		.nswap = 256,
		.max_map_entries = 4096,
		.max_pool_pages = 256,
		.reserve_kernel = 16,
		.reserve_pagedaemon = 4,
	};
	static struct pmodel_sleep_params sleep_params = {
		.max_sleep_ms = 10000,
	};
	unsigned long seed = arg_num(argc, argv, "--seed", 1);
	vaddr_t min, max;

	W.nthreads = (unsigned int)arg_num(argc, argv, "--threads", 4);
	W.rounds = (unsigned int)arg_num(argc, argv, "--rounds", 6);
	W.ops = (unsigned int)arg_num(argc, argv, "--ops", 300);
	if (W.nthreads < 2 || W.nthreads > MAXTHREADS) {
		fprintf(stderr, "stress_tsan: --threads 2..%d\n", MAXTHREADS);
		return 2;
	}
	report_info("%u threads, %u rounds of %u ops, seed %lu", W.nthreads,
	    W.rounds, W.ops, seed);

	W.host = pmodel_host_create(&p);
	if (W.host == NULL)
		return 2;
	W.uvm = pmodel_host_uvm(W.host);
	W.pmap = pmodel_host_pmap(W.host);
	W.kmap = W.uvm->kernel_map;
	/* every wait really sleeps, as many as it takes */
	pmodel_host_set_wait(W.host, pmodel_wait_sleep, &sleep_params);
	pmodel_host_set_wait_limit(W.host, 0);
	min = 0;
	W.sub = uvm_km_suballoc(W.kmap, &min, &max, SUB_SIZE, VM_MAP_PAGEABLE,
	    false, NULL);
	uvm_km_vacache_init(W.sub, "kvasub", 0);
	min = 0;
	W.tight = uvm_km_suballoc(W.kmap, &min, &max, ptoa(TIGHT_PAGES),
	    VM_MAP_INTRSAFE, false, NULL);

	pmodel_set_free_running(true);	/* before any thread starts */
	pthread_barrier_init(&W.done, NULL, W.nthreads + 1);
	pthread_barrier_init(&W.go, NULL, W.nthreads + 1);
	for (unsigned int i = 0; i < W.nthreads; i++) {
		struct stress_thread *t = &W.t[i];

		t->id = i;
		t->rng = (seed + 1) * 0x9e3779b97f4a7c15ULL + i * 7919 + 1;
		if (pthread_create(&t->tid, NULL, thread_main, t) != 0) {
			fprintf(stderr, "stress_tsan: pthread_create\n");
			return 2;
		}
	}
	for (unsigned int round = 0; round < W.rounds; round++) {
		pthread_barrier_wait(&W.done);
		check_quiescent(round);
		pthread_barrier_wait(&W.go);
	}
	for (unsigned int i = 0; i < W.nthreads; i++)
		pthread_join(W.t[i].tid, NULL);

	unsigned long nsleeps, nwakeups, ntimeouts;
	pmodel_sleep_stats(&nsleeps, &nwakeups, &ntimeouts);
	for (unsigned int i = 0; i < W.nthreads; i++) {
		struct stress_thread *t = &W.t[i];

		report(t->nerrors == 0, "thread %u: %lu ops, %lu allocations "
		    "(%lu allowed failures), %lu faults, %lu pages not "
		    "verified: %lu errors%s%s", i, t->nops, t->nallocs,
		    t->nfails_ok, t->nfaults, t->nunverified, t->nerrors,
		    t->nerrors ? ", first: " : "", t->first_error);
	}
	report_info("sleeps %lu, wakeups %lu, sleeps ended by timeout %lu",
	    nsleeps, nwakeups, ntimeouts);
	check_lock_assertion();
	pmodel_host_destroy(W.host);
	pthread_barrier_destroy(&W.done);
	pthread_barrier_destroy(&W.go);
	return report_summary();
}
