/*
 * pmodel.h: the userspace x86-64 pmap model.
 *
 * One struct pmap is one kernel pmap over one simulated physical arena:
 *
 *	physical frame	0 .. pt_pages-1		page-table pool (the pmap's own)
 *			pt_pages .. nframes-1	managed segments, with holes
 *
 * The core never sees the PT pool: the host hands it only the managed
 * segments (uvm_config.seg).  Page tables are real x86-64 4-level tables
 * (4 KiB leaves only) stored in PT-pool frames, so a checker can walk them
 * exactly as the MMU would.  A software TLB caches translations made by
 * pmodel_access(); removals and protection drops stay in it until
 * pmap_update(), so a missing pmap_update is visible to the harness.
 *
 * Addresses:
 *	kernel map (typical)	0xffffffff80000000 ..	(host.h default)
 *	direct map		dmap_base + pa, dmap_base default
 *				PMODEL_DMAP_BASE = 0xffff800000000000
 *	e.g. pa 0x123000 is direct-mapped at 0xffff800000123000.
 *
 * The pmap_* functions of uvm_pmap.h are implemented here; misuse of them
 * (kenter over a live mapping, kremove of a managed mapping, a frame the
 * core freed, a VA outside the kernel window) panics through
 * uvm_platform_panic, which the harness catches (host_platform.h).
 */
#ifndef KMFUZZ_PMODEL_H
#define KMFUZZ_PMODEL_H

#include <uvm/uvm_param.h>
#include <uvm/uvm_pmap.h>

/* Default base of the direct map (the lowest canonical high-half VA). */
#define PMODEL_DMAP_BASE	((vaddr_t)0xffff800000000000ULL)
#define PMODEL_TLB_DEFAULT	64
#define PMODEL_PENDING_MAX	32	/* queued invlpgs before a full flush */
#define PMODEL_MAX_CPUS		4	/* TLBs: one per virtual CPU */

/* x86-64 PTE bits (Intel SDM vol. 3, 4.5). */
#define PMODEL_PTE_P		((uint64_t)1 << 0)
#define PMODEL_PTE_RW		((uint64_t)1 << 1)
#define PMODEL_PTE_US		((uint64_t)1 << 2)
#define PMODEL_PTE_PWT		((uint64_t)1 << 3)	/* never set */
#define PMODEL_PTE_PCD		((uint64_t)1 << 4)	/* never set */
#define PMODEL_PTE_A		((uint64_t)1 << 5)
#define PMODEL_PTE_D		((uint64_t)1 << 6)
#define PMODEL_PTE_PS		((uint64_t)1 << 7)	/* never set: 4 KiB only */
#define PMODEL_PTE_G		((uint64_t)1 << 8)
#define PMODEL_PTE_WIRED	((uint64_t)1 << 9)	/* software: PMAP_WIRED */
#define PMODEL_PTE_PVLIST	((uint64_t)1 << 10)	/* software: pmap_enter */
#define PMODEL_PTE_NX		((uint64_t)1 << 63)
#define PMODEL_PTE_FRAME	((uint64_t)0x000ffffffffff000ULL)

/* pmodel_access / pmodel_read / pmodel_write results. */
enum pmodel_fault {
	PMODEL_OK = 0,
	PMODEL_FAULT_NOTPRESENT,	/* no translation */
	PMODEL_FAULT_WRITE,		/* write to a read-only page */
	PMODEL_FAULT_EXEC,		/* fetch from an NX page */
	PMODEL_FAULT_NONCANONICAL,	/* not a canonical 48-bit VA */
	PMODEL_FAULT_FREED,		/* translation reaches a freed frame */
	PMODEL_STALE_TLB,		/* a TLB hit the tables no longer allow */
};
const char	*pmodel_fault_name(int code);

