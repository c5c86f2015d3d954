/*
 * exec.c: carry out one op on the instance and keep the shadow in step.
 *
 * The shadow knows, for every live allocation, its range, its type and,
 * per page, the word last written there (0 for "reads zero") and whether
 * that is known; for every live pool page its VA.  harness_exec changes
 * the shadow only after the call returned, so a panic leaves the shadow
 * describing the state before the op.
 *
 * harness_adjust makes a byte-program op valid: the shadow and the
 * instance's counters say whether a wait could ever end, and a call that
 * could not is changed to one that fails instead (WAITVA dropped,
 * CANFAIL added, nowait set).  Text programs are not adjusted.
 */
#include "harness_priv.h"

/* ---- adjustments (bytes only) ------------------------------------------- */

/* Could a waiting allocation of `npages' colored pages finish? */
static bool
pages_suffice(struct harness *h, unsigned int npages)
{
	struct uvm *uvm = h->uvm;
	unsigned int per_color = (npages + uvm->exp.ncolors - 1) /
	    uvm->exp.ncolors + 1;

	if (uvm->exp.free < uvm->exp.reserve_kernel + npages + 1)
		return false;
	for (unsigned int c = 0; c < uvm->exp.ncolors; c++)
		if (uvm->freelist[c].count[0] + uvm->freelist[c].count[1] <
		    per_color)
			return false;
	return true;
}

/*
 * Another CPU holds h->held for this op.  Calls that would take that
 * lock try it instead (and fail); any other op that may lock a map
 * would wait forever, so the other CPU lets go before it.  This is the
 * meaning of hold_lock in bytes and text alike, so a trace replays the
 * same way it ran.
 */
void
harness_adjust_for_held_lock(struct harness *h, struct km_op *op)
{
	bool on_held = (op->code == KOP_ALLOC || op->code == KOP_POOLPAGE_GET) &&
	    &h->maps[op->map_sel].map->lock == h->held;

	if (op->code == KOP_ALLOC && on_held) {
		op->flags |= UVM_KMF_TRYLOCK;
		op->flags &= ~UVM_KMF_WAITVA;
		return;
	}
	if (op->code == KOP_POOLPAGE_GET && on_held) {
		op->flags |= KOPF_NOWAIT;
		return;
	}
	switch (op->code) {
	case KOP_ALLOC: case KOP_POOLPAGE_GET: case KOP_PAGEOUT:
	case KOP_FAIL_PAGEALLOC: case KOP_IDLEZERO: case KOP_BUSY:
		return;		/* another map, or no map lock at all */
	default:
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
	}
}

/*
 * Could a fault on page `page' of `a' get a page?  A resident page needs
 * none; otherwise there must be a free page kernel-object allocations may
 * take (above the pagedaemon's reserve), or something the pagedaemon can
 * push out to a free swap slot.
 */
static bool
fault_can_finish(struct harness *h, const struct hs_alloc *a,
    unsigned int page)
{
	struct uvm *uvm = h->uvm;
	voff_t off = a->va + ptoa(page) - vm_map_min(uvm->kernel_map);

	if (uvm_pagelookup(uvm->kernel_object, off) != NULL)
		return true;
	if (uvm->exp.free > uvm->exp.reserve_pagedaemon + 1)
		return true;
	return uvm_reclaimable(uvm);
}

