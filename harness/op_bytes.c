/*
 * op_bytes.c: the byte spelling of the op language -- decoding what a
 * fuzzer hands us, encoding a trace back, and the opsets of the targets.
 *
 * Layout.  The first byte is the instance's shape (% KM_NSHAPES; a
 * "shape N" op at the head of a trace is this byte when encoded).
 * Opcodes come from the front of the rest, one byte each:
 * opcode = set->ops[byte % set->nops].  Each opcode then reads a fixed
 * list of argument bytes from the back, last byte first.  When front
 * meets back at the start of an op the program ends; an argument read
 * after they met is 0.  So every byte string is a program, and the
 * opcodes and arguments of a program mutate independently.
 *
 * Arguments are the op's fields (ops.def), in order; each field reads
 * its bytes from the back ("sel" values are stored raw and reduced by
 * the interpreter, modulo the live handles or the pages of the
 * allocation):
 *
 *   F_MAP, F_ALLOC, F_POOLPAGE, F_VICTIM   the selector, b
 *   F_SIZE     npages = KOP_NPAGES(b) (a log scale, 1 .. 63488 pages),
 *              then sub = b (size = npages * 4096 - sub * 16)
 *   F_ALIGN    align_log = b % 26: 0 none, else alignment 2^(b % 26 - 1)
 *              (1 .. 0x1000000)
 *   F_FLAGS    type: the (b % k)-th of the k types set->type_mask allows,
 *              in schema order; then modifiers: bit i = the i-th
 *              modifier of the schema (NOWAIT TRYLOCK WAITVA CANFAIL
 *              ZERO EXEC), bits 6-7 ignored.  flags = type | mods.
 *   F_SUBSIZE  npages = 16 * (1 + b % 16)
 *   F_SUBOPTS, F_POOLOPTS   flags = b & (the field's option bits)
 *   F_PAGE     page = b;  F_COUNT count = 1 + b % 16;  F_N n = 1 + b % 64
 *   F_RW       flags = b & (KOPF_WRITE | KOPF_TOUCH_NOWAIT);
 *              F_MISUSE misuse = b % KMIS_COUNT
 *   F_NPAGES   npages = 1 + b % 64 (a region: every page tracked);
 *              F_HINT n = b (pages above the map
 *              minimum);  F_MAPOPTS, F_UNMAPOPTS flags = b & the bits
 *   F_PROT     prot = b & 7, maxprot = prot | (b >> 3) & 7; with bits 6
 *              and 7 both set, maxprot = (b >> 3) & 7 as it is (a prot
 *              above it is the caller's error: uvm_map says EINVAL)
 *   F_REGION   the selector, b
 *
 * Worked example, opset "km".  "alloc kernel_map 0x2ff0 PAGEABLE|ZERO
 * -> a1" then "free a1", on the default instance, is 10 bytes:
 *
 *	00  | 00 01 | 00 | 10 01 00 01 18 00
 *	shape  opcodes  free   alloc's args, read right to left
 *
 * Shape 0 is the default instance.  The front then gives alloc (0) and
 * free (1).  Alloc reads from the back: map_sel 00, size 18 (3 pages on
 * the size scale: (16 + 8) << 1 >> 4), sub 01 (0x3000 - 0x10), align
 * 00, type 01 (PAGEABLE), mods 10 (ZERO).  Free reads handle_sel 00.
 * Now front = back = 3 and the program ends.
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

#define KOP_ALIGN_CHOICES	(KOP_ALIGN_LOG_MAX - KOP_ALIGN_LOG_MIN + 2)

/* The smallest byte whose KOP_NPAGES is n.  => false if none is. */
static bool
kop_npages_byte(uint32_t n, uint8_t *v)
{
	for (unsigned int b = 0; b < 256; b++)
		if (KOP_NPAGES(b) == n) {
			*v = (uint8_t)b;
			return true;
		}
	return false;
}
#define KOP_MAX_BYTES		3	/* bytes in one field */

/* Bytes each field type takes (the rest take one). */
static unsigned int
kop_field_bytes(unsigned int f)
{
	return f == F_SIZE || f == F_FLAGS ? 2 : f == F_SCHED ? 3 :
	    f == F_END || f == F_SHAPE ? 0 : 1;
}

/* ---- opsets ----------------------------------------------------------- */

#define KOP_ALL_TYPES	(UVM_KMF_WIRED | UVM_KMF_PAGEABLE | UVM_KMF_VAONLY)

