/*
 * cmd_shrink.c: kmfuzz shrink [--target T] FILE [-o OUT]
 *
 * Run FILE (bytes or text) as its target would; if it finds something,
 * take the ops that ran (the trace: byte selectors resolved to names,
 * byte-level adjustments applied) and shrink them with harness_shrink
 * (harness/shrink.h) on the same harness, i.e. the same target and, for
 * pool, the same variant.  The result is the text repro of
 * corpus/regressions/README:
 *
 *	# caught: leak at op 1: free of a1 returned 1 of its 2 wired pages
 *	# target: km
 *	# shrunk by kmfuzz shrink from crash-5f2e (37 ops)
 *	alloc kernel_map 0x2000 WIRED -> a1
 *	free a1
 *
 * A finding of the text target's own checker ("text": a line that does
 * not print and parse back to itself) is not a run of the interpreter,
 * so it is written unshrunk: the failing line alone.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shrink.h"

static const char usage_shrink[] =
"usage: kmfuzz shrink [--target T] [--variant cached|direct] FILE [-o OUT]\n"
"Run FILE (bytes or text); if it finds something, shrink the ops that\n"
"ran to the smallest program that fails the same way (the same\n"
"signature: checker, op and message) and write it as a text repro (the\n"
"format of corpus/regressions/README) to OUT or stdout.\n"
"Exit 0 shrunk, 1 the input does not fail, 2 bad input.\n";

size_t
shrink_run(struct cli_run *run, struct km_op *ops, struct harness_finding *f)
{
	static struct km_op scratch[HARNESS_MAX_OPS];
	size_t n = run->h->ntrace;

	*f = run->f;
	if (f->checker != NULL && strcmp(f->checker, "text") == 0) {
		/* the parser's round trip: the failing line is the repro */
		ops[0] = run->h->trace[f->op_index < n ? f->op_index : 0];
		return n > 0 ? 1 : 0;
	}
	memcpy(ops, run->h->trace, n * sizeof(ops[0]));
	return harness_shrink(run->h, ops, n, scratch, f, 0);
}

void
repro_text_write(FILE *fp, const struct cli_run *run, const struct km_op *ops,
    size_t n, const struct harness_finding *f, const char *from, size_t before)
{
	char line[700];

	km_input_caught_line(line, sizeof(line), f);
	fprintf(fp, "%s\n", line);
	harness_signature(f, line, sizeof(line));
	fprintf(fp, "# signature: %s\n", line);
	cli_target_line(line, sizeof(line), run);
	fprintf(fp, "%s\n", line);
	if (from != NULL)
		fprintf(fp, "# shrunk by kmfuzz from %s (%zu ops)\n", from,
		    before);
	fuzz_print_trace(fp, ops, (uint32_t)n);
}

int
cmd_shrink(int argc, char **argv)
{
	static struct km_op ops[HARNESS_MAX_OPS];
	struct cli_args a;
	struct cli_run run;
	struct harness_finding f;
	size_t n, before;
	FILE *fp;
	int r, ret;

	if ((ret = cli_one_input(argc, argv, usage_shrink, -1, &a, &run, &r)) != 0)
		return ret;
	if (r == HARNESS_CLEAN) {
		fprintf(stderr, "kmfuzz shrink: %s runs clean on target %s: "
		    "nothing to shrink\n", a.files[0], run.t->name);
		return EXIT_FINDING;
	}
	before = run.h->ntrace;
	n = shrink_run(&run, ops, &f);
	if ((fp = cli_open_out(a.out, "w")) == NULL)
		return EXIT_BAD;
	repro_text_write(fp, &run, ops, n, &f, a.files[0], before);
	if (cli_close_out(fp, a.out) != 0)
		return EXIT_BAD;
	fprintf(stderr, "kmfuzz shrink: %zu ops -> %zu ops (%s)\n", before, n,
	    f.checker);
	return EXIT_CLEAN;
}
