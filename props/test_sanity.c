/*
 * test_sanity.c: the core's own checkers (uvm_page_sanity, uao_sanity,
 * pool_sanity) and uvm_create's config check, each shown rejecting state
 * broken on purpose, with a message naming what is wrong.
 *
 * Every case starts from a fresh instance holding a little of
 * everything (wired and pageable pages, a page on swap, a cached pool
 * page, an idle-zeroed free page), checks that all checkers pass, breaks
 * one thing and expects one checker to fail with a keyword.  Example:
 * "free page on the wrong color list" moves a free page's color to the
 * next one; uvm_page_sanity must say "of color".
 */
#include <stdio.h>
#include <string.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

enum which { PAGES, OBJECT, POOL };

struct fixture {
	struct pmodel_host	*h;
	struct uvm		*uvm;
	vaddr_t			wired, pageable, poolpage;
};

static void
setup(struct fixture *fx)
{
	struct pmodel_params p = { .npages = 256, .nseg = 2, .ncolors = 4,
	    .nswap = 32 };

	fx->h = pmodel_host_create(&p);
	fx->uvm = pmodel_host_uvm(fx->h);
	struct vm_map *km = fx->uvm->kernel_map;
	fx->wired = uvm_km_alloc(km, 2 * PAGE_SIZE, 0, UVM_KMF_WIRED);
	fx->pageable = uvm_km_alloc(km, 3 * PAGE_SIZE, 0, UVM_KMF_PAGEABLE);
	for (int i = 0; i < 3; i++)
		uvm_fault(km, fx->pageable + ptoa(i), VM_PROT_WRITE, false);
	uvm_pageout(fx->uvm, 1);		/* page 0 goes to swap */
	fx->poolpage = uvm_km_alloc_poolpage_cache(km, true);
	uvm_pageidlezero(fx->uvm, 4);
}

static int
run(struct fixture *fx, enum which w, char *why, size_t len)
{
	struct uvm *uvm = fx->uvm;
	switch (w) {
	case PAGES:
		return uvm_page_sanity(uvm, why, len);
	case OBJECT:
		return uao_sanity(uvm->kernel_object, why, len);
	default:
		return pool_sanity(&uvm->kernel_map_store.vmk_vacache, why, len);
	}
}

static struct vm_page *
first_free(struct uvm *uvm, int q)
{
	for (unsigned int c = 0; c < uvm->exp.ncolors; c++)
		if (uvm->freelist[c].head[q] != NULL)
			return uvm->freelist[c].head[q];
	return NULL;
}

static struct vm_page *
resident(struct fixture *fx, unsigned int page)
{
	return uvm_pagelookup(fx->uvm->kernel_object,
	    fx->pageable + ptoa(page) - vm_map_min(fx->uvm->kernel_map));
}

static struct vm_page *
wired_page(struct fixture *fx)
{
	paddr_t pa;
	pmap_extract(fx->uvm->pmap, fx->wired, &pa);
	return PHYS_TO_VM_PAGE(fx->uvm, pa);
}

static struct uao_swent *
first_swent(struct uvm_object *uobj)
{
	for (unsigned int b = 0; b <= uobj->swhashmask; b++)
		if (uobj->swhash[b] != NULL)
			return uobj->swhash[b];
	return NULL;
}

struct breakage {
	enum which	checker;
	const char	*what, *keyword;
	int		id;
};

static const struct breakage cases[] = {
	{ PAGES, "free page with pqflags of a queued page", "pqflags", 1 },
	{ PAGES, "free page on the wrong color list", "of color", 2 },
	{ PAGES, "zero page on the unknown queue", "zero queue", 3 },
	{ PAGES, "free-list count off by one", "count says", 4 },
	{ PAGES, "free page still naming an object", "names", 5 },
	{ PAGES, "object page naming a stranger", "bad object", 6 },
	{ PAGES, "object page missing from the object", "not found", 7 },
	{ PAGES, "object page off the page queue", "page queue", 8 },
	{ PAGES, "wired kernel page with queue flags", "kernel page", 9 },
	{ PAGES, "page queue back link broken", "queue broken", 10 },
	{ PAGES, "page queue tail stale", "tail", 11 },
	{ PAGES, "uvmexp.free off", "uvmexp.free", 12 },
	{ PAGES, "uvmexp.zeropages off", "zeropages", 13 },
	{ PAGES, "uvmexp.objpages off", "objpages", 14 },
	{ PAGES, "uvmexp.wired off", "uvmexp.wired", 15 },
	{ PAGES, "object page not busy but naming an owner", "an owner", 16 },
	{ OBJECT, "resident page count off", "uo_npages", 20 },
	{ OBJECT, "swap slot out of range", "out of range", 21 },
	{ OBJECT, "recorded slot not allocated", "not allocated", 22 },
	{ OBJECT, "slots recorded vs uo_nswslots", "uo_nswslots", 23 },
	{ OBJECT, "slots recorded vs swpginuse", "swpginuse", 24 },
	{ OBJECT, "swpgonly off", "swpgonly", 25 },
	{ OBJECT, "page in the wrong hash bucket", "bucket", 26 },
	{ OBJECT, "a swap slot marked in use that nobody holds", "marked in use", 27 },
	{ POOL, "free map disagrees with nmissing", "nmissing", 30 },
	{ POOL, "pool counters off", "counters say", 31 },
	{ POOL, "header on the wrong list", "wrong list", 32 },
	{ POOL, "a put the statistics counted twice", "gets -", 33 },
	{ POOL, "a page allocation counted that never was", "page allocations", 34 },
};

