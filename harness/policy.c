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
 *     end -- only what the program armed the other CPU to free
 *     (wait_frees), the pagedaemon and a drain of the map's KVA cache
 *     run while the harness's single CPU waits, so such a call would
 *     sleep forever;
 *   - have the other CPU let go of a lock it holds (hold_lock) before an
 *     op that would wait for it;
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
 * harness_wait, which stands in for the rest of the system: first the
 * other CPU frees the allocation the program armed (wait_frees,
 * exec_cpu.c), else a page shortage runs the pagedaemon (finishing busy
 * "I/O" if that is all that stands in the way), a busy page finishes its
 * I/O, a full map drains its KVA cache.  A wait that nothing can satisfy, or more than
 * HARNESS_WAIT_BUDGET waits in one op, is a would-block finding.
 *
 * Example: with 3 pages free and a reserve of 8, "alloc kernel_map
 * 0x4000 WIRED" would wait forever for pages and runs as
 * "alloc kernel_map 0x4000 WIRED|CANFAIL -> fail  # adjusted: CANFAIL
 * added (a page wait could never end)".
 */
#include "harness_priv.h"

/*
 * The pages the other CPU frees when a call sleeps (wait_frees): those
 * of the armed allocation, resident ones if pageable.  Each counted in
 * have[its color]; a pageable one's kernel-object range in *olo, *ohi
 * (else both 0), so that the pagedaemon's count skips them.
 * => how many.
 */
static unsigned int
armed_pages(struct harness *h, unsigned int *have, voff_t *olo, voff_t *ohi)
{
	int i = harness_armed_index(h);
	unsigned int n = 0;

	*olo = *ohi = 0;
	if (i < 0 || hs_type(&h->allocs[i]) == UVM_KMF_VAONLY)
		return 0;
	const struct hs_alloc *a = &h->allocs[i];
	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		*olo = hs_kobj_off(h, a->va);
		*ohi = *olo + a->size;
	}
	for (vaddr_t va = a->va; va < a->va + a->size; va += PAGE_SIZE) {
		struct vm_page *pg = NULL;
		paddr_t pa;
		if (hs_type(a) == UVM_KMF_PAGEABLE)
			pg = uvm_pagelookup(h->uvm->kernel_object,
			    hs_kobj_off(h, va));
		else if (pmap_extract(h->uvm->pmap, va, &pa))
			pg = uvm_phys_to_vm_page(h->uvm, pa);
		if (pg != NULL) {
			have[pg->color]++;
			n++;
		}
	}
	return n;
}

/* The free range freeing the entry at `va' would open (0: no entry). */
static vsize_t
freed_gap(struct harness *h, struct vm_map *map, vaddr_t va)
{
	struct vm_map_entry *e;

	if (!hs_map_entry_at(h, map, va, &e))
		return 0;
	vaddr_t lo = e->prev != NULL ? e->prev->end : vm_map_min(map);
	vaddr_t hi = e->next != NULL ? e->next->start : vm_map_max(map);
	return hi - lo;
}

/*
 * The size of the free range the other CPU's free would open in `map'
 * (the armed allocation's entry and the gaps beside it), 0 if the armed
 * allocation is elsewhere or none is armed.
 */
static vsize_t
armed_gap(struct harness *h, struct vm_map *map)
{
	int i = harness_armed_index(h);

	if (i < 0 || h->maps[h->allocs[i].map].map != map)
		return 0;
	return freed_gap(h, map, h->allocs[i].va);
}

/*
 * The largest free range a drain of the map's KVA cache would open (the
 * wait policy drains it when an allocation sleeps for VA): an empty
 * cache page's run with the gaps beside it.  Neighbouring empty runs
 * would open more together; counting each alone keeps this a lower
 * bound, so WAITVA stays only where the drain surely makes room.
 */
static vsize_t
drain_gap(struct harness *h, struct vm_map *map)
{
	vsize_t best = 0;

	if (!(map->flags & VM_MAP_VACACHE))
		return 0;
	for (const struct pool_item_header *ph =
	    vm_map_to_kernel(map)->vmk_vacache.pr_emptypages.head;
	    ph != NULL; ph = ph->ph_next) {
		vsize_t gap = freed_gap(h, map, ph->ph_page);
		best = gap > best ? gap : best;
	}
	return best;
}

