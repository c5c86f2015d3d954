/*
 * pmodel_pmap.c: x86-64 4-level page tables over a simulated arena, and
 * the pmap(9) calls of uvm_pmap.h on top of them.
 *
 * Ownership.  The arena is nframes 4 KiB frames.  Frames [0, pt_pages)
 * are the page-table pool: this file allocates them (a free stack) and
 * nobody else touches them.  The rest are holes until the host declares
 * managed segments; a managed frame is FR_FREE (ASan-poisoned) or
 * FR_ALLOC according to the core's pmap_page_freed/_allocated calls
 * (frame states, contents and those hooks are in pmodel_frame.c).
 *
 * Example: kenter va 0xffffffff80005000 -> pa 0x40000, prot READ|WRITE:
 *	PML4[511] -> PDPT frame 1, PDPT[510] -> PD frame 2,
 *	PD[0] -> PT frame 3, PT[5] = 0x40000 | P | RW | G | NX
 * pt_inuse = 4 (root included); a kremove of that page frees frames 3,
 * 2, 1 again (unless keep_empty_pt) and queues an invalidation of the VA
 * for pmap_update.
 *
 * Every pmap_* call checks its arguments and panics (catchable) on misuse
 * by the core: a wrong VA, a frame it does not own, an overwrite.
 */
#define _DEFAULT_SOURCE		/* MAP_ANONYMOUS under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pmodel_impl.h"

#define KVA_TOP		((vaddr_t)0xfffffffffffff000ULL)

/* ------------------------------------------------------------------ */
/* the page-table pool */

/* The walk caches (pmodel_impl.h) no longer hold: forget them. */
static inline void
walk_forget(struct pmap *pm)
{
	pm->pm_wc_leaf = NULL;
	pm->pm_wn_valid = false;
}

static uint32_t
pt_alloc(struct pmap *pm, int level)
{
	uint32_t f = pm->pm_ptfree[--pm->pm_ptnfree];

	pm->pm_wn_valid = false;	/* a hole may be filled now */

	PMODEL_UNPOISON(pmodel_ptpage(pm, f), PAGE_SIZE);
	memset(pmodel_ptpage(pm, f), 0, PAGE_SIZE);
	pm->pm_ptlevel[f] = (uint8_t)level;
	pm->pm_ptvalid[f] = 0;
	pm->pm_pt_inuse++;
	return f;
}

static void
pt_free(struct pmap *pm, uint64_t f)
{
	walk_forget(pm);
	pm->pm_ptlevel[f] = 0;
	pm->pm_ptfree[pm->pm_ptnfree++] = (uint32_t)f;
	pm->pm_pt_inuse--;
	/* a use of a freed table page by this file is an ASan report */
	PMODEL_POISON(pmodel_ptpage(pm, f), PAGE_SIZE);
}

/* Rebuild the pool as create leaves it: root = frame 0, pops ascend. */
static void
pt_pool_init(struct pmap *pm)
{
	unsigned int i;

	walk_forget(pm);
	pm->pm_ptnfree = 0;
	for (i = pm->pm_pt_pages; i-- > 0;) {
		pm->pm_ptlevel[i] = 0;
		pm->pm_ptfree[pm->pm_ptnfree++] = i;
		PMODEL_POISON(pmodel_ptpage(pm, i), PAGE_SIZE);
	}
	pm->pm_pt_inuse = 0;
	pm->pm_root = pt_alloc(pm, 4);
}

unsigned int
pmodel_pt_pages_for(vaddr_t lo, vaddr_t hi)
{
	unsigned int n = 1, level;

	if (hi <= lo)
		return n;
	for (level = 4; level >= 2; level--)
		n += (unsigned int)(((hi - 1) >> PT_SHIFT(level)) -
		    (lo >> PT_SHIFT(level)) + 1);
	return n;
}

/* ------------------------------------------------------------------ */
/* create, reset, destroy */