static void
corrupt(struct fixture *fx, int id)
{
	struct uvm *uvm = fx->uvm;
	struct uvm_object *uobj = uvm->kernel_object;
	struct pool *pp = &uvm->kernel_map_store.vmk_vacache;
	struct vm_page *pg;

	switch (id) {
	case 1: first_free(uvm, PGFL_UNKNOWN)->pqflags = PQ_ACTIVE; break;
	case 2: pg = first_free(uvm, PGFL_UNKNOWN);
		pg->color = (uint8_t)((pg->color + 1) % uvm->exp.ncolors); break;
	case 3: first_free(uvm, PGFL_UNKNOWN)->flags |= PG_ZERO; break;
	case 4: uvm->freelist[0].count[PGFL_UNKNOWN]++; break;
	case 5: first_free(uvm, PGFL_UNKNOWN)->uobject = NULL; break;
	case 6: resident(fx, 1)->uobject = (struct uvm_object *)(void *)fx; break;
	case 7: pg = resident(fx, 1);	/* unhashed, count kept */
		mutex_enter(&uobj->vmobjlock);
		uvm_pageremove(uobj, pg);
		mutex_exit(&uobj->vmobjlock);
		uobj->uo_npages++;
		break;
	case 8: resident(fx, 1)->pqflags = 0; break;
	case 9: wired_page(fx)->pqflags = PQ_ACTIVE; break;
	case 10: uvm->pageq_head->qnext->qprev = NULL; break;
	case 11: uvm->pageq_tail = uvm->pageq_head; break;
	case 12: uvm->exp.free++; break;
	case 13: uvm->exp.zeropages++; break;
	case 14: uvm->exp.objpages++; break;
	case 15: uvm->exp.wired++; break;
	case 16: resident(fx, 1)->owner_tag = "pageout"; break;
	case 20: uobj->uo_npages++; break;
	case 21: first_swent(uobj)->slot = 999; break;
	case 22: { struct uao_swent *e = first_swent(uobj);
		uvm_swap_free(uvm, e->slot); uvm->exp.swpginuse++; break; }
	case 23: uobj->uo_nswslots++; break;
	case 24: uvm->exp.swpginuse++; break;
	case 25: uvm->exp.swpgonly++; break;
	case 27: uvm->swap_bitmap[0] |= (uint64_t)1 << 31; break; /* slot 32 */
	case 26: { /* move a resident page to a bucket it does not hash to */
		pg = resident(fx, 1);
		mutex_enter(&uobj->vmobjlock);
		uvm_pageremove(uobj, pg);
		mutex_exit(&uobj->vmobjlock);
		unsigned int b = 0;
		while (uvm_pagelookup(uobj, pg->offset) == NULL &&
		    b <= uobj->pghashmask) {
			pg->hnext = uobj->pghash[b];
			uobj->pghash[b] = pg;
			uobj->uo_npages++;
			if (uvm_pagelookup(uobj, pg->offset) != pg)
				break;	/* landed in a wrong bucket */
			uobj->pghash[b] = pg->hnext;
			uobj->uo_npages--;
			b++;
		}
		break; }
	case 30: pp->pr_partpages.head->ph_freemap |= 1; break;
	case 31: pp->pr_nout++; break;
	case 33: pp->pr_nput++; break;
	case 34: pp->pr_npagealloc++; break;
	case 32: { struct pool_item_header *ph = pp->pr_partpages.head;
		pp->pr_partpages.head = ph->ph_next;
		ph->ph_next = pp->pr_fullpages.head;
		pp->pr_fullpages.head = ph; break; }
	}
}

