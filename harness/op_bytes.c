/*
 * op_bytes.c: the byte spelling of the op language -- decoding what a
 * fuzzer hands us, encoding a trace back, and the opsets of the targets.
 *
 * Layout.  Opcodes come from the front of the input, one byte each:
 * opcode = set->ops[byte % set->nops].  Each opcode then reads a fixed
 * list of argument bytes from the back, last byte first.  When front
 * meets back at the start of an op the program ends; an argument read
 * after they met is 0.  So every byte string is a program, and the
 * opcodes and arguments of a program mutate independently.
 *
 * Arguments, in read order (b is the byte; "sel" fields are stored raw
 * and reduced by the interpreter, modulo the live handles or the pages
 * of the allocation):
 *
 *   alloc           map_sel; size: npages = 1 + b % 64; sub: sub = b
 *                   (size = npages * 4096 - sub * 16); align: align_log =
 *                   0 if b % 6 == 0, else 11 + b % 6 (0x1000 .. 0x10000);
 *                   type: the (b % k)-th of the k types set->type_mask
 *                   allows, in the order WIRED, PAGEABLE, VAONLY; mods:
 *                   bit 0..5 = NOWAIT TRYLOCK WAITVA CANFAIL ZERO EXEC,
 *                   bits 6-7 ignored.  flags = type | mods.
 *   free            handle_sel
 *   suballoc        map_sel; size: npages = 16 * (1 + b % 16);
 *                   opts: flags = b & (KOPF_FIXED | KOPF_INTRSAFE)
 *   pgremove        handle_sel; page = b; count = 1 + b % 16
 *   touch           handle_sel; page = b; mode: flags = b & KOPF_WRITE
 *   pageout, idlezero, fail_pagealloc
 *                   n = 1 + b % 64
 *   busy            handle_sel; page = b
 *   poolpage_get    map_sel; opts: flags = b & (KOPF_NOWAIT|KOPF_UNCACHED)
 *   poolpage_put    handle_sel
 *   drain, hold_lock
 *                   map_sel
 *   misuse          kind: misuse = b % KMIS_COUNT; handle_sel
 *
 * Worked example, opset "km".  "alloc kernel_map 0x2ff0 PAGEABLE|ZERO
 * -> a1" then "free a1" is 9 bytes:
 *
 *	00 01 | 00 | 10 01 00 01 02 00
 *	opcodes  free   alloc's args, read right to left
 *
 * The front gives alloc (0) and free (1).  Alloc reads from the back:
 * map_sel 00, size 02 (3 pages), sub 01 (0x3000 - 0x10), align 00,
 * type 01 (PAGEABLE), mods 10 (ZERO).  Free reads handle_sel 00.  Now
 * front = back = 2 and the program ends.
 *
 * Encoding writes exactly that: the opcode indices at the front and all
 * argument bytes, in read order, from the back.  For each field it emits
 * the smallest byte that decodes to the field, so decode(encode(ops)) ==
 * ops whenever every field is in range; a field that no byte gives
 * (page 300, 65 pages, an opcode or type the set lacks) fails the whole
 * encoding rather than being clamped into a different program.
 */
#include <uvm/uvm.h>
#include "op.h"

/* Alloc modifier bits in byte order (bit 0 first). */
static const uint32_t kop_mod_bits[] = {
	UVM_KMF_NOWAIT, UVM_KMF_TRYLOCK, UVM_KMF_WAITVA, UVM_KMF_CANFAIL,
	UVM_KMF_ZERO, UVM_KMF_EXEC,
};
#define KOP_NMODS	(sizeof(kop_mod_bits) / sizeof(kop_mod_bits[0]))

/* Alloc types in byte order. */
static const uint32_t kop_type_bits[] = {
	UVM_KMF_WIRED, UVM_KMF_PAGEABLE, UVM_KMF_VAONLY,
};

#define KOP_ALIGN_LOG_MIN	12	/* align byte 1 */
#define KOP_ALIGN_LOG_MAX	16	/* align byte 5 */
#define KOP_ALIGN_CHOICES	6	/* none + 5 powers of two */
#define KOP_SUBMAP_STEPS	16	/* suballoc: 1..16 units */

