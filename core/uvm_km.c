/*
 * uvm_km.c: kernel memory: the kernel map, submaps, wired, pageable and
 * VA-only allocations, page removal and the KVA cache for pool pages.
 *
 * Model (after NetBSD uvm_km.c 1.108).  The kernel map covers
 * [kva_min, kva_max); [kva_min, kva_start) is reserved at boot for the
 * kernel image.  Submaps take over a range of the kernel map and manage
 * it with their own lock.  Pageable memory is backed by the kernel
 * object, at offset va - kva_min; wired memory has no object: its pages
 * are found again through the pmap.  Example: with kva_min
 * 0xffffffff80000000, a one-page PAGEABLE allocation returned at
 * 0xffffffff80235000 has its page (once touched) at offset 0x235000 of
 * the kernel object; a WIRED one at the same address is pmap_kenter'ed
 * at once and freed by looking up the physical page that address maps.
 *
 * Every allocation is a UVM_FLAG_QUANTUM map entry, so it is never merged
 * with its neighbours and must be freed whole: uvm_km_free checks that
 * [addr, addr + size) is exactly one entry of the right type and names
 * the call and the address when it is not (DIAGNOSTIC).
 *
 * Pool pages come either from the pmap's direct map (NetBSD's
 * PMAP_MAP_POOLPAGE) or from the map's KVA cache, a pool of one-page
 * VAs carved from KM_VACACHE_SIZE runs; the instance chooses at create.
 *
 * Locks.  This file takes none of its own but the kernel object's (page
 * removal) and, briefly, a map's to check a free; the map, pool, page
 * and allocator layers lock themselves (order in uvm.h).  What it waits
 * for, it waits for with no lock held.
 */
#include "uvm_priv.h"


static bool
km_type_ok(uvm_flag_t flags)
{
	uvm_flag_t t = flags & UVM_KMF_TYPEMASK;
	return t == UVM_KMF_WIRED || t == UVM_KMF_PAGEABLE ||
	    t == UVM_KMF_VAONLY;
}

static inline bool
powerof2(vsize_t x)
{
	return (x & (x - 1)) == 0;
}

/* ---- the KVA cache ---------------------------------------------------- */

static struct vm_map *
vacache_pool_to_map(struct pool *pp)
{
	return &((struct vm_map_kernel *)(void *)((char *)pp -
	    offsetof(struct vm_map_kernel, vmk_vacache)))->vmk_map;
}

/*
 * Back end of the cache: a run of VA, aligned to its size.
 * => pool unlocked (pool(9)'s back ends run without it: this one takes
 *    the map's lock and may sleep for VA).
 */
static void *
km_vacache_alloc(struct pool *pp, int flags)
{
	struct vm_map *map = vacache_pool_to_map(pp);
	vsize_t size = pp->pr_alloc->pa_pagesz;
	vaddr_t va = vm_map_min(map);

	KDASSERT(!mutex_owned(&pp->pr_lock));
	if (uvm_map(map, &va, size, NULL, UVM_UNKNOWN_OFFSET, size,
	    UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_RANDOM, UVM_FLAG_QUANTUM | ((flags & PR_WAITOK) ?
	    UVM_FLAG_WAITVA : UVM_FLAG_TRYLOCK | UVM_FLAG_NOWAIT))) != 0)
		return NULL;
	return (void *)va;
}

/* => pool unlocked, as for km_vacache_alloc. */
static void
km_vacache_free(struct pool *pp, void *v)
{
	struct vm_map *map = vacache_pool_to_map(pp);
	vaddr_t va = (vaddr_t)v;

	KDASSERT(!mutex_owned(&pp->pr_lock));
	uvm_unmap1(map, va, va + pp->pr_alloc->pa_pagesz,
	    UVM_FLAG_QUANTUM | UVM_FLAG_VAONLY);
}

