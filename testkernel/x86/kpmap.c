/*
 * kpmap.c: pmap(9) over the live x86-64 page tables (see kpmap.h for the
 * layout).
 *
 * Every table is reached through the direct map: table page at physical
 * 0x1f3000 is read at 0xffff8000001f3000.  A 4 KiB mapping of KVA
 * 0xffffffff80203000 lives at PML4[511] -> PDPT[510] -> PD[1] -> PT[3].
 * PML4[511], its PDPT and the PDs are permanent and shared; each pmap
 * owns the PTs under its window.
 *
 * TLB policy, as pmap(9) allows: a new mapping is visible at once; a
 * replaced present PTE is invalidated at once (NetBSD shoots it down in
 * pmap_enter/pmap_kenter_pa too); a removal is queued until pmap_update.
 * QEMU's TCG keeps stale translations like real hardware, so a missing
 * pmap_update shows up as an access that should have faulted.
 *
 * Contract violations call uvm_platform_panic, so a harness that catches
 * core panics catches these too.
 */
#include "../lib/libc.h"
#include <uvm/uvm_platform.h>
#include "arch.h"
#include "kpmap.h"
#include "memmap.h"

#define PG		4096ull
#define L4_SHIFT	39
#define L3_SHIFT	30
#define L2_SHIFT	21
#define IDX(va, sh)	(((va) >> (sh)) & 511)
#define TABLE_FLAGS	(PTE_P | PTE_W)
#define MAX_PMAPS	8

static uint64_t pml4_pa;
static paddr_t pool_free;		/* free list through the pages */
static unsigned pool_nfree;
static struct pmap kernel_pmap;
static struct pmap *live[MAX_PMAPS];

__attribute__((noreturn, format(printf, 1, 2)))
static void
kpmap_panic(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uvm_platform_panic(msg);
}

static uint64_t *
table(paddr_t pa)
{
	return kpmap_dmap(pa & PTE_FRAME);
}

static paddr_t
ptp_alloc(void)
{
	paddr_t pa = pool_free;

	if (pa == 0)
		return 0;
	pool_free = *(paddr_t *)kpmap_dmap(pa);
	pool_nfree--;
	memset(kpmap_dmap(pa), 0, PG);
	return pa;
}

static void
ptp_free(paddr_t pa)
{
	*(paddr_t *)kpmap_dmap(pa) = pool_free;
	pool_free = pa;
	pool_nfree++;
}

unsigned
kpmap_ptp_free(void)
{
	return pool_nfree;
}

/*
 * Build the direct map while only the boot identity map exists: the
 * pool pages were taken below 1 GiB, so they are reachable at va == pa.
 */
static void
build_dmap(paddr_t *bump)
{
	uint64_t *pml4 = (uint64_t *)pml4_pa;
	uint64_t top = (memmap_phys_top + (1ull << L2_SHIFT) - 1) &
	    ~((1ull << L2_SHIFT) - 1);
	paddr_t pdpt = (*bump += PG) - PG;

	if (top > (512ull << L3_SHIFT))
		top = 512ull << L3_SHIFT;	/* one PML4 slot: 512 GiB */
	memset((void *)pdpt, 0, PG);
	for (uint64_t pa = 0; pa < top; pa += 1ull << L3_SHIFT) {
		paddr_t pd = (*bump += PG) - PG;
		uint64_t *pdv = (uint64_t *)pd;

		memset(pdv, 0, PG);
		for (unsigned i = 0; i < 512; i++) {
			uint64_t p = pa + ((uint64_t)i << L2_SHIFT);

			if (p < top)
				pdv[i] = p | TABLE_FLAGS | PTE_PS | PTE_NX;
		}
		((uint64_t *)pdpt)[IDX(pa, L3_SHIFT)] = pd | TABLE_FLAGS;
	}
	pml4[IDX(KPMAP_DMAP_BASE, L4_SHIFT)] = pdpt | TABLE_FLAGS;
}

