/*
 * exec_alloc.c: the ops that make and unmake address space -- alloc,
 * free, suballoc -- each as prepare / call / end / emit (harness_priv.h).
 *
 * The shadow knows, for every live allocation, its range, its type and,
 * per page, the word last written there (0 for "reads zero"); end steps
 * change it only after the calls returned, so a panic leaves the shadow
 * describing the state before the op.
 *
 * Example: "alloc kernel_map 0x2ff0 PAGEABLE -> a1" calls
 * uvm_km_alloc(kernel_map, 0x2ff0, 0, UVM_KMF_PAGEABLE); on success the
 * shadow gets a1 = [va, va + 0x3000), and the C repro reads
 *	OP(0) {
 *		a1 = uvm_km_alloc(m0, 0x2ff0, 0x0, UVM_KMF_PAGEABLE);
 *		DONE(a1);
 *	}
 */
#include "harness_priv.h"

/* ---- alloc -------------------------------------------------------------- */

static void
alloc_prepare(struct harness *h, struct km_op *op)
{
	if (h->cfg.checkers)
		model_alloc_predict(h, op);
}

static uintptr_t
alloc_call(struct harness *h, const struct km_op *op)
{
	return uvm_km_alloc(h->maps[op->map_sel].map, hs_op_size(op),
	    hs_op_align(op), op->flags);
}

static void
alloc_end(struct harness *h, struct km_op *op, uintptr_t va)
{
	uint16_t label = op->result_id;

	op->result_id = 0;
	model_alloc_judge(h, op, va);
	if (va == 0) {
		/* A failure leaves nothing behind (unless waits paged out). */
		if (h->cfg.checkers && h->waits == 0)
			check_nothing_left(h, "failed alloc");
		return;
	}
	struct hs_alloc *a = &h->allocs[h->nallocs++];
	uvm_memset(a, 0, sizeof(*a));
	a->id = hs_new_id(h, &h->next_alloc_id, label);
	a->cpu = op->cpu;
	a->map = op->map_sel;
	a->va = va;
	a->size = round_page(hs_op_size(op));
	a->align = hs_op_align(op);
	a->flags = op->flags;
	op->result_id = a->id;
}

static void
alloc_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	if (op->result_id != 0)
		emit_printf(e, "\t\ta%u = ", op->result_id);
	else
		emit_printf(e, "\t\t/* this allocation failed when recorded */"
		    "\n\t\tva = ");
	emit_printf(e, "uvm_km_alloc(");
	emit_map(e, op->map_id);
	emit_printf(e, ", 0x%lx, 0x%lx, ", (unsigned long)hs_op_size(op),
	    (unsigned long)hs_op_align(op));
	emit_kmf(e, op->flags);
	if (op->result_id != 0)
		emit_printf(e, ");\n\t\tDONE(a%u);\n", op->result_id);
	else
		emit_printf(e, ");\n\t\tDONE(va);\n");
}

const struct km_op_impl op_alloc_impl = {
	.prepare = alloc_prepare, .call = alloc_call, .end = alloc_end,
	.emit = alloc_emit,
};

/* ---- free --------------------------------------------------------------- */

static void
free_prepare(struct harness *h, struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	if (!h->cfg.checkers)
		return;
	if (hs_type(a) == UVM_KMF_WIRED)
		h->before.mapped = hs_count_mappings(h, a->va, a->va + a->size);
	/*
	 * The data, in full, one last time: every wired page not removed,
	 * every pageable page that is resident and mapped (a page out on
	 * swap would have to be faulted in, which changes what is tested).
	 */
	if (hs_type(a) == UVM_KMF_VAONLY)
		return;
	for (unsigned int p = 0; p < hs_tracked(a) && !h->found; p++)
		if (!(a->removed & ((uint64_t)1 << p)))
			(void)hs_verify_page(h, a, p, "before free");
}

static uintptr_t
free_call(struct harness *h, const struct km_op *op)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	uvm_km_free(h->maps[a->map].map, a->va, a->size, hs_type(a));
	return 0;
}

static void
free_end(struct harness *h, struct km_op *op, uintptr_t unused)
{
	struct hs_alloc gone = h->allocs[op->handle_sel];
	char what[16];

	(void)unused;
	hs_remove_alloc(h, op->handle_sel);
	if (!h->cfg.checkers)
		return;
	/* Every page behind it came back, and nothing translates. */
	if (hs_type(&gone) == UVM_KMF_WIRED &&
	    h->before.wired - h->uvm->exp.wired != h->before.mapped) {
		hfail(h, "leak", gone.va, "free of a%u returned %u of its %lu "
		    "wired pages", gone.id, h->before.wired - h->uvm->exp.wired,
		    h->before.mapped);
		return;
	}
	uvm_snprintf(what, sizeof(what), "a%u", gone.id);
	check_unmapped(h, gone.va, gone.size, what);
	check_range_query(h, gone.map, gone.va, gone.size, false, what);
	if (hs_type(&gone) != UVM_KMF_PAGEABLE)
		return;
	for (vaddr_t va = gone.va; va < gone.va + gone.size && !h->found;
	    va += PAGE_SIZE)
		if (uvm_pagelookup(h->uvm->kernel_object,
		    hs_kobj_off(h, va)) != NULL ||
		    uao_find_swslot(h->uvm->kernel_object,
		    atop(hs_kobj_off(h, va))) != 0)
			hfail(h, "leak", va, "freed a%u left a page or swap "
			    "slot in the kernel object", gone.id);
}

