/*
 * test_km.c: the uvm_km API, behaviour by behaviour, on the pmap model.
 *
 * Each test builds a fresh instance (kernel map at 0xffffffff80000000,
 * 1 MiB booted, 64 MiB of KVA, 1024 pages of 4 KiB), does one thing the
 * seed documents, checks what it says happens, then frees everything and
 * checks that every page, slot and map entry came back and that every
 * structure checker still passes.  Misuse is run under a catch point and
 * must panic with a message naming the call and the address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

#define KVA_MIN		PMODEL_DEF_KVA_MIN
#define BOOT_SIZE	((vsize_t)0x100000)

struct snap {
	struct uvmexp	exp;
	unsigned int	entries_inuse, nentries;
	vsize_t		mapsize;
	unsigned long	nmappings;
};

static struct pmodel_host *
mkhost(bool direct, unsigned int npages, vsize_t boot)
{
	struct pmodel_params p = {
		.npages = npages,
		.nseg = 2,
		.ncolors = 4,
		.kva_min = KVA_MIN,
		.kva_start = KVA_MIN + boot,
		.kva_max = KVA_MIN + ((vsize_t)64 << 20),
		.poolpage_direct_map = direct,
		.reserve_kernel = 8,
		.reserve_pagedaemon = 2,
	};
	struct pmodel_host *h = pmodel_host_create(&p);
	if (h == NULL) {
		fprintf(stderr, "test_km: cannot create a host\n");
		exit(1);
	}
	return h;
}

static void
take(struct pmodel_host *h, struct snap *s)
{
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmodel_stats st;

	pmodel_get_stats(pmodel_host_pmap(h), &st);
	s->exp = uvm->exp;
	s->entries_inuse = uvm->entries_inuse;
	s->nentries = uvm->kernel_map->nentries;
	s->mapsize = uvm->kernel_map->size;
	s->nmappings = st.nmappings;
}

/* Same resources in use (statistics counters may differ). */
static bool
same(const struct snap *a, const struct snap *b)
{
	return a->exp.free == b->exp.free && a->exp.wired == b->exp.wired &&
	    a->exp.objpages == b->exp.objpages &&
	    a->exp.swpginuse == b->exp.swpginuse &&
	    a->exp.swpgonly == b->exp.swpgonly &&
	    a->entries_inuse == b->entries_inuse &&
	    a->nentries == b->nentries && a->mapsize == b->mapsize &&
	    a->nmappings == b->nmappings;
}

/* Every structure checker the core and the model have. */
static bool
sane(struct pmodel_host *h, char *why, size_t len)
{
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);

	if (uvm_map_sanity(uvm->kernel_map, why, len) != 0 ||
	    uvm_page_sanity(uvm, why, len) != 0 ||
	    uao_sanity(uvm->kernel_object, why, len) != 0 ||
	    pool_sanity(&uvm->kernel_map_store.vmk_vacache, why, len) != 0 ||
	    pmodel_sanity(pm, why, len) != 0 ||
	    pmodel_pending_check(pm, why, len) != 0 ||
	    pmodel_tlb_check(pm, why, len) != 0)
		return false;
	for (unsigned int i = 0; i < uvm->nsubmaps; i++)
		if (uvm_map_sanity(&uvm->submaps[i].vmk_map, why, len) != 0)
			return false;
	snprintf(why, len, "sane");
	return true;
}

static void
report_sane(struct pmodel_host *h, const char *when)
{
	char why[256];
	bool ok = sane(h, why, sizeof(why));
	report(ok, "checkers pass %s (%s)", when, why);
}

/* Run fn(arg) expecting a panic whose message contains every needle. */
struct call { void (*fn)(void *); void *arg; };
static bool
expect_panic(void (*fn)(void *), void *arg, const char *n1, const char *n2,
    char *msg, size_t len)
{
	struct pmodel_catch c;
	int kind = pmodel_catch_call(&c, fn, arg);

	snprintf(msg, len, "%s", kind ? c.cc_msg : "(no panic)");
	return kind == PMODEL_CAUGHT_PANIC && strstr(c.cc_msg, n1) != NULL &&
	    (n2 == NULL || strstr(c.cc_msg, n2) != NULL);
}

/* ---- the seed's worked example ---------------------------------------- */

