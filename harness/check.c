/*
 * check.c: the checkers that run after every op, and what they share
 * with the full walks (check_full.c).
 *
 * After every op (incremental, cheap: only what the op touched):
 *   - tlb:   no invalidation waits for pmap_update, no stale TLB entry;
 *   - ownership: a new allocation is exactly one map entry, inside its
 *            map, aligned, and overlaps no live allocation or pool page;
 *   - pmap/security: its pages are mapped iff WIRED, RW, supervisor, NX
 *            unless EXEC, ZERO pages read zero (every word);
 *   - pages: each page mapped for it (or for a new pool page) is a wired
 *            kernel page, set up (not BUSY/FAKE/WANTED); the counters
 *            add up;
 *   - map/pool/swap: the sanity of every map whose entries the op may
 *            have changed, of its KVA cache, and of the object and swap
 *            after an op on pageable memory;
 *   - locks: the call returned holding none of the core's locks.
 *
 * Example: a WIRED|ZERO alloc of 0x3000 at 0xffffffff80010000 must show
 * three mappings 0x...10000, 0x...11000, 0x...12000, each RW|NX, each to
 * a page with no object, each reading 0 in every word; the map entry
 * at 0x...10000 must end at 0x...13000.
 */
#include <stddef.h>

#include "harness_priv.h"

void
hs_before_take(struct harness *h, struct hs_before *b)
{
	b->free = h->uvm->exp.free;
	b->wired = h->uvm->exp.wired;
	b->objpages = h->uvm->exp.objpages;
	b->swpginuse = h->uvm->exp.swpginuse;
	b->swpgonly = h->uvm->exp.swpgonly;
	b->entries = h->uvm->entries_inuse;
}

void
check_nothing_left(struct harness *h, const char *what)
{
	const struct hs_before *b = &h->before;
	struct uvm *uvm = h->uvm;

	if (uvm->exp.free != b->free || uvm->exp.wired != b->wired ||
	    uvm->entries_inuse != b->entries)
		hfail(h, "leak", 0, "%s left something behind: free %u->%u, "
		    "wired %u->%u, map entries %u->%u", what, b->free,
		    uvm->exp.free, b->wired, uvm->exp.wired, b->entries,
		    uvm->entries_inuse);
}

void
check_unmapped(struct harness *h, vaddr_t va, vsize_t size, const char *what)
{
	const vsize_t probe = 16 * PAGE_SIZE;

	/* the page tables over the whole range, quickly */
	if (size > 2 * probe && hs_count_mappings(h, va, va + size) != 0) {
		hfail(h, "security", va, "freed %s still has mappings", what);
		return;
	}
	/* the CPU's view (a stale TLB entry) at both ends */
	for (vaddr_t v = va; v < va + size && !h->found; v += PAGE_SIZE) {
		if (size > 2 * probe && v == va + probe)
			v = va + size - probe;
		int r = h->host.access(h->host.ctx, v, false, false);
		if (r == HACC_STALE)
			hfail(h, "tlb", v, "freed %s still translates through "
			    "a stale TLB entry", what);
		else if (r != HACC_FAULT)
			hfail(h, "security", v, "freed %s still translates",
			    what);
	}
}

static int
count_cb(void *arg, vaddr_t va, paddr_t pa, unsigned int hmap)
{
	(void)va; (void)pa; (void)hmap;
	(*(unsigned long *)arg)++;
	return 0;
}

unsigned long
hs_count_mappings(struct harness *h, vaddr_t sva, vaddr_t eva)
{
	unsigned long n = 0;
	h->host.foreach_mapping(h->host.ctx, sva, eva, count_cb, &n);
	return n;
}

/* ---- per op ------------------------------------------------------------- */

struct range_check {
	struct harness		*h;
	const struct hs_alloc	*a;
	unsigned long		n;
};

/* One mapping inside a fresh WIRED allocation. */
/*
 * The entry of `map' that contains va (true), else false.  Under the
 * map's lock -- unless the other CPU holds it (hold_lock): nothing
 * changes the map while it does, so the list is walked as it stands.
 */
/* Does the shadow have the page at va of map mi in use (an allocation
 * or a live page of a region)? */
static bool
hs_page_in_use(struct harness *h, unsigned int mi, vaddr_t va)
{
	const struct hs_alloc *a = hs_alloc_at(h, va);
	const struct hs_region *r = hs_region_at(h, va, NULL);

	return (a != NULL && a->map == mi) || (r != NULL && r->map == mi);
}

