/*
 * check.c: the invariant checkers.
 *
 * After every op (incremental, cheap: only what the op touched):
 *   - tlb:   no invalidation waits for pmap_update, no stale TLB entry;
 *   - ownership: a new allocation is exactly one map entry, inside its
 *            map, aligned, and overlaps no live allocation or pool page;
 *   - pmap/security: its pages are mapped iff WIRED, RW, supervisor, NX
 *            unless EXEC, ZERO pages read zero;
 *   - pages: each page mapped for it is a wired kernel page.
 * Every full_check_every ops and at the end (full walks):
 *   - map:   uvm_map_sanity of every map (gaps, balance, order, submaps);
 *   - ownership: map entries == shadow allocations, both ways;
 *   - pages: uvm_page_sanity (states, lists, every uvmexp counter), and
 *            every mapped page is in the state its owner implies, once;
 *   - pmap:  no mapping outside a live allocation or pool page, wired
 *            ranges fully mapped, VA-only ranges unmapped, pageable pages
 *            mapped only at kva_min + their object offset;
 *   - swap:  uao_sanity (slots owned once, swpgonly exact);
 *   - pool:  pool_sanity of the KVA cache.
 * After releasing everything (leaks): every page free, no swap slot, no
 * map entry beyond the boot ones and submaps, no pool header, no mapping.
 *
 * Example: a WIRED|ZERO alloc of 0x3000 at 0xffffffff80010000 must show
 * three mappings 0x...10000, 0x...11000, 0x...12000, each RW|NX, each to
 * a page with no object, each reading 0 in its first word; the map entry
 * at 0x...10000 must end at 0x...13000.
 */
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
 * up: uvm_pagealloc returns it PG_BUSY|PG_FAKE for its new owner to
 * clear, and a page left busy is one every later waiter sleeps on.
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
	if (n == 0)
		return true;
	hfail(h, "pages", va, "%c%u's page pa 0x%lx is still %s after the "
	    "allocation returned", kind, id, (unsigned long)pg->phys_addr,
	    names);
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
	(void)hs_page_set_up(h, pg, p->va, 'p', p->id);
}

/*
 * The counters that must add up, O(colors): free lists against
 * uvmexp.free and zeropages, every page in exactly one state, the page
 * queue against the object pages, swap slots within the device.
 */
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

/* ---- full --------------------------------------------------------------- */

/*
 * An entry that is no allocation: region pages, each live, of map mi,
 * with the entry's attributes; the offset of an object entry implied by
 * the address; a QUANTUM region exactly one entry, a NOMERGE one never
 * merged with another.  *pages counts the pages.  => false (a finding).
 */
static bool
check_region_entry(struct harness *h, unsigned int mi,
    const struct vm_map_entry *e, unsigned long *pages)
{
	const struct hs_region *first = NULL;
	struct uvm_object *kobj = h->uvm->kernel_object;

	for (vaddr_t va = e->start; va < e->end; va += PAGE_SIZE) {
		const struct hs_region *r = hs_region_at(h, va, NULL);
		if (r == NULL || r->map != mi)
			return hfail(h, "ownership", va, "map m%u has entry "
			    "[0x%lx, 0x%lx) over 0x%lx, which no live "
			    "allocation or region owns (phantom)",
			    h->maps[mi].id, (unsigned long)e->start,
			    (unsigned long)e->end, (unsigned long)va);
		bool obj = (r->flags & KOPF_MAP_OBJ) != 0;
		if (e->protection != r->prot || e->max_protection != r->maxprot ||
		    (e->object.uvm_obj == kobj) != obj)
			return hfail(h, "map", va, "entry [0x%lx, 0x%lx) over "
			    "r%u has prot %x/%x object %s, mapped %x/%x %s",
			    (unsigned long)e->start, (unsigned long)e->end,
			    r->id, e->protection, e->max_protection,
			    e->object.uvm_obj != NULL ? "yes" : "no", r->prot,
			    r->maxprot, obj ? "with the object" : "without");
		if (obj && e->offset + (va - e->start) !=
		    va - vm_map_min(h->uvm->kernel_map))
			return hfail(h, "map", va, "entry [0x%lx, 0x%lx) maps "
			    "0x%lx at object offset 0x%lx, not the one the "
			    "address implies", (unsigned long)e->start,
			    (unsigned long)e->end, (unsigned long)va,
			    (unsigned long)(e->offset + (va - e->start)));
		if (first == NULL)
			first = r;
		else if (r != first && ((r->flags | first->flags) &
		    (KOPF_MAP_NOMERGE | KOPF_MAP_QUANTUM)))
			return hfail(h, "map", va, "entry [0x%lx, 0x%lx) merges "
			    "r%u and r%u, one of them mapped %s",
			    (unsigned long)e->start, (unsigned long)e->end,
			    first->id, r->id, ((r->flags | first->flags) &
			    KOPF_MAP_QUANTUM) ? "QUANTUM" : "NOMERGE");
		(*pages)++;
	}
	if (first != NULL && (first->flags & KOPF_MAP_QUANTUM) &&
	    (e->start != first->va ||
	    e->end != first->va + ptoa(first->npages)))
		return hfail(h, "map", e->start, "QUANTUM r%u [0x%lx, 0x%lx) "
		    "is not exactly its entry [0x%lx, 0x%lx)", first->id,
		    (unsigned long)first->va,
		    (unsigned long)(first->va + ptoa(first->npages)),
		    (unsigned long)e->start, (unsigned long)e->end);
	return true;
}

