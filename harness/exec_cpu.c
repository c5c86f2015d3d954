/*
 * exec_cpu.c: the other CPU.  The harness runs on one CPU, so whatever
 * another CPU would do at the same time is an op of the program:
 *
 *   hold_lock mN     the other CPU takes the map's lock and keeps it
 *                    while the ops that follow can run beside it;
 *                    policy.c lets go first of an op that would wait
 *                    for it, and a non-blocking op (TRYLOCK, nowait)
 *                    meets it and fails.
 *   wait_frees aN    the next time a call sleeps (for VA or for pages),
 *                    the other CPU frees aN and the sleeper wakes.
 *
 * Either shows in the trace: "# adjusted: the other CPU let go of its
 * lock first" on the op it let go for, "a3 freed by the other CPU" on
 * the op that waited.  The C repro makes the same calls through
 * harness_hold_lock and harness_wait_frees.
 *
 * Example: with 4 MiB of kernel_map left and a3 a 1 MiB allocation,
 *	wait_frees a3
 *	alloc kernel_map 0x500000 VAONLY|WAITVA -> a4
 * sleeps in uvm_map once, a3 is freed, uvm_map searches again and a4
 * takes the first fit (the placement model judges it against the map
 * as it is after the free).
 */
#include "harness_priv.h"

/* ---- hold_lock ---------------------------------------------------------- */

void
harness_hold_lock(struct harness *h, struct vm_map *map)
{
	if (h->held != NULL) {
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
	}
	if (h->host.hold_lock(h->host.ctx, &map->lock))
		h->held = &map->lock;
}

static uintptr_t
hold_lock_call(struct harness *h, const struct km_op *op)
{
	harness_hold_lock(h, h->maps[op->map_sel].map);
	return 0;
}

static void
hold_lock_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\t/* another CPU takes the lock (and keeps it until"
	    " an op needs it) */\n\t\tharness_hold_lock(h, ");
	emit_map(e, op->map_id);
	emit_printf(e, ");\n\t\tDONE(0);\n");
}

const struct km_op_impl op_hold_lock_impl = {
	.call = hold_lock_call, .emit = hold_lock_emit,
};

/* ---- wait_frees ---------------------------------------------------------- */

void
harness_wait_frees(struct harness *h, vaddr_t va)
{
	for (unsigned int i = 0; i < h->nallocs; i++)
		if (h->allocs[i].va == va)
			h->armed_free = h->allocs[i].id;
}

static uintptr_t
wait_frees_call(struct harness *h, const struct km_op *op)
{
	harness_wait_frees(h, h->allocs[op->handle_sel].va);
	return 0;
}

static void
wait_frees_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	emit_printf(e, "\t\t/* another CPU frees a%u when a call next "
	    "sleeps */\n\t\tharness_wait_frees(h, a%u);\n\t\tDONE(0);\n",
	    op->handle_id, op->handle_id);
}

const struct km_op_impl op_wait_frees_impl = {
	.call = wait_frees_call, .emit = wait_frees_emit,
};

/*
 * => index in h->allocs of the armed allocation, or -1 if none is armed
 *    or the other CPU could not free it now: it holds that map's lock
 *    itself (hold_lock), and uvm_km_free would wait for it.
 */
int
harness_armed_index(const struct harness *h)
{
	for (unsigned int i = 0; h->armed_free != 0 && i < h->nallocs; i++)
		if (h->allocs[i].id == h->armed_free)
			return &h->maps[h->allocs[i].map].map->lock == h->held ?
			    -1 : (int)i;
	return -1;
}

/*
 * A call of the current op sleeps: the other CPU frees the armed
 * allocation, unless it is the op's own handle or the sleeper holds a
 * lock the free takes (then it stays armed).  The shadow follows and the
 * op's trace entry names what was freed.  A call that slept for VA
 * searches the map again when it wakes, so the placement model
 * predicts again from the map as it will see it (a page wait comes
 * after the VA was placed: that prediction stands).
 * => true if something was freed.
 */
bool
harness_other_cpu_free(struct harness *h, bool for_va)
{
	struct km_op *op = h->op;
	int i = harness_armed_index(h);

	if (i < 0 || op == NULL)
		return false;
	struct hs_alloc *a = &h->allocs[i];
	struct vm_map *map = h->maps[a->map].map;
	bool own = km_op_handle_kind(op) == 'a' && op->handle_sel == i;
	if (own || mutex_owned(&map->lock) ||
	    mutex_owned(&h->uvm->kernel_object->vmobjlock) ||
	    mutex_owned(&h->uvm->pageqlock))
		return false;
	uvm_km_free(map, a->va, a->size, hs_type(a));
	op->freed_id = a->id;
	h->touched_maps |= 1u << a->map;
	h->armed_free = 0;
	hs_remove_alloc(h, (unsigned int)i);
	if (km_op_handle_kind(op) == 'a' && op->handle_sel > i)
		op->handle_sel--;
	if (!h->cfg.checkers || !for_va)
		return true;
	if (op->code == KOP_ALLOC)
		model_alloc_predict(h, op);
	else if (op->code == KOP_MAP)
		model_map_predict(h, op);
	else if (op->code == KOP_POOLPAGE_GET)
		model_poolpage_predict(h, op);
	return true;
}
