/*
 * test_pmodel.c: the pmap model alone (no core): tables, TLB, checkers,
 * frames and the host platform (catching, locks, waits, swap).
 *
 * Layout used by most tests (64 frames, 16 of them the PT pool):
 *
 *	pa 0x00000 .. 0x10000	PT pool (root = frame 0)
 *	pa 0x10000 .. 0x3f000	managed, 47 frames
 *	pa 0x3f000		hole
 *
 *	kernel window [KVA, KVA + 1 GiB), KVA = 0xffffffff80000000
 *	direct map    0xffff800000000000 + pa
 *
 * One TAP line per check (report.h), then the plan and "N passed, N
 * failed"; exit status 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN	1
#endif
#endif
#ifdef HAVE_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define KVA	((vaddr_t)0xffffffff80000000ULL)
#define PA0	((paddr_t)0x10000)		/* first managed frame */

static struct pmap *
mkpmap(void)
{
	struct pmodel_pmap_params p = {
		.nframes = 64, .pt_pages = 16,
		.kva_lo = KVA, .kva_hi = KVA + ((vaddr_t)1 << 30),
	};
	struct pmap *pm = pmodel_pmap_create(&p);

	if (pm == NULL || pmodel_pmap_add_managed(pm, PA0, 0x3f000) != 0) {
		fprintf(stderr, "cannot create the pmap\n");
		exit(1);
	}
	return pm;
}

static bool
sane(struct pmap *pm)
{
	char why[256];

	if (pmodel_sanity(pm, why, sizeof(why)) == 0)
		return true;
	report_info("%s", why);
	return false;
}

static unsigned int
pt_inuse(struct pmap *pm)
{
	struct pmodel_stats st;

	pmodel_get_stats(pm, &st);
	return st.pt_inuse;
}

/* Run a pmap call that must panic; its message must contain `needle'. */
struct call { void (*fn)(struct pmap *, void *); struct pmap *pm; void *a; };
static void tramp(void *arg) { struct call *c = arg; c->fn(c->pm, c->a); }

static bool
panics(struct pmap *pm, void (*fn)(struct pmap *, void *), void *a,
    const char *needle)
{
	struct pmodel_catch c;
	struct call cl = { fn, pm, a };
	int kind = pmodel_catch_call(&c, tramp, &cl);

	if (kind != PMODEL_CAUGHT_PANIC || strstr(c.cc_msg, needle) == NULL) {
		report_info("kind %d msg \"%s\"", kind, c.cc_msg);
		return false;
	}
	return true;
}

static void do_kenter_rw(struct pmap *pm, void *a)
{ struct { vaddr_t va; paddr_t pa; } *x = a;
  pmap_kenter_pa(pm, x->va, x->pa, VM_PROT_READ | VM_PROT_WRITE, 0); }
static void do_kremove(struct pmap *pm, void *a)
{ pmap_kremove(pm, *(vaddr_t *)a, PAGE_SIZE); }
static void do_enter_nocanfail(struct pmap *pm, void *a)
{ pmap_enter(pm, *(vaddr_t *)a, PA0, VM_PROT_READ, 0); }

/* ------------------------------------------------------------------ */