/* fuzz_km: the whole valid API. */
const struct km_opset km_opset_km = {
	.name = "km",
	.nops = 16,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_PGREMOVE, KOP_TOUCH,
	    KOP_PAGEOUT, KOP_BUSY, KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT,
	    KOP_DRAIN, KOP_FAIL_PAGEALLOC, KOP_HOLD_LOCK, KOP_IDLEZERO,
	    KOP_MAP, KOP_UNMAP, KOP_WAIT_FREES },
	.type_mask = KOP_ALL_TYPES,
};

/*
 * fuzz_map: the maps themselves -- uvm_map and uvm_unmap of regions
 * (merging, clipping, FIXED, protections, the kernel object), VA-only
 * allocations, submaps -- no pages.
 */
const struct km_opset km_opset_map = {
	.name = "map",
	.nops = 7,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_HOLD_LOCK, KOP_MAP,
	    KOP_UNMAP, KOP_WAIT_FREES },
	.type_mask = UVM_KMF_VAONLY,
};

/* fuzz_pool: pool pages and the KVA cache, with allocations as pressure. */
const struct km_opset km_opset_pool = {
	.name = "pool",
	.nops = 9,
	.ops = { KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT, KOP_DRAIN,
	    KOP_FAIL_PAGEALLOC, KOP_ALLOC, KOP_FREE, KOP_HOLD_LOCK,
	    KOP_IDLEZERO, KOP_WAIT_FREES },
	.type_mask = KOP_ALL_TYPES,
};

/* fuzz_misuse: everything, including the invalid calls. */
const struct km_opset km_opset_misuse = {
	.name = "misuse",
	.nops = 17,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_SUBALLOC, KOP_PGREMOVE, KOP_TOUCH,
	    KOP_PAGEOUT, KOP_BUSY, KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT,
	    KOP_DRAIN, KOP_FAIL_PAGEALLOC, KOP_HOLD_LOCK, KOP_IDLEZERO,
	    KOP_MISUSE, KOP_MAP, KOP_UNMAP, KOP_WAIT_FREES },
	.type_mask = KOP_ALL_TYPES,
};

/*
 * fuzz_smp: 2..4 CPUs on one instance, each with its own handles; the
 * ops whose calls take the locks and pmap calls that race (no stand-ins
 * for another CPU: the other CPUs are real), regions and faults on them
 * (their entries merge and clip under another CPU's feet), and failure
 * injection (a fault that sleeps for a page).
 */
const struct km_opset km_opset_smp = {
	.name = "smp",
	.nops = 13,
	.ops = { KOP_ALLOC, KOP_FREE, KOP_TOUCH, KOP_PAGEOUT,
	    KOP_POOLPAGE_GET, KOP_POOLPAGE_PUT, KOP_DRAIN, KOP_PGREMOVE,
	    KOP_BUSY, KOP_MAP, KOP_UNMAP, KOP_RTOUCH, KOP_FAIL_PAGEALLOC },
	.type_mask = KOP_ALL_TYPES,
	.smp = true,
};

