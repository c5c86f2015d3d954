/*
 * model.c: reference models -- what a call must return, computed from
 * plain data before the call, so that a wrong answer and a wrong
 * failure are both findings:
 *
 *   placement  the core put it elsewhere than the model's first fit, or
 *              found room where the model has none;
 *   liveness   the core failed a call the model says must succeed;
 *   pages      a wired allocation succeeded where its pages must have
 *              run out (NOWAIT, or CANFAIL with nothing reclaimable), or
 *              a wired page is not of its offset's color.
 *
 * The map model walks the map's sorted entry list (not the tree the
 * core searches): free runs in address order, the first one that fits
 * `size' bytes at `align' wins -- the core's documented bounded rule
 * included: the run in front of the first entry is tried first, then
 * at most UMAP_EXACT_VISITS (64) big-enough runs may fail to fit once
 * aligned before the search asks for runs of size + align - PAGE_SIZE,
 * which always fit (core/uvm_map.c, umap_findspace).  Above a hint,
 * only runs that end at or above hint + size are visited and counted
 * (a run in front of the hint is never a candidate), and a fit starts
 * at the hint at the earliest.
 *
 * The page model replays uvm_pagealloc_strat on the free counts: page i
 * of a wired allocation at kva needs a free page of color
 * atop(kva + i * PAGE_SIZE - kernel map min) & (ncolors - 1), and the
 * free count must stay above the kernel reserve (NOWAIT may use it) and
 * the pagedaemon's; a pending injected failure fails its call.
 *
 * Example: kernel_map [0x1000, 0x9000) with entries [0x1000, 0x2000)
 * and [0x3000, 0x4000); "alloc 0x2000 align=0x4000" must land at
 * 0x4000: the run [0x2000, 0x3000) is too small, [0x4000, 0x9000) holds
 * 0x4000 aligned.  Landing at 0x8000, or failing, is a finding.
 */
#include "harness_priv.h"

#define MODEL_EXACT_VISITS	64	/* core/uvm_map.c UMAP_EXACT_VISITS */

/* The lowest start in [lo, hi) >= hint, aligned (amask), with size. */
static bool
run_fit(vaddr_t lo, vaddr_t hi, vaddr_t hint, vsize_t size, vsize_t amask,
    vaddr_t *va)
{
	vaddr_t s = lo > hint ? lo : hint;
	vaddr_t a = (s + amask) & ~amask;

	if (a < s || a > hi || hi - a < size)
		return false;
	*va = a;
	return true;
}

/* The free run after entry e (up to the next entry or the map's end). */
static vaddr_t
run_end(const struct vm_map *map, const struct vm_map_entry *e)
{
	return e->next != NULL ? e->next->start : map->max_offset;
}

/* The first run after an entry with at least `need' bytes that fits. */
static bool
walk_runs(const struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t need, vsize_t amask, unsigned int budget, vaddr_t *va)
{
	for (const struct vm_map_entry *e = map->first; e != NULL;
	    e = e->next) {
		/* runs too small, or ending below hint + size: not visited */
		if (run_end(map, e) - e->end < need ||
		    run_end(map, e) < hint + size)
			continue;
		if (run_fit(e->end, run_end(map, e), hint, size, amask, va))
			return true;
		if (budget-- == 0)
			return false;
	}
	return false;
}

bool
model_map_fit(const struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t align, vaddr_t *va)
{
	const vsize_t amask = (align > PAGE_SIZE ? align : PAGE_SIZE) - 1;
	const vaddr_t first = map->first != NULL ? map->first->start :
	    map->max_offset;

	size = round_page(size);
	/* uvm_map starts a search below the map at its minimum */
	if (hint < map->min_offset)
		hint = map->min_offset;
	if (size == 0 || hint > map->max_offset ||
	    map->max_offset - hint < size)
		return false;
	if (run_fit(map->min_offset, first, hint, size, amask, va))
		return true;
	if (walk_runs(map, hint, size, size, amask, MODEL_EXACT_VISITS, va))
		return true;
	vsize_t sure = size + amask + 1 - PAGE_SIZE;
	if (sure < size)
		return false;
	return walk_runs(map, hint, size, sure, amask, ~0u, va);
}