static void
test_kenter_extract(void)
{
	struct pmap *pm = mkpmap();
	vaddr_t va = KVA + 0x5000;
	paddr_t pa = 0;
	uint64_t *pte;

	report(pmodel_pt_pages_for(KVA, KVA + ((vaddr_t)64 << 20)) == 35,
	    "pt_pages_for 64 MiB at KVA = 1 + 1 + 1 + 32");
	report(sane(pm) && pt_inuse(pm) == 1, "fresh pmap: root only, sane");
	pmap_page_allocated(pm, PA0);
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ | VM_PROT_WRITE, PMAP_KMPAGE);
	report(pmap_extract(pm, va + 0x123, &pa) && pa == PA0 + 0x123,
	    "extract va+0x123 -> pa %#llx", (unsigned long long)pa);
	report(!pmap_extract(pm, va - PAGE_SIZE, NULL) &&
	    !pmap_extract(pm, va + PAGE_SIZE, NULL), "neighbours unmapped");
	report(pt_inuse(pm) == 4, "kenter built PDPT, PD, PT: %u in use",
	    pt_inuse(pm));
	pte = pmodel_leaf_pte(pm, va);
	report(pte && (*pte & (PMODEL_PTE_P | PMODEL_PTE_RW | PMODEL_PTE_G |
	    PMODEL_PTE_NX)) == (PMODEL_PTE_P | PMODEL_PTE_RW | PMODEL_PTE_G |
	    PMODEL_PTE_NX) && !(*pte & (PMODEL_PTE_US | PMODEL_PTE_PVLIST)),
	    "RW kenter: P|RW|G|NX, no US, unmanaged");
	pmap_page_allocated(pm, PA0 + PAGE_SIZE);
	pmap_kenter_pa(pm, va + PAGE_SIZE, PA0 + PAGE_SIZE,
	    VM_PROT_READ | VM_PROT_EXECUTE, 0);
	pte = pmodel_leaf_pte(pm, va + PAGE_SIZE);
	report(!(*pte & PMODEL_PTE_RW) && !(*pte & PMODEL_PTE_NX),
	    "R|X kenter: read-only, executable");
	report(pt_inuse(pm) == 4 && sane(pm), "same PT reused, sane");
	report(pmap_extract(pm, pmap_map_poolpage(pm, PA0), &pa) && pa == PA0 &&
	    pmap_unmap_poolpage(pm, pmodel_dmap_base(pm) + PA0) == PA0,
	    "direct map: poolpage va %#llx <-> pa, extract knows it",
	    (unsigned long long)pmap_map_poolpage(pm, PA0));
	pmap_kremove(pm, va, 2 * PAGE_SIZE);
	pmap_update(pm);
	report(pt_inuse(pm) == 1 && sane(pm), "kremove freed the empty chain");
	pmodel_pmap_destroy(pm);
}

static void
test_access_tlb(void)
{
	struct pmap *pm = mkpmap();
	vaddr_t va = KVA + 0x200000 - PAGE_SIZE;	/* last page of a PT */
	char why[256];
	paddr_t pa;
	uint64_t *pte;

	pmap_page_allocated(pm, PA0);
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ, 0);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_OK &&
	    pa == PA0, "read of R page");
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_FAULT_WRITE,
	    "write to R page faults");
	report(pmodel_access(pm, va, false, true, NULL) == PMODEL_FAULT_EXEC,
	    "fetch from NX page faults");
	report(pmodel_access(pm, va + PAGE_SIZE, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT, "next page (next PT) not present");
	report(pmodel_access(pm, 0x0000900000000000ULL, false, false, NULL) ==
	    PMODEL_FAULT_NONCANONICAL, "non-canonical va");
	pte = pmodel_leaf_pte(pm, va);
	report((*pte & PMODEL_PTE_A) && !(*pte & PMODEL_PTE_D),
	    "read set A only");

	pmap_kremove(pm, va, PAGE_SIZE);
	pmap_update(pm);
	report(pmodel_access(pm, va, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT && pmodel_tlb_check(pm, why,
	    sizeof(why)) == 0, "kremove + update: gone from TLB and tables");

	/* pmap(9): an update after every enter, even where it is at once */
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ, 0);
	report(pmodel_access(pm, va, false, false, NULL) == PMODEL_OK &&
	    pmodel_pending_check(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "1 mapping(s) entered") != NULL,
	    "kenter without update: usable, but pending_check says: %s", why);
	pmap_update(pm);
	report(pmodel_pending_check(pm, why, sizeof(why)) == 0,
	    "kenter + update: nothing pending");
	pmap_kremove(pm, va, PAGE_SIZE);
	pmap_update(pm);

	/* the missing-update bug, three ways */
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ | VM_PROT_WRITE, 0);
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_OK &&
	    (*pmodel_leaf_pte(pm, va) & PMODEL_PTE_D), "write set D");
	pmap_kremove(pm, va, PAGE_SIZE);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_STALE_TLB &&
	    pa == PA0, "access before update uses the stale entry");
	report(pmodel_tlb_check(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "missing pmap_update"), "tlb_check: %s", why);
	report(pmodel_pending_check(pm, why, sizeof(why)) == -1,
	    "pending_check: %s", why);
	pmap_update(pm);
	report(pmodel_tlb_check(pm, why, sizeof(why)) == 0 &&
	    pmodel_pending_check(pm, why, sizeof(why)) == 0 &&
	    pmodel_access(pm, va, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT, "after update: clean, not present");

	/* remapped to another frame without an update */
	pmap_page_allocated(pm, PA0 + PAGE_SIZE);
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ, 0);
	pmodel_access(pm, va, false, false, NULL);
	pmap_kremove(pm, va, PAGE_SIZE);
	pmap_kenter_pa(pm, va, PA0 + PAGE_SIZE, VM_PROT_READ, 0);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_STALE_TLB &&
	    pa == PA0, "kremove+kenter elsewhere: old frame still used");
	pmap_update(pm);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_OK &&
	    pa == PA0 + PAGE_SIZE, "after update: new frame");
	pmap_kremove(pm, va, PAGE_SIZE);
	pmap_update(pm);

	/* managed mapping: protection drop stays in the TLB */
	report(pmap_enter(pm, va, PA0, VM_PROT_READ | VM_PROT_WRITE,
	    PMAP_WIRED) == 0, "pmap_enter RW");
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_OK,
	    "write through managed mapping");
	pmap_enter(pm, va, PA0, VM_PROT_READ, 0);
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_STALE_TLB,
	    "RW->R drop without update: stale write");
	pmap_update(pm);
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_FAULT_WRITE,
	    "after update: write faults");
	pmap_enter(pm, va, PA0, VM_PROT_READ | VM_PROT_WRITE, 0);
	report(pmodel_access(pm, va, true, false, NULL) == PMODEL_OK &&
	    pmodel_pending_check(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "entered") != NULL && strstr(why, "TLB") == NULL,
	    "R->RW upgrade: visible at once, no invalidation queued, only "
	    "the update pmap(9) asks for after an enter: %s", why);
	pmap_update(pm);
	report(pmodel_pending_check(pm, why, sizeof(why)) == 0,
	    "after the update: nothing pending");
	pmap_remove(pm, va, va + PAGE_SIZE);
	pmap_update(pm);

	/* more removals than the invlpg queue: update flushes everything */
	for (unsigned int i = 0; i < 40; i++) {
		pmap_kenter_pa(pm, KVA + ptoa(i), PA0, VM_PROT_READ, 0);
		pmodel_access(pm, KVA + ptoa(i), false, false, NULL);
	}
	pmap_kremove(pm, KVA, ptoa(40));
	report(pmodel_tlb_check(pm, why, sizeof(why)) == -1,
	    "40 removals: stale entries seen");
	pmap_update(pm);
	report(pmodel_tlb_check(pm, why, sizeof(why)) == 0 && sane(pm) &&
	    pt_inuse(pm) == 1, "overflowed queue: update flushed all");
	pmodel_pmap_destroy(pm);
}