static void
test_worked_example(void)
{
	report_prefix_push("worked example");
	struct pmodel_host *h = mkhost(false, 1024, 0x235000);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	paddr_t pa;

	vaddr_t va = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_PAGEABLE);
	report(va == KVA_MIN + 0x235000, "first page at VM_MIN + 0x235000 "
	    "(got 0x%lx)", (unsigned long)va);
	report(!pmap_extract(pm, va, NULL), "pageable page not mapped yet");
	report(uvm_fault(uvm->kernel_map, va, VM_PROT_WRITE, false) == 0,
	    "fault-in succeeds");
	struct vm_page *pg = uvm_pagelookup(uvm->kernel_object, 0x235000);
	report(pg != NULL, "kernel object has a page at offset 0x235000");
	report(pg != NULL && pmap_extract(pm, va, &pa) &&
	    pa == pg->phys_addr, "which is the page mapped at 0x%lx",
	    (unsigned long)va);
	uvm_km_free(uvm->kernel_map, va, PAGE_SIZE, UVM_KMF_PAGEABLE);
	report(uvm_pagelookup(uvm->kernel_object, 0x235000) == NULL &&
	    uvm->exp.free == uvm->exp.npages, "free returns the page");
	report_sane(h, "after free");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- wired, pageable, VA-only ----------------------------------------- */

static void
test_types(void)
{
	static const struct { uvm_flag_t f; const char *name; } types[] = {
		{ UVM_KMF_WIRED, "wired" },
		{ UVM_KMF_PAGEABLE, "pageable" },
		{ UVM_KMF_VAONLY, "vaonly" },
	};
	for (size_t t = 0; t < 3; t++) {
		report_prefix_push("%s", types[t].name);
		struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
		struct uvm *uvm = pmodel_host_uvm(h);
		struct pmap *pm = pmodel_host_pmap(h);
		struct snap before, after;
		take(h, &before);

		/* 1..5 pages, aligned 0, 4K, 64K: probe x-1, x, x+1 pages. */
		static const vsize_t aligns[] = { 0, PAGE_SIZE, 0x10000 };
		vaddr_t vas[15];
		int n = 0;
		bool mapped_ok = true, aligned = true, inside = true;
		for (int a = 0; a < 3; a++) {
			for (vsize_t np = 1; np <= 5; np++) {
				vaddr_t va = uvm_km_alloc(uvm->kernel_map,
				    np * PAGE_SIZE - 1, aligns[a], types[t].f);
				vas[n++] = va;
				if (aligns[a] && (va & (aligns[a] - 1)))
					aligned = false;
				if (va < KVA_MIN + BOOT_SIZE)
					inside = false;
				for (vsize_t i = 0; i < np; i++) {
					bool m = pmap_extract(pm,
					    va + i * PAGE_SIZE, NULL);
					if (m != (types[t].f == UVM_KMF_WIRED))
						mapped_ok = false;
				}
			}
		}
		report(inside, "all above the boot reservation");
		report(aligned, "alignment honoured");
		report(mapped_ok, "%s", types[t].f == UVM_KMF_WIRED ?
		    "every page mapped at once" : "nothing mapped before touch");
		report(uvm->exp.wired == (types[t].f == UVM_KMF_WIRED ?
		    3 * 15u : 0u), "wired count %u", uvm->exp.wired);
		report_sane(h, "with 15 live");
		if (types[t].f == UVM_KMF_PAGEABLE) {
			vaddr_t va = vas[4];	/* 5 pages */
			for (int i = 0; i < 5; i++)
				uvm_fault(uvm->kernel_map, va + i * PAGE_SIZE,
				    VM_PROT_READ, false);
			report(uvm->exp.objpages == 5 &&
			    pmap_extract(pm, va + 4 * PAGE_SIZE, NULL),
			    "touch maps pages from the kernel object");
		}
		if (types[t].f == UVM_KMF_VAONLY)
			report(uvm_fault(uvm->kernel_map, vas[0], VM_PROT_READ,
			    false) == EFAULT, "a VA-only range cannot fault in");
		n = 0;
		for (int a = 0; a < 3; a++)
			for (vsize_t np = 1; np <= 5; np++)
				uvm_km_free(uvm->kernel_map, vas[n++],
				    np * PAGE_SIZE - 1, types[t].f);
		take(h, &after);
		report(same(&before, &after), "everything back after free");
		report_sane(h, "after free");
		pmodel_host_destroy(h);
		report_prefix_pop();
	}
}

