/*
 * uvm_pool.c: pool(9), as far as the KVA cache needs it.
 *
 * Each pool page is described by a pool_item_header from the instance's
 * header array, kept on one of three lists by how many of its items are
 * out.  Example for the kernel map's cache (item 0x1000, pool page
 * 0x20000 = KM_VACACHE_SIZE, so 32 items): the first pool_get maps a
 * 0x20000 run at, say, 0xffffffff80400000, hands out its item 0 and
 * leaves the header on the partial list with freemap 0xfffffffe; the
 * 32nd get moves it to the full list; once every item is back it sits on
 * the empty list until pool_reclaim returns the run to the map.
 *
 * Locks: pr_lock guards everything above; it is dropped while the back
 * end maps or unmaps a run (see uvm_pool.h), so pool_get re-checks the
 * lists after growing.
 */
#include "uvm_priv.h"

static void
ph_unlink(struct pool_pagelist *pl, struct pool_item_header *ph)
{
	if (ph->ph_prev != NULL)
		ph->ph_prev->ph_next = ph->ph_next;
	else
		pl->head = ph->ph_next;
	if (ph->ph_next != NULL)
		ph->ph_next->ph_prev = ph->ph_prev;
	ph->ph_next = ph->ph_prev = NULL;
}

static void
ph_link(struct pool_pagelist *pl, struct pool_item_header *ph)
{
	ph->ph_prev = NULL;
	ph->ph_next = pl->head;
	if (pl->head != NULL)
		pl->head->ph_prev = ph;
	pl->head = ph;
}


static uint64_t
pool_fullmap(const struct pool *pp)
{
	return pp->pr_itemsperpage == 64 ? ~(uint64_t)0 :
	    ((uint64_t)1 << pp->pr_itemsperpage) - 1;
}

void
pool_init(struct pool *pp, struct uvm *uvm, size_t size, int flags,
    const char *name, struct pool_allocator *pa)
{
	KASSERTMSG(size > 0 && pa->pa_pagesz % size == 0,
	    "pool_init(%s): item size %zu does not divide %u", name, size,
	    pa->pa_pagesz);
	KASSERTMSG(pa->pa_pagesz / size <= POOL_MAXITEMS,
	    "pool_init(%s): %u items per page, at most %d", name,
	    (unsigned int)(pa->pa_pagesz / size), POOL_MAXITEMS);
	uvm_memset(pp, 0, sizeof(*pp));
	mutex_init(&pp->pr_lock);
	pp->pr_uvm = uvm;
	pp->pr_wchan = name;
	pp->pr_alloc = pa;
	pp->pr_size = (unsigned int)size;
	pp->pr_itemsperpage = (unsigned int)(pa->pa_pagesz / size);
	pp->pr_flags = flags;
	pp->pr_initialized = true;
}

/*
 * pool_grow: add a pool page from the back end.
 * => pool locked; the lock is dropped around the back end (which maps
 *    VA and may sleep) and held again on return.
 * => false if the back end has none (or no header is left).
 */
static bool
pool_grow(struct pool *pp, int flags)
{
	struct pool_item_header *ph;
	void *page;

	KASSERTMSG(mutex_owned(&pp->pr_lock), "pool_grow(%s): pool not locked",
	    pp->pr_wchan);
	ph = uvm_poolhdr_alloc(pp->pr_uvm);
	if (ph == NULL)
		return false;
	mutex_exit(&pp->pr_lock);
	page = pp->pr_alloc->pa_alloc(pp, flags);
	mutex_enter(&pp->pr_lock);
	if (page == NULL) {
		uvm_poolhdr_free(pp->pr_uvm, ph);
		return false;
	}
	ph->ph_page = (vaddr_t)page;
	ph->ph_freemap = pool_fullmap(pp);
	ph->ph_nmissing = 0;
	ph_link(&pp->pr_emptypages, ph);
	pp->pr_npages++;
	pp->pr_npagealloc++;
	return true;
}

