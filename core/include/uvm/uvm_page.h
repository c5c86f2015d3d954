/*
 * uvm_page.h: physical pages, their free lists and the uvmexp counters.
 *
 * Every managed physical page has one struct vm_page, in one array per
 * instance, ordered by physical address across the instance's segments.
 * A page is in exactly one of these states:
 *	free	 pqflags PQ_FREE, on free list [color], uobject NULL
 *	object	 uobject == kernel object, in its hash at `offset'
 *	kernel	 allocated with no object: wired KVA or a pool page
 * Locks: pqflags, qnext/qprev and the free lists belong to the page
 * queue lock; flags, hnext and offset of an object page to its object's
 * lock; a kernel page belongs to whoever allocated it.
 */
#ifndef KMFUZZ_UVM_PAGE_H
#define KMFUZZ_UVM_PAGE_H

#include "uvm_param.h"

struct uvm;
struct uvm_object;

/* vm_page.flags */
#define PG_BUSY		0x0001	/* I/O in progress or being set up */
#define PG_WANTED	0x0002	/* someone waits for PG_BUSY to clear */
#define PG_CLEAN	0x0004	/* contents equal the swap copy */
#define PG_ZERO		0x0008	/* known to read as zero (free pages) */
#define PG_FAKE		0x0010	/* contents not yet valid */

/* vm_page.pqflags */
#define PQ_FREE		0x01	/* on a free list */
#define PQ_ACTIVE	0x02	/* pageable kernel page, on the page queue */

struct vm_page {
	struct vm_page		*qnext, *qprev;	/* free list or page queue */
	struct vm_page		*hnext;		/* object hash chain */
	struct uvm_object	*uobject;
	voff_t			offset;		/* in uobject */
	paddr_t			phys_addr;
	uint16_t		flags;		/* PG_* */
	uint8_t			pqflags;	/* PQ_* */
	uint8_t			color;		/* atop(phys) % ncolors */
	const char		*owner_tag;	/* debug: who made it busy */
};

/* One free list per color, split by whether the pages are known zero. */
#define PGFL_UNKNOWN	0
#define PGFL_ZEROS	1
struct pgflist {
	struct vm_page		*head[2];	/* singly linked via qnext */
	unsigned int		count[2];
};

/*
 * uvmexp: the counters NetBSD keeps, those the kernel-memory layer uses.
 * Each one is recounted from the page array by the pages checker.
 * Locks: [c] constant after create, [q] uvm.pageqlock, [s]
 * uvm.swap_data_lock, [o] the kernel object's vmobjlock.
 */
struct uvmexp {
	unsigned int	npages;		/* [c] managed pages */
	unsigned int	free;		/* [q] on free lists */
	unsigned int	zeropages;	/* [q] free and PG_ZERO */
	unsigned int	wired;		/* [q] kernel state (no object) */
	unsigned int	objpages;	/* [q] in the kernel object */
	unsigned int	reserve_pagedaemon;	/* [c] */
	unsigned int	reserve_kernel;		/* [c] */
	unsigned int	ncolors;		/* [c] */
	unsigned int	colorhit, colormiss;		/* [q] */
	unsigned int	pga_zerohit, pga_zeromiss;	/* [q] */
	unsigned int	swpages;	/* [c] swap slots in all */
	unsigned int	swpginuse;	/* [s] swap slots allocated */
	unsigned int	swpgonly;	/* [s] pages that exist only on swap */
	unsigned int	pageouts, pageins, faults;	/* [o] */
	unsigned int	pagealloc_fail_injected;	/* [q] */
};

/*
 * uvm_pagealloc_strat: take a free page for `obj' at `off' (obj may be
 * NULL for kernel-state pages).
 * => obj locked by the caller (if any); page queue lock not held.
 * => flags: UVM_PGA_USERESERVE, UVM_PGA_ZERO, UVM_FLAG_COLORMATCH.
 * => strat/free_list: accepted for fidelity; one free list per color.
 * => returns the page PG_BUSY|PG_FAKE (cleared by caller) or NULL when
 *    none is allowed (below reserve, no such color, fault injected).
 */
struct vm_page	*uvm_pagealloc_strat(struct uvm *uvm, struct uvm_object *obj,
		    voff_t off, void *anon, int flags, int strat,
		    int free_list);
#define uvm_pagealloc(uvm, obj, off, anon, flags) \
	uvm_pagealloc_strat((uvm), (obj), (off), (anon), (flags), \
	    UVM_PGA_STRAT_NORMAL, 0)

/*
 * uvm_pagefree: => pg not free, nobody waiting on it; its object (if
 * any) locked by the caller, page queue lock not held.  Removed from
 * its object; a uvm_wait sleeper is woken.
 */
void		uvm_pagefree(struct uvm *uvm, struct vm_page *pg);

struct vm_page	*uvm_phys_to_vm_page(struct uvm *uvm, paddr_t pa);
#define PHYS_TO_VM_PAGE(uvm, pa)	uvm_phys_to_vm_page((uvm), (pa))
#define VM_PAGE_TO_PHYS(pg)		((pg)->phys_addr)

/*
 * uvm_wait: sleep until a page is freed (on a single CPU: the host runs
 * the pagedaemon).  => no core lock held; the caller retries.
 */
void		uvm_wait(struct uvm *uvm, const char *wmesg);

/*
 * Could the pagedaemon free anything?  (pageable pages and swap room)
 * => page queue and swap locks not held (takes each in turn).
 */
bool		uvm_reclaimable(struct uvm *uvm);

/*
 * uvm_page_unbusy: the I/O on pg is done: clear PG_BUSY and wake
 * whoever set PG_WANTED.  => an object page's object lock is held by
 * the caller or by nobody (then it is taken here: another CPU's I/O
 * completing, as the harness plays it).
 */
void		uvm_page_unbusy(struct uvm *uvm, struct vm_page *pg);

/*
 * uvm_pageidlezero: zero up to `n' free pages of unknown contents and
 * mark them PG_ZERO (what NetBSD's idle loop does).  => pages zeroed.
 * => page queue lock not held.
 */
unsigned int	uvm_pageidlezero(struct uvm *uvm, unsigned int n);

/*
 * The pages checker: states, lists and every counter. 0 or -1.
 * => at a quiescent point (no other thread in the core); no lock taken.
 */
int		uvm_page_sanity(struct uvm *uvm, char *why, size_t whylen);

#endif /* KMFUZZ_UVM_PAGE_H */