/*
 * Could a waiting allocation of `npages' colored pages finish?  Each
 * wait runs the pagedaemon (harness_wait), which pushes out pageable
 * pages oldest first, as many as there are free swap slots; so the pages
 * it can ever free are the first `swap free' idle pages of the queue,
 * whatever their colors.  The first wait also has the other CPU free
 * the armed allocation (wait_frees).  The allocation needs about
 * npages/ncolors of each color (+1 for rounding) above the kernel
 * reserve.
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
	voff_t olo, ohi;
	total += armed_pages(h, have, &olo, &ohi);
	for (struct vm_page *pg = uvm->pageq_head; pg != NULL && slots > 0;
	    pg = pg->qnext)
		if (!(pg->flags & PG_BUSY) && !(pg->uobject ==
		    uvm->kernel_object && pg->offset >= olo &&
		    pg->offset < ohi)) {
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
 * Could a fault at va (pageable kernel memory) get a page?  A resident
 * page needs
 * none; otherwise there must be a free page kernel-object allocations may
 * take (above the pagedaemon's reserve), or something the pagedaemon can
 * push out to a free swap slot.
 */
static bool
fault_can_finish(struct harness *h, vaddr_t va)
{
	struct uvm *uvm = h->uvm;

	if (uvm_pagelookup(uvm->kernel_object, hs_kobj_off(h, va)) != NULL)
		return true;
	if (uvm->exp.free > uvm->exp.reserve_pagedaemon + 1)
		return true;
	return hs_reclaimable(h);
}

/* Has [sva, eva) of a region a mapping, an object page or a swap slot? */
static bool
region_has_pages(struct harness *h, vaddr_t sva, vaddr_t eva)
{
	struct uvm_object *uobj = h->uvm->kernel_object;

	for (vaddr_t va = sva; va < eva; va += PAGE_SIZE)
		if (pmap_extract(h->uvm->pmap, va, NULL) ||
		    uvm_pagelookup(uobj, hs_kobj_off(h, va)) != NULL ||
		    uao_find_swslot(uobj, atop(hs_kobj_off(h, va))) != 0)
			return true;
	return false;
}

/*
 * An unmap's VA only promises the pages are gone already; a fault
 * (rtouch) may have brought some in: then it unmaps them too.
 */
static unsigned int
unmap_vaonly(struct harness *h, const struct hs_region *r, struct km_op *op)
{
	vaddr_t va = r->va + ptoa(op->page);

	if (!(op->flags & KOPF_UNMAP_VAONLY) ||
	    !region_has_pages(h, va, va + ptoa(op->count)))
		return 0;
	op->flags &= ~(uint32_t)KOPF_UNMAP_VAONLY;
	return KADJ_NO_VAONLY;
}

/*
 * A fault (touch, rtouch) at va that would wait for a page forever is
 * made nowait: it then fails with ENOMEM, which its end step accepts.
 */
static unsigned int
fault_nowait_if_stuck(struct harness *h, struct km_op *op, vaddr_t va)
{
	if ((op->flags & KOPF_TOUCH_NOWAIT) || fault_can_finish(h, va))
		return 0;
	op->flags |= KOPF_TOUCH_NOWAIT;
	return KADJ_FAULT_NOWAIT;
}

/*
 * Does `op' take the lock of `map' (NULL: of any map)?  The calls on a
 * map lock it, and an allocation's or region's map is locked to give it
 * back; a pool page through the direct map takes no map lock.  Faults
 * (touch, busy) may walk from kernel_map into a submap, and misuse or
 * pgremove are left to the worst case: any map.  Ops on pages alone
 * (pageout, idle zeroing, failure injection) and the other CPU's own
 * ops take none.
 */
