/*
 * kpmap.h: the test kernel's pmap, which edits the live page tables.
 *
 * Virtual layout (4-level paging, all built at run time by kpmap_init
 * except the boot identity map):
 *
 *	0x0000000000000000  identity map, only the kernel image's 2 MiB
 *	                    pages; page 0 and the stack guard absent
 *	0xffff800000000000  KPMAP_DMAP_BASE: direct map of all RAM, 2 MiB
 *	                    pages, read/write, NX  (PML4[256])
 *	0xffffffff80000000  KPMAP_KVA_BASE: the uvm kernel map(s), 4 KiB
 *	0xffffffffc0000000  KPMAP_KVA_END   pages, empty at boot (PML4[511])
 *
 * A physical address is never a usable pointer outside the image, so a
 * core that confuses pa and va faults instead of silently working.
 *
 * Each struct pmap owns a 2 MiB-aligned window of the KVA range and the
 * level-1 page-table pages under it; several instances may coexist in
 * disjoint windows.  Page-table pages come from a pool reserved at boot.
 */
#ifndef KT_KPMAP_H
#define KT_KPMAP_H

#include <uvm/uvm_param.h>
#include <uvm/uvm_pmap.h>

#define KPMAP_DMAP_BASE	0xffff800000000000ull
#define KPMAP_KVA_BASE	0xffffffff80000000ull
#define KPMAP_KVA_END	0xffffffffc0000000ull
#define KPMAP_WINDOW_ALIGN (2ull << 20)

#define KPMAP_PHYS_TO_DMAP(pa)	((void *)(KPMAP_DMAP_BASE + (paddr_t)(pa)))

/* x86 PTE bits; bits 9-11 are ours (ignored by the MMU). */
#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_A		(1ull << 5)
#define PTE_D		(1ull << 6)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_KENTER	(1ull << 9)	/* unmanaged: pmap_kenter_pa */
#define PTE_MANAGED	(1ull << 10)	/* managed: pmap_enter */
#define PTE_WIRED	(1ull << 11)	/* pmap_enter with PMAP_WIRED */
#define PTE_NX		(1ull << 63)
#define PTE_FRAME	0x000ffffffffff000ull

#define KPMAP_PENDING	32	/* queued invlpg before a full flush */
#define KPMAP_LOG_MAX	1024	/* ranges in a mapping-change log */

/*
 * A log of the pages whose leaf PTE changed (kenter, enter, kremove and
 * remove of a present page), as ascending runs: entering 0x...3000 after
 * 0x...2000 extends the run.  The harness host hands one to its pmap and
 * asks the MMU about each logged page after every op.  `overflow' says
 * runs were lost: the reader must then look at the whole window.
 */
struct kpmap_log {
	unsigned	n;
	bool		overflow;
	struct kpmap_run {
		vaddr_t		va;
		unsigned long	npages;
	} run[KPMAP_LOG_MAX];
};

struct pmap {
	vaddr_t		pm_lo, pm_hi;		/* window [lo, hi) */
	bool		pm_active;
	unsigned	pm_nptp;		/* level-1 tables held */
	unsigned	pm_npending;
	bool		pm_flush_all;		/* pending overflowed */
	vaddr_t		pm_pending[KPMAP_PENDING];
	unsigned long	pm_nmapped;		/* present leaf PTEs */
	unsigned	pm_ptp_limit;		/* test hook: 0 = no limit */
	struct kpmap_log *pm_log;		/* test hook: NULL = none */
	unsigned long	pm_page_allocs;		/* pages handed out, ever */
	unsigned long	pm_page_frees;		/* pages given back, ever */
	paddr_t		pm_last_alloc;		/* ... the last one */
	unsigned long	pm_enters;		/* pmap_enter calls, ever */
};

/*
 * kpmap_init: build the direct map and the KVA top level, narrow the
 * identity map, and make the kernel pmap over the whole KVA range.
 * => memmap_init has run; ptp_pages of RAM become the table pool.
 */
void	kpmap_init(unsigned ptp_pages);
struct pmap *kpmap_kernel(void);

/*
 * kpmap_create: a pmap over [lo, hi), 2 MiB aligned, disjoint from any
 * live pmap's window.  kpmap_destroy returns how many leaf mappings were
 * still present (a leak if the core claims it unmapped everything),
 * removes them and returns the window's tables to the pool.
 */
void	kpmap_create(struct pmap *pm, vaddr_t lo, vaddr_t hi);
unsigned long kpmap_destroy(struct pmap *pm);

/* The leaf PTE the MMU would use for va (0 if none); *levelp 1-3. */
uint64_t kpmap_leaf(vaddr_t va, int *levelp);
unsigned kpmap_ptp_free(void);

/*
 * kpmap_foreach: cb(arg, va, pa, pte) for every 4 KiB page in [sva, eva)
 * that the live tables translate, ascending (a large page is reported
 * page by page); absent subtrees are skipped whole.  Stops at the first
 * non-zero return and returns it.
 */
typedef int (*kpmap_walk_cb)(void *arg, vaddr_t va, paddr_t pa,
    uint64_t pte);
int	kpmap_foreach(vaddr_t sva, vaddr_t eva, kpmap_walk_cb cb, void *arg);

/* The first page-directory slot in [lo, hi) still holding a table, or 0. */
vaddr_t	kpmap_window_tables(vaddr_t lo, vaddr_t hi);

/* Direct map helpers for the kernel's own use. */
static inline void *
kpmap_dmap(paddr_t pa)
{
	return KPMAP_PHYS_TO_DMAP(pa);
}

#endif /* KT_KPMAP_H */