bool
harness_adjust(struct harness *h, struct km_op *op)
{
	struct hs_map *m = op->code == KOP_ALLOC || op->code == KOP_SUBALLOC ||
	    op->code == KOP_POOLPAGE_GET ? &h->maps[op->map_sel] : NULL;


	switch (op->code) {
	case KOP_ALLOC: {
		uint32_t type = op->flags & UVM_KMF_TYPEMASK;
		/* Intrsafe maps hold no object-backed memory. */
		if (m->intrsafe && type == UVM_KMF_PAGEABLE)
			op->flags = (op->flags & ~UVM_KMF_TYPEMASK) |
			    UVM_KMF_WIRED;
		vsize_t need = ptoa(op->npages) +
		    (op->align_log ? ((vsize_t)1 << op->align_log) : 0);
		if ((op->flags & UVM_KMF_WAITVA) &&
		    uvm_map_largest_gap(m->map) < need)
			op->flags &= ~UVM_KMF_WAITVA;
		if ((op->flags & UVM_KMF_TYPEMASK) == UVM_KMF_WIRED &&
		    !(op->flags & (UVM_KMF_NOWAIT | UVM_KMF_CANFAIL)) &&
		    !pages_suffice(h, op->npages))
			op->flags |= UVM_KMF_CANFAIL;
		break;
	}
	case KOP_TOUCH: {
		/* A fault that could never get a page is not a valid call. */
		const struct hs_alloc *a = &h->allocs[op->handle_sel];
		if (hs_type(a) == UVM_KMF_PAGEABLE &&
		    !fault_can_finish(h, a, op->page))
			return false;
		break;
	}
	case KOP_POOLPAGE_GET:
		if (!(op->flags & KOPF_NOWAIT) &&
		    (!pages_suffice(h, 1) ||
		    uvm_map_largest_gap(m->map) < 2 * KM_VACACHE_SIZE))
			op->flags |= KOPF_NOWAIT;
		break;
	default:
		break;
	}
	return true;
}

/* ---- the ops ------------------------------------------------------------ */

static void
exec_alloc(struct harness *h, struct km_op *op)
{
	struct hs_map *m = hs_map_by_id(h, op->map_id, NULL);
	vsize_t size = ptoa(op->npages) - (vsize_t)op->sub * KOP_SUB_UNIT;
	vsize_t align = op->align_log ? (vsize_t)1 << op->align_log : 0;
	struct hs_counts before;

	uint16_t label = op->result_id;
	op->result_id = 0;
	if (h->nallocs >= HARNESS_MAX_ALLOCS)
		return;		/* the shadow is full: skip, in every mode */
	if (h->cfg.checkers)
		hs_counts_take(h, &before);
	vaddr_t va = uvm_km_alloc(m->map, size, align, op->flags);
	if (va == 0) {
		/* A failure leaves nothing behind (unless waits paged out). */
		struct hs_counts after;
		if (h->cfg.checkers && h->waits == 0) {
			hs_counts_take(h, &after);
			if (after.free != before.free ||
			    after.wired != before.wired ||
			    after.entries != before.entries)
				hfail(h, "leak", 0, "failed alloc left "
				    "something behind: free %u->%u, wired "
				    "%u->%u, map entries %u->%u", before.free,
				    after.free, before.wired, after.wired,
				    before.entries, after.entries);
		}
		return;
	}
	struct hs_alloc *a = &h->allocs[h->nallocs++];
	uvm_memset(a, 0, sizeof(*a));
	a->id = hs_new_id(h, &h->next_alloc_id, label);
	a->map = (uint8_t)(m - h->maps);
	a->va = va;
	a->size = round_page(size);
	a->align = align;
	a->flags = op->flags;
	op->result_id = a->id;
}

static void
exec_free(struct harness *h, struct km_op *op)
{
	unsigned int idx;
	struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, &idx);
	struct hs_alloc gone = *a;
	unsigned int wired_before = h->uvm->exp.wired;
	unsigned long mapped = 0;

	if (h->cfg.checkers && hs_type(a) == UVM_KMF_WIRED)
		mapped = hs_count_mappings(h, a->va, a->va + a->size);
	uvm_km_free(h->maps[a->map].map, a->va, a->size,
	    a->flags & UVM_KMF_TYPEMASK);
	for (unsigned int i = idx; i + 1 < h->nallocs; i++)
		h->allocs[i] = h->allocs[i + 1];
	h->nallocs--;
	if (!h->cfg.checkers)
		return;
	/* Every page behind it came back, and nothing translates. */
	if (hs_type(&gone) == UVM_KMF_WIRED &&
	    wired_before - h->uvm->exp.wired != mapped)
		hfail(h, "leak", gone.va, "free of a%u returned %u of its %lu "
		    "wired pages", gone.id, wired_before - h->uvm->exp.wired,
		    mapped);
	for (vaddr_t va = gone.va; va < gone.va + gone.size && !h->found;
	    va += PAGE_SIZE) {
		int r = h->host.access(h->host.ctx, va, false, false);
		if (r == HACC_STALE)
			hfail(h, "tlb", va, "freed a%u still translates through"
			    " a stale TLB entry", gone.id);
		else if (r != HACC_FAULT)
			hfail(h, "security", va, "freed a%u still translates",
			    gone.id);
		if (hs_type(&gone) == UVM_KMF_PAGEABLE && !h->found &&
		    (uvm_pagelookup(h->uvm->kernel_object,
		    va - vm_map_min(h->uvm->kernel_map)) != NULL ||
		    uao_find_swslot(h->uvm->kernel_object,
		    atop(va - vm_map_min(h->uvm->kernel_map))) != 0))
			hfail(h, "leak", va, "freed a%u left a page or swap "
			    "slot in the kernel object", gone.id);
	}
}