/*
 * Would `n' page allocations starting at kernel-object offset `off'
 * (colormatched unless !colormatch) all get a page?  => the index of
 * the first that fails, or n; *color0 (if not NULL) the color the first
 * one gets: its offset's, or without colormatch the first color from
 * uvm->nextcolor on that has a free page.  A colormatched allocation
 * that fails for want of its color alone counts in uvmexp.colormiss:
 * h->before.colormiss_want says whether the first failure is one.
 */
static unsigned int
pages_until_short(struct harness *h, voff_t off, unsigned int n,
    bool colormatch, bool usereserve, unsigned int *color0)
{
	struct uvm *uvm = h->uvm;
	unsigned int ncolors = uvm->exp.ncolors, free = uvm->exp.free;
	unsigned int have[UVM_MAX_COLORS], next = uvm->nextcolor;
	unsigned int inject = uvm->test.fail_pagealloc_in;

	for (unsigned int c = 0; c < ncolors; c++)
		have[c] = uvm->freelist[c].count[0] + uvm->freelist[c].count[1];
	for (unsigned int i = 0; i < n; i++) {
		if (inject != 0 && --inject == 0)
			return i;
		if ((free <= uvm->exp.reserve_kernel && !usereserve) ||
		    free <= uvm->exp.reserve_pagedaemon)
			return i;
		unsigned int c = (unsigned int)atop(off + ptoa(i)) &
		    (ncolors - 1);
		if (!colormatch) {
			unsigned int k = 0;
			while (k < ncolors && have[(next + k) & (ncolors - 1)] == 0)
				k++;
			if (k == ncolors)
				return i;
			c = (next + k) & (ncolors - 1);
			next = (c + 1) & (ncolors - 1);
		}
		if (have[c] == 0) {
			h->before.colormiss_want = colormatch;
			return i;
		}
		if (i == 0 && color0 != NULL)
			*color0 = c;
		have[c]--;
		free--;
	}
	return n;
}

/*
 * Can the pagedaemon reclaim a page?  A pageable page is queued and swap
 * has a free slot (uvm_reclaimable's rule, computed here from the state
 * so that a core whose answer is wrong is judged by the right one).
 */
bool
hs_reclaimable(const struct harness *h)
{
	const struct uvm *uvm = h->uvm;

	return uvm->pageq_count > 0 && uvm->exp.swpginuse < uvm->exp.swpages;
}

/* ---- uvm_km_alloc ------------------------------------------------------- */

/* Nothing about colormiss or the queues predicted yet (each op's start). */
static void
pages_predict_begin(struct harness *h)
{
	struct hs_before *b = &h->before;

	b->colormiss = h->uvm->exp.colormiss;
	b->colormiss_want = false;
	b->queues = false;
}

/*
 * Each color's count of zeroed free pages once the op has taken its
 * pages (b->zeros[]), for ops that get every page at once.
 * uvm_pagealloc takes from the queue the caller wants -- pre-zeroed
 * pages for UVM_PGA_ZERO, pages of unknown contents otherwise -- and
 * from the other only when that one is empty: a ZERO allocation that
 * zeroes a page while a zeroed one waits, or a plain one that uses up
 * the idle loop's work, is judged by judge_queues.  So are uvmexp's
 * counters of it: colorhit grows by one per page, pga_zerohit by one per
 * ZERO page that came zeroed, pga_zeromiss per one that had to be
 * zeroed.  queues_begin takes the snapshot, queues_take one page of
 * color c.
 */
static void
queues_begin(struct harness *h, unsigned int *unknown)
{
	struct hs_before *b = &h->before;
	const struct uvm *uvm = h->uvm;

	b->queues = !h->smp;	/* others take and free pages meanwhile */
	b->colorhit = uvm->exp.colorhit;
	b->zerohit = uvm->exp.pga_zerohit;
	b->zeromiss = uvm->exp.pga_zeromiss;
	for (unsigned int c = 0; c < uvm->exp.ncolors; c++) {
		unknown[c] = uvm->freelist[c].count[PGFL_UNKNOWN];
		b->zeros[c] = (uint16_t)uvm->freelist[c].count[PGFL_ZEROS];
	}
}

