/*
 * uvm_pool.h: the subset of pool(9) the KVA cache needs.
 *
 * A pool hands out fixed-size items carved from "pool pages" that its
 * back-end allocator supplies.  For the KVA cache an item is one page of
 * kernel VA and a pool page is a KM_VACACHE_SIZE run of VA obtained from
 * the map with UVM_FLAG_QUANTUM.  Items are never mapped while free
 * (PR_NOTOUCH), so the free-item bookkeeping lives in a separate header
 * per pool page, taken from the instance's header array, never in the
 * items themselves.
 *
 * Locks.  pr_lock guards the lists, the headers on them and the
 * counters.  As in NetBSD's pool_grow, it is dropped around the back
 * end (pa_alloc/pa_free call uvm_map/uvm_unmap, which take the map lock
 * and may sleep), so it never nests with a map lock; the header array's
 * poolhdr_lock nests inside it.
 */
#ifndef KMFUZZ_UVM_POOL_H
#define KMFUZZ_UVM_POOL_H

#include "uvm_param.h"
#include "uvm_platform.h"

struct pool;
struct uvm;

#define POOL_MAXITEMS	64	/* items per pool page: one 64-bit map */

struct pool_allocator {
	void		*(*pa_alloc)(struct pool *pp, int flags);
	void		(*pa_free)(struct pool *pp, void *v);
	unsigned int	pa_pagesz;
	struct vm_map	*pa_backingmap;
};

struct pool_item_header {
	struct pool_item_header	*ph_next, *ph_prev;
	vaddr_t			ph_page;	/* start of the pool page */
	uint64_t		ph_freemap;	/* bit i: item i is free */
	unsigned int		ph_nmissing;	/* items handed out */
};

struct pool_pagelist {
	struct pool_item_header	*head;
};

/* [c] constant after pool_init; [p] under pr_lock. */
struct pool {
	kmutex_t		pr_lock;
	struct uvm		*pr_uvm;	/* [c] */
	const char		*pr_wchan;	/* [c] name */
	struct pool_allocator	*pr_alloc;	/* [c] */
	unsigned int		pr_size;	/* [c] item size */
	unsigned int		pr_itemsperpage;	/* [c] */
	int			pr_flags;	/* [c] */
	struct pool_pagelist	pr_emptypages;	/* [p] no item out */
	struct pool_pagelist	pr_partpages;	/* [p] some out, some free */
	struct pool_pagelist	pr_fullpages;	/* [p] all out */
	unsigned int		pr_npages;	/* [p] pool pages held */
	unsigned int		pr_nout;	/* [p] items handed out */
	unsigned int		pr_nget, pr_nput, pr_npagealloc, pr_npagefree;
	bool			pr_initialized;	/* [c] */
};

/*
 * pool_init: an empty pool of `size'-byte items over allocator `pa'.
 * => size divides pa->pa_pagesz into at most POOL_MAXITEMS items.
 * => pp is not in use (its lock is initialized here).
 */
void	pool_init(struct pool *pp, struct uvm *uvm, size_t size,
	    int flags, const char *name, struct pool_allocator *pa);

/*
 * pool_get: one item, or NULL if the back end has no pool page to give
 * (PR_NOWAIT) / would have to wait forever (reported by the host).
 * => pool unlocked (PR_WAITOK may sleep in the back end).
 */
void	*pool_get(struct pool *pp, int flags);

/*
 * pool_put: return an item.  => v came from pool_get and is not free;
 * pool unlocked.
 */
void	pool_put(struct pool *pp, void *v);

/*
 * pool_reclaim: give every empty pool page back.  => pool unlocked;
 * pages freed; returns how many.
 */
int	pool_reclaim(struct pool *pp);

/*
 * pool_contains: is `va' inside one of this pool's pool pages?
 * => pool locked by the caller, or not held by it (then taken here).
 */
bool	pool_contains(const struct pool *pp, vaddr_t va, bool *isfree);

/*
 * The pool checker: lists, counts, free maps and the statistics (gets,
 * puts, page allocations and frees) agree. 0 or -1.
 * => at a quiescent point; takes no lock.
 */
int	pool_sanity(const struct pool *pp, char *why, size_t whylen);

#endif /* KMFUZZ_UVM_POOL_H */