/*
 * The core's own range query agrees with the shadow: [s, s + size) of
 * map mi is all mapped (want) or is not (!want: a range just freed).
 * A mapped range is asked again with the page before it when that page
 * is in use too, so the query walks from one entry into the next, and
 * with the page after it when that page is free, so a hole must end it.
 * Skipped while the other CPU holds the map's lock (the query takes it).
 */
void
check_range_query(struct harness *h, unsigned int mi, vaddr_t s,
    vsize_t size, bool want, const char *what)
{
	struct vm_map *map = h->maps[mi].map;
	bool before = false;

	if (&map->lock == h->held || h->found)
		return;
	if (want && s > vm_map_min(map) &&
	    hs_page_in_use(h, mi, s - PAGE_SIZE)) {
		before = true;
		s -= PAGE_SIZE;
		size += PAGE_SIZE;
	}
	if (uvm_map_checkrange(map, s, s + size) != want) {
		hfail(h, "map", s, "uvm_map_checkrange(m%u, 0x%lx, 0x%lx) says "
		    "%s%s is %smapped, the shadow that it is%s",
		    h->maps[mi].id, (unsigned long)s,
		    (unsigned long)(s + size), what,
		    before ? " with the page before it" : "",
		    want ? "not all " : "", want ? "" : " not");
		return;
	}
	if (!want)
		return;
	/* An empty range is never "covered" (uvm_map_checkrange's =>). */
	if (uvm_map_checkrange(map, s, s)) {
		hfail(h, "map", s, "uvm_map_checkrange(m%u, 0x%lx, 0x%lx) "
		    "says the empty range at %s is mapped", h->maps[mi].id,
		    (unsigned long)s, (unsigned long)s, what);
		return;
	}
	/*
	 * The hole after it, asked with the map locked: the entry list the
	 * answer is judged by cannot change, and the query runs its
	 * caller-holds-the-lock side.
	 */
	vaddr_t end = s + size;
	bool hole, says;
	mutex_enter(&map->lock);
	hole = end < vm_map_max(map) && model_range_free(map, end, PAGE_SIZE);
	says = hole && uvm_map_checkrange(map, s, end + PAGE_SIZE);
	mutex_exit(&map->lock);
	if (says)
		hfail(h, "map", end, "uvm_map_checkrange(m%u, 0x%lx, 0x%lx) "
		    "says %s%s and the free page after it are mapped",
		    h->maps[mi].id, (unsigned long)s,
		    (unsigned long)(end + PAGE_SIZE), what,
		    before ? " with the page before it" : "");
}

bool
hs_map_entry_at(struct harness *h, struct vm_map *map, vaddr_t va,
    struct vm_map_entry **ep)
{
	if (&map->lock == h->held) {
		for (struct vm_map_entry *e = map->first; e != NULL;
		    e = e->next)
			if (e->start <= va && va < e->end) {
				*ep = e;
				return true;
			}
		return false;
	}
	mutex_enter(&map->lock);
	bool found = uvm_map_lookup_entry(map, va, ep);
	mutex_exit(&map->lock);
	return found;
}

static int
wired_page_cb(void *arg, vaddr_t va, paddr_t pa, unsigned int hmap)
{
	struct range_check *rc = arg;
	struct harness *h = rc->h;
	const struct hs_alloc *a = rc->a;

	rc->n++;
	if (hmap & HMAP_USER)
		return !hfail(h, "security", va, "a%u maps a user-accessible "
		    "page", a->id);
	if (!(hmap & HMAP_WRITE))
		return !hfail(h, "pmap", va, "a%u page is read-only", a->id);
	if (((hmap & HMAP_NX) != 0) == ((a->flags & UVM_KMF_EXEC) != 0))
		return !hfail(h, "security", va, "a%u page is %sexecutable "
		    "but allocated %s EXEC", a->id,
		    (hmap & HMAP_NX) ? "not " : "",
		    (a->flags & UVM_KMF_EXEC) ? "with" : "without");
	struct vm_page *pg = PHYS_TO_VM_PAGE(h->uvm, pa);
	if (pg == NULL || (pg->pqflags & PQ_FREE) || pg->uobject != NULL)
		return !hfail(h, "pages", va, "a%u maps pa 0x%lx, which is "
		    "not a wired kernel page", a->id, (unsigned long)pa);
	return !hs_page_set_up(h, pg, va, 'a', a->id);
}

