/*
 * exec_page.c: the ops on pages of live allocations and on the page
 * system -- pgremove, touch, busy, pageout, idlezero, fail_pagealloc --
 * each as prepare / call / end / emit (harness_priv.h).
 *
 * Example: "touch a1 page=2 write" on a PAGEABLE a1 faults the page in
 * (uvm_fault(kernel_map, a1 + 0x2000, VM_PROT_WRITE): a CPU's fault
 * starts at kernel_map and descends into a1's submap, if any; on a
 * VA-only a1 the same fault must fail with EFAULT); the end step then reads
 * all 4096 bytes through the MMU, compares them with what the shadow
 * expects (zeros before the first write, else the seeded pattern last
 * written), writes a new pattern over the whole page and records its
 * seed, so a page that comes back from swap with any byte changed is a
 * "data" finding.  The C repro spells only the fault:
 *	error = uvm_fault(m0, a1 + 0x2000, VM_PROT_WRITE, false);
 *	DONE(error);
 * (m0 is kernel_map).
 */
#include "harness_priv.h"

/* The owner of the pages the busy op busies: I/O the harness ends. */
const char hs_io_tag[] = "harness io";

/* ---- pgremove ----------------------------------------------------------- */

static void
pgremove_range(const struct harness *h, const struct km_op *op,
    vaddr_t *s, vaddr_t *e)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	*s = a->va + ptoa(op->page);
	*e = *s + ptoa(op->count);
}

static void
pgremove_prepare(struct harness *h, struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	struct uvm_object *uobj = h->uvm->kernel_object;
	vaddr_t s, e;

	h->before.resident = h->before.slots = 0;
	if (!h->cfg.checkers || hs_type(a) != UVM_KMF_PAGEABLE)
		return;
	/* What lies in the range: exactly that must go. */
	pgremove_range(h, op, &s, &e);
	for (vaddr_t va = s; va < e; va += PAGE_SIZE) {
		h->before.resident += uvm_pagelookup(uobj,
		    hs_kobj_off(h, va)) != NULL;
		h->before.slots += uao_find_swslot(uobj,
		    atop(hs_kobj_off(h, va))) != 0;
	}
}

static uintptr_t
pgremove_call(struct harness *h, const struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	struct pmap *pm = h->uvm->pmap;
	vaddr_t s, e;

	pgremove_range(h, op, &s, &e);
	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		pmap_remove(pm, s, e);
		uvm_km_pgremove(h->uvm, s, e);
	} else {
		uvm_km_pgremove_intrsafe(h->maps[a->map].map, s, e);
		pmap_kremove(pm, s, e - s);
	}
	pmap_update(pm);
	return 0;
}

static void
pgremove_end(struct harness *h, struct km_op *op, uintptr_t unused)
{
	struct hs_alloc *a = &h->allocs[op->handle_sel];
	const struct hs_before *b = &h->before;
	struct uvm *uvm = h->uvm;

	(void)unused;
	for (uint32_t p = op->page; p < op->page + op->count; p++) {
		a->seed[p] = 0;
		a->touched &= ~((uint64_t)1 << p);
		if (hs_type(a) == UVM_KMF_WIRED)
			a->removed |= (uint64_t)1 << p;
	}
	/* Waits may have paged out more: compare only without them. */
	if (!h->cfg.checkers || hs_type(a) != UVM_KMF_PAGEABLE ||
	    h->waits != 0)
		return;
	if (b->objpages - uvm->exp.objpages != b->resident ||
	    b->swpginuse - uvm->exp.swpginuse != b->slots ||
	    b->swpgonly - uvm->exp.swpgonly != b->slots)
		hfail(h, "swap", a->va + ptoa(op->page), "pgremove of a%u "
		    "pages %u..%u freed %u pages and %u slots (swpgonly -%u), "
		    "expected %u and %u", a->id, op->page,
		    op->page + op->count - 1, b->objpages - uvm->exp.objpages,
		    b->swpginuse - uvm->exp.swpginuse,
		    b->swpgonly - uvm->exp.swpgonly, b->resident, b->slots);
}

