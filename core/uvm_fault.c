/*
 * uvm_fault.c: bring a pageable kernel page in, push one out to swap.
 *
 * Only the kernel object is pageable here, which makes both directions
 * simple: the page at object offset off can only ever be mapped at
 * vm_map_min(kernel_map) + off (submaps share the kernel map's offset
 * rule), so pageout needs no reverse map.  Example: with kva_min
 * 0xffffffff80000000, pageout of the page at offset 0x235000 removes the
 * mapping of 0xffffffff80235000, writes the page to a fresh slot s,
 * records slot s for page index 0x235 and frees the page; uvmexp.swpgonly
 * goes up by one.  A later fault at that address allocates a page, reads
 * slot s into it, frees the slot and maps it again; swpgonly goes down.
 *
 * Simplification: a page brought back from swap gives up its slot at
 * once (NetBSD may keep it as a clean copy), so "on swap" and "resident"
 * never overlap, and swpgonly is simply the number of slots in use.
 *
 * Locks: a fault holds the map that has the entry, then the object
 * (map -> object -> page queue -> swap, the order of uvm.h); pageout
 * holds the object only and finds VAs by offset, never by map.
 */
#include "uvm_priv.h"

/*
 * fault_lookup: the entry for va, descending into submaps.
 * => *mapp: where to start, unlocked by the caller.
 * => returns the entry with the map that holds it (*mapp) locked, or
 *    NULL with no lock held.  A parent's lock is dropped before its
 *    submap's is taken (submap entries are never removed).
 */
static struct vm_map_entry *
fault_lookup(struct vm_map **mapp, vaddr_t va)
{
	struct vm_map *map = *mapp;
	struct vm_map_entry *entry;

	for (;;) {
		mutex_enter(&map->lock);
		if (!uvm_map_lookup_entry(map, va, &entry)) {
			mutex_exit(&map->lock);
			return NULL;
		}
		if ((entry->flags & UVM_MAP_SUBMAP) == 0) {
			*mapp = map;
			return entry;
		}
		struct vm_map *sub = entry->object.sub_map;
		mutex_exit(&map->lock);
		map = sub;
	}
}

/*
 * fault_pagein: a page for offset `off' of the kernel object, zeroed or
 * read back from its swap slot.
 * => uobj locked, nothing resident at off.
 * => returns the page, resident and not busy, or NULL if none was free.
 */
static struct vm_page *
fault_pagein(struct uvm *uvm, struct uvm_object *uobj, voff_t off,
    vaddr_t va)
{
	const uint64_t idx = atop(off);
	struct vm_page *pg;

	KASSERTMSG(mutex_owned(&uobj->vmobjlock),
	    "uvm_fault: object not locked for va 0x%lx", (unsigned long)va);
	int slot = uao_find_swslot(uobj, idx);
	pg = uvm_pagealloc(uvm, uobj, off, NULL, slot != 0 ? 0 : UVM_PGA_ZERO);
	if (pg == NULL)
		return NULL;
	if (slot != 0) {
		int error = uvm_platform_swap_read(uvm, slot, pg->phys_addr);
		KASSERTMSG(error == 0, "uvm_fault: swap read of slot %d"
		    " for va 0x%lx failed: %d", slot, (unsigned long)va, error);
		uao_dropswap(uobj, idx);
		mutex_enter(&uvm->swap_data_lock);
		KASSERT(uvm->exp.swpgonly > 0);
		uvm->exp.swpgonly--;
		mutex_exit(&uvm->swap_data_lock);
		uvm->exp.pageins++;
	}
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pg->owner_tag = NULL;
	return pg;
}

/*
 * uvm_fault: make the page at va resident and mapped.
 * => map is a kernel map, unlocked by the caller; va inside it.
 * => the map stays locked while the page is found and entered, so no
 *    unmap can free the entry under us.  Waiting for a busy page or for
 *    free pages (unless nowait) drops every lock; afterwards the map's
 *    timestamp says whether the entry may still be trusted, or must be
 *    looked up again (NetBSD's uvmfault_relock).
 * => returns 0, EFAULT (no entry, not pageable, access not allowed),
 *    ENOMEM (nowait and no page), EBUSY (nowait and page busy).
 */