struct pmap *
pmodel_pmap_create(const struct pmodel_pmap_params *p)
{
	struct pmap *pm;
	size_t n = p->nframes, words = (p->nframes + 63) / 64;
	vaddr_t dmap_end;

	if (n == 0 || n > ((size_t)1 << 28) || p->pt_pages == 0 ||
	    p->pt_pages > n || p->pt_pages > 0xffff ||
	    (p->tlb_entries & (p->tlb_entries - 1)) != 0 ||
	    p->ncpus > PMODEL_MAX_CPUS) {
		fprintf(stderr, "pmodel_pmap_create: bad geometry: nframes %zu"
		    " pt_pages %u tlb %u cpus %u\n", n, p->pt_pages,
		    p->tlb_entries, p->ncpus);
		return NULL;
	}
	pm = calloc(1, sizeof(*pm));
	if (pm == NULL)
		return NULL;
	pm->pm_params = *p;
	pm->pm_nframes = n;
	pm->pm_pt_pages = p->pt_pages;
	pm->pm_dmap_base = p->dmap_base ? p->dmap_base : PMODEL_DMAP_BASE;
	dmap_end = pm->pm_dmap_base + (vaddr_t)n * PAGE_SIZE;
	pm->pm_kva_lo = p->kva_lo;
	pm->pm_kva_hi = p->kva_hi;
	if (p->kva_lo == 0 && p->kva_hi == 0) {
		pm->pm_kva_lo = dmap_end;
		pm->pm_kva_hi = KVA_TOP;
	}
	if (!pmodel_canonical_p(pm->pm_dmap_base) ||
	    !pmodel_canonical_p(dmap_end - 1) ||
	    (pm->pm_dmap_base & PAGE_MASK) != 0 ||
	    pm->pm_kva_lo >= pm->pm_kva_hi || pm->pm_kva_hi > KVA_TOP ||
	    !pmodel_canonical_p(pm->pm_kva_lo) ||
	    !pmodel_canonical_p(pm->pm_kva_hi - 1) ||
	    (pm->pm_kva_lo >> 47) != ((pm->pm_kva_hi - 1) >> 47) ||
	    (pm->pm_kva_lo < dmap_end && pm->pm_dmap_base < pm->pm_kva_hi)) {
		fprintf(stderr, "pmodel_pmap_create: kva [%#llx, %#llx) and "
		    "dmap [%#llx, %#llx) must be canonical, one half, "
		    "disjoint\n", (unsigned long long)pm->pm_kva_lo,
		    (unsigned long long)pm->pm_kva_hi,
		    (unsigned long long)pm->pm_dmap_base,
		    (unsigned long long)dmap_end);
		free(pm);
		return NULL;
	}
	pm->pm_tlbmask = (p->tlb_entries ? p->tlb_entries : PMODEL_TLB_DEFAULT)
	    - 1;
	/* mmap: untouched frames cost no RSS; page aligned for the eye */
	pm->pm_arena = mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pm->pm_frame = calloc(n, 1);
	pm->pm_framegen = calloc(n, sizeof(uint32_t));
	pm->pm_dirtymap = calloc(words, sizeof(uint64_t));
	pm->pm_writtenmap = calloc(words, sizeof(uint64_t));
	pm->pm_dirtylist = calloc(n, sizeof(uint32_t));
	pm->pm_ptlevel = calloc(p->pt_pages, 1);
	pm->pm_ptvalid = calloc(p->pt_pages, sizeof(uint16_t));
	pm->pm_ptseen = calloc(p->pt_pages, sizeof(uint32_t));
	pm->pm_ptfree = calloc(p->pt_pages, sizeof(uint32_t));
	pm->pm_ncpus = pm->pm_nactive = p->ncpus != 0 ? p->ncpus : 1;
	pm->pm_tlb = calloc((size_t)pm->pm_ncpus * (pm->pm_tlbmask + 1),
	    sizeof(*pm->pm_tlb));
	if (pm->pm_arena == MAP_FAILED || !pm->pm_frame || !pm->pm_framegen ||
	    !pm->pm_dirtymap || !pm->pm_writtenmap || !pm->pm_dirtylist || !pm->pm_ptlevel ||
	    !pm->pm_ptvalid || !pm->pm_ptseen || !pm->pm_ptfree ||
	    !pm->pm_tlb) {
		if (pm->pm_arena == MAP_FAILED)
			pm->pm_arena = NULL;
		pmodel_pmap_destroy(pm);
		return NULL;
	}
	memset(pm->pm_frame, FR_PT, p->pt_pages);
	pt_pool_init(pm);
	return pm;
}

void
pmodel_pmap_destroy(struct pmap *pm)
{
	if (pm == NULL)
		return;
	if (pm->pm_arena != NULL) {
		/* leave no poisoned shadow behind for the next mapping */
		PMODEL_UNPOISON(pm->pm_arena, pm->pm_nframes * PAGE_SIZE);
		munmap(pm->pm_arena, pm->pm_nframes * PAGE_SIZE);
	}
	free(pm->pm_frame);
	free(pm->pm_framegen);
	free(pm->pm_dirtymap);
	free(pm->pm_writtenmap);
	free(pm->pm_dirtylist);
	free(pm->pm_ptlevel);
	free(pm->pm_ptvalid);
	free(pm->pm_ptseen);
	free(pm->pm_ptfree);
	free(pm->pm_tlb);
	free(pm);
}

