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

/* Bits set in x; by hand, so gcc emits no libgcc call. */
static unsigned int
popcount64(uint64_t x)
{
	unsigned int n = 0;
	for (; x != 0; x &= x - 1)
		n++;
	return n;
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
	pp->pr_uvm = uvm;
	pp->pr_wchan = name;
	pp->pr_alloc = pa;
	pp->pr_size = (unsigned int)size;
	pp->pr_itemsperpage = (unsigned int)(pa->pa_pagesz / size);
	pp->pr_flags = flags;
	pp->pr_initialized = true;
}

/* Add a pool page from the back end.  => false if it has none. */
static bool
pool_grow(struct pool *pp, int flags)
{
	struct pool_item_header *ph = uvm_poolhdr_alloc(pp->pr_uvm);

	if (ph == NULL)
		return false;
	void *page = pp->pr_alloc->pa_alloc(pp, flags);
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
	struct pool_item_header *ph = pp->pr_partpages.head;

	KASSERT(pp->pr_initialized);
	if (ph == NULL) {
		if (pp->pr_emptypages.head == NULL && !pool_grow(pp, flags))
			return NULL;
		ph = pp->pr_emptypages.head;
		ph_unlink(&pp->pr_emptypages, ph);
		ph_link(&pp->pr_partpages, ph);
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
	return (void *)(ph->ph_page + (vaddr_t)i * pp->pr_size);
}

/* Find the header of the pool page holding va, and its list. */
static struct pool_item_header *
pool_find(const struct pool *pp, vaddr_t va, const struct pool_pagelist **plp)
{
	const struct pool_pagelist *lists[3] = {
		&pp->pr_partpages, &pp->pr_fullpages, &pp->pr_emptypages
	};
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
 * pool_put: => v was handed out by pool_get and is not free.
 * The header search is linear in pool pages; a cache holds few.
 */
void
pool_put(struct pool *pp, void *v)
{
	const vaddr_t va = (vaddr_t)v;
	const struct pool_pagelist *pl;
	struct pool_item_header *ph = pool_find(pp, va, &pl);

	KASSERTMSG(ph != NULL, "pool_put(%s): 0x%lx is not from this pool",
	    pp->pr_wchan, (unsigned long)va);
	KASSERTMSG((va - ph->ph_page) % pp->pr_size == 0,
	    "pool_put(%s): 0x%lx is not an item boundary", pp->pr_wchan,
	    (unsigned long)va);
	unsigned int i = (unsigned int)((va - ph->ph_page) / pp->pr_size);
	KASSERTMSG((ph->ph_freemap & ((uint64_t)1 << i)) == 0,
	    "pool_put(%s): double free of 0x%lx", pp->pr_wchan,
	    (unsigned long)va);
	ph_unlink((struct pool_pagelist *)(uintptr_t)pl, ph);
	ph->ph_freemap |= (uint64_t)1 << i;
	ph->ph_nmissing--;
	ph_link(ph->ph_nmissing == 0 ? &pp->pr_emptypages : &pp->pr_partpages,
	    ph);
	pp->pr_nout--;
	pp->pr_nput++;
}

int
pool_reclaim(struct pool *pp)
{
	int n = 0;
	struct pool_item_header *ph;

	while ((ph = pp->pr_emptypages.head) != NULL) {
		ph_unlink(&pp->pr_emptypages, ph);
		pp->pr_alloc->pa_free(pp, (void *)ph->ph_page);
		uvm_poolhdr_free(pp->pr_uvm, ph);
		pp->pr_npages--;
		pp->pr_npagefree++;
		n++;
	}
	return n;
}

void
pool_destroy(struct pool *pp)
{
	KASSERTMSG(pp->pr_nout == 0, "pool_destroy(%s): %u items still out",
	    pp->pr_wchan, pp->pr_nout);
	pool_reclaim(pp);
	pp->pr_initialized = false;
}

bool
pool_contains(const struct pool *pp, vaddr_t va, bool *isfree)
{
	struct pool_item_header *ph = pool_find(pp, va, NULL);

	if (ph == NULL)
		return false;
	if (isfree != NULL) {
		unsigned int i = (unsigned int)((va - ph->ph_page) / pp->pr_size);
		*isfree = (ph->ph_freemap >> i) & 1;
	}
	return true;
}

/* The pool checker: every header on the right list, counts exact. */
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
			    popcount64(ph->ph_freemap);
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
	return 0;
}
