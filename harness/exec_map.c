/*
 * exec_map.c: the map itself as a fuzz surface -- the uvm_map op (a
 * region, with a hint or FIXED, NOMERGE or QUANTUM, protections, the
 * kernel object) and the uvm_unmap op (uvm_unmap1 of any page range of
 * a live region, VA only or not) and the rtouch op (a fault on a region
 * page) -- each as prepare / call / end / emit (harness_priv.h).  Regions reach what uvm_km_alloc never does: merging
 * back, forward and both ways, clipping at either end, releasing an
 * entry from the middle, FIXED into an occupied range.
 *
 * Example: "uvm_map kernel_map 0x2000 obj rw-/rwx -> r1" calls
 *	va = vm_map_min(kernel_map);
 *	uvm_map(kernel_map, &va, 0x2000, kernel_object, UVM_UNKNOWN_OFFSET,
 *	    0, UVM_MAPFLAG(rw-, rwx, ..., 0))
 * and the shadow gets r1 = [va, va + 0x2000); a second such map right
 * after it grows the same entry (a merge), and "uvm_unmap r1 page=0
 * count=1" then clips it.
 */
#include "harness_priv.h"

static uvm_flag_t
map_flags(const struct km_op *op)
{
	uvm_flag_t f = 0;

	if (op->flags & KOPF_MAP_FIXED)
		f |= UVM_FLAG_FIXED;
	if (op->flags & KOPF_MAP_NOMERGE)
		f |= UVM_FLAG_NOMERGE;
	if (op->flags & KOPF_MAP_QUANTUM)
		f |= UVM_FLAG_QUANTUM;
	if (op->flags & KOPF_MAP_WAITVA)
		f |= UVM_FLAG_WAITVA;
	if (op->flags & KOPF_MAP_TRYLOCK)
		f |= UVM_FLAG_TRYLOCK;
	return UVM_MAPFLAG(op->prot, op->maxprot, UVM_INH_NONE,
	    UVM_ADV_RANDOM, f);
}

/* The hint (or FIXED start): pages above the map's minimum. */
static vaddr_t
map_hint(struct harness *h, const struct km_op *op)
{
	return vm_map_min(h->maps[op->map_sel].map) + ptoa(op->n);
}

static void
map_prepare(struct harness *h, struct km_op *op)
{
	if (h->cfg.checkers)
		model_map_predict(h, op);
}

static uintptr_t
map_call(struct harness *h, const struct km_op *op)
{
	vaddr_t va = map_hint(h, op);

	int error = uvm_map(h->maps[op->map_sel].map, &va, ptoa(op->npages),
	    (op->flags & KOPF_MAP_OBJ) ? h->uvm->kernel_object : NULL,
	    UVM_UNKNOWN_OFFSET, hs_op_align(op), map_flags(op));
	harness_op_error(h, error);
	return error == 0 ? va : 0;
}

static void
map_end(struct harness *h, struct km_op *op, uintptr_t va)
{
	uint16_t label = op->result_id;

	op->result_id = 0;
	model_map_judge(h, op, va);
	if (va == 0) {
		if (h->cfg.checkers && h->waits == 0)
			check_nothing_left(h, "failed map");
		return;
	}
	struct hs_region *r = &h->regions[h->nregions++];
	uvm_memset(r, 0, sizeof(*r));
	r->id = hs_new_id(h, &h->next_region_id, label);
	r->cpu = op->cpu;
	r->map = op->map_sel;
	r->prot = op->prot;
	r->maxprot = op->maxprot;
	r->flags = op->flags;
	r->va = va;
	r->npages = op->npages;
	r->live = op->npages >= 64 ? ~(uint64_t)0 :
	    ((uint64_t)1 << op->npages) - 1;
	op->result_id = r->id;
	if (h->cfg.checkers) {
		char what[16];

		uvm_snprintf(what, sizeof(what), "r%u", r->id);
		check_range_query(h, r->map, va, ptoa(r->npages), true, what);
	}
}

/* The C spelling of VM_PROT_* bits. */
static void
emit_prot(struct km_emit *e, uint8_t prot)
{
	static const char *const names[3] = { "VM_PROT_READ",
	    "VM_PROT_WRITE", "VM_PROT_EXECUTE" };
	const char *sep = "";

	for (int i = 0; i < 3; i++)
		if (prot & (1u << i)) {
			emit_printf(e, "%s%s", sep, names[i]);
			sep = "|";
		}
	if (*sep == '\0')
		emit_printf(e, "VM_PROT_NONE");
}