/* What one argument byte means. */
enum kop_arg {
	ARG_END = 0,
	ARG_MAP,		/* map_sel */
	ARG_HANDLE,		/* handle_sel */
	ARG_NPAGES,		/* alloc npages */
	ARG_SUB,		/* alloc sub */
	ARG_ALIGN,		/* alloc align_log */
	ARG_TYPE,		/* alloc type into flags */
	ARG_MODS,		/* alloc modifiers into flags */
	ARG_SUBMAP_SIZE,	/* suballoc npages */
	ARG_SUBMAP_OPTS,	/* suballoc flags */
	ARG_PAGE,		/* page */
	ARG_COUNT,		/* pgremove count */
	ARG_TOUCH_MODE,		/* touch flags */
	ARG_N,			/* n */
	ARG_POOL_OPTS,		/* poolpage_get flags */
	ARG_KIND,		/* misuse */
};
#define KOP_MAX_ARGS	6

/* Per opcode: its name and its arguments in read order. */
static const struct {
	const char	*name;
	uint8_t		args[KOP_MAX_ARGS + 1];
} kop_desc[KOP_COUNT] = {
	[KOP_ALLOC] = { "alloc", { ARG_MAP, ARG_NPAGES, ARG_SUB, ARG_ALIGN,
	    ARG_TYPE, ARG_MODS } },
	[KOP_FREE] = { "free", { ARG_HANDLE } },
	[KOP_SUBALLOC] = { "suballoc", { ARG_MAP, ARG_SUBMAP_SIZE,
	    ARG_SUBMAP_OPTS } },
	[KOP_PGREMOVE] = { "pgremove", { ARG_HANDLE, ARG_PAGE, ARG_COUNT } },
	[KOP_TOUCH] = { "touch", { ARG_HANDLE, ARG_PAGE, ARG_TOUCH_MODE } },
	[KOP_PAGEOUT] = { "pageout", { ARG_N } },
	[KOP_BUSY] = { "busy", { ARG_HANDLE, ARG_PAGE } },
	[KOP_POOLPAGE_GET] = { "poolpage_get", { ARG_MAP, ARG_POOL_OPTS } },
	[KOP_POOLPAGE_PUT] = { "poolpage_put", { ARG_HANDLE } },
	[KOP_DRAIN] = { "drain", { ARG_MAP } },
	[KOP_FAIL_PAGEALLOC] = { "fail_pagealloc", { ARG_N } },
	[KOP_HOLD_LOCK] = { "hold_lock", { ARG_MAP } },
	[KOP_IDLEZERO] = { "idlezero", { ARG_N } },
	[KOP_MISUSE] = { "misuse", { ARG_KIND, ARG_HANDLE } },
};

static const char *const kop_misuse_names[KMIS_COUNT] = {
	[KMIS_DOUBLE_FREE] = "double_free",
	[KMIS_WRONG_SIZE] = "wrong_size",
	[KMIS_WRONG_TYPE] = "wrong_type",
	[KMIS_MISALIGNED] = "misaligned",
	[KMIS_INSIDE] = "inside",
	[KMIS_POOLPAGE_TWICE] = "poolpage_twice",
};

/* ---- opsets ----------------------------------------------------------- */

#define KOP_ALL_TYPES	(UVM_KMF_WIRED | UVM_KMF_PAGEABLE | UVM_KMF_VAONLY)

/* fuzz_km: the whole valid API. */
const struct km_opset km_opset_km = {
	.name = "km",
	.nops = 13,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_PGREMOVE, KOP_TOUCH,
	    KOP_PAGEOUT, KOP_BUSY, KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT,
	    KOP_DRAIN, KOP_FAIL_PAGEALLOC, KOP_HOLD_LOCK, KOP_IDLEZERO },
	.type_mask = KOP_ALL_TYPES,
};

/* fuzz_map: map operations only; VA-only allocations touch no pages. */
const struct km_opset km_opset_map = {
	.name = "map",
	.nops = 4,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_HOLD_LOCK },
	.type_mask = UVM_KMF_VAONLY,
};

