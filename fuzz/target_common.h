/*
 * target_common.h: what the fuzz targets, the replay driver and the
 * kmfuzz tool share.
 *
 * A target is an opset plus how its inputs run:
 *
 *	name	input	opset	variants
 *	km	bytes	km	cached
 *	map	bytes	map	cached
 *	pool	bytes	pool	cached, then direct-map (both every input)
 *	misuse	bytes	misuse	cached
 *	text	text	km	cached (lines through km_text_parse_line)
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

enum fuzz_input { FUZZ_BYTES, FUZZ_TEXT };

struct fuzz_target {
	const char		*name;
	enum fuzz_input		input;
	const struct km_opset	*set;
	bool			both_variants;	/* cached and direct map */
};

extern const struct fuzz_target fuzz_targets[];
extern const unsigned int fuzz_ntargets;
/* => NULL if no target is called `name'. */
const struct fuzz_target *fuzz_target_find(const char *name);
/* The target a fuzz_<name>.c binary was built for. */
extern const struct fuzz_target *const fuzz_this_target;

/* How one input runs. */
struct fuzz_opts {
	bool		report;		/* finding: report + repro on stderr */
	bool		checkers;	/* false: run only (throughput) */
	unsigned int	full_check_every; /* harness_config's */
	int		variant;	/* -1 as the target says; 0 cached,
					   1 direct map only */
};
/*
 * The fuzzing defaults: report on, the harness's schedule
 * (HARNESS_FULL_CHECK_EVERY, or KMFUZZ_FULL_CHECK_EVERY=K), checkers
 * on unless the environment has KMFUZZ_NO_CHECKERS=1.
 */
void	fuzz_opts_default(struct fuzz_opts *o);

/*
 * The harness for a target's opset and a variant, created on first use.
 * => aborts if the model cannot be created (a broken build, not input).
 */
struct harness *fuzz_harness(const struct fuzz_target *t, bool direct_map,
	    const struct fuzz_opts *o);

/*
 * fuzz_run_bytes: run `data' as target t would (both variants for pool;
 * text targets parse it as lines).  => HARNESS_*; *hp (may be NULL) gets
 * the harness of the last run, whose trace holds what ran; *fp gets the
 * finding.  With o->report a finding is printed (fuzz_report).
 */
int	fuzz_run_input(const struct fuzz_target *t, const uint8_t *data,
	    size_t len, const struct fuzz_opts *o, struct harness **hp,
	    struct harness_finding *fp);

/* Run already parsed text ops (both variants for pool).  Same results. */
int	fuzz_run_ops(const struct fuzz_target *t, const struct km_op *ops,
	    size_t n, const struct fuzz_opts *o, struct harness **hp,
	    struct harness_finding *fp);

/*
 * libFuzzer/AFL++ body: run, abort() on a finding.  KMFUZZ_NO_ABORT=1 in
 * the environment runs findings silently on (throughput benchmarks only).
 */
int	fuzz_entry(const struct fuzz_target *t, const uint8_t *data,
	    size_t len);

/*
 * Text.  fuzz_parse_text: every line of buf[0, len) through
 * km_text_parse_line; ops get their line numbers.
 * => the number of ops, or -1 with *errline and err set (the first
 *    malformed line, or the line past max ops).
 */
long	fuzz_parse_text(const char *buf, size_t len, struct km_op *ops,
	    size_t maxops, uint32_t *errline, char *err, size_t errlen);
/* Does the buffer look like text (printable ASCII and whitespace)? */
bool	fuzz_looks_like_text(const uint8_t *buf, size_t len);

/* Print ops (a run's trace: h->trace, h->ntrace), one a line. */
void	fuzz_print_trace(FILE *fp, const struct km_op *ops, uint32_t n);
/*
 * fuzz_report: the finding and the text repro of the trace, on fp:
 *	kmfuzz finding: ... (harness_format_finding)
 *	# caught: <checker> at op N: <msg>
 *	<trace>
 */
void	fuzz_report(FILE *fp, const struct fuzz_target *t, bool direct_map,
	    const struct km_op *ops, uint32_t nops,
	    const struct harness_finding *f);
/* "# caught: checker at op N: msg" (no newline). */
void	fuzz_caught_line(char *buf, size_t len,
	    const struct harness_finding *f);

/*
 * Is `op' expressible in `set' (opcode present, alloc type allowed)?
 * => false with why.
 */
bool	fuzz_op_in_set(const struct km_op *op, const struct km_opset *set,
	    char *why, size_t len);




#endif /* KMFUZZ_TARGET_COMMON_H */