/*
 * uvm_km_vacache_init: give `map' a cache of one-page VAs for pool pages.
 * => size 0 means KM_VACACHE_SIZE; at most 64 pages, under half the map.
 * => a no-op on an instance that maps pool pages through the direct map.
 * => map being set up: no other thread uses it yet (map->flags is
 *    constant from then on).
 */
void
uvm_km_vacache_init(struct vm_map *map, const char *name, size_t size)
{
	struct vm_map_kernel *vmk = vm_map_to_kernel(map);
	struct pool_allocator *pa = &vmk->vmk_vacache_allocator;

	if (map->uvm->cfg.poolpage_direct_map)
		return;
	if (size == 0)
		size = KM_VACACHE_SIZE;
	KASSERT(VM_MAP_IS_KERNEL(map));
	KASSERTMSG(size < (vm_map_max(map) - vm_map_min(map)) / 2,
	    "uvm_km_vacache_init(%s): cache run 0x%zx too big for the map",
	    name, size);
	map->flags |= VM_MAP_VACACHE;
	uvm_memset(pa, 0, sizeof(*pa));
	pa->pa_alloc = km_vacache_alloc;
	pa->pa_free = km_vacache_free;
	pa->pa_pagesz = (unsigned int)size;
	pa->pa_backingmap = map;
	pool_init(&vmk->vmk_vacache, map->uvm, PAGE_SIZE,
	    PR_NOTOUCH | PR_RECURSIVE, name, pa);
}

/* uvm_km_va_drain: give the map's unused cached VA back to the map. */
void
uvm_km_va_drain(struct vm_map *map, uvm_flag_t flags)
{
	(void)flags;
	if (map->flags & VM_MAP_VACACHE)
		pool_reclaim(&vm_map_to_kernel(map)->vmk_vacache);
}

/* ---- boot and submaps ------------------------------------------------- */

/*
 * uvm_km_init: set up the kernel map over [kva_min, end) with
 * [kva_min, start) already taken by the kernel image.
 * => the kernel object exists; called once, from uvm_create.
 */
void
uvm_km_init(struct uvm *uvm, vaddr_t start, vaddr_t end)
{
	const vaddr_t base = uvm->cfg.kva_min;

	KASSERTMSG(base <= start && start < end,
	    "uvm_km_init: bad range 0x%lx 0x%lx 0x%lx", (unsigned long)base,
	    (unsigned long)start, (unsigned long)end);
	uvm_map_setup_kernel(&uvm->kernel_map_store, uvm, base, end,
	    VM_MAP_PAGEABLE);
	uvm->kernel_map = &uvm->kernel_map_store.vmk_map;
	if (start != base) {
		vaddr_t va = base;
		struct vm_map_entry *e;
		if (uvm_map(uvm->kernel_map, &va, start - base, NULL,
		    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(UVM_PROT_ALL,
		    UVM_PROT_ALL, UVM_INH_NONE, UVM_ADV_RANDOM,
		    UVM_FLAG_FIXED | UVM_FLAG_NOMERGE)) != 0)
			panic("uvm_km_init: could not reserve space for kernel");
		mutex_enter(&uvm->kernel_map->lock);
		if (!uvm_map_lookup_entry(uvm->kernel_map, base, &e))
			panic("uvm_km_init: no entry at 0x%lx, just mapped",
			    (unsigned long)base);
		e->flags |= UVM_MAP_FIRST;
		mutex_exit(&uvm->kernel_map->lock);
	}
	uvm_km_vacache_init(uvm->kernel_map, "kvakernel", 0);
}

/*
 * uvm_km_suballoc: carve a submap of `size' bytes out of `map'.
 * => fixed: *vmin is where it must start; otherwise *vmin is a hint.
 * => submap NULL: one comes from the instance's submap array.
 * => on return *vmin and *vmax bound the submap; panics when out of room,
 *    as NetBSD does (submaps are made at boot).
 */
