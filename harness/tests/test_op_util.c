/*
 * test_op_util.c: the helpers and tables test_op.h declares.
 */
#include "test_op.h"

/* xorshift64*, fixed seed: every run tests the same inputs. */
uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

const struct km_opset *const sets[] = {
	&km_opset_km, &km_opset_map, &km_opset_pool, &km_opset_misuse,
	&km_opset_smp,
};

void
op_dump(const char *what, const struct km_op *op)
{
	report_info("  %s: code %u misuse %u map_sel %u handle_sel %u map_id "
	    "%u handle_id %u result_id %u npages %u sub %u align_log %u "
	    "flags 0x%x page %u count %u n %u", what, op->code, op->misuse,
	    op->map_sel, op->handle_sel, op->map_id, op->handle_id,
	    op->result_id, op->npages, op->sub, op->align_log, op->flags,
	    op->page, op->count, op->n);
}

bool
in_set(const struct km_opset *set, unsigned int code)
{
	for (unsigned int i = 0; i < set->nops; i++)
		if (set->ops[i] == code)
			return true;
	return false;
}

/* Is a freshly decoded op one the interpreter may rely on? */
const char *
decoded_op_bad(const struct km_opset *set, const struct km_op *op)
{
	const uint32_t mods = UVM_KMF_NOWAIT | UVM_KMF_TRYLOCK |
	    UVM_KMF_WAITVA | UVM_KMF_CANFAIL | UVM_KMF_ZERO | UVM_KMF_EXEC;
	uint32_t t = op->flags & UVM_KMF_TYPEMASK;

	if (op->code == KOP_SHAPE)
		return op->n == 0 || op->n >= KM_NSHAPES ? "shape" : NULL;
	if (op->code == KOP_SCHEDULE)
		return !set->smp || op->cpu != 0 || op->count < 2 ||
		    op->count > KM_MAX_CPUS || op->n > KOP_SCHED_MAX_SEED ||
		    ((op->flags & KOPF_SCHED_PCT) ? op->page < 1 ||
		    op->page > KOP_SCHED_MAX_DEPTH : op->page != 0) ?
		    "schedule" : NULL;
	if (!in_set(set, op->code))
		return "opcode not in set";
	if (op->map_id || op->handle_id || op->result_id || op->line)
		return "names filled by the decoder";
	switch (op->code) {
	case KOP_ALLOC: {
		bool scale = false;
		for (unsigned int b = 0; b < 256; b++)
			scale |= KOP_NPAGES(b) == op->npages;
		if (!scale || op->npages > KOP_SIZE_MAX_PAGES)
			return "alloc npages";
		if ((uint64_t)op->sub * KOP_SUB_UNIT >= 4096)
			return "alloc sub";
		if (op->align_log > KOP_ALIGN_LOG_MAX + 1)
			return "alloc align";
		if ((t & (t - 1)) != 0 || t == 0 || !(t & set->type_mask))
			return "alloc type";
		if (op->flags & ~(UVM_KMF_TYPEMASK | mods))
			return "alloc flags";
		break;
	}
	case KOP_SUBALLOC:
		if (op->npages < 16 || op->npages > 256 || op->npages % 16)
			return "suballoc npages";
		if (op->flags &
		    ~(uint32_t)(KOPF_FIXED | KOPF_INTRSAFE | KOPF_VACACHE))
			return "suballoc flags";
		break;
	case KOP_PGREMOVE:
		if (op->count < 1 || op->count > KOP_MAX_COUNT)
			return "pgremove count";
		break;
	case KOP_TOUCH:
		if (op->flags & ~(uint32_t)KOPF_TOUCH_BITS)
			return "touch flags";
		break;
	case KOP_PAGEOUT: case KOP_IDLEZERO: case KOP_FAIL_PAGEALLOC:
		if (op->n < 1 || op->n > KOP_MAX_N)
			return "n";
		break;
	case KOP_POOLPAGE_GET:
		if (op->flags & ~3u)
			return "poolpage flags";
		break;
	case KOP_MISUSE:
		if (op->misuse >= KMIS_COUNT)
			return "misuse kind";
		break;
	case KOP_MAP:
		if (op->npages < 1 || op->npages > KOP_TRACKED_PAGES)
			return "uvm_map npages";
		if (op->align_log > KOP_ALIGN_LOG_MAX + 1)
			return "uvm_map align";
		/* a prot above maxprot is valid: uvm_map's EINVAL case */
		if (op->prot > 7 || op->maxprot > 7)
			return "uvm_map prot";
		if (op->flags & ~0x3fu)
			return "uvm_map flags";
		break;
	case KOP_UNMAP:
		if (op->count < 1 || op->count > KOP_MAX_COUNT)
			return "uvm_unmap count";
		if (op->flags & ~1u)
			return "uvm_unmap flags";
		break;
	}
	return NULL;
}


