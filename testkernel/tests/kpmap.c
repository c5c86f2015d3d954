/*
 * kpmap.c: the pmap against the MMU.  After every mapping change the
 * MMU, not the tables, is asked: a mapped KVA takes a write that reads
 * back through the direct map of its physical page; an unmapped one
 * faults at exactly that address.
 *
 *	KVA_BASE + 0x0000   (empty, probed as the "x-1" neighbour)
 *	KVA_BASE + 0x1000   page A   RW, then RO, then RX, then removed
 *	KVA_BASE + 0x2000   (empty)
 *	window W = [KVA_BASE + 4M, KVA_BASE + 6M): a second pmap
 */
#include "../lib/report.h"
#include "../x86/arch.h"
#include "../x86/kpmap.h"
#include "../x86/memmap.h"
#include "../x86/trap.h"
#include "tests.h"

static bool
faults(uint64_t va)
{
	return probe_read(va) && last_fault.cr2 == va;
}

/* write through va, read through the direct map of pa, and back */
static bool
aliases(vaddr_t va, paddr_t pa, uint8_t tag)
{
	volatile uint8_t *d = kpmap_dmap(pa + 0x7ff);
	uint8_t v = 0;

	if (probe_write(va + 0x7ff, tag) || *d != tag)
		return false;
	*d = (uint8_t)~tag;
	return !probe_read8(va + 0x7ff, &v) && v == (uint8_t)~tag;
}

/* pmap_extract answers what the MMU does */
static bool
extract_is(struct pmap *pm, vaddr_t va, paddr_t want)
{
	paddr_t pa = ~0ull;

	return pmap_extract(pm, va, &pa) && pa == want;
}

static void
kenter_cases(struct pmap *pm, paddr_t pa)
{
	vaddr_t a = KPMAP_KVA_BASE + 0x1000;

	pmap_kenter_pa(pm, a, pa, VM_PROT_READ | VM_PROT_WRITE, 0);
	report(aliases(a, pa, 0xa5), "kenter RW: write via KVA reads back "
	    "via dmap");
	report(extract_is(pm, a, pa) && extract_is(pm, a + 0x123, pa + 0x123),
	    "kenter RW: pmap_extract gives pa %lx (+offset)", pa);
	report(faults(a - 1) && faults(a + PAGE_SIZE),
	    "kenter RW: neighbours a-1 and a+4096 still fault");
	report((kpmap_leaf(a, NULL) & (PTE_NX | PTE_W | PTE_KENTER)) ==
	    (PTE_NX | PTE_W | PTE_KENTER), "kenter RW: pte is W, NX, unmanaged");

	/* replacing a present mapping takes effect at once */
	pmap_kenter_pa(pm, a, pa, VM_PROT_READ, 0);
	report(!probe_read(a), "kenter RO: reads");
	report(probe_write(a, 1) && last_fault.cr2 == a &&
	    (last_fault.error & (PFERR_P | PFERR_W)) == (PFERR_P | PFERR_W),
	    "kenter RO: a write faults as a protection violation");
	report(probe_exec(a) && (last_fault.error & PFERR_I),
	    "kenter RO: no execute");

	*(volatile uint8_t *)kpmap_dmap(pa) = 0xc3;	/* ret */
	pmap_kenter_pa(pm, a, pa, VM_PROT_READ | VM_PROT_EXECUTE, 0);
	report(!probe_exec(a), "kenter RX: executes");

	pmap_kremove(pm, a, PAGE_SIZE);
	pmap_update(pm);
	report(faults(a), "kremove+update: the access faults");
	report(!pmap_extract(pm, a, NULL), "kremove: pmap_extract says none");
}

static void
enter_cases(struct pmap *pm, paddr_t pa, paddr_t pb)
{
	vaddr_t a = KPMAP_KVA_BASE + 0x1000;
	int err;

	err = pmap_enter(pm, a, pa, VM_PROT_READ | VM_PROT_WRITE, PMAP_WIRED);
	report(err == 0 && aliases(a, pa, 0x3c), "enter RW: aliases its page");
	report(kpmap_leaf(a, NULL) & PTE_MANAGED, "enter: pte is managed");

	/* remap to another page: the old translation must not linger */
	err = pmap_enter(pm, a, pb, VM_PROT_READ | VM_PROT_WRITE, 0);
	report(err == 0 && aliases(a, pb, 0x6e) && extract_is(pm, a, pb),
	    "enter over a mapping: now reaches pb %lx", pb);

	pmap_remove(pm, a, a + PAGE_SIZE);
	pmap_update(pm);
	report(faults(a), "remove+update: the access faults");
}

