/*
 * test_checkers.c: every harness checker fires, by name, on state
 * corrupted on purpose.
 *
 * Each case runs a short text program in the configuration the fuzz
 * engines use (HARNESS_FULL_CHECK_EVERY).  After op `at' a corruption
 * hook breaks one thing behind the harness' back (a counter, a PTE bit,
 * a page's contents, an extra mapping, ...); the run must then end in a
 * finding from exactly the checker that owns that invariant, naming op
 * `at' as the one that broke it.  The same
 * program without the hook must run clean, so a checker that fires for
 * the wrong reason fails too.
 *
 *	program: alloc kernel_map 0x2000 WIRED -> a1 / touch a1 page=0 write
 *	corrupt: clear NX in a1's first PTE after op 0
 *	expect:  checker "security" ("a1: NX does not match EXEC")
 */
#include <stdio.h>
#include <string.h>

#include "corrupt.h"
#include "report.h"

static const struct corruption *current;

static void
hook(struct harness *h, void *arg)
{
	(void)arg;
	if (current != NULL && h->op_index == current->at)
		current->corrupt(h);
}

/* Parse "op/op/..." into ops.  => the number of ops, 0 on error. */
static size_t
parse(const char *program, struct km_op *ops, size_t max)
{
	char buf[512], err[128];
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", program);
	for (char *line = strtok(buf, "/"); line != NULL && n < max;
	    line = strtok(NULL, "/")) {
		if (km_text_parse_line(line, strlen(line), &ops[n], err,
		    sizeof(err)) != KTEXT_OK) {
			fprintf(stderr, "test_checkers: %s: %s\n", line, err);
			return 0;
		}
		ops[n].line = (uint32_t)(n + 1);
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct km_op ops[16];
	struct harness_finding f;

	/* --list: "index<TAB>checker<TAB>op<TAB>program" per case, for
	 * test-crepro.sh */
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (unsigned int i = 0; i < ncorruptions; i++)
			printf("%u\t%s\t%u\t%s\n", i, corruptions[i].checker,
			    corruptions[i].at, corruptions[i].program);
		return 0;
	}

	for (size_t i = 0; i < ncorruptions; i++) {
		const struct corruption *c = &corruptions[i];
		/* the configuration the fuzz engines run */
		struct harness_config cfg = { .set = &km_opset_km,
		    .checkers = true,
		    .full_check_every = HARNESS_FULL_CHECK_EVERY,
		    .property = hook };
		struct harness *h = harness_model_create(&cfg);
		size_t n = parse(c->program, ops, 16);

		report_prefix_push("%s", c->checker);
		current = NULL;
		int clean = harness_run_ops(h, ops, n, &f);
		report(n > 0 && clean == HARNESS_CLEAN, "the program alone is "
		    "clean%s%s", clean ? ": " : "", clean ? f.msg : "");
		current = c;
		int r = harness_run_ops(h, ops, n, &f);
		report(r == HARNESS_FINDING && f.checker != NULL &&
		    strcmp(f.checker, c->checker) == 0,
		    "%s: fires as \"%s\" (%s)", c->what,
		    r == HARNESS_FINDING && f.checker ? f.checker : "nothing",
		    r == HARNESS_FINDING ? f.msg : "-");
		report(r == HARNESS_FINDING && f.op_index == c->at,
		    "and names op %u, the one after which the state broke "
		    "(named: %u, %s)", c->at, f.op_index, f.optext);
		report_prefix_pop();
		harness_model_destroy(h);
	}
	return report_summary();
}