struct vm_map *
uvm_km_suballoc(struct vm_map *map, vaddr_t *vmin, vaddr_t *vmax,
    vsize_t size, int flags, bool fixed, struct vm_map_kernel *submap)
{
	struct uvm *uvm = map->uvm;

	KASSERT(vm_map_pmap(map) == uvm->pmap);
	size = round_page(size);
	size += uvm_mapent_overhead(size, flags);
	KASSERTMSG(size > 0, "uvm_km_suballoc: empty submap");

	if (uvm_map(map, vmin, size, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_RANDOM, UVM_FLAG_NOMERGE |
	    (fixed ? UVM_FLAG_FIXED : 0))) != 0)
		panic("uvm_km_suballoc: no room for 0x%lx bytes in the parent"
		    " map", (unsigned long)size);
	*vmax = *vmin + size;

	if (submap == NULL) {
		submap = uvm_submap_alloc(uvm);
		if (submap == NULL)
			panic("uvm_km_suballoc: out of submaps");
	}
	uvm_map_setup_kernel(submap, uvm, *vmin, *vmax, flags);
	if (uvm_map_submap(map, *vmin, *vmax, &submap->vmk_map) != 0)
		panic("uvm_km_suballoc: could not install submap at 0x%lx",
		    (unsigned long)*vmin);
	return &submap->vmk_map;
}

/* ---- removing pages --------------------------------------------------- */

/*
 * uvm_km_pgremove: free the kernel-object pages and swap slots behind
 * [startva, endva).
 * => the range is inside the kernel VA; mappings are the caller's job.
 * => takes the object lock: the caller holds it not (mutex_enter
 *    catches it), but may hold the map lock (uvm_unmap).
 * => waits for busy pages (PG_WANTED, set under the object lock);
 *    keeps uvmexp.swpgonly exact.
 */
void
uvm_km_pgremove(struct uvm *uvm, vaddr_t startva, vaddr_t endva)
{
	struct uvm_object *uobj = uvm->kernel_object;
	const vaddr_t base = vm_map_min(uvm->kernel_map);
	unsigned int swpgonlydelta = 0;

	KASSERTMSG(uvm->cfg.kva_min <= startva && startva < endva &&
	    endva <= uvm->cfg.kva_max,
	    "uvm_km_pgremove: bad range [0x%lx, 0x%lx)",
	    (unsigned long)startva, (unsigned long)endva);

	mutex_enter(&uobj->vmobjlock);
	for (voff_t off = startva - base; off < endva - base;) {
		struct vm_page *pg = uao_lookup(uobj, off);
		if (pg != NULL && (pg->flags & PG_BUSY)) {
			/* Someone's I/O: wait for it and look again. */
#if KMFUZZ_PLANT != KMFUZZ_PLANT_LOST_WAKEUP
			pg->flags |= PG_WANTED;
#endif
			mutex_exit(&uobj->vmobjlock);
			uvm_sleep(uvm, UVM_WAIT_BUSYPAGE, pg, "km_pgrm");
			mutex_enter(&uobj->vmobjlock);
			continue;
		}
		if (pg == NULL && uao_find_swslot(uobj, atop(off)) != 0)
			swpgonlydelta++;
		uao_dropswap(uobj, atop(off));
		if (pg != NULL)
			uvm_pagefree(uvm, pg);
		off += PAGE_SIZE;
	}
	mutex_exit(&uobj->vmobjlock);

	if (swpgonlydelta > 0) {
		mutex_enter(&uvm->swap_data_lock);
		KASSERT(uvm->exp.swpgonly >= swpgonlydelta);
		uvm->exp.swpgonly -= swpgonlydelta;
		mutex_exit(&uvm->swap_data_lock);
	}
}

/*
 * uvm_km_pgremove_intrsafe: free the object-less pages mapped in
 * [start, end) of `map'.
 * => the pages were pmap_kenter'ed; the mappings stay for the caller's
 *    pmap_kremove.  Unmapped pages in the range are skipped.
 */