/* a removal is allowed to linger until pmap_update: TCG keeps it too */
static void
stale_tlb_info(struct pmap *pm, paddr_t pa)
{
	vaddr_t a = KPMAP_KVA_BASE + 0x1000;
	bool stale;

	pmap_kenter_pa(pm, a, pa, VM_PROT_READ, 0);
	(void)probe_read(a);			/* load the TLB */
	pmap_kremove(pm, a, PAGE_SIZE);
	stale = !probe_read(a);
	pmap_update(pm);
	report_info("before pmap_update a removed page %s (TLB emulated: %s)",
	    stale ? "still reads" : "faults", stale ? "yes" : "no");
	report(faults(a), "stale TLB entry gone after pmap_update");
}

static void
window_cases(paddr_t pa)
{
	static struct pmap w;
	vaddr_t lo = KPMAP_KVA_BASE + (4u << 20), hi = lo + (2u << 20);
	unsigned free0 = kpmap_ptp_free();
	int err;

	kpmap_create(&w, lo, hi);
	pmap_kenter_pa(&w, lo, pa, VM_PROT_READ | VM_PROT_WRITE, 0);
	pmap_kenter_pa(&w, hi - PAGE_SIZE, pa, VM_PROT_READ, 0);
	report(aliases(lo, pa, 0x11) && !probe_read(hi - PAGE_SIZE) &&
	    faults(hi), "window: first and last page map, hi faults");
	report(kpmap_ptp_free() == free0 - 1, "window: one table page used");

	pmap_kremove(&w, lo, hi - lo);
	pmap_update(&w);
	report(faults(lo) && faults(hi - PAGE_SIZE),
	    "window: kremove of the whole window unmaps both");
	report(kpmap_destroy(&w) == 0, "window: destroy finds no mapping left");
	report(kpmap_ptp_free() == free0, "window: table page returned");

	/* table-page exhaustion: PMAP_CANFAIL turns it into ENOMEM */
	kpmap_create(&w, lo, hi + (2u << 20));
	w.pm_ptp_limit = 1;
	err = pmap_enter(&w, lo, pa, VM_PROT_READ, PMAP_CANFAIL);
	report(err == 0, "canfail: first table page granted");
	err = pmap_enter(&w, hi, pa, VM_PROT_READ, PMAP_CANFAIL);
	report(err == ENOMEM && faults(hi), "canfail: second refused, ENOMEM");
	report(kpmap_destroy(&w) == 1, "canfail: destroy reports the one "
	    "mapping left behind");
	report(kpmap_ptp_free() == free0 && faults(lo),
	    "canfail: all table pages back, nothing mapped");
}

static void
page_ops(struct pmap *pm, paddr_t pa, paddr_t pb)
{
	uint8_t *a = kpmap_dmap(pa), *b = kpmap_dmap(pb);
	vaddr_t pool;
	bool ok = true;

	memset(a, 0x77, PAGE_SIZE);
	pmap_zero_page(pm, pa);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		ok &= a[i] == 0;
	report(ok, "pmap_zero_page zeroes all 4096 bytes");

	for (unsigned i = 0; i < PAGE_SIZE; i++)
		a[i] = (uint8_t)(i * 7);
	pmap_copy_page(pm, pa, pb);
	report(memcmp(a, b, PAGE_SIZE) == 0, "pmap_copy_page copies");

	pool = pmap_map_poolpage(pm, pa);
	report(pool == (vaddr_t)a && pmap_unmap_poolpage(pm, pool) == pa &&
	    extract_is(pm, pool, pa), "poolpage: direct-map round trip");
	report(extract_is(pm, (vaddr_t)&ktests, (paddr_t)&ktests),
	    "pmap_extract: identity-mapped image (2 MiB and 4 KiB pages)");
	report(!pmap_extract(pm, 0, NULL) &&
	    !pmap_extract(pm, 0x0000800000000000ull, NULL),
	    "pmap_extract: NULL and non-canonical have no translation");
}

void
test_kpmap(void)
{
	struct pmap *pm = kpmap_kernel();
	paddr_t pa = memmap_steal(PAGE_SIZE), pb = memmap_steal(PAGE_SIZE);

	report(faults(KPMAP_KVA_BASE + 0x1000), "before: page A faults");
	kenter_cases(pm, pa);
	enter_cases(pm, pa, pb);
	stale_tlb_info(pm, pa);
	window_cases(pa);
	page_ops(pm, pa, pb);
	report(pm->pm_nmapped == 0, "kernel pmap: nothing left mapped (%lu)",
	    pm->pm_nmapped);
}
