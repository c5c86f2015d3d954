/*
 * target_common.c: running fuzz inputs on the pmap model, and reporting.
 *
 * Per process there is at most one harness per (opset, variant) pair,
 * made on first use and reset by the harness for every input (a
 * pmodel_host_reset, microseconds), so the engine never pays for the
 * 4 MiB arena again.  Example: fuzz_pool runs every input twice, on the
 * cached (KVA-cache) harness and on the direct-map one, i.e. two
 * harnesses of about 5 MiB each for the whole process.
 *
 * A finding is printed as the harness's report followed by the text
 * repro of the trace, whose first line is "# caught: ..." so that it can
 * be saved as is into corpus/regressions/.  The engine entry point then
 * abort()s, which libFuzzer and AFL++ record as a crash.
 *
 * What an input is and how it runs (targets, variants, text, the text
 * target's round trip) is harness/input.c's, shared with the test
 * kernel; this file is its userspace host (fuzz_harness hands
 * km_input_run its harnesses) and prints what it finds.
 */
#include <stdlib.h>
#include <string.h>

#include "harness_host.h"
#include "target_common.h"

void
fuzz_opts_default(struct fuzz_opts *o)
{
	static int no_checkers = -1, noupdate;
	static unsigned int full_every = HARNESS_FULL_CHECK_EVERY;

	if (no_checkers < 0) {
		const char *e = getenv("KMFUZZ_NO_CHECKERS");

		no_checkers = e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
		/* fuzz_smp on NetBSD's non-DEBUG pool-page free */
		e = getenv("KMFUZZ_NOUPDATE");
		noupdate = e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
		/* for measuring the schedule (scripts/bench-fuzz) */
		e = getenv("KMFUZZ_FULL_CHECK_EVERY");
		if (e != NULL && e[0] != '\0')
			full_every = (unsigned int)strtoul(e, NULL, 10);
	}
	memset(o, 0, sizeof(*o));
	o->report = true;
	o->checkers = !no_checkers;
	o->full_check_every = full_every;
	o->variant = -1;
	o->noupdate = noupdate != 0;
}

/* ---- harnesses, one per opset and variant, for the whole process ---- */

#define FUZZ_MAX_HARNESSES	8

static struct {
	const struct km_opset	*set;
	bool			direct;
	struct harness		*h;
} harnesses[FUZZ_MAX_HARNESSES];

struct harness *
fuzz_harness(const struct km_target *t, bool direct_map,
    const struct fuzz_opts *o)
{
	struct harness_config cfg;
	struct harness *h = NULL;
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_HARNESSES && harnesses[i].h != NULL; i++)
		if (harnesses[i].set == t->set &&
		    harnesses[i].direct == direct_map) {
			h = harnesses[i].h;
			break;
		}
	if (h == NULL) {
		if (i == FUZZ_MAX_HARNESSES) {
			fprintf(stderr, "kmfuzz: too many harnesses\n");
			abort();
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.set = t->set;
		cfg.checkers = o->checkers;
		cfg.full_check_every = o->full_check_every;
		cfg.poolpage_direct_map = direct_map;
		h = harness_model_create(&cfg);
		if (h == NULL) {
			fprintf(stderr, "kmfuzz: cannot create the pmap model "
			    "for target %s\n", t->name);
			abort();
		}
		harnesses[i].set = t->set;
		harnesses[i].direct = direct_map;
		harnesses[i].h = h;
	}
	/* the per-run knobs; the harness reads its cfg at every run */
	h->cfg.checkers = o->checkers;
	h->cfg.full_check_every = o->full_check_every;
	h->cfg.poolpage_direct_map = direct_map;
	h->cfg.allow_noupdate = o->noupdate || o->text;
	return h;
}

void
fuzz_harnesses_destroy(void)
{
	for (unsigned int i = 0; i < FUZZ_MAX_HARNESSES; i++)
		if (harnesses[i].h != NULL) {
			harness_model_destroy(harnesses[i].h);
			harnesses[i].h = NULL;
		}
}

/* ---- running ------------------------------------------------------------ */

static struct km_op text_ops[HARNESS_MAX_OPS];

/*
 * What this process ran, for KMFUZZ_STATS=1 (scripts/bench-fuzz): exec/s
 * alone says little when programs grow longer, so the benchmark also
 * divides ops by time.  Printed once at exit by fuzz_stats_print.
 */