/* fuzz_pool: pool pages and the KVA cache, with allocations as pressure. */
const struct km_opset km_opset_pool = {
	.name = "pool",
	.nops = 8,
	.ops = { KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT, KOP_DRAIN,
	    KOP_FAIL_PAGEALLOC, KOP_ALLOC, KOP_FREE, KOP_HOLD_LOCK,
	    KOP_IDLEZERO },
	.type_mask = KOP_ALL_TYPES,
};

/* fuzz_misuse: everything, including the invalid calls. */
const struct km_opset km_opset_misuse = {
	.name = "misuse",
	.nops = KOP_COUNT,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_PGREMOVE, KOP_TOUCH,
	    KOP_PAGEOUT, KOP_BUSY, KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT,
	    KOP_DRAIN, KOP_FAIL_PAGEALLOC, KOP_HOLD_LOCK, KOP_IDLEZERO,
	    KOP_MISUSE },
	.type_mask = KOP_ALL_TYPES,
};

static const struct km_opset *const kop_opsets[] = {
	&km_opset_km, &km_opset_map, &km_opset_pool, &km_opset_misuse,
};

static bool
kop_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* => NULL if no opset has that name. */
const struct km_opset *
km_opset_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(kop_opsets) / sizeof(kop_opsets[0]); i++)
		if (kop_streq(kop_opsets[i]->name, name))
			return kop_opsets[i];
	return NULL;
}

/* => the text spelling ("alloc"), NULL if code is no opcode. */
const char *
km_opcode_name(unsigned int code)
{
	return code < KOP_COUNT ? kop_desc[code].name : NULL;
}

/* => the text spelling ("double_free"), NULL if kind is no misuse. */
const char *
km_misuse_name(unsigned int kind)
{
	return kind < KMIS_COUNT ? kop_misuse_names[kind] : NULL;
}

/* ---- decoding --------------------------------------------------------- */

static bool
kop_opset_ok_p(const struct km_opset *set)
{
	if (set == NULL || set->nops == 0 || set->nops > KOP_COUNT)
		return false;
	for (unsigned int i = 0; i < set->nops; i++)
		if (set->ops[i] >= KOP_COUNT)
			return false;
	return true;
}

/*
 * The types a set allows, in byte order; a set that allows none is
 * treated as allowing all (the interpreter still gets a valid type).
 */
static unsigned int
kop_types(const struct km_opset *set, uint32_t types[3])
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < 3; i++)
		if (set->type_mask & kop_type_bits[i])
			types[k++] = kop_type_bits[i];
	if (k == 0)
		for (k = 0; k < 3; k++)
			types[k] = kop_type_bits[k];
	return k;
}

/*
 * km_bytes_init: a cursor over buf[0, len) drawing opcodes from `set'.
 * => buf stays owned by the caller and must outlive the cursor.
 */
void
km_bytes_init(struct km_bytes *b, const uint8_t *buf, size_t len,
    const struct km_opset *set)
{
	KASSERTMSG(kop_opset_ok_p(set), "km_bytes_init: bad opset %p",
	    (const void *)set);
	KASSERTMSG(buf != NULL || len == 0, "km_bytes_init: NULL buf, len %zu",
	    len);
	b->buf = buf;
	b->front = 0;
	b->back = len;
	b->set = set;
}

/* The next opcode from the front.  => false once front has met back. */
static bool
km_bytes_next_op(struct km_bytes *b, uint8_t *code)
{
	if (b->front >= b->back)
		return false;
	*code = b->set->ops[b->buf[b->front++] % b->set->nops];
	return true;
}

/* One argument byte from the back.  => 0 once the ends have met. */
static uint8_t
km_bytes_arg(struct km_bytes *b)
{
	if (b->back <= b->front)
		return 0;
	return b->buf[--b->back];
}

static void
kop_decode_arg(const struct km_opset *set, enum kop_arg a, uint8_t v,
    struct km_op *op)
{
	uint32_t types[3];
	unsigned int k;

