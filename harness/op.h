/*
 * op.h: the op language.  One sequence of ops, three spellings, all
 * derived from one schema (ops.def):
 *
 *   bytes  what fuzzers mutate.  The first byte chooses the instance's
 *          shape (harness.h; a "shape N" op heads the trace when it is
 *          not 0).  Opcodes are read from the front of the rest of the
 *          input, their arguments from the back (last byte first); when
 *          the two meet the program ends, and an argument read after
 *          that is 0.  Zero always means the simplest choice (smallest
 *          size, first live handle, no flags), and every byte string
 *          decodes to a valid program.  A target restricts the opcodes it
 *          draws from (struct km_opset): byte b means opset->ops[b % n].
 *   text   what people read and edit, one op a line, '#' comments:
 *              alloc kernel_map 0x3000 align=0x1000 WIRED|ZERO -> a1
 *   C      a standalone program calling the API (kmfuzz creproduce).
 *
 * Handles.  Allocations are a1, a2, ..., pool pages p1, ..., submaps
 * m1, ... (kernel_map is map 0), numbered in creation order; a failed
 * allocation creates no handle.  In bytes a handle argument is a
 * selector: index (mod the number live) into the live handles of that
 * kind, oldest first.  Resolving a selector needs the run (whether an
 * allocation succeeded is the core's business), so decoding and encoding
 * both happen inside the interpreter: it records for every op executed
 * the resolved names (for printing) and the selector indices (for
 * encoding).  km_op carries both.
 *
 * Adjustments.  The harness's policy (policy.c) may change an op so
 * that the call is valid and can finish, or decide not to run it; what
 * it did is recorded in km_op.adjusted and printed after the op as
 * "# adjusted: ...".  Every spelling goes through the same policy, so
 * the bytes and the text of a program run the same ops.
 */
#ifndef KMFUZZ_OP_H
#define KMFUZZ_OP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum km_opcode {
#define KM_OP(CODE, name, result, ...)	KOP_##CODE,
#include "ops.def"
	KOP_COUNT
};

enum km_misuse {
#define KM_MISUSE(CODE, name, handle)	KMIS_##CODE,
#include "ops.def"
	KMIS_COUNT
};

/*
 * Field types: what one argument of an op is.  Byte size and meaning are
 * in op_bytes.c, text form in op_text.c (printing: op_text_print.c).
 */
enum km_field {
	F_END = 0,
	F_MAP,		/* map_sel/map_id: kernel_map or mN */
	F_ALLOC,	/* handle of a live allocation: aN */
	F_POOLPAGE,	/* handle of a live pool page: pN */
	F_VICTIM,	/* misuse: aN or pN, as the misuse kind says */
	F_SIZE,		/* alloc: npages and sub (2 bytes) */
	F_ALIGN,	/* alloc: align_log, text "align=A", optional */
	F_FLAGS,	/* alloc: type and modifiers (2 bytes) */
	F_SUBSIZE,	/* suballoc: npages, a multiple of KOP_SUBMAP_UNIT */
	F_SUBOPTS,	/* suballoc: fixed, intrsafe, vacache */
	F_PAGE,		/* page index in an allocation: "page=P" */
	F_COUNT,	/* pgremove page count: "count=C" */
	F_RW,		/* touch: read | write */
	F_N,		/* pageout, fail_pagealloc, idlezero: a count */
	F_POOLOPTS,	/* poolpage_get: nowait, uncached */
	F_MISUSE,	/* misuse kind */
	F_NPAGES,	/* map: a size in whole pages */
	F_HINT,		/* map: the hint (or FIXED start), pages above the
			   map's minimum: "hint=P", optional */
	F_MAPOPTS,	/* map: fixed nomerge quantum obj waitva trylock */
	F_PROT,		/* map: protection / maximum protection, "rw-/rwx" */
	F_REGION,	/* handle of a live region: rN */
	F_UNMAPOPTS,	/* unmap: vaonly */
	F_SHAPE,	/* shape: 0..KM_NSHAPES-1 (op.n); bytes: the leading
			   byte of the program, never an argument byte */
	F_SCHED,	/* schedule: strategy (flags & KOPF_SCHED_PCT), cpus
			   (count), depth (page), seed (n), noupdate; 3 bytes
			   (sched.c, op_bytes.c) */
	F_NTYPES	/* at most 32: op_schema.c keeps a bit per type */
};
#define KOP_MAX_FIELDS	6