static struct {
	unsigned long	inputs, ops;
} fuzz_stats;

static void
fuzz_stats_print(void)
{
	fprintf(stderr, "kmfuzz-stats: inputs %lu ops %lu\n",
	    fuzz_stats.inputs, fuzz_stats.ops);
}

/* km_input_run's host: fuzz_harness with the run's options (ctx). */
static struct harness *
fuzz_get(void *ctx, const struct km_target *t, bool direct_map)
{
	return fuzz_harness(t, direct_map, ctx);
}

int
fuzz_run_input(const struct km_target *t, const uint8_t *data, size_t len,
    const struct fuzz_opts *o, struct harness **hp, struct harness_finding *f)
{
	struct fuzz_opts opts = *o;	/* ctx, not const */
	struct km_input in = {
		.t = t, .variant = o->variant, .buf = data, .len = len,
		.text = o->text, .ops = text_ops, .maxops = HARNESS_MAX_OPS,
	};
	struct km_input_result res;
	int r;

	r = km_input_run(&in, fuzz_get, &opts, f, &res);
	fuzz_stats.inputs++;
	fuzz_stats.ops += res.nops;
	if (hp != NULL)
		*hp = res.h;
	if (r == HARNESS_FINDING && o->report)
		fuzz_report(stderr, t, res.direct_map, res.trace, res.ntrace,
		    f);
	return r;
}

bool
fuzz_op_in_set(const struct km_op *op, const struct km_opset *set, char *why,
    size_t len)
{
	/* every target's first byte; an smp target's schedule bytes */
	bool found = op->code == KOP_SHAPE ||
	    (op->code == KOP_SCHEDULE && set->smp);

	for (unsigned int i = 0; i < set->nops; i++)
		if (set->ops[i] == op->code)
			found = true;
	if (!found) {
		snprintf(why, len, "op %s is not in opset %s",
		    km_opcode_name(op->code), set->name);
		return false;
	}
	if (op->code == KOP_ALLOC &&
	    ((op->flags & UVM_KMF_TYPEMASK) & set->type_mask) == 0) {
		snprintf(why, len, "alloc type 0x%x is not in opset %s "
		    "(types 0x%x)", op->flags & UVM_KMF_TYPEMASK, set->name,
		    set->type_mask);
		return false;
	}
	if (op->cpu != 0 && !set->smp) {
		snprintf(why, len, "cpu%u: opset %s runs one CPU", op->cpu,
		    set->name);
		return false;
	}
	return true;
}

int
fuzz_entry(const struct km_target *t, const uint8_t *data, size_t len)
{
	static struct harness_finding f;
	static int no_abort = -1;
	struct fuzz_opts o;

	if (no_abort < 0) {
		const char *e = getenv("KMFUZZ_NO_ABORT");

		no_abort = e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
		e = getenv("KMFUZZ_STATS");
		if (e != NULL && e[0] != '\0' && strcmp(e, "0") != 0)
			atexit(fuzz_stats_print);
	}
	fuzz_opts_default(&o);
	o.report = !no_abort;
	if (fuzz_run_input(t, data, len, &o, NULL, &f) != HARNESS_FINDING)
		return 0;
	if (!no_abort)
		abort();
	/* one line, so that a benchmark still counts what it ran into */
	fprintf(stderr, "kmfuzz: finding not aborted (KMFUZZ_NO_ABORT): %s at "
	    "op %u (%s): %.200s\n", f.checker, f.op_index, f.opname, f.msg);
	return 0;
}

/* ---- reporting ---------------------------------------------------------- */

void
fuzz_print_trace(FILE *fp, const struct km_op *ops, uint32_t n)
{
	char line[256];

	for (uint32_t i = 0; i < n; i++) {
		km_text_print(&ops[i], line, sizeof(line));
		fprintf(fp, "%s\n", line);
	}
}

/* km_input_write_repro's sink: a line on the FILE `arg'. */
static void
fuzz_out(void *arg, const char *text)
{
	fprintf(arg, "%s\n", text);
}

void
fuzz_report(FILE *fp, const struct km_target *t, bool direct_map,
    const struct km_op *ops, uint32_t nops, const struct harness_finding *f)
{
	km_input_write_repro(t, direct_map, ops, nops, f, fuzz_out, fp);
	fflush(fp);
}