void
pmodel_pmap_reset(struct pmap *pm)
{
	pmodel_frames_reset(pm);
	pt_pool_init(pm);
	pm->pm_nmappings = 0;
	pm->pm_fail_ptalloc_in = 0;
	pmodel_tlb_reset(pm);
}

/* ------------------------------------------------------------------ */
/* walking */

/* The leaf table of va's 2 MiB, if the last walk reached it. */
static inline uint64_t *
walk_cached(struct pmap *pm, vaddr_t va)
{
	if (pm->pm_wc_leaf != NULL && (va >> PT_SHIFT(2)) == pm->pm_wc_slot)
		return pm->pm_wc_leaf;
	return NULL;
}

static inline void
walk_remember(struct pmap *pm, vaddr_t va, uint64_t *leaf, uint32_t frame)
{
	pm->pm_wc_leaf = leaf;
	pm->pm_wc_frame = frame;
	pm->pm_wc_slot = va >> PT_SHIFT(2);
}

uint64_t *
pmodel_walk(struct pmap *pm, vaddr_t va)
{
	uint64_t *t = walk_cached(pm, va);
	uint64_t f = pm->pm_root;
	int level;

	if (t != NULL)
		return &t[PT_INDEX(va, 1)];
	if (pm->pm_wn_valid && (va >> pm->pm_wn_shift) == pm->pm_wn_tag)
		return NULL;
	t = pmodel_ptpage(pm, f);
	for (level = 4; level > 1; level--) {
		uint64_t e = t[PT_INDEX(va, level)];

		if ((e & PMODEL_PTE_P) == 0) {
			pm->pm_wn_valid = true;
			pm->pm_wn_shift = PT_SHIFT(level);
			pm->pm_wn_tag = va >> PT_SHIFT(level);
			return NULL;
		}
		/* never follow a corrupt pointer; pmodel_sanity names it */
		if (PMODEL_NEVER((e & PMODEL_PTE_FRAME) >> PAGE_SHIFT >=
		    pm->pm_pt_pages))
			return NULL;
		f = (e & PMODEL_PTE_FRAME) >> PAGE_SHIFT;
		t = pmodel_ptpage(pm, f);
	}
	walk_remember(pm, va, t, (uint32_t)f);
	return &t[PT_INDEX(va, 1)];
}

/*
 * Leaf slot for va, allocating missing table levels.
 * => NULL if the pool (or fault injection, when `inject') says no;
 *    then nothing was allocated.
 */
static uint64_t *
walk_alloc(struct pmap *pm, vaddr_t va, bool inject, uint32_t *ptframe)
{
	uint64_t *t = walk_cached(pm, va);
	uint32_t f = pm->pm_root;
	unsigned int need = 0;
	int level;

	if (t != NULL) {
		*ptframe = pm->pm_wc_frame;
		return &t[PT_INDEX(va, 1)];
	}
	t = pmodel_ptpage(pm, f);

	for (level = 4; level > 1; level--) {
		uint64_t e = t[PT_INDEX(va, level)];

		if ((e & PMODEL_PTE_P) == 0) {
			need = (unsigned int)level - 1;
			break;
		}
		t = pmodel_ptpage(pm, (e & PMODEL_PTE_FRAME) >> PAGE_SHIFT);
	}
	if (need > pm->pm_ptnfree)
		return NULL;
	if (inject && need && pm->pm_fail_ptalloc_in) {
		if (pm->pm_fail_ptalloc_in <= need) {
			pm->pm_fail_ptalloc_in = 0;
			return NULL;
		}
		pm->pm_fail_ptalloc_in -= need;
	}
	t = pmodel_ptpage(pm, f);
	for (level = 4; level > 1; level--) {
		uint64_t *e = &t[PT_INDEX(va, level)];

		if ((*e & PMODEL_PTE_P) == 0) {
			uint32_t nf = pt_alloc(pm, level - 1);

			*e = ptoa(nf) | PMODEL_PTE_P | PMODEL_PTE_RW;
			pm->pm_ptvalid[f]++;
		}
		f = (uint32_t)((*e & PMODEL_PTE_FRAME) >> PAGE_SHIFT);
		t = pmodel_ptpage(pm, f);
	}
	walk_remember(pm, va, t, f);
	*ptframe = f;
	return &t[PT_INDEX(va, 1)];
}