static void
free_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	const struct hs_alloc *a = &h->allocs[op->handle_sel];

	emit_printf(e, "\t\tuvm_km_free(");
	emit_map(e, h->maps[a->map].id);
	emit_printf(e, ", a%u, 0x%lx, ", a->id, (unsigned long)a->size);
	emit_kmf(e, hs_type(a));
	emit_printf(e, ");\n\t\tDONE(0);\n");
}

const struct km_op_impl op_free_impl = {
	.prepare = free_prepare, .call = free_call, .end = free_end,
	.emit = free_emit,
};

/* ---- suballoc ----------------------------------------------------------- */

vaddr_t
harness_lowest_gap(struct vm_map *map, vsize_t size)
{
	vaddr_t prev = vm_map_min(map);

	for (struct vm_map_entry *e = map->first; e != NULL; e = e->next) {
		if (e->start - prev >= size)
			break;
		prev = e->end;
	}
	return prev;
}

/*
 * The run of VA a submap's own KVA cache takes from it at a time: 32
 * pages (KM_VACACHE_SIZE) where the submap has room, else the largest
 * power of two under a quarter of it (uvm_km_vacache_init wants less
 * than half the map).
 */
static vsize_t
suballoc_vacache_run(uint32_t npages)
{
	vsize_t run = KM_VACACHE_SIZE;

	while (run * 2 >= ptoa(npages))
		run /= 2;
	return run;
}

static uintptr_t
suballoc_call(struct harness *h, const struct km_op *op)
{
	struct vm_map *parent = h->maps[op->map_sel].map;
	vsize_t size = ptoa(op->npages);
	vaddr_t vmin, vmax;

	/* fixed: the lowest free range that fits, found by walking */
	vmin = (op->flags & KOPF_FIXED) ? harness_lowest_gap(parent, size) :
	    vm_map_min(parent);
	struct vm_map *sub = uvm_km_suballoc(parent, &vmin, &vmax, size,
	    (op->flags & KOPF_INTRSAFE) ? VM_MAP_INTRSAFE : VM_MAP_PAGEABLE,
	    (op->flags & KOPF_FIXED) != 0, NULL);
	if (sub != NULL && (op->flags & KOPF_VACACHE))
		uvm_km_vacache_init(sub, "kvasub",
		    suballoc_vacache_run(op->npages));
	return (uintptr_t)sub;
}

static void
suballoc_end(struct harness *h, struct km_op *op, uintptr_t sub)
{
	struct hs_map *m = &h->maps[h->nmaps++];

	m->id = hs_new_id(h, &h->next_map_id, op->result_id);
	m->map = (struct vm_map *)sub;
	m->intrsafe = (op->flags & KOPF_INTRSAFE) != 0;
	op->result_id = m->id;
}

static void
suballoc_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	if (op->flags & KOPF_FIXED) {
		emit_printf(e, "\t\tvmin = harness_lowest_gap(");
		emit_map(e, op->map_id);
		emit_printf(e, ", 0x%lx);\n", (unsigned long)ptoa(op->npages));
	} else {
		emit_printf(e, "\t\tvmin = vm_map_min(");
		emit_map(e, op->map_id);
		emit_printf(e, ");\n");
	}
	emit_printf(e, "\t\tm%u = uvm_km_suballoc(", op->result_id);
	emit_map(e, op->map_id);
	emit_printf(e, ", &vmin, &vmax, 0x%lx, %s, %s, NULL);\n",
	    (unsigned long)ptoa(op->npages),
	    (op->flags & KOPF_INTRSAFE) ? "VM_MAP_INTRSAFE" : "VM_MAP_PAGEABLE",
	    (op->flags & KOPF_FIXED) ? "true" : "false");
	if (op->flags & KOPF_VACACHE)
		emit_printf(e, "\t\tuvm_km_vacache_init(m%u, \"kvasub\", "
		    "0x%lx);\n", op->result_id,
		    (unsigned long)suballoc_vacache_run(op->npages));
	emit_printf(e, "\t\tDONE(m%u);\n", op->result_id);
}

const struct km_op_impl op_suballoc_impl = {
	.call = suballoc_call, .end = suballoc_end, .emit = suballoc_emit,
};