static void
queues_take(struct harness *h, unsigned int *unknown, unsigned int c,
    bool zero)
{
	struct hs_before *b = &h->before;

	bool zeroed = zero ? b->zeros[c] > 0 : unknown[c] == 0;

	b->colorhit++;
	if (zero && zeroed)
		b->zerohit++;
	else if (zero)
		b->zeromiss++;
	if (zeroed)
		b->zeros[c]--;
	else
		unknown[c]--;
}

/*
 * uvmexp.colormiss after an op that did not sleep: one more if its
 * first page allocation failed for want of its color, else as it was.
 */
static void
judge_colormiss(struct harness *h, const char *what)
{
	const struct hs_before *b = &h->before;
	unsigned int got = h->uvm->exp.colormiss - b->colormiss;
	/* a TRYLOCK call that found the map locked took no page at all */
	bool want = b->colormiss_want && !b->lock_held;

	if (!h->cfg.checkers || h->smp || h->waits != 0 || h->found)
		return;
	if (got != (want ? 1u : 0u))
		hfail(h, "pages", 0, "%s: uvmexp.colormiss grew by %u, but %s",
		    what, got, want ? "a page of the color it "
		    "matched was missing once" : "no colormatched page "
		    "allocation failed for want of its color");
}

/* After an op that got its pages without waiting: zeros[] held? */
static void
judge_queues(struct harness *h, const char *what)
{
	const struct hs_before *b = &h->before;
	const struct uvm *uvm = h->uvm;

	if (!h->cfg.checkers || !b->queues || h->waits != 0 || h->found)
		return;
	for (unsigned int c = 0; c < uvm->exp.ncolors; c++)
		if (uvm->freelist[c].count[PGFL_ZEROS] != b->zeros[c]) {
			hfail(h, "pages", 0, "%s left color %u with %u zeroed "
			    "free pages; each page from its queue (zeroed for "
			    "ZERO, else unknown contents) first leaves %u",
			    what, c, uvm->freelist[c].count[PGFL_ZEROS],
			    b->zeros[c]);
			return;
		}
	if (uvm->exp.colorhit != b->colorhit ||
	    uvm->exp.pga_zerohit != b->zerohit ||
	    uvm->exp.pga_zeromiss != b->zeromiss)
		hfail(h, "pages", 0, "%s: uvmexp colorhit %u, pga_zerohit %u, "
		    "pga_zeromiss %u; its pages make them %u, %u, %u (one hit "
		    "per page; per ZERO page a zerohit if its queue had a "
		    "zeroed one, else a zeromiss)", what, uvm->exp.colorhit,
		    uvm->exp.pga_zerohit, uvm->exp.pga_zeromiss, b->colorhit,
		    b->zerohit, b->zeromiss);
}

void
model_alloc_predict(struct harness *h, const struct km_op *op)
{
	struct hs_before *b = &h->before;
	const struct hs_map *m = &h->maps[op->map_sel];
	struct uvm *uvm = h->uvm;

	b->judged = false;
	pages_predict_begin(h);
	/* the entry the new range needs must be there to take */
	if (uvm->entries_inuse >= uvm->cfg.max_map_entries)
		return;
	b->judged = true;
	b->room = model_map_fit(m->map, vm_map_min(m->map), hs_op_size(op),
	    hs_op_align(op), &b->fit);
	b->lock_held = h->held == &m->map->lock;
	b->pages_ok = b->pages_short = false;
	if (!b->room || (op->flags & UVM_KMF_TYPEMASK) != UVM_KMF_WIRED)
		return;
	unsigned int n = (unsigned int)atop(round_page(hs_op_size(op)));
	unsigned int got = pages_until_short(h, hs_kobj_off(h, b->fit), n,
	    true, (op->flags & UVM_KMF_NOWAIT) != 0, NULL);
	b->pages_ok = got == n;
	if (b->pages_ok) {
		unsigned int unknown[UVM_MAX_COLORS];
		voff_t off = hs_kobj_off(h, b->fit);
		queues_begin(h, unknown);
		for (unsigned int i = 0; i < n; i++)
			queues_take(h, unknown, (unsigned int)atop(off +
			    ptoa(i)) & (uvm->exp.ncolors - 1),
			    (op->flags & UVM_KMF_ZERO) != 0);
	}
	/* a shortage the call may not wait out: it must fail */
	b->pages_short = got < n && ((op->flags & UVM_KMF_NOWAIT) ||
	    ((op->flags & UVM_KMF_CANFAIL) && !hs_reclaimable(h)));
}