void *
pool_get(struct pool *pp, int flags)
{
	struct pool_item_header *ph;

	KASSERT(pp->pr_initialized);
	mutex_enter(&pp->pr_lock);
	/* Another CPU may take a page we grew while the lock was dropped. */
	while ((ph = pp->pr_partpages.head) == NULL) {
		ph = pp->pr_emptypages.head;
		if (ph != NULL) {
			ph_unlink(&pp->pr_emptypages, ph);
			ph_link(&pp->pr_partpages, ph);
			break;
		}
		if (!pool_grow(pp, flags)) {
			mutex_exit(&pp->pr_lock);
			return NULL;
		}
	}
	unsigned int i = (unsigned int)__builtin_ctzll(ph->ph_freemap);
	ph->ph_freemap &= ~((uint64_t)1 << i);
	ph->ph_nmissing++;
	if (ph->ph_freemap == 0) {
		ph_unlink(&pp->pr_partpages, ph);
		ph_link(&pp->pr_fullpages, ph);
	}
	pp->pr_nout++;
	pp->pr_nget++;
	vaddr_t va = ph->ph_page + (vaddr_t)i * pp->pr_size;
	mutex_exit(&pp->pr_lock);
	return (void *)va;
}

/*
 * Find the header of the pool page holding va, and its list.
 * => pool locked.
 */
static struct pool_item_header *
pool_find(const struct pool *pp, vaddr_t va, const struct pool_pagelist **plp)
{
	const struct pool_pagelist *lists[3] = {
		&pp->pr_partpages, &pp->pr_fullpages, &pp->pr_emptypages
	};

	KDASSERT(mutex_owned(&pp->pr_lock));
	for (int l = 0; l < 3; l++)
		for (struct pool_item_header *ph = lists[l]->head; ph != NULL;
		    ph = ph->ph_next)
			if (va >= ph->ph_page &&
			    va < ph->ph_page + pp->pr_alloc->pa_pagesz) {
				if (plp != NULL)
					*plp = lists[l];
				return ph;
			}
	return NULL;
}

/*
 * pool_put: => v was handed out by pool_get and is not free; pool
 * unlocked.  The header search is linear in pool pages; a cache holds
 * few.
 */
void
pool_put(struct pool *pp, void *v)
{
	const vaddr_t va = (vaddr_t)v;
	const struct pool_pagelist *pl;
	struct pool_item_header *ph;

	mutex_enter(&pp->pr_lock);
	ph = pool_find(pp, va, &pl);
	KASSERTMSG(ph != NULL, "pool_put(%s): 0x%lx is not from this pool",
	    pp->pr_wchan, (unsigned long)va);
	KASSERTMSG((va - ph->ph_page) % pp->pr_size == 0,
	    "pool_put(%s): 0x%lx is not an item boundary", pp->pr_wchan,
	    (unsigned long)va);
	unsigned int i = (unsigned int)((va - ph->ph_page) / pp->pr_size);
	KASSERTMSG((ph->ph_freemap & ((uint64_t)1 << i)) == 0,
	    "pool_put(%s): double free of 0x%lx", pp->pr_wchan,
	    (unsigned long)va);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_RACE_POOL
	/* checked under the lock, then updated without it */
	mutex_exit(&pp->pr_lock);
#endif
	ph_unlink((struct pool_pagelist *)(uintptr_t)pl, ph);
	ph->ph_freemap |= (uint64_t)1 << i;
	ph->ph_nmissing--;
	ph_link(ph->ph_nmissing == 0 ? &pp->pr_emptypages : &pp->pr_partpages,
	    ph);
	pp->pr_nout--;
	pp->pr_nput++;
#if KMFUZZ_PLANT != KMFUZZ_PLANT_RACE_POOL
	mutex_exit(&pp->pr_lock);
#endif
}

/*
 * pool_reclaim: => pool unlocked.  The empty pages leave the lists
 * under the lock and go back to the back end without it.
 * => returns how many pages went back (a sleeper for VA in the backing
 *    map waits on only if it is 0).
 */
