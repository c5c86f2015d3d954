/*
 * op.h: the op language.  One sequence of ops, three spellings:
 *
 *   bytes  what fuzzers mutate.  Opcodes are read from the front of the
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
 */
#ifndef KMFUZZ_OP_H
#define KMFUZZ_OP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum km_opcode {
	KOP_ALLOC,		/* map size align flags -> aN */
	KOP_FREE,		/* aN */
	KOP_SUBALLOC,		/* map size [fixed] [intrsafe] -> mN */
	KOP_PGREMOVE,		/* aN page=P count=C: drop pages of a live alloc */
	KOP_TOUCH,		/* aN page=P read|write */
	KOP_PAGEOUT,		/* N: push up to N pageable pages to swap */
	KOP_BUSY,		/* aN page=P: start "I/O" on a resident page */
	KOP_POOLPAGE_GET,	/* map [nowait] [uncached] -> pN */
	KOP_POOLPAGE_PUT,	/* pN */
	KOP_DRAIN,		/* map: uvm_km_va_drain */
	KOP_FAIL_PAGEALLOC,	/* N: the N-th page allocation from now fails */
	KOP_HOLD_LOCK,		/* map: another CPU holds its lock for one op */
	KOP_IDLEZERO,		/* N: zero up to N free pages */
	KOP_MISUSE,		/* kind handle: an invalid call, must be caught */
	KOP_COUNT
};

enum km_misuse {
	KMIS_DOUBLE_FREE,	/* free aN twice */
	KMIS_WRONG_SIZE,	/* free aN with one page more */
	KMIS_WRONG_TYPE,	/* free aN with another type */
	KMIS_MISALIGNED,	/* free aN + 8 */
	KMIS_INSIDE,		/* free the second page of aN alone */
	KMIS_POOLPAGE_TWICE,	/* put pN twice */
	KMIS_COUNT
};

/* Argument limits (bytes reduce modulo these; text is checked). */
#define KOP_MAX_NPAGES		64	/* alloc: 1..64 pages */
#define KOP_SUB_UNIT		16	/* alloc size = npages*4K - sub*16 */
#define KOP_SUBMAP_UNIT		16	/* suballoc: 16..256 pages */
#define KOP_MAX_COUNT		16	/* pgremove count */
#define KOP_MAX_N		64	/* pageout/idlezero/fail_pagealloc */

/* Suballoc / poolpage / touch option bits (km_op.flags). */
#define KOPF_FIXED		0x1	/* suballoc */
#define KOPF_INTRSAFE		0x2	/* suballoc */
#define KOPF_NOWAIT		0x1	/* poolpage_get: waitok = false */
#define KOPF_UNCACHED		0x2	/* poolpage_get: not the _cache API */
#define KOPF_WRITE		0x1	/* touch */

/*
 * One op.  `*_sel' are the byte-level selectors (live index); the ids
 * are the names they resolved to (a<id>, p<id>, m<id>; map id 0 is
 * kernel_map).  The interpreter fills whichever side is missing.
 */
struct km_op {
	uint8_t		code;		/* enum km_opcode */
	uint8_t		misuse;		/* enum km_misuse */
	uint8_t		map_sel, handle_sel;
	uint16_t	map_id, handle_id;
	uint16_t	result_id;	/* -> aN/pN/mN; 0: failed, none */
	uint8_t		align_log;	/* 0: none, else 12..20 */
	uint8_t		sub;		/* alloc: size short of npages, /16 */
	uint32_t	npages;		/* alloc / suballoc size in pages */
	uint32_t	flags;		/* alloc: UVM_KMF_*; else KOPF_* */
	uint32_t	page, count;	/* page index in the alloc, count */
	uint32_t	n;		/* pageout, fail_pagealloc, idlezero */
	uint32_t	line;		/* text line (0: from bytes) */
};

/* The opcodes a target draws from. */
struct km_opset {
	const char	*name;
	uint8_t		nops;
	uint8_t		ops[KOP_COUNT];
	uint32_t	type_mask;	/* alloc types allowed (UVM_KMF_*) */
};
extern const struct km_opset km_opset_km, km_opset_map, km_opset_pool,
	km_opset_misuse;
const struct km_opset *km_opset_find(const char *name);

/*
 * Byte decoding: a cursor over the input.  km_bytes_next_op reads the
 * next opcode from the front (false at the end); km_bytes_arg one
 * argument byte from the back (0 once the ends have met).
 */
struct km_bytes {
	const uint8_t	*buf;
	size_t		front, back;
	const struct km_opset *set;
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

/*
 * Text.  km_text_parse_line: one line to an op with names filled in
 * (selectors are left for the interpreter); blank and comment-only
 * lines give KTEXT_EMPTY.  On error `err' says what was expected.
 * km_text_print: the canonical line for a resolved op (no newline).
 */
enum { KTEXT_OK = 0, KTEXT_EMPTY = 1, KTEXT_ERROR = -1 };
int	km_text_parse_line(const char *line, size_t len, struct km_op *op,
	    char *err, size_t errlen);
int	km_text_print(const struct km_op *op, char *buf, size_t len);

/* Names for flags, opcodes and misuse kinds (text and C spellings). */
const char	*km_opcode_name(unsigned int code);
const char	*km_misuse_name(unsigned int kind);

#endif /* KMFUZZ_OP_H */