	switch (a) {
	case ARG_MAP:
		op->map_sel = v;
		break;
	case ARG_HANDLE:
		op->handle_sel = v;
		break;
	case ARG_NPAGES:
		op->npages = 1 + v % KOP_MAX_NPAGES;
		break;
	case ARG_SUB:
		op->sub = v;
		break;
	case ARG_ALIGN:
		op->align_log = (v % KOP_ALIGN_CHOICES == 0) ? 0 :
		    (uint8_t)(KOP_ALIGN_LOG_MIN - 1 + v % KOP_ALIGN_CHOICES);
		break;
	case ARG_TYPE:
		k = kop_types(set, types);
		op->flags |= types[v % k];
		break;
	case ARG_MODS:
		for (unsigned int i = 0; i < KOP_NMODS; i++)
			if (v & (1u << i))
				op->flags |= kop_mod_bits[i];
		break;
	case ARG_SUBMAP_SIZE:
		op->npages = KOP_SUBMAP_UNIT * (1 + v % KOP_SUBMAP_STEPS);
		break;
	case ARG_SUBMAP_OPTS:
		op->flags = v & (KOPF_FIXED | KOPF_INTRSAFE);
		break;
	case ARG_PAGE:
		op->page = v;
		break;
	case ARG_COUNT:
		op->count = 1 + v % KOP_MAX_COUNT;
		break;
	case ARG_TOUCH_MODE:
		op->flags = v & KOPF_WRITE;
		break;
	case ARG_N:
		op->n = 1 + v % KOP_MAX_N;
		break;
	case ARG_POOL_OPTS:
		op->flags = v & (KOPF_NOWAIT | KOPF_UNCACHED);
		break;
	case ARG_KIND:
		op->misuse = v % KMIS_COUNT;
		break;
	case ARG_END:
		break;
	}
}

/*
 * km_bytes_decode: the next op, every field the bytes carry filled in,
 * every other field (ids, line) zero.
 * => false, op untouched, when the input is used up.
 */
bool
km_bytes_decode(struct km_bytes *b, struct km_op *op)
{
	uint8_t code;

	KASSERTMSG(b != NULL && b->set != NULL,
	    "km_bytes_decode: cursor not initialised");
	if (!km_bytes_next_op(b, &code))
		return false;
	uvm_memset(op, 0, sizeof(*op));
	op->code = code;
	for (const uint8_t *a = kop_desc[code].args; *a != ARG_END; a++)
		kop_decode_arg(b->set, (enum kop_arg)*a, km_bytes_arg(b), op);
	return true;
}

/* ---- encoding --------------------------------------------------------- */

static size_t
kop_nargs(unsigned int code)
{
	size_t n = 0;

	if (code >= KOP_COUNT)
		return 0;
	while (kop_desc[code].args[n] != ARG_END)
		n++;
	return n;
}

/* => bytes to encode ops[0, nops): one per opcode plus its arguments. */
size_t
km_encode_size(const struct km_op *ops, size_t nops)
{
	size_t n = 0;

	for (size_t i = 0; i < nops; i++)
		n += 1 + kop_nargs(ops[i].code);
	return n;
}

/* The index of `code' in the set's opcodes.  => false if absent. */
static bool
kop_opcode_byte(const struct km_opset *set, unsigned int code, uint8_t *v)
{
	for (unsigned int i = 0; i < set->nops; i++) {
		if (set->ops[i] == code) {
			*v = (uint8_t)i;
			return true;
		}
	}
	return false;
}

