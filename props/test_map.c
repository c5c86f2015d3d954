/*
 * test_map.c: unit tests for core/uvm_map.c and core/uvm_map_sanity.c,
 * linked against them and map_stubs.c only.
 *
 *	(meson: props/test_map; with map_fixture.c, test_map_random.c,
 *	map_stubs.c and core/uvm_subr.c)
 *
 * Layouts in the narratives are in pages relative to the map base B:
 * "0-3 5-6" means entries [B, B+3p) and [B+5p, B+6p).  Every test ends
 * with uvm_map_sanity() and the entry pool's in-use count.
 * One TAP line per check (report.h), a summary, exit 1 on any failure.
 */
#include <stdlib.h>

#include "map_fixture.h"

/* ------------------------------------------------------------------ */

static void
test_first_fit(void)
{
	report_info("first fit returns the lowest address");
	setup(B, B + 64 * P, 128);
	for (int i = 0; i < 64; i++)
		fixed(K, i, 1, UVM_FLAG_NOMERGE);
	CHECK(K->nentries == 64 && uvm_map_largest_gap(K) == 0);
	/*
	 * holes: 1 page at 10, 3 at 20-22, 2 at 40-41, 1 at 0
	 *	|.|x...x|.|x..x|...|x...x|..|x...|
	 *	 0       10     20-22     40-41
	 */
	unmap_pages(K, 10, 11, 0);
	unmap_pages(K, 20, 23, 0);
	unmap_pages(K, 40, 42, 0);
	unmap_pages(K, 0, 1, 0);
	CHECK(sane(K) && uvm_map_largest_gap(K) == 3 * P);
	CHECK(fit(K, 0, 4, 0, UVM_FLAG_NOMERGE) == -1);	/* nothing holds 4 */
	CHECK(fit(K, 0, 2, 0, UVM_FLAG_NOMERGE) == 20);	/* 0,10 too small */
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == 0);	/* before first */
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == 10);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == 22);
	CHECK(fit(K, 0, 2, 0, UVM_FLAG_NOMERGE) == 40);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == -1);	/* full again */
	CHECK(sane(K) && K->size == 64 * P && K->nentries == 62 &&
	    stub_pool_inuse() == 62);

	/* The run at the top of the map and the one in front of the first. */
	setup(B, B + 16 * P, 16);
	CHECK(fit(K, 0, 16, 0, 0) == 0);	/* the whole map */
	unmap_pages(K, 0, 16, 0);
	CHECK(K->nentries == 0 && uvm_map_largest_gap(K) == 16 * P);
	CHECK(fit(K, 0, 17, 0, 0) == -1);
	fixed(K, 5, 3, UVM_FLAG_NOMERGE);	/* "5-8" */
	CHECK(fit(K, 0, 6, 0, UVM_FLAG_NOMERGE) == 8);	/* 0-5 too small */
	CHECK(fit(K, 0, 5, 0, UVM_FLAG_NOMERGE) == 0);
	CHECK(layout_is(K, "0-5 5-8 8-14") && sane(K));
}