static void
test_zero_exec(void)
{
	report_prefix_push("zero+exec");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	unsigned char buf[PAGE_SIZE];

	/* Fresh frames hold 0xa5, so zero really means zeroed. */
	vaddr_t va = uvm_km_alloc(uvm->kernel_map, 3 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_ZERO);
	bool zero = true;
	for (int i = 0; i < 3; i++) {
		if (pmodel_read(pm, va + i * PAGE_SIZE, buf, sizeof(buf)) != 0)
			zero = false;
		for (size_t j = 0; j < sizeof(buf); j++)
			zero &= buf[j] == 0;
	}
	report(zero, "ZERO pages read zero");
	vaddr_t dirty = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED);
	pmodel_read(pm, dirty, buf, sizeof(buf));
	report(buf[0] == 0xa5, "without ZERO a fresh page is not zeroed "
	    "(0x%02x)", buf[0]);
	uint64_t *pte = pmodel_leaf_pte(pm, va);
	report(pte && (*pte & PMODEL_PTE_NX) && (*pte & PMODEL_PTE_RW) &&
	    !(*pte & PMODEL_PTE_US), "not EXEC: NX, RW, supervisor");
	vaddr_t x = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_EXEC);
	pte = pmodel_leaf_pte(pm, x);
	report(pte && !(*pte & PMODEL_PTE_NX), "EXEC: executable");
	report(pmodel_access(pm, x, false, true, NULL) == PMODEL_OK &&
	    pmodel_access(pm, va, false, true, NULL) == PMODEL_FAULT_EXEC,
	    "the model faults a fetch from NX only");
	/* Idle-zeroed pages satisfy ZERO without another zeroing. */
	unsigned int hits = uvm->exp.pga_zerohit;
	uvm_pageidlezero(uvm, 16);
	vaddr_t z = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_ZERO);
	report(uvm->exp.pga_zerohit == hits + 1, "idle-zeroed page is a "
	    "zero hit");
	uvm_km_free(uvm->kernel_map, z, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, x, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, dirty, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, va, 3 * PAGE_SIZE, UVM_KMF_WIRED);
	report(uvm->exp.free == uvm->exp.npages, "all pages free");
	report_sane(h, "after free");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- failure paths ---------------------------------------------------- */

static void
test_nowait_unwind(void)
{
	report_prefix_push("nowait unwind");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct snap before, after;

	vaddr_t keep = uvm_km_alloc(uvm->kernel_map, 2 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED);
	for (unsigned int nth = 1; nth <= 4; nth++) {
		take(h, &before);
		uvm->test.fail_pagealloc_in = nth;
		vaddr_t va = uvm_km_alloc(uvm->kernel_map, 4 * PAGE_SIZE, 0,
		    UVM_KMF_WIRED | UVM_KMF_NOWAIT);
		take(h, &after);
		report(va == 0 && same(&before, &after),
		    "page %u of 4 fails: returns 0, map/pages/counters as "
		    "before", nth);
		report_sane(h, "after the unwind");
	}
	/* CANFAIL with nothing reclaimable fails instead of waiting. */
	take(h, &before);
	uvm->test.fail_pagealloc_in = 2;
	vaddr_t va = uvm_km_alloc(uvm->kernel_map, 3 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_CANFAIL);
	take(h, &after);
	report(va == 0 && same(&before, &after), "CANFAIL unwinds the same");
	/* Below the reserve only NOWAIT (USERESERVE) still gets pages. */
	unsigned int need = uvm->exp.free - uvm->exp.reserve_kernel;
	vaddr_t big = uvm_km_alloc(uvm->kernel_map, need * PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_CANFAIL);
	report(big != 0 && uvm->exp.free == uvm->exp.reserve_kernel,
	    "allocate down to the kernel reserve");
	report(uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_CANFAIL) == 0, "the reserve is kept from "
	    "CANFAIL");
	vaddr_t r = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_NOWAIT);
	report(r != 0, "NOWAIT may use the reserve");
	uvm_km_free(uvm->kernel_map, r, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, big, need * PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, keep, 2 * PAGE_SIZE, UVM_KMF_WIRED);
	report(uvm->exp.free == uvm->exp.npages && uvm->entries_inuse == 1,
	    "no leak (free %u, entries %u)", uvm->exp.free,
	    uvm->entries_inuse);
	report_sane(h, "at the end");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- page removal ----------------------------------------------------- */

