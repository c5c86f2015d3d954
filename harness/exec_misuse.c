/*
 * exec_misuse.c: the misuse op -- an invalid call on a live handle,
 * which the core's DIAGNOSTIC assertions must catch with a message that
 * names the call (uvm_km_free).  The interpreter judges the outcome
 * (harness_op_end: not caught; harness_op_abort: caught, or caught
 * without naming the call); the run ends either way, the instance is
 * dead.
 *
 * Example: "misuse misaligned a1" on a 2-page WIRED a1 calls
 * uvm_km_free(map, a1 + 8, 0x2000, UVM_KMF_WIRED), which must panic.
 */
#include "harness_priv.h"

/* The bad free a misuse kind makes: address, size and type. */
struct bad_free {
	vaddr_t		va;
	vsize_t		size;
	uint32_t	type;
};

static void
bad_free(const struct hs_alloc *a, unsigned int kind, struct bad_free *b)
{
	b->va = a->va;
	b->size = a->size;
	b->type = hs_type(a);
	switch (kind) {
	case KMIS_WRONG_SIZE:
		b->size += PAGE_SIZE;
		break;
	case KMIS_WRONG_TYPE:
		b->type = b->type == UVM_KMF_PAGEABLE ? UVM_KMF_WIRED :
		    UVM_KMF_PAGEABLE;
		break;
	case KMIS_MISALIGNED:
		b->va += 8;
		break;
	case KMIS_INSIDE:
		if (a->size > PAGE_SIZE) {
			b->va += PAGE_SIZE;
			b->size = PAGE_SIZE;
		} else {
			b->size += PAGE_SIZE;
			}
		break;
	default:	/* KMIS_DOUBLE_FREE: the same free again */
		break;
	}
}

static uintptr_t
misuse_call(struct harness *h, const struct km_op *op)
{
	if (op->misuse == KMIS_POOLPAGE_TWICE) {
		const struct hs_poolpage *p = &h->pool[op->handle_sel];
		struct vm_map *map = h->maps[p->map].map;
		for (int i = 0; i < 2; i++) {
			if (p->uncached)
				uvm_km_free_poolpage(map, p->va);
			else
				uvm_km_free_poolpage_cache(map, p->va);
		}
		return 0;
	}
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	struct vm_map *map = h->maps[a->map].map;
	struct bad_free b;

	bad_free(a, op->misuse, &b);
	if (op->misuse == KMIS_DOUBLE_FREE)
		uvm_km_free(map, a->va, a->size, hs_type(a));
	uvm_km_free(map, b.va, b.size, b.type);
	return 0;
}

static void
misuse_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	if (op->misuse == KMIS_POOLPAGE_TWICE) {
		const struct hs_poolpage *p = &h->pool[op->handle_sel];
		for (int i = 0; i < 2; i++) {
			emit_printf(e, "\t\t%s(", p->uncached ?
			    "uvm_km_free_poolpage" :
			    "uvm_km_free_poolpage_cache");
			emit_map(e, h->maps[p->map].id);
			emit_printf(e, ", p%u);%s\n", p->id, i == 0 ? "" :
			    "\t/* again: must panic */");
		}
		emit_printf(e, "\t\tDONE(0);\t/* reached: not caught */\n");
		return;
	}
	const struct hs_alloc *a = &h->allocs[op->handle_sel];
	struct bad_free b;

	bad_free(a, op->misuse, &b);
	if (op->misuse == KMIS_DOUBLE_FREE) {
		emit_printf(e, "\t\tuvm_km_free(");
		emit_map(e, h->maps[a->map].id);
		emit_printf(e, ", a%u, 0x%lx, ", a->id, (unsigned long)a->size);
		emit_kmf(e, hs_type(a));
		emit_printf(e, ");\n");
	}
	emit_printf(e, "\t\tuvm_km_free(");
	emit_map(e, h->maps[a->map].id);
	emit_printf(e, ", a%u", a->id);
	if (b.va != a->va)
		emit_printf(e, " + 0x%lx", (unsigned long)(b.va - a->va));
	emit_printf(e, ", 0x%lx, ", (unsigned long)b.size);
	emit_kmf(e, b.type);
	emit_printf(e, ");\t/* invalid: must panic */\n"
	    "\t\tDONE(0);\t/* reached: not caught */\n");
}

const struct km_op_impl op_misuse_impl = {
	.call = misuse_call, .emit = misuse_emit,
};