/* The byte that decodes to op's value for `a'.  => false if none does. */
static bool
kop_encode_arg(const struct km_opset *set, enum kop_arg a,
    const struct km_op *op, uint8_t *v)
{
	const uint32_t mods_all = UVM_KMF_NOWAIT | UVM_KMF_TRYLOCK |
	    UVM_KMF_WAITVA | UVM_KMF_CANFAIL | UVM_KMF_ZERO | UVM_KMF_EXEC;
	uint32_t types[3];
	unsigned int k;

	*v = 0;
	switch (a) {
	case ARG_MAP:
		*v = op->map_sel;
		return true;
	case ARG_HANDLE:
		*v = op->handle_sel;
		return true;
	case ARG_NPAGES:
		if (op->npages < 1 || op->npages > KOP_MAX_NPAGES)
			return false;
		*v = (uint8_t)(op->npages - 1);
		return true;
	case ARG_SUB:
		*v = op->sub;
		return true;
	case ARG_ALIGN:
		if (op->align_log == 0)
			return true;
		if (op->align_log < KOP_ALIGN_LOG_MIN ||
		    op->align_log > KOP_ALIGN_LOG_MAX)
			return false;
		*v = (uint8_t)(op->align_log - (KOP_ALIGN_LOG_MIN - 1));
		return true;
	case ARG_TYPE:
		k = kop_types(set, types);
		for (unsigned int i = 0; i < k; i++) {
			if ((op->flags & UVM_KMF_TYPEMASK) == types[i]) {
				*v = (uint8_t)i;
				return true;
			}
		}
		return false;
	case ARG_MODS:
		if (op->flags & ~(UVM_KMF_TYPEMASK | mods_all))
			return false;
		for (unsigned int i = 0; i < KOP_NMODS; i++)
			if (op->flags & kop_mod_bits[i])
				*v |= (uint8_t)(1u << i);
		return true;
	case ARG_SUBMAP_SIZE:
		if (op->npages < KOP_SUBMAP_UNIT ||
		    op->npages > KOP_SUBMAP_UNIT * KOP_SUBMAP_STEPS ||
		    op->npages % KOP_SUBMAP_UNIT != 0)
			return false;
		*v = (uint8_t)(op->npages / KOP_SUBMAP_UNIT - 1);
		return true;
	case ARG_SUBMAP_OPTS:
		if (op->flags & ~(uint32_t)(KOPF_FIXED | KOPF_INTRSAFE))
			return false;
		*v = (uint8_t)op->flags;
		return true;
	case ARG_PAGE:
		if (op->page > 0xff)
			return false;
		*v = (uint8_t)op->page;
		return true;
	case ARG_COUNT:
		if (op->count < 1 || op->count > KOP_MAX_COUNT)
			return false;
		*v = (uint8_t)(op->count - 1);
		return true;
	case ARG_TOUCH_MODE:
		if (op->flags & ~(uint32_t)KOPF_WRITE)
			return false;
		*v = (uint8_t)op->flags;
		return true;
	case ARG_N:
		if (op->n < 1 || op->n > KOP_MAX_N)
			return false;
		*v = (uint8_t)(op->n - 1);
		return true;
	case ARG_POOL_OPTS:
		if (op->flags & ~(uint32_t)(KOPF_NOWAIT | KOPF_UNCACHED))
			return false;
		*v = (uint8_t)op->flags;
		return true;
	case ARG_KIND:
		if (op->misuse >= KMIS_COUNT)
			return false;
		*v = op->misuse;
		return true;
	case ARG_END:
		break;
	}
	return false;
}

/*
 * km_encode: ops[0, nops) as bytes that km_bytes_decode with `set'
 * turns back into the same opcodes and byte-level fields.
 * => out has outlen bytes; km_encode_size(ops, nops) are written.
 * => 0 if an opcode or alloc type is not in `set', a field has no byte
 *    that decodes to it, or out is too short (out is then garbage).
 *    An empty program also encodes to 0 bytes.
 */
size_t
km_encode(const struct km_op *ops, size_t nops, const struct km_opset *set,
    uint8_t *out, size_t outlen)
{
	size_t len = km_encode_size(ops, nops);
	size_t back = len;

	KASSERTMSG(kop_opset_ok_p(set), "km_encode: bad opset %p",
	    (const void *)set);
	if (len > outlen || out == NULL)
		return 0;
	for (size_t i = 0; i < nops; i++) {
		const struct km_op *op = &ops[i];

		if (op->code >= KOP_COUNT ||
		    !kop_opcode_byte(set, op->code, &out[i]))
			return 0;
		for (const uint8_t *a = kop_desc[op->code].args; *a != ARG_END;
		    a++) {
			KASSERT(back > nops);
			if (!kop_encode_arg(set, (enum kop_arg)*a, op,
			    &out[--back]))
				return 0;
		}
	}
	KASSERTMSG(back == nops, "km_encode: %zu argument bytes unused",
	    back - nops);
	return len;
}