static bool
locks_map(const struct harness *h, const struct km_op *op,
    const struct vm_map *map)
{
	const struct vm_map *m;

	switch (op->code) {
	case KOP_POOLPAGE_GET: case KOP_POOLPAGE_PUT:
		if (h->uvm->cfg.poolpage_direct_map)
			return false;
		m = op->code == KOP_POOLPAGE_GET ? h->maps[op->map_sel].map :
		    h->maps[h->pool[op->handle_sel].map].map;
		break;
	case KOP_ALLOC: case KOP_SUBALLOC: case KOP_DRAIN: case KOP_MAP:
		m = h->maps[op->map_sel].map;
		break;
	case KOP_FREE:
		m = h->maps[h->allocs[op->handle_sel].map].map;
		break;
	case KOP_UNMAP:
		m = h->maps[h->regions[op->handle_sel].map].map;
		break;
	case KOP_PAGEOUT: case KOP_FAIL_PAGEALLOC: case KOP_IDLEZERO:
	case KOP_HOLD_LOCK: case KOP_WAIT_FREES: case KOP_SHAPE:
		return false;
	default:
		return true;
	}
	return map == NULL || m == map;
}

/* A call that meets a held lock and fails rather than wait for it. */
static bool
never_waits_for_lock(const struct km_op *op)
{
	switch (op->code) {
	case KOP_ALLOC:
		return (op->flags & UVM_KMF_TRYLOCK) != 0;
	case KOP_MAP:
		return (op->flags & KOPF_MAP_TRYLOCK) != 0;
	case KOP_POOLPAGE_GET:
		return (op->flags & KOPF_NOWAIT) != 0;
	default:
		return false;
	}
}

/*
 * Another CPU holds h->held (hold_lock) and keeps it while the program
 * goes on: an op that does not take that lock runs beside it, and one
 * that takes it without waiting (TRYLOCK, nowait) runs into it and
 * fails.  An op that would wait for the lock would wait forever on the
 * harness's one CPU, so the other CPU lets go first; the op then runs
 * as written.
 */
static unsigned int
adjust_for_held_lock(struct harness *h, struct km_op *op)
{
	const struct vm_map *held_map = NULL;

	for (unsigned int i = 0; i < h->nmaps; i++)
		if (&h->maps[i].map->lock == h->held)
			held_map = h->maps[i].map;
	if (held_map != NULL && (!locks_map(h, op, held_map) ||
	    never_waits_for_lock(op)))
		return 0;
	h->host.release_lock(h->host.ctx, h->held);
	h->held = NULL;
	return KADJ_LET_GO;
}

/* Map entries the instance can still hand out. */
static unsigned int
entries_left(const struct harness *h)
{
	return h->uvm->cfg.max_map_entries - h->uvm->entries_inuse;
}

/*
 * Take `need' map entries for the current op, or say why it cannot run.
 * With several CPUs the entries an op was judged by at its start may go
 * to another CPU's op before it takes them, so each op claims what it may
 * take until it ends (policy_op_done), and the judge counts the others'
 * claims as gone.  An op whose calls fail cleanly when no entry is left
 * (`can_fail') still runs then, unless the last entries are another
 * op's claim; an unmap's clip cannot fail, so it never runs short.
 * (One CPU: nothing is claimed, so the rule is the plain count.)
 */
static unsigned int
claim_entries(struct harness *h, unsigned int need, bool can_fail)
{
	unsigned int left = entries_left(h);
	unsigned int unclaimed = left > h->entry_claims ?
	    left - h->entry_claims : 0;

	if (unclaimed < need)
		return can_fail && h->entry_claims == 0 ? 0 :
		    KADJ_SKIP_NOENTRY;
	if (h->smp) {
		h->cpus[h->cur_cpu].entry_claim += need;
		h->entry_claims += need;
	}
	return 0;
}

/*
 * A slot in handle table `slot' (HS_SLOT_*) holding `used' of `max', or
 * KADJ_SKIP_FULL.  With several CPUs the other CPUs' ops in flight may
 * fill slots after this op is judged: each claims its slot until it ends.
 */