/*
 * Keep only the 2 MiB pages that hold the image; unmap the stack guard.
 * The first 2 MiB are mapped by 4 KiB pages (boot.S); a guard above them
 * sits in a 2 MiB page, which is split first (boot_pt_guard), wherever
 * the image's growth puts it.
 */
static void
narrow_identity(void)
{
	uint64_t *pdpt = table(table(pml4_pa)[0]);
	uint64_t *pd = table(pdpt[0]);
	uint64_t keep = ((uint64_t)_end + (1ull << L2_SHIFT) - 1) >> L2_SHIFT;
	uint64_t guard = (uint64_t)boot_stack_guard;
	uint64_t *gpd = &pd[guard >> L2_SHIFT];

	for (uint64_t i = keep; i < 512; i++)
		pd[i] = 0;
	if (*gpd & PTE_PS) {
		uint64_t base = *gpd & ~((1ull << L2_SHIFT) - 1) & PTE_FRAME;

		for (unsigned i = 0; i < 512; i++)
			boot_pt_guard[i] = (base + (uint64_t)i * PG) |
			    (*gpd & (PTE_P | PTE_W | PTE_NX));
		*gpd = (uint64_t)boot_pt_guard | TABLE_FLAGS;
	}
	table(*gpd)[(guard >> 12) & 511] = 0;
	write_cr3(pml4_pa);
}

void
kpmap_init(unsigned ptp_pages)
{
	unsigned ndmap = 1 + (unsigned)((memmap_phys_top + (1ull << L3_SHIFT)
	    - 1) >> L3_SHIFT);
	paddr_t pool, bump;

	pml4_pa = read_cr3() & PTE_FRAME;
	pool = memmap_steal_low((uint64_t)(ptp_pages + ndmap) * PG,
	    1ull << L3_SHIFT);
	bump = pool;
	build_dmap(&bump);
	for (paddr_t pa = pool + (uint64_t)(ptp_pages + ndmap - 1) * PG;
	    pa >= bump; pa -= PG)
		ptp_free(pa);		/* lowest page first out */

	/* PML4[511] -> a permanent PDPT for the KVA range */
	paddr_t pdpt = ptp_alloc();
	table(pml4_pa)[IDX(KPMAP_KVA_BASE, L4_SHIFT)] = pdpt | TABLE_FLAGS;
	narrow_identity();
	kpmap_create(&kernel_pmap, KPMAP_KVA_BASE, KPMAP_KVA_END);
}

struct pmap *
kpmap_kernel(void)
{
	return &kernel_pmap;
}

void
kpmap_create(struct pmap *pm, vaddr_t lo, vaddr_t hi)
{
	unsigned slot = MAX_PMAPS;

	if (lo >= hi || lo < KPMAP_KVA_BASE || hi > KPMAP_KVA_END ||
	    (lo | hi) & (KPMAP_WINDOW_ALIGN - 1))
		kpmap_panic("kpmap_create: bad window [%lx, %lx)", lo, hi);
	for (unsigned i = 0; i < MAX_PMAPS; i++) {
		if (live[i] == NULL) {
			slot = i < slot ? i : slot;
		} else if (lo < live[i]->pm_hi && live[i]->pm_lo < hi &&
		    live[i] != &kernel_pmap) {
			kpmap_panic("kpmap_create: [%lx, %lx) overlaps "
			    "[%lx, %lx)", lo, hi, live[i]->pm_lo,
			    live[i]->pm_hi);
		}
	}
	if (slot == MAX_PMAPS)
		kpmap_panic("kpmap_create: more than %d pmaps", MAX_PMAPS);
	memset(pm, 0, sizeof(*pm));
	pm->pm_lo = lo;
	pm->pm_hi = hi;
	pm->pm_active = true;
	live[slot] = pm;
}

