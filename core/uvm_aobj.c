/*
 * uvm_aobj.c: the kernel object and the swap slots behind it.
 *
 * The kernel object spans the whole kernel VA: the page that backs
 * kernel_map address va lives at offset va - vm_map_min(kernel_map).
 * With kva_min 0xffffffff80000000, a pageable page at 0xffffffff80235000
 * is offset 0x235000, page index 0x235.
 *
 * Resident pages: an open hash of singly linked chains (vm_page.hnext),
 * one bucket per managed page rounded up to a power of two, so a lookup
 * touches about one page.  Swap slots: a second hash from page index to
 * slot, whose entries come from a fixed array (one per swap slot), so the
 * object can always record a slot it was given.
 *
 * Counters kept here: uo_npages (resident), uo_nswslots (slots held).
 * uvmexp.swpginuse counts allocated slots, uvmexp.swpgonly the pages whose
 * only copy is on swap (pageout adds, fault-in and pgremove subtract).
 *
 * Locks.  The object's vmobjlock guards both hashes, its counters and
 * the instance's free list of swap-hash entries (there is one object);
 * the swap device (bitmap, hint, swpginuse, swpgonly) has its own
 * swap_data_lock, taken after the object's.  uvm_pagelookup and
 * uao_find_swslot also serve the harness between ops: they take the
 * object lock themselves when the caller does not hold it.
 */
#include "uvm_priv.h"

static inline unsigned int
pg_bucket(const struct uvm_object *uobj, voff_t off)
{
	uint64_t idx = atop(off);
	return (unsigned int)((idx ^ (idx >> 13)) & uobj->pghashmask);
}

static inline unsigned int
sw_bucket(const struct uvm_object *uobj, uint64_t pageidx)
{
	return (unsigned int)((pageidx ^ (pageidx >> 11)) & uobj->swhashmask);
}

void
uao_init_kernel(struct uvm *uvm, struct uvm_object *uobj, voff_t size,
    struct vm_page **pghash, unsigned int npghash,
    struct uao_swent **swhash, unsigned int nswhash)
{
	uvm_memset(uobj, 0, sizeof(*uobj));
	uobj->uvm = uvm;
	uobj->size = size;
	uobj->pghash = pghash;
	uobj->pghashmask = npghash - 1;
	uobj->swhash = swhash;
	uobj->swhashmask = nswhash - 1;
	uvm_memset(pghash, 0, npghash * sizeof(*pghash));
	uvm_memset(swhash, 0, nswhash * sizeof(*swhash));
	mutex_init(&uobj->vmobjlock);
}

/* The resident page at `off', no lock checked: the checkers' and ours. */
struct vm_page *
uao_lookup(const struct uvm_object *uobj, voff_t off)
{
	struct vm_page *pg = uobj->pghash[pg_bucket(uobj, off)];

	while (pg != NULL && pg->offset != off)
		pg = pg->hnext;
	return pg;
}

/*
 * uvm_pagelookup: => uobj locked by the caller, or not held by it at
 * all: then the lookup takes the lock (the answer may be stale at once).
 */
struct vm_page *
uvm_pagelookup(struct uvm_object *uobj, voff_t off)
{
	struct vm_page *pg;

	if (mutex_owned(&uobj->vmobjlock))
		return uao_lookup(uobj, off);
	mutex_enter(&uobj->vmobjlock);
	pg = uao_lookup(uobj, off);
	mutex_exit(&uobj->vmobjlock);
	return pg;
}

/*
 * uvm_pageinsert: => uobj locked by the caller; pg->offset set, no page
 * resident at that offset yet.
 */
void
uvm_pageinsert(struct uvm_object *uobj, struct vm_page *pg)
{
	KDASSERT(mutex_owned(&uobj->vmobjlock));
	KASSERTMSG(uao_lookup(uobj, pg->offset) == NULL,
	    "uvm_pageinsert: offset 0x%lx already has a page",
	    (unsigned long)pg->offset);
	KASSERTMSG(pg->offset < uobj->size,
	    "uvm_pageinsert: offset 0x%lx beyond the object",
	    (unsigned long)pg->offset);
	unsigned int b = pg_bucket(uobj, pg->offset);
	pg->hnext = uobj->pghash[b];
	uobj->pghash[b] = pg;
	uobj->uo_npages++;
}

/* uvm_pageremove: => uobj locked by the caller; pg is resident in it. */
void
uvm_pageremove(struct uvm_object *uobj, struct vm_page *pg)
{
	struct vm_page **pp = &uobj->pghash[pg_bucket(uobj, pg->offset)];

	KDASSERT(mutex_owned(&uobj->vmobjlock));
	while (*pp != NULL && *pp != pg)
		pp = &(*pp)->hnext;
	KASSERTMSG(*pp == pg, "uvm_pageremove: page 0x%lx not in object",
	    (unsigned long)pg->phys_addr);
	*pp = pg->hnext;
	pg->hnext = NULL;
	uobj->uo_npages--;
}