static void
pgremove_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	unsigned long s = (unsigned long)ptoa(op->page);
	unsigned long n = (unsigned long)ptoa(op->count);

	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		emit_printf(e, "\t\tpmap_remove(pm, a%u + 0x%lx, a%u + 0x%lx);\n"
		    "\t\tuvm_km_pgremove(uvm, a%u + 0x%lx, a%u + 0x%lx);\n",
		    a->id, s, a->id, s + n, a->id, s, a->id, s + n);
	} else {
		emit_printf(e, "\t\tuvm_km_pgremove_intrsafe(");
		emit_map(e, h->maps[a->map].id);
		emit_printf(e, ", a%u + 0x%lx, a%u + 0x%lx);\n"
		    "\t\tpmap_kremove(pm, a%u + 0x%lx, 0x%lx);\n", a->id, s,
		    a->id, s + n, a->id, s, n);
	}
	emit_printf(e, "\t\tpmap_update(pm);\n\t\tDONE(0);\n");
}

const struct km_op_impl op_pgremove_impl = {
	.prepare = pgremove_prepare, .call = pgremove_call,
	.end = pgremove_end, .emit = pgremove_emit,
};

/* ---- touch -------------------------------------------------------------- */

/* A page removed by pgremove: nothing to read, and no fault is made. */
static bool
touch_nothing_p(const struct hs_alloc *a, uint32_t page)
{
	return (a->removed & ((uint64_t)1 << page)) != 0;
}

/* Does the touch fault?  Pageable pages fault in; VA-only memory must
 * refuse the fault; wired pages are mapped already. */
static bool
touch_faults_p(const struct hs_alloc *a, uint32_t page)
{
	return hs_type(a) != UVM_KMF_WIRED && !touch_nothing_p(a, page);
}

/*
 * Several CPUs: another one's pageout may take the page between the
 * fault's last unlock and the access, as on a real machine, where the
 * access would just fault again: so does this, a few times.  (Between
 * the access here and touch_end's there is no switch point.)
 */
#define TOUCH_REFAULTS	16

static void
touch_prepare(struct harness *h, struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	h->before.judged = false;
	if (h->cfg.checkers && hs_type(a) == UVM_KMF_PAGEABLE &&
	    touch_faults_p(a, op->page))
		model_fault_predict(h, hs_kobj_off(h, a->va + ptoa(op->page)));
}

static uintptr_t
touch_call(struct harness *h, const struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	vaddr_t va = a->va + ptoa(op->page);
	int error;

	if (!touch_faults_p(a, op->page))
		return 0;
	for (unsigned int i = 0;; i++) {
		error = uvm_fault(h->maps[0].map, va,
		    (op->flags & KOPF_WRITE) ? VM_PROT_WRITE : VM_PROT_READ,
		    (op->flags & KOPF_TOUCH_NOWAIT) != 0);
		if (error != 0 || !h->smp || i == TOUCH_REFAULTS ||
		    h->host.access(h->host.ctx, va, false, false) != HACC_FAULT)
			return (uintptr_t)error;
	}
}

bool
hs_verify_page(struct harness *h, const struct hs_alloc *a,
    unsigned int page, const char *when)
{
	vaddr_t va = a->va + ptoa(page);
	uint32_t seed = a->seed[page];

	/*
	 * Wired pages without ZERO hold junk until written: only whether
	 * the page reads at all is known, and one word tells.
	 */
	bool junk = hs_type(a) == UVM_KMF_WIRED && seed == 0 &&
	    !(a->flags & UVM_KMF_ZERO);
	if (h->host.read(h->host.ctx, va, h->page_buf,
	    junk ? sizeof(h->page_buf[0]) : PAGE_SIZE) != HACC_OK)
		return false;
	if (junk)
		return true;
	unsigned int j = hs_page_mismatch(h->page_buf, seed);
	if (j < HS_PAGE_WORDS)
		hfail(h, "data", va + j * 4, "a%u page %u %s: the word at "
		    "+0x%x reads 0x%x, expected 0x%x", a->id, page, when,
		    j * 4, h->page_buf[j], hs_page_want(seed, j));
	return true;
}

/*
 * One pass with no branch per word (the page is almost always right),
 * then the first wrong word is looked for only when there is one.
 */
HS_BULK_LOOP unsigned int
hs_page_mismatch(const uint32_t *buf, uint32_t seed)
{
	uint32_t diff = 0;
	unsigned int j;

	if (seed == 0)
		for (j = 0; j < HS_PAGE_WORDS; j++)
			diff |= buf[j];
	else
		for (j = 0; j < HS_PAGE_WORDS; j++)
			diff |= buf[j] ^ hs_page_word(seed, j);
	if (diff == 0)
		return HS_PAGE_WORDS;
	for (j = 0; j < HS_PAGE_WORDS; j++)
		if (buf[j] != hs_page_want(seed, j))
			break;
	return j;
}

