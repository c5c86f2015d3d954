/*
 * harness_priv.h: what interp.c, exec.c and check.c share.
 */
#ifndef KMFUZZ_HARNESS_PRIV_H
#define KMFUZZ_HARNESS_PRIV_H

#include "harness.h"

/* Report a violation (harness_fail; the first one wins). => false. */
#define hfail	harness_fail

/* Shadow lookups. */
struct hs_alloc		*hs_alloc_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
struct hs_poolpage	*hs_pool_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
struct hs_map		*hs_map_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
/* The live allocation or pool page covering va, if any. */
struct hs_alloc		*hs_alloc_at(struct harness *h, vaddr_t va);
struct hs_poolpage	*hs_pool_at(struct harness *h, vaddr_t va);

static inline unsigned int
hs_npages(const struct hs_alloc *a)
{
	return (unsigned int)(a->size >> PAGE_SHIFT);
}

static inline unsigned int
hs_type(const struct hs_alloc *a)
{
	return a->flags & UVM_KMF_TYPEMASK;
}

/*
 * The id a new handle gets: the program's own label in text mode (if it
 * gave one), else the next free number.  `next' stays above every label.
 */
static inline uint16_t
hs_new_id(struct harness *h, uint16_t *next, uint16_t label)
{
	uint16_t id = (h->text_mode && label != 0) ? label : *next;
	if (id >= *next)
		*next = (uint16_t)(id + 1);
	return id;
}

/* Execute one resolved op (under host->call).  exec.c */
void	harness_exec(struct harness *h, struct km_op *op);
/*
 * Adjust a byte-program op so that the call is valid and can finish.
 * => false: no valid form of the op exists now; it is dropped.
 */
bool	harness_adjust(struct harness *h, struct km_op *op);
/* The hold_lock rule, for ops from bytes and text alike. */
void	harness_adjust_for_held_lock(struct harness *h, struct km_op *op);

/* Checkers.  check.c */
void	check_after_op(struct harness *h, const struct km_op *op);
void	check_full(struct harness *h);	/* both of: */
void	check_structures(struct harness *h);
void	check_against_shadow(struct harness *h);
void	check_leaks(struct harness *h);
/* Counters snapshot for "a failure leaves nothing behind". */
struct hs_counts {
	unsigned int free, wired, objpages, swpginuse, entries;
};
void	hs_counts_take(struct harness *h, struct hs_counts *c);

/* Mappings in [sva, eva) (count only). */
unsigned long	hs_count_mappings(struct harness *h, vaddr_t sva, vaddr_t eva);

/* Bits set (by hand: no libgcc call in the kernel). */
static inline unsigned int
hs_popcount(uint64_t x)
{
	unsigned int n = 0;
	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/* Deterministic page pattern for touch writes: never 0. */
static inline uint32_t
hs_pattern(uint32_t gen, unsigned int id, unsigned int page)
{
	uint32_t x = gen * 0x9e3779b1u ^ (id << 16) ^ page;
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x | 1;
}

#endif /* KMFUZZ_HARNESS_PRIV_H */