static void
test_misuse(void)
{
	struct pmap *pm = mkpmap();
	struct { vaddr_t va; paddr_t pa; } a = { KVA, PA0 };
	vaddr_t va = KVA;

	report(panics(pm, do_kenter_rw, &a, "is a free page"),
	    "kenter of a free page panics");
	pmap_page_allocated(pm, PA0);
	a.pa = 0x3000;
	report(panics(pm, do_kenter_rw, &a, "page-table page"),
	    "kenter of a PT-pool frame panics");
	a.pa = 0x3f000;
	report(panics(pm, do_kenter_rw, &a, "not managed RAM"),
	    "kenter of a hole panics");
	a.pa = PA0; a.va = KVA - PAGE_SIZE;
	report(panics(pm, do_kenter_rw, &a, "kernel window"),
	    "kenter below the window panics");
	a.va = KVA + 1;
	report(panics(pm, do_kenter_rw, &a, "page-aligned"),
	    "kenter of an unaligned va panics");
	a.va = KVA;
	pmap_kenter_pa(pm, KVA, PA0, VM_PROT_READ, 0);
	report(panics(pm, do_kenter_rw, &a, "already maps pa 0x10000"),
	    "kenter over a live mapping panics naming the old pa");
	pmap_kremove(pm, KVA, PAGE_SIZE);
	pmap_enter(pm, KVA, PA0, VM_PROT_READ, 0);
	report(panics(pm, do_kremove, &va, "managed"),
	    "kremove of a pmap_enter mapping panics");
	pmap_remove(pm, KVA, KVA + PAGE_SIZE);
	pmap_update(pm);

	/* PT pool exhaustion and fault injection */
	pmodel_fail_ptalloc(pm, 2);
	report(pmap_enter(pm, KVA, PA0, VM_PROT_READ, PMAP_CANFAIL) == ENOMEM,
	    "injected PT failure: ENOMEM with CANFAIL");
	report(pt_inuse(pm) == 1 && sane(pm), "nothing half-built left");
	pmodel_fail_ptalloc(pm, 2);
	report(panics(pm, do_enter_nocanfail, &va, "exhausted"),
	    "without CANFAIL: panic");
	report(pmap_enter(pm, KVA, PA0, VM_PROT_READ, PMAP_CANFAIL) == 0,
	    "injection is one-shot");
	/* 16-frame pool, root + PDPT + PD used: 13 PTs fit, the 14th not */
	unsigned int i;
	for (i = 1; i < 20; i++)
		if (pmap_enter(pm, KVA + ((vaddr_t)i << 21), PA0, VM_PROT_READ,
		    PMAP_CANFAIL) != 0)
			break;
	report(i == 13 && pt_inuse(pm) == 16 && sane(pm),
	    "pool of 16 exhausted after %u PTs, sane", i);
	pmap_remove(pm, KVA, KVA + ((vaddr_t)20 << 21));
	pmap_update(pm);
	report(pt_inuse(pm) == 1 && sane(pm), "remove over 40 MiB frees all");
	pmodel_pmap_destroy(pm);
}