void
uvm_km_pgremove_intrsafe(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvm *uvm = map->uvm;
	paddr_t pa;

	KASSERT(VM_MAP_IS_KERNEL(map));
	KASSERTMSG(vm_map_min(map) <= start && start < end &&
	    end <= vm_map_max(map),
	    "uvm_km_pgremove_intrsafe: [0x%lx, 0x%lx) outside the map",
	    (unsigned long)start, (unsigned long)end);

#if KMFUZZ_PLANT == KMFUZZ_PLANT_LEAK
	if (end - start > PAGE_SIZE)
		end -= PAGE_SIZE;
#endif
	for (; start < end; start += PAGE_SIZE) {
		if (!pmap_extract(uvm->pmap, start, &pa))
			continue;
		struct vm_page *pg = PHYS_TO_VM_PAGE(uvm, pa);
		KASSERTMSG(pg != NULL, "uvm_km_pgremove_intrsafe: va 0x%lx "
		    "maps unmanaged pa 0x%lx", (unsigned long)start,
		    (unsigned long)pa);
		KASSERTMSG(pg->uobject == NULL && (pg->pqflags & PQ_FREE) == 0,
		    "uvm_km_pgremove_intrsafe: va 0x%lx maps pa 0x%lx which "
		    "is not a wired kernel page", (unsigned long)start,
		    (unsigned long)pa);
		uvm_pagefree(uvm, pg);
	}
}

/*
 * uvm_km_check_empty: panic if anything is mapped or resident in
 * [start, end) of `map' (the caller is about to reuse it as free VA).
 */
void
uvm_km_check_empty(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvm *uvm = map->uvm;
	struct uvm_object *uobj = uvm->kernel_object;
	vaddr_t bad = start;
	paddr_t pa;
	bool locked, pages, found = false;

	KASSERT(VM_MAP_IS_KERNEL(map));
	KASSERTMSG(vm_map_min(map) <= start && start < end &&
	    end <= vm_map_max(map),
	    "uvm_km_check_empty: [0x%lx, 0x%lx) outside the map",
	    (unsigned long)start, (unsigned long)end);
	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		if (pmap_extract(uvm->pmap, va, &pa))
			panic("uvm_km_check_empty: va 0x%lx has pa 0x%lx",
			    (unsigned long)va, (unsigned long)pa);
	if (map->flags & VM_MAP_INTRSAFE)
		return;
	/*
	 * One object lock for the range (not one per page), and no lookup
	 * at all when the object has no resident page; the panic comes
	 * after the unlock, so a caught panic leaves the object usable.
	 */
	locked = mutex_owned(&uobj->vmobjlock);
	if (!locked)
		mutex_enter(&uobj->vmobjlock);
	pages = uobj->uo_npages != 0;
	for (vaddr_t va = start; pages && va < end; va += PAGE_SIZE) {
		if (uao_lookup(uobj, va - vm_map_min(uvm->kernel_map)) !=
		    NULL) {
			bad = va;
			found = true;
			break;
		}
	}
	if (!locked)
		mutex_exit(&uobj->vmobjlock);
	if (found)
		panic("uvm_km_check_empty: va 0x%lx has a page in the kernel "
		    "object", (unsigned long)bad);
}

/* ---- allocate and free ------------------------------------------------ */

/* The unchecked free, also used to unwind a failed allocation. */
static void
km_free(struct vm_map *map, vaddr_t addr, vsize_t size, uvm_flag_t flags)
{
	struct uvm *uvm = map->uvm;

	if (flags & UVM_KMF_PAGEABLE) {
		uvm_km_pgremove(uvm, addr, addr + size);
		pmap_remove(uvm->pmap, addr, addr + size);
	} else if (flags & UVM_KMF_WIRED) {
		uvm_km_pgremove_intrsafe(map, addr, addr + size);
		pmap_kremove(uvm->pmap, addr, size);
	}
	/* uvm_unmap1 does the pmap_update. */
	uvm_unmap1(map, addr, addr + size, UVM_FLAG_QUANTUM | UVM_FLAG_VAONLY);
}