/*
 * Argument limits (bytes reduce modulo these; text is checked against
 * them): the one definition.
 */
/*
 * Sizes (alloc, uvm_map) on a log scale, from one page to beyond the
 * whole map: byte b means npages = ((16 + b % 16) << (b / 16)) / 16,
 * i.e. every count up to 31, then 16 steps an octave (32, 34, ..., 62,
 * 64, 68, ...) up to KOP_SIZE_MAX_PAGES.
 */
#define KOP_NPAGES(b)		((((uint32_t)16 + ((b) & 15)) << ((b) >> 4)) >> 4)
#define KOP_SIZE_MAX_PAGES	KOP_NPAGES(255)
#define KOP_TRACKED_PAGES	64	/* page=P: the first 64 pages */
#define KT_PAGE_SIZE		0x1000u	/* the text spelling's page */
#define KOP_MAX_NPAGES		KOP_TRACKED_PAGES
#define KOP_SUB_UNIT		16	/* alloc size = npages*4K - sub*16 */
#define KOP_ALIGN_LOG_MIN	0	/* align: 2^0 (a byte: page alignment, */
#define KOP_ALIGN_LOG_MAX	24	/* as NetBSD) .. 2^24, or none */
#define KOP_SUBMAP_UNIT		16	/* suballoc: 16..256 pages */
#define KOP_SUBMAP_STEPS	16
#define KOP_MAX_COUNT		16	/* pgremove count */
#define KOP_MAX_N		64	/* pageout/idlezero/fail_pagealloc */
#define KM_NSHAPES		16	/* instance shapes (harness/shape.c) */
#define KM_MAX_CPUS		4	/* virtual CPUs of a concurrent run */
#define KOP_SCHED_MAX_DEPTH	4	/* PCT: depth - 1 change points */
#define KOP_SCHED_MAX_SEED	0xffff

/* Option bits (km_op.flags of ops that are not alloc). */
#define KOPF_FIXED		0x1	/* suballoc */
#define KOPF_INTRSAFE		0x2	/* suballoc */
#define KOPF_VACACHE		0x4	/* suballoc: its own KVA cache */
#define KOPF_NOWAIT		0x1	/* poolpage_get: waitok = false */
#define KOPF_UNCACHED		0x2	/* poolpage_get: not the _cache API */
#define KOPF_WRITE		0x1	/* touch */
#define KOPF_TOUCH_NOWAIT	0x2	/* touch: a fault that never sleeps */
#define KOPF_TOUCH_BITS		(KOPF_WRITE | KOPF_TOUCH_NOWAIT)
#define KOPF_MAP_FIXED		0x01	/* map: exactly the hint, or fail */
#define KOPF_MAP_NOMERGE	0x02	/* map: never merged */
#define KOPF_MAP_QUANTUM	0x04	/* map: never merged nor split */
#define KOPF_MAP_OBJ		0x08	/* map: backed by the kernel object */
#define KOPF_MAP_WAITVA		0x10	/* map: wait for VA */
#define KOPF_MAP_TRYLOCK	0x20	/* map: fail if the lock is held */
#define KOPF_UNMAP_VAONLY	0x1	/* unmap: the VA only, pages done */
#define KOP_PROT_AS_IS		0xc0	/* F_PROT byte: maxprot not widened */
#define KOPF_SCHED_PCT		0x1	/* schedule: pct (else random) */
#define KOPF_SCHED_NOUPDATE	0x2	/* schedule: the instance frees cached
					   pool pages without pmap_update
					   (NetBSD without DEBUG) */
enum { KSCHED_RANDOM = 0, KSCHED_PCT = 1 };

/*
 * What the policy did to an op (km_op.adjusted), printed as
 * "# adjusted: <text>, <text>" after the op (km_adjust_text).
 */
