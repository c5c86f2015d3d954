/*
 * uvm_page.c: physical page allocation for one instance.
 *
 * Model.  The host hands the instance up to UVM_MAX_PHYSSEG physical
 * segments; uvm_create gives every page in them a struct vm_page, in one
 * array ordered by address, and puts it on the free list of its color
 * (color = atop(pa) & (ncolors - 1)).  Each color has two queues: pages
 * known to be zero (PGFL_ZEROS, filled only by uvm_pageidlezero) and
 * the rest.  Example with ncolors = 4 and one segment [0x400000,
 * 0x800000): the page at 0x7ff000 is page 1023 of the array and sits on
 * color 3's unknown queue; a COLORMATCH request for kernel-object offset
 * 0x235000 wants color atop(0x235000) & 3 = 1 and only that color.
 *
 * Ownership.  A page leaves the free lists PG_BUSY|PG_FAKE, owned by the
 * caller, who clears PG_BUSY; uvm_pagefree takes it back from whoever
 * holds it, removes it from its object and from the pageable queue.
 *
 * Reserves (as NetBSD): when free <= reserve_kernel only USERESERVE or
 * kernel-object requests succeed; at or below reserve_pagedaemon nobody
 * does (there is no pagedaemon thread to use it).
 *
 * Locks.  uvm.pageqlock guards the free lists, the page queue, every
 * page's pqflags and the page counters of uvmexp; it comes after the
 * kernel object's lock, which guards an object page's identity (hash,
 * offset, flags).  So an object page is allocated and freed with both
 * held: the caller's object lock, then the page queue lock here.  A
 * failed allocation's caller sleeps in uvm_wait on &uvmexp.free, and
 * uvm_pagefree wakes it (pages_wanted), as NetBSD's pagedaemon does.
 */
#include "uvm_priv.h"

#define UVM_PAGE_POISON_OBJ	((struct uvm_object *)(uintptr_t)0xdeadbeefUL)

static inline unsigned int
page_color(const struct uvm *uvm, paddr_t pa)
{
	return (unsigned int)atop(pa) & (uvm->exp.ncolors - 1);
}

/* Put a page on its free list.  => caller holds pageqlock. */
static void
pgfl_insert(struct uvm *uvm, struct vm_page *pg)
{
	int q = (pg->flags & PG_ZERO) ? PGFL_ZEROS : PGFL_UNKNOWN;
	struct pgflist *fl = &uvm->freelist[pg->color];

	KDASSERT(mutex_owned(&uvm->pageqlock));
	pg->pqflags = PQ_FREE;
	pg->qnext = fl->head[q];
	pg->qprev = NULL;
	fl->head[q] = pg;
	fl->count[q]++;
	uvm->exp.free++;
	if (q == PGFL_ZEROS)
		uvm->exp.zeropages++;
}

/*
 * Take the first page of color `c', preferring queue `q'.
 * => caller holds pageqlock.
 */
static struct vm_page *
pgfl_take(struct uvm *uvm, unsigned int c, int q)
{
	struct pgflist *fl = &uvm->freelist[c];

	KDASSERT(mutex_owned(&uvm->pageqlock));
	if (fl->head[q] == NULL)
		q = !q;
	struct vm_page *pg = fl->head[q];
	if (pg == NULL)
		return NULL;
	fl->head[q] = pg->qnext;
	fl->count[q]--;
	uvm->exp.free--;
	if (q == PGFL_ZEROS)
		uvm->exp.zeropages--;
	pg->qnext = NULL;
	pg->pqflags = 0;
	return pg;
}

struct vm_page *
uvm_phys_to_vm_page(struct uvm *uvm, paddr_t pa)
{
	size_t base = 0;

	for (unsigned int i = 0; i < uvm->cfg.nseg; i++) {
		const struct uvm_physseg *s = &uvm->cfg.seg[i];
		if (pa >= s->start && pa < s->end)
			return &uvm->pages[base + atop(pa - s->start)];
		base += atop(s->end - s->start);
	}
	return NULL;
}

/*
 * uvm_pagealloc_strat: take a free page.
 * => obj is NULL or the kernel object, locked by the caller; off page
 *    aligned.
 * => with an object, the page is entered at `off' and queued as pageable.
 * => returns the page PG_BUSY|PG_FAKE (zeroed if UVM_PGA_ZERO), or NULL:
 *    reserve reached, requested color empty (COLORMATCH), or a failure
 *    injected by the harness (test.fail_pagealloc_in).
 */