/*
 * uvm_km_alloc: allocate `size' bytes of kernel memory in `map'.
 * => flags: one of WIRED, PAGEABLE, VAONLY; any of NOWAIT, TRYLOCK,
 *    WAITVA, CANFAIL, ZERO, EXEC.  align: 0 or a power of two.
 * => WIRED pages are allocated and mapped now (ZERO: read as zero;
 *    EXEC: executable); PAGEABLE and VAONLY map nothing.
 * => may wait for VA (WAITVA) or pages (unless NOWAIT, or CANFAIL with
 *    nothing reclaimable).
 * => returns the KVA, or 0 with nothing left behind.
 */
vaddr_t
uvm_km_alloc(struct vm_map *map, vsize_t size, vsize_t align,
    uvm_flag_t flags)
{
	struct uvm *uvm = map->uvm;

	KASSERT(vm_map_pmap(map) == uvm->pmap);
	KASSERTMSG(km_type_ok(flags), "uvm_km_alloc: bad type in flags 0x%x",
	    flags);
	KASSERTMSG(size > 0, "uvm_km_alloc: zero size");
	KASSERTMSG(powerof2(align), "uvm_km_alloc: align 0x%lx is not a "
	    "power of two", (unsigned long)align);

	vaddr_t kva = vm_map_min(map);
	size = round_page(size);
	vsize_t mapsize = size;
#if KMFUZZ_PLANT == KMFUZZ_PLANT_UB
	{
		/* no effect on the result: only UBSan can tell */
		volatile int junk = 1 << (int)(atop(size) + 27);
		(void)junk;
	}
#endif
#if KMFUZZ_PLANT == KMFUZZ_PLANT_OVERLAP
	if ((flags & UVM_KMF_WIRED) && mapsize > PAGE_SIZE)
		mapsize -= PAGE_SIZE;
#endif
	struct uvm_object *obj = (flags & UVM_KMF_PAGEABLE) ?
	    uvm->kernel_object : NULL;
	if (__predict_false(uvm_map(map, &kva, mapsize, obj,
	    UVM_UNKNOWN_OFFSET, align, UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL,
	    UVM_INH_NONE, UVM_ADV_RANDOM, (flags & (UVM_KMF_TRYLOCK |
	    UVM_KMF_NOWAIT | UVM_KMF_WAITVA)) | UVM_FLAG_QUANTUM)) != 0))
		return 0;
	if (flags & (UVM_KMF_VAONLY | UVM_KMF_PAGEABLE))
		return kva;

	/* Wired: back every page now, colored like its object offset. */
	voff_t offset = kva - vm_map_min(uvm->kernel_map);
	int pgaflags = UVM_FLAG_COLORMATCH;
	if (flags & UVM_KMF_NOWAIT)
		pgaflags |= UVM_PGA_USERESERVE;
	if (flags & UVM_KMF_ZERO)
		pgaflags |= UVM_PGA_ZERO;
	vm_prot_t prot = VM_PROT_READ | VM_PROT_WRITE;
	if (flags & UVM_KMF_EXEC)
		prot |= VM_PROT_EXECUTE;

	for (vaddr_t va = kva; va < kva + size;) {
		KASSERTMSG(!pmap_extract(uvm->pmap, va, NULL),
		    "uvm_km_alloc: fresh va 0x%lx is already mapped",
		    (unsigned long)va);
		struct vm_page *pg = uvm_pagealloc_strat(uvm, NULL, offset,
		    NULL, pgaflags, UVM_PGA_STRAT_NORMAL, 0);
		if (__predict_false(pg == NULL)) {
#if KMFUZZ_PLANT != KMFUZZ_PLANT_WIRED_GIVEUP
			if ((flags & UVM_KMF_NOWAIT) ||
#else
			/* planted: every shortage is taken as NOWAIT's */
			if (true ||
#endif
			    ((flags & UVM_KMF_CANFAIL) &&
			    !uvm_reclaimable(uvm))) {
				/* Undo everything: pages, mappings, VA. */
				km_free(map, kva, mapsize, UVM_KMF_WIRED);
				return 0;
			}
			uvm_wait(uvm, "km_getwait2");
			continue;
		}
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		pg->owner_tag = NULL;
		pmap_kenter_pa(uvm->pmap, va, pg->phys_addr, prot, PMAP_KMPAGE);
		va += PAGE_SIZE;
		offset += PAGE_SIZE;
	}
	pmap_update(uvm->pmap);
	return kva;
}

