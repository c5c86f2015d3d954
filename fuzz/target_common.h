/*
 * target_common.h: what the fuzz targets, the replay driver and the
 * kmfuzz tool share.
 *
 * The targets (km, map, pool, misuse, text: an opset each, and how its
 * inputs run) are harness/input.c's km_targets[], shared with the test
 * kernel; so are reading an input, running it on each variant and the
 * text target's rules.  This file adds the userspace side: one pmap
 * model harness per opset and variant, the engine entry point and the
 * report on stderr.
 *
 * Each fuzz_<name>.c defines fuzz_this_target and LLVMFuzzerTestOneInput
 * (one line: fuzz_entry); replay_main.c replays files through
 * fuzz_this_target.  Harnesses are created once per process and variant
 * and reused for every input.
 */
#ifndef KMFUZZ_TARGET_COMMON_H
#define KMFUZZ_TARGET_COMMON_H

#include <stdio.h>

#include "fileio.h"
#include "harness.h"
#include "input.h"

/* The target a fuzz_<name>.c binary was built for (in km_targets[]). */
extern const struct km_target *const fuzz_this_target;

/* How one input runs. */
struct fuzz_opts {
	bool		report;		/* finding: report + repro on stderr */
	bool		checkers;	/* false: run only (throughput) */
	unsigned int	full_check_every; /* harness_config's */
	int		variant;	/* -1 as the target says; 0 cached,
					   1 direct map only */
	bool		text;		/* the input is op lines (a text
					   target's always are) */
	/*
	 * A schedule may ask for NetBSD's non-DEBUG cached pool-page free
	 * (KMFUZZ_NOUPDATE=1; text input always may: it says so itself).
	 */
	bool		noupdate;
};
/*
 * The fuzzing defaults: report on, the harness's schedule
 * (HARNESS_FULL_CHECK_EVERY, or KMFUZZ_FULL_CHECK_EVERY=K), checkers
 * on unless the environment has KMFUZZ_NO_CHECKERS=1; bytes unless the
 * target reads text.
 */
void	fuzz_opts_default(struct fuzz_opts *o);

/*
 * The harness for a target's opset and a variant, created on first use.
 * => aborts if the model cannot be created (a broken build, not input).
 */
struct harness *fuzz_harness(const struct km_target *t, bool direct_map,
	    const struct fuzz_opts *o);
/* Tear down every harness fuzz_harness made (uvm_destroy included). */
void	fuzz_harnesses_destroy(void);

/*
 * fuzz_run_input: run `data' as target t would (km_input_run on the
 * harnesses of fuzz_harness).  => HARNESS_*; *hp (may be NULL) gets the
 * harness of the last run, whose trace holds what ran (NULL if nothing
 * ran); *fp gets the finding or bad input.  With o->report a finding is
 * printed (fuzz_report).
 */
int	fuzz_run_input(const struct km_target *t, const uint8_t *data,
	    size_t len, const struct fuzz_opts *o, struct harness **hp,
	    struct harness_finding *fp);

/*
 * libFuzzer/AFL++ body: run, abort() on a finding.  KMFUZZ_NO_ABORT=1 in
 * the environment runs on past findings, printing one line for each
 * (benchmarks that must not stop early).  KMFUZZ_STATS=1 prints
 * "kmfuzz-stats: inputs N ops M" at exit (ops over all variants).
 */
int	fuzz_entry(const struct km_target *t, const uint8_t *data,
	    size_t len);

/* Print ops (a run's trace: h->trace, h->ntrace), one a line. */
void	fuzz_print_trace(FILE *fp, const struct km_op *ops, uint32_t n);
/*
 * fuzz_report: the finding and the text repro of ops on fp, as every
 * runner writes them (km_input_write_repro):
 *	kmfuzz finding: ... (harness_format_finding)
 *	---- repro (text; ...)
 *	# caught: <checker> at op N: <msg>
 *	# target: ...
 *	<ops>
 *	---- end of repro
 */
void	fuzz_report(FILE *fp, const struct km_target *t, bool direct_map,
	    const struct km_op *ops, uint32_t nops,
	    const struct harness_finding *f);

/*
 * Is `op' expressible in `set' (opcode present, alloc type allowed)?
 * => false with why.
 */
bool	fuzz_op_in_set(const struct km_op *op, const struct km_opset *set,
	    char *why, size_t len);

#endif /* KMFUZZ_TARGET_COMMON_H */
