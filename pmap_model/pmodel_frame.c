/*
 * pmodel_frame.c: the simulated physical frames -- their states, their
 * contents, and the core's page hooks (pmap_zero_page, pmap_copy_page,
 * the direct map, pmap_page_freed/_allocated).
 *
 * A managed frame is FR_FREE (ASan-poisoned: any touch is a report, as
 * KASAN would give) or FR_ALLOC.  Every frame whose state or contents
 * change is put on the dirty list once; pmodel_pmap_reset refills just
 * those, so a reset costs what the input touched, not the arena.
 * Example: 1024 managed frames, an input allocates 5 pages and zeroes
 * one free page: 6 frames dirty, 6 x 4 KiB refilled with 0xa5 (or 0
 * with fill_zero) and re-poisoned at reset; the other 1018 untouched.
 */
#include <string.h>

#include "pmodel_impl.h"

#define FILL_JUNK	0xa5

/* ------------------------------------------------------------------ */
/* frames */

static void
frame_fill(struct pmap *pm, size_t f)
{
	memset(pm->pm_arena + f * PAGE_SIZE,
	    pm->pm_params.fill_zero ? 0 : FILL_JUNK, PAGE_SIZE);
}

static void
frame_dirty(struct pmap *pm, size_t f)
{
	uint64_t bit = (uint64_t)1 << (f & 63);

	if ((pm->pm_dirtymap[f >> 6] & bit) == 0) {
		pm->pm_dirtymap[f >> 6] |= bit;
		pm->pm_dirtylist[pm->pm_ndirty++] = (uint32_t)f;
	}
}

/*
 * Its contents changed: the reset must refill it.  Frames only handed
 * out and back keep their fill, so they need the state reset alone.
 */
void
pmodel_frame_written(struct pmap *pm, size_t f)
{
	frame_dirty(pm, f);
	pm->pm_writtenmap[f >> 6] |= (uint64_t)1 << (f & 63);
}

/* The frame of a managed pa, or panic naming `fn', `va' and the state. */
size_t
pmodel_managed_frame(struct pmap *pm, paddr_t pa, const char *fn, vaddr_t va,
    bool need_alloc)
{
	size_t f = (size_t)atop(pa);

	if ((pa & PAGE_MASK) != 0)
		pmodel_panicf("%s: va %#llx: pa %#llx not page aligned", fn,
		    (unsigned long long)va, (unsigned long long)pa);
	if (f >= pm->pm_nframes || pm->pm_frame[f] == FR_HOLE)
		pmodel_panicf("%s: va %#llx: pa %#llx is not managed RAM", fn,
		    (unsigned long long)va, (unsigned long long)pa);
	if (pm->pm_frame[f] == FR_PT)
		pmodel_panicf("%s: va %#llx: pa %#llx is a page-table page",
		    fn, (unsigned long long)va, (unsigned long long)pa);
	if (need_alloc && pm->pm_frame[f] == FR_FREE)
		pmodel_panicf("%s: va %#llx: pa %#llx is a free page", fn,
		    (unsigned long long)va, (unsigned long long)pa);
	return f;
}

void *
pmodel_phys(struct pmap *pm, paddr_t pa)
{
	if (atop(pa) >= pm->pm_nframes)
		return NULL;
	/* a raw pointer may be written through (swap-in does) */
	if (pa < pm->pm_nframes * PAGE_SIZE)
		pmodel_frame_written(pm, (size_t)atop(pa));
	return pm->pm_arena + pa;
}

bool
pmodel_frame_is_free(const struct pmap *pm, paddr_t pa)
{
	return atop(pa) < pm->pm_nframes &&
	    pm->pm_frame[atop(pa)] == FR_FREE;
}

bool
pmodel_frame_is_managed(const struct pmap *pm, paddr_t pa)
{
	return atop(pa) < pm->pm_nframes &&
	    (pm->pm_frame[atop(pa)] == FR_FREE ||
	     pm->pm_frame[atop(pa)] == FR_ALLOC);
}

int
pmodel_pmap_add_managed(struct pmap *pm, paddr_t start, paddr_t end)
{
	size_t f;

	if ((start & PAGE_MASK) || (end & PAGE_MASK) || start >= end ||
	    atop(end) > pm->pm_nframes)
		return -1;
	for (f = atop(start); f < atop(end); f++)
		if (pm->pm_frame[f] != FR_HOLE)
			return -1;
	for (f = atop(start); f < atop(end); f++) {
		pm->pm_frame[f] = FR_FREE;
		frame_fill(pm, f);
		PMODEL_POISON(pm->pm_arena + f * PAGE_SIZE, PAGE_SIZE);
		pm->pm_frames_free++;
	}
	return 0;
}