/*
 * km_check_entry: the misuse checks of uvm_km_free on `e', the last
 * entry at or below `addr' (NULL if none): [addr, end) must be exactly
 * one allocation of `map' of the type the flags name.
 * => map locked (by the unmap that calls it, or km_check_free).
 */
static void
km_check_entry(struct vm_map *map, vaddr_t addr, vaddr_t end,
    const struct vm_map_entry *e, uvm_flag_t flags)
{
	struct uvm *uvm = map->uvm;

	KDASSERT(mutex_owned(&map->lock));
	KASSERTMSG(e != NULL && addr < e->end, "uvm_km_free: 0x%lx is not "
	    "allocated in map [0x%lx, 0x%lx) (double free?)",
	    (unsigned long)addr, (unsigned long)vm_map_min(map),
	    (unsigned long)vm_map_max(map));
	KASSERTMSG(e->start == addr && e->end == end,
	    "uvm_km_free: [0x%lx, 0x%lx) is not one allocation; the entry "
	    "there is [0x%lx, 0x%lx) (wrong address or size?)",
	    (unsigned long)addr, (unsigned long)end,
	    (unsigned long)e->start, (unsigned long)e->end);
	KASSERTMSG((e->flags & (UVM_MAP_SUBMAP | UVM_MAP_FIRST)) == 0,
	    "uvm_km_free: 0x%lx is a submap or the kernel image",
	    (unsigned long)addr);
	bool pageable = e->object.uvm_obj == uvm->kernel_object;
	KASSERTMSG(pageable == ((flags & UVM_KMF_PAGEABLE) != 0),
	    "uvm_km_free: 0x%lx is %spageable but freed with flags 0x%x "
	    "(wrong type?)", (unsigned long)addr, pageable ? "" : "not ",
	    flags);
	if (flags & UVM_KMF_VAONLY)
		KASSERTMSG(!pmap_extract(uvm->pmap, addr, NULL),
		    "uvm_km_free: va-only 0x%lx is still mapped (wrong type, "
		    "or the caller's mappings were left behind?)",
		    (unsigned long)addr);
#if UVM_DEBUG >= 2
	if (flags & UVM_KMF_VAONLY)
		uvm_km_check_empty(map, addr, end);
#endif
}

/*
 * km_check_free: km_check_entry for a free that must look before it
 * unmaps (pageable: its pages go first, and that may sleep, so not
 * under the map lock).
 * => map unlocked; what the entry says is only read under its lock.
 */
static void
km_check_free(struct vm_map *map, vaddr_t addr, vsize_t size,
    uvm_flag_t flags)
{
	struct vm_map_entry *e;

	mutex_enter(&map->lock);
	if (!uvm_map_lookup_entry(map, addr, &e) && e != NULL &&
	    e->end <= addr)
		e = NULL;
	km_check_entry(map, addr, addr + size, e, flags);
	mutex_exit(&map->lock);
}