HS_BULK_LOOP void
hs_page_fill(uint32_t *buf, uint32_t seed)
{
	for (unsigned int j = 0; j < HS_PAGE_WORDS; j++)
		buf[j] = hs_page_word(seed, j);
}

/*
 * Was a failed fault of op (touch, rtouch) on page `page' of handle
 * <kind><id> at va a refusal it may make?  A nowait fault may fail with
 * ENOMEM when no page is free for it -- and must then leave nothing
 * mapped -- or with EBUSY when its page is busy (which stays as it
 * was); a waiting fault may not fail.  => true when the end step is done.
 */
bool
hs_fault_refused(struct harness *h, const struct km_op *op, vaddr_t va,
    uintptr_t error, char kind, unsigned int id)
{
	const struct vm_page *pg;

	if (!(op->flags & KOPF_TOUCH_NOWAIT))
		return false;
	if (error == ENOMEM) {
		if (h->host.access(h->host.ctx, va, false, false) != HACC_FAULT)
			hfail(h, "pmap", va, "%c%u page %u translates after its "
			    "fault failed (%d)", kind, id, op->page, (int)error);
		return true;
	}
	if (error != EBUSY)
		return false;
	/*
	 * One CPU: the page is busy still (the busy op's I/O).  Several:
	 * another CPU's pageout may have busied it and be done by now, so
	 * the state at the end no longer says what the fault saw.
	 */
	if (h->smp)
		return true;
	pg = uvm_pagelookup(h->uvm->kernel_object, hs_kobj_off(h, va));
	return pg != NULL && (pg->flags & PG_BUSY);
}

static void
touch_end(struct harness *h, struct km_op *op, uintptr_t error)
{
	struct hs_alloc *a = &h->allocs[op->handle_sel];
	vaddr_t va = a->va + ptoa(op->page);

	if (touch_nothing_p(a, op->page))
		return;
	if (hs_type(a) == UVM_KMF_VAONLY) {
		if (error != EFAULT)
			hfail(h, "pmap", va, "fault on VA-only a%u page %u "
			    "returned %d, expected EFAULT (%d)", a->id,
			    op->page, (int)error, EFAULT);
		else if (h->host.access(h->host.ctx, va, false, false) !=
		    HACC_FAULT)
			hfail(h, "pmap", va, "VA-only a%u page %u translates "
			    "after a refused fault", a->id, op->page);
		return;
	}
	if (hs_type(a) == UVM_KMF_PAGEABLE) {
		model_fault_judge(h, op, a->id, (int)error);
		if (h->found)
			return;
		if (error != 0 && hs_fault_refused(h, op, va, error, 'a',
		    a->id))
			return;
		if (error != 0) {
			hfail(h, "pmap", va, "fault-in of a%u page %u failed: "
			    "%d", a->id, op->page, (int)error);
			return;
		}
		a->touched |= (uint64_t)1 << op->page;
	}
	if (!hs_verify_page(h, a, op->page, hs_type(a) == UVM_KMF_PAGEABLE ?
	    "after fault-in" : "as last written")) {
		int r = h->host.access(h->host.ctx, va, false, false);
		hfail(h, r == HACC_STALE ? "tlb" : "pmap", va, "a%u page %u "
		    "does not read after %s", a->id, op->page,
		    hs_type(a) == UVM_KMF_PAGEABLE ? "fault-in" : "allocation");
		return;
	}
	if (h->found || !(op->flags & KOPF_WRITE))
		return;
	/* a new pattern over the whole page */
	uint32_t seed = hs_pattern(++h->generation, a->id, op->page);
	hs_page_fill(h->page_buf, seed);
	int r = h->host.write(h->host.ctx, va, h->page_buf, PAGE_SIZE);
	if (r != HACC_OK) {
		hfail(h, r == HACC_STALE ? "tlb" : "pmap", va, "a%u page %u is "
		    "not writable", a->id, op->page);
		return;
	}
	a->seed[op->page] = seed;
}