/* Every dirtied frame back to free, filled and poisoned. */
void
pmodel_frames_reset(struct pmap *pm)
{
	size_t i;

	/* frames: only those the last run touched differ from a fresh one */
	for (i = 0; i < pm->pm_ndirty; i++) {
		size_t f = pm->pm_dirtylist[i];

		pm->pm_dirtymap[f >> 6] = 0;
		if (pm->pm_writtenmap[f >> 6] & ((uint64_t)1 << (f & 63))) {
			/* one bit: a neighbour in this word may be pending */
			pm->pm_writtenmap[f >> 6] &= ~((uint64_t)1 << (f & 63));
			PMODEL_UNPOISON(pm->pm_arena + f * PAGE_SIZE,
			    PAGE_SIZE);
			frame_fill(pm, f);
		}
		PMODEL_POISON(pm->pm_arena + f * PAGE_SIZE, PAGE_SIZE);
		if (pm->pm_frame[f] == FR_ALLOC) {
			pm->pm_frame[f] = FR_FREE;
			pm->pm_frames_alloc--;
			pm->pm_frames_free++;
		}
	}
	pm->pm_ndirty = 0;
}

/* ------------------------------------------------------------------ */
/* page contents and page-state hooks */

void
pmap_zero_page(struct pmap *pm, paddr_t pa)
{
	size_t f = pmodel_managed_frame(pm, pa, "pmap_zero_page", 0, false);
	void *p = pm->pm_arena + pa;

	/* pre-zeroing a free page is legal: lift the poison meanwhile */
	if (pm->pm_frame[f] == FR_FREE)
		PMODEL_UNPOISON(p, PAGE_SIZE);
	memset(p, 0, PAGE_SIZE);
	if (pm->pm_frame[f] == FR_FREE)
		PMODEL_POISON(p, PAGE_SIZE);
	pmodel_frame_written(pm, f);
}

void
pmap_copy_page(struct pmap *pm, paddr_t src, paddr_t dst)
{
	pmodel_managed_frame(pm, src, "pmap_copy_page(src)", 0, true);
	pmodel_frame_written(pm, pmodel_managed_frame(pm, dst,
	    "pmap_copy_page(dst)", 0, true));
	memmove(pm->pm_arena + dst, pm->pm_arena + src, PAGE_SIZE);
}

vaddr_t
pmap_map_poolpage(struct pmap *pm, paddr_t pa)
{
	pmodel_managed_frame(pm, pa, "pmap_map_poolpage", 0, true);
	return pm->pm_dmap_base + pa;
}

paddr_t
pmap_unmap_poolpage(struct pmap *pm, vaddr_t va)
{
	if (!pmodel_dmap_p(pm, va) || (va & PAGE_MASK))
		pmodel_panicf("pmap_unmap_poolpage: va %#llx is not a "
		    "direct-map page", (unsigned long long)va);
	return va - pm->pm_dmap_base;
}

void
pmap_page_freed(struct pmap *pm, paddr_t pa)
{
	size_t f = pmodel_managed_frame(pm, pa, "pmap_page_freed", 0, false);

	__atomic_fetch_add(&pm->pm_page_frees, 1, __ATOMIC_RELAXED);
	if (pm->pm_frame[f] == FR_ALLOC) {
		pm->pm_frame[f] = FR_FREE;
		pm->pm_frames_alloc--;
		pm->pm_frames_free++;
	}
	pm->pm_framegen[f]++;	/* a TLB entry to it now reaches a stranger */
	PMODEL_POISON(pm->pm_arena + pa, PAGE_SIZE);
}

void
pmap_page_allocated(struct pmap *pm, paddr_t pa)
{
	size_t f = pmodel_managed_frame(pm, pa, "pmap_page_allocated", 0, false);

	__atomic_fetch_add(&pm->pm_page_allocs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&pm->pm_last_alloc, pa, __ATOMIC_RELAXED);

	if (pm->pm_frame[f] == FR_FREE) {
		pm->pm_frame[f] = FR_ALLOC;
		pm->pm_frames_free--;
		pm->pm_frames_alloc++;
	}
	PMODEL_UNPOISON(pm->pm_arena + pa, PAGE_SIZE);
	frame_dirty(pm, f);
}

void
pmodel_page_counts(const struct pmap *pm, unsigned long *allocs,
    paddr_t *last, unsigned long *enters, unsigned long *frees)
{
	*frees = __atomic_load_n(&pm->pm_page_frees, __ATOMIC_RELAXED);
	*allocs = __atomic_load_n(&pm->pm_page_allocs, __ATOMIC_RELAXED);
	*last = __atomic_load_n(&pm->pm_last_alloc, __ATOMIC_RELAXED);
	*enters = __atomic_load_n(&pm->pm_enters, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */

void
pmodel_get_stats(const struct pmap *pm, struct pmodel_stats *st)
{
	st->nframes = pm->pm_nframes;
	st->pt_pages = pm->pm_pt_pages;
	st->pt_inuse = pm->pm_pt_inuse;
	st->nmappings = pm->pm_nmappings;
	st->npending = pm->pm_npending;
	st->nupdates = pm->pm_nupdates;
	st->tlb_hits = pm->pm_tlb_hits;
	st->tlb_misses = pm->pm_tlb_misses;
	st->nreuse = pm->pm_nreuse;
	st->nstale = pm->pm_nstale;
	st->frames_free = pm->pm_frames_free;
	st->frames_alloc = pm->pm_frames_alloc;
}

vaddr_t
pmodel_dmap_base(const struct pmap *pm)
{
	return pm->pm_dmap_base;
}