/*
 * uvm_km_free: free what uvm_km_alloc returned.
 * => addr and size as allocated (size is rounded to pages), flags of the
 *    same type.  Misuse panics with a message naming the address.
 * => wired and VA-only: one map lock and one lookup serve the checks and
 *    the unmap (wired pages are freed under the map lock, as NetBSD's
 *    uvm_unmap_remove does); pageable ones are checked first.
 */
void
uvm_km_free(struct vm_map *map, vaddr_t addr, vsize_t size, uvm_flag_t flags)
{
	KASSERTMSG(km_type_ok(flags), "uvm_km_free: bad type in flags 0x%x "
	    "for 0x%lx", flags, (unsigned long)addr);
	KASSERTMSG((addr & PAGE_MASK) == 0,
	    "uvm_km_free: 0x%lx is not page aligned", (unsigned long)addr);
	KASSERT(vm_map_pmap(map) == map->uvm->pmap);
	size = round_page(size);
	KASSERTMSG(size > 0, "uvm_km_free: zero size at 0x%lx",
	    (unsigned long)addr);
	if (flags & UVM_KMF_PAGEABLE) {
		km_check_free(map, addr, size, flags);
		km_free(map, addr, size, flags);
		return;
	}
	/* without VAONLY the unmap frees a wired entry's pages */
	uvm_unmap_checked(map, addr, addr + size, UVM_FLAG_QUANTUM |
	    (flags & UVM_KMF_VAONLY ? UVM_FLAG_VAONLY : 0), km_check_entry,
	    flags);
}

/* ---- pool pages ------------------------------------------------------- */

/*
 * uvm_km_alloc_poolpage: one wired page for a pool.
 * => direct-map instances: a page seen through the direct map.
 *    Otherwise a one-page WIRED allocation in `map'.
 * => !waitok: may use the reserve, never sleeps; returns 0 on failure.
 */
vaddr_t
uvm_km_alloc_poolpage(struct vm_map *map, bool waitok)
{
	struct uvm *uvm = map->uvm;

	if (!uvm->cfg.poolpage_direct_map)
		return uvm_km_alloc(map, PAGE_SIZE, 0, UVM_KMF_WIRED |
		    (waitok ? 0 : UVM_KMF_NOWAIT | UVM_KMF_TRYLOCK));
	for (;;) {
		struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, NULL,
		    waitok ? 0 : UVM_PGA_USERESERVE);
		if (__predict_false(pg == NULL)) {
			if (!waitok)
				return 0;
			uvm_wait(uvm, "plpg");
			continue;
		}
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		pg->owner_tag = NULL;
		vaddr_t va = pmap_map_poolpage(uvm->pmap, pg->phys_addr);
		if (__predict_false(va == 0))
			uvm_pagefree(uvm, pg);
		return va;
	}
}

/*
 * uvm_km_alloc_poolpage_cache: like uvm_km_alloc_poolpage, but the VA
 * comes from the map's KVA cache (if it has one) and only the page is
 * new.  => returns 0 when VA or page is short and !waitok.
 */