/* Map entries against the shadow, both ways. */
static void
check_ownership(struct harness *h)
{
	for (unsigned int mi = 0; mi < h->nmaps && !h->found; mi++) {
		struct vm_map *map = h->maps[mi].map;
		unsigned int matched = 0, owned = 0;
		unsigned long rpages = 0, rlive = 0;
		struct pool *cache = (map->flags & VM_MAP_VACACHE) ?
		    &vm_map_to_kernel(map)->vmk_vacache : NULL;

		for (const struct vm_map_entry *e = map->first; e != NULL;
		    e = e->next) {
			if (e->flags & UVM_MAP_FIRST)
				continue;
			if (e->flags & UVM_MAP_SUBMAP) {
				bool known = false;
				for (unsigned int j = 0; j < h->nmaps; j++)
					known |= h->maps[j].map ==
					    e->object.sub_map;
				if (!known)
					hfail(h, "ownership", e->start, "submap "
					    "entry [0x%lx, 0x%lx) is no submap "
					    "the harness made",
					    (unsigned long)e->start,
					    (unsigned long)e->end);
				continue;
			}
			if (cache != NULL && pool_contains(cache, e->start,
			    NULL))
				continue;
			/*
			 * A pool page not from a KVA cache (uncached API, or
			 * a map without one) is a one-page wired entry.
			 */
			const struct hs_poolpage *p = hs_pool_at(h, e->start);
			if (p != NULL && p->map == mi &&
			    e->end == e->start + PAGE_SIZE) {
				matched++;
				continue;
			}
			if (hs_region_at(h, e->start, NULL) != NULL) {
				if (!check_region_entry(h, mi, e, &rpages))
					return;
				continue;
			}
			const struct hs_alloc *a = hs_alloc_at(h, e->start);
			if (a == NULL || a->va != e->start ||
			    a->va + a->size != e->end || a->map != mi) {
				hfail(h, "ownership", e->start, "map m%u has "
				    "entry [0x%lx, 0x%lx) that no live "
				    "allocation owns (phantom)",
				    h->maps[mi].id, (unsigned long)e->start,
				    (unsigned long)e->end);
				return;
			}
			matched++;
		}
		for (unsigned int i = 0; i < h->nallocs; i++)
			owned += h->allocs[i].map == mi;
		for (unsigned int i = 0; i < h->npool; i++)
			owned += h->pool[i].map == mi &&
			    !h->uvm->cfg.poolpage_direct_map &&
			    (h->pool[i].uncached || cache == NULL);
		if (matched != owned) {
			hfail(h, "ownership", 0, "map m%u: %u live allocations "
			    "but %u entries for them (lost entry)",
			    h->maps[mi].id, owned, matched);
			return;
		}
		for (unsigned int i = 0; i < h->nregions; i++)
			if (h->regions[i].map == mi)
				rlive += hs_popcount(h->regions[i].live);
		if (rpages != rlive)
			hfail(h, "ownership", 0, "map m%u: regions map %lu pages "
			    "but entries cover %lu of them (lost entry)",
			    h->maps[mi].id, rlive, rpages);
	}
}

struct mapping_walk {
	struct harness	*h;
	unsigned long	wired_mapped;	/* mappings of wired pages */
};

