/*
 * pmodel_impl.h: struct pmap and the helpers shared by pmodel_pmap.c
 * (tables and the pmap(9) calls), pmodel_tlb.c (TLB, access) and
 * pmodel_check.c (sanity walk, iteration).  Not for the harness.
 */
#ifndef KMFUZZ_PMODEL_IMPL_H
#define KMFUZZ_PMODEL_IMPL_H

#include "pmodel.h"
#include "host_platform.h"

#if defined(__SANITIZE_ADDRESS__)
#define PMODEL_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PMODEL_ASAN	1
void	pmodel_frame_written(struct pmap *pm, size_t f);

#endif
void	pmodel_frame_written(struct pmap *pm, size_t f);

#endif

#ifdef PMODEL_ASAN
#include <sanitizer/asan_interface.h>
#define PMODEL_POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define PMODEL_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define PMODEL_POISON(p, n)	((void)(p), (void)(n))
#define PMODEL_UNPOISON(p, n)	((void)(p), (void)(n))
void	pmodel_frame_written(struct pmap *pm, size_t f);

#endif

/* Defensive branches valid states never take (SQLite's NEVER). */
#define PMODEL_NEVER(e)	__predict_false(e)

/* Frame states (pm_frame[]). */
enum {
	FR_HOLE = 0,	/* not RAM the core knows; never mapped */
	FR_PT,		/* in the PT pool (free or in use: see pm_ptlevel) */
	FR_FREE,	/* managed, free in the core (poisoned) */
	FR_ALLOC,	/* managed, handed out by the core */
};

/* One TLB entry: a cached leaf translation with what it grants. */
struct pmodel_tlbent {
	uint64_t	te_vpn;		/* va >> PAGE_SHIFT */
	uint64_t	te_pfn;		/* pa >> PAGE_SHIFT */
	uint32_t	te_gen;		/* pm_framegen[te_pfn] when filled */
	uint8_t		te_valid, te_write, te_exec, te_dirty;
};

struct pmap {
	struct pmodel_pmap_params pm_params;	/* defaults resolved */
	unsigned char	*pm_arena;		/* nframes * PAGE_SIZE */
	size_t		pm_nframes;
	vaddr_t		pm_dmap_base;
	vaddr_t		pm_kva_lo, pm_kva_hi;

	uint8_t		*pm_frame;		/* FR_*, per frame */
	uint32_t	*pm_framegen;		/* frees of each frame, ever */
	uint64_t	*pm_dirtymap;		/* frame touched since reset */
	uint64_t	*pm_writtenmap;		/* ... and its contents changed */
	uint32_t	*pm_dirtylist;
	size_t		pm_ndirty;
	unsigned long	pm_frames_free, pm_frames_alloc;
	/* pages the core handed out, ever; the last one's address */
	unsigned long	pm_page_allocs, pm_page_frees;
	paddr_t		pm_last_alloc;
	unsigned long	pm_enters;	/* pmap_enter calls, ever */

	/* PT pool: frames [0, pt_pages) */
	unsigned int	pm_pt_pages;
	uint8_t		*pm_ptlevel;	/* 0 free, 1 PT .. 4 PML4 */
	uint16_t	*pm_ptvalid;	/* present entries per PT page */
	uint32_t	*pm_ptseen;	/* sanity epoch marks */
	uint32_t	pm_epoch;
	uint32_t	*pm_ptfree;	/* free stack; top = pm_ptnfree-1 */
	unsigned int	pm_ptnfree;
	unsigned int	pm_pt_inuse;
	uint32_t	pm_root;	/* PML4 frame */
	/*
	 * The last leaf table a walk reached, for the 2 MiB of VA at
	 * pm_wc_slot (va >> PT_SHIFT(2)): the core walks range after range
	 * page by page (pmap_extract in uvm_km_pgremove_intrsafe and
	 * uvm_km_check_empty), and each walk from the root cost four
	 * dependent loads.  Cleared (pm_wc_leaf = NULL) whenever a table
	 * page is freed, the pool rebuilt or the root handed out for raw
	 * edits: only those can change the path to a leaf table that
	 * exists (walk_alloc fills absent entries only).
	 */
	uint64_t	*pm_wc_leaf;
	uint32_t	pm_wc_frame;	/* its frame */
	vaddr_t		pm_wc_slot;
	/*
	 * And the last hole: va >> pm_wn_shift == pm_wn_tag had no table
	 * below it (a walk of unmapped VA stops there, page after page).
	 * Cleared by the same events and by every table page allocated.
	 */
	bool		pm_wn_valid;
	unsigned int	pm_wn_shift;
	vaddr_t		pm_wn_tag;
	unsigned long	pm_fail_ptalloc_in;
	unsigned long	pm_nmappings;