/*
 * The verdict on a call that put `size' bytes (align) into map m at va
 * (0: failed), given the prediction in h->before.  `can' is whether
 * everything but the VA was there (pages, the lock).
 */
static void
judge_placement(struct harness *h, const struct hs_map *m, vaddr_t va,
    vsize_t size, vsize_t align, bool can, const char *what)
{
	const struct hs_before *b = &h->before;

	if (va != 0 && !b->room)
		hfail(h, "placement", va, "m%u: %s of 0x%lx bytes at 0x%lx "
		    "where no free range fits it (align 0x%lx)", m->id, what,
		    (unsigned long)size, (unsigned long)va,
		    (unsigned long)align);
	else if (va != 0 && va != b->fit)
		hfail(h, "placement", va, "m%u: %s at 0x%lx, but the first "
		    "fit is 0x%lx (size 0x%lx align 0x%lx)", m->id, what,
		    (unsigned long)va, (unsigned long)b->fit,
		    (unsigned long)size, (unsigned long)align);
	else if (va == 0 && b->room && can)
		hfail(h, "liveness", b->fit, "m%u: %s of 0x%lx bytes (align "
		    "0x%lx) failed, but 0x%lx is free and all else is there",
		    m->id, what, (unsigned long)size, (unsigned long)align,
		    (unsigned long)b->fit);
}

/* Does this pool page get come from its map's KVA cache? */
static bool
poolpage_cached(const struct harness *h, const struct km_op *op)
{
	return !(op->flags & KOPF_UNCACHED) &&
	    !h->uvm->cfg.poolpage_direct_map &&
	    (h->maps[op->map_sel].map->flags & VM_MAP_VACACHE);
}

/*
 * How a pool page get runs, for messages: "(cached) " from the map's
 * KVA cache, "(direct-map) " a page seen through the direct map, ""
 * a one-page wired allocation (model_poolpage_predict's three cases).
 */
static const char *
poolpage_how(const struct harness *h, const struct km_op *op)
{
	if (h->uvm->cfg.poolpage_direct_map)
		return "(direct-map) ";
	return poolpage_cached(h, op) ? "(cached) " : "";
}

/*
 * An allocation, pool page get or fault is about to sleep (wmesg) for
 * the first time.  When the model had what it needs there (the VA and,
 * wired or pool, the page; a fault's page) -- one CPU, the map lock
 * free -- it has no reason to: the sleep is the core's fault.
 * Judged here, at the sleep, because what follows hides it: a sleep the
 * policy can end (the pagedaemon, a KVA cache drain) makes the op run
 * on a state the prediction did not see, and one it cannot end would
 * pass for the program's "would block".  => true: it was (a finding).
 */
