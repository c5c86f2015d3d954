/*
 * policy.c: valid use -- the one place that decides how an op may be
 * changed so that its call is valid and can finish, and how a wait is
 * satisfied.  The interpreter (bytes and text alike), the test kernel
 * and the C repros all run through it.
 *
 * Adjusting.  Before each op, policy_adjust looks at the shadow and the
 * instance and may
 *   - make a PAGEABLE alloc on an interrupt-safe map WIRED (such maps
 *     hold no object-backed memory: NetBSD would assert);
 *   - drop WAITVA when no free range of the map could ever fit, add
 *     CANFAIL (alloc) or nowait (pool page) when a page wait could never
 *     end -- nothing else runs while the harness's single CPU waits, so
 *     such a call would sleep forever;
 *   - make an op on a map whose lock another CPU holds non-blocking, or
 *     have the other CPU let go first (hold_lock);
 *   - not run an op at all (a fault that could get no page, a full
 *     shadow, a submap with no room, an unmap or a submap that needs
 *     more map entries than the instance has left: kernel code may not
 *     fail those, NetBSD panics).
 * Each decision is a KADJ_* bit in op->adjusted, which the trace keeps
 * and the text prints ("# adjusted: ..."), so nobody mistakes an adjusted
 * op for the one the input spelled.  Adjusting is idempotent: a printed
 * trace, parsed and run again, is not adjusted again (but for ops that
 * are not run, which say so every time).
 *
 * Waiting.  The core sleeps through uvm_platform_wait; the host calls
 * harness_wait, which stands in for the rest of the system: a page
 * shortage runs the pagedaemon (finishing busy "I/O" if that is all that
 * stands in the way), a busy page finishes its I/O, a full map drains
 * its KVA cache.  A wait that nothing can satisfy, or more than
 * HARNESS_WAIT_BUDGET waits in one op, is a would-block finding.
 *
 * Example: with 3 pages free and a reserve of 8, "alloc kernel_map
 * 0x4000 WIRED" would wait forever for pages and runs as
 * "alloc kernel_map 0x4000 WIRED|CANFAIL -> fail  # adjusted: CANFAIL
 * added (a page wait could never end)".
 */
#include "harness_priv.h"

/*
 * Could a waiting allocation of `npages' colored pages finish?  Each
 * wait runs the pagedaemon (harness_wait), which pushes out pageable
 * pages oldest first, as many as there are free swap slots; so the pages
 * it can ever free are the first `swap free' idle pages of the queue,
 * whatever their colors.  The allocation needs about npages/ncolors of
 * each color (+1 for rounding) above the kernel reserve.
 */
static bool
pages_suffice(struct harness *h, unsigned int npages)
{
	struct uvm *uvm = h->uvm;
	unsigned int ncolors = uvm->exp.ncolors;
	unsigned int per_color = (npages + ncolors - 1) / ncolors + 1;
	unsigned int have[UVM_MAX_COLORS], total = uvm->exp.free;
	unsigned int slots = uvm->exp.swpages - uvm->exp.swpginuse;

	for (unsigned int c = 0; c < ncolors; c++)
		have[c] = uvm->freelist[c].count[0] + uvm->freelist[c].count[1];
	for (struct vm_page *pg = uvm->pageq_head; pg != NULL && slots > 0;
	    pg = pg->qnext)
		if (!(pg->flags & PG_BUSY)) {
			have[pg->color]++;
			total++;
			slots--;
		}
	if (total < uvm->exp.reserve_kernel + npages + 1)
		return false;
	for (unsigned int c = 0; c < ncolors; c++)
		if (have[c] < per_color)
			return false;
	return true;
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

	if (uvm_pagelookup(uvm->kernel_object,
	    hs_kobj_off(h, a->va + ptoa(page))) != NULL)
		return true;
	if (uvm->exp.free > uvm->exp.reserve_pagedaemon + 1)
		return true;
	return uvm_reclaimable(uvm);
}

/*
 * Another CPU holds h->held.  Calls that would take that lock try it
 * instead (and fail); any other op that may lock a map would wait
 * forever, so the other CPU lets go before it; ops that take no map
 * lock run while it is held, and it is let go when they end.
 */
