/*
 * exec_pool.c: pool pages and the KVA cache -- poolpage_get,
 * poolpage_put, drain -- each as prepare / call / end / emit
 * (harness_priv.h).
 *
 * Example: "poolpage_get kernel_map -> p1" calls
 * uvm_km_alloc_poolpage_cache(kernel_map, true); the page must be
 * writable and nobody else's.  "poolpage_put p1" hands it back; unless
 * pool pages come from the direct map, its VA must stop translating.
 */
#include "harness_priv.h"

/* ---- poolpage_get ------------------------------------------------------- */

static void
poolpage_get_prepare(struct harness *h, struct km_op *op)
{
	if (h->cfg.checkers)
		model_poolpage_predict(h, op);
}

static uintptr_t
poolpage_get_call(struct harness *h, const struct km_op *op)
{
	struct vm_map *map = h->maps[op->map_sel].map;
	bool waitok = !(op->flags & KOPF_NOWAIT);

	return (op->flags & KOPF_UNCACHED) ?
	    uvm_km_alloc_poolpage(map, waitok) :
	    uvm_km_alloc_poolpage_cache(map, waitok);
}

static void
poolpage_get_end(struct harness *h, struct km_op *op, uintptr_t va)
{
	uint16_t label = op->result_id;

	op->result_id = 0;
	if (va == 0) {
		model_poolpage_judge(h, op, va);
		return;
	}
	struct hs_poolpage *p = &h->pool[h->npool++];
	p->id = hs_new_id(h, &h->next_pool_id, label);
	p->cpu = op->cpu;
	p->map = op->map_sel;
	p->uncached = (op->flags & KOPF_UNCACHED) != 0;
	p->va = va;
	op->result_id = p->id;
	model_poolpage_judge(h, op, va);	/* the report names p<id> */
	if (h->smp) {
		char what[24];
		uvm_snprintf(what, sizeof(what), "its pool page p%u", p->id);
		smp_use(h, va, true, what);
	}
}

static void
poolpage_get_emit(struct harness *h, const struct km_op *op,
    struct km_emit *e)
{
	(void)h;
	if (op->result_id != 0)
		emit_printf(e, "\t\tp%u = ", op->result_id);
	else
		emit_printf(e, "\t\t/* this failed when recorded */\n\t\tva = ");
	emit_printf(e, "%s(", (op->flags & KOPF_UNCACHED) ?
	    "uvm_km_alloc_poolpage" : "uvm_km_alloc_poolpage_cache");
	emit_map(e, op->map_id);
	emit_printf(e, ", %s);\n", (op->flags & KOPF_NOWAIT) ? "false" :
	    "true");
	if (op->result_id != 0)
		emit_printf(e, "\t\tDONE(p%u);\n", op->result_id);
	else
		emit_printf(e, "\t\tDONE(va);\n");
}

const struct km_op_impl op_poolpage_get_impl = {
	.prepare = poolpage_get_prepare, .call = poolpage_get_call,
	.end = poolpage_get_end,
	.emit = poolpage_get_emit,
};

/* ---- poolpage_put ------------------------------------------------------- */

static uintptr_t
poolpage_put_call(struct harness *h, const struct km_op *op)
{
	const struct hs_poolpage *p = &h->pool[op->handle_sel];
	struct vm_map *map = h->maps[p->map].map;

	if (p->uncached)
		uvm_km_free_poolpage(map, p->va);
	else
		uvm_km_free_poolpage_cache(map, p->va);
	return 0;
}

static void
poolpage_put_end(struct harness *h, struct km_op *op, uintptr_t unused)
{
	struct hs_poolpage gone = h->pool[op->handle_sel];
	char what[24];

	(void)unused;
	hs_remove_pool(h, op->handle_sel);
	/* A direct-map VA always translates; a map VA must not any more. */
	if (h->cfg.checkers && !h->uvm->cfg.poolpage_direct_map) {
		uvm_snprintf(what, sizeof(what), "pool page p%u", gone.id);
		check_unmapped(h, gone.va, PAGE_SIZE, what);
	}
}

static void
poolpage_put_emit(struct harness *h, const struct km_op *op,
    struct km_emit *e)
{
	const struct hs_poolpage *p = &h->pool[op->handle_sel];

	emit_printf(e, "\t\t%s(", p->uncached ? "uvm_km_free_poolpage" :
	    "uvm_km_free_poolpage_cache");
	emit_map(e, h->maps[p->map].id);
	emit_printf(e, ", p%u);\n\t\tDONE(0);\n", p->id);
}

/* Several CPUs: the owner reads its page once more before it goes. */
static void
poolpage_put_prepare(struct harness *h, struct km_op *op)
{
	const struct hs_poolpage *p = &h->pool[op->handle_sel];
	char what[24];

	if (!h->smp)
		return;
	uvm_snprintf(what, sizeof(what), "its pool page p%u", p->id);
	smp_use(h, p->va, false, what);
}

const struct km_op_impl op_poolpage_put_impl = {
	.prepare = poolpage_put_prepare,
	.call = poolpage_put_call, .end = poolpage_put_end,
	.emit = poolpage_put_emit,
};

/* ---- drain -------------------------------------------------------------- */

static uintptr_t
drain_call(struct harness *h, const struct km_op *op)
{
	uvm_km_va_drain(h->maps[op->map_sel].map, 0);
	return 0;
}

static void
drain_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\tuvm_km_va_drain(");
	emit_map(e, op->map_id);
	emit_printf(e, ", 0);\n\t\tDONE(0);\n");
}

const struct km_op_impl op_drain_impl = {
	.call = drain_call, .emit = drain_emit,
};