/*
 * A wired kernel page handed out (an allocation's or a pool page) is set
 * up: uvm_pagealloc returns it PG_BUSY|PG_FAKE, owned by "new alloc",
 * for its new owner to clear; a page left busy is one every later waiter
 * sleeps on, and one not busy names no owner (NetBSD's UVM_PAGE_OWN).
 * => false (a finding) if it is not.
 */
bool
hs_page_set_up(struct harness *h, const struct vm_page *pg, vaddr_t va,
    char kind, unsigned int id)
{
	static const struct { unsigned int bit; const char *name; } f[] = {
		{ PG_BUSY, "BUSY" }, { PG_FAKE, "FAKE" }, { PG_WANTED, "WANTED" },
	};
	char names[24] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < 3; i++)
		if (pg->flags & f[i].bit)
			n += (size_t)uvm_snprintf(names + n, sizeof(names) - n,
			    "%s%s", n ? "|" : "", f[i].name);
	if (n == 0 && pg->owner_tag == NULL)
		return true;
	if (n == 0)	/* not busy, yet it names who holds it busy */
		hfail(h, "pages", va, "%c%u's page pa 0x%lx is not busy but "
		    "still names an owner (\"%s\") after the allocation "
		    "returned", kind, id, (unsigned long)pg->phys_addr,
		    pg->owner_tag);
	else
		hfail(h, "pages", va, "%c%u's page pa 0x%lx is still %s after "
		    "the allocation returned", kind, id,
		    (unsigned long)pg->phys_addr, names);
	return false;
}

void
check_new_alloc(struct harness *h, const struct hs_alloc *a)
{
	struct vm_map *map = h->maps[a->map].map;
	struct vm_map_entry *e;

	if (a->va < vm_map_min(map) || a->va + a->size > vm_map_max(map)) {
		hfail(h, "ownership", a->va, "a%u [0x%lx, 0x%lx) is outside "
		    "its map", a->id, (unsigned long)a->va,
		    (unsigned long)(a->va + a->size));
		return;
	}
	if (a->align != 0 && (a->va & (a->align - 1)) != 0) {
		hfail(h, "ownership", a->va, "a%u at 0x%lx is not aligned to "
		    "0x%lx", a->id, (unsigned long)a->va,
		    (unsigned long)a->align);
		return;
	}
	bool found = hs_map_entry_at(h, map, a->va, &e);
	if (!found || e->start != a->va || e->end != a->va + a->size) {
		hfail(h, "ownership", a->va, "a%u [0x%lx, 0x%lx) is not "
		    "exactly one map entry (entry [0x%lx, 0x%lx))", a->id,
		    (unsigned long)a->va, (unsigned long)(a->va + a->size),
		    found ? (unsigned long)e->start : 0UL,
		    found ? (unsigned long)e->end : 0UL);
		return;
	}
	{
		char what[16];

		uvm_snprintf(what, sizeof(what), "a%u", a->id);
		check_range_query(h, a->map, a->va, a->size, true, what);
	}
	for (unsigned int i = 0; i < h->nallocs; i++) {
		const struct hs_alloc *b = &h->allocs[i];
		if (b != a && b->va < a->va + a->size && a->va < b->va + b->size) {
			hfail(h, "ownership", a->va, "a%u overlaps a%u at "
			    "0x%lx", a->id, b->id, (unsigned long)
			    (a->va > b->va ? a->va : b->va));
			return;
		}
	}
	for (unsigned int i = 0; i < h->npool; i++)
		if (h->pool[i].va >= a->va && h->pool[i].va < a->va + a->size) {
			hfail(h, "ownership", h->pool[i].va, "a%u overlaps pool "
			    "page p%u", a->id, h->pool[i].id);
			return;
		}
	struct range_check rc = { h, a, 0 };
	h->host.foreach_mapping(h->host.ctx, a->va, a->va + a->size,
	    wired_page_cb, &rc);
	if (h->found)
		return;
	unsigned long want = hs_type(a) == UVM_KMF_WIRED ? hs_npages(a) : 0;
	if (rc.n != want) {
		hfail(h, "pmap", a->va, "a%u (%s) has %lu of %u pages mapped, "
		    "expected %lu", a->id, hs_type(a) == UVM_KMF_WIRED ?
		    "wired" : "unfaulted", rc.n, hs_npages(a), want);
		return;
	}
	if (hs_type(a) == UVM_KMF_WIRED && (a->flags & UVM_KMF_ZERO)) {
		for (unsigned int p = 0; p < hs_npages(a) && !h->found; p++) {
			if (h->host.read(h->host.ctx, a->va + ptoa(p), h->page_buf,
			    PAGE_SIZE) != 0) {
				hfail(h, "pmap", a->va + ptoa(p), "a%u page %u "
				    "does not read", a->id, p);
				return;
			}
			unsigned int j = hs_page_mismatch(h->page_buf, 0);
			if (j < HS_PAGE_WORDS) {
				hfail(h, "security", a->va + ptoa(p) + j * 4,
				    "a%u was allocated ZERO but page %u reads "
				    "0x%x at +0x%x", a->id, p, h->page_buf[j],
				    j * 4);
				return;
			}
		}
	}
	if (!h->found && hs_type(a) == UVM_KMF_WIRED)
		model_wired_colors(h, a);
}