static void
map_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ KOPF_MAP_FIXED, "UVM_FLAG_FIXED" },
		{ KOPF_MAP_NOMERGE, "UVM_FLAG_NOMERGE" },
		{ KOPF_MAP_QUANTUM, "UVM_FLAG_QUANTUM" },
		{ KOPF_MAP_WAITVA, "UVM_FLAG_WAITVA" },
		{ KOPF_MAP_TRYLOCK, "UVM_FLAG_TRYLOCK" },
	};
	const char *sep = "";

	(void)h;
	emit_printf(e, "\t\tva = vm_map_min(");
	emit_map(e, op->map_id);
	emit_printf(e, ") + 0x%lx;\n\t\terror = uvm_map(", (unsigned long)
	    ptoa(op->n));
	emit_map(e, op->map_id);
	emit_printf(e, ", &va, 0x%lx, %s, UVM_UNKNOWN_OFFSET, 0x%lx,\n"
	    "\t\t    UVM_MAPFLAG(", (unsigned long)ptoa(op->npages),
	    (op->flags & KOPF_MAP_OBJ) ? "uvm->kernel_object" : "NULL",
	    (unsigned long)hs_op_align(op));
	emit_prot(e, op->prot);
	emit_printf(e, ", ");
	emit_prot(e, op->maxprot);
	emit_printf(e, ", UVM_INH_NONE,\n\t\t    UVM_ADV_RANDOM, ");
	for (unsigned int i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (op->flags & fl[i].bit) {
			emit_printf(e, "%s%s", sep, fl[i].name);
			sep = "|";
		}
	emit_printf(e, "%s));\n\t\tharness_op_error(h, error);\n",
	    *sep == '\0' ? "0" : "");
	if (op->result_id != 0)
		emit_printf(e, "\t\tr%u = error == 0 ? va : 0;\n"
		    "\t\tDONE(r%u);\n", op->result_id, op->result_id);
	else
		emit_printf(e, "\t\t/* this failed when recorded */\n"
		    "\t\tDONE(error == 0 ? va : 0);\n");
}

const struct km_op_impl op_uvm_map_impl = {
	.prepare = map_prepare, .call = map_call, .end = map_end,
	.emit = map_emit,
};

/* ---- unmap -------------------------------------------------------------- */

static void
unmap_range(const struct harness *h, const struct km_op *op, vaddr_t *s,
    vaddr_t *e)
{
	const struct hs_region *r = &h->regions[op->handle_sel];

	*s = r->va + ptoa(op->page);
	*e = *s + ptoa(op->count);
}

static uintptr_t
unmap_call(struct harness *h, const struct km_op *op)
{
	const struct hs_region *r = &h->regions[op->handle_sel];
	vaddr_t s, e;

	unmap_range(h, op, &s, &e);
	uvm_unmap1(h->maps[r->map].map, s, e,
	    (op->flags & KOPF_UNMAP_VAONLY) ? UVM_FLAG_VAONLY : 0);
	return 0;
}

static void
unmap_end(struct harness *h, struct km_op *op, uintptr_t unused)
{
	struct hs_region *r = &h->regions[op->handle_sel];
	char what[40];
	vaddr_t s, e;

	(void)unused;
	unmap_range(h, op, &s, &e);
	for (uint32_t p = op->page; p < op->page + op->count; p++)
		r->live &= ~((uint64_t)1 << p);
	uvm_snprintf(what, sizeof(what), "r%u pages %u..%u", r->id, op->page,
	    op->page + op->count - 1);
	unsigned int mi = r->map;
	if (r->live == 0)
		hs_remove_region(h, op->handle_sel);
	if (h->cfg.checkers) {
		check_unmapped(h, s, e - s, what);
		check_range_query(h, mi, s, e - s, false, "an unmapped range");
	}
}

static void
unmap_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_region *r = &h->regions[op->handle_sel];

	emit_printf(e, "\t\tuvm_unmap1(");
	emit_map(e, h->maps[r->map].id);
	emit_printf(e, ", r%u + 0x%lx, r%u + 0x%lx, %s);\n\t\tDONE(0);\n",
	    r->id, (unsigned long)ptoa(op->page), r->id,
	    (unsigned long)ptoa(op->page + op->count),
	    (op->flags & KOPF_UNMAP_VAONLY) ? "UVM_FLAG_VAONLY" : "0");
}