uint64_t *
pmodel_leaf_pte(struct pmap *pm, vaddr_t va)
{
	return pmodel_walk(pm, va);
}

uint64_t *
pmodel_root(struct pmap *pm)
{
	walk_forget(pm);		/* the caller may rewrite any path */
	return pmodel_ptpage(pm, pm->pm_root);
}

void
pmodel_fail_ptalloc(struct pmap *pm, unsigned long n)
{
	pm->pm_fail_ptalloc_in = n;
}

/* ------------------------------------------------------------------ */
/* pmap(9) */

static void
check_kva(struct pmap *pm, vaddr_t sva, vaddr_t eva, const char *fn)
{
	if ((sva & PAGE_MASK) || (eva & PAGE_MASK) || eva < sva ||
	    sva < pm->pm_kva_lo || eva > pm->pm_kva_hi)
		pmodel_panicf("%s: [%#llx, %#llx) is not a page-aligned range "
		    "of the kernel window [%#llx, %#llx)", fn,
		    (unsigned long long)sva, (unsigned long long)eva,
		    (unsigned long long)pm->pm_kva_lo,
		    (unsigned long long)pm->pm_kva_hi);
}

static uint64_t
prot_bits(vm_prot_t prot)
{
	uint64_t b = PMODEL_PTE_P | PMODEL_PTE_G;

	if (prot & VM_PROT_WRITE)
		b |= PMODEL_PTE_RW;
	if ((prot & VM_PROT_EXECUTE) == 0)
		b |= PMODEL_PTE_NX;
	return b;
}

/*
 * pmap_kenter_pa: map va -> pa now, unmanaged, visible at once (as on
 * x86; the pending-check still wants the pmap_update pmap(9) asks for).
 * => va page aligned in the kernel window, unmapped; pa a page the core
 *    has allocated.  A short PT pool panics: a kernel pmap never fails.
 */
void
pmap_kenter_pa(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	uint64_t *pte;
	uint32_t ptf;

	pmodel_switch_point(PMODEL_SW_PMAP, pm);
	(void)flags;
	check_kva(pm, va, va + PAGE_SIZE, "pmap_kenter_pa");
	pmodel_managed_frame(pm, pa, "pmap_kenter_pa", va, true);
	pte = walk_alloc(pm, va, false, &ptf);
	if (pte == NULL)
		pmodel_panicf("pmap_kenter_pa: va %#llx: page-table pool "
		    "exhausted (%u pages)", (unsigned long long)va,
		    pm->pm_pt_pages);
	if (*pte & PMODEL_PTE_P)
		pmodel_panicf("pmap_kenter_pa: va %#llx already maps pa %#llx "
		    "(new pa %#llx)", (unsigned long long)va,
		    (unsigned long long)(*pte & PMODEL_PTE_FRAME),
		    (unsigned long long)pa);
	pmodel_tlb_reuse(pm, va, pa);
	*pte = pa | prot_bits(prot);
	pm->pm_ptvalid[ptf]++;
	pm->pm_nmappings++;
	if (pm->pm_nentered++ == 0)
		pm->pm_entered_va = va;
}

/*
 * Clear every present leaf in [sva, eva), skipping absent subtrees, and
 * free table pages that become empty.  => `kremove': managed leaves are
 * misuse (pmap(9): kremove only undoes kenter).
 */
