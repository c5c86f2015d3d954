/*
 * repro.h: the runtime of a C reproducer written by `kmfuzz creproduce'.
 *
 * A repro is a text program (the ops, one a line, exactly as `kmfuzz
 * run' would print them) plus a function that makes the uvm_km calls of
 * each op spelled out in C.  Around every op's calls the harness runs
 * its own steps -- harness_op_begin (resolve the op's names, the valid-
 * use policy, snapshots) and harness_op_end (shadow, the op's checks,
 * a full check of every structure) -- so the repro judges exactly as
 * `kmfuzz run' does: the same shadow, the same checkers, the same
 * signature.  It exits 1 while the bug is there, 0 once it is fixed.
 *
 *	OP(3) {
 *		a2 = uvm_km_alloc(m0, 0x2000, 0x0, UVM_KMF_WIRED);
 *		DONE(a2);
 *	}
 *
 * OP(i) begins op i and runs its block only if the op runs (the policy
 * may not run it; a panic or would-block in the block ends the program,
 * and repro_main judges it); DONE(v) ends it with the calls' result.
 * Build from the top of the source tree with the cc line in the repro's
 * header: every .c file of core/, harness/, pmap_model/ and adapter/
 * plus the repro, -lpthread.
 */
#ifndef KMFUZZ_REPRO_H
#define KMFUZZ_REPRO_H

#include "harness_host.h"

struct repro {
	const char		*target;	/* the fuzz target it came from */
	bool			direct_map;	/* pool pages from the direct map */
	const char *const	*text;		/* the program, NULL-terminated */
	/* its calls; NULL: a program for several CPUs, run in the
	   harness's scheduler (harness/smp.c) */
	void			(*program)(struct harness *h);
	/* the finding when it was written, or NULL: it ran clean */
	const char		*signature;
	/* an extra check after every op (harness_config.property), or NULL */
	void			(*property)(struct harness *h, void *arg);
	void			*property_arg;
};

/* Run it, judge it, print what happened.  => the exit status (0/1/2). */
int	repro_main(const struct repro *r);

#define OP(i)								\
	if (!harness_op_begin(h, (i))) {				\
		if (harness_stopped(h))					\
			return;						\
	} else
#define DONE(v) do {							\
	if (!harness_op_end(h, (uintptr_t)(v)))				\
		return;							\
} while (0)

#endif /* KMFUZZ_REPRO_H */