static void
test_alignment(void)
{
	const vsize_t A = 4 * P;	/* alignment under test */
	static const struct { vaddr_t used; long want; } probe[] = {
		{ 3, 4 },	/* run starts at x-1: round up to x */
		{ 4, 4 },	/* at x: x itself */
		{ 5, 8 },	/* at x+1: next boundary */
	};

	report_info("alignment: runs starting at x-1, x, x+1");
	for (size_t i = 0; i < 3; i++) {
		setup(B, B + 64 * P, 8);
		fixed(K, 0, probe[i].used, UVM_FLAG_NOMERGE);
		CHECK(fit(K, 0, 1, A, UVM_FLAG_NOMERGE) == probe[i].want);
		CHECK(sane(K));
	}
	report_info("alignment: hints at x-1, x, x+1");
	for (vaddr_t h = 3; h <= 5; h++) {
		setup(B, B + 64 * P, 8);
		CHECK(fit(K, h, 1, A, 0) == (h <= 4 ? 4 : 8));
	}
	/* A hint that is not page aligned rounds up to the next page. */
	setup(B, B + 64 * P, 8);
	{
		vaddr_t va = B + 2 * P + 1;

		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, 0)) == 0 && va == B + 3 * P);
	}

	report_info("alignment skips a run that fits only unaligned");
	/* "0-3 5-6": run 3-5 is 2 pages, but aligned to 4 it is 4-5 */
	setup(B, B + 64 * P, 8);
	fixed(K, 0, 3, UVM_FLAG_NOMERGE);
	fixed(K, 5, 1, UVM_FLAG_NOMERGE);
	CHECK(fit(K, 0, 2, A, UVM_FLAG_NOMERGE) == 8);
	CHECK(fit(K, 0, 2, 0, UVM_FLAG_NOMERGE) == 3);
	CHECK(fit(K, 0, 1, 32 * P, UVM_FLAG_NOMERGE) == 32);
	CHECK(fit(K, 0, 1, 64 * P, UVM_FLAG_NOMERGE) == -1);
	CHECK(sane(K));

	report_info("aligned search past many runs that fit only unaligned");
	/*
	 * 200 periods "U . . U": every free run is 2 pages, big enough for
	 * one page but never holding a 4-page boundary.  The first aligned
	 * page is 800, past more runs than the exact walk will visit; the
	 * search must still find it (through the always-fits bound).
	 */
	setup(B, B + 1024 * P, 512);
	for (vaddr_t k = 0; k < 200; k++) {
		fixed(K, 4 * k, 1, UVM_FLAG_NOMERGE);
		fixed(K, 4 * k + 3, 1, UVM_FLAG_NOMERGE);
	}
	CHECK(fit(K, 0, 1, A, UVM_FLAG_NOMERGE) == 800);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == 1);	/* unaligned: first */
	CHECK(sane(K));

	report_info("invalid sizes and alignments");
	CHECK(fit(K, 0, 0, 0, 0) == -1);
	{
		vaddr_t va = B;
		vm_prot_t rwx = UVM_PROT_ALL;

		CHECK(uvm_map(K, &va, P + 1, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, 0)) == EINVAL);
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 3 * P,
		    mf(PROT_RW, 0)) == EINVAL);
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    UVM_MAPFLAG(rwx, PROT_RW, UVM_INH_NONE,
		    UVM_ADV_RANDOM, 0)) == EINVAL);
	}
	CHECK(sane(K) && K->nentries == 402);
	/* Below a page, alignment is page alignment (NetBSD): 8 and P / 2. */
	for (vsize_t a = 8; a < P; a *= 64) {
		vaddr_t va = B, want = B;
		CHECK(uvm_map(K, &want, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, 0)) == 0);
		uvm_unmap(K, want, want + P);
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, a,
		    mf(PROT_RW, 0)) == 0 && va == want && (va & (P - 1)) == 0);
		uvm_unmap(K, va, va + P);
	}
	CHECK(sane(K) && K->nentries == 402);
}

static void
test_fixed(void)
{
	report_info("FIXED: exact, overlap, outside, misaligned");
	setup(B, B + 32 * P, 16);
	CHECK(fixed(K, 4, 4, UVM_FLAG_NOMERGE) == 0);	/* "4-8" */
	CHECK(fixed(K, 12, 4, UVM_FLAG_NOMERGE) == 0);	/* "4-8 12-16" */
	CHECK(fixed(K, 8, 4, UVM_FLAG_NOMERGE) == 0);	/* fills 8-12 */
	CHECK(fixed(K, 3, 2, UVM_FLAG_NOMERGE) == ENOMEM);	/* tail in */
	CHECK(fixed(K, 7, 1, UVM_FLAG_NOMERGE) == ENOMEM);	/* inside */
	CHECK(fixed(K, 15, 2, UVM_FLAG_NOMERGE) == ENOMEM);	/* head in */
	CHECK(fixed(K, 0, 20, UVM_FLAG_NOMERGE) == ENOMEM);	/* covers */
	CHECK(fixed(K, 30, 3, UVM_FLAG_NOMERGE) == ENOMEM);	/* past max */
	CHECK(fixed(K, 32, 1, UVM_FLAG_NOMERGE) == ENOMEM);	/* at max */
	CHECK(fixed(K, 3, 1, UVM_FLAG_NOMERGE) == 0);	/* x-1 fits */
	CHECK(fixed(K, 16, 1, UVM_FLAG_NOMERGE) == 0);	/* x+1 fits */
	{
		vaddr_t va = B - P;

		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, UVM_FLAG_FIXED)) == ENOMEM);	/* below */
		va = B + 20 * P + 1;
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, UVM_FLAG_FIXED)) == EINVAL);
		va = B + 20 * P;
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 8 * P,
		    mf(PROT_RW, UVM_FLAG_FIXED)) == EINVAL);
		va = B + 24 * P;
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 8 * P,
		    mf(PROT_RW, UVM_FLAG_FIXED)) == 0 && va == B + 24 * P);
	}
	CHECK(layout_is(K, "3-4 4-8 8-12 12-16 16-17 24-25") && sane(K));
}