static void
remove_range(struct pmap *pm, vaddr_t sva, vaddr_t eva, bool kremove)
{
	vaddr_t va = sva;

	while (va < eva) {
		uint64_t *e[5], fr[5];
		int level;

		fr[4] = pm->pm_root;
		for (level = 4; level > 1; level--) {
			e[level] = &pmodel_ptpage(pm, fr[level])
			    [PT_INDEX(va, level)];
			if ((*e[level] & PMODEL_PTE_P) == 0)
				break;
			fr[level - 1] = (*e[level] & PMODEL_PTE_FRAME) >>
			    PAGE_SHIFT;
		}
		if (level > 1) {
			/* nothing mapped below: jump to the next subtree */
			vaddr_t next = (va | (((vaddr_t)1 << PT_SHIFT(level))
			    - 1)) + 1;

			if (next <= va)
				break;
			va = next;
			continue;
		}
		uint64_t *pt = pmodel_ptpage(pm, fr[1]);
		for (unsigned int i = PT_INDEX(va, 1); i < 512 && va < eva;
		    i++, va += PAGE_SIZE) {
			if ((pt[i] & PMODEL_PTE_P) == 0)
				continue;
			if (kremove && (pt[i] & PMODEL_PTE_PVLIST))
				pmodel_panicf("pmap_kremove: va %#llx is a "
				    "managed (pmap_enter) mapping of pa %#llx",
				    (unsigned long long)va,
				    (unsigned long long)(pt[i] &
				    PMODEL_PTE_FRAME));
			pt[i] = 0;
			pm->pm_ptvalid[fr[1]]--;
			pm->pm_nmappings--;
			pmodel_tlb_queue(pm, va);
		}
		/* free the emptied chain bottom-up; the root stays */
		for (level = 1; level < 4 && !pm->pm_params.keep_empty_pt &&
		    pm->pm_ptvalid[fr[level]] == 0; level++) {
			*e[level + 1] = 0;
			pt_free(pm, fr[level]);
			pm->pm_ptvalid[fr[level + 1]]--;
		}
	}
}

void
pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t size)
{
	pmodel_switch_point(PMODEL_SW_PMAP, pm);
	check_kva(pm, va, va + size, "pmap_kremove");
	remove_range(pm, va, va + size, true);
}

/*
 * pmap_enter: managed mapping va -> pa (pageable kernel memory).
 * => same VA/PA rules as kenter; re-entering the same pa changes the
 *    protection (a drop is queued for pmap_update), another pa panics.
 * => 0, or ENOMEM with PMAP_CANFAIL when the PT pool is short.
 */
int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	uint64_t *pte, npte, old;
	uint32_t ptf;

	__atomic_fetch_add(&pm->pm_enters, 1, __ATOMIC_RELAXED);
	pmodel_switch_point(PMODEL_SW_PMAP, pm);
	check_kva(pm, va, va + PAGE_SIZE, "pmap_enter");
	pmodel_managed_frame(pm, pa, "pmap_enter", va, true);
	pte = walk_alloc(pm, va, true, &ptf);
	if (pte == NULL) {
		if (flags & PMAP_CANFAIL)
			return ENOMEM;
		pmodel_panicf("pmap_enter: va %#llx: page-table pool exhausted"
		    " and no PMAP_CANFAIL", (unsigned long long)va);
	}
	npte = pa | prot_bits(prot) | PMODEL_PTE_PVLIST |
	    ((flags & PMAP_WIRED) ? PMODEL_PTE_WIRED : 0);
	old = *pte;
	if (old & PMODEL_PTE_P) {
		if ((old & PMODEL_PTE_PVLIST) == 0)
			pmodel_panicf("pmap_enter: va %#llx has an unmanaged "
			    "(kenter) mapping", (unsigned long long)va);
		if ((old & PMODEL_PTE_FRAME) != pa)
			pmodel_panicf("pmap_enter: va %#llx maps pa %#llx, "
			    "not %#llx", (unsigned long long)va,
			    (unsigned long long)(old & PMODEL_PTE_FRAME),
			    (unsigned long long)pa);
		npte |= old & (PMODEL_PTE_A | PMODEL_PTE_D);
		if (((old & PMODEL_PTE_RW) && !(npte & PMODEL_PTE_RW)) ||
		    (!(old & PMODEL_PTE_NX) && (npte & PMODEL_PTE_NX)))
			pmodel_tlb_queue(pm, va);
	} else {
		pmodel_tlb_reuse(pm, va, pa);
		pm->pm_ptvalid[ptf]++;
		pm->pm_nmappings++;
	}
	*pte = npte;
	if (pm->pm_nentered++ == 0)
		pm->pm_entered_va = va;
	return 0;
}

void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	pmodel_switch_point(PMODEL_SW_PMAP, pm);
	check_kva(pm, sva, eva, "pmap_remove");
	remove_range(pm, sva, eva, false);
}

/* From the tables only (and the direct map, as x86 pmap_extract does). */
bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	uint64_t *pte;
	paddr_t pa;

	if (pmodel_dmap_p(pm, va)) {
		pa = va - pm->pm_dmap_base;
	} else {
		if (!pmodel_canonical_p(va))
			return false;
		pte = pmodel_walk(pm, va);
		if (pte == NULL || (*pte & PMODEL_PTE_P) == 0)
			return false;
		pa = (*pte & PMODEL_PTE_FRAME) | (va & PAGE_MASK);
	}
	if (pap != NULL)
		*pap = pa;
	return true;
}