static unsigned int
adjust_for_held_lock(struct harness *h, struct km_op *op)
{
	bool on_held = (op->code == KOP_ALLOC || op->code == KOP_POOLPAGE_GET ||
	    op->code == KOP_MAP) &&
	    &h->maps[op->map_sel].map->lock == h->held;

	if (on_held && op->code == KOP_ALLOC) {
		unsigned int adj = (op->flags & UVM_KMF_TRYLOCK) ? 0 :
		    KADJ_TRYLOCK;
		if (op->flags & UVM_KMF_WAITVA)
			adj |= KADJ_NO_WAITVA;
		op->flags = (op->flags | UVM_KMF_TRYLOCK) & ~UVM_KMF_WAITVA;
		h->release_after = h->held;
		return adj;
	}
	if (on_held && op->code == KOP_MAP) {
		unsigned int adj = (op->flags & KOPF_MAP_TRYLOCK) ? 0 :
		    KADJ_TRYLOCK;
		if (op->flags & KOPF_MAP_WAITVA)
			adj |= KADJ_NO_WAITVA;
		op->flags = (op->flags | KOPF_MAP_TRYLOCK) & ~KOPF_MAP_WAITVA;
		h->release_after = h->held;
		return adj;
	}
	if (on_held) {
		unsigned int adj = (op->flags & KOPF_NOWAIT) ? 0 : KADJ_TRYLOCK;
		op->flags |= KOPF_NOWAIT;
		h->release_after = h->held;
		return adj;
	}
	switch (op->code) {
	case KOP_ALLOC: case KOP_POOLPAGE_GET: case KOP_MAP: case KOP_PAGEOUT:
	case KOP_FAIL_PAGEALLOC: case KOP_IDLEZERO: case KOP_BUSY:
		h->release_after = h->held;	/* no lock of that map */
		return 0;
	default:
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
		return KADJ_LET_GO;
	}
}

/* Map entries the instance can still hand out. */
static unsigned int
entries_left(const struct harness *h)
{
	return h->uvm->cfg.max_map_entries - h->uvm->entries_inuse;
}

/*
 * Entries an unmap of [start, end) in `map' must split off: one for
 * each end that falls inside an entry (merging may have made a region's
 * entry larger than the region).
 */
static unsigned int
unmap_clips(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;
	unsigned int n = 0;

	mutex_enter(&map->lock);
	if (uvm_map_lookup_entry(map, start, &e) && e->start < start)
		n++;
	if (uvm_map_lookup_entry(map, end - 1, &e) && e->end > end)
		n++;
	mutex_exit(&map->lock);
	return n;
}

/* The rules for an op whose map and handles are resolved. */
static unsigned int
adjust_rules(struct harness *h, struct km_op *op)
{
	struct hs_map *m = km_op_has_map(op) ? &h->maps[op->map_sel] : NULL;
	unsigned int adj = 0;

	switch (op->code) {
	case KOP_ALLOC: {
		if (h->nallocs >= HARNESS_MAX_ALLOCS)
			return KADJ_SKIP_FULL;
		if (m->intrsafe && (op->flags & UVM_KMF_TYPEMASK) ==
		    UVM_KMF_PAGEABLE) {
			op->flags = (op->flags & ~UVM_KMF_TYPEMASK) |
			    UVM_KMF_WIRED;
			adj |= KADJ_WIRED;
		}
		vsize_t need = ptoa(op->npages) + hs_op_align(op);
		if ((op->flags & UVM_KMF_WAITVA) &&
		    uvm_map_largest_gap(m->map) < need) {
			op->flags &= ~UVM_KMF_WAITVA;
			adj |= KADJ_NO_WAITVA;
		}
		if ((op->flags & UVM_KMF_TYPEMASK) == UVM_KMF_WIRED &&
		    !(op->flags & (UVM_KMF_NOWAIT | UVM_KMF_CANFAIL)) &&
		    !pages_suffice(h, op->npages)) {
			op->flags |= UVM_KMF_CANFAIL;
			adj |= KADJ_CANFAIL;
		}
		return adj;
	}
	case KOP_TOUCH: {
		const struct hs_alloc *a = &h->allocs[op->handle_sel];
		if (hs_type(a) == UVM_KMF_PAGEABLE &&
		    !fault_can_finish(h, a, op->page))
			return KADJ_SKIP_FAULT;
		return 0;
	}
	case KOP_POOLPAGE_GET: {
		if (h->npool >= HARNESS_MAX_POOLPAGES)
			return KADJ_SKIP_FULL;
		/* a KVA-cache refill takes a run of pages; else one page */
		vsize_t va_need = (op->flags & KOPF_UNCACHED) ||
		    !(m->map->flags & VM_MAP_VACACHE) ? PAGE_SIZE :
		    2 * KM_VACACHE_SIZE;
		if (!(op->flags & KOPF_NOWAIT) &&
		    (!pages_suffice(h, 1) ||
		    uvm_map_largest_gap(m->map) < va_need)) {
			op->flags |= KOPF_NOWAIT;
			return KADJ_NOWAIT;
		}
		return 0;
	}
	case KOP_MAP: {
		if (h->nregions >= HARNESS_MAX_REGIONS)
			return KADJ_SKIP_FULL;
		/*
		 * Nothing frees VA while the harness's one CPU waits, so
		 * WAITVA stays only where uvm_map surely finds room now: the
		 * map's minimum as hint and a fit by the placement model.
		 * (FIXED into an occupied range, or a search above a hint,
		 * would wait forever.)
		 */
		vaddr_t fit;
		if ((op->flags & KOPF_MAP_WAITVA) &&
		    ((op->flags & KOPF_MAP_FIXED) || op->n != 0 ||
		    !model_map_fit(m->map, ptoa(op->npages), hs_op_align(op),
		    &fit))) {
			op->flags &= ~KOPF_MAP_WAITVA;
			adj |= KADJ_NO_WAITVA;
		}
		return adj;
	}
	case KOP_UNMAP: {
		const struct hs_region *r = &h->regions[op->handle_sel];
		uint64_t bit = (uint64_t)1 << op->page;
		if (r->flags & KOPF_MAP_QUANTUM) {
			/* never split: all of it (its pages are all live) */
			if (op->page == 0 && op->count == r->npages)
				return 0;
			op->page = 0;
			op->count = r->npages;
			return KADJ_WHOLE;
		}
		if (!(r->live & bit))
			return KADJ_SKIP_UNMAPPED;
		/* the VA of an unmapped page may be someone else's now */
		uint32_t n = 0;
		while (n < op->count &&
		    (r->live & ((uint64_t)1 << (op->page + n))))
			n++;
		unsigned int adj2 = 0;
		if (n != op->count) {
			op->count = n;
			adj2 = KADJ_LIVE_RUN;
		}
		vaddr_t va = r->va + ptoa(op->page);
		if (unmap_clips(h->maps[r->map].map, va, va + ptoa(op->count))
		    > entries_left(h))
			return KADJ_SKIP_NOENTRY;
		return adj2;
	}
	case KOP_SUBALLOC:
		if (h->nmaps >= HARNESS_MAX_MAPS ||
		    h->uvm->nsubmaps >= h->uvm->cfg.max_submaps ||
		    uvm_map_largest_gap(m->map) < ptoa(op->npages))
			return KADJ_SKIP_NOROOM;
		if (entries_left(h) == 0)
			return KADJ_SKIP_NOENTRY;
		return 0;
	default:
		return 0;
	}
}