static unsigned int
claim_slot(struct harness *h, unsigned int slot, unsigned int used,
    unsigned int max)
{
	if (used + h->slot_claims[slot] >= max)
		return KADJ_SKIP_FULL;
	if (h->smp) {
		h->cpus[h->cur_cpu].slot_claim = slot + 1;
		h->slot_claims[slot]++;
	}
	return 0;
}

void
policy_op_done(struct harness *h)
{
	struct harness_cpu *p = &h->cpus[h->cur_cpu];

	KASSERT(h->entry_claims >= p->entry_claim);
	h->entry_claims -= p->entry_claim;
	p->entry_claim = 0;
	if (p->slot_claim != 0) {
		KASSERT(h->slot_claims[p->slot_claim - 1] > 0);
		h->slot_claims[p->slot_claim - 1]--;
		p->slot_claim = 0;
	}
}

/*
 * May an op on region r (an unmap, a fault) use page `page'?  Its own
 * live pages, and -- on one CPU, where nobody can map them meanwhile --
 * pages that are holes of the map now (unmapped since, no entry holds
 * them): uvm_unmap passes over holes, and a fault there must fail with
 * EFAULT.  Never VA someone else took.
 */
static bool
region_page_ok(struct harness *h, const struct hs_region *r, uint32_t page)
{
	return hs_region_page_live(r, page) || (!h->smp &&
	    model_range_free(h->maps[r->map].map, r->va + ptoa(page),
	    PAGE_SIZE));
}

/*
 * Entries an unmap of [start, end) in `map' must split off: one for
 * each end that falls inside an entry (merging may have made a region's
 * entry larger than the region).
 */