bool
model_wait_judge(struct harness *h, const char *wmesg)
{
	const struct km_op *op = h->op;
	const struct hs_before *b = &h->before;

	if (!h->cfg.checkers || h->smp || h->found || op == NULL ||
	    h->waits != 0 || !b->judged)
		return false;
	if (op->code == KOP_TOUCH)	/* model_fault_judge's other half */
		return !b->page_busy && b->pages_ok &&
		    !hfail(h, "liveness", 0, "fault on a%u page %u sleeps "
		    "on \"%s\", but its page was there (resident, or "
		    "free: a kernel-object page may take the kernel "
		    "reserve)", h->allocs[op->handle_sel].id, op->page, wmesg);
	if (!b->room || b->lock_held)
		return false;
	if (op->code == KOP_POOLPAGE_GET)
		return b->pages_ok && !hfail(h, "liveness", 0, "m%u: pool "
		    "page %sget sleeps on \"%s\", but a VA and a page were "
		    "there", h->maps[op->map_sel].id, poolpage_how(h, op),
		    wmesg);
	bool wired = (op->flags & UVM_KMF_TYPEMASK) == UVM_KMF_WIRED;
	if (op->code != KOP_ALLOC || (wired && !b->pages_ok))
		return false;
	return !hfail(h, "liveness", b->fit, "m%u: %s of 0x%lx bytes (align 0x%lx) "
	    "sleeps on \"%s\", but 0x%lx is free%s",
	    h->maps[op->map_sel].id, wired ? "wired allocation" :
	    "allocation", (unsigned long)hs_op_size(op),
	    (unsigned long)hs_op_align(op), wmesg, (unsigned long)b->fit,
	    wired ? " and its pages are there" : "");
}

void
model_alloc_judge(struct harness *h, const struct km_op *op, vaddr_t va)
{
	const struct hs_before *b = &h->before;
	const struct hs_map *m = &h->maps[op->map_sel];
	bool wired = (op->flags & UVM_KMF_TYPEMASK) == UVM_KMF_WIRED;

	/* a call that waited ran on a state the prediction did not see */
	if (!h->cfg.checkers || !b->judged || h->waits_unmodelled != 0 ||
	    h->found)
		return;
	judge_placement(h, m, va, hs_op_size(op), hs_op_align(op),
	    !b->lock_held && (!wired || b->pages_ok), wired ?
	    "wired allocation" : "allocation");
	if (!h->found && va != 0 && wired && b->pages_short)
		hfail(h, "pages", va, "m%u: wired allocation of %u pages "
		    "succeeded, but its pages had run out and it may not wait",
		    m->id, (unsigned int)atop(round_page(hs_op_size(op))));
	/*
	 * Its VA was there and its pages ran short, but it may wait for
	 * them (no NOWAIT; CANFAIL gives up only when nothing can be
	 * reclaimed): the core must sleep, and the policy made sure that
	 * the sleep ends.  Failing at once is giving up early.
	 */
	else if (!h->found && va == 0 && wired && b->room && !b->lock_held &&
	    !b->pages_ok && !b->pages_short && h->waits == 0)
		hfail(h, "liveness", b->fit, "m%u: wired allocation of %u "
		    "pages failed without waiting, but it may wait for its "
		    "pages (%s)", m->id,
		    (unsigned int)atop(round_page(hs_op_size(op))),
		    (op->flags & UVM_KMF_CANFAIL) ? "CANFAIL, and pages can "
		    "be reclaimed" : "neither NOWAIT nor CANFAIL");
	if (va != 0 && wired)
		judge_queues(h, (op->flags & UVM_KMF_ZERO) ?
		    "wired allocation (ZERO)" : "wired allocation");
	judge_colormiss(h, "allocation");
}

/* ---- uvm_map of a region ------------------------------------------------ */

/* Is [va, va + size) inside map and free of entries? (map stable) */
bool
model_range_free(const struct vm_map *map, vaddr_t va, vsize_t size)
{
	if (va < map->min_offset || va > map->max_offset ||
	    map->max_offset - va < size)
		return false;
	for (const struct vm_map_entry *e = map->first; e != NULL; e = e->next)
		if (e->start < va + size && va < e->end)
			return false;
	return true;
}