vaddr_t
uvm_km_alloc_poolpage_cache(struct vm_map *map, bool waitok)
{
	struct uvm *uvm = map->uvm;
	struct pool *pp = &vm_map_to_kernel(map)->vmk_vacache;

	if (uvm->cfg.poolpage_direct_map || (map->flags & VM_MAP_VACACHE) == 0)
		return uvm_km_alloc_poolpage(map, waitok);

	vaddr_t va = (vaddr_t)pool_get(pp, waitok ? PR_WAITOK : PR_NOWAIT);
	if (va == 0)
		return 0;
	KASSERTMSG(!pmap_extract(uvm->pmap, va, NULL),
	    "uvm_km_alloc_poolpage_cache: cached va 0x%lx is mapped",
	    (unsigned long)va);
	struct vm_page *pg;
#if KMFUZZ_PLANT == KMFUZZ_PLANT_POOL_RESERVE
	while ((pg = uvm_pagealloc(uvm, NULL, 0, NULL,	/* planted: */
	    UVM_PGA_USERESERVE)) == NULL) {		/* always the reserve */
#else
	while ((pg = uvm_pagealloc(uvm, NULL, 0, NULL,
	    waitok ? 0 : UVM_PGA_USERESERVE)) == NULL) {
#endif
		if (!waitok) {
			pool_put(pp, (void *)va);
			return 0;
		}
		uvm_wait(uvm, "plpg");
	}
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pg->owner_tag = NULL;
	pmap_kenter_pa(uvm->pmap, va, pg->phys_addr,
	    VM_PROT_READ | VM_PROT_WRITE, PMAP_KMPAGE);
	pmap_update(uvm->pmap);
	return va;
}

/* uvm_km_free_poolpage: => addr came from uvm_km_alloc_poolpage. */
void
uvm_km_free_poolpage(struct vm_map *map, vaddr_t addr)
{
	struct uvm *uvm = map->uvm;

	if (!uvm->cfg.poolpage_direct_map) {
		uvm_km_free(map, addr, PAGE_SIZE, UVM_KMF_WIRED);
		return;
	}
	paddr_t pa = pmap_unmap_poolpage(uvm->pmap, addr);
	struct vm_page *pg = PHYS_TO_VM_PAGE(uvm, pa);
	KASSERTMSG(pg != NULL && (pg->pqflags & PQ_FREE) == 0 &&
	    pg->uobject == NULL,
	    "uvm_km_free_poolpage: 0x%lx is not an allocated pool page "
	    "(double free?)", (unsigned long)addr);
	uvm_pagefree(uvm, pg);
}

/*
 * uvm_km_free_poolpage_cache: free the page, keep the VA in the cache.
 * => addr came from uvm_km_alloc_poolpage_cache on the same map.
 * => the VA goes back unmapped.  By default the TLB is flushed before it
 *    does (NetBSD with DEBUG), so no stale translation survives; with
 *    cfg.poolpage_free_noupdate it is not (NetBSD without DEBUG): the
 *    next pmap_update of anyone's flushes it, and until then another
 *    CPU may still use the old translation of the freed page.
 */
void
uvm_km_free_poolpage_cache(struct vm_map *map, vaddr_t addr)
{
	struct uvm *uvm = map->uvm;

	if (uvm->cfg.poolpage_direct_map || (map->flags & VM_MAP_VACACHE) == 0) {
		uvm_km_free_poolpage(map, addr);
		return;
	}
	bool isfree = true;
	KASSERTMSG(pool_contains(&vm_map_to_kernel(map)->vmk_vacache, addr,
	    &isfree) && !isfree && (addr & PAGE_MASK) == 0,
	    "uvm_km_free_poolpage_cache: 0x%lx is not a cached pool page in "
	    "use (double free or wrong map?)", (unsigned long)addr);
	KASSERTMSG(pmap_extract(uvm->pmap, addr, NULL),
	    "uvm_km_free_poolpage_cache: 0x%lx is not mapped",
	    (unsigned long)addr);
	uvm_km_pgremove_intrsafe(map, addr, addr + PAGE_SIZE);
	pmap_kremove(uvm->pmap, addr, PAGE_SIZE);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_RACE_VA_SHOOTDOWN
	/* planted: another CPU may take the VA before the shootdown */
	pool_put(&vm_map_to_kernel(map)->vmk_vacache, (void *)addr);
	if (!uvm->cfg.poolpage_free_noupdate)
		pmap_update(uvm->pmap);
	return;
#endif
#if KMFUZZ_PLANT != KMFUZZ_PLANT_NOUPDATE
	if (!uvm->cfg.poolpage_free_noupdate)
		pmap_update(uvm->pmap);
#endif
	KASSERT(!pmap_extract(uvm->pmap, addr, NULL));
	pool_put(&vm_map_to_kernel(map)->vmk_vacache, (void *)addr);
}
