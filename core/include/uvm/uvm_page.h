/*
 * uvm_page.h: physical pages, their free lists and the uvmexp counters.
 *
 * Every managed physical page has one struct vm_page, in one array per
 * instance, ordered by physical address across the instance's segments.
 * A page is in exactly one of these states:
 *	free	 pqflags PQ_FREE, on free list [color], uobject NULL
 *	object	 uobject == kernel object, in its hash at `offset'
 *	kernel	 allocated with no object: wired KVA or a pool page
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
 */
struct uvmexp {
	unsigned int	npages;		/* managed pages */
	unsigned int	free;		/* on free lists */
	unsigned int	zeropages;	/* free and PG_ZERO */
	unsigned int	wired;		/* kernel state (no object) */
	unsigned int	objpages;	/* in the kernel object */
	unsigned int	reserve_pagedaemon;
	unsigned int	reserve_kernel;
	unsigned int	ncolors;
	unsigned int	colorhit, colormiss;
	unsigned int	pga_zerohit, pga_zeromiss;
	unsigned int	swpages;	/* swap slots in all */
	unsigned int	swpginuse;	/* swap slots allocated */
	unsigned int	swpgonly;	/* pages that exist only on swap */
	unsigned int	pageouts, pageins, faults;
	unsigned int	pagealloc_fail_injected;
};

/*
 * uvm_pagealloc_strat: take a free page for `obj' at `off' (obj may be
 * NULL for kernel-state pages).
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

/* uvm_pagefree: => pg not free, not busy; removed from its object. */
void		uvm_pagefree(struct uvm *uvm, struct vm_page *pg);

struct vm_page	*uvm_phys_to_vm_page(struct uvm *uvm, paddr_t pa);
#define PHYS_TO_VM_PAGE(uvm, pa)	uvm_phys_to_vm_page((uvm), (pa))
#define VM_PAGE_TO_PHYS(pg)		((pg)->phys_addr)

/* Sleep for free pages (the host's pagedaemon runs). */
void		uvm_wait(struct uvm *uvm, const char *wmesg);

/* Could the pagedaemon free anything?  (pageable pages and swap room) */
bool		uvm_reclaimable(struct uvm *uvm);

/* Clear PG_BUSY, waking anyone that waits on it. */
void		uvm_page_unbusy(struct uvm *uvm, struct vm_page *pg);

/*
 * uvm_pageidlezero: zero up to `n' free pages of unknown contents and
 * mark them PG_ZERO (what NetBSD's idle loop does).  => pages zeroed.
 */
unsigned int	uvm_pageidlezero(struct uvm *uvm, unsigned int n);

/* The pages checker: states, lists and every counter. 0 or -1. */
int		uvm_page_sanity(struct uvm *uvm, char *why, size_t whylen);

#endif /* KMFUZZ_UVM_PAGE_H */