void
model_map_predict(struct harness *h, const struct km_op *op)
{
	struct hs_before *b = &h->before;
	const struct hs_map *m = &h->maps[op->map_sel];
	vsize_t size = ptoa(op->npages);
	vaddr_t hint = vm_map_min(m->map) + ptoa(op->n);
	vsize_t amask = (hs_op_align(op) > PAGE_SIZE ? hs_op_align(op) :
	    PAGE_SIZE) - 1;

	/*
	 * Judged: FIXED (exactly the hint, if aligned and free) and a
	 * search (the first fit at or above the hint); no free entry to
	 * take (a merge may still need none) is not.
	 */
	b->invalid = (op->prot & ~op->maxprot) != 0;
	b->judged = b->invalid ||
	    h->uvm->entries_inuse < h->uvm->cfg.max_map_entries;
	b->lock_held = h->held == &m->map->lock;
	if (op->flags & KOPF_MAP_FIXED) {
		b->room = (hint & amask) == 0 && model_range_free(m->map, hint, size);
		b->fit = hint;
	} else {
		b->room = model_map_fit(m->map, hint, size, hs_op_align(op),
		    &b->fit);
	}
}

void
model_map_judge(struct harness *h, const struct km_op *op, vaddr_t va)
{
	const struct hs_before *b = &h->before;

	if (!h->cfg.checkers || !b->judged || h->waits_unmodelled != 0 ||
	    h->found)
		return;
	if (b->invalid) {
		/* a caller's error: refused before anything is looked at */
		if (va != 0 || b->error != EINVAL)
			hfail(h, "map", va, "m%u: uvm_map with protection 0x%x "
			    "above its maximum 0x%x returned %d%s, not EINVAL",
			    h->maps[op->map_sel].id, op->prot, op->maxprot,
			    b->error, va != 0 ? " (it mapped)" : "");
		return;
	}
	judge_placement(h, &h->maps[op->map_sel], va, ptoa(op->npages),
	    hs_op_align(op), !b->lock_held, (op->flags & KOPF_MAP_FIXED) ?
	    "fixed map" : "map");
}

/* Every page of wired allocation a is of its offset's color. */
void
model_wired_colors(struct harness *h, const struct hs_alloc *a)
{
	struct uvm *uvm = h->uvm;

	for (vaddr_t va = a->va; va < a->va + a->size && !h->found;
	    va += PAGE_SIZE) {
		paddr_t pa;
		if (!pmap_extract(uvm->pmap, va, &pa))
			continue;	/* the pmap checkers say so */
		unsigned int want = (unsigned int)atop(hs_kobj_off(h, va)) &
		    (uvm->exp.ncolors - 1);
		struct vm_page *pg = PHYS_TO_VM_PAGE(uvm, pa);
		if (pg != NULL && pg->color != want)
			hfail(h, "pages", va, "a%u page at 0x%lx has color %u, "
			    "its offset wants %u", a->id, (unsigned long)va,
			    pg->color, want);
	}
}

/* ---- faults ------------------------------------------------------------- */

/*
 * A fault on pageable memory at kernel-object offset `off': its page is
 * resident, or a free page is there for it -- a kernel-object page may
 * take the kernel reserve, down to the pagedaemon's (any color).
 */
void
model_fault_predict(struct harness *h, voff_t off)
{
	struct hs_before *b = &h->before;
	const struct vm_page *pg = uvm_pagelookup(h->uvm->kernel_object, off);
	unsigned int color = 0;

	b->judged = !h->smp;	/* others take and free pages meanwhile */
	b->lock_held = false;
	pages_predict_begin(h);
	b->page_busy = pg != NULL && (pg->flags & PG_BUSY);
	b->pages_ok = pg != NULL ||
	    pages_until_short(h, off, 1, false, true, &color) == 1;
	if (pg == NULL && b->pages_ok) {
		/* a page never written out starts zeroed, else read back */
		unsigned int unknown[UVM_MAX_COLORS];
		queues_begin(h, unknown);
		queues_take(h, unknown, color, uao_find_swslot(
		    h->uvm->kernel_object, atop(off)) == 0);
	}
}

/*
 * The fault of touch op on a<id> page `page' returned error.  With its
 * page there and not busy it may not fail with ENOMEM (nor sleep:
 * model_wait_judge sees that at the sleep).
 */
