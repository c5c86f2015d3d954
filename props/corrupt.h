/*
 * corrupt.h: state broken on purpose, one way per harness checker, to
 * show each checker firing (props/test_checkers.c, fuzz/test-crepro.sh).
 */
#ifndef KMFUZZ_CORRUPT_H
#define KMFUZZ_CORRUPT_H

#include "harness_host.h"

struct corruption {
	const char	*checker;	/* the one that must fire */
	const char	*what;
	const char	*program;	/* ops separated by '/' */
	unsigned int	at;		/* corrupt after this op */
	bool		full_every_op;	/* structure checks after each op */
	void		(*corrupt)(struct harness *h);
};

extern const struct corruption corruptions[];
extern const unsigned int ncorruptions;

/* Apply corruptions[i] (a C repro calls this; --list gives i). */
void	corrupt_by_index(struct harness *h, unsigned int i);

#endif /* KMFUZZ_CORRUPT_H */