static void
test_sanity_fires(void)
{
	struct pmap *pm = mkpmap();
	char why[256];
	uint64_t *pte, *pml4, save;

	pmap_page_allocated(pm, PA0);
	pmap_kenter_pa(pm, KVA, PA0, VM_PROT_READ | VM_PROT_WRITE, 0);
	pte = pmodel_leaf_pte(pm, KVA);
	*pte |= PMODEL_PTE_US;
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "user-accessible") && strstr(why, "0xffffffff80000000"),
	    "US leaf: %s", why);
	*pte &= ~PMODEL_PTE_US;
	pml4 = pmodel_root(pm);
	save = pml4[511];
	pml4[511] = (save & ~PMODEL_PTE_FRAME) | 0x20000;
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "outside the page-table pool"), "PDE: %s", why);
	report(!pmap_extract(pm, KVA, NULL),
	    "walks never follow the corrupt pointer");
	pml4[511] = save | PMODEL_PTE_US;
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "level-4 entry user-accessible"), "US PML4E: %s", why);
	pml4[511] = save;
	pmap_page_freed(pm, PA0);
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "freed page"), "mapping of a freed page: %s", why);
	pmap_page_allocated(pm, PA0);
	*pte = (*pte & ~PMODEL_PTE_FRAME) | 0x2000;
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "page-table pool frame"), "leaf -> PT pool: %s", why);
	*pte = (*pte & ~PMODEL_PTE_FRAME) | PA0;
	*pte |= (uint64_t)1 << 52;
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "unexpected pte bits"), "reserved bit: %s", why);
	*pte &= ~((uint64_t)1 << 52);
	pte[1] = 0x5000;	/* junk in a non-present entry */
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "not present but"), "junk: %s", why);
	pte[1] = PA0 | PMODEL_PTE_P | PMODEL_PTE_G;	/* uncounted leaf */
	report(pmodel_sanity(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "counter says"), "count: %s", why);
	pte[1] = 0;
	report(sane(pm), "restored: sane again");
	pmodel_pmap_destroy(pm);
}

struct seen { unsigned int n; vaddr_t va[8]; paddr_t pa[8]; };
static int
collect(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	struct seen *s = arg;

	(void)pte;
	if (s->n < 8) {
		s->va[s->n] = va;
		s->pa[s->n] = pa;
	}
	s->n++;
	return 0;
}

static void
test_foreach(void)
{
	struct pmodel_pmap_params p = { .nframes = 64, .pt_pages = 16 };
	struct pmap *pm = pmodel_pmap_create(&p);	/* whole high half */
	vaddr_t v[4] = { 0xffff900000000000ULL, 0xffffffff80000000ULL,
	    0xffffffff80001000ULL, 0xffffffffffffe000ULL };
	struct seen s = { 0 };
	unsigned int i;
	bool ok = true;

	pmodel_pmap_add_managed(pm, PA0, 0x40000);
	for (i = 4; i-- > 0;) {		/* entered in reverse */
		pmap_page_allocated(pm, PA0 + ptoa(i));
		pmap_kenter_pa(pm, v[i], PA0 + ptoa(i), VM_PROT_READ, 0);
	}
	pmodel_foreach_mapping(pm, collect, &s);
	for (i = 0; i < 4; i++)
		ok = ok && s.va[i] == v[i] && s.pa[i] == PA0 + ptoa(i);
	report(s.n == 4 && ok, "foreach: 4 leaves in VA order over PML4 "
	    "slots 288 and 511");
	memset(&s, 0, sizeof(s));
	pmodel_foreach_range(pm, v[1] + PAGE_SIZE, v[3], collect, &s);
	report(s.n == 1 && s.va[0] == v[2], "foreach_range: only [v1+1p, v3)");
	memset(&s, 0, sizeof(s));
	pmodel_foreach_range(pm, 0, 0xffff900000000000ULL, collect, &s);
	report(s.n == 0, "foreach_range over low half and hole: nothing");
	report(sane(pm) && pt_inuse(pm) == 1 + 2 + 3 + 3,
	    "two PML4 slots, three PDs/PTs: %u", pt_inuse(pm));
	pmodel_pmap_destroy(pm);
}