void
check_new_poolpage(struct harness *h, const struct hs_poolpage *p)
{
	if (h->host.access(h->host.ctx, p->va, true, false) != HACC_OK) {
		hfail(h, "pmap", p->va, "pool page p%u is not writable", p->id);
		return;
	}
	for (unsigned int i = 0; i < h->npool; i++)
		if (&h->pool[i] != p && h->pool[i].va == p->va) {
			hfail(h, "ownership", p->va, "pool page p%u handed out "
			    "twice (also p%u)", p->id, h->pool[i].id);
			return;
		}
	if (hs_alloc_at(h, p->va) != NULL) {
		hfail(h, "ownership", p->va, "pool page p%u lies inside a%u",
		    p->id, hs_alloc_at(h, p->va)->id);
		return;
	}
	/* its page, through the kernel map or the direct map */
	paddr_t pa;
	const struct vm_page *pg;
	if (!pmap_extract(h->uvm->pmap, p->va, &pa) ||
	    (pg = PHYS_TO_VM_PAGE(h->uvm, pa)) == NULL ||
	    (pg->pqflags & PQ_FREE) || pg->uobject != NULL) {
		hfail(h, "pages", p->va, "pool page p%u is not backed by a "
		    "wired kernel page", p->id);
		return;
	}
	if (hs_page_set_up(h, pg, p->va, 'p', p->id))
		model_poolpage_color(h, p, pg);
}

/*
 * The counters that must add up, O(colors): free lists against
 * uvmexp.free and zeropages, every page in exactly one state, the page
 * queue against the object pages, swap slots within the device.
 */
/*
 * uvmexp's pageins and pageouts against the swap device: one page read
 * is one page-in, one page written one page-out.  The pagedaemon and
 * vmstat trust these counters; nothing in the core reads them back, so
 * only the device can say one was missed or counted twice.
 */
static void
check_swap_io(struct harness *h)
{
	const struct uvmexp *x = &h->uvm->exp;
	unsigned long reads, writes;

	if (h->host.swap_io == NULL)
		return;
	h->host.swap_io(h->host.ctx, &reads, &writes);
	reads -= h->base_swap_reads;
	writes -= h->base_swap_writes;
	if (x->pageins - h->base_pageins != reads)
		hfail(h, "swap", 0, "uvmexp.pageins counts %u page-ins, the "
		    "swap device read %lu pages", x->pageins - h->base_pageins,
		    reads);
	else if (x->pageouts - h->base_pageouts != writes)
		hfail(h, "swap", 0, "uvmexp.pageouts counts %u page-outs, the "
		    "swap device wrote %lu pages", x->pageouts -
		    h->base_pageouts, writes);
}

/*
 * The page allocator against the host, which sees every page handed out
 * (pmap_page_allocated): each one counts in uvmexp.colorhit, and the
 * next allocation of any color starts at the color after the last one's
 * (uvm.nextcolor), so that pages spread over the colors; and every
 * fault served enters its page (pmap_enter, which only uvm_fault calls)
 * and counts in uvmexp.faults.  On one CPU
 * only: with several, another CPU may be between its count and its
 * pmap_page_allocated, and the host's "last" may be its page.  The
 * idle loop's zeroing borrows free pages through the same hook: counting
 * starts again after it (check_page_counts_base).
 */
