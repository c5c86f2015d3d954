/*
 * op_text_print.c: an op as one line of the text spelling (op_text.c
 * reads it back and documents the grammar).  Options and flags come in
 * schema order, sizes and align in lowercase hex, page/count/N in
 * decimal, so that parse(print(op)) gives op back; what the policy did
 * to the op, its waits and the other CPU's frees follow as a comment
 * the parser ignores.
 *
 * Example: KOP_ALLOC, map_id 1, npages 3, sub 1, PAGEABLE|NOWAIT|CANFAIL,
 * result_id 2 prints "alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2".
 */
#include <stdarg.h>
#include <uvm/uvm.h>
#include "op.h"

/* ---- printing --------------------------------------------------------- */

/* A bounded buffer that counts what would have been written. */
struct kt_out {
	char	*buf;
	size_t	len, pos;
};

__attribute__((format(printf, 2, 3)))
static void
kt_pr(struct kt_out *o, const char *fmt, ...)
{
	va_list ap;
	bool room = o->pos < o->len;

	va_start(ap, fmt);
	int n = uvm_vsnprintf(room ? o->buf + o->pos : NULL,
	    room ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	o->pos += (size_t)n;
}

static void
kt_pr_map(struct kt_out *o, uint16_t id)
{
	if (id == 0)
		kt_pr(o, " kernel_map");
	else
		kt_pr(o, " m%u", id);
}

static void
kt_pr_result(struct kt_out *o, char letter, uint16_t id)
{
	if (id == 0)
		kt_pr(o, " -> fail");
	else
		kt_pr(o, " -> %c%u", letter, id);
}

static void
kt_pr_options(struct kt_out *o, unsigned int f, uint32_t flags)
{
	for (const struct km_option_desc *d = km_options; d->name != NULL; d++) {
		if (d->field == f && (flags & d->bit)) {
			kt_pr(o, " %s", d->name);
			flags &= ~d->bit;
		}
	}
	if (flags != 0)
		kt_pr(o, " 0x%x", flags);	/* unparseable on purpose */
}

static void
kt_pr_flags(struct kt_out *o, uint32_t flags)
{
	const char *sep = " ";

	for (size_t f = 0; f < km_nflags; f++) {
		if (flags & km_flags[f].bit) {
			kt_pr(o, "%s%s", sep, km_flags[f].name);
			flags &= ~km_flags[f].bit;
			sep = "|";
		}
	}
	if (flags != 0 || *sep == ' ')
		kt_pr(o, "%s0x%x", sep, flags);	/* unparseable on purpose */
}

/* One field of op, with its leading space (an absent option: nothing). */
static void
kt_pr_field(struct kt_out *o, unsigned int f, const struct km_op *op)
{
	const char *kind;

	switch (f) {
	case F_MAP:
		kt_pr_map(o, op->map_id);
		break;
	case F_ALLOC: case F_POOLPAGE: case F_VICTIM: case F_REGION:
		kt_pr(o, " %c%u", km_op_handle_kind(op) ? km_op_handle_kind(op) :
		    '?', op->handle_id);
		break;
	case F_NPAGES:
		kt_pr(o, " 0x%llx", (unsigned long long)op->npages *
		    KT_PAGE_SIZE);
		break;
	case F_HINT:
		if (op->n != 0)
			kt_pr(o, " hint=%u", op->n);
		break;
	case F_SHAPE:
		kt_pr(o, " %u", op->n);
		break;
	case F_SCHED:
		kt_pr(o, " %s cpus=%u", (op->flags & KOPF_SCHED_PCT) ? "pct" :
		    "random", op->count);
		if (op->flags & KOPF_SCHED_PCT)
			kt_pr(o, " depth=%u", op->page);
		kt_pr(o, " seed=0x%04x", op->n);
		kt_pr_options(o, f, op->flags & ~(uint32_t)KOPF_SCHED_PCT);
		break;
	case F_PROT:
		kt_pr(o, " %c%c%c/%c%c%c", (op->prot & 1) ? 'r' : '-',
		    (op->prot & 2) ? 'w' : '-', (op->prot & 4) ? 'x' : '-',
		    (op->maxprot & 1) ? 'r' : '-', (op->maxprot & 2) ? 'w' : '-',
		    (op->maxprot & 4) ? 'x' : '-');
		if ((op->prot | op->maxprot) & ~7)
			kt_pr(o, "?");	/* unparseable on purpose */
		break;
	case F_SIZE:
		kt_pr(o, " 0x%llx", (unsigned long long)op->npages *
		    KT_PAGE_SIZE - (unsigned long long)op->sub * KOP_SUB_UNIT);
		break;
	case F_ALIGN:
		if (op->align_log != 0 && op->align_log <= 64)
			kt_pr(o, " align=0x%llx", 1ull << (op->align_log - 1));
		else if (op->align_log != 0)
			kt_pr(o, " align=?");
		break;
	case F_FLAGS:
		kt_pr_flags(o, op->flags);
		break;
	case F_SUBSIZE:
		kt_pr(o, " 0x%llx", (unsigned long long)op->npages *
		    KT_PAGE_SIZE);
		break;
	case F_SUBOPTS: case F_POOLOPTS: case F_MAPOPTS: case F_UNMAPOPTS:
		kt_pr_options(o, f, op->flags);
		break;
	case F_PAGE:
		kt_pr(o, " page=%u", op->page);
		break;
	case F_COUNT:
		kt_pr(o, " count=%u", op->count);
		break;
	case F_RW:
		kt_pr(o, " %s%s", (op->flags & KOPF_WRITE) ? "write" : "read",
		    (op->flags & KOPF_TOUCH_NOWAIT) ? " nowait" : "");
		if (op->flags & ~(uint32_t)KOPF_TOUCH_BITS)
			kt_pr(o, " 0x%x", op->flags);
		break;
	case F_N:
		kt_pr(o, " %u", op->n);
		break;
	case F_MISUSE:
		kind = km_misuse_name(op->misuse);
		kt_pr(o, " %s", kind != NULL ? kind : "?");
		break;
	}
}

/*
 * km_text_print: the canonical line for op (no newline).  An op that no
 * line can express (a bad opcode, stray flag bits) prints something
 * recognisable that the parser rejects.
 * => the length of the whole line, as snprintf: buf[0, len) holds it
 *    NUL-terminated, cut short if the result is >= len.
 */
int
km_text_print(const struct km_op *op, char *buf, size_t len)
{
	struct kt_out o = { buf, buf != NULL ? len : 0, 0 };
	const char *name = km_opcode_name(op->code);

	if (o.len > 0)
		buf[0] = '\0';
	if (name == NULL) {
		kt_pr(&o, "?opcode%u", op->code);
		return (int)o.pos;
	}
	if (op->cpu != 0)
		kt_pr(&o, "cpu%u: ", op->cpu);
	kt_pr(&o, "%s", name);
	for (const uint8_t *f = km_op_fields(op->code); *f != F_END; f++)
		kt_pr_field(&o, *f, op);
	if (km_op_creates(op) != 0)
		kt_pr_result(&o, km_op_creates(op), op->result_id);
	if (op->adjusted != 0) {
		char adj[400];
		km_adjust_text(op->adjusted, adj, sizeof(adj));
		kt_pr(&o, "  # %s", adj);
	}
	if (op->waits != 0)
		kt_pr(&o, "%s waited %u time%s", op->adjusted ? ";" : "  #",
		    op->waits, op->waits == 1 ? "" : "s");
	if (op->freed_id != 0)
		kt_pr(&o, "%s a%u freed by the other CPU meanwhile",
		    op->adjusted || op->waits ? ";" : "  #", op->freed_id);
	return (int)o.pos;
}