static void
test_data_and_frames(void)
{
	struct pmap *pm = mkpmap();
	unsigned char buf[6000], back[6000];
	vaddr_t va = KVA + 0x1000;
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7);
	pmap_page_allocated(pm, PA0 + 0x5000);
	pmap_page_allocated(pm, PA0 + 0x9000);
	report(((unsigned char *)pmodel_phys(pm, PA0 + 0x5000))[17] == 0xa5,
	    "fresh frames read as junk 0xa5");
	pmap_kenter_pa(pm, va, PA0 + 0x5000, VM_PROT_READ | VM_PROT_WRITE, 0);
	pmap_kenter_pa(pm, va + PAGE_SIZE, PA0 + 0x9000,
	    VM_PROT_READ | VM_PROT_WRITE, 0);
	report(pmodel_write(pm, va + 100, buf, sizeof(buf)) == PMODEL_OK &&
	    pmodel_read(pm, va + 100, back, sizeof(back)) == PMODEL_OK &&
	    memcmp(buf, back, sizeof(buf)) == 0,
	    "write/read 6000 bytes across two non-adjacent frames");
	report(pmodel_read(pm, pmodel_dmap_base(pm) + PA0 + 0x9000, back, 4) ==
	    0 && memcmp(back, buf + PAGE_SIZE - 100, 4) == 0,
	    "same bytes through the direct map");
	report(pmodel_write(pm, va + 2 * PAGE_SIZE - 8, buf, 16) ==
	    PMODEL_FAULT_NOTPRESENT && pmodel_fault_va(pm) ==
	    va + 2 * PAGE_SIZE, "write running off the end faults at %#llx",
	    (unsigned long long)pmodel_fault_va(pm));
	pmap_copy_page(pm, PA0 + 0x5000, PA0 + 0x9000);
	pmap_zero_page(pm, PA0 + 0x5000);
	report(pmodel_read(pm, va + PAGE_SIZE + 100, back, 8) == 0 &&
	    memcmp(back, buf, 8) == 0 && pmodel_read(pm, va + 100, back, 8) ==
	    0 && back[0] == 0 && back[7] == 0, "copy_page, zero_page");

	pmap_kremove(pm, va, 2 * PAGE_SIZE);
	pmap_update(pm);
	pmap_page_freed(pm, PA0 + 0x9000);
	report(pmodel_frame_is_free(pm, PA0 + 0x9000) &&
	    pmodel_read(pm, pmodel_dmap_base(pm) + PA0 + 0x9000, back, 4) ==
	    PMODEL_FAULT_FREED, "read of a freed frame: FAULT_FREED");
	pmap_zero_page(pm, PA0 + 0x9000);	/* pre-zeroing a free page */
#ifdef HAVE_ASAN
	report(__asan_address_is_poisoned(pmodel_phys(pm, PA0 + 0x9000)) &&
	    __asan_address_is_poisoned(pmodel_phys(pm, PA0 + 0x9fff)),
	    "ASan: freed frame poisoned (after zeroing too)");
	report(!__asan_address_is_poisoned(pmodel_phys(pm, PA0 + 0x5000)),
	    "ASan: allocated frame not poisoned");
	report(__asan_address_is_poisoned(pmodel_phys(pm, PA0 + 0x20000)),
	    "ASan: never-allocated frame poisoned");
#else
	report_skip("ASan: freed frame poisoned (after zeroing too)",
	    "no -fsanitize=address");
	report_skip("ASan: allocated frame not poisoned",
	    "no -fsanitize=address");
	report_skip("ASan: never-allocated frame poisoned",
	    "no -fsanitize=address");