static void
exec_suballoc(struct harness *h, struct km_op *op)
{
	struct hs_map *parent = hs_map_by_id(h, op->map_id, NULL);
	vsize_t size = ptoa(op->npages);
	vaddr_t vmin = vm_map_min(parent->map), vmax;
	uint16_t label = op->result_id;

	op->result_id = 0;
	/*
	 * Valid use in every mode: NetBSD panics when a submap does not
	 * fit, so a suballoc without room (or without a free submap) is
	 * skipped and the trace shows "-> fail".
	 */
	if (h->nmaps >= HARNESS_MAX_MAPS ||
	    h->uvm->nsubmaps >= h->uvm->cfg.max_submaps ||
	    uvm_map_largest_gap(parent->map) < size)
		return;
	if (op->flags & KOPF_FIXED) {
		/* The lowest free range that fits, found by walking. */
		vaddr_t prev = vm_map_min(parent->map);
		for (struct vm_map_entry *e = parent->map->first; e != NULL;
		    e = e->next) {
			if (e->start - prev >= size)
				break;
			prev = e->end;
		}
		vmin = prev;
	}
	struct vm_map *sub = uvm_km_suballoc(parent->map, &vmin, &vmax, size,
	    (op->flags & KOPF_INTRSAFE) ? VM_MAP_INTRSAFE : VM_MAP_PAGEABLE,
	    (op->flags & KOPF_FIXED) != 0, NULL);
	struct hs_map *m = &h->maps[h->nmaps++];
	m->id = hs_new_id(h, &h->next_map_id, label);
	m->map = sub;
	m->intrsafe = (op->flags & KOPF_INTRSAFE) != 0;
	op->result_id = m->id;
}

static void
exec_pgremove(struct harness *h, struct km_op *op)
{
	struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, NULL);
	struct pmap *pm = h->uvm->pmap;
	vaddr_t s = a->va + ptoa(op->page), e = s + ptoa(op->count);

	if (op->count == 0)
		return;
	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		struct hs_counts before, after;
		unsigned int res = 0, slots = 0, only = h->uvm->exp.swpgonly;
		if (h->cfg.checkers) {
			/* What lies in the range: exactly that must go. */
			struct uvm_object *uobj = h->uvm->kernel_object;
			const vaddr_t base = vm_map_min(h->uvm->kernel_map);
			for (vaddr_t va = s; va < e; va += PAGE_SIZE) {
				res += uvm_pagelookup(uobj, va - base) != NULL;
				slots += uao_find_swslot(uobj,
				    atop(va - base)) != 0;
			}
			hs_counts_take(h, &before);
		}
		pmap_remove(pm, s, e);
		uvm_km_pgremove(h->uvm, s, e);
		/* Waits may have paged out more: compare only without them. */
		if (h->cfg.checkers && h->waits == 0) {
			hs_counts_take(h, &after);
			if (before.objpages - after.objpages != res ||
			    before.swpginuse - after.swpginuse != slots ||
			    only - h->uvm->exp.swpgonly != slots)
				hfail(h, "swap", s, "pgremove of a%u pages "
				    "%u..%u freed %u pages and %u slots "
				    "(swpgonly -%u), expected %u and %u", a->id,
				    op->page, op->page + op->count - 1,
				    before.objpages - after.objpages,
				    before.swpginuse - after.swpginuse,
				    only - h->uvm->exp.swpgonly, res, slots);
		}
	} else {
		uvm_km_pgremove_intrsafe(h->maps[a->map].map, s, e);
		pmap_kremove(pm, s, e - s);
	}
	pmap_update(pm);
	for (uint32_t p = op->page; p < op->page + op->count; p++) {
		a->word[p] = 0;
		a->touched &= ~((uint64_t)1 << p);
		if (hs_type(a) == UVM_KMF_WIRED)
			a->removed |= (uint64_t)1 << p;
	}
}

