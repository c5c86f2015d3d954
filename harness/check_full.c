/*
 * check_full.c: the full walks, every full_check_every ops and around
 * the release (the per-op checks are check.c's).
 *
 *   - map:   uvm_map_sanity of every map (gaps, balance, order, submaps);
 *   - ownership: map entries == shadow allocations, both ways;
 *   - pages: uvm_page_sanity (states, lists, every uvmexp counter), and
 *            every mapped page is in the state its owner implies, once;
 *   - pmap:  no mapping outside a live allocation or pool page, wired
 *            ranges fully mapped, VA-only ranges unmapped, pageable pages
 *            mapped only at kva_min + their object offset;
 *   - swap:  uao_sanity (slots owned once, swpgonly exact);
 *   - pool:  pool_sanity of the KVA cache;
 *   - data:  sampled words of every page whose contents the shadow knows.
 * After releasing everything (leaks): every page free, no swap slot, no
 * map entry beyond the boot ones and submaps, no pool header, no mapping.
 *
 * Example: after "alloc kernel_map 0x2000 WIRED -> a1", a mapping at
 * a1 + 0x2000 is one outside any live allocation ("pmap").
 */
#include "harness_priv.h"

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
				rlive += uvm_popcount64(h->regions[i].live);
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
			    uvm_popcount64(a->removed);
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
	/*
	 * ... and every header ever handed out (ph_bump) is in use or on
	 * the free list: a free that lost the list's head (say, read
	 * outside poolhdr_lock while another CPU freed one) leaks it.
	 */
	unsigned int ph_free = 0;
	for (const struct pool_item_header *ph = uvm->ph_free;
	    ph != NULL && ph_free <= uvm->ph_bump; ph = ph->ph_next)
		ph_free++;
	if (uvm->ph_inuse + ph_free != uvm->ph_bump) {
		hfail(h, "leak", 0, "%u pool page headers in use and %u on the "
		    "free list, but %u were handed out", uvm->ph_inuse,
		    ph_free, uvm->ph_bump);
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

	/*
	 * The object's pages are exactly those on the page queue: the
	 * structure walk (uvm_page_sanity) that runs first proved it, so
	 * the queue is walked instead of every page.
	 */
	for (const struct vm_page *pg = uvm->pageq_head; pg != NULL;
	    pg = pg->qnext) {
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
				uint32_t w, want =
				    hs_page_want(a->seed[p], words[k]);
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

/*
 * Sort allocs[] by address into alloc_order (insertion sort: at most
 * HARNESS_MAX_ALLOCS entries, once per full walk) and let hs_alloc_at
 * use it until alloc_index_drop.  The starts are kept apart, in one
 * small array, so that a search reads a few cache lines, not a few
 * whole entries; the walks ask in address order, so the last answer is
 * tried first.
 */
static void
alloc_index_build(struct harness *h)
{
	for (unsigned int i = 0; i < h->nallocs; i++) {
		vaddr_t va = h->allocs[i].va;
		unsigned int j = i;
		while (j > 0 && h->alloc_order_va[j - 1] > va) {
			h->alloc_order[j] = h->alloc_order[j - 1];
			h->alloc_order_va[j] = h->alloc_order_va[j - 1];
			j--;
		}
		h->alloc_order[j] = (uint16_t)i;
		h->alloc_order_va[j] = va;
	}
	h->alloc_order_hint = 0;
	h->alloc_order_valid = true;
}

static void
alloc_index_drop(struct harness *h)
{
	h->alloc_order_valid = false;
}

/*
 * The shadow against the instance: entries, mappings, object, data.
 * => check_structures found nothing (check_object relies on it).
 */
void
check_against_shadow(struct harness *h)
{
	alloc_index_build(h);
	check_ownership(h);
	if (!h->found)
		check_mappings(h);
	if (!h->found)
		check_object(h);
	if (!h->found)
		check_data(h);
	alloc_index_drop(h);
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