#endif

	/* reset: tables, TLB and touched frames as new */
	pmap_kenter_pa(pm, va, PA0 + 0x5000, VM_PROT_READ, 0);
	pmodel_access(pm, va, false, false, NULL);
	pmodel_pmap_reset(pm);
	report(pt_inuse(pm) == 1 && !pmap_extract(pm, va, NULL) && sane(pm),
	    "reset: tables empty");
	report(pmodel_frame_is_free(pm, PA0 + 0x5000), "reset: frames free");
	pmap_page_allocated(pm, PA0 + 0x5000);
	pmap_page_allocated(pm, PA0 + 0x9000);
	report(((unsigned char *)pmodel_phys(pm, PA0 + 0x5000))[0] == 0xa5 &&
	    ((unsigned char *)pmodel_phys(pm, PA0 + 0x9000))[0] == 0xa5,
	    "reset: touched frames refilled");
	pmap_kenter_pa(pm, va, PA0 + 0x5000, VM_PROT_READ, 0);
	report(pmodel_root(pm)[511] == (0x1000 | PMODEL_PTE_P | PMODEL_PTE_RW),
	    "reset: PT pool order as at create (PDPT is frame 1)");
	pmodel_pmap_destroy(pm);
}

/*
 * Two CPUs, one pmap: each has its own TLB; pmap_update shoots down on
 * both; a VA entered again while the other CPU's TLB still maps the old
 * frame is recorded (the reuse check), a correct update in between is
 * clean.  Layout: va V = KVA + 0x5000, frames PA0 and PA0 + 0x1000.
 */
static void
test_cpus(void)
{
	struct pmodel_pmap_params p = {
		.nframes = 64, .pt_pages = 16, .ncpus = 2,
		.kva_lo = KVA, .kva_hi = KVA + ((vaddr_t)1 << 30),
	};
	struct pmap *pm = pmodel_pmap_create(&p);
	vaddr_t va = KVA + 0x5000;
	char why[256];
	paddr_t pa;

	if (pm == NULL || pmodel_pmap_add_managed(pm, PA0, 0x3f000) != 0) {
		report(false, "cannot create a two-CPU pmap");
		return;
	}
	pmap_page_allocated(pm, PA0);
	pmap_page_allocated(pm, PA0 + PAGE_SIZE);
	report(pmodel_ncpus(pm) == 2 && pmodel_cpu(pm) == 0, "2 CPUs, cpu0");

	/* cpu0 caches V; cpu1 removes it and updates: shot down on cpu0 */
	pmap_kenter_pa(pm, va, PA0, VM_PROT_READ, 0);
	pmodel_access(pm, va, false, false, NULL);
	pmodel_set_cpu(pm, 1);
	pmap_kremove(pm, va, PAGE_SIZE);
	report(pmodel_access(pm, va, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT, "cpu1 never cached V: not present");
	pmodel_set_cpu(pm, 0);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_OK &&
	    pa == PA0, "cpu0 before the shootdown, the page still its: the "
	    "old entry is used, harmlessly");
	pmap_page_freed(pm, PA0);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_STALE_TLB &&
	    pa == PA0, "cpu0 before the shootdown, the page freed: a stale "
	    "translation used");
	pmap_page_allocated(pm, PA0);
	report(pmodel_access(pm, va, false, false, &pa) == PMODEL_STALE_TLB,
	    "... and still when the page has a new owner");
	pmodel_set_cpu(pm, 1);
	pmap_update(pm);
	pmodel_set_cpu(pm, 0);
	report(pmodel_access(pm, va, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT && pmodel_tlb_check(pm, why,
	    sizeof(why)) == 0, "cpu1's update shot cpu0's entry down");
	pmap_kenter_pa(pm, va, PA0 + PAGE_SIZE, VM_PROT_READ, 0);
	report(pmodel_reuse_check(pm, why, sizeof(why)) == 0,
	    "V reused after the shootdown: clean");

	/* again, but cpu1 hands V out before its update (same frame even) */
	pmodel_access(pm, va, false, false, NULL);
	pmodel_set_cpu(pm, 1);
	pmap_kremove(pm, va, PAGE_SIZE);
	pmap_kenter_pa(pm, va, PA0 + PAGE_SIZE, VM_PROT_READ, 0);
	report(pmodel_reuse_check(pm, why, sizeof(why)) == -1 &&
	    strstr(why, "by cpu1") && strstr(why, "TLB of cpu0") &&
	    strstr(why, "before its shootdown"), "reuse check: %s", why);
	report(pmodel_pending_check(pm, why, sizeof(why)) == -1,
	    "the removal still waits for its shootdown: %s", why);
	pmap_update(pm);
	pmodel_pmap_destroy(pm);
}

int
main(void)
{
	test_kenter_extract();
	test_access_tlb();
	test_cpus();
	test_misuse();
	test_sanity_fires();
	test_foreach();
	test_data_and_frames();
	return report_summary();
}