static void
exec_touch(struct harness *h, struct km_op *op)
{
	struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, NULL);
	const uint64_t bit = (uint64_t)1 << op->page;
	vaddr_t va = a->va + ptoa(op->page);
	bool write = (op->flags & KOPF_WRITE) != 0;
	uint32_t word = 0;

	if (hs_type(a) == UVM_KMF_VAONLY || (a->removed & bit))
		return;		/* nothing there to touch */
	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		int error = uvm_fault(h->maps[a->map].map, va,
		    write ? VM_PROT_WRITE : VM_PROT_READ, false);
		if (error != 0) {
			hfail(h, "pmap", va, "fault-in of a%u page %u failed: "
			    "%d", a->id, op->page, error);
			return;
		}
		a->touched |= bit;
	}
	int r = h->host.read(h->host.ctx, va, &word, sizeof(word));
	if (r != HACC_OK) {
		hfail(h, r == HACC_STALE ? "tlb" : "pmap", va, "a%u page %u "
		    "does not read after %s", a->id, op->page,
		    hs_type(a) == UVM_KMF_PAGEABLE ? "fault-in" : "alloc");
		return;
	}
	/* Wired pages without ZERO hold junk until written. */
	bool known = hs_type(a) == UVM_KMF_PAGEABLE || a->word[op->page] != 0 ||
	    (a->flags & UVM_KMF_ZERO);
	if (known && word != a->word[op->page]) {
		hfail(h, "data", va, "a%u page %u reads 0x%x, expected 0x%x",
		    a->id, op->page, word, a->word[op->page]);
		return;
	}
	if (write) {
		word = hs_pattern(++h->generation, a->id, op->page);
		r = h->host.write(h->host.ctx, va, &word, sizeof(word));
		if (r != HACC_OK) {
			hfail(h, r == HACC_STALE ? "tlb" : "pmap", va,
			    "a%u page %u is not writable", a->id, op->page);
			return;
		}
		a->word[op->page] = word;
	}
}

static void
exec_busy(struct harness *h, struct km_op *op)
{
	struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, NULL);

	if (hs_type(a) != UVM_KMF_PAGEABLE)
		return;
	struct vm_page *pg = uvm_pagelookup(h->uvm->kernel_object,
	    a->va + ptoa(op->page) - vm_map_min(h->uvm->kernel_map));
	if (pg != NULL && !(pg->flags & PG_BUSY)) {
		pg->flags |= PG_BUSY;
		pg->owner_tag = "harness io";
	}
}

static void
exec_poolpage_get(struct harness *h, struct km_op *op)
{
	struct hs_map *m = hs_map_by_id(h, op->map_id, NULL);
	bool waitok = !(op->flags & KOPF_NOWAIT);
	uint16_t label = op->result_id;

	op->result_id = 0;
	if (h->npool >= HARNESS_MAX_POOLPAGES)
		return;
	vaddr_t va = (op->flags & KOPF_UNCACHED) ?
	    uvm_km_alloc_poolpage(m->map, waitok) :
	    uvm_km_alloc_poolpage_cache(m->map, waitok);
	if (va == 0)
		return;
	struct hs_poolpage *p = &h->pool[h->npool++];
	p->id = hs_new_id(h, &h->next_pool_id, label);
	p->map = (uint8_t)(m - h->maps);
	p->uncached = (op->flags & KOPF_UNCACHED) != 0;
	p->va = va;
	op->result_id = p->id;
}