static void
test_hint(void)
{
	struct vm_map_entry *e;

	report_info("search hint and lookup hint");
	setup(B, B + 32 * P, 16);
	CHECK(fit(K, 10, 2, 0, UVM_FLAG_NOMERGE) == 10);
	CHECK(fit(K, 10, 2, 0, UVM_FLAG_NOMERGE) == 12);
	CHECK(fit(K, 9, 2, 0, UVM_FLAG_NOMERGE) == 14);	/* 9 alone is 1 */
	CHECK(fit(K, 9, 1, 0, UVM_FLAG_NOMERGE) == 9);
	CHECK(fit(K, 30, 2, 0, UVM_FLAG_NOMERGE) == 30);
	CHECK(fit(K, 31, 2, 0, UVM_FLAG_NOMERGE) == -1);	/* past max */
	CHECK(fit(K, 32, 1, 0, UVM_FLAG_NOMERGE) == -1);
	{
		vaddr_t va = 0;		/* below the map: means min */

		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, UVM_FLAG_NOMERGE)) == 0 && va == B);
		va = ~(vaddr_t)0;	/* the last byte of VA */
		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, UVM_FLAG_NOMERGE)) == ENOMEM);
	}
	CHECK(layout_is(K, "0-1 9-10 10-12 12-14 14-16 30-32") && sane(K));

	mutex_enter(&K->lock);
	CHECK(uvm_map_lookup_entry(K, B + 11 * P, &e) &&
	    e->start == B + 10 * P && K->hint == e);
	/* the hint answers "in the gap after me" as well */
	CHECK(!uvm_map_lookup_entry(K, B + 20 * P, &e) &&
	    e->start == B + 14 * P && K->hint == e);
	CHECK(!uvm_map_lookup_entry(K, B + 5 * P, &e) && e->start == B);
	CHECK(uvm_map_lookup_entry(K, B + 31 * P, &e) && e == K->last);
	mutex_exit(&K->lock);
	CHECK(sane(K));
	EXPECT_PANIC(uvm_map_lookup_entry(K, B, &e), "uvm_map_lookup_entry",
	    "not locked");
	CHECK(uvm_map_checkrange(K, B + 10 * P, B + 16 * P));
	CHECK(!uvm_map_checkrange(K, B + 10 * P, B + 17 * P));
	CHECK(!uvm_map_checkrange(K, B + 8 * P, B + 10 * P));
	CHECK(uvm_map_checkrange(K, B + 31 * P, B + 32 * P));
}