/* Every mapping in the kernel map's range has an owner and a state. */
static int
mapping_cb(void *arg, vaddr_t va, paddr_t pa, unsigned int hmap)
{
	struct mapping_walk *w = arg;
	struct harness *h = w->h;
	struct uvm *uvm = h->uvm;
	struct vm_page *pg = PHYS_TO_VM_PAGE(uvm, pa);

	if (hmap & HMAP_USER)
		return !hfail(h, "security", va, "kernel mapping to pa 0x%lx "
		    "is user-accessible", (unsigned long)pa);
	if (pg == NULL || (pg->pqflags & PQ_FREE))
		return !hfail(h, "pages", va, "va maps pa 0x%lx, which is %s",
		    (unsigned long)pa, pg == NULL ? "not a managed page" :
		    "a free page");
	size_t idx = (size_t)(pg - uvm->pages);
	if (idx < HARNESS_MAX_PAGES) {
		if (h->seen[idx / 64] & ((uint64_t)1 << (idx % 64)))
			return !hfail(h, "pages", va, "pa 0x%lx is mapped "
			    "twice", (unsigned long)pa);
		h->seen[idx / 64] |= (uint64_t)1 << (idx % 64);
	}
	const struct hs_alloc *a = hs_alloc_at(h, va);
	if (a != NULL) {
		unsigned int page = (unsigned int)atop(va - a->va);
		switch (hs_type(a)) {
		case UVM_KMF_VAONLY:
			return !hfail(h, "pmap", va, "VA-only a%u has a "
			    "mapping", a->id);
		case UVM_KMF_WIRED:
			if (page < KOP_TRACKED_PAGES &&
			    (a->removed & ((uint64_t)1 << page)))
				return !hfail(h, "pmap", va, "a%u page %u was "
				    "removed but is still mapped", a->id, page);
			if (pg->uobject != NULL)
				return !hfail(h, "pages", va, "wired a%u maps "
				    "an object page", a->id);
			if (!hs_page_set_up(h, pg, va, 'a', a->id))
				return 1;
			if (((hmap & HMAP_NX) != 0) ==
			    ((a->flags & UVM_KMF_EXEC) != 0))
				return !hfail(h, "security", va, "a%u: NX does "
				    "not match EXEC", a->id);
			w->wired_mapped++;
			return 0;
		default:
			if (pg->uobject != uvm->kernel_object ||
			    pg->offset != va - vm_map_min(uvm->kernel_map))
				return !hfail(h, "pages", va, "pageable a%u "
				    "maps pa 0x%lx, not its object page",
				    a->id, (unsigned long)pa);
			if (!(hmap & HMAP_NX))
				return !hfail(h, "security", va, "pageable a%u "
				    "is executable", a->id);
			return 0;
		}
	}
	/*
	 * A region page is mapped only by a fault (rtouch): an object
	 * region's, at its object page, never executable.
	 */
	const struct hs_region *r = hs_region_at(h, va, NULL);
	if (r != NULL) {
		if (!(r->flags & KOPF_MAP_OBJ))
			return !hfail(h, "pmap", va, "r%u has a mapping (it "
			    "has no object: nothing faults it in)", r->id);
		if (pg->uobject != uvm->kernel_object ||
		    pg->offset != va - vm_map_min(uvm->kernel_map))
			return !hfail(h, "pages", va, "r%u maps pa 0x%lx, not "
			    "its object page", r->id, (unsigned long)pa);
		if (!(hmap & HMAP_NX))
			return !hfail(h, "security", va, "r%u is executable",
			    r->id);
		return 0;
	}
	const struct hs_poolpage *pp = hs_pool_at(h, va);
	if (pp != NULL) {
		if (pg->uobject != NULL || !(hmap & HMAP_NX))
			return !hfail(h, "pages", va, "pool page maps an "
			    "object page or is executable");
		if (!hs_page_set_up(h, pg, va, 'p', pp->id))
			return 1;
		w->wired_mapped++;
		return 0;
	}
	return !hfail(h, "pmap", va, "mapping to pa 0x%lx outside any live "
	    "allocation or pool page", (unsigned long)pa);
}