struct pmodel_pmap_params {
	size_t		nframes;	/* arena size in 4 KiB frames */
	unsigned int	pt_pages;	/* frames [0, pt_pages): PT pool */
	unsigned int	tlb_entries;	/* power of two; 0: PMODEL_TLB_DEFAULT */
	unsigned int	ncpus;		/* TLBs, 1..PMODEL_MAX_CPUS; 0: 1 */
	vaddr_t		dmap_base;	/* 0: PMODEL_DMAP_BASE */
	vaddr_t		kva_lo, kva_hi;	/* kenter/enter window; 0,0: any
					   high-half VA outside the dmap */
	bool		keep_empty_pt;	/* never free empty PT pages */
	bool		fill_zero;	/* managed frames start zero, not 0xa5 */
};

/*
 * pmodel_pmap_create: a pmap with an empty PML4 over a fresh arena.
 * => every frame outside the PT pool starts as a hole; add managed
 *    segments with pmodel_pmap_add_managed.
 * => returns NULL (and says why on stderr) if the params are invalid.
 */
struct pmap	*pmodel_pmap_create(const struct pmodel_pmap_params *p);
void		pmodel_pmap_destroy(struct pmap *pm);

/*
 * pmodel_pmap_add_managed: frames [start, end) become managed and free
 * (filled, ASan-poisoned).  => inside the arena, outside the PT pool.
 */
int		pmodel_pmap_add_managed(struct pmap *pm, paddr_t start,
		    paddr_t end);

/*
 * pmodel_pmap_reset: back to the state right after create + add_managed:
 * tables empty, PT pool in its initial order, TLB and pending list empty,
 * every frame dirtied since the last reset refilled and re-poisoned.
 * => cost proportional to PT-pool size plus frames dirtied, not arena.
 */
void		pmodel_pmap_reset(struct pmap *pm);

/* Worst-case PT pages (root included) to map all of [lo, hi). */
unsigned int	pmodel_pt_pages_for(vaddr_t lo, vaddr_t hi);

/* Geometry and counters. */
struct pmodel_stats {
	size_t		nframes;
	unsigned int	pt_pages, pt_inuse;	/* pool size, in use (root too) */
	unsigned long	nmappings;		/* present leaves */
	unsigned long	npending;		/* invalidations since update */
	unsigned long	nupdates, tlb_hits, tlb_misses, nstale;
	unsigned long	nreuse;			/* VAs re-entered before shootdown */
	unsigned long	frames_free, frames_alloc;
};
void		pmodel_get_stats(const struct pmap *pm, struct pmodel_stats *st);
/*
 * Pages the core has handed out (pmap_page_allocated calls), ever, the
 * address of the last one, and pmap_enter calls: the page allocator's
 * and the fault handler's own counters and the color rotation are
 * judged against them.
 */
void		pmodel_page_counts(const struct pmap *pm, unsigned long *allocs,
		    paddr_t *last, unsigned long *enters, unsigned long *frees);
vaddr_t		pmodel_dmap_base(const struct pmap *pm);

/* Host pointer to physical address `pa' (any frame), NULL outside. */
void		*pmodel_phys(struct pmap *pm, paddr_t pa);
/* Is `pa' a managed frame the core has freed (or never allocated)? */
bool		pmodel_frame_is_free(const struct pmap *pm, paddr_t pa);
bool		pmodel_frame_is_managed(const struct pmap *pm, paddr_t pa);

/* The raw leaf PTE for `va' (0 if none); tests use it to corrupt. */
uint64_t	*pmodel_leaf_pte(struct pmap *pm, vaddr_t va);
/* The raw PML4 entry array (512 entries); tests use it to corrupt. */
uint64_t	*pmodel_root(struct pmap *pm);

/*
 * Fault injection: the n-th page-table-page allocation from now made by
 * pmap_enter fails (ENOMEM with PMAP_CANFAIL).  0 turns it off.
 */
void		pmodel_fail_ptalloc(struct pmap *pm, unsigned long n);