static void
touch_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	if (touch_nothing_p(a, op->page)) {
		emit_printf(e, "\t\t/* page removed: nothing to read, no call */\n"
		    "\t\tDONE(0);\n");
		return;
	}
	if (touch_faults_p(a, op->page)) {
		emit_printf(e, "\t\terror = uvm_fault(");
		emit_map(e, h->maps[0].id);
		emit_printf(e, ", a%u + 0x%lx, %s, %s);\n", a->id,
		    (unsigned long)ptoa(op->page), (op->flags & KOPF_WRITE) ?
		    "VM_PROT_WRITE" : "VM_PROT_READ",
		    (op->flags & KOPF_TOUCH_NOWAIT) ? "true" : "false");
	} else {
		emit_printf(e, "\t\terror = 0;\t/* wired: mapped already */\n");
	}
	if (hs_type(a) == UVM_KMF_VAONLY)
		emit_printf(e, "\t\t/* DONE wants EFAULT, nothing mapped */\n"
		    "\t\tDONE(error);\n");
	else
		emit_printf(e, "\t\t/* DONE %s the page through the MMU */\n"
		    "\t\tDONE(error);\n", (op->flags & KOPF_WRITE) ?
		    "checks, then writes," : "reads and checks");
}

const struct km_op_impl op_touch_impl = {
	.prepare = touch_prepare, .call = touch_call, .end = touch_end,
	.emit = touch_emit,
};

/* ---- busy --------------------------------------------------------------- */

void
harness_start_io(struct harness *h, vaddr_t va)
{
	struct vm_page *pg = uvm_pagelookup(h->uvm->kernel_object,
	    hs_kobj_off(h, va));

	if (pg != NULL && !(pg->flags & PG_BUSY)) {
		pg->flags |= PG_BUSY;
		pg->owner_tag = hs_io_tag;
	}
}

static uintptr_t
busy_call(struct harness *h, const struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	if (hs_type(a) == UVM_KMF_PAGEABLE)
		harness_start_io(h, a->va + ptoa(op->page));
	return 0;
}

static void
busy_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	if (hs_type(a) == UVM_KMF_PAGEABLE)
		emit_printf(e, "\t\tharness_start_io(h, a%u + 0x%lx);\n", a->id,
		    (unsigned long)ptoa(op->page));
	else
		emit_printf(e, "\t\t/* not pageable: no I/O */\n");
	emit_printf(e, "\t\tDONE(0);\n");
}

const struct km_op_impl op_busy_impl = {
	.call = busy_call, .emit = busy_emit,
};

/* ---- pageout, idlezero, fail_pagealloc ---------------------------------- */

static uintptr_t
pageout_call(struct harness *h, const struct km_op *op)
{
	return uvm_pageout(h->uvm, op->n);
}

static void
pageout_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\tDONE(uvm_pageout(uvm, %u));\n", op->n);
}

static void
pageout_prepare(struct harness *h, struct km_op *op)
{
	if (h->cfg.checkers)
		model_pageout_predict(h, op);
}

static void
pageout_end(struct harness *h, struct km_op *op, uintptr_t result)
{
	model_pageout_judge(h, op, (unsigned int)result);
}

const struct km_op_impl op_pageout_impl = {
	.prepare = pageout_prepare, .call = pageout_call,
	.end = pageout_end, .emit = pageout_emit,
};

static uintptr_t
idlezero_call(struct harness *h, const struct km_op *op)
{
	return uvm_pageidlezero(h->uvm, op->n);
}

static void
idlezero_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\tDONE(uvm_pageidlezero(uvm, %u));\n", op->n);
}

static void
idlezero_prepare(struct harness *h, struct km_op *op)
{
	if (h->cfg.checkers)
		model_idlezero_predict(h, op);
}

/* The pages it zeroed passed the host as handed out: they were not. */
static void
idlezero_end(struct harness *h, struct km_op *op, uintptr_t result)
{
	model_idlezero_judge(h, op, (unsigned int)result);
	check_page_counts_base(h);
}

const struct km_op_impl op_idlezero_impl = {
	.prepare = idlezero_prepare, .call = idlezero_call,
	.end = idlezero_end, .emit = idlezero_emit,
};

static uintptr_t
fail_pagealloc_call(struct harness *h, const struct km_op *op)
{
	(void)uvm_test_fail_pagealloc(h->uvm, op->n);
	return 0;
}

static void
fail_pagealloc_emit(struct harness *h, const struct km_op *op,
    struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\t/* the %u-th page allocation from now fails */\n"
	    "\t\t(void)uvm_test_fail_pagealloc(uvm, %u);\n\t\tDONE(0);\n", op->n,
	    op->n);
}

const struct km_op_impl op_fail_pagealloc_impl = {
	.call = fail_pagealloc_call,
	.emit = fail_pagealloc_emit,
};