static void
check_va(const struct pmap *pm, vaddr_t va, const char *who)
{
	if (!pm->pm_active)
		kpmap_panic("%s: pmap %p not active", who, (const void *)pm);
	if ((va & PAGE_MASK) || va < pm->pm_lo || va >= pm->pm_hi)
		kpmap_panic("%s: va %lx outside window [%lx, %lx) or unaligned",
		    who, va, pm->pm_lo, pm->pm_hi);
}

static void
check_pa(paddr_t pa, const char *who)
{
	if ((pa & PAGE_MASK) || pa >= memmap_phys_top)
		kpmap_panic("%s: pa %lx unaligned or beyond RAM (%lx)", who,
		    pa, memmap_phys_top);
}

/*
 * The level-1 slot for va, creating the PD and PT on the way if `alloc'.
 * => returns NULL if absent (alloc false) or the pool ran dry.
 */
static uint64_t *
pte_slot(struct pmap *pm, vaddr_t va, bool alloc)
{
	uint64_t *pdpt = table(table(pml4_pa)[IDX(va, L4_SHIFT)]);
	uint64_t *e = &pdpt[IDX(va, L3_SHIFT)];

	for (int level = 2; level >= 1; level--) {
		if (!(*e & PTE_P)) {
			paddr_t pa;

			if (!alloc)
				return NULL;
			if (level == 1 && pm->pm_ptp_limit &&
			    pm->pm_nptp >= pm->pm_ptp_limit)
				return NULL;
			if ((pa = ptp_alloc()) == 0)
				return NULL;
			if (level == 1)
				pm->pm_nptp++;
			*e = pa | TABLE_FLAGS;
		}
		e = &table(*e)[IDX(va, level == 2 ? L2_SHIFT : 12)];
	}
	return e;
}

static uint64_t
make_pte(paddr_t pa, vm_prot_t prot)
{
	/* NetBSD x86: every mapping is present; only W and X vary */
	return pa | PTE_P | ((prot & VM_PROT_WRITE) ? PTE_W : 0) |
	    ((prot & VM_PROT_EXECUTE) ? 0 : PTE_NX);
}

static void
queue_invalidate(struct pmap *pm, vaddr_t va)
{
	if (pm->pm_npending < KPMAP_PENDING)
		pm->pm_pending[pm->pm_npending++] = va;
	else
		pm->pm_flush_all = true;
}

/* Note a leaf change at va in the pmap's log, if it keeps one. */
static void
log_change(struct pmap *pm, vaddr_t va)
{
	struct kpmap_log *log = pm->pm_log;
	struct kpmap_run *last;

	if (log == NULL)
		return;
	last = log->n ? &log->run[log->n - 1] : NULL;
	if (last != NULL && va >= last->va && va < last->va +
	    last->npages * PG)
		return;				/* already logged */
	if (last != NULL && va == last->va + last->npages * PG) {
		last->npages++;
		return;
	}
	if (log->n == KPMAP_LOG_MAX) {
		log->overflow = true;
		return;
	}
	log->run[log->n++] = (struct kpmap_run){ va, 1 };
}

/* Install `npte' at `slot', invalidating a present predecessor now. */
static void
set_pte(struct pmap *pm, uint64_t *slot, vaddr_t va, uint64_t npte,
    const char *who)
{
	uint64_t opte = *slot;

	if ((opte & PTE_P) && (opte & PTE_MANAGED) && (npte & PTE_KENTER))
		kpmap_panic("%s: va %lx has a managed mapping (pte %lx)", who,
		    va, opte);
	*slot = npte;
	if (opte & PTE_P)
		invlpg(va);
	else
		pm->pm_nmapped++;
	log_change(pm, va);
}

void
pmap_kenter_pa(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	uint64_t *slot;

	(void)flags;
	check_va(pm, va, "pmap_kenter_pa");
	check_pa(pa, "pmap_kenter_pa");
	if ((slot = pte_slot(pm, va, true)) == NULL)
		kpmap_panic("pmap_kenter_pa: no page-table page for va %lx",
		    va);
	set_pte(pm, slot, va, make_pte(pa, prot) | PTE_KENTER,
	    "pmap_kenter_pa");
}

