/*
 * shrink.h: minimise a failing program (see shrink.c).
 */
#ifndef KMFUZZ_SHRINK_H
#define KMFUZZ_SHRINK_H

#include "harness.h"

/*
 * harness_shrink: shrink ops[0..n), a program (text semantics) that
 * fails with finding *f, to the smallest program that fails the same
 * way.
 * => scratch: room for n ops.  budget: runs allowed (0: 4000).
 * => returns the new length; ops then hold the failing run's trace with
 *    handles renamed in creation order, *f its finding under a full
 *    check after every op (which may name an earlier op than *f did).
 *    A program that does not fail that way is returned unshrunk.
 */
size_t	harness_shrink(struct harness *h, struct km_op *ops, size_t n,
	    struct km_op *scratch, struct harness_finding *f,
	    unsigned int budget);

/* The same signature (signature.h): the shrinker's predicate. */
bool	harness_same_failure(const struct harness_finding *a,
	    const struct harness_finding *b);

#endif /* KMFUZZ_SHRINK_H */
