/*
 * cli.h: what the kmfuzz subcommands share (defined in kmfuzz.c): argument parsing,
 * loading and running one input, output files.
 *
 *	struct cli_args a;
 *	if ((r = cli_parse(argc, argv, usage, true, &a)) != 0) return r;
 *	r = cli_load_and_run(a.files[0], &a, NULL, &run);
 *	run.h->trace[0 .. run.h->ntrace) what ran, run.f the finding
 *
 * Exit codes are the tool's (kmfuzz --help): 0 clean / done, 1 finding
 * (or for shrink: the input does not fail), 2 bad input or usage.
 */
#ifndef KMFUZZ_CLI_H
#define KMFUZZ_CLI_H

#include "target_common.h"

enum { EXIT_CLEAN = 0, EXIT_FINDING = 1, EXIT_BAD = 2, EXIT_OPSET = 3,
	EXIT_DIFFERS = 4 };

struct cli_args {
	const struct km_target *target;
	bool		target_given;	/* --target on the command line */
	const char	*out;
	int		variant;	/* -1: as the target says */
	int		nfiles;
	char		**files;
};

/*
 * cli_parse: options --target/-t, --variant, -o (when want_out), --help;
 * the rest are files (packed into argv).  => 0, or EXIT_BAD (usage on
 * stderr); --help prints usage and exits 0.
 */
int	cli_parse(int argc, char **argv, const char *usage, bool want_out,
	    struct cli_args *a);

/* One input, loaded and run (cli_load_and_run). */
struct cli_run {
	struct harness		*h;	/* the harness of the (last) run */
	const struct km_target	*t;	/* the target it ran as */
	bool			text;	/* the file was text */
	bool			direct;	/* it ran on the direct-map variant */
	struct harness_finding	f;
	/* a text repro's "# signature:" line ("" if none) */
	char			recorded_sig[HARNESS_SIG_MAX];
};

/*
 * cli_load_and_run: read `path' (bytes or text, see kmfuzz.c), run it as
 * the target would with every checker on and a full check every op.
 * => HARNESS_*; a bad input is reported as "FILE:LINE: message".
 * => report: print a finding's report and repro on stderr.
 */
int	cli_load_and_run(const char *path, const struct cli_args *a,
	    bool report, struct cli_run *run);

/*
 * The start of a one-input command: cli_parse (with -o), exactly one
 * FILE, cli_load_and_run it (on `variant' unless --variant says; -1: as
 * the target says).  => 0 and *r the HARNESS_* result, or the command's
 * exit status (usage, or a bad input) to return at once.
 */
int	cli_one_input(int argc, char **argv, const char *usage, int variant,
	    struct cli_args *a, struct cli_run *run, int *r);

/*
 * Run ops (text semantics) on the harness `run' used (same target and
 * variant), checkers on, full check every op.  keep_state: leave the
 * instance as the last op left it.  => HARNESS_*.
 */
int	cli_rerun_ops(struct cli_run *run, const struct km_op *ops, size_t n,
	    bool keep_state, struct harness_finding *f);

/* The "# target: T[, VARIANT variant]" line of a repro (no newline). */
void	cli_target_line(char *buf, size_t len, const struct cli_run *run);

/* stdout for NULL or "-"; NULL (message on stderr) on error. */
FILE	*cli_open_out(const char *out, const char *mode);
/* => 0 or EXIT_BAD. */
int	cli_close_out(FILE *fp, const char *out);

bool	cli_has_suffix(const char *s, const char *suf);

/*
 * Writers for a run's trace (run->h->trace, run->f; r its HARNESS_*
 * result; path names the input in the output).  They re-run the trace
 * on run->h.  => 0, or EXIT_BAD with a message on stderr.
 */
int	creproduce_write(FILE *fp, struct cli_run *run, const char *path,
	    int r);	/* creproduce.c */
int	picture_write(FILE *fp, struct cli_run *run, const char *path,
	    int r);	/* picture.c */

/*
 * shrink_run: the shrunk program of a failing run into ops (room for
 * HARNESS_MAX_OPS), its finding into *f.  => the number of ops.
 * repro_text_write: a text repro: "# caught:", "# signature:",
 * "# target:" and (from != NULL) "# shrunk by" lines, then the ops.
 */
size_t	shrink_run(struct cli_run *run, struct km_op *ops,
	    struct harness_finding *f);		/* cmd_shrink.c */
void	repro_text_write(FILE *fp, const struct cli_run *run,
	    const struct km_op *ops, size_t n, const struct harness_finding *f,
	    const char *from, size_t before);

/* The subcommands outside kmfuzz.c (every kmfuzz build links all). */
int	cmd_shrink(int argc, char **argv);	/* cmd_shrink.c */
int	cmd_creproduce(int argc, char **argv);	/* creproduce.c */
int	cmd_picture(int argc, char **argv);	/* picture.c */
int	cmd_triage(int argc, char **argv);	/* cmd_triage.c */
int	cmd_run_kernel(int argc, char **argv);	/* cmd_kernel.c */

#endif /* KMFUZZ_CLI_H */
