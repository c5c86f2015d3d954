/*
 * op_schema.c: ops.def as tables, and the questions everybody asks of
 * an op: its name, its fields, which handles it makes and which it
 * names.  The interpreter resolves handles with these, the shrinker
 * deletes an op's dependants with them, the codecs walk the fields.
 *
 * Example: for "misuse poolpage_twice p2" km_op_handle_kind is 'p' (the
 * misuse row for poolpage_twice says so) and km_op_uses(op, 'p', 2) is
 * true; for "alloc m1 0x1000 VAONLY -> a4" km_op_creates is 'a' and
 * km_op_uses(op, 'm', 1) is true.
 */
#include <uvm/uvm.h>
#include "op.h"

#define KM_FIELDS(...)	{ __VA_ARGS__, F_END }
/* The set of an op's fields, as bits (F_END, bit 0, pads short rows). */
#define KM_MASK(...)	KM_MASK6(__VA_ARGS__, F_END, F_END, F_END, F_END, \
	F_END, F_END)
#define KM_MASK6(a, b, c, d, e, f, ...) \
	((1u << (a)) | (1u << (b)) | (1u << (c)) | (1u << (d)) | \
	(1u << (e)) | (1u << (f)))

static const struct {
	const char	*name;
	char		result;
	uint8_t		fields[KOP_MAX_FIELDS + 1];
	uint32_t	mask;		/* 1 << F_x for each field */
} km_ops[KOP_COUNT] = {
#define KM_OP(CODE, name, result, ...) \
	[KOP_##CODE] = { #name, result, KM_FIELDS(__VA_ARGS__), \
	    KM_MASK(__VA_ARGS__) },
#include "ops.def"
};

static const struct {
	const char	*name;
	char		handle;
} km_misuses[KMIS_COUNT] = {
#define KM_MISUSE(CODE, name, handle)	[KMIS_##CODE] = { #name, handle },
#include "ops.def"
};

const struct km_flag_desc km_flags[] = {
#define KM_FLAG(NAME, bit, istype)	{ #NAME, bit, istype },
#include "ops.def"
};
const unsigned int km_nflags = sizeof(km_flags) / sizeof(km_flags[0]);

const struct km_option_desc km_options[] = {
#define KM_OPTION(field, name, bit)	{ field, #name, bit },
#include "ops.def"
	{ F_END, NULL, 0 }
};

static const uint8_t km_no_fields[1] = { F_END };

const char *
km_opcode_name(unsigned int code)
{
	return code < KOP_COUNT ? km_ops[code].name : NULL;
}

const char *
km_misuse_name(unsigned int kind)
{
	return kind < KMIS_COUNT ? km_misuses[kind].name : NULL;
}

const uint8_t *
km_op_fields(unsigned int code)
{
	return code < KOP_COUNT ? km_ops[code].fields : km_no_fields;
}

bool
km_op_has_field(unsigned int code, enum km_field f)
{
	return code < KOP_COUNT && f != F_END &&
	    (km_ops[code].mask & (1u << f)) != 0;
}

char
km_op_creates(const struct km_op *op)
{
	return op->code < KOP_COUNT ? km_ops[op->code].result : 0;
}

char
km_op_handle_kind(const struct km_op *op)
{
	if (km_op_has_field(op->code, F_ALLOC))
		return 'a';
	if (km_op_has_field(op->code, F_POOLPAGE))
		return 'p';
	if (km_op_has_field(op->code, F_REGION))
		return 'r';
	if (km_op_has_field(op->code, F_VICTIM) && op->misuse < KMIS_COUNT)
		return km_misuses[op->misuse].handle;
	return 0;
}

bool
km_op_has_map(const struct km_op *op)
{
	return km_op_has_field(op->code, F_MAP);
}

bool
km_op_uses(const struct km_op *op, char kind, uint16_t id)
{
	if (kind == 'm')
		return km_op_has_map(op) && op->map_id == id;
	return km_op_handle_kind(op) == kind && op->handle_id == id;
}

/* The argument fields both spellings carry. */
static bool
km_op_same_args(const struct km_op *a, const struct km_op *b)
{
	return a->code == b->code && a->misuse == b->misuse &&
	    a->cpu == b->cpu &&
	    a->npages == b->npages && a->sub == b->sub &&
	    a->align_log == b->align_log && a->flags == b->flags &&
	    a->page == b->page && a->count == b->count && a->n == b->n &&
	    a->prot == b->prot && a->maxprot == b->maxprot;
}

bool
km_op_same_text(const struct km_op *a, const struct km_op *b)
{
	return km_op_same_args(a, b) && a->map_id == b->map_id &&
	    a->handle_id == b->handle_id && a->result_id == b->result_id;
}

/* Is `from' of `kind' renamed `to' (recorded in r if new)? */
static bool
km_rename_match(struct km_rename *r, char kind, uint16_t from, uint16_t to)
{
	if (from == 0 || to == 0 || kind == 0)
		return from == to;
	for (unsigned int i = 0; i < r->n; i++)
		if (r->pair[i].kind == kind &&
		    (r->pair[i].from == from || r->pair[i].to == to))
			return r->pair[i].from == from && r->pair[i].to == to;
	if (r->n == sizeof(r->pair) / sizeof(r->pair[0]))
		return false;
	r->pair[r->n].kind = kind;
	r->pair[r->n].from = from;
	r->pair[r->n].to = to;
	r->n++;
	return true;
}

bool
km_op_same_renamed(const struct km_op *a, const struct km_op *b,
    struct km_rename *r)
{
	return km_op_same_args(a, b) &&
	    (!km_op_has_map(a) || km_rename_match(r, 'm', a->map_id,
	    b->map_id)) &&
	    km_rename_match(r, km_op_handle_kind(a), a->handle_id,
	    b->handle_id) &&
	    km_rename_match(r, km_op_creates(a), a->result_id, b->result_id);
}

bool
km_op_same_bytes(const struct km_op *a, const struct km_op *b)
{
	return km_op_same_args(a, b) && a->map_sel == b->map_sel &&
	    a->handle_sel == b->handle_sel;
}

/* What each adjustment bit says, in bit order. */
static const char *const km_adjust_words[] = {
	"PAGEABLE made WIRED (the map is interrupt-safe)",
	"WAITVA dropped (no free range could ever fit)",
	"CANFAIL added (a page wait could never end)",
	"nowait added (a wait could never end)",
	"the other CPU let go of its lock first",
	"nowait added (the fault could never get a page)",
	"not run (the harness tracks as many as it can)",
	"not run (no room for the submap: NetBSD would panic)",
	"ran as written (the policy would adjust it now)",
	"widened to the whole region (a QUANTUM entry is never split)",
	"narrowed to the pages still mapped or in a hole",
	"not run (that page of the region was unmapped and is no hole now)",
	"not run (the map entries left are too few or another op's)",
	"noupdate dropped (pool-page frees update the TLBs: NetBSD DEBUG)",
	"the run stopped here (no CPU can end this wait: others hold it)",
	"vaonly dropped (a fault brought pages in)",
};

int
km_adjust_text(unsigned int adjusted, char *buf, size_t len)
{
	int n = 0;

	if (len > 0)
		buf[0] = '\0';
	for (unsigned int i = 0; i < sizeof(km_adjust_words) /
	    sizeof(km_adjust_words[0]); i++) {
		if (!(adjusted & (1u << i)))
			continue;
		size_t at = (size_t)n < len ? (size_t)n : len;
		n += uvm_snprintf(buf + at, len - at, "%s%s",
		    n > 0 ? ", " : "adjusted: ", km_adjust_words[i]);
	}
	return n;
}