int
pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
    unsigned int flags)
{
	uint64_t *slot;

	__atomic_fetch_add(&pm->pm_enters, 1, __ATOMIC_RELAXED);
	check_va(pm, va, "pmap_enter");
	check_pa(pa, "pmap_enter");
	if ((slot = pte_slot(pm, va, true)) == NULL) {
		if (flags & PMAP_CANFAIL)
			return ENOMEM;
		kpmap_panic("pmap_enter: no page-table page for va %lx", va);
	}
	set_pte(pm, slot, va, make_pte(pa, prot) | PTE_MANAGED |
	    ((flags & PMAP_WIRED) ? PTE_WIRED : 0), "pmap_enter");
	return 0;
}

/* Clear [sva, eva); `kernel_only' is pmap_kremove's stricter contract. */
static void
remove_range(struct pmap *pm, vaddr_t sva, vaddr_t eva, bool kernel_only,
    const char *who)
{
	if (sva == eva)
		return;
	check_va(pm, sva, who);
	if (eva < sva || (eva & PAGE_MASK) || eva > pm->pm_hi)
		kpmap_panic("%s: bad end %lx (start %lx)", who, eva, sva);
	for (vaddr_t va = sva; va < eva; va += PG) {
		uint64_t *slot = pte_slot(pm, va, false);

		if (slot == NULL || !(*slot & PTE_P))
			continue;
		if (kernel_only && (*slot & PTE_MANAGED))
			kpmap_panic("%s: va %lx is a managed mapping (pte %lx)",
			    who, va, *slot);
		*slot = 0;
		pm->pm_nmapped--;
		queue_invalidate(pm, va);
		log_change(pm, va);
	}
}

void
pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t size)
{
	if ((size & PAGE_MASK) || va + size < va)
		kpmap_panic("pmap_kremove: bad size %lx at %lx", size, va);
	remove_range(pm, va, va + size, true, "pmap_kremove");
}

void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	remove_range(pm, sva, eva, false, "pmap_remove");
}

void
pmap_update(struct pmap *pm)
{
	if (pm->pm_flush_all)
		write_cr3(pml4_pa);
	else
		for (unsigned i = 0; i < pm->pm_npending; i++)
			invlpg(pm->pm_pending[i]);
	pm->pm_npending = 0;
	pm->pm_flush_all = false;
}

uint64_t
kpmap_leaf(vaddr_t va, int *levelp)
{
	uint64_t e = pml4_pa | PTE_P;

	/* non-canonical addresses have no translation */
	if ((uint64_t)((int64_t)(va << 16) >> 16) != va)
		return 0;
	for (int level = 4, sh = L4_SHIFT; level >= 1; level--, sh -= 9) {
		e = table(e)[IDX(va, sh)];
		if (!(e & PTE_P))
			return 0;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			if (levelp)
				*levelp = level;
			return e;
		}
	}
	return 0;
}

int
kpmap_foreach(vaddr_t sva, vaddr_t eva, kpmap_walk_cb cb, void *arg)
{
	vaddr_t va = sva & ~(PG - 1);

	while (va < eva) {
		uint64_t e = pml4_pa | PTE_P;
		uint64_t span = 0;
		int r;

		if ((uint64_t)((int64_t)(va << 16) >> 16) != va) {
			/* the non-canonical hole: resume at its top */
			if (va >= KPMAP_DMAP_BASE)
				break;
			va = KPMAP_DMAP_BASE;
			continue;
		}
		for (int level = 4, sh = L4_SHIFT; level >= 1; level--,
		    sh -= 9) {
			e = table(e)[IDX(va, sh)];
			span = 1ull << sh;
			if (!(e & PTE_P))
				break;
			if (level == 1 || (level <= 3 && (e & PTE_PS))) {
				paddr_t pa = (e & PTE_FRAME & ~(span - 1)) +
				    (va & (span - 1));

				if ((r = cb(arg, va, pa, e)) != 0)
					return r;
				span = PG;
				break;
			}
		}
		/* next page, or past the absent subtree */
		if (va + span < va)
			break;
		va = (va + span) & ~(span - 1);
	}
	return 0;
}