static void
test_config(void)
{
	static _Alignas(16) unsigned char mem[1 << 16];
	struct pmodel_params p = { .npages = 64 };
	struct pmodel_host *h = pmodel_host_create(&p);
	const struct uvm_config good = h->cfg;
	static const char *what[] = {
		"no pmap", "kernel VA not aligned", "kva_start past kva_max",
		"no segment", "empty segment", "segments out of order",
		"three colors", "too few map entries", "memory too small",
	};
	char why[160];

	report_prefix_push("config");
	for (int i = 0; i < 9; i++) {
		struct uvm_config c = good;
		size_t memsize = sizeof(mem);
		switch (i) {
		case 0: c.pmap = NULL; break;
		case 1: c.kva_min += 1; break;
		case 2: c.kva_start = c.kva_max + PAGE_SIZE; break;
		case 3: c.nseg = 0; break;
		case 4: c.seg[0].end = c.seg[0].start; break;
		case 5: c.nseg = 2; c.seg[1] = c.seg[0]; break;
		case 6: c.ncolors = 3; break;
		case 7: c.max_map_entries = 2; break;
		case 8: memsize = 64; break;
		}
		why[0] = '\0';
		struct uvm *u = uvm_create(&c, mem, memsize, why, sizeof(why));
		report(u == NULL && why[0] != '\0' &&
		    (i == 8 || uvm_instance_size(&c) == 0),
		    "%s is refused: %s", what[i], why);
	}
	report_prefix_pop();
	pmodel_host_destroy(h);
}

static void
test_format(void)
{
	char b[64];
	report_prefix_push("format");
	uvm_snprintf(b, sizeof(b), "%d %i %u %x %X", -42, 7, 3000000000u,
	    0xbeefu, 0xbeefu);
	report(strcmp(b, "-42 7 3000000000 beef BEEF") == 0, "%s", b);
	uvm_snprintf(b, sizeof(b), "[%5d][%05d][%3s]", -7, -7, "ab");
	report(strcmp(b, "[   -7][-0007][ ab]") == 0, "%s", b);
	uvm_snprintf(b, sizeof(b), "%c%%%s %p", 'k', (const char *)NULL,
	    (void *)0x1000);
	report(strcmp(b, "k%(null) 0x1000") == 0, "%s", b);
	uvm_snprintf(b, sizeof(b), "%lx %llu %zu %zx %q end%", 0xffffffff80000000UL,
	    18446744073709551615ULL, (size_t)12, (size_t)255);
	report(strcmp(b, "ffffffff80000000 18446744073709551615 12 ff %q end")
	    == 0, "%s", b);
	int n = uvm_snprintf(b, 4, "abcdef");
	report(n == 6 && strcmp(b, "abc") == 0, "truncates, counts all (%d)", n);
	report_prefix_pop();
}

/*
 * uvm_memset stores bytes up to an 8-byte boundary, then words, then
 * the tail bytes: every start offset and length up to three words,
 * against a byte loop, with guard bytes on both sides untouched.
 */
static void
test_memset(void)
{
	unsigned char buf[64], want[64];
	unsigned int bad = 0, cases = 0;

	report_prefix_push("memset");
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= 24; n++) {
			memset(buf, 0xa5, sizeof(buf));
			memset(want, 0xa5, sizeof(want));
			for (size_t i = 0; i < n; i++)
				want[8 + off + i] = 0x3c;
			void *r = uvm_memset(buf + 8 + off, 0x3c, n);
			bad += r != buf + 8 + off ||
			    memcmp(buf, want, sizeof(buf)) != 0;
			cases++;
		}
	report(bad == 0, "%u of %u offset/length cases store exactly the "
	    "bytes asked for", cases - bad, cases);
	report_prefix_pop();
}

int
main(void)
{
	char why[256];
	struct fixture fx;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct breakage *c = &cases[i];
		setup(&fx);
		bool clean = run(&fx, PAGES, why, sizeof(why)) == 0 &&
		    run(&fx, OBJECT, why, sizeof(why)) == 0 &&
		    run(&fx, POOL, why, sizeof(why)) == 0;
		corrupt(&fx, c->id);
		int r = run(&fx, c->checker, why, sizeof(why));
		report(clean && r == -1 && strstr(why, c->keyword) != NULL,
		    "%s: %s", c->what, r == -1 ? why : "(passed)");
		pmodel_host_destroy(fx.h);
	}
	test_config();
	test_format();
	test_memset();
	return report_summary();
}