struct busy_state { struct vm_page *pg; int waits; };

static void
finish_busy_io(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	struct busy_state *bs = arg;
	(void)wmesg;
	if (why == UVM_WAIT_BUSYPAGE && what == bs->pg) {
		bs->waits++;
		uvm_page_unbusy(uvm, bs->pg);
		return;
	}
	pmodel_wouldblockf("unexpected wait %d", (int)why);
}

static void
test_pgremove(void)
{
	report_prefix_push("pgremove");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	struct busy_state bs = { NULL, 0 };
	uint32_t word;

	pmodel_host_set_wait(h, finish_busy_io, &bs);
	vaddr_t va = uvm_km_alloc(uvm->kernel_map, 6 * PAGE_SIZE, 0,
	    UVM_KMF_PAGEABLE);
	/* Pages 0..3 resident with a pattern; 4 and 5 never touched. */
	for (uint32_t i = 0; i < 4; i++) {
		uvm_fault(uvm->kernel_map, va + i * PAGE_SIZE, VM_PROT_WRITE,
		    false);
		word = 0xc0de0000 + i;
		pmodel_write(pm, va + i * PAGE_SIZE, &word, sizeof(word));
	}
	/* Push the two oldest (pages 0 and 1) out to swap. */
	report(uvm_pageout(uvm, 2) == 2 && uvm->exp.swpgonly == 2 &&
	    uvm->exp.swpginuse == 2, "pageout: 2 pages swap-only");
	report(!pmap_extract(pm, va, NULL), "paged-out page unmapped");
	/* Bring page 1 back: data survives, its slot is freed. */
	uvm_fault(uvm->kernel_map, va + PAGE_SIZE, VM_PROT_READ, false);
	word = 0;
	pmodel_read(pm, va + PAGE_SIZE, &word, sizeof(word));
	report(word == 0xc0de0001 && uvm->exp.swpgonly == 1,
	    "fault-in reads back 0x%x, swpgonly 1", word);
	/* Page 2 busy: pgremove must wait for it. */
	bs.pg = uvm_pagelookup(uvm->kernel_object,
	    va + 2 * PAGE_SIZE - KVA_MIN);
	bs.pg->flags |= PG_BUSY;
	bs.pg->owner_tag = "test io";
	/* Remove pages 0..2 only: swap-only, resident, busy. */
	pmap_remove(pm, va, va + 3 * PAGE_SIZE);
	uvm_km_pgremove(uvm, va, va + 3 * PAGE_SIZE);
	pmap_update(pm);
	report(bs.waits == 1, "waited once for the busy page");
	report(uvm->exp.swpgonly == 0 && uvm->exp.swpginuse == 0,
	    "swap-only page's slot freed, swpgonly exact");
	report(uvm->exp.objpages == 1, "only page 3 still resident");
	report_sane(h, "after partial pgremove");
	uvm_km_free(uvm->kernel_map, va, 6 * PAGE_SIZE, UVM_KMF_PAGEABLE);
	report(uvm->exp.free == uvm->exp.npages && uvm->exp.objpages == 0,
	    "free takes the rest");
	report_sane(h, "after free");

	/* pgremove_intrsafe frees mapped object-less pages, skips holes. */
	vaddr_t w = uvm_km_alloc(uvm->kernel_map, 4 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED);
	uvm_km_pgremove_intrsafe(uvm->kernel_map, w, w + 2 * PAGE_SIZE);
	pmap_kremove(pm, w, 2 * PAGE_SIZE);
	pmap_update(pm);
	report(uvm->exp.wired == 2, "pgremove_intrsafe freed 2 of 4");
	uvm_km_pgremove_intrsafe(uvm->kernel_map, w, w + 4 * PAGE_SIZE);
	pmap_kremove(pm, w, 4 * PAGE_SIZE);
	pmap_update(pm);
	report(uvm->exp.wired == 0, "and skips the unmapped half");
	uvm_unmap1(uvm->kernel_map, w, w + 4 * PAGE_SIZE,
	    UVM_FLAG_QUANTUM | UVM_FLAG_VAONLY);
	report_sane(h, "at the end");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- pool pages --------------------------------------------------------- */

static void
test_poolpages(void)
{
	for (int direct = 0; direct < 2; direct++) {
		report_prefix_push("poolpage %s", direct ? "direct" : "cached");
		struct pmodel_host *h = mkhost(direct, 1024, BOOT_SIZE);
		struct uvm *uvm = pmodel_host_uvm(h);
		struct pmap *pm = pmodel_host_pmap(h);
		struct vm_map *map = uvm->kernel_map;
		struct pool *pp = &uvm->kernel_map_store.vmk_vacache;
		vaddr_t va[40];
		bool mapped = true;
		unsigned int free0 = uvm->exp.free;

		for (int i = 0; i < 40; i++) {
			va[i] = uvm_km_alloc_poolpage_cache(map, true);
			uint32_t v = 0x900d0000u + (uint32_t)i;
			mapped &= va[i] != 0 &&
			    pmodel_write(pm, va[i], &v, sizeof(v)) == 0;
		}
		report(mapped && uvm->exp.free == free0 - 40,
		    "40 pool pages, each mapped and writable");
		if (direct) {
			report(va[0] >= pmodel_dmap_base(pm) &&
			    !(map->flags & VM_MAP_VACACHE) && pp->pr_npages == 0,
			    "direct map: no KVA cache, VA in the direct map");
		} else {
			report(pp->pr_npages == 2 && pp->pr_nout == 40,
			    "cache: 2 runs of 32 VAs, 40 out");
		}
		for (int i = 0; i < 40; i++)
			uvm_km_free_poolpage_cache(map, va[i]);
		report(uvm->exp.free == free0, "every page freed");
		bool unmapped = true;
		for (int i = 0; i < 40 && !direct; i++)
			unmapped &= !pmap_extract(pm, va[i], NULL);
		if (!direct) {
			report(unmapped && pp->pr_npages == 2 && pp->pr_nout == 0,
			    "cached VAs kept, all unmapped");
			report(pmodel_access(pm, va[0], false, false, NULL) ==
			    PMODEL_FAULT_NOTPRESENT, "a cached VA faults");
			vaddr_t again = uvm_km_alloc_poolpage_cache(map, false);
			report(again != 0 && pool_contains(pp, again, NULL),
			    "the next one reuses a cached VA");
			uvm_km_free_poolpage_cache(map, again);
			unsigned int n = map->nentries;
			uvm_km_va_drain(map, 0);
			report(pp->pr_npages == 0 && map->nentries == n - 2,
			    "va_drain returns both runs to the map");
		}
		/* The non-cache variant: a plain wired page, or direct. */
		vaddr_t p = uvm_km_alloc_poolpage(map, false);
		report(p != 0 && pmodel_access(pm, p, true, false, NULL) ==
		    PMODEL_OK, "uvm_km_alloc_poolpage gives a mapped page");
		uvm_km_free_poolpage(map, p);
		report(uvm->exp.free == free0, "and frees it");
		report_sane(h, "at the end");
		pmodel_host_destroy(h);
		report_prefix_pop();
	}
}

/* A KVA cache on a submap, with its own run size. */
static void
test_vacache_on_submap(void)
{
	report_prefix_push("vacache_init");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	vaddr_t min = 0, max;
	struct vm_map *s = uvm_km_suballoc(uvm->kernel_map, &min, &max,
	    0x100000, 0, false, NULL);
	struct pool *pp = &vm_map_to_kernel(s)->vmk_vacache;

	vaddr_t plain = uvm_km_alloc_poolpage_cache(s, true);
	report(plain != 0 && pp->pr_npages == 0 && !(s->flags & VM_MAP_VACACHE),
	    "without a cache a submap hands out plain wired pages");
	uvm_km_free_poolpage_cache(s, plain);
	uvm_km_vacache_init(s, "subcache", 8 * PAGE_SIZE);
	report((s->flags & VM_MAP_VACACHE) && pp->pr_itemsperpage == 8,
	    "8 one-page VAs per run");
	vaddr_t va[9];
	bool inside = true;
	for (int i = 0; i < 9; i++) {
		va[i] = uvm_km_alloc_poolpage_cache(s, true);
		inside &= va[i] >= min && va[i] < max &&
		    pmap_extract(pm, va[i], NULL);
	}
	report(inside && pp->pr_npages == 2, "9 pages: 2 runs, all inside "
	    "the submap and mapped");
	for (int i = 0; i < 9; i++)
		uvm_km_free_poolpage_cache(s, va[i]);
	uvm_km_va_drain(s, 0);
	report(pp->pr_npages == 0 && s->nentries == 0 &&
	    uvm->exp.free == uvm->exp.npages, "drain leaves the submap empty");
	report_sane(h, "at the end");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- submaps ---------------------------------------------------------- */

static void
test_suballoc(void)
{
	report_prefix_push("suballoc");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct vm_map_kernel own;
	vaddr_t min1 = KVA_MIN, max1, min2 = KVA_MIN + 0x800000, max2;

	struct vm_map *s1 = uvm_km_suballoc(uvm->kernel_map, &min1, &max1,
	    0x40000 - 1, VM_MAP_PAGEABLE, false, NULL);
	report(s1 != NULL && max1 - min1 == 0x40000 &&
	    min1 >= KVA_MIN + BOOT_SIZE, "floating submap of 0x40000 at 0x%lx",
	    (unsigned long)min1);
	struct vm_map *s2 = uvm_km_suballoc(uvm->kernel_map, &min2, &max2,
	    0x10000, VM_MAP_INTRSAFE, true, &own);
	report(s2 == &own.vmk_map && min2 == KVA_MIN + 0x800000 &&
	    max2 == min2 + 0x10000, "fixed submap in caller's storage");
	struct vm_map_entry *e;
	mutex_enter(&uvm->kernel_map->lock);
	bool found = uvm_map_lookup_entry(uvm->kernel_map, min1, &e);
	mutex_exit(&uvm->kernel_map->lock);
	report(found && e->start == min1 && e->end == max1 &&
	    (e->flags & UVM_MAP_SUBMAP) && e->object.sub_map == s1,
	    "parent has exactly one entry for it");
	/* Allocations stay inside; the parent never hands that VA out. */
	bool confined = true;
	vaddr_t va[16];
	for (int i = 0; i < 16; i++) {
		va[i] = uvm_km_alloc(s1, PAGE_SIZE * (1 + i % 3), 0,
		    i % 2 ? UVM_KMF_WIRED : UVM_KMF_PAGEABLE);
		confined &= va[i] >= min1 && va[i] < max1;
	}
	report(confined, "16 allocations inside [0x%lx, 0x%lx)",
	    (unsigned long)min1, (unsigned long)max1);
	uvm_fault(uvm->kernel_map, va[0], VM_PROT_WRITE, false);
	report(uvm_pagelookup(uvm->kernel_object, va[0] - KVA_MIN) != NULL,
	    "fault through the parent reaches the submap's page");
	vaddr_t w = uvm_km_alloc(s2, 0x10000, 0, UVM_KMF_WIRED);
	report(w == min2 && uvm_km_alloc(s2, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_NOWAIT) == 0, "a full submap says no");
	uvm_km_free(s2, w, 0x10000, UVM_KMF_WIRED);
	for (int i = 0; i < 16; i++)
		uvm_km_free(s1, va[i], PAGE_SIZE * (1 + i % 3),
		    i % 2 ? UVM_KMF_WIRED : UVM_KMF_PAGEABLE);
	char why[256] = "sane";	/* the sanity checks write it on failure */
	report(uvm_map_sanity(s1, why, sizeof(why)) == 0 &&
	    uvm_map_sanity(s2, why, sizeof(why)) == 0 && s1->nentries == 0,
	    "submaps sane and empty (%s)", why);
	report(uvm->exp.free == uvm->exp.npages, "no page leaked");
	report_sane(h, "at the end");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- waits and locks -------------------------------------------------- */

struct va_waiter { struct vm_map *map; vaddr_t va; vsize_t size; int n; };

static void
free_on_va_wait(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	struct va_waiter *w = arg;
	(void)uvm; (void)wmesg;
	if (why != UVM_WAIT_VA || what != w->map || w->va == 0)
		pmodel_wouldblockf("nothing to free");
	uvm_km_free(w->map, w->va, w->size, UVM_KMF_VAONLY);
	w->va = 0;
	w->n++;
}

static void
test_waits_and_locks(void)
{
	report_prefix_push("waits");
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	vaddr_t min = 0, max;
	struct vm_map *s = uvm_km_suballoc(uvm->kernel_map, &min, &max,
	    4 * PAGE_SIZE, 0, false, NULL);
	vaddr_t a = uvm_km_alloc(s, 4 * PAGE_SIZE, 0, UVM_KMF_VAONLY);
	struct va_waiter w = { s, a, 4 * PAGE_SIZE, 0 };

	report(uvm_km_alloc(s, PAGE_SIZE, 0, UVM_KMF_VAONLY) == 0,
	    "full map without WAITVA fails");
	pmodel_host_set_wait(h, free_on_va_wait, &w);
	vaddr_t b = uvm_km_alloc(s, PAGE_SIZE, 0, UVM_KMF_VAONLY |
	    UVM_KMF_WAITVA);
	report(w.n == 1 && b == min, "WAITVA sleeps until VA is freed");

	report(pmodel_hold_lock(&s->lock), "another CPU takes the lock");
	report(uvm_km_alloc(s, PAGE_SIZE, 0, UVM_KMF_VAONLY |
	    UVM_KMF_TRYLOCK) == 0, "TRYLOCK fails while it is held");
	pmodel_release_lock(&s->lock);
	vaddr_t c = uvm_km_alloc(s, PAGE_SIZE, 0, UVM_KMF_VAONLY |
	    UVM_KMF_TRYLOCK);
	report(c != 0, "and succeeds once it is released");
	uvm_km_free(s, b, PAGE_SIZE, UVM_KMF_VAONLY);
	uvm_km_free(s, c, PAGE_SIZE, UVM_KMF_VAONLY);
	report_sane(h, "at the end");
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- misuse is caught --------------------------------------------------- */

struct misuse { struct uvm *uvm; vaddr_t va; vsize_t size; uvm_flag_t f; };

static void
do_free(void *arg)
{
	struct misuse *m = arg;
	uvm_km_free(m->uvm->kernel_map, m->va, m->size, m->f);
}

static void
do_check_empty(void *arg)
{
	struct misuse *m = arg;
	uvm_km_check_empty(m->uvm->kernel_map, m->va, m->va + m->size);
}

static void
do_free_poolpage_cache(void *arg)
{
	struct misuse *m = arg;
	uvm_km_free_poolpage_cache(m->uvm->kernel_map, m->va);
}

static void
test_misuse(void)
{
	report_prefix_push("misuse");
	static const struct {
		const char *what; int dva; vsize_t size; uvm_flag_t f;
		const char *needle;
	} cases[] = {
		{ "wrong size", 0, 3 * PAGE_SIZE, UVM_KMF_WIRED, "not one allocation" },
		{ "inside", 1, PAGE_SIZE, UVM_KMF_WIRED, "not one allocation" },
		{ "misaligned", -1, 2 * PAGE_SIZE, UVM_KMF_WIRED, "not page aligned" },
		{ "wrong type pageable", 0, 2 * PAGE_SIZE, UVM_KMF_PAGEABLE, "wrong type" },
		{ "wrong type vaonly", 0, 2 * PAGE_SIZE, UVM_KMF_VAONLY, "wrong type" },
		{ "bad flags", 0, 2 * PAGE_SIZE, 0, "bad type" },
	};
	char msg[600], hex[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
		struct uvm *uvm = pmodel_host_uvm(h);
		vaddr_t va = uvm_km_alloc(uvm->kernel_map, 2 * PAGE_SIZE, 0,
		    UVM_KMF_WIRED);
		struct misuse m = { uvm, cases[i].dva < 0 ? va + 8 :
		    va + (vaddr_t)cases[i].dva * PAGE_SIZE, cases[i].size,
		    cases[i].f };
		snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)m.va);
		report(expect_panic(do_free, &m, cases[i].needle, hex, msg,
		    sizeof(msg)) && strstr(msg, "uvm_km_free") != NULL,
		    "%s caught: %s", cases[i].what, msg);
		pmodel_host_destroy(h);
	}
	/* Double free. */
	struct pmodel_host *h = mkhost(false, 1024, BOOT_SIZE);
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	vaddr_t va = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
	uvm_km_free(uvm->kernel_map, va, PAGE_SIZE, UVM_KMF_WIRED);
	struct misuse m = { uvm, va, PAGE_SIZE, UVM_KMF_WIRED };
	snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)va);
	report(expect_panic(do_free, &m, "double free", hex, msg, sizeof(msg)),
	    "double free caught: %s", msg);
	pmodel_host_destroy(h);

	/* check_empty sees a leftover mapping and a leftover object page. */
	h = mkhost(false, 1024, BOOT_SIZE);
	uvm = pmodel_host_uvm(h);
	pm = pmodel_host_pmap(h);
	va = uvm_km_alloc(uvm->kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_VAONLY);
	m = (struct misuse){ uvm, va, 2 * PAGE_SIZE, 0 };
	struct pmodel_catch c;
	report(pmodel_catch_call(&c, do_check_empty, &m) == 0,
	    "check_empty passes on an empty range");
	struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	pmap_kenter_pa(pm, va + PAGE_SIZE, pg->phys_addr, VM_PROT_READ, 0);
	snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)(va + PAGE_SIZE));
	report(expect_panic(do_check_empty, &m, "check_empty", hex, msg,
	    sizeof(msg)), "check_empty catches a leftover mapping: %s", msg);
	pmodel_host_destroy(h);

	h = mkhost(false, 1024, BOOT_SIZE);
	uvm = pmodel_host_uvm(h);
	/* the page is the range's second: the walk must look past start */
	va = uvm_km_alloc(uvm->kernel_map, 2 * PAGE_SIZE, 0, UVM_KMF_PAGEABLE);
	uvm_fault(uvm->kernel_map, va + PAGE_SIZE, VM_PROT_READ, false);
	pmap_remove(pmodel_host_pmap(h), va + PAGE_SIZE, va + 2 * PAGE_SIZE);
	pmap_update(pmodel_host_pmap(h));
	m = (struct misuse){ uvm, va, 2 * PAGE_SIZE, 0 };
	snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)(va + PAGE_SIZE));
	report(expect_panic(do_check_empty, &m, "kernel object", hex, msg,
	    sizeof(msg)), "check_empty catches a leftover object page: %s",
	    msg);
	pmodel_host_destroy(h);

	/* Pool-page cache: freeing twice. */
	h = mkhost(false, 1024, BOOT_SIZE);
	uvm = pmodel_host_uvm(h);
	va = uvm_km_alloc_poolpage_cache(uvm->kernel_map, true);
	uvm_km_free_poolpage_cache(uvm->kernel_map, va);
	m = (struct misuse){ uvm, va, PAGE_SIZE, 0 };
	report(expect_panic(do_free_poolpage_cache, &m, "double free", NULL,
	    msg, sizeof(msg)), "pool page double free caught: %s", msg);
	pmodel_host_destroy(h);
	report_prefix_pop();
}