static void
test_merge(void)
{
	struct uvm_object *ko;
	vaddr_t va;

	report_info("merge with neighbours, and what forbids it");
	setup(B, B + 64 * P, 16);
	ko = U.kernel_object;
	CHECK(fit(K, 0, 2, 0, 0) == 0);
	CHECK(fit(K, 0, 2, 0, 0) == 2);		/* grows 0-2 backward merge */
	CHECK(layout_is(K, "0-4") && K->nentries == 1);
	CHECK(fixed(K, 6, 2, 0) == 0);		/* "0-4 6-8" */
	CHECK(fixed(K, 4, 2, 0) == 0);		/* bridges both */
	CHECK(layout_is(K, "0-8") && stub_pool_inuse() == 1 && sane(K));
	CHECK(fixed(K, 10, 2, 0) == 0 && fixed(K, 9, 1, 0) == 0); /* forward */
	CHECK(layout_is(K, "0-8 9-12") && K->size == 11 * P && sane(K));

	/* QUANTUM and NOMERGE on either side keep entries apart. */
	CHECK(fixed(K, 12, 1, UVM_FLAG_QUANTUM) == 0);
	CHECK(fixed(K, 13, 1, 0) == 0);
	CHECK(fixed(K, 14, 1, UVM_FLAG_NOMERGE) == 0);
	CHECK(fixed(K, 15, 1, 0) == 0);
	CHECK(layout_is(K, "0-8 9-12 12-13 13-14 14-15 15-16") && sane(K));

	/* Different protection, object or offset: no merge. */
	va = B + 16 * P;
	CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	va = B + 17 * P;
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	CHECK(K->last->offset == 17 * P);	/* va - vm_map_min(kernel) */
	va = B + 18 * P;			/* offsets line up: merges */
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	/*
	 * The kernel object is indexed by address: an explicit offset
	 * other than va - vm_map_min(kernel_map) is refused (pageout would
	 * unmap the wrong VA), the one the address implies is accepted.
	 */
	va = B + 19 * P;
	EXPECT_PANIC(uvm_map(K, &va, P, ko, 0x40000, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)), "uvm_map", "offset rule");
	CHECK(sane(K) && K->last->end == B + 19 * P);
	va = B + 19 * P;			/* explicit and right: merges */
	CHECK(uvm_map(K, &va, P, ko, 19 * P, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	va = B + 21 * P;			/* not adjacent: new entry */
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	va = B + 20 * P;			/* bridges 17-20 and 21 */
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	va = B + 25 * P;
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	va = B + 24 * P;			/* forward merge only */
	CHECK(uvm_map(K, &va, P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(VM_PROT_READ, UVM_FLAG_FIXED)) == 0);
	CHECK(layout_is(K, "0-8 9-12 12-13 13-14 14-15 15-16 16-17 17-22 "
	    "24-26"));
	CHECK(K->last->offset == 24 * P && K->last->prev->offset == 17 * P);
	CHECK(sane(K) && stub_pool_inuse() == K->nentries);
}

static void
test_clip(void)
{
	struct uvm_object *ko;
	vaddr_t va = B;

	report_info("unmap clips a non-quantum entry: middle, head, tail");
	setup(B, B + 64 * P, 16);
	ko = U.kernel_object;
	CHECK(uvm_map(K, &va, 8 * P, ko, UVM_UNKNOWN_OFFSET, 0,
	    mf(PROT_RW, 0)) == 0);
	stub_log_clear();
	unmap_pages(K, 2, 4, 0);		/* middle: "0-2 4-8" */
	CHECK(layout_is(K, "0-2 4-8") && K->last->offset == 4 * P);
	CHECK(strcmp(stub_log, "pmap_remove 0xffff800000002000 "
	    "0xffff800000004000\npgremove 0xffff800000002000 "
	    "0xffff800000004000\n") == 0 && stub_nupdate == 1);
	unmap_pages(K, 0, 1, 0);		/* head of 0-2 */
	unmap_pages(K, 7, 8, 0);		/* tail of 4-8 */
	CHECK(layout_is(K, "1-2 4-7") && K->first->offset == P);
	CHECK(sane(K) && K->size == 4 * P && stub_pool_inuse() == 2);

	report_info("unmap releases wired pages; VAONLY does not");
	setup(B, B + 64 * P, 16);
	CHECK(fit(K, 0, 6, 0, 0) == 0);
	stub_log_clear();
	unmap_pages(K, 1, 3, 0);
	CHECK(strcmp(stub_log, "pgremove_intrsafe 0xffff800000001000 "
	    "0xffff800000003000\npmap_kremove 0xffff800000001000 "
	    "0x2000\n") == 0);
	stub_log_clear();
	unmap_pages(K, 3, 6, UVM_FLAG_VAONLY);
	CHECK(stub_log[0] == '\0' && stub_nupdate == 1);
	CHECK(layout_is(K, "0-1") && sane(K));

	report_info("clipping a quantum entry is a caller bug");
	setup(B, B + 64 * P, 16);
	CHECK(fit(K, 0, 4, 0, UVM_FLAG_QUANTUM) == 0);
	CHECK(fit(K, 0, 4, 0, 0) == 4);
	EXPECT_PANIC(unmap_pages(K, 1, 2, 0), "uvm_unmap", "quantum",
	    "0xffff800000001000", "[0xffff800000000000,0xffff800000004000)");
	mutex_init(&K->lock);		/* the panic left it held */
	EXPECT_PANIC(unmap_pages(K, 2, 6, 0), "uvm_unmap", "quantum",
	    "0xffff800000002000");
	mutex_init(&K->lock);
	EXPECT_PANIC(unmap_pages(K, 0, 2, 0), "uvm_unmap", "quantum",
	    "0xffff800000002000", "[0xffff800000000000,0xffff800000004000)");
	mutex_init(&K->lock);
	CHECK(layout_is(K, "0-4 4-8") && sane(K));	/* nothing changed */
	unmap_pages(K, 0, 6, 0);	/* whole quantum plus a clip */
	CHECK(layout_is(K, "6-8") && sane(K));
	EXPECT_PANIC(unmap_pages(K, 6, 70, 0), "uvm_unmap", "bad range");
	mutex_init(&K->lock);

	report_info("unmapping across holes");
	setup(B, B + 64 * P, 16);
	fixed(K, 0, 2, UVM_FLAG_NOMERGE);
	fixed(K, 4, 2, UVM_FLAG_NOMERGE);
	fixed(K, 8, 2, UVM_FLAG_NOMERGE);
	stub_log_clear();
	unmap_pages(K, 1, 9, 0);
	CHECK(layout_is(K, "0-1 9-10") && stub_pages_intrsafe == 4 &&
	    stub_pages_kremove == 4);
	unmap_pages(K, 20, 30, 0);		/* only a hole */
	CHECK(layout_is(K, "0-1 9-10") && stub_nupdate == 2);
	unmap_pages(K, 0, 64, 0);
	CHECK(K->nentries == 0 && K->first == NULL && K->root == NULL &&
	    K->hint == NULL && stub_pool_inuse() == 0 &&
	    stub_nodes_inuse() == 0 && sane(K));

	report_info("clipping with no entry left panics");
	setup(B, B + 64 * P, 1);
	CHECK(fit(K, 0, 4, 0, 0) == 0);
	EXPECT_PANIC(unmap_pages(K, 1, 2, 0), "uvm_unmap", "no map entry");
}

static void
test_submap(void)
{
	struct vm_map_kernel sub, sub2;
	vaddr_t va = B + 8 * P;

	report_info("submaps");
	setup(B, B + 64 * P, 16);
	CHECK(uvm_map(K, &va, 8 * P, NULL, UVM_UNKNOWN_OFFSET, 0,
	    mf(UVM_PROT_ALL, UVM_FLAG_NOMERGE | UVM_FLAG_FIXED)) == 0);
	CHECK(fixed(K, 16, 4, 0) == 0 && fixed(K, 20, 4, 0) == 0);
	CHECK(layout_is(K, "8-16 16-24"));
	uvm_map_setup_kernel(&sub, &U, B + 8 * P, B + 16 * P, 0);
	uvm_map_setup_kernel(&sub2, &U, B + 16 * P, B + 20 * P, 0);
	CHECK(uvm_map_submap(K, B + 16 * P, B + 20 * P, &sub2.vmk_map) ==
	    EINVAL);			/* 16-20 is half of an entry */
	CHECK(uvm_map_submap(K, B + 8 * P, B + 16 * P, &sub2.vmk_map) ==
	    EINVAL);			/* submap covers another range */
	CHECK(uvm_map_submap(K, B, B + 8 * P, &sub.vmk_map) == EINVAL);
	CHECK(uvm_map_submap(K, B + 8 * P, B + 16 * P, &sub.vmk_map) == 0);
	CHECK(sub.vmk_map.parent == K && K->first->object.sub_map ==
	    &sub.vmk_map && (K->first->flags & UVM_MAP_SUBMAP));
	CHECK(uvm_map_submap(K, B + 8 * P, B + 16 * P, &sub.vmk_map) ==
	    EINVAL);			/* already a submap */
	va = B + 30 * P;
	CHECK(uvm_map(K, &va, 2 * P, U.kernel_object, UVM_UNKNOWN_OFFSET, 0,
	    mf(PROT_RW, UVM_FLAG_FIXED)) == 0);
	uvm_map_setup_kernel(&sub2, &U, B + 30 * P, B + 32 * P, 0);
	CHECK(uvm_map_submap(K, B + 30 * P, B + 32 * P, &sub2.vmk_map) ==
	    EINVAL);			/* has an object */
	/* the submap entry never absorbs a neighbour */
	CHECK(fixed(K, 7, 1, 0) == 0 && layout_is(K, "7-8 8-16 16-24 30-32"));
	CHECK(sane(K));
	/* a submap in the submap */
	CHECK(fit(&sub.vmk_map, 0, 2, 0, 0) == 0 && sane(&sub.vmk_map));
	EXPECT_PANIC(unmap_pages(K, 6, 9, 0), "uvm_unmap", "submap");
	mutex_init(&K->lock);
	/* a broken submap link is caught by the checker */
	sub.vmk_map.max_offset += P;
	expect_insane("submap range off by a page", "submap entry");
	sub.vmk_map.max_offset -= P;
	CHECK(sane(K));
}

static void
wait_unmaps_one(void *arg, enum uvm_wait_reason why, const void *what)
{
	struct vm_map *m = arg;

	CHECK(why == UVM_WAIT_VA && what == m && !mutex_owned(&m->lock));
	unmap_pages(m, 5, 7, 0);
}

static void
test_locking_and_waiting(void)
{
	unsigned int ts;

	report_info("TRYLOCK fails while the lock is held");
	setup(B, B + 16 * P, 32);
	mutex_enter(&K->lock);
	ts = K->timestamp;
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_TRYLOCK) == -1);
	{
		vaddr_t va = B;

		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, UVM_FLAG_TRYLOCK)) == EAGAIN);
	}
	CHECK(K->nentries == 0 && K->timestamp == ts);
	mutex_exit(&K->lock);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_TRYLOCK) == 0);
	CHECK(!mutex_owned(&K->lock));

	report_info("WAITVA waits for VA; NOWAIT or no WAITVA fail at once");
	setup(B, B + 16 * P, 32);
	for (int i = 0; i < 16; i++)
		fixed(K, i, 1, UVM_FLAG_NOMERGE);
	CHECK(fit(K, 0, 2, 0, 0) == -1 && stub_nwait == 0);
	CHECK(fit(K, 0, 2, 0, UVM_FLAG_WAITVA | UVM_FLAG_NOWAIT) == -1 &&
	    stub_nwait == 0);
	stub_wait_fn = wait_unmaps_one;
	stub_wait_arg = K;
	CHECK(fit(K, 0, 2, 0, UVM_FLAG_WAITVA) == 5 && stub_nwait == 1);
	/* nothing can ever satisfy these: fail, do not wait */
	CHECK(fit(K, 0, 17, 0, UVM_FLAG_WAITVA) == -1 && stub_nwait == 1);
	CHECK(fit(K, 15, 2, 0, UVM_FLAG_WAITVA) == -1 && stub_nwait == 1);
	CHECK(sane(K) && !mutex_owned(&K->lock));
}