/*
 * Every page the core hands out passes pmap_page_allocated and every
 * page it takes back pmap_page_freed (the idle loop's zeroing passes
 * both), so the pages out by the host's count (allocations minus frees)
 * and by the core's (npages - uvmexp.free) move together: a page freed
 * to the free lists behind the host's back, or handed out without
 * telling it, breaks the balance.  The difference at the run's start is
 * the base (boot-time pages, earlier runs' calls).
 */
static long
page_balance(const struct harness *h, const struct harness_page_counts *c)
{
	return (long)(c->allocs - c->frees) -
	    (long)(h->uvm->exp.npages - h->uvm->exp.free);
}

void
check_page_balance_base(struct harness *h)
{
	struct harness_page_counts c;

	h->base_balance = 0;
	if (h->host.page_counts != NULL) {
		h->host.page_counts(h->host.ctx, &c);
		h->base_balance = page_balance(h, &c);
	}
}

/* c: the host's counts, read once by check_page_counts. */
static void
check_page_balance(struct harness *h, const struct harness_page_counts *c)
{
	long d = page_balance(h, c) - h->base_balance;
	if (d != 0)
		hfail(h, "pages", 0, "the host saw %ld page%s %s than the core "
		    "counts out of its free lists (pmap_page_allocated minus "
		    "pmap_page_freed against npages - uvmexp.free)",
		    d < 0 ? -d : d, d == 1 || d == -1 ? "" : "s",
		    d > 0 ? "more handed out" : "fewer handed out");
}

void
check_page_counts_base(struct harness *h)
{
	h->base_colorhit = h->uvm->exp.colorhit;
	h->base_faults = h->uvm->exp.faults;
	h->base_pages = (struct harness_page_counts){ 0, 0, 0, 0 };
	if (h->host.page_counts != NULL)
		h->host.page_counts(h->host.ctx, &h->base_pages);
}

static void
check_page_counts(struct harness *h)
{
	const struct uvm *uvm = h->uvm;
	struct harness_page_counts c;

	if (h->host.page_counts == NULL || h->smp)
		return;
	h->host.page_counts(h->host.ctx, &c);
	unsigned long n = c.allocs - h->base_pages.allocs;
	if (uvm->exp.colorhit - h->base_colorhit != n)
		hfail(h, "pages", 0, "uvmexp.colorhit counts %u pages handed "
		    "out, the host saw %lu", uvm->exp.colorhit -
		    h->base_colorhit, n);
	else if (n != 0 && uvm->nextcolor !=
	    (((unsigned int)atop(c.last_alloc) + 1) & (uvm->exp.ncolors - 1)))
		hfail(h, "pages", 0, "uvm.nextcolor is %u, but the last page "
		    "handed out (pa 0x%lx) was of color %u", uvm->nextcolor,
		    (unsigned long)c.last_alloc,
		    (unsigned int)atop(c.last_alloc) & (uvm->exp.ncolors - 1));
	else if (uvm->exp.faults - h->base_faults !=
	    c.enters - h->base_pages.enters)
		hfail(h, "pages", 0, "uvmexp.faults counts %u faults served, "
		    "the pmap saw %lu pmap_enter calls", uvm->exp.faults -
		    h->base_faults, c.enters - h->base_pages.enters);
	if (!h->found)
		check_page_balance(h, &c);
}

static void
check_counters(struct harness *h)
{
	const struct uvm *uvm = h->uvm;
	const struct uvmexp *x = &uvm->exp;
	unsigned int nfree = 0, nzero = 0;

	for (unsigned int c = 0; c < x->ncolors; c++) {
		nfree += uvm->freelist[c].count[0] + uvm->freelist[c].count[1];
		nzero += uvm->freelist[c].count[1];
	}
	if (nfree != x->free || nzero != x->zeropages)
		hfail(h, "pages", 0, "free lists hold %u pages (%u zeroed), "
		    "uvmexp says %u (%u)", nfree, nzero, x->free, x->zeropages);
	else if (x->free + x->wired + x->objpages != x->npages)
		hfail(h, "pages", 0, "free %u + wired %u + object %u != %u "
		    "pages", x->free, x->wired, x->objpages, x->npages);
	else if (uvm->pageq_count != x->objpages)
		hfail(h, "pages", 0, "page queue holds %u, object pages %u",
		    uvm->pageq_count, x->objpages);
	else if (x->swpgonly > x->swpginuse || x->swpginuse > x->swpages)
		hfail(h, "swap", 0, "swpgonly %u, swpginuse %u, swpages %u",
		    x->swpgonly, x->swpginuse, x->swpages);
	else
		check_swap_io(h);
	if (!h->found)
		check_page_counts(h);
}