static void
check_mappings(struct harness *h)
{
	struct uvm *uvm = h->uvm;
	struct mapping_walk w = { h, 0 };
	unsigned long want = 0, direct = 0;

	uvm_memset(h->seen, 0, sizeof(h->seen));
	h->host.foreach_mapping(h->host.ctx, vm_map_min(uvm->kernel_map),
	    vm_map_max(uvm->kernel_map), mapping_cb, &w);
	if (h->found)
		return;
	for (unsigned int i = 0; i < h->nallocs; i++) {
		const struct hs_alloc *a = &h->allocs[i];
		if (hs_type(a) == UVM_KMF_WIRED)
			want += hs_npages(a) -
			    hs_popcount(a->removed);
	}
	for (unsigned int i = 0; i < h->npool; i++)
		if (h->pool[i].va < vm_map_min(uvm->kernel_map) ||
		    h->pool[i].va >= vm_map_max(uvm->kernel_map))
			direct++;	/* direct-map pool pages: no PTE */
		else
			want++;
	if (w.wired_mapped != want)
		hfail(h, "pmap", 0, "%lu wired and pool pages mapped, the "
		    "shadow owns %lu", w.wired_mapped, want);
	else if (uvm->exp.wired != want + direct)
		hfail(h, "pages", 0, "uvmexp.wired is %u, the shadow owns %lu "
		    "wired pages", uvm->exp.wired, want + direct);
}

static void
check_empty_trampoline(void *arg)
{
	struct harness *h = arg;

	/* submaps: small; the kernel map's free VA is check_object's */
	for (unsigned int i = 1; i < h->nmaps; i++) {
		struct vm_map *map = h->maps[i].map;
		vaddr_t prev = vm_map_min(map);
		for (const struct vm_map_entry *e = map->first; ; e = e->next) {
			vaddr_t end = e != NULL ? e->start : vm_map_max(map);
			if (end > prev)
				uvm_km_check_empty(map, prev, end);
			if (e == NULL)
				break;
			prev = e->end;
		}
	}
}

/*
 * Free VA of a submap holds nothing: uvm_km_check_empty (which panics)
 * on each of its free runs, under the host's catch point.  (On the
 * kernel map, whose free VA is megabytes, the same is checked from the
 * other side: check_mappings and check_object.)
 */
static void
check_free_runs_empty(struct harness *h)
{
	char msg[512];

	if (h->host.call(h->host.ctx, check_empty_trampoline, h, msg,
	    sizeof(msg)) != HCALL_OK)
		hfail(h, "pmap", 0, "free VA is not empty: %s", msg);
}

/*
 * The structure checkers: every map, the pages and counters, the kernel
 * object and swap, the KVA cache, the page tables and TLB.
 */
void
check_structures(struct harness *h)
{
	char why[256];
	struct uvm *uvm = h->uvm;

	for (unsigned int i = 0; i < h->nmaps; i++)
		if (uvm_map_sanity(h->maps[i].map, why, sizeof(why)) != 0) {
			hfail(h, "map", 0, "m%u: %s", h->maps[i].id, why);
			return;
		}
	if (uvm_page_sanity(uvm, why, sizeof(why)) != 0) {
		hfail(h, "pages", 0, "%s", why);
		return;
	}
	if (uao_sanity(uvm->kernel_object, why, sizeof(why)) != 0) {
		hfail(h, "swap", 0, "%s", why);
		return;
	}
	unsigned int pool_pages = 0;
	for (unsigned int i = 0; i < h->nmaps; i++) {
		struct vm_map *map = h->maps[i].map;
		struct pool *pp = &vm_map_to_kernel(map)->vmk_vacache;
		/* a map without a KVA cache has a pool never set up */
		if (!(map->flags & VM_MAP_VACACHE) && pp->pr_initialized) {
			hfail(h, "pool", 0, "m%u has no KVA cache, but its "
			    "cache's pool is set up", h->maps[i].id);
			return;
		}
		if (pool_sanity(pp, why, sizeof(why)) != 0) {
			hfail(h, "pool", 0, "m%u: %s", h->maps[i].id, why);
			return;
		}
		pool_pages += pp->pr_npages;
	}
	/* every pool page header is one of a KVA cache's pool pages */
	if (uvm->ph_inuse != pool_pages) {
		hfail(h, "leak", 0, "%u pool page headers in use, the KVA "
		    "caches hold %u pool pages", uvm->ph_inuse, pool_pages);
		return;
	}
	check_free_runs_empty(h);
	if (!h->found && h->host.mmu_check(h->host.ctx, true, why,
	    sizeof(why)) != 0)
		hfail(h, "tlb", 0, "%s", why);
}

/*
 * Every page and swap slot of the kernel object belongs to a live
 * pageable allocation: its offset's VA lies inside one.
 */
/* Is va a page that may have an object page: pageable, or an object
   region's page still mapped (rtouch faults those in)? */
static bool
object_va_p(struct harness *h, vaddr_t va)
{
	const struct hs_alloc *a = hs_alloc_at(h, va);
	const struct hs_region *r;

	if (a != NULL)
		return hs_type(a) == UVM_KMF_PAGEABLE;
	r = hs_region_at(h, va, NULL);
	return r != NULL && (r->flags & KOPF_MAP_OBJ);
}