/* Decode buf[0, len) into ops; => the count (at most len). */
size_t
decode_all(const uint8_t *buf, size_t len, const struct km_opset *set,
    struct km_op *ops, size_t max)
{
	struct km_bytes b;
	size_t n = 0;

	km_bytes_init(&b, buf, len, set);
	while (n < max && km_bytes_decode(&b, &ops[n]))
		n++;
	return n;
}

/* ---- 3: text ---------------------------------------------------------- */

const char *const canonical[] = {
	"alloc kernel_map 0x1000 WIRED -> a1",
	"alloc kernel_map 0x3000 align=0x1000 WIRED|ZERO -> a1",
	"alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2",
	"alloc m2 0x10 VAONLY -> fail",
	"alloc kernel_map 0x40000 align=0x10000 VAONLY|WAITVA -> a65535",
	"alloc kernel_map 0x1ff0 align=0x2000 WIRED|TRYLOCK -> a3",
	"alloc kernel_map 0x5000 align=0x4000 PAGEABLE|EXEC -> a4",
	("alloc kernel_map 0x8000 align=0x8000 WIRED|NOWAIT|TRYLOCK|WAITVA|"
	    "CANFAIL|ZERO|EXEC -> a5"),
	"free a1",
	"free a65535",
	"suballoc kernel_map 0x10000 -> m1",
	"suballoc kernel_map 0x100000 fixed -> m2",
	"suballoc m1 0x20000 intrsafe -> m3",
	"suballoc kernel_map 0x30000 fixed intrsafe -> fail",
	"pgremove a1 page=0 count=1",
	"pgremove a2 page=63 count=16",
	"touch a1 page=0 read",
	"touch a7 page=5 write",
	"pageout 1",
	"pageout 64",
	"busy a1 page=3",
	"poolpage_get kernel_map -> p1",
	"poolpage_get m1 nowait -> p2",
	"poolpage_get kernel_map uncached -> p3",
	"poolpage_get kernel_map nowait uncached -> fail",
	"poolpage_put p1",
	"drain kernel_map",
	"drain m3",
	"fail_pagealloc 1",
	"fail_pagealloc 64",
	"hold_lock kernel_map",
	"hold_lock m1",
	"idlezero 7",
	"misuse double_free a1",
	"misuse wrong_size a2",
	"misuse wrong_type a3",
	"misuse misaligned a4",
	"misuse inside a5",
	"misuse poolpage_twice p1",
};

const size_t ncanonical = sizeof(canonical) / sizeof(canonical[0]);

/* Give a parsed op selectors, encode, decode: the same op? */
bool
bytes_trip(const struct km_op *parsed)
{
	struct km_op op = *parsed, got;
	uint8_t out[16];

	op.map_sel = (uint8_t)(op.map_id % 3);
	op.handle_sel = (uint8_t)(op.handle_id % 5);
	size_t len = km_encode(&op, 1, &km_opset_misuse, out, sizeof(out));
	if (len == 0 || len != km_encode_size(&op, 1))
		return false;
	if (decode_all(out, len, &km_opset_misuse, &got, 1) != 1)
		return false;
	return km_op_same_bytes(&op, &got);
}