static void
test_exhaustion(void)
{
	unsigned int ts;
	char before[4096];

	report_info("entry pool exhausted: ENOMEM, map unchanged");
	setup(B, B + 64 * P, 3);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_NOMERGE) == 0);
	CHECK(fit(K, 0, 1, 0, UVM_FLAG_QUANTUM) == 1);
	CHECK(fit(K, 4, 1, 0, 0) == 4);
	ts = K->timestamp;
	snprintf(before, sizeof(before), "%s", layout(K));
	{
		vaddr_t va = B + 10 * P;

		CHECK(uvm_map(K, &va, P, NULL, UVM_UNKNOWN_OFFSET, 0,
		    mf(PROT_RW, 0)) == ENOMEM && va == B + 10 * P);
	}
	CHECK(layout_is(K, before) && K->timestamp == ts &&
	    K->size == 3 * P && sane(K) && stub_pool_inuse() == 3);
	/* Growing a neighbour needs no entry. */
	CHECK(fit(K, 5, 1, 0, 0) == 5 && layout_is(K, "0-1 1-2 4-6"));
}

static void
test_sanity_catches(void)
{
	struct vm_map_entry *e;
	struct vm_map_node *leaf, *leaf2;
	vsize_t saved;
	vaddr_t savedend;

	report_info("the checker catches corruption");
	/*
	 * 20 one-page entries with one-page holes: "0-1 2-3 ... 38-39",
	 * two leaves (8 and 12 slots after the split at 16) under a root.
	 */
	setup(B, B + 64 * P, 32);
	for (int i = 0; i < 20; i++)
		fixed(K, 2 * i, 1, UVM_FLAG_NOMERGE);
	CHECK(sane(K) && !K->root->leaf && K->root->nslots == 2);
	leaf = K->root->slot[0].child;
	leaf2 = K->root->slot[1].child;

	saved = K->root->gap[1];
	K->root->gap[1] += P;
	expect_insane("interior gap too big", "gap 0x");
	K->root->gap[1] = saved;

	e = K->first->next->next;
	savedend = e->end;
	e->end = e->next->start + P;
	expect_insane("entries overlap", "overlaps next at 0xffff800000006000");
	e->end = savedend;

	saved = leaf->gap[2];
	leaf->gap[2] = 0;
	expect_insane("leaf gap wrong", "(0xffff800000004000) gap 0x0, "
	    "should be 0x1000");
	leaf->gap[2] = saved;

	leaf2->key[0] += P;
	expect_insane("leaf key wrong", "key");
	leaf2->key[0] -= P;

	K->root->key[1] -= P;
	expect_insane("interior key wrong", "key");
	K->root->key[1] += P;

	leaf2->parent = leaf;
	expect_insane("parent pointer wrong", "parent");
	leaf2->parent = K->root;

	leaf2->pslot = 0;
	expect_insane("parent slot wrong", "slot 0, it is slot 1");
	leaf2->pslot = 1;

	leaf2->nslots = VM_MAP_NODE_SLOTS + 1;
	expect_insane("slot count too big", "slots in use");
	leaf2->nslots = 12;
	CHECK(sane(K));

	K->nentries++;
	expect_insane("nentries wrong", "nentries");
	K->nentries--;

	K->hint = (struct vm_map_entry *)&saved;
	expect_insane("hint not live", "hint");
	K->hint = NULL;

	e = K->first;
	e->start += P;
	expect_insane("empty entry", "empty");
	e->start -= P;
	CHECK(sane(K));

	/* two neighbours uvm_map would have merged: touching, alike */
	e = K->first;
	savedend = e->end;
	e->flags &= ~UVM_MAP_NOMERGE;
	e->next->flags &= ~UVM_MAP_NOMERGE;
	e->end = e->next->start;
	expect_insane("touching alike entries", "touch and are alike");
	e->end = savedend;
	e->flags |= UVM_MAP_NOMERGE;
	e->next->flags |= UVM_MAP_NOMERGE;
	CHECK(sane(K));

	/* list and tree disagree: two leaf slots swapped */
	e = leaf->slot[0].entry;
	leaf->slot[0].entry = leaf->slot[1].entry;
	leaf->slot[1].entry = e;
	expect_insane("tree out of list order", "the list has");
	leaf->slot[1].entry = leaf->slot[0].entry;
	leaf->slot[0].entry = e;

	/* a leaf deeper than its sibling: an interior node above leaf2 */
	{
		struct vm_map_node mid = { .parent = K->root, .nslots = 1,
		    .pslot = 1, .leaf = false };

		mid.key[0] = leaf2->key[0];
		mid.gap[0] = K->root->gap[1];
		mid.slot[0].child = leaf2;
		K->root->slot[1].child = &mid;
		leaf2->parent = &mid;
		leaf2->pslot = 0;
		expect_insane("leaves at two depths", "depth");
		K->root->slot[1].child = leaf2;
		leaf2->parent = K->root;
		leaf2->pslot = 1;
	}
	CHECK(sane(K));
}

int
main(void)
{
	test_first_fit();
	test_alignment();
	test_fixed();
	test_hint();
	test_merge();
	test_clip();
	test_submap();
	test_locking_and_waiting();
	test_exhaustion();
	test_sanity_catches();
	test_random();
	test_random_deep();
	return report_summary();
}