int
uvm_fault(struct vm_map *map, vaddr_t va, vm_prot_t access, bool nowait)
{
	struct uvm *uvm = map->uvm;
	struct uvm_object *uobj = uvm->kernel_object;
	struct vm_map *const top = map;
	struct vm_map_entry *entry = NULL;
	unsigned int stamp = 0;
	struct vm_page *pg;
	voff_t off;

	va = trunc_page(va);
	for (;;) {
		if (entry != NULL) {
			/* Back from a sleep: has the map changed meanwhile? */
			mutex_enter(&map->lock);
#if KMFUZZ_PLANT != KMFUZZ_PLANT_RACE_STALE_FAULT
			if (map->timestamp != stamp) {
				mutex_exit(&map->lock);
				entry = NULL;
			}
#else
			(void)stamp;	/* planted: a merge or clip may free it */
#endif
		}
		if (entry == NULL) {
			map = top;
			entry = fault_lookup(&map, va);
			if (entry == NULL)
				return EFAULT;
#if KMFUZZ_PLANT != KMFUZZ_PLANT_FAULT_VAONLY
			if (entry->object.uvm_obj != uobj ||
#else
			/* planted: an entry without object is taken for one */
			if ((entry->object.uvm_obj != uobj &&
			    entry->object.uvm_obj != NULL) ||
#endif
			    (access & ~entry->protection) != 0) {
				mutex_exit(&map->lock);
				return EFAULT;
			}
		}
		/* the entry a sleep may have clipped or freed covers va still */
		KASSERTMSG((entry->flags & UVM_MAP_ALLOCATED) &&
		    entry->start <= va && va < entry->end,
		    "uvm_fault: va 0x%lx: map entry %p [0x%lx, 0x%lx) flags "
		    "0x%x does not hold it (used after a sleep?)",
		    (unsigned long)va, (void *)entry,
		    (unsigned long)entry->start, (unsigned long)entry->end,
		    (unsigned int)entry->flags);
		off = entry->offset + (va - entry->start);

		mutex_enter(&uobj->vmobjlock);
		pg = uao_lookup(uobj, off);
		if (pg != NULL && (pg->flags & PG_BUSY)) {
			if (nowait) {
				mutex_exit(&uobj->vmobjlock);
				mutex_exit(&map->lock);
				return EBUSY;
			}
			/* Ask the page's owner to wake us, under its lock. */
			pg->flags |= PG_WANTED;
			stamp = map->timestamp;
			mutex_exit(&uobj->vmobjlock);
			mutex_exit(&map->lock);
			uvm_sleep(uvm, UVM_WAIT_BUSYPAGE, pg, "flt_pgbsy");
			continue;
		}
		if (pg == NULL)
			pg = fault_pagein(uvm, uobj, off, va);
		if (pg != NULL)
			break;
		mutex_exit(&uobj->vmobjlock);
		if (nowait) {
			mutex_exit(&map->lock);
			return ENOMEM;
		}
		stamp = map->timestamp;
		mutex_exit(&map->lock);
		uvm_wait(uvm, "flt_noram");
	}
	/* Pageable kernel memory is never executable (see core/README.md). */
	vm_prot_t prot = entry->protection & (VM_PROT_READ | VM_PROT_WRITE);
	(void)pmap_enter(uvm->pmap, va, pg->phys_addr, prot, 0);
	pmap_update(uvm->pmap);		/* pmap(9): after every enter */
	uvm->exp.faults++;
	mutex_exit(&uobj->vmobjlock);
	mutex_exit(&map->lock);
	return 0;
}

#define PAGEOUT_BATCH	16

/*
 * uvm_pageout: the pagedaemon's work, on demand.
 * => takes the object lock (it guards the page queue's object pages
 *    too) and holds it throughout: nobody sees the pages it busies.
 * => scans the pageable queue oldest first, skipping busy pages.
 * => stops when npages are out, the queue is done or swap is full.
 * => returns the number of pages freed.
 */
unsigned int
uvm_pageout(struct uvm *uvm, unsigned int npages)
{
	struct uvm_object *uobj = uvm->kernel_object;
	const vaddr_t base = vm_map_min(uvm->kernel_map);
	struct vm_page *batch[PAGEOUT_BATCH];
	unsigned int done = 0;

	mutex_enter(&uobj->vmobjlock);
	struct vm_page *pg = uvm->pageq_head;
	while (done < npages && pg != NULL) {
		/* Slots only come and go under the object lock: no fewer later. */
		unsigned int room = uvm_swap_nfree(uvm);
		unsigned int n = 0;
		/* Pick victims and take their mappings away. */
		while (n < PAGEOUT_BATCH && done + n < npages && pg != NULL &&
		    n < room) {
			if ((pg->flags & PG_BUSY) == 0) {
				pg->flags |= PG_BUSY;
				pg->owner_tag = "pageout";
				vaddr_t va = base + pg->offset;
				pmap_remove(uvm->pmap, va, va + PAGE_SIZE);
				batch[n++] = pg;
			}
			pg = pg->qnext;
		}
		if (n == 0)
			break;
		/* No CPU may write through an old translation from here. */
		pmap_update(uvm->pmap);
		for (unsigned int i = 0; i < n; i++) {
			struct vm_page *v = batch[i];
			int slot = uvm_swap_alloc(uvm);
			KASSERT(slot != 0);
			int error = uvm_platform_swap_write(uvm, slot,
			    v->phys_addr);
			KASSERTMSG(error == 0, "uvm_pageout: swap write of "
			    "slot %d failed: %d", slot, error);
			int old = uao_set_swslot(uobj, atop(v->offset), slot);
			KASSERTMSG(old == 0, "uvm_pageout: offset 0x%lx already"
			    " had slot %d", (unsigned long)v->offset, old);
			v->flags &= ~PG_BUSY;
			uvm_pagefree(uvm, v);
			mutex_enter(&uvm->swap_data_lock);
			uvm->exp.swpgonly++;
			mutex_exit(&uvm->swap_data_lock);
			uvm->exp.pageouts++;
		}
		done += n;
	}
	mutex_exit(&uobj->vmobjlock);
	return done;
}
