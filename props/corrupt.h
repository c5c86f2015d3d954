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

/* Apply the corruption made for `checker' (a C repro calls this). */
void	corrupt_by_name(struct harness *h, const char *checker);

#endif /* KMFUZZ_CORRUPT_H */