/* ---- instances -------------------------------------------------------- */

static void
test_instances(void)
{
	report_prefix_push("instances");
	struct pmodel_host *a = mkhost(false, 512, BOOT_SIZE);
	struct pmodel_host *b = mkhost(true, 256, BOOT_SIZE);
	struct uvm *ua = pmodel_host_uvm(a), *ub = pmodel_host_uvm(b);

	vaddr_t va = uvm_km_alloc(ua->kernel_map, 8 * PAGE_SIZE, 0,
	    UVM_KMF_WIRED);
	vaddr_t vb = uvm_km_alloc(ub->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
	report(va == vb && ua->exp.wired == 8 && ub->exp.wired == 1,
	    "two instances allocate independently at the same KVA");
	report(pmap_extract(pmodel_host_pmap(a), va + 7 * PAGE_SIZE, NULL) &&
	    !pmap_extract(pmodel_host_pmap(b), vb + 7 * PAGE_SIZE, NULL),
	    "each has its own page tables");
	uvm_km_free(ub->kernel_map, vb, PAGE_SIZE, UVM_KMF_WIRED);
	report(ua->exp.wired == 8, "freeing in one leaves the other alone");
	report(pmodel_host_reset(a) == 0 &&
	    pmodel_host_uvm(a)->exp.free == pmodel_host_uvm(a)->exp.npages &&
	    !pmap_extract(pmodel_host_pmap(a), va, NULL),
	    "reset gives a fresh kernel");
	report_sane(a, "after reset");
	pmodel_host_destroy(a);
	pmodel_host_destroy(b);
	report_prefix_pop();
}

int
main(void)
{
	test_worked_example();
	test_types();
	test_zero_exec();
	test_nowait_unwind();
	test_pgremove();
	test_poolpages();
	test_suballoc();
	test_vacache_on_submap();
	test_waits_and_locks();
	test_misuse();
	test_instances();
	return report_summary();
}