enum km_adjust {
	KADJ_WIRED		= 0x001, /* PAGEABLE -> WIRED: intrsafe map */
	KADJ_NO_WAITVA		= 0x002, /* WAITVA dropped: never room */
	KADJ_CANFAIL		= 0x004, /* CANFAIL added: pages never come */
	KADJ_NOWAIT		= 0x008, /* nowait added: a wait never ends */
	KADJ_LET_GO		= 0x010, /* the other CPU let go first */
	KADJ_FAULT_NOWAIT	= 0x020, /* nowait: no page for the fault */
	KADJ_SKIP_FULL		= 0x040, /* not run: the shadow is full */
	KADJ_SKIP_NOROOM	= 0x080, /* not run: no room for the submap */
	KADJ_AS_WRITTEN		= 0x100, /* ran as written though the policy
					    would adjust it now (C repro) */
	KADJ_WHOLE		= 0x200, /* unmap widened to a QUANTUM region */
	KADJ_LIVE_RUN		= 0x400, /* unmap narrowed to mapped pages
					    and holes */
	KADJ_SKIP_UNMAPPED	= 0x800, /* not run: the page is unmapped
					    and no hole */
	KADJ_SKIP_NOENTRY	= 0x1000, /* not run: no map entry to split */
	KADJ_NO_NOUPDATE	= 0x2000, /* schedule: noupdate not allowed */
	KADJ_STUCK		= 0x4000, /* smp: its wait could never end;
					     the run stopped there */
	KADJ_NO_VAONLY		= 0x8000, /* unmap: pages were faulted in */
};
#define KADJ_NOT_RUN	(KADJ_SKIP_FULL | KADJ_SKIP_NOROOM | \
	KADJ_SKIP_UNMAPPED | KADJ_SKIP_NOENTRY)

/*
 * One op.  `*_sel' are the byte-level selectors (live index); the ids
 * are the names they resolved to (a<id>, p<id>, m<id>; map id 0 is
 * kernel_map).  The interpreter fills whichever side is missing.
 */
struct km_op {
	uint8_t		code;		/* enum km_opcode */
	uint8_t		misuse;		/* enum km_misuse */
	uint8_t		cpu;		/* the CPU that runs it ("cpuN: ") */
	uint8_t		map_sel, handle_sel;
	uint16_t	map_id, handle_id;
	uint16_t	result_id;	/* -> aN/pN/mN; 0: failed, none */
	uint16_t	adjusted;	/* enum km_adjust bits */
	uint8_t		waits;		/* times its calls waited (run only) */
	uint8_t		align_log;	/* 0: none, else 1 + log2(align) */
	uint8_t		sub;		/* alloc: size short of npages, /16 */
	uint32_t	npages;		/* alloc / suballoc size in pages */
	uint32_t	flags;		/* alloc: UVM_KMF_*; else KOPF_* */
	uint32_t	page, count;	/* page index in the alloc, count */
	uint32_t	n;		/* pageout, fail_pagealloc, idlezero;
					   map: hint in pages */
	uint8_t		prot, maxprot;	/* map: VM_PROT_* */
	uint16_t	freed_id;	/* aN the other CPU freed while this
					   op waited (run only) */
	uint32_t	line;		/* text line (0: from bytes) */
};

/* ---- the schema, as data (op_schema.c) ---------------------------------- */

/* => the text spelling ("alloc"), NULL if code is no opcode. */
const char	*km_opcode_name(unsigned int code);
/* => the misuse kind's spelling ("double_free"), NULL if none. */
const char	*km_misuse_name(unsigned int kind);
/* => the op's fields in order, F_END-terminated ({F_END} if no op). */
const uint8_t	*km_op_fields(unsigned int code);
/* => the kind of handle the op creates ('a', 'p', 'm') or 0. */
char		km_op_creates(const struct km_op *op);
/* => the kind of handle the op names ('a', 'p', 'r') or 0. */
char		km_op_handle_kind(const struct km_op *op);
/* => the op names a map (map_id/map_sel). */
bool		km_op_has_map(const struct km_op *op);
/* => the op refers to handle `kind' `id' (a map for 'm'). */
bool		km_op_uses(const struct km_op *op, char kind, uint16_t id);
/* => the op has field `f'. */
bool		km_op_has_field(unsigned int code, enum km_field f);
/*
 * The same op in one spelling: the fields text carries (names, sizes,
 * flags, pages, counts; not selectors, line, adjustments, waits), or
 * the fields bytes carry (selectors instead of names).
 */
bool		km_op_same_text(const struct km_op *a, const struct km_op *b);
bool		km_op_same_bytes(const struct km_op *a, const struct km_op *b);