	/*
	 * TLBs, one per CPU (pm_ncpus blocks of pm_tlbmask + 1 entries),
	 * and the invalidations pmap_update owes all of them
	 */
	struct pmodel_tlbent *pm_tlb;
	unsigned int	pm_tlbmask;
	unsigned int	pm_ncpus;	/* TLBs made */
	unsigned int	pm_nactive;	/* CPUs in use (pmodel_set_ncpus) */
	unsigned int	pm_curcpu;
	vaddr_t		pm_pending[PMODEL_PENDING_MAX];
	uint8_t		pm_pending_cpu[PMODEL_PENDING_MAX]; /* who removed */
	unsigned long	pm_npending;	/* total since last update */
	/* mappings entered since the last update (pmap(9) wants one) */
	unsigned long	pm_nentered;
	vaddr_t		pm_entered_va;	/* the first of them */
	unsigned long	pm_nupdates, pm_tlb_hits, pm_tlb_misses, pm_nstale;
	vaddr_t		pm_fault_va;
	/* the first VA entered again before its shootdown (reuse check) */
	unsigned long	pm_nreuse;
	vaddr_t		pm_reuse_va;
	uint64_t	pm_reuse_oldpfn, pm_reuse_newpfn;
	uint8_t		pm_reuse_cpu, pm_reuse_stalecpu, pm_reuse_pending;
};

#define PT_SHIFT(level)	(PAGE_SHIFT + 9 * ((level) - 1))	/* L1=12 */
#define PT_INDEX(va, level) \
	((unsigned int)(((va) >> PT_SHIFT(level)) & 511))

static inline uint64_t *
pmodel_ptpage(struct pmap *pm, uint64_t frame)
{
	return (uint64_t *)(void *)(pm->pm_arena + frame * PAGE_SIZE);
}

static inline bool
pmodel_dmap_p(const struct pmap *pm, vaddr_t va)
{
	return va >= pm->pm_dmap_base &&
	    va - pm->pm_dmap_base < (vaddr_t)pm->pm_nframes * PAGE_SIZE;
}

/* Sign-extend a 48-bit VA built from table indices. */
static inline vaddr_t
pmodel_canon(uint64_t va)
{
	return (va & ((uint64_t)1 << 47)) ? (va | 0xffff000000000000ULL)
	    : (va & 0x0000ffffffffffffULL);
}

/*
 * The frame index of managed page `pa', or a panic naming `fn' and `va'
 * (unaligned, outside RAM, PT pool; free too when `need_alloc').
 */
size_t		pmodel_managed_frame(struct pmap *pm, paddr_t pa,
		    const char *fn, vaddr_t va, bool need_alloc);
void		pmodel_frames_reset(struct pmap *pm);
/* The leaf PTE slot for va, or NULL if a level is missing. */
uint64_t	*pmodel_walk(struct pmap *pm, vaddr_t va);
/* Queue an invalidation of va for the next pmap_update. */
void		pmodel_tlb_queue(struct pmap *pm, vaddr_t va);
/* va is about to map pa: record it if some TLB still maps another frame. */
void		pmodel_tlb_reuse(struct pmap *pm, vaddr_t va, paddr_t pa);
/* CPU cpu's entry for vpn's slot. */
static inline struct pmodel_tlbent *
pmodel_tlbent(struct pmap *pm, unsigned int cpu, uint64_t vpn)
{
	return &pm->pm_tlb[(size_t)cpu * (pm->pm_tlbmask + 1) +
	    (vpn & pm->pm_tlbmask)];
}
void		pmodel_tlb_reset(struct pmap *pm);

void	pmodel_frame_written(struct pmap *pm, size_t f);

#endif /* KMFUZZ_PMODEL_IMPL_H */