/*
 * pmodel_access: translate `va' as the MMU would for a supervisor access.
 * TLB first, then the tables; a miss fills the TLB and sets A (and D on a
 * write) in the leaf.  A TLB hit that the tables no longer grant (gone,
 * other frame, lost RW, gained NX) is counted and returns PMODEL_STALE_TLB
 * with *pa_out the stale frame the CPU would have used -- with several
 * CPUs only once that frame was freed since the entry was filled (before
 * another CPU's shootdown the old page, still its owner's, is what real
 * hardware uses too: pmodel_tlb.c).
 * => pa_out may be NULL; on success it gets pa including the page offset.
 * => direct-map VAs translate without the TLB.
 */
int		pmodel_access(struct pmap *pm, vaddr_t va, bool write,
		    bool exec, paddr_t *pa_out);

/*
 * pmodel_read / pmodel_write: copy through the translation, page by page.
 * => 0, or the first fault; bytes before the faulting page were copied.
 *    A freed frame is never touched (PMODEL_FAULT_FREED).
 * => pmodel_fault_va() then names the faulting VA.
 */
int		pmodel_read(struct pmap *pm, vaddr_t va, void *buf, size_t len);
int		pmodel_write(struct pmap *pm, vaddr_t va, const void *buf,
		    size_t len);
vaddr_t		pmodel_fault_va(const struct pmap *pm);

/* Drop every TLB entry of every CPU without an update. */
void		pmodel_tlb_flush_all(struct pmap *pm);

/*
 * Virtual CPUs.  Each has its own TLB; pmodel_access fills and uses the
 * current CPU's.  pmap_update is a shootdown: every queued invalidation
 * is done on every CPU's TLB.  A scheduler running several CPUs over one
 * pmap calls pmodel_set_cpu when it switches.
 * => cpu < the pmap's ncpus (else a panic).
 */
void		pmodel_set_cpu(struct pmap *pm, unsigned int cpu);
unsigned int	pmodel_cpu(const struct pmap *pm);
unsigned int	pmodel_ncpus(const struct pmap *pm);
/*
 * CPUs in use from now, 1..params.ncpus (TLBs are made for all at
 * create; a single-CPU run then pays for one); the current CPU is 0.
 */
void		pmodel_set_ncpus(struct pmap *pm, unsigned int n);

/*
 * Checkers.  Each returns 0, or -1 with a message naming the VA/PA.
 *  pmodel_tlb_check:	no TLB entry grants more than the tables.
 *  pmodel_pending_check: no removal/protection drop waits for pmap_update,
 *			and no kenter/enter was left without one (pmap(9)).
 *  pmodel_reuse_check:	no VA was entered again (kenter/enter, by any CPU)
 *			while some CPU's TLB still held its old translation
 *			-- the removal not yet shot down.
 *			Recorded when it happens, reported here.
 *  pmodel_sanity:	the whole-table walk (pmodel_check.c).
 */
int		pmodel_tlb_check(struct pmap *pm, char *why, size_t len);
int		pmodel_pending_check(struct pmap *pm, char *why, size_t len);
int		pmodel_reuse_check(struct pmap *pm, char *why, size_t len);
int		pmodel_sanity(struct pmap *pm, char *why, size_t len);

/*
 * pmodel_foreach_mapping: cb(arg, va, pa, pte) for every present leaf in
 * ascending VA order; a non-zero return stops the walk and is returned.
 * The _range form visits only [sva, eva) (per-op incremental checks).
 */
typedef int	(*pmodel_mapping_cb)(void *arg, vaddr_t va, paddr_t pa,
		    uint64_t pte);
int		pmodel_foreach_mapping(struct pmap *pm, pmodel_mapping_cb cb,
		    void *arg);
int		pmodel_foreach_range(struct pmap *pm, vaddr_t sva, vaddr_t eva,
		    pmodel_mapping_cb cb, void *arg);

/* Canonical 48-bit: bits 63..47 all equal. */
static inline bool
pmodel_canonical_p(vaddr_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

#endif /* KMFUZZ_PMODEL_H */