static unsigned int
unmap_clips(struct harness *h, struct vm_map *map, vaddr_t start,
    vaddr_t end)
{
	struct vm_map_entry *e;
	unsigned int n = 0;

	if (hs_map_entry_at(h, map, start, &e) && e->start < start)
		n++;
	if (hs_map_entry_at(h, map, end - 1, &e) && e->end > end)
		n++;
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
		if (claim_slot(h, HS_SLOT_ALLOC, h->nallocs,
		    HARNESS_MAX_ALLOCS) != 0)
			return KADJ_SKIP_FULL;
		if (m->intrsafe && (op->flags & UVM_KMF_TYPEMASK) ==
		    UVM_KMF_PAGEABLE) {
			op->flags = (op->flags & ~UVM_KMF_TYPEMASK) |
			    UVM_KMF_WIRED;
			adj |= KADJ_WIRED;
		}
		vsize_t need = ptoa(op->npages) + hs_op_align(op);
		if ((op->flags & UVM_KMF_WAITVA) &&
		    uvm_map_largest_gap(m->map) < need &&
		    armed_gap(h, m->map) < need &&
		    drain_gap(h, m->map) < need) {
			op->flags &= ~UVM_KMF_WAITVA;
			adj |= KADJ_NO_WAITVA;
		}
		if ((op->flags & UVM_KMF_TYPEMASK) == UVM_KMF_WIRED &&
		    !(op->flags & (UVM_KMF_NOWAIT | UVM_KMF_CANFAIL)) &&
		    !pages_suffice(h, op->npages)) {
			op->flags |= UVM_KMF_CANFAIL;
			adj |= KADJ_CANFAIL;
		}
		return adj | claim_entries(h, 1, true);
	}
	case KOP_TOUCH: {
		const struct hs_alloc *a = &h->allocs[op->handle_sel];
		if (hs_type(a) != UVM_KMF_PAGEABLE)
			return 0;
		return fault_nowait_if_stuck(h, op, a->va + ptoa(op->page));
	}
	case KOP_RTOUCH: {
		const struct hs_region *r = &h->regions[op->handle_sel];
		/*
		 * The VA of an unmapped page may be someone else's now.  If
		 * no entry holds it, the fault is a kernel touching a hole
		 * (kcopy of a bad address): it must fail with EFAULT --
		 * judged on one CPU, where nobody can map it meanwhile.
		 */
		if (!hs_region_page_live(r, op->page))
			return region_page_ok(h, r, op->page) ? 0 :
			    KADJ_SKIP_UNMAPPED;
		if (!(r->flags & KOPF_MAP_OBJ))
			return 0;
		return fault_nowait_if_stuck(h, op, r->va + ptoa(op->page));
	}
	case KOP_POOLPAGE_GET: {
		if (claim_slot(h, HS_SLOT_POOL, h->npool,
		    HARNESS_MAX_POOLPAGES) != 0)
			return KADJ_SKIP_FULL;
		/* a KVA-cache refill takes a run of pages; else one page */
		vsize_t va_need = (op->flags & KOPF_UNCACHED) ||
		    !(m->map->flags & VM_MAP_VACACHE) ? PAGE_SIZE :
		    2 * (vsize_t)vm_map_to_kernel(m->map)->
		    vmk_vacache_allocator.pa_pagesz;
		if (!(op->flags & KOPF_NOWAIT) &&
		    (!pages_suffice(h, 1) ||
		    uvm_map_largest_gap(m->map) < va_need)) {
			op->flags |= KOPF_NOWAIT;
			return KADJ_NOWAIT | claim_entries(h, 1, true);
		}
		return claim_entries(h, 1, true);
	}
	case KOP_MAP: {
		if (claim_slot(h, HS_SLOT_REGION, h->nregions,
		    HARNESS_MAX_REGIONS) != 0)
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
		    (!model_map_fit(m->map, vm_map_min(m->map),
		    ptoa(op->npages), hs_op_align(op), &fit) && armed_gap(h, m->map) < ptoa(op->npages) +
		    hs_op_align(op)))) {
			op->flags &= ~KOPF_MAP_WAITVA;
			adj |= KADJ_NO_WAITVA;
		}
		return adj | claim_entries(h, 1, true);
	}
	case KOP_UNMAP: {
		const struct hs_region *r = &h->regions[op->handle_sel];
		if (r->flags & KOPF_MAP_QUANTUM) {
			/* never split: all of it (its pages are all live) */
			unsigned int adjq = 0;
			if (op->page != 0 || op->count != r->npages) {
				op->page = 0;
				op->count = r->npages;
				adjq = KADJ_WHOLE;
			}
			return adjq | unmap_vaonly(h, r, op);
		}
		if (!region_page_ok(h, r, op->page))
			return KADJ_SKIP_UNMAPPED;
		/* the VA of an unmapped page may be someone else's now */
		uint32_t n = 0;
		while (n < op->count && region_page_ok(h, r, op->page + n))
			n++;
		unsigned int adj2 = 0;
		if (n != op->count) {
			op->count = n;
			adj2 = KADJ_LIVE_RUN;
		}
		vaddr_t va = r->va + ptoa(op->page);
		unsigned int adj3 = claim_entries(h, unmap_clips(h,
		    h->maps[r->map].map, va, va + ptoa(op->count)), false);
		if (adj3 != 0)
			return adj3;
		return adj2 | unmap_vaonly(h, r, op);
	}
	case KOP_SUBALLOC:
		if (h->nmaps >= HARNESS_MAX_MAPS ||
		    h->uvm->nsubmaps >= h->uvm->cfg.max_submaps ||
		    uvm_map_largest_gap(m->map) < ptoa(op->npages))
			return KADJ_SKIP_NOROOM;
		return claim_entries(h, 1, false);
	default:
		return 0;
	}
}