static void
exec_poolpage_put(struct harness *h, struct km_op *op)
{
	unsigned int idx;
	struct hs_poolpage *p = hs_pool_by_id(h, op->handle_id, &idx);
	struct hs_poolpage gone = *p;
	struct vm_map *map = h->maps[p->map].map;

	if (p->uncached)
		uvm_km_free_poolpage(map, p->va);
	else
		uvm_km_free_poolpage_cache(map, p->va);
	for (unsigned int i = idx; i + 1 < h->npool; i++)
		h->pool[i] = h->pool[i + 1];
	h->npool--;
	/* A direct-map VA always translates; a map VA must not any more. */
	if (h->cfg.checkers && !h->uvm->cfg.poolpage_direct_map) {
		int r = h->host.access(h->host.ctx, gone.va, false, false);
		if (r == HACC_STALE)
			hfail(h, "tlb", gone.va, "freed pool page p%u still "
			    "translates through a stale TLB entry", gone.id);
		else if (r != HACC_FAULT)
			hfail(h, "security", gone.va, "freed pool page p%u "
			    "still translates", gone.id);
	}
}

/* An invalid call; returns only if the core let it through. */
static void
exec_misuse(struct harness *h, struct km_op *op)
{
	if (op->misuse == KMIS_POOLPAGE_TWICE) {
		struct hs_poolpage *p = hs_pool_by_id(h, op->handle_id, NULL);
		struct hs_poolpage copy = *p;
		exec_poolpage_put(h, op);
		struct vm_map *map = h->maps[copy.map].map;
		if (copy.uncached)
			uvm_km_free_poolpage(map, copy.va);
		else
			uvm_km_free_poolpage_cache(map, copy.va);
		return;
	}
	struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, NULL);
	struct vm_map *map = h->maps[a->map].map;
	uint32_t type = a->flags & UVM_KMF_TYPEMASK;
	switch (op->misuse) {
	case KMIS_DOUBLE_FREE: {
		struct hs_alloc copy = *a;
		exec_free(h, op);
		uvm_km_free(map, copy.va, copy.size, type);
		break;
	}
	case KMIS_WRONG_SIZE:
		uvm_km_free(map, a->va, a->size + PAGE_SIZE, type);
		break;
	case KMIS_WRONG_TYPE:
		uvm_km_free(map, a->va, a->size, type == UVM_KMF_PAGEABLE ?
		    UVM_KMF_WIRED : UVM_KMF_PAGEABLE);
		break;
	case KMIS_MISALIGNED:
		uvm_km_free(map, a->va + 8, a->size, type);
		break;
	case KMIS_INSIDE:
		if (a->size > PAGE_SIZE)
			uvm_km_free(map, a->va + PAGE_SIZE, PAGE_SIZE, type);
		else
			uvm_km_free(map, a->va, a->size + PAGE_SIZE, type);
		break;
	default:
		break;
	}
}

void
harness_exec(struct harness *h, struct km_op *op)
{
	struct hs_map *m = NULL;

	switch (op->code) {
	case KOP_ALLOC:		exec_alloc(h, op); break;
	case KOP_FREE:		exec_free(h, op); break;
	case KOP_SUBALLOC:	exec_suballoc(h, op); break;
	case KOP_PGREMOVE:	exec_pgremove(h, op); break;
	case KOP_TOUCH:		exec_touch(h, op); break;
	case KOP_BUSY:		exec_busy(h, op); break;
	case KOP_POOLPAGE_GET:	exec_poolpage_get(h, op); break;
	case KOP_POOLPAGE_PUT:	exec_poolpage_put(h, op); break;
	case KOP_MISUSE:	exec_misuse(h, op); break;
	case KOP_PAGEOUT:
		uvm_pageout(h->uvm, op->n);
		break;
	case KOP_DRAIN:
		m = hs_map_by_id(h, op->map_id, NULL);
		uvm_km_va_drain(m->map, 0);
		break;
	case KOP_FAIL_PAGEALLOC:
		h->uvm->test.fail_pagealloc_in = op->n;
		break;
	case KOP_HOLD_LOCK:
		m = hs_map_by_id(h, op->map_id, NULL);
		if (h->host.hold_lock(h->host.ctx, &m->map->lock))
			h->held = &m->map->lock;
		break;
	case KOP_IDLEZERO:
		uvm_pageidlezero(h->uvm, op->n);
		break;
	default:
		break;
	}
}
