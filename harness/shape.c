/*
 * shape.c: the shapes an instance can take, chosen per program: the
 * first byte of a byte program (mod KM_NSHAPES), or a first line
 * "shape N" of a text program (none: shape 0, the default).  Each shape
 * is one corner of the instance's parameters -- colours, physical
 * segments, the two page reserves, swap slots, the map-entry pool (small
 * enough to run out), and where kernel VA lies (the default window, the
 * last 64 MiB below 2^64, or a 4 MiB map) -- so a fuzzer reaches the
 * paths a fixed instance never takes.  Four shapes put pool pages
 * behind the direct map (uvm_km_alloc_poolpage's other half) for every
 * target, not only pool's direct-map variant.  A table rather than free fields:
 * each host builds an instance per shape once and resets it by snapshot
 * (adapter/harness_host.c), so a bounded set keeps that cheap.
 *
 * Example: shape 9 is the default with kernel VA at
 * [0xfffffffffc000000, 0xfffffffffffff000): an allocation near the top
 * makes the fit arithmetic meet the end of the address space.
 */
#include "harness_priv.h"

const struct km_shape km_shapes[KM_NSHAPES] = {
	/* colors segs rsv-k rsv-pd swap entries kva           direct map */
	[0]  = { 4,  2,  8,  2, 128, 2048, KM_KVA_DEFAULT,  false },
	[1]  = { 1,  1,  8,  2, 128, 2048, KM_KVA_DEFAULT,  false },
	[2]  = { 16, 2,  8,  2, 128, 2048, KM_KVA_DEFAULT,  false },
	[3]  = { 4,  2,  0,  0, 128, 2048, KM_KVA_DEFAULT,  true  },
	[4]  = { 4,  2, 64, 16, 128, 2048, KM_KVA_DEFAULT,  false },
	[5]  = { 4,  2,  8,  2,   8, 2048, KM_KVA_DEFAULT,  false },
	[6]  = { 4,  2,  8,  2, 512, 2048, KM_KVA_DEFAULT,  false },
	[7]  = { 4,  2,  8,  2, 128,   24, KM_KVA_DEFAULT,  false },
	[8]  = { 2,  3,  8,  2, 128,   64, KM_KVA_DEFAULT,  true  },
	[9]  = { 4,  2,  8,  2, 128, 2048, KM_KVA_TOP,      false },
	[10] = { 4,  2,  8,  2, 128, 2048, KM_KVA_SMALL,    false },
	[11] = { 8,  1,  8,  2,  32,   40, KM_KVA_TOP,      false },
	[12] = { 2,  4,  8,  2, 128, 2048, KM_KVA_DEFAULT,  true  },
	[13] = { 4,  2,  0,  0,  16, 2048, KM_KVA_SMALL,    false },
	[14] = { 16, 4, 32,  8,  64, 2048, KM_KVA_DEFAULT,  true  },
	[15] = { 1,  1,  2,  1,   8,   32, KM_KVA_SMALL,    false },
};

const struct km_shape *
km_shape(unsigned int n)
{
	return &km_shapes[n < KM_NSHAPES ? n : 0];
}

int
km_shape_text(unsigned int n, char *buf, size_t len)
{
	static const char *const kva[] = { "default", "top", "small" };
	const struct km_shape *s = km_shape(n);

	return uvm_snprintf(buf, len, "%u colors, %u segments, reserves "
	    "%u/%u, %u swap slots, %u map entries, kernel VA %s%s",
	    s->ncolors, s->nseg, s->reserve_kernel, s->reserve_pagedaemon,
	    s->nswap, s->max_map_entries, kva[s->kva],
	    s->direct_map ? ", pool pages through the direct map" : "");
}

/*
 * The shape op: the host built the instance in its shape before the
 * program started (harness_program_begin, harness_run_bytes), so the op
 * itself calls nothing; it stands first in the trace so that the text
 * and C of a program say which instance it needs.
 */
static uintptr_t
shape_call(struct harness *h, const struct km_op *op)
{
	(void)h;
	(void)op;
	return 0;
}

static void
shape_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	char text[160];

	(void)h;
	km_shape_text(op->n, text, sizeof(text));
	emit_printf(e, "\t\t/* the instance was built in shape %u: %s */\n"
	    "\t\tDONE(0);\n", op->n, text);
}

const struct km_op_impl op_shape_impl = {
	.call = shape_call, .emit = shape_emit,
};