static const struct km_opset *const kop_opsets[] = {
	&km_opset_km, &km_opset_map, &km_opset_pool, &km_opset_misuse,
	&km_opset_smp,
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
 * The types a set allows, in schema order; a set that allows none is
 * treated as allowing all (the interpreter still gets a valid type).
 */
static unsigned int
kop_types(const struct km_opset *set, uint32_t types[3])
{
	unsigned int k = 0;

	for (unsigned int pass = 0; pass < 2 && k == 0; pass++)
		for (unsigned int i = 0; i < km_nflags && k < 3; i++)
			if (km_flags[i].type &&
			    (pass == 1 || (set->type_mask & km_flags[i].bit)))
				types[k++] = km_flags[i].bit;
	return k;
}

/* Modifier i's flag bit (byte bit i), or 0 past the last modifier. */
static uint32_t
kop_mod_bit(unsigned int i)
{
	for (unsigned int f = 0; f < km_nflags; f++)
		if (!km_flags[f].type && i-- == 0)
			return km_flags[f].bit;
	return 0;
}

/* The option bits a field may carry. */
static uint32_t
kop_option_mask(unsigned int field)
{
	uint32_t mask = 0;

	for (const struct km_option_desc *o = km_options; o->name != NULL; o++)
		if (o->field == field)
			mask |= o->bit;
	return mask;
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
	b->front = len > 0 ? 1 : 0;	/* the shape byte */
	b->back = len;
	b->set = set;
	b->shape = len > 0 ? buf[0] % KM_NSHAPES : 0;
	b->shape_pending = b->shape != 0;
	b->sched_pending = set->smp;
	b->ncpu = 1;
}

/*
 * The next opcode from the front, and the CPU it runs on (smp opsets).
 * => false once front has met back.
 */
static bool
km_bytes_next_op(struct km_bytes *b, uint8_t *code, uint8_t *cpu)
{
	if (b->front >= b->back)
		return false;
	uint8_t v = b->buf[b->front++];
	*code = b->set->ops[v % b->set->nops];
	*cpu = (uint8_t)((v / b->set->nops) % b->ncpu);
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

/* Field f's bytes v[] (in read order) into op. */
static void
kop_decode_field(const struct km_opset *set, unsigned int f,
    const uint8_t *v, struct km_op *op)
{
	uint32_t types[3];

	switch (f) {
	case F_MAP:
		op->map_sel = v[0];
		break;
	case F_ALLOC: case F_POOLPAGE: case F_VICTIM:
		op->handle_sel = v[0];
		break;
	case F_SIZE:
		op->npages = KOP_NPAGES(v[0]);
		op->sub = v[1];
		break;
	case F_ALIGN:
		op->align_log = (uint8_t)(v[0] % KOP_ALIGN_CHOICES);
		break;
	case F_FLAGS:
		op->flags |= types[v[0] % kop_types(set, types)];
		for (unsigned int i = 0; i < 8; i++)
			if (v[1] & (1u << i))
				op->flags |= kop_mod_bit(i);
		break;
	case F_SUBSIZE:
		op->npages = KOP_SUBMAP_UNIT * (1 + v[0] % KOP_SUBMAP_STEPS);
		break;
	case F_SUBOPTS: case F_POOLOPTS:
		op->flags = v[0] & kop_option_mask(f);
		break;
	case F_PAGE:
		op->page = v[0];
		break;
	case F_COUNT:
		op->count = 1 + v[0] % KOP_MAX_COUNT;
		break;
	case F_RW:
		op->flags = v[0] & KOPF_TOUCH_BITS;
		break;
	case F_N:
		op->n = 1 + v[0] % KOP_MAX_N;
		break;
	case F_MISUSE:
		op->misuse = v[0] % KMIS_COUNT;
		break;
	case F_NPAGES:
		op->npages = 1 + v[0] % KOP_TRACKED_PAGES;
		break;
	case F_HINT:
		op->n = v[0];
		break;
	case F_MAPOPTS: case F_UNMAPOPTS:
		op->flags = v[0] & kop_option_mask(f);
		break;
	case F_PROT:
		op->prot = v[0] & UVM_PROT_ALL;
		op->maxprot = (v[0] >> 3) & UVM_PROT_ALL;
		if ((v[0] & KOP_PROT_AS_IS) != KOP_PROT_AS_IS)
			op->maxprot |= op->prot;
		break;
	case F_REGION:
		op->handle_sel = v[0];
		break;
	case F_SCHED:
		/* cpus 2 + (v0 & 3), 3 meaning 4 too; bit 2 pct; pct's
		   depth 1 + bits 3-4; bit 5 noupdate; seed v1 | v2 << 8 */
		op->count = 2 + ((v[0] & 3) == 3 ? 2 : (v[0] & 3));
		op->flags = (v[0] & 4) ? KOPF_SCHED_PCT : 0;
		op->page = (v[0] & 4) ? 1 + ((v[0] >> 3) & 3) : 0;
		op->flags |= (v[0] & 0x20) ? KOPF_SCHED_NOUPDATE : 0;
		op->n = (uint32_t)v[1] | (uint32_t)v[2] << 8;
		break;
	default:
		break;
	}
}

/*
 * km_bytes_decode: the next op, every field the bytes carry filled in,
 * every other field (ids, line) zero.  A shape other than 0 comes first,
 * as a shape op, so that decoded ops encode back to the same bytes.
 * => false, op untouched, when the input is used up.
 */
bool
km_bytes_decode(struct km_bytes *b, struct km_op *op)
{
	uint8_t code, v[KOP_MAX_BYTES];

	KASSERTMSG(b != NULL && b->set != NULL,
	    "km_bytes_decode: cursor not initialised");
	if (b->shape_pending) {
		b->shape_pending = false;
		uvm_memset(op, 0, sizeof(*op));
		op->code = KOP_SHAPE;
		op->n = b->shape;
		return true;
	}
	uvm_memset(op, 0, sizeof(*op));
	if (b->sched_pending) {
		/* always there in an smp program: no opcode byte, 3 args */
		b->sched_pending = false;
		code = KOP_SCHEDULE;
	} else if (!km_bytes_next_op(b, &code, &op->cpu)) {
		return false;
	}
	op->code = code;
	for (const uint8_t *f = km_op_fields(code); *f != F_END; f++) {
		for (unsigned int i = 0; i < kop_field_bytes(*f); i++)
			v[i] = km_bytes_arg(b);
		kop_decode_field(b->set, *f, v, op);
	}
	if (code == KOP_SCHEDULE)
		b->ncpu = op->count;
	return true;
}

/* ---- encoding --------------------------------------------------------- */

static size_t
kop_nargs(unsigned int code)
{
	size_t n = 0;

	for (const uint8_t *f = km_op_fields(code); *f != F_END; f++)
		n += kop_field_bytes(*f);
	return n;
}

/* A leading shape op: its shape, and ops past it.  => the shape. */
static unsigned int
kop_split_shape(const struct km_op **ops, size_t *nops)
{
	if (*nops == 0 || (*ops)[0].code != KOP_SHAPE)
		return 0;
	unsigned int shape = (*ops)[0].n;
	(*ops)++;
	(*nops)--;
	return shape;
}


/*
 * => bytes to encode ops[0, nops): the shape byte (a leading shape op,
 *    else 0), then one per opcode plus its arguments; 0 for no ops and
 *    the default shape (the empty input).
 */
size_t
km_encode_size(const struct km_op *ops, size_t nops)
{
	unsigned int shape = kop_split_shape(&ops, &nops);
	size_t n = 1;

	if (nops == 0 && shape == 0)
		return 0;
	for (size_t i = 0; i < nops; i++)
		n += (ops[i].code == KOP_SCHEDULE ? 0 : 1) +
		    kop_nargs(ops[i].code);
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

/* A count in [lo, lo + mod) as the byte (v - lo).  => false if outside. */
static bool
kop_encode_range(uint32_t v, uint32_t lo, uint32_t mod, uint8_t *out)
{
	if (v < lo || v - lo >= mod)
		return false;
	*out = (uint8_t)(v - lo);
	return true;
}

/*
 * The bytes v[] (in read order) that decode to op's value of field f,
 * the smallest such.  => false if no bytes do.
 */
static bool
kop_encode_field(const struct km_opset *set, unsigned int f,
    const struct km_op *op, uint8_t *v)
{
	uint32_t types[3], mods = 0;
	unsigned int k;

	v[0] = v[1] = 0;
	switch (f) {
	case F_MAP:
		v[0] = op->map_sel;
		return true;
	case F_ALLOC: case F_POOLPAGE: case F_VICTIM:
		v[0] = op->handle_sel;
		return true;
	case F_SIZE:
		v[1] = op->sub;
		return kop_npages_byte(op->npages, &v[0]);
	case F_ALIGN:
		/* byte 0 is "none", 1.. the powers of two from the least */
		return kop_encode_range(op->align_log, 0, KOP_ALIGN_CHOICES,
		    &v[0]);
	case F_FLAGS:
		k = kop_types(set, types);
		v[0] = 0xff;
		for (unsigned int i = 0; i < k; i++)
			if ((op->flags & UVM_KMF_TYPEMASK) == types[i])
				v[0] = (uint8_t)i;
		if (v[0] == 0xff)
			return false;
		for (unsigned int i = 0; kop_mod_bit(i) != 0; i++) {
			mods |= kop_mod_bit(i);
			if (op->flags & kop_mod_bit(i))
				v[1] |= (uint8_t)(1u << i);
		}
		return (op->flags & ~(UVM_KMF_TYPEMASK | mods)) == 0;
	case F_SUBSIZE:
		return op->npages % KOP_SUBMAP_UNIT == 0 &&
		    kop_encode_range(op->npages / KOP_SUBMAP_UNIT, 1,
		    KOP_SUBMAP_STEPS, &v[0]);
	case F_SUBOPTS: case F_POOLOPTS:
		v[0] = (uint8_t)op->flags;
		return (op->flags & ~kop_option_mask(f)) == 0;
	case F_PAGE:
		return kop_encode_range(op->page, 0, 256, &v[0]);
	case F_COUNT:
		return kop_encode_range(op->count, 1, KOP_MAX_COUNT, &v[0]);
	case F_RW:
		v[0] = (uint8_t)op->flags;
		return (op->flags & ~(uint32_t)KOPF_TOUCH_BITS) == 0;
	case F_N:
		return kop_encode_range(op->n, 1, KOP_MAX_N, &v[0]);
	case F_MISUSE:
		return kop_encode_range(op->misuse, 0, KMIS_COUNT, &v[0]);
	case F_NPAGES:
		return kop_encode_range(op->npages, 1, KOP_TRACKED_PAGES, &v[0]);
	case F_HINT:
		return kop_encode_range(op->n, 0, 256, &v[0]);
	case F_MAPOPTS: case F_UNMAPOPTS:
		v[0] = (uint8_t)op->flags;
		return (op->flags & ~kop_option_mask(f)) == 0;
	case F_PROT:
		if (op->prot & ~op->maxprot)
			v[0] = (uint8_t)(op->prot | (op->maxprot << 3) |
			    KOP_PROT_AS_IS);
		else
			v[0] = (uint8_t)(op->prot |
			    ((op->maxprot & ~op->prot) << 3));
		return (op->prot & ~UVM_PROT_ALL) == 0 &&
		    (op->maxprot & ~UVM_PROT_ALL) == 0;
	case F_REGION:
		v[0] = op->handle_sel;
		return true;
	case F_SHAPE:
		return true;	/* no argument byte: the leading byte */
	case F_SCHED:
		if (op->count < 2 || op->count > KM_MAX_CPUS ||
		    op->n > KOP_SCHED_MAX_SEED ||
		    (op->flags & ~(uint32_t)(KOPF_SCHED_PCT |
		    KOPF_SCHED_NOUPDATE)) != 0)
			return false;
		if (op->flags & KOPF_SCHED_PCT) {
			if (op->page < 1 || op->page > KOP_SCHED_MAX_DEPTH)
				return false;
			v[0] = (uint8_t)(4 | (op->page - 1) << 3);
		} else if (op->page != 0) {
			return false;
		}
		v[0] |= (uint8_t)(op->count - 2);
		v[0] |= (op->flags & KOPF_SCHED_NOUPDATE) ? 0x20 : 0;
		v[1] = (uint8_t)op->n;
		v[2] = (uint8_t)(op->n >> 8);
		return true;
	default:
		return false;
	}
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
	uint8_t v[KOP_MAX_BYTES];

	KASSERTMSG(kop_opset_ok_p(set), "km_encode: bad opset %p",
	    (const void *)set);
	if (len > outlen || out == NULL)
		return 0;
	if (len == 0)
		return 0;
	unsigned int shape = kop_split_shape(&ops, &nops);
	if (shape >= KM_NSHAPES)
		return 0;
	out[0] = (uint8_t)shape;
	/*
	 * An smp program starts with its schedule (no opcode byte); every
	 * other program has none.  The CPU rides in the opcode byte.
	 */
	bool has_sched = nops > 0 && ops[0].code == KOP_SCHEDULE;
	unsigned int ncpu = has_sched ? ops[0].count : 1;
	size_t front = 1, nopc = nops - (has_sched ? 1 : 0);
	if (has_sched != set->smp || ncpu * set->nops > 256)
		return 0;
	for (size_t i = 0; i < nops; i++) {
		const struct km_op *op = &ops[i];
		uint8_t ob;

		if (op->code == KOP_SCHEDULE ? i != 0 || op->cpu != 0 :
		    op->code >= KOP_COUNT || op->cpu >= ncpu ||
		    !kop_opcode_byte(set, op->code, &ob))
			return 0;
		if (op->code != KOP_SCHEDULE)
			out[front++] = (uint8_t)(ob + set->nops * op->cpu);
		for (const uint8_t *f = km_op_fields(op->code); *f != F_END;
		    f++) {
			if (!kop_encode_field(set, *f, op, v))
				return 0;
			for (unsigned int k = 0; k < kop_field_bytes(*f); k++) {
				KASSERT(back > 1 + nopc);
				out[--back] = v[k];
			}
		}
	}
	KASSERTMSG(back == 1 + nopc, "km_encode: %zu argument bytes unused",
	    back - 1 - nopc);
	return len;
}