static int
swslot_lookup(const struct uvm_object *uobj, uint64_t pageidx)
{
	for (struct uao_swent *e = uobj->swhash[sw_bucket(uobj, pageidx)];
	    e != NULL; e = e->next)
		if (e->pageidx == pageidx)
			return e->slot;
	return 0;
}

/* => uobj locked by the caller, or not held by it (then taken here). */
int
uao_find_swslot(struct uvm_object *uobj, uint64_t pageidx)
{
	int slot;

	if (mutex_owned(&uobj->vmobjlock))
		return swslot_lookup(uobj, pageidx);
	mutex_enter(&uobj->vmobjlock);
	slot = swslot_lookup(uobj, pageidx);
	mutex_exit(&uobj->vmobjlock);
	return slot;
}

/* => uobj locked. */
int
uao_set_swslot(struct uvm_object *uobj, uint64_t pageidx, int slot)
{
	struct uvm *uvm = uobj->uvm;
	struct uao_swent **pp = &uobj->swhash[sw_bucket(uobj, pageidx)];

	KASSERTMSG(mutex_owned(&uobj->vmobjlock),
	    "uao_set_swslot: object %p not locked (page index 0x%lx)",
	    (void *)uobj, (unsigned long)pageidx);
	while (*pp != NULL && (*pp)->pageidx != pageidx)
		pp = &(*pp)->next;
	if (*pp != NULL) {
		struct uao_swent *e = *pp;
		int old = e->slot;
		if (slot != 0) {
			e->slot = slot;
		} else {
			*pp = e->next;
			e->next = uvm->swent_free;
			uvm->swent_free = e;
			uobj->uo_nswslots--;
		}
		return old;
	}
	if (slot == 0)
		return 0;
	struct uao_swent *e = uvm->swent_free;
	/* One entry per slot exists, and a slot is held by one page only. */
	KASSERTMSG(e != NULL, "uao_set_swslot: out of swap entries");
	uvm->swent_free = e->next;
	e->pageidx = pageidx;
	e->slot = slot;
	e->next = uobj->swhash[sw_bucket(uobj, pageidx)];
	uobj->swhash[sw_bucket(uobj, pageidx)] = e;
	uobj->uo_nswslots++;
	return 0;
}

/* => uobj locked (uao_set_swslot asserts it). */
void
uao_dropswap(struct uvm_object *uobj, uint64_t pageidx)
{
	int slot = uao_set_swslot(uobj, pageidx, 0);

	if (slot != 0)
		uvm_swap_free(uobj->uvm, slot);
}

void
uvm_swap_init(struct uvm *uvm, uint64_t *bitmap, struct uao_swent *swents,
    unsigned int nswap)
{
	uvm->swap_bitmap = bitmap;
	uvm_memset(bitmap, 0, ((nswap + 63) / 64) * sizeof(uint64_t));
	uvm->swent_free = NULL;
	for (unsigned int i = nswap; i-- > 0;) {
		swents[i].next = uvm->swent_free;
		uvm->swent_free = &swents[i];
	}
	uvm->swap_hint = 0;
	uvm->exp.swpages = nswap;
	uvm->exp.swpginuse = 0;
	uvm->exp.swpgonly = 0;
	mutex_init(&uvm->swap_data_lock);
}

static inline bool
swap_bit(const struct uvm *uvm, int slot)
{
	unsigned int b = (unsigned int)slot - 1;
	return (uvm->swap_bitmap[b / 64] >> (b % 64)) & 1;
}

/* => takes swap_data_lock (after the object lock, if the caller has it). */
int
uvm_swap_alloc(struct uvm *uvm)
{
	unsigned int n = uvm->exp.swpages;

	mutex_enter(&uvm->swap_data_lock);
	if (uvm->exp.swpginuse >= n) {
		mutex_exit(&uvm->swap_data_lock);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int b = (uvm->swap_hint + i) % n;
		if ((uvm->swap_bitmap[b / 64] & ((uint64_t)1 << (b % 64))) == 0) {
			uvm->swap_bitmap[b / 64] |= (uint64_t)1 << (b % 64);
			uvm->swap_hint = (b + 1) % n;
			uvm->exp.swpginuse++;
			mutex_exit(&uvm->swap_data_lock);
			return (int)b + 1;
		}
	}
	mutex_exit(&uvm->swap_data_lock);
	/* swpginuse < swpages promised a free bit. */
	panic("uvm_swap_alloc: bitmap full but swpginuse %u < %u",
	    uvm->exp.swpginuse, n);
}

/* Free swap slots now.  => takes swap_data_lock. */
unsigned int
uvm_swap_nfree(struct uvm *uvm)
{
	unsigned int n;

	mutex_enter(&uvm->swap_data_lock);
	n = uvm->exp.swpages - uvm->exp.swpginuse;
	mutex_exit(&uvm->swap_data_lock);
	return n;
}