void
policy_adjust(struct harness *h, struct km_op *op)
{
	struct km_op orig = *op;
	unsigned int adj = 0;

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

/*
 * A concurrent program's schedule: how many CPUs, and whether the
 * instance frees cached pool pages without pmap_update (NetBSD's
 * non-DEBUG code).  That form makes stale translations by design, so a
 * run only gets it when its config allows it; otherwise the op says
 * "# adjusted: noupdate dropped ...".
 */
void
policy_schedule(struct harness *h, struct km_op *op,
    struct harness_instance *inst)
{
	if ((op->flags & KOPF_SCHED_NOUPDATE) && !h->cfg.allow_noupdate) {
		if (h->cfg.as_written)
			op->adjusted |= KADJ_AS_WRITTEN;
		else {
			op->flags &= ~(uint32_t)KOPF_SCHED_NOUPDATE;
			op->adjusted |= KADJ_NO_NOUPDATE;
		}
	}
	inst->ncpus = op->count;
	inst->poolpage_free_noupdate = (op->flags & KOPF_SCHED_NOUPDATE) != 0;
}

/* ---- waiting ------------------------------------------------------------ */

bool
policy_finish_busy_io(struct harness *h)
{
	bool any = false;

	/* only the harness's own I/O: another CPU ends what it busied */
	for (struct vm_page *pg = h->uvm->pageq_head; pg != NULL;
	    pg = pg->qnext)
		if ((pg->flags & PG_BUSY) && pg->owner_tag == hs_io_tag) {
			uvm_page_unbusy(h->uvm, pg);
			any = true;
		}
	return any;
}

/*
 * The counts the pagedaemon and the KVA cache's drain return decide
 * whether a sleep ends, so each is judged against what the call did:
 * the pages uvm_pageout says it freed against uvmexp.free, the pages
 * pool_reclaim says it gave back against the cache's empty pages
 * before the call (a count of the wrong sign or size would end a sleep
 * that nothing helped, or prolong one that something did).  One CPU
 * only: with several, another runs at each lock these calls take.
 */
static unsigned int
pageout_judged(struct harness *h)
{
	const unsigned int free0 = h->uvm->exp.free;
	const unsigned int n = uvm_pageout(h->uvm, 16);

	if (h->cfg.checkers && !h->smp && h->uvm->exp.free - free0 != n)
		hfail(h, "pages", 0, "uvm_pageout says it freed %u pages, "
		    "uvmexp.free went from %u to %u", n, free0,
		    h->uvm->exp.free);
	return n;
}

static int
drain_judged(struct harness *h, struct vm_map *map)
{
	struct pool *pp = &vm_map_to_kernel(map)->vmk_vacache;
	unsigned int empty = 0;

	for (const struct pool_item_header *ph = pp->pr_emptypages.head;
	    ph != NULL; ph = ph->ph_next)
		empty++;
	const int n = pool_reclaim(pp);
	if (h->cfg.checkers && !h->smp && n != (int)empty)
		hfail(h, "pool", 0, "pool_reclaim of map [0x%lx, 0x%lx)'s KVA "
		    "cache says it gave back %d pages; %u were empty",
		    (unsigned long)vm_map_min(map),
		    (unsigned long)vm_map_max(map), n, empty);
	return n;
}

/* Page out, finishing busy I/O if that is all that blocks it. */
static unsigned int
reclaim(struct harness *h)
{
	unsigned int n = pageout_judged(h);
	if (n > 0)
		return n;
	return policy_finish_busy_io(h) ? pageout_judged(h) : 0;
}

/*
 * Lost wakeups.  The core says it will sleep (pages_wanted, PG_WANTED,
 * wantva) and sleeps on a channel; on a real machine only a wakeup on
 * that channel ends the sleep, issued by the code that made what the
 * sleeper needs.  The policy plays that code's part (the other CPU's
 * free, the pagedaemon, the end of the I/O, the KVA cache's drain), so
 * when it made what the sleeper needs the core must have woken the
 * channel meanwhile -- else the sleeper would sleep on for good, which
 * the harness's returning from the wait would hide.  One CPU only: with
 * several, a wakeup may have come before the policy ran.
 * => the count to compare with after the action (0 if not judged).
 */
static unsigned long
wakeups_before(struct harness *h, const void *chan)
{
	if (h->smp || h->host.wakeups == NULL)
		return 0;
	return h->host.wakeups(h->host.ctx, chan);
}

static void
expect_woken(struct harness *h, const void *chan, unsigned long before,
    const char *wmesg, const char *what)
{
	if (h->smp || h->host.wakeups == NULL ||
	    h->host.wakeups(h->host.ctx, chan) != before)
		return;
	hfail(h, "liveness", 0, "lost wakeup: %s, but the core never woke "
	    "the \"%s\" sleeper (it would sleep for good)", what, wmesg);
}

static bool
wait_policy(struct harness *h, enum uvm_wait_reason why, const void *what,
    const char *wmesg, char *msg, size_t len)
{
	unsigned long woken = wakeups_before(h, what);
	unsigned int free0 = h->uvm->exp.free;

	if (++h->waits > HARNESS_WAIT_BUDGET) {
		uvm_snprintf(msg, len, "would block: %u waits in one op, the "
		    "last on \"%s\" (a wait loop)", h->waits - 1, wmesg);
		return false;
	}
	/* Another CPU frees what the program armed; the model follows. */
	int armed = harness_armed_index(h);
	const struct vm_map *armed_map = armed < 0 ? NULL :
	    h->maps[h->allocs[armed].map].map;
	if (why != UVM_WAIT_BUSYPAGE &&
	    harness_other_cpu_free(h, why == UVM_WAIT_VA)) {
		if (why == UVM_WAIT_VA && armed_map == what)
			expect_woken(h, what, woken, wmesg, "the other CPU "
			    "freed VA in the map it waits for");
		else if (why == UVM_WAIT_PAGES && h->uvm->exp.free > free0)
			expect_woken(h, what, woken, wmesg, "the other CPU "
			    "freed pages");
		return true;
	}
	h->waits_unmodelled++;
	switch (why) {
	case UVM_WAIT_BUSYPAGE: {
		struct vm_page *pg = (struct vm_page *)(uintptr_t)what;
		if (pg->owner_tag != hs_io_tag) {
			uvm_snprintf(msg, len, "would block: page 0x%lx is busy "
			    "(%s), not with the harness's I/O",
			    (unsigned long)pg->phys_addr,
			    pg->owner_tag != NULL ? pg->owner_tag : "no owner");
			return false;
		}
		uvm_page_unbusy(h->uvm, pg);
		expect_woken(h, what, woken, wmesg, "the page's I/O ended");
		return true;
	}
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
		if (reclaim(h) > 0) {
			if (h->uvm->exp.free > free0)
				expect_woken(h, what, woken, wmesg, "the "
				    "pagedaemon freed pages");
			return true;
		}
		uvm_snprintf(msg, len, "would block on \"%s\": %u pages free,"
		    " nothing to page out", wmesg, h->uvm->exp.free);
		return false;
	case UVM_WAIT_VA: {
		struct vm_map *map = (struct vm_map *)(uintptr_t)what;
		if ((map->flags & VM_MAP_VACACHE) &&
		    drain_judged(h, map) > 0) {
			expect_woken(h, what, woken, wmesg, "the map's KVA "
			    "cache gave its VA back");
			return true;
		}
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

/*
 * With several CPUs, a wait the policy cannot end comes when every CPU
 * sleeps or is done and what the sleeper needs is held by the others'
 * live handles: the program's doing, which the policy cannot see coming
 * at the op's start (the others allocate meanwhile), not the core's.
 * The run stops there, clean, and the op says so ("# adjusted: ...
 * stuck"); every CPU unwinds at its next switch point.  A deadlock on
 * locks stays a finding (adapter/smp_host.c).
 */
bool
harness_wait(struct harness *h, enum uvm_wait_reason why, const void *what,
    const char *wmesg, char *msg, size_t len)
{
	char held[48];

	/*
	 * A sleep with a mutex held stops every CPU that wants it until the
	 * sleeper wakes (LOCKDEBUG's "sleep with a spin lock held"); on
	 * one CPU the policy's waking it would hide that.
	 */
	if (h->cfg.checkers && hs_held_lock(h, false, held, sizeof(held))) {
		hfail(h, "locks", 0, "the core sleeps on \"%s\" holding %s",
		    wmesg, held);
		uvm_snprintf(msg, len, "sleeps holding %s", held);
		return false;
	}
	if (model_wait_judge(h, wmesg)) {
		uvm_snprintf(msg, len, "a needless sleep on \"%s\"", wmesg);
		return false;
	}
	if (wait_policy(h, why, what, wmesg, msg, len))
		return true;
	if (h->smp) {
		if (h->op != NULL)
			h->op->adjusted |= KADJ_STUCK;
		h->stuck = h->stopped = true;
	}
	return false;
}