const struct km_op_impl op_uvm_unmap_impl = {
	.call = unmap_call, .end = unmap_end, .emit = unmap_emit,
};

/* ---- rtouch ------------------------------------------------------------- */

/*
 * A fault on a region page, as the kernel makes one by using it: it must
 * succeed exactly when the region is backed by the kernel object and its
 * protection allows the access (an object-less region has nothing to
 * fault in: EFAULT).  On a page unmapped since, it runs only where no
 * entry holds the VA now (one CPU; policy.c) and must fail with EFAULT.
 * With several CPUs another one's pageout may take the page again
 * before the access; like touch, the fault is then simply taken again.
 */
#define RTOUCH_REFAULTS	16

static bool
rtouch_can_p(const struct hs_region *r, const struct km_op *op)
{
	vm_prot_t want = (op->flags & KOPF_WRITE) ? VM_PROT_WRITE :
	    VM_PROT_READ;

	return (r->flags & KOPF_MAP_OBJ) && (r->prot & want) == want;
}

static uintptr_t
rtouch_call(struct harness *h, const struct km_op *op)
{
	const struct hs_region *r = &h->regions[op->handle_sel];
	vaddr_t va = r->va + ptoa(op->page);
	bool write = (op->flags & KOPF_WRITE) != 0;
	int error;

	for (unsigned int i = 0;; i++) {
		error = uvm_fault(h->maps[r->map].map, va, write ?
		    VM_PROT_WRITE : VM_PROT_READ,
		    (op->flags & KOPF_TOUCH_NOWAIT) != 0);
		if (error != 0 || !h->smp || i == RTOUCH_REFAULTS ||
		    h->host.access(h->host.ctx, va, write, false) != HACC_FAULT)
			return (uintptr_t)error;
	}
}

static void
rtouch_end(struct harness *h, struct km_op *op, uintptr_t error)
{
	const struct hs_region *r = &h->regions[op->handle_sel];
	vaddr_t va = r->va + ptoa(op->page);
	bool write = (op->flags & KOPF_WRITE) != 0;

	if (!hs_region_page_live(r, op->page)) {
		/* unmapped, and no entry holds it (policy.c): a hole */
		if (error != EFAULT)
			hfail(h, "pmap", va, "fault on unmapped r%u page %u, "
			    "which no entry holds, returned %d, expected "
			    "EFAULT (%d)", r->id, op->page, (int)error, EFAULT);
		else if (h->host.access(h->host.ctx, va, false, false) !=
		    HACC_FAULT)
			hfail(h, "pmap", va, "unmapped r%u page %u translates "
			    "after a refused fault", r->id, op->page);
		return;
	}
	if (!rtouch_can_p(r, op)) {
		if (error == 0)
			hfail(h, "pmap", va, "fault on r%u page %u succeeded, "
			    "but nothing may be faulted in there", r->id,
			    op->page);
		return;
	}
	if (error != 0 && hs_fault_refused(h, op, va, error, 'r', r->id))
		return;
	if (error != 0) {
		hfail(h, "pmap", va, "fault on r%u page %u failed: %d", r->id,
		    op->page, (int)error);
		return;
	}
	int acc = h->host.access(h->host.ctx, va, write, false);
	if (acc != HACC_OK)
		hfail(h, acc == HACC_STALE ? "tlb" : "pmap", va, "r%u page %u "
		    "does not %s after its fault", r->id, op->page,
		    write ? "write" : "read");
}

static void
rtouch_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_region *r = &h->regions[op->handle_sel];

	if (!hs_region_page_live(r, op->page))
		emit_printf(e, "\t\t/* unmapped, in no entry: DONE wants "
		    "EFAULT, nothing mapped */\n");
	emit_printf(e, "\t\terror = uvm_fault(");
	emit_map(e, h->maps[r->map].id);
	emit_printf(e, ", r%u + 0x%lx, %s, %s);\n\t\tDONE(error);\n", r->id,
	    (unsigned long)ptoa(op->page), (op->flags & KOPF_WRITE) ?
	    "VM_PROT_WRITE" : "VM_PROT_READ",
	    (op->flags & KOPF_TOUCH_NOWAIT) ? "true" : "false");
}

const struct km_op_impl op_rtouch_impl = {
	.call = rtouch_call, .end = rtouch_end, .emit = rtouch_emit,
};