void
policy_adjust(struct harness *h, struct km_op *op)
{
	struct km_op orig = *op;
	unsigned int adj = 0;

	h->release_after = NULL;
	if (h->held != NULL)
		adj |= adjust_for_held_lock(h, op);
	adj |= adjust_rules(h, op);
	if (h->cfg.as_written && !km_op_same_text(op, &orig)) {
		/* The calls are spelled out: run them as they are. */
		*op = orig;
		adj = (adj & (KADJ_NOT_RUN | KADJ_LET_GO)) | KADJ_AS_WRITTEN;
		if (h->cfg.note != NULL) {
			char line[192];
			km_text_print(op, line, sizeof(line));
			h->cfg.note(h->cfg.note_arg, "the policy would adjust "
			    "this op now; it runs as written:");
			h->cfg.note(h->cfg.note_arg, line);
		}
	}
	op->adjusted = (uint16_t)adj;
}

/* ---- waiting ------------------------------------------------------------ */

bool
policy_finish_busy_io(struct harness *h)
{
	bool any = false;

	for (struct vm_page *pg = h->uvm->pageq_head; pg != NULL;
	    pg = pg->qnext)
		if (pg->flags & PG_BUSY) {
			uvm_page_unbusy(h->uvm, pg);
			any = true;
		}
	return any;
}

/* Page out, finishing busy I/O if that is all that blocks it. */
static unsigned int
reclaim(struct harness *h)
{
	unsigned int n = uvm_pageout(h->uvm, 16);
	if (n > 0)
		return n;
	return policy_finish_busy_io(h) ? uvm_pageout(h->uvm, 16) : 0;
}

bool
harness_wait(struct harness *h, enum uvm_wait_reason why, const void *what,
    const char *wmesg, char *msg, size_t len)
{
	if (++h->waits > HARNESS_WAIT_BUDGET) {
		uvm_snprintf(msg, len, "would block: %u waits in one op, the "
		    "last on \"%s\" (a wait loop)", h->waits - 1, wmesg);
		return false;
	}
	switch (why) {
	case UVM_WAIT_BUSYPAGE:
		uvm_page_unbusy(h->uvm, (struct vm_page *)(uintptr_t)what);
		return true;
	case UVM_WAIT_PAGES:
		/* The shortage was a failure the harness injected: retry. */
		if (h->uvm->exp.pagealloc_fail_injected != h->injected_seen) {
			h->injected_seen = h->uvm->exp.pagealloc_fail_injected;
			return true;
		}
		/*
		 * A real shortage, perhaps of one color only: the pagedaemon
		 * must free something, or the sleep never ends.
		 */
		if (reclaim(h) > 0)
			return true;
		uvm_snprintf(msg, len, "would block on \"%s\": %u pages free,"
		    " nothing to page out", wmesg, h->uvm->exp.free);
		return false;
	case UVM_WAIT_VA: {
		struct vm_map *map = (struct vm_map *)(uintptr_t)what;
		if ((map->flags & VM_MAP_VACACHE) &&
		    pool_reclaim(&vm_map_to_kernel(map)->vmk_vacache) > 0)
			return true;
		uvm_snprintf(msg, len, "would block on \"%s\": map [0x%lx, "
		    "0x%lx) full and nothing to drain", wmesg,
		    (unsigned long)vm_map_min(map),
		    (unsigned long)vm_map_max(map));
		return false;
	}
	}
	uvm_snprintf(msg, len, "would block: unknown wait %d", (int)why);
	return false;
}