struct vm_page *
uvm_pagealloc_strat(struct uvm *uvm, struct uvm_object *obj, voff_t off,
    void *anon, int flags, int strat, int free_list)
{
	struct vm_page *pg = NULL;
	bool use_reserve;
	unsigned int color;

	KASSERTMSG(anon == NULL, "uvm_pagealloc: anons are not modelled");
	KASSERTMSG(obj == NULL || obj == uvm->kernel_object,
	    "uvm_pagealloc: unknown object %p", (void *)obj);
	KASSERTMSG(obj == NULL || mutex_owned(&obj->vmobjlock),
	    "uvm_pagealloc: object %p not locked (offset 0x%lx)",
	    (void *)obj, (unsigned long)off);
	KASSERTMSG((off & PAGE_MASK) == 0,
	    "uvm_pagealloc: offset 0x%lx not page aligned", (unsigned long)off);
	KASSERTMSG(strat == UVM_PGA_STRAT_NORMAL ||
	    (strat == UVM_PGA_STRAT_ONLY && free_list == 0),
	    "uvm_pagealloc: bad strategy %d/%d", strat, free_list);

	mutex_enter(&uvm->pageqlock);
	/* The harness' countdown: the n-th allocation from now fails. */
	uvm->test.pagealloc_calls++;
	if (uvm->test.fail_pagealloc_in != 0 &&
	    --uvm->test.fail_pagealloc_in == 0) {
		uvm->exp.pagealloc_fail_injected++;
		goto out;
	}
	use_reserve = (flags & UVM_PGA_USERESERVE) != 0 ||
	    (obj != NULL && obj == uvm->kernel_object);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_RESERVE
	if ((uvm->exp.free <= uvm->exp.reserve_kernel + 1 && !use_reserve) ||
#else
	if ((uvm->exp.free <= uvm->exp.reserve_kernel && !use_reserve) ||
#endif
	    uvm->exp.free <= uvm->exp.reserve_pagedaemon)
		goto out;

#if KMFUZZ_PLANT != KMFUZZ_PLANT_ZEROQUEUE
	int q = (flags & UVM_PGA_ZERO) ? PGFL_ZEROS : PGFL_UNKNOWN;
#else
	int q = PGFL_UNKNOWN;	/* planted: the idle loop's work unused */
#endif
	if (flags & UVM_FLAG_COLORMATCH) {
		color = (unsigned int)atop(off) & (uvm->exp.ncolors - 1);
		pg = pgfl_take(uvm, color, q);
	} else {
		/* Any color, starting where the last allocation stopped. */
		for (unsigned int i = 0; i < uvm->exp.ncolors && pg == NULL;
		    i++) {
			color = (uvm->nextcolor + i) & (uvm->exp.ncolors - 1);
			pg = pgfl_take(uvm, color, q);
		}
	}
	if (pg == NULL) {
		if (flags & UVM_FLAG_COLORMATCH)
			uvm->exp.colormiss++;
		goto out;
	}
	uvm->exp.colorhit++;
	uvm->nextcolor = (pg->color + 1) & (uvm->exp.ncolors - 1);

	bool zeroit = false;
	if (flags & UVM_PGA_ZERO) {
		if (pg->flags & PG_ZERO) {
#if KMFUZZ_PLANT == KMFUZZ_PLANT_ZEROCOUNT
			uvm->exp.pga_zeromiss++;	/* planted */
#else
			uvm->exp.pga_zerohit++;
#endif
		} else {
			uvm->exp.pga_zeromiss++;
			zeroit = true;
		}
	}
	pg->flags = PG_BUSY | PG_FAKE;
	pg->owner_tag = "new alloc";
	pg->uobject = NULL;
	pg->offset = off;
	if (obj != NULL) {
		pg->uobject = obj;
		uvm_pageinsert(obj, pg);
		/* Pageable kernel pages go on the queue the pageout scans. */
		pg->pqflags = PQ_ACTIVE;
		pg->qprev = uvm->pageq_tail;
		pg->qnext = NULL;
		if (uvm->pageq_tail != NULL)
			uvm->pageq_tail->qnext = pg;
		else
			uvm->pageq_head = pg;
		uvm->pageq_tail = pg;
		uvm->pageq_count++;
		uvm->exp.objpages++;
	} else {
		uvm->exp.wired++;
	}
out:
	mutex_exit(&uvm->pageqlock);
	if (pg == NULL)
		return NULL;
	pmap_page_allocated(uvm->pmap, pg->phys_addr);
	if (zeroit)
		pmap_zero_page(uvm->pmap, pg->phys_addr);
	return pg;
}

/*
 * uvm_pagefree: give a page back.
 * => pg is allocated (not PQ_FREE) and not busy with someone waiting.
 * => an object page's object is locked by the caller.
 * => its mappings are already gone (the caller unmapped it).
 */
void
uvm_pagefree(struct uvm *uvm, struct vm_page *pg)
{
	bool wake;

	KASSERTMSG(pg != NULL, "uvm_pagefree: NULL page");
	KASSERTMSG((pg->pqflags & PQ_FREE) == 0,
	    "uvm_pagefree: page 0x%lx is already free",
	    (unsigned long)pg->phys_addr);
	KASSERTMSG(pg->uobject == NULL || mutex_owned(&pg->uobject->vmobjlock),
	    "uvm_pagefree: page 0x%lx: its object %p is not locked",
	    (unsigned long)pg->phys_addr, (void *)pg->uobject);
	KASSERTMSG((pg->flags & PG_WANTED) == 0,
	    "uvm_pagefree: page 0x%lx has a waiter",
	    (unsigned long)pg->phys_addr);

	/*
	 * Tell the host while the page is still ours: once it is on a free
	 * list another CPU may allocate it (and tell the host so) at once.
	 */
	pmap_page_freed(uvm->pmap, pg->phys_addr);
	mutex_enter(&uvm->pageqlock);
	if (pg->uobject != NULL) {
		uvm_pageremove(pg->uobject, pg);
		KASSERT(pg->pqflags & PQ_ACTIVE);
		if (pg->qprev != NULL)
			pg->qprev->qnext = pg->qnext;
		else
			uvm->pageq_head = pg->qnext;
		if (pg->qnext != NULL)
			pg->qnext->qprev = pg->qprev;
		else
			uvm->pageq_tail = pg->qprev;
		uvm->pageq_count--;
		uvm->exp.objpages--;
	} else {
		uvm->exp.wired--;
	}
	pg->uobject = UVM_PAGE_POISON_OBJ;
	pg->offset = 0;
	pg->flags = 0;		/* contents unknown from now on */
	pg->owner_tag = NULL;
	pgfl_insert(uvm, pg);
	wake = uvm->pages_wanted;
	uvm->pages_wanted = false;
	if (wake)
		uvm_platform_wakeup(uvm, &uvm->exp.free);
	mutex_exit(&uvm->pageqlock);
}

void
uvm_page_unbusy(struct uvm *uvm, struct vm_page *pg)
{
	struct uvm_object *uobj = pg->uobject;
	bool locked = uobj == NULL || mutex_owned(&uobj->vmobjlock);

	if (!locked)
		mutex_enter(&uobj->vmobjlock);
	KASSERTMSG(pg->flags & PG_BUSY, "uvm_page_unbusy: page 0x%lx not busy",
	    (unsigned long)pg->phys_addr);
	bool wanted = (pg->flags & PG_WANTED) != 0;
	pg->flags &= ~(PG_BUSY | PG_WANTED);
	pg->owner_tag = NULL;
	if (wanted)
		uvm_platform_wakeup(uvm, pg);
	if (!locked)
		mutex_exit(&uobj->vmobjlock);
}

unsigned int
uvm_pageidlezero(struct uvm *uvm, unsigned int n)
{
	unsigned int done = 0;
	bool progress = true;

	/* Round robin over the colors, so every color gains zero pages. */
	mutex_enter(&uvm->pageqlock);
	while (done < n && progress) {
		progress = false;
		for (unsigned int c = 0; c < uvm->exp.ncolors && done < n; c++) {
			struct pgflist *fl = &uvm->freelist[c];
			struct vm_page *pg = fl->head[PGFL_UNKNOWN];
			if (pg == NULL)
				continue;
			fl->head[PGFL_UNKNOWN] = pg->qnext;
			fl->count[PGFL_UNKNOWN]--;
			uvm->exp.free--;
			pmap_page_allocated(uvm->pmap, pg->phys_addr);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_IDLEZERO
			if (atop(pg->phys_addr) & 1)
#endif
			pmap_zero_page(uvm->pmap, pg->phys_addr);
			pmap_page_freed(uvm->pmap, pg->phys_addr);
			pg->flags |= PG_ZERO;
			pgfl_insert(uvm, pg);
			done++;
			progress = true;
		}
	}
	mutex_exit(&uvm->pageqlock);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_IDLEZERO_COUNT
	return n;	/* planted: what was asked, not what was done */
#endif
	return done;
}

void
uvm_wait(struct uvm *uvm, const char *wmesg)
{
	/* The next uvm_pagefree wakes us (NetBSD: uvm_pagedaemon_waiters). */
	mutex_enter(&uvm->pageqlock);
	uvm->pages_wanted = true;
	mutex_exit(&uvm->pageqlock);
	uvm_sleep(uvm, UVM_WAIT_PAGES, &uvm->exp.free, wmesg);
}

bool
uvm_reclaimable(struct uvm *uvm)
{
	unsigned int queued;
	bool room;

	/* Only pageable kernel pages can be reclaimed, and only to swap. */
#if KMFUZZ_PLANT != KMFUZZ_PLANT_LOCKORDER
	mutex_enter(&uvm->pageqlock);
	queued = uvm->pageq_count;
	mutex_exit(&uvm->pageqlock);
	mutex_enter(&uvm->swap_data_lock);
#else
	mutex_enter(&uvm->swap_data_lock);	/* planted: inner lock first */
	mutex_enter(&uvm->pageqlock);
	queued = uvm->pageq_count;
	mutex_exit(&uvm->pageqlock);
#endif
	room = uvm->exp.swpginuse < uvm->exp.swpages;
	mutex_exit(&uvm->swap_data_lock);
	return queued > 0 && room;
}

unsigned long
uvm_test_fail_pagealloc(struct uvm *uvm, unsigned long n)
{
	mutex_enter(&uvm->pageqlock);
	unsigned long old = uvm->test.fail_pagealloc_in;
	uvm->test.fail_pagealloc_in = n;
	mutex_exit(&uvm->pageqlock);
	return old;
}

/* Load the instance's segments: every page free, in address order. */
void
uvm_page_init(struct uvm *uvm)
{
	size_t n = 0;

	for (unsigned int i = 0; i < uvm->cfg.nseg; i++) {
		const struct uvm_physseg *s = &uvm->cfg.seg[i];
		for (paddr_t pa = s->start; pa < s->end; pa += PAGE_SIZE) {
			struct vm_page *pg = &uvm->pages[n++];
			uvm_memset(pg, 0, sizeof(*pg));
			pg->phys_addr = pa;
			pg->color = (uint8_t)page_color(uvm, pa);
			pg->uobject = UVM_PAGE_POISON_OBJ;
		}
	}
	uvm->exp.npages = (unsigned int)n;
	/* Insert high to low so that each list hands out low pages first. */
	mutex_enter(&uvm->pageqlock);
	while (n-- > 0)
		pgfl_insert(uvm, &uvm->pages[n]);
	mutex_exit(&uvm->pageqlock);
}

/*
 * uvm_page_sanity: recount every page state and counter.
 * => at a quiescent point; takes no lock (a held one may be the
 *    harness's "other CPU"'s), changes nothing.
 */
UVM_SANITY int
uvm_page_sanity(struct uvm *uvm, char *why, size_t whylen)
{
	unsigned int nfree = 0, nzero = 0, nobj = 0, nwired = 0, nq = 0;

	for (unsigned int c = 0; c < uvm->exp.ncolors; c++) {
		for (int q = 0; q < 2; q++) {
			unsigned int cnt = 0;
			for (struct vm_page *pg = uvm->freelist[c].head[q];
			    pg != NULL; pg = pg->qnext) {
				if (pg->pqflags != PQ_FREE)
					SANITY_FAIL("pages: page 0x%lx on free "
					    "list %u but pqflags 0x%x",
					    (unsigned long)pg->phys_addr, c,
					    pg->pqflags);
				if (pg->color != c)
					SANITY_FAIL("pages: page 0x%lx of color"
					    " %u on free list %u",
					    (unsigned long)pg->phys_addr,
					    pg->color, c);
				if (((pg->flags & PG_ZERO) != 0) != (q == 1))
					SANITY_FAIL("pages: page 0x%lx on the "
					    "wrong zero queue",
					    (unsigned long)pg->phys_addr);
				if (++cnt > uvm->exp.npages)
					SANITY_FAIL("pages: free list %u/%d "
					    "loops", c, q);
			}
			if (cnt != uvm->freelist[c].count[q])
				SANITY_FAIL("pages: free list %u/%d holds %u "
				    "pages, count says %u", c, q, cnt,
				    uvm->freelist[c].count[q]);
		}
	}
	for (unsigned int i = 0; i < uvm->exp.npages; i++) {
		const struct vm_page *pg = &uvm->pages[i];
		if (pg->pqflags == PQ_FREE) {
			nfree++;
			if (pg->flags & PG_ZERO)
				nzero++;
			if (pg->uobject != UVM_PAGE_POISON_OBJ)
				SANITY_FAIL("pages: free page 0x%lx still names"
				    " an object", (unsigned long)pg->phys_addr);
		} else if (!(pg->flags & PG_BUSY) && pg->owner_tag != NULL) {
			SANITY_FAIL("pages: page 0x%lx is not busy but names "
			    "an owner (\"%s\")", (unsigned long)pg->phys_addr,
			    pg->owner_tag);
		} else if (pg->uobject != NULL) {
			nobj++;
			if (pg->uobject != uvm->kernel_object)
				SANITY_FAIL("pages: page 0x%lx has a bad object"
				    " %p", (unsigned long)pg->phys_addr,
				    (void *)pg->uobject);
			if (uao_lookup(pg->uobject, pg->offset) != pg)
				SANITY_FAIL("pages: page 0x%lx not found in the"
				    " object at offset 0x%lx",
				    (unsigned long)pg->phys_addr,
				    (unsigned long)pg->offset);
			if (pg->pqflags != PQ_ACTIVE)
				SANITY_FAIL("pages: object page 0x%lx not on "
				    "the page queue",
				    (unsigned long)pg->phys_addr);
		} else {
			nwired++;
			if (pg->pqflags != 0)
				SANITY_FAIL("pages: kernel page 0x%lx has "
				    "pqflags 0x%x", (unsigned long)pg->phys_addr,
				    pg->pqflags);
		}
	}
	const struct vm_page *prev = NULL;
	for (const struct vm_page *pg = uvm->pageq_head; pg != NULL;
	    pg = pg->qnext) {
		if (pg->qprev != prev || pg->pqflags != PQ_ACTIVE)
			SANITY_FAIL("pages: page queue broken at 0x%lx",
			    (unsigned long)pg->phys_addr);
		prev = pg;
		if (++nq > uvm->exp.npages)
			SANITY_FAIL("pages: page queue loops");
	}
	if (prev != uvm->pageq_tail)
		SANITY_FAIL("pages: page queue tail is stale");
	if (nq != uvm->pageq_count || nq != nobj)
		SANITY_FAIL("pages: page queue holds %u, count %u, object "
		    "pages %u", nq, uvm->pageq_count, nobj);
	if (nfree != uvm->exp.free)
		SANITY_FAIL("pages: uvmexp.free is %u, recount %u",
		    uvm->exp.free, nfree);
	if (nzero != uvm->exp.zeropages)
		SANITY_FAIL("pages: uvmexp.zeropages is %u, recount %u",
		    uvm->exp.zeropages, nzero);
	if (nobj != uvm->exp.objpages)
		SANITY_FAIL("pages: uvmexp.objpages is %u, recount %u",
		    uvm->exp.objpages, nobj);
	if (nwired != uvm->exp.wired)
		SANITY_FAIL("pages: uvmexp.wired is %u, recount %u",
		    uvm->exp.wired, nwired);
	if (nobj != uvm->kernel_object->uo_npages)
		SANITY_FAIL("pages: kernel object counts %u pages, recount %u",
		    uvm->kernel_object->uo_npages, nobj);
	return 0;
}