/* => slot is allocated; takes swap_data_lock. */
void
uvm_swap_free(struct uvm *uvm, int slot)
{
	KASSERTMSG(slot >= 1 && (unsigned int)slot <= uvm->exp.swpages,
	    "uvm_swap_free: slot %d out of range", slot);
	unsigned int b = (unsigned int)slot - 1;
	mutex_enter(&uvm->swap_data_lock);
	KASSERTMSG(swap_bit(uvm, slot),
	    "uvm_swap_free: slot %d is not allocated", slot);
	uvm->swap_bitmap[b / 64] &= ~((uint64_t)1 << (b % 64));
	uvm->exp.swpginuse--;
	mutex_exit(&uvm->swap_data_lock);
}

/*
 * uao_sanity: the swap checker.  Every recorded slot is allocated and
 * recorded once; slots in use equal slots recorded; swpgonly equals the
 * number of recorded pages that are not resident; every resident page
 * hashes to its own bucket.
 * => at a quiescent point; takes no lock, changes nothing.
 */
UVM_SANITY int
uao_sanity(struct uvm_object *uobj, char *why, size_t whylen)
{
	struct uvm *uvm = uobj->uvm;
	unsigned int nslots = 0, nonly = 0, nres = 0;

	for (unsigned int b = 0; b <= uobj->pghashmask; b++)
		for (struct vm_page *pg = uobj->pghash[b]; pg != NULL;
		    pg = pg->hnext) {
			if (pg_bucket(uobj, pg->offset) != b)
				SANITY_FAIL("object: page at offset 0x%lx in "
				    "bucket %u", (unsigned long)pg->offset, b);
			if (pg->uobject != uobj)
				SANITY_FAIL("object: page 0x%lx hashed but "
				    "names another owner",
				    (unsigned long)pg->phys_addr);
			if (++nres > uvm->exp.npages)
				SANITY_FAIL("object: page hash loops");
		}
	if (nres != uobj->uo_npages)
		SANITY_FAIL("object: %u pages hashed, uo_npages %u", nres,
		    uobj->uo_npages);

	for (unsigned int b = 0; b <= uobj->swhashmask; b++)
		for (struct uao_swent *e = uobj->swhash[b]; e != NULL;
		    e = e->next) {
			if (e->slot < 1 || (unsigned int)e->slot > uvm->exp.swpages)
				SANITY_FAIL("swap: page index 0x%lx has slot "
				    "%d out of range",
				    (unsigned long)e->pageidx, e->slot);
			if (!swap_bit(uvm, e->slot))
				SANITY_FAIL("swap: slot %d of page index 0x%lx"
				    " is not allocated", e->slot,
				    (unsigned long)e->pageidx);
			for (struct uao_swent *f = e->next; f != NULL;
			    f = f->next)
				if (f->pageidx == e->pageidx || f->slot == e->slot)
					SANITY_FAIL("swap: slot %d or index "
					    "0x%lx recorded twice", e->slot,
					    (unsigned long)e->pageidx);
			if (uao_lookup(uobj, ptoa(e->pageidx)) == NULL)
				nonly++;
			if (++nslots > uvm->exp.swpages)
				SANITY_FAIL("swap: more slots recorded than "
				    "the device has");
		}
	if (nslots != uobj->uo_nswslots)
		SANITY_FAIL("swap: %u slots recorded, uo_nswslots %u", nslots,
		    uobj->uo_nswslots);
	if (nslots != uvm->exp.swpginuse)
		SANITY_FAIL("swap: %u slots recorded, swpginuse %u", nslots,
		    uvm->exp.swpginuse);
	/* the device's bitmap marks exactly the recorded slots */
	unsigned int nbits = 0;
	for (unsigned int w = 0; w < (uvm->cfg.nswap + 63) / 64; w++)
		nbits += uvm_popcount64(uvm->swap_bitmap[w]);
	if (nbits != nslots)
		SANITY_FAIL("swap: %u slots marked in use, %u recorded", nbits,
		    nslots);
	if (nonly != uvm->exp.swpgonly)
		SANITY_FAIL("swap: swpgonly is %u, recount %u",
		    uvm->exp.swpgonly, nonly);
	/* every swap-hash entry is in the hash or on the free list */
	unsigned int nfree = 0;
	for (const struct uao_swent *e = uvm->swent_free; e != NULL;
	    e = e->next)
		if (++nfree > uvm->cfg.nswap)
			SANITY_FAIL("swap: the free entry list loops");
	if (nfree + nslots != uvm->cfg.nswap)
		SANITY_FAIL("swap: %u hash entries in use and %u free, of %u",
		    nslots, nfree, uvm->cfg.nswap);
	return 0;
}