void
model_fault_judge(struct harness *h, const struct km_op *op,
    unsigned int id, int error)
{
	const struct hs_before *b = &h->before;

	if (!h->cfg.checkers || !b->judged || b->page_busy || !b->pages_ok ||
	    h->found)
		return;
	if (error == ENOMEM)
		hfail(h, "liveness", 0, "fault on a%u page %u failed (ENOMEM), "
		    "but its page was there (resident, or free: a "
		    "kernel-object page may take the kernel reserve)", id,
		    op->page);
	else if (error == 0)
		judge_queues(h, "fault");
	judge_colormiss(h, "fault");
}

/* ---- the pagedaemon ----------------------------------------------------- */

/*
 * uvm_pageout(n) writes out min(n, queued pages not busy, free swap
 * slots) pages: it skips busy ones and stops when swap is full.
 */
void
model_pageout_predict(struct harness *h, const struct km_op *op)
{
	struct hs_before *b = &h->before;
	const struct uvm *uvm = h->uvm;
	unsigned int idle = 0;

	b->judged = !h->smp;
	for (const struct vm_page *pg = uvm->pageq_head; pg != NULL;
	    pg = pg->qnext)
		if ((pg->flags & PG_BUSY) == 0)
			idle++;
	b->pageouts = op->n < idle ? op->n : idle;
	if (uvm->exp.swpages - uvm->exp.swpginuse < b->pageouts)
		b->pageouts = uvm->exp.swpages - uvm->exp.swpginuse;
}

void
model_pageout_judge(struct harness *h, const struct km_op *op,
    unsigned int done)
{
	const struct hs_before *b = &h->before;

	if (h->cfg.checkers && b->judged && !h->found && done != b->pageouts)
		hfail(h, "swap", 0, "pageout %u wrote out %u pages, but %u "
		    "were there (queued, not busy, with a free swap slot)",
		    op->n, done, b->pageouts);
}

/* ---- idle zeroing ------------------------------------------------------- */

/*
 * uvm_pageidlezero(n): min(n, free pages of unknown contents) of them
 * zeroed, one per color in turn (color 0 first, empty colors skipped),
 * so that every color gains zero pages.
 */
void
model_idlezero_predict(struct harness *h, const struct km_op *op)
{
	struct hs_before *b = &h->before;
	const struct uvm *uvm = h->uvm;
	unsigned int unknown[UVM_MAX_COLORS];
	bool progress = true;

	b->judged = !h->smp;	/* other CPUs' pages come and go meanwhile */
	b->zero_done = 0;
	queues_begin(h, unknown);
	while (b->zero_done < op->n && progress) {
		progress = false;
		for (unsigned int c = 0; c < uvm->exp.ncolors &&
		    b->zero_done < op->n; c++) {
			if (unknown[c] == 0)
				continue;
			unknown[c]--;
			b->zeros[c]++;
			b->zero_done++;
			progress = true;
		}
	}
}

void
model_idlezero_judge(struct harness *h, const struct km_op *op,
    unsigned int done)
{
	const struct hs_before *b = &h->before;
	const struct uvm *uvm = h->uvm;

	if (!h->cfg.checkers || !b->judged || h->found)
		return;
	if (done != b->zero_done) {
		hfail(h, "pages", 0, "idlezero %u zeroed %u pages, but %u "
		    "were there to zero", op->n, done, b->zero_done);
		return;
	}
	for (unsigned int c = 0; c < uvm->exp.ncolors; c++)
		if (uvm->freelist[c].count[PGFL_ZEROS] != b->zeros[c]) {
			hfail(h, "pages", 0, "idlezero %u: color %u holds %u "
			    "zeroed pages, the colors taken in turn give %u",
			    op->n, c, uvm->freelist[c].count[PGFL_ZEROS],
			    b->zeros[c]);
			return;
		}
}

/* ---- pool pages --------------------------------------------------------- */

/* Does the KVA cache of map hold a free item? */
static bool
cache_has_free(struct vm_map *map)
{
	struct pool *pp = &vm_map_to_kernel(map)->vmk_vacache;

	return pp->pr_partpages.head != NULL || pp->pr_emptypages.head != NULL;
}