static void
check_object(struct harness *h)
{
	struct uvm *uvm = h->uvm;
	struct uvm_object *uobj = uvm->kernel_object;
	const vaddr_t base = vm_map_min(uvm->kernel_map);

	for (unsigned int i = 0; i < uvm->exp.npages; i++) {
		const struct vm_page *pg = &uvm->pages[i];
		if (pg->uobject != uobj)
			continue;
		if (!object_va_p(h, base + pg->offset)) {
			hfail(h, "leak", base + pg->offset, "object page at "
			    "offset 0x%lx lies in no live pageable allocation "
			    "or object region", (unsigned long)pg->offset);
			return;
		}
	}
	for (unsigned int b = 0; b <= uobj->swhashmask; b++)
		for (const struct uao_swent *e = uobj->swhash[b]; e != NULL;
		    e = e->next) {
			vaddr_t va = base + ptoa(e->pageidx);
			if (!object_va_p(h, va)) {
				hfail(h, "leak", va, "swap slot %d of page "
				    "index 0x%lx lies in no live pageable "
				    "allocation or object region", e->slot,
				    (unsigned long)e->pageidx);
				return;
			}
		}
}

/*
 * The data of every page whose contents the shadow knows and that is
 * mapped now, sampled (first, middle and last word; touch and free read
 * whole pages): a page changed behind the harness's back shows at the
 * next full walk, not only when the program reads it again.
 */
static void
check_data(struct harness *h)
{
	static const unsigned int words[] = { 0, 511, 1023 };

	for (unsigned int i = 0; i < h->nallocs && !h->found; i++) {
		const struct hs_alloc *a = &h->allocs[i];
		if (hs_type(a) == UVM_KMF_VAONLY)
			continue;
		for (unsigned int p = 0; p < hs_tracked(a) && !h->found; p++) {
			bool known = a->seed[p] != 0 ||
			    hs_type(a) == UVM_KMF_PAGEABLE ||
			    (a->flags & UVM_KMF_ZERO);
			if (!known || (a->removed & ((uint64_t)1 << p)))
				continue;
			for (unsigned int k = 0; k < 3; k++) {
				vaddr_t va = a->va + ptoa(p) + words[k] * 4;
				uint32_t w, want = a->seed[p] != 0 ?
				    hs_page_word(a->seed[p], words[k]) : 0;
				if (h->host.read(h->host.ctx, va, &w,
				    sizeof(w)) != HACC_OK)
					break;	/* not mapped: nothing to see */
				if (w != want) {
					hfail(h, "data", va, "a%u page %u: the "
					    "word at +0x%x reads 0x%x, expected "
					    "0x%x", a->id, p, words[k] * 4, w,
					    want);
					break;
				}
			}
		}
	}
}

/* The shadow against the instance: entries, mappings, object, data. */
void
check_against_shadow(struct harness *h)
{
	check_ownership(h);
	if (!h->found)
		check_mappings(h);
	if (!h->found)
		check_object(h);
	if (!h->found)
		check_data(h);
}

void
check_full(struct harness *h)
{
	check_structures(h);
	if (!h->found)
		check_against_shadow(h);
}

void
check_leaks(struct harness *h)
{
	struct uvm *uvm = h->uvm;
	unsigned int submap_entries = h->nmaps - 1;

	if (uvm->exp.free != uvm->exp.npages)
		hfail(h, "leak", 0, "%u of %u pages not returned (wired %u, "
		    "object %u)", uvm->exp.npages - uvm->exp.free,
		    uvm->exp.npages, uvm->exp.wired, uvm->exp.objpages);
	else if (uvm->exp.swpginuse != 0 || uvm->exp.swpgonly != 0)
		hfail(h, "leak", 0, "%u swap slots still in use (swpgonly %u)",
		    uvm->exp.swpginuse, uvm->exp.swpgonly);
	else if (uvm->entries_inuse != h->base_entries + submap_entries)
		hfail(h, "leak", 0, "%u map entries in use, expected %u",
		    uvm->entries_inuse, h->base_entries + submap_entries);
	else if (uvm->ph_inuse != 0)
		hfail(h, "leak", 0, "%u pool page headers still in use",
		    uvm->ph_inuse);
	else if (hs_count_mappings(h, vm_map_min(uvm->kernel_map),
	    vm_map_max(uvm->kernel_map)) != 0)
		hfail(h, "leak", 0, "mappings remain after everything was "
		    "freed");
}