vaddr_t
kpmap_window_tables(vaddr_t lo, vaddr_t hi)
{
	for (vaddr_t va = lo; va < hi; va += 1ull << L2_SHIFT) {
		uint64_t l4 = table(pml4_pa)[IDX(va, L4_SHIFT)], l3;

		if (!(l4 & PTE_P))
			continue;
		l3 = table(l4)[IDX(va, L3_SHIFT)];
		if ((l3 & PTE_P) && (table(l3)[IDX(va, L2_SHIFT)] & PTE_P))
			return va;
	}
	return 0;
}

bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	int level = 1;
	uint64_t e = kpmap_leaf(va, &level);
	uint64_t off_mask;

	(void)pm;
	if (e == 0)
		return false;
	off_mask = (1ull << (12 + 9 * (level - 1))) - 1;
	if (pap)
		*pap = ((e & PTE_FRAME) & ~off_mask) | (va & off_mask);
	return true;
}

void
pmap_zero_page(struct pmap *pm, paddr_t pa)
{
	(void)pm;
	check_pa(pa, "pmap_zero_page");
	memset(kpmap_dmap(pa), 0, PG);
}

void
pmap_copy_page(struct pmap *pm, paddr_t src, paddr_t dst)
{
	(void)pm;
	check_pa(src, "pmap_copy_page");
	check_pa(dst, "pmap_copy_page");
	memcpy(kpmap_dmap(dst), kpmap_dmap(src), PG);
}

vaddr_t
pmap_map_poolpage(struct pmap *pm, paddr_t pa)
{
	(void)pm;
	check_pa(pa, "pmap_map_poolpage");
	return (vaddr_t)kpmap_dmap(pa);
}

paddr_t
pmap_unmap_poolpage(struct pmap *pm, vaddr_t va)
{
	(void)pm;
	if (va < KPMAP_DMAP_BASE || va - KPMAP_DMAP_BASE >= memmap_phys_top)
		kpmap_panic("pmap_unmap_poolpage: va %lx not direct-mapped",
		    va);
	return va - KPMAP_DMAP_BASE;
}

/* Hooks for hosts with page poisoning; the kernel checks via the MMU. */
void
pmap_page_freed(struct pmap *pm, paddr_t pa)
{
	(void)pa;
	__atomic_fetch_add(&pm->pm_page_frees, 1, __ATOMIC_RELAXED);
}

void
pmap_page_allocated(struct pmap *pm, paddr_t pa)
{
	__atomic_fetch_add(&pm->pm_page_allocs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&pm->pm_last_alloc, pa, __ATOMIC_RELAXED);
}

unsigned long
kpmap_destroy(struct pmap *pm)
{
	unsigned long left = pm->pm_nmapped;
	uint64_t *pdpt = table(table(pml4_pa)[IDX(pm->pm_lo, L4_SHIFT)]);

	for (vaddr_t va = pm->pm_lo; va < pm->pm_hi; va += 1ull << L2_SHIFT) {
		uint64_t *l3 = &pdpt[IDX(va, L3_SHIFT)];
		uint64_t *l2;

		if (!(*l3 & PTE_P))
			continue;
		l2 = &table(*l3)[IDX(va, L2_SHIFT)];
		if (*l2 & PTE_P) {
			ptp_free(*l2 & PTE_FRAME);
			*l2 = 0;
			pm->pm_nptp--;
		}
	}
	write_cr3(pml4_pa);
	pm->pm_active = false;
	for (unsigned i = 0; i < MAX_PMAPS; i++)
		if (live[i] == pm)
			live[i] = NULL;
	return left;
}