/*
 * Every lock of the core, O(maps): none may still be held by the caller
 * once a call returned.  A lock left held stops the next call that takes
 * it ("locking against myself"), which may be many ops later or only in
 * the release; this names the call that kept it.  A lock the other CPU
 * holds (hold_lock) is not the caller's: mutex_owned says no.
 */
static void
check_locks(struct harness *h)
{
	char what[48];

	char why[256];

	if (hs_held_lock(h, true, what, sizeof(what)))
		hfail(h, "locks", 0, "the call returned holding %s", what);
	else if (h->host.lock_order != NULL &&
	    h->host.lock_order(h->host.ctx, why, sizeof(why)) != 0)
		hfail(h, "locks", 0, "%s", why);
}

/* A map's own lock (1) or its KVA cache's (2), else 0. */
static int
map_lock_rank(const struct vm_map_kernel *vmk, const kmutex_t *m)
{
	return m == &vmk->vmk_map.lock ? 1 :
	    m == &vmk->vmk_vacache.pr_lock ? 2 : 0;
}

int
harness_lock_rank(const struct uvm *uvm, const kmutex_t *m, char *name,
    size_t len)
{
	static const struct {
		size_t		off;
		const char	*name;
		int		rank;
	} fixed[] = {
		{ offsetof(struct uvm, pageqlock), "uvm.pageqlock", 4 },
		{ offsetof(struct uvm, swap_data_lock), "uvm.swap_data_lock",
		  5 },
		{ offsetof(struct uvm, mapent_lock), "uvm.mapent_lock", 6 },
		{ offsetof(struct uvm, poolhdr_lock), "uvm.poolhdr_lock", 7 },
	};
	int r;

	if (uvm == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if ((const char *)m == (const char *)uvm + fixed[i].off) {
			if (name != NULL)
				uvm_snprintf(name, len, "%s", fixed[i].name);
			return fixed[i].rank;
		}
	if (m == &uvm->kernel_object->vmobjlock) {
		if (name != NULL)
			uvm_snprintf(name, len, "the kernel object's lock");
		return 3;
	}
	if ((r = map_lock_rank(vm_map_to_kernel(uvm->kernel_map), m)) != 0) {
		if (name != NULL)
			uvm_snprintf(name, len, "kernel_map's %s", r == 1 ?
			    "map lock" : "KVA cache lock");
		return r;
	}
	for (unsigned int i = 0; i < uvm->nsubmaps; i++)
		if ((r = map_lock_rank(&uvm->submaps[i], m)) != 0) {
			if (name != NULL)
				uvm_snprintf(name, len, "submap %u's %s", i,
				    r == 1 ? "map lock" : "KVA cache lock");
			return r;
		}
	return 0;
}

/*
 * Does the calling CPU hold one of the core's locks?  => its name in
 * what.  maps: whether map locks count (a map lock may be held across a
 * sleep, as NetBSD's vm_map lock; the others are mutexes, and nothing
 * may sleep holding a mutex).
 */
bool
hs_held_lock(struct harness *h, bool maps, char *what, size_t len)
{
	struct uvm *uvm = h->uvm;
	const char *name = NULL;

	for (unsigned int i = 0; i < h->nmaps; i++) {
		struct vm_map *map = h->maps[i].map;
		if (maps && mutex_owned(&map->lock))
			name = "map lock";
		else if ((map->flags & VM_MAP_VACACHE) &&
		    mutex_owned(&vm_map_to_kernel(map)->vmk_vacache.pr_lock))
			name = "KVA cache lock";
		if (name != NULL) {
			uvm_snprintf(what, len, "m%u's %s", h->maps[i].id,
			    name);
			return true;
		}
	}
	if (mutex_owned(&uvm->kernel_object->vmobjlock))
		name = "the kernel object's lock";
	else if (mutex_owned(&uvm->pageqlock))
		name = "the page queue lock";
	else if (mutex_owned(&uvm->swap_data_lock))
		name = "the swap data lock";
	else if (mutex_owned(&uvm->mapent_lock))
		name = "the map-entry store's lock";
	else if (mutex_owned(&uvm->poolhdr_lock))
		name = "the pool-header store's lock";
	if (name != NULL)
		uvm_snprintf(what, len, "%s", name);
	return name != NULL;
}

/* The maps an op may have changed the entries of (map indices). */
unsigned int
hs_touched_maps(struct harness *h, const struct km_op *op)
{
	unsigned int mask = 0;
	char kind = km_op_handle_kind(op);

	switch (op->code) {
	case KOP_ALLOC: case KOP_SUBALLOC: case KOP_POOLPAGE_GET:
	case KOP_DRAIN: case KOP_MAP:
		mask |= 1u << op->map_sel;
		break;
	case KOP_UNMAP:
		mask |= 1u << h->regions[op->handle_sel].map;
		break;
	default:
		break;
	}
	if (op->code == KOP_FREE || op->code == KOP_MISUSE ||
	    op->code == KOP_POOLPAGE_PUT) {
		if (kind == 'a')
			mask |= 1u << h->allocs[op->handle_sel].map;
		else if (kind == 'p')
			mask |= 1u << h->pool[op->handle_sel].map;
	}
	/*
	 * The kernel object and swap: what faults, pages out or removes
	 * pages does, and so does freeing pageable memory.  Freeing wired
	 * or VA-only memory has no business there; if it meddled anyway,
	 * the next full walk sees it.
	 */
	if (op->code == KOP_TOUCH || op->code == KOP_RTOUCH ||
	    op->code == KOP_PAGEOUT || op->code == KOP_PGREMOVE ||
	    (op->code == KOP_FREE && kind == 'a' &&
	    hs_type(&h->allocs[op->handle_sel]) == UVM_KMF_PAGEABLE))
		mask |= HS_TOUCHED_OBJECT;
	return mask;
}

/* Did the op change the kernel object or swap (or the other CPU)? */
static bool
touches_object(struct harness *h, const struct km_op *op)
{
	return (h->touched_maps & HS_TOUCHED_OBJECT) != 0 ||
	    op->freed_id != 0;
}

/*
 * The per-op classes of the oracle schedule: O(1) (pending
 * invalidations, counters), O(what the op touched) (a new allocation's
 * own range, the sanity of every map whose entries it may have changed
 * and of that map's KVA cache, the object and swap after an op on
 * pageable memory).  The full walk comes every full_check_every ops
 * (harness_op_end) and before the release.
 */
void
check_after_op(struct harness *h, const struct km_op *op)
{
	char why[256];

	if (h->host.mmu_check(h->host.ctx, false, why, sizeof(why)) != 0) {
		hfail(h, "tlb", 0, "%s", why);
		return;
	}
	check_counters(h);
	if (!h->found)
		check_locks(h);
	if (h->found)
		return;
	if (op->result_id != 0 && op->code == KOP_ALLOC)
		check_new_alloc(h, hs_alloc_by_id(h, op->result_id, NULL));
	else if (op->result_id != 0 && op->code == KOP_POOLPAGE_GET)
		check_new_poolpage(h, hs_pool_by_id(h, op->result_id, NULL));
	unsigned int maps = h->touched_maps;
	if (op->code == KOP_SUBALLOC && op->result_id != 0)
		maps |= 1u << (h->nmaps - 1);
	for (unsigned int i = 0; i < h->nmaps && !h->found; i++) {
		struct vm_map *map = h->maps[i].map;
		if (!(maps & (1u << i)))
			continue;
		if (uvm_map_sanity(map, why, sizeof(why)) != 0)
			hfail(h, "map", 0, "m%u: %s", h->maps[i].id, why);
		else if ((map->flags & VM_MAP_VACACHE) &&
		    pool_sanity(&vm_map_to_kernel(map)->vmk_vacache, why,
		    sizeof(why)) != 0)
			hfail(h, "pool", 0, "m%u: %s", h->maps[i].id, why);
	}
	if (!h->found && touches_object(h, op) &&
	    uao_sanity(h->uvm->kernel_object, why, sizeof(why)) != 0)
		hfail(h, "swap", 0, "%s", why);
}