int
pool_reclaim(struct pool *pp)
{
	struct pool_item_header *ph, *dead = NULL;
	int n = 0;

	mutex_enter(&pp->pr_lock);
	while ((ph = pp->pr_emptypages.head) != NULL) {
		ph_unlink(&pp->pr_emptypages, ph);
		ph->ph_next = dead;
		dead = ph;
		pp->pr_npages--;
		pp->pr_npagefree++;
		n++;
	}
	mutex_exit(&pp->pr_lock);
	while ((ph = dead) != NULL) {
		dead = ph->ph_next;
		pp->pr_alloc->pa_free(pp, (void *)ph->ph_page);
		uvm_poolhdr_free(pp->pr_uvm, ph);
	}
#if KMFUZZ_PLANT == KMFUZZ_PLANT_RECLAIMCOUNT
	return n - 1;		/* planted: the count is off by one */
#else
	return n;
#endif
}

bool
pool_contains(const struct pool *pp, vaddr_t va, bool *isfree)
{
	/* The lock is taken through a cast: the pool does not change. */
	kmutex_t *lock = (kmutex_t *)(uintptr_t)&pp->pr_lock;
	bool locked = mutex_owned(lock);
	struct pool_item_header *ph;

	if (!locked)
		mutex_enter(lock);
	ph = pool_find(pp, va, NULL);
	if (ph != NULL && isfree != NULL) {
		unsigned int i = (unsigned int)((va - ph->ph_page) / pp->pr_size);
		*isfree = (ph->ph_freemap >> i) & 1;
	}
	if (!locked)
		mutex_exit(lock);
	return ph != NULL;
}

/*
 * The pool checker: every header on the right list, counts exact.
 * => at a quiescent point; takes no lock, changes nothing.
 */
UVM_SANITY int
pool_sanity(const struct pool *pp, char *why, size_t whylen)
{
	const struct pool_pagelist *lists[3] = {
		&pp->pr_emptypages, &pp->pr_partpages, &pp->pr_fullpages
	};
	unsigned int npages = 0, nout = 0;
	const uint64_t full = pool_fullmap(pp);

	if (!pp->pr_initialized)
		return 0;
	for (int l = 0; l < 3; l++) {
		const struct pool_item_header *prev = NULL;
		for (const struct pool_item_header *ph = lists[l]->head;
		    ph != NULL; ph = ph->ph_next) {
			unsigned int missing = pp->pr_itemsperpage -
			    uvm_popcount64(ph->ph_freemap);
			if (ph->ph_prev != prev)
				SANITY_FAIL("pool %s: list linkage broken at "
				    "0x%lx", pp->pr_wchan,
				    (unsigned long)ph->ph_page);
			if ((ph->ph_freemap & ~full) != 0 ||
			    missing != ph->ph_nmissing)
				SANITY_FAIL("pool %s: page 0x%lx freemap "
				    "0x%lx disagrees with nmissing %u",
				    pp->pr_wchan, (unsigned long)ph->ph_page,
				    (unsigned long)ph->ph_freemap,
				    ph->ph_nmissing);
			int want = missing == 0 ? 0 :
			    missing == pp->pr_itemsperpage ? 2 : 1;
			if (want != l)
				SANITY_FAIL("pool %s: page 0x%lx with %u items"
				    " out is on the wrong list", pp->pr_wchan,
				    (unsigned long)ph->ph_page, missing);
			nout += missing;
			prev = ph;
			if (++npages > pp->pr_npages)
				SANITY_FAIL("pool %s: more pages listed than "
				    "pr_npages %u", pp->pr_wchan,
				    pp->pr_npages);
		}
	}
	if (npages != pp->pr_npages || nout != pp->pr_nout)
		SANITY_FAIL("pool %s: %u pages/%u items out listed, counters "
		    "say %u/%u", pp->pr_wchan, npages, nout, pp->pr_npages,
		    pp->pr_nout);
	/* the statistics (what vmstat -m shows) add up to what is out */
	if (pp->pr_nget - pp->pr_nput != pp->pr_nout ||
	    pp->pr_npagealloc - pp->pr_npagefree != pp->pr_npages)
		SANITY_FAIL("pool %s: %u gets - %u puts, %u page allocations "
		    "- %u frees, but %u items and %u pages out", pp->pr_wchan,
		    pp->pr_nget, pp->pr_nput, pp->pr_npagealloc,
		    pp->pr_npagefree, pp->pr_nout, pp->pr_npages);
	return 0;
}