/*
 * km_op_same_renamed: km_op_same_text up to one consistent renaming of
 * handles (each kind a one-to-one map of ids, 0 -- "fail", none -- only
 * to 0), which r records as the ops go by.  A program for several CPUs
 * names its handles in the file's order, its bytes in the order the
 * schedule creates them: the same program, other names.
 * => r zeroed before the first op.
 */
struct km_rename {
	unsigned int	n;
	struct {
		char		kind;
		uint16_t	from, to;
	}		pair[2 * 4096];
};
bool		km_op_same_renamed(const struct km_op *a, const struct km_op *b,
		    struct km_rename *r);

/* Alloc flags in schema order. */
struct km_flag_desc {
	const char	*name;		/* "WIRED" */
	uint32_t	bit;
	bool		type;
};
extern const struct km_flag_desc km_flags[];
extern const unsigned int km_nflags;

/* Word options in schema order; name NULL ends the list. */
struct km_option_desc {
	uint8_t		field;		/* F_SUBOPTS, F_POOLOPTS */
	const char	*name;
	uint32_t	bit;
};
extern const struct km_option_desc km_options[];

/*
 * The "# adjusted: ..." text of an op's adjustments (no leading '#').
 * => its length, snprintf-like; "" when op->adjusted is 0.
 */
int	km_adjust_text(unsigned int adjusted, char *buf, size_t len);

/* ---- opsets -------------------------------------------------------------- */

/* The opcodes a target draws from. */
struct km_opset {
	const char	*name;
	uint8_t		nops;
	uint8_t		ops[KOP_COUNT];
	uint32_t	type_mask;	/* alloc types allowed (UVM_KMF_*) */
	/*
	 * A program for several CPUs: a schedule op follows the shape
	 * (its 3 argument bytes come first from the back) and opcode
	 * bytes name a CPU too.
	 */
	bool		smp;
};
extern const struct km_opset km_opset_km, km_opset_map, km_opset_pool,
	km_opset_misuse, km_opset_smp;
const struct km_opset *km_opset_find(const char *name);

/* ---- bytes (op_bytes.c) -------------------------------------------------- */

/*
 * Byte decoding: a cursor over the input.  km_bytes_next_op reads the
 * next opcode from the front (false at the end); km_bytes_arg one
 * argument byte from the back (0 once the ends have met).
 */
struct km_bytes {
	const uint8_t	*buf;
	size_t		front, back;
	const struct km_opset *set;
	unsigned int	shape;		/* from the leading byte */
	bool		shape_pending;	/* shape op not yet decoded */
	bool		sched_pending;	/* smp: schedule op not yet decoded */
	unsigned int	ncpu;		/* smp: CPUs of the schedule (else 1) */
};
void	km_bytes_init(struct km_bytes *b, const uint8_t *buf, size_t len,
	    const struct km_opset *set);
/*
 * km_bytes_decode: the next op with its byte-level fields (selectors,
 * sizes, flags) filled in; names are left for the interpreter.
 * => false when the input is used up.
 */
bool	km_bytes_decode(struct km_bytes *b, struct km_op *op);

/*
 * Byte encoding: the exact inverse for ops whose selectors are known.
 * km_encode_size() bytes are needed; km_encode writes them.
 * => returns the length, or 0 if an op's opcode is not in `set'.
 */
size_t	km_encode_size(const struct km_op *ops, size_t nops);
size_t	km_encode(const struct km_op *ops, size_t nops,
	    const struct km_opset *set, uint8_t *out, size_t outlen);

/* ---- text (op_text.c) ---------------------------------------------------- */

/*
 * km_text_parse_line: one line to an op with names filled in
 * (selectors are left for the interpreter); blank and comment-only
 * lines give KTEXT_EMPTY.  On error `err' says what was expected.
 * km_text_print: the canonical line for a resolved op (no newline),
 * followed by "  # adjusted: ..." when the policy changed it and
 * "  # waited N times" when its calls slept (both comments: not parsed).
 */
enum { KTEXT_OK = 0, KTEXT_EMPTY = 1, KTEXT_ERROR = -1 };
int	km_text_parse_line(const char *line, size_t len, struct km_op *op,
	    char *err, size_t errlen);
int	km_text_print(const struct km_op *op, char *buf, size_t len);

#endif /* KMFUZZ_OP_H */