void
model_poolpage_predict(struct harness *h, const struct km_op *op)
{
	struct hs_before *b = &h->before;
	struct vm_map *map = h->maps[op->map_sel].map;
	struct uvm *uvm = h->uvm;
	bool nowait = (op->flags & KOPF_NOWAIT) != 0;
	bool cached = poolpage_cached(h, op);

	unsigned int color;

	b->judged = true;
	pages_predict_begin(h);
	b->lock_held = h->held == &map->lock;
	b->pages_ok = pages_until_short(h, 0, 1, false, nowait, &color) == 1;
	if (uvm->cfg.poolpage_direct_map) {
		b->room = true;
	} else if (cached && cache_has_free(map)) {
		b->room = true;
		b->lock_held = false;	/* an item needs no map lock */
	} else if (cached) {
		/* a refill: a run aligned to its size, and a header */
		vsize_t run = vm_map_to_kernel(map)->vmk_vacache_allocator.
		    pa_pagesz;
		b->room = uvm->ph_inuse < uvm->cfg.max_pool_pages &&
		    uvm->entries_inuse < uvm->cfg.max_map_entries &&
		    model_map_fit(map, vm_map_min(map), run, run, &b->fit);
	} else {
		/* a one-page wired allocation, colormatched */
		b->room = uvm->entries_inuse < uvm->cfg.max_map_entries &&
		    model_map_fit(map, vm_map_min(map), PAGE_SIZE, 0,
		    &b->fit);
		if (b->room)
			b->pages_ok = pages_until_short(h,
			    hs_kobj_off(h, b->fit), 1, true, nowait,
			    &color) == 1;
	}
	/*
	 * Which page it gets is judged on one CPU only: another CPU's
	 * allocation may move uvm->nextcolor before this one takes its page.
	 */
	b->color = b->pages_ok && !h->smp ? (int)color : -1;
	if (b->color >= 0) {
		/* every get takes one page, of unknown contents */
		unsigned int unknown[UVM_MAX_COLORS];
		queues_begin(h, unknown);
		queues_take(h, unknown, color, false);
	}
}

/*
 * New pool page p, backed by pg, is of the color the page model chose
 * (unless the get waited: the pages it then found are not those the
 * model saw).
 */
void
model_poolpage_color(struct harness *h, const struct hs_poolpage *p,
    const struct vm_page *pg)
{
	if (h->before.color >= 0 && h->waits == 0 &&
	    pg->color != (unsigned int)h->before.color)
		hfail(h, "pages", p->va, "pool page p%u has color %u, the page "
		    "allocator owed it %u (its offset's if wired, else the "
		    "first with a free page from uvm.nextcolor)", p->id,
		    pg->color, (unsigned int)h->before.color);
}

void
model_poolpage_judge(struct harness *h, const struct km_op *op, vaddr_t va)
{
	const struct hs_before *b = &h->before;

	if (!h->cfg.checkers || !b->judged || h->waits_unmodelled != 0 ||
	    h->found)
		return;
	if (va == 0 && b->room && b->pages_ok && !b->lock_held)
		hfail(h, "liveness", 0, "m%u: pool page %sget failed, but a VA "
		    "and a page were there", h->maps[op->map_sel].id,
		    poolpage_how(h, op));
	/*
	 * No page it may take (the reserve is NOWAIT's) and it did not
	 * wait for one: it must have failed.  One CPU: another could free
	 * a page between the prediction and the call.
	 */
	else if (va != 0 && !b->pages_ok && h->waits == 0 && !h->smp)
		hfail(h, "pages", va, "m%u: pool page %sget succeeded without "
		    "waiting, but no page was free for it (%s)",
		    h->maps[op->map_sel].id, poolpage_how(h, op),
		    (op->flags & KOPF_NOWAIT) ? "NOWAIT, at the "
		    "pagedaemon's reserve" : "waitok: not the kernel reserve");
	else if (va != 0)
		judge_queues(h, "pool page get");
	judge_colormiss(h, "pool page get");
}
