/*
 * test_host.c: pmodel_host with the real core: create, a wired page
 * through uvm_km_alloc/free seen by the pmap checkers, a caught panic
 * followed by reset, a lock held elsewhere, two hosts side by side, and
 * the cost of reset (what a fuzzer pays per input).
 *
 * Host: defaults (1024 pages after a 35-frame PT pool, kernel map
 * [0xffffffff80000000, +64 MiB), 16 boot pages), two segments.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

static bool
sane(struct pmodel_host *h)
{
	struct pmap *pm = pmodel_host_pmap(h);
	struct uvm *uvm = pmodel_host_uvm(h);
	char why[256];

	if (pmodel_sanity(pm, why, sizeof(why)) == 0 &&
	    pmodel_tlb_check(pm, why, sizeof(why)) == 0 &&
	    pmodel_pending_check(pm, why, sizeof(why)) == 0 &&
	    uvm_page_sanity(uvm, why, sizeof(why)) == 0 &&
	    uvm_map_sanity(uvm->kernel_map, why, sizeof(why)) == 0)
		return true;
	report_info("%s", why);
	return false;
}

struct kmfree { struct uvm *uvm; vaddr_t va; };
static void
do_free(void *a)
{
	struct kmfree *f = a;

	uvm_km_free(f->uvm->kernel_map, f->va, PAGE_SIZE, UVM_KMF_WIRED);
}
static void
do_alloc(void *a)
{
	struct kmfree *f = a;

	f->va = uvm_km_alloc(f->uvm->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
}

static void
test_wired_page(struct pmodel_host *h)
{
	struct uvm *uvm = pmodel_host_uvm(h);
	struct pmap *pm = pmodel_host_pmap(h);
	struct pmodel_stats st0, st;
	unsigned char buf[64], back[64];
	paddr_t pa = 0;
	vaddr_t va;

	pmodel_get_stats(pm, &st0);
	report(sane(h) && st0.frames_alloc == 0 && st0.frames_free == 1024,
	    "fresh host: sane, 1024 free frames");
	va = uvm_km_alloc(uvm->kernel_map, PAGE_SIZE, 0,
	    UVM_KMF_WIRED | UVM_KMF_ZERO);
	report(va >= PMODEL_DEF_KVA_MIN + PMODEL_DEF_KVA_BOOT &&
	    pmap_extract(pm, va, &pa) && pmodel_frame_is_managed(pm, pa) &&
	    !pmodel_frame_is_free(pm, pa), "wired page at %#llx -> pa %#llx",
	    (unsigned long long)va, (unsigned long long)pa);
	report(pmodel_read(pm, va, back, sizeof(back)) == PMODEL_OK &&
	    back[0] == 0 && back[63] == 0, "UVM_KMF_ZERO page reads zero");
	memset(buf, 0x5a, sizeof(buf));
	report(pmodel_write(pm, va + PAGE_SIZE - 32, buf, sizeof(buf)) ==
	    PMODEL_FAULT_NOTPRESENT && pmodel_write(pm, va, buf, sizeof(buf))
	    == PMODEL_OK && pmodel_access(pm, va, false, true, NULL) ==
	    PMODEL_FAULT_EXEC, "writable, NX, ends at the page end");
	report(sane(h), "after alloc: pmap, TLB, pages, map sane");
	uvm_km_free(uvm->kernel_map, va, PAGE_SIZE, UVM_KMF_WIRED);
	pmodel_get_stats(pm, &st);
	report(!pmap_extract(pm, va, NULL) && pmodel_frame_is_free(pm, pa) &&
	    pmodel_access(pm, va, false, false, NULL) ==
	    PMODEL_FAULT_NOTPRESENT && st.frames_alloc == 0,
	    "after free: unmapped, frame free, no stale TLB use");
	report(sane(h) && st.pt_inuse == 1, "after free: sane, PT pages back "
	    "to the root (%u)", st.pt_inuse);
}

static void
test_panic_then_reset(struct pmodel_host *h)
{
	struct pmodel_catch c;
	struct kmfree f = { pmodel_host_uvm(h), 0 };
	int kind;

	f.va = uvm_km_alloc(f.uvm->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
	do_free(&f);
	kind = pmodel_catch_call(&c, do_free, &f);
	report(kind == PMODEL_CAUGHT_PANIC, "double uvm_km_free panics: %s",
	    c.cc_msg);
	report(pmodel_host_reset(h) == 0 && sane(h), "reset after a panic");

	f.uvm = pmodel_host_uvm(h);
	report(pmodel_hold_lock(&f.uvm->kernel_map->lock), "hold kernel_map");
	kind = pmodel_catch_call(&c, do_alloc, &f);
	report(kind == PMODEL_CAUGHT_WOULDBLOCK, "alloc while held elsewhere: "
	    "%s", c.cc_msg);
	report(uvm_km_alloc(f.uvm->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED |
	    UVM_KMF_TRYLOCK | UVM_KMF_NOWAIT) == 0, "TRYLOCK alloc fails");
	pmodel_release_lock(&f.uvm->kernel_map->lock);
	report(pmodel_host_reset(h) == 0 && sane(h), "reset after would-block");
}

static void
test_two_hosts(struct pmodel_host *h)
{
	struct pmodel_params p = { .npages = 64, .ncolors = 2,
	    .poolpage_direct_map = true };
	struct pmodel_host *h2 = pmodel_host_create(&p);
	struct uvm *u1 = pmodel_host_uvm(h), *u2;
	vaddr_t v1, v2;
	paddr_t p1, p2;

	if (!report(h2 != NULL, "second host"))
		return;
	u2 = pmodel_host_uvm(h2);
	v1 = uvm_km_alloc(u1->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
	v2 = uvm_km_alloc(u2->kernel_map, PAGE_SIZE, 0, UVM_KMF_WIRED);
	report(v1 == v2 && pmap_extract(pmodel_host_pmap(h), v1, &p1) &&
	    pmap_extract(pmodel_host_pmap(h2), v2, &p2) &&
	    pmodel_phys(pmodel_host_pmap(h), p1) !=
	    pmodel_phys(pmodel_host_pmap(h2), p2),
	    "same VA in two hosts, different arenas");
	pmodel_write(pmodel_host_pmap(h), v1, "one", 4);
	pmodel_write(pmodel_host_pmap(h2), v2, "two", 4);
	char b[4];
	report(pmodel_read(pmodel_host_pmap(h), v1, b, 4) == 0 &&
	    strcmp(b, "one") == 0, "host 1 keeps its bytes");
	uvm_km_free(u1->kernel_map, v1, PAGE_SIZE, UVM_KMF_WIRED);
	uvm_km_free(u2->kernel_map, v2, PAGE_SIZE, UVM_KMF_WIRED);
	report(sane(h) && sane(h2), "both sane");
	pmodel_host_destroy(h2);
}

static void
test_reset_cost(struct pmodel_host *h)
{
	struct timespec t0, t1;
	const int n = 2000;
	double us;
	bool ok = true;

	timespec_get(&t0, TIME_UTC);
	for (int i = 0; i < n && ok; i++) {
		struct uvm *uvm = pmodel_host_uvm(h);
		vaddr_t va = uvm_km_alloc(uvm->kernel_map, 4 * PAGE_SIZE, 0,
		    UVM_KMF_WIRED);

		ok = va != 0 && pmodel_write(pmodel_host_pmap(h), va, &i,
		    sizeof(i)) == 0 && pmodel_host_reset(h) == 0;
	}
	timespec_get(&t1, TIME_UTC);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	    (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
	report(ok && sane(h), "%d x (alloc 4 pages, write, reset): %.1f us "
	    "each", n, us);
}

int
main(void)
{
	struct pmodel_params p = { .nseg = 2, .ncolors = 4 };
	struct pmodel_host *h = pmodel_host_create(&p);

	if (!report(h != NULL, "host with defaults, two segments"))
		return report_summary();
	test_wired_page(h);
	test_panic_then_reset(h);
	test_two_hosts(h);
	test_reset_cost(h);
	pmodel_host_destroy(h);
	return report_summary();
}
