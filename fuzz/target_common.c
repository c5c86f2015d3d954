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
 * The text target feeds the input to the text parser line by line.  A
 * malformed line is fine (the input is dropped); a crash is not; a
 * program that parses must print and re-parse to the same ops, before
 * and after running.  Text runs as written, with no adjustment, so an
 * assertion or a would-block there is the program's fault and is not a
 * finding of the text target; any other checker firing is.
 */
#include <stdlib.h>
#include <string.h>

#include "harness_host.h"
#include "target_common.h"

const struct fuzz_target fuzz_targets[] = {
	{ "km",		FUZZ_BYTES,	&km_opset_km,		false },
	{ "map",	FUZZ_BYTES,	&km_opset_map,		false },
	{ "pool",	FUZZ_BYTES,	&km_opset_pool,		true },
	{ "misuse",	FUZZ_BYTES,	&km_opset_misuse,	false },
	{ "text",	FUZZ_TEXT,	&km_opset_km,		false },
};
const unsigned int fuzz_ntargets = sizeof(fuzz_targets) /
    sizeof(fuzz_targets[0]);

const struct fuzz_target *
fuzz_target_find(const char *name)
{
	for (unsigned int i = 0; i < fuzz_ntargets; i++)
		if (strcmp(fuzz_targets[i].name, name) == 0)
			return &fuzz_targets[i];
	return NULL;
}

void
fuzz_opts_default(struct fuzz_opts *o)
{
	static int no_checkers = -1;
	static unsigned int full_every = HARNESS_FULL_CHECK_EVERY;

	if (no_checkers < 0) {
		const char *e = getenv("KMFUZZ_NO_CHECKERS");

		no_checkers = e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
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
}

/* ---- harnesses, one per opset and variant, for the whole process ---- */

#define FUZZ_MAX_HARNESSES	8

static struct {
	const struct km_opset	*set;
	bool			direct;
	struct harness		*h;
} harnesses[FUZZ_MAX_HARNESSES];

struct harness *
fuzz_harness(const struct fuzz_target *t, bool direct_map,
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
	return h;
}

/* ---- text --------------------------------------------------------------- */

long
fuzz_parse_text(const char *buf, size_t len, struct km_op *ops, size_t maxops,
    uint32_t *errline, char *err, size_t errlen)
{
	size_t pos = 0, n = 0;
	uint32_t line = 0;

	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - pos;
		struct km_op op;
		int r;

		pos += l + (nl != NULL);
		line++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		memset(&op, 0, sizeof(op));
		err[0] = '\0';
		r = km_text_parse_line(s, l, &op, err, errlen);
		if (r == KTEXT_EMPTY)
			continue;
		if (r != KTEXT_OK) {
			if (err[0] == '\0')
				snprintf(err, errlen, "malformed line");
			*errline = line;
			return -1;
		}
		if (n == maxops) {
			snprintf(err, errlen, "more than %zu ops", maxops);
			*errline = line;
			return -1;
		}
		op.line = line;
		ops[n++] = op;
	}
	return (long)n;
}

bool
fuzz_looks_like_text(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' &&
		    c != '\r')
			return false;
	}
	return true;
}

bool
fuzz_op_in_set(const struct km_op *op, const struct km_opset *set, char *why,
    size_t len)
{
	bool found = false;

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
	return true;
}

/*
 * Print op and parse the line back: the same op, or false with why.
 */
static bool
roundtrip_op(const struct km_op *op, char *why, size_t len)
{
	char line[256], err[160];
	struct km_op back;
	int n;

	n = km_text_print(op, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		snprintf(why, len, "km_text_print failed (%d) for %s", n,
		    km_opcode_name(op->code));
		return false;
	}
	memset(&back, 0, sizeof(back));
	if (km_text_parse_line(line, strlen(line), &back, err,
	    sizeof(err)) != KTEXT_OK) {
		snprintf(why, len, "printed \"%s\" does not parse: %s", line,
		    err);
		return false;
	}
	if (!km_op_same_text(op, &back)) {
		snprintf(why, len, "printed \"%s\" parses to another op", line);
		return false;
	}
	return true;
}

/* ---- running ------------------------------------------------------------ */

static int
run_variants(const struct fuzz_target *t, const struct km_op *ops, size_t n,
    const uint8_t *data, size_t len, const struct fuzz_opts *o,
    struct harness **hp, struct harness_finding *f)
{
	int first = 0, last = 0, r = HARNESS_CLEAN;
	struct harness *h = NULL;

	if (o->variant >= 0)
		first = last = o->variant;
	else if (t->both_variants)
		last = 1;
	for (int v = first; v <= last; v++) {
		h = fuzz_harness(t, v == 1, o);
		if (ops != NULL)
			r = harness_run_ops(h, ops, n, f);
		else
			r = harness_run_bytes(h, data, len, f);
		if (r != HARNESS_CLEAN) {
			if (r == HARNESS_FINDING && o->report)
				fuzz_report(stderr, t, v == 1, h->trace,
				    h->ntrace, f);
			break;
		}
	}
	if (hp != NULL)
		*hp = h;
	return r;
}

int
fuzz_run_ops(const struct fuzz_target *t, const struct km_op *ops, size_t n,
    const struct fuzz_opts *o, struct harness **hp, struct harness_finding *f)
{
	return run_variants(t, ops, n, NULL, 0, o, hp, f);
}

/* A round-trip failure, as a finding of the "text" checker. */
static int
text_finding(const struct fuzz_target *t, const struct fuzz_opts *o,
    const struct km_op *ops, uint32_t nops, struct harness_finding *f,
    uint32_t index, const char *why)
{
	memset(f, 0, sizeof(*f));
	f->checker = "text";
	f->opname = km_opcode_name(ops[index].code);
	f->op_index = index;
	f->line = ops[index].line;
	km_text_print(&ops[index], f->optext, sizeof(f->optext));
	snprintf(f->msg, sizeof(f->msg), "%s", why);
	if (o->report)
		fuzz_report(stderr, t, false, ops, nops, f);
	return HARNESS_FINDING;
}

static struct km_op text_ops[HARNESS_MAX_OPS];

static int
run_text(const struct fuzz_target *t, const uint8_t *data, size_t len,
    const struct fuzz_opts *o, struct harness **hp, struct harness_finding *f)
{
	struct fuzz_opts quiet = *o;
	struct harness *h = NULL;
	char why[256];
	uint32_t errline = 0;
	long n;
	int r;

	if (hp != NULL)
		*hp = NULL;
	n = fuzz_parse_text((const char *)data, len, text_ops,
	    HARNESS_MAX_OPS, &errline, why, sizeof(why));
	if (n < 0) {
		memset(f, 0, sizeof(*f));
		f->checker = "input";
		f->line = errline;
		snprintf(f->msg, sizeof(f->msg), "%s", why);
		return HARNESS_BADINPUT;
	}
	for (long i = 0; i < n; i++)
		if (!roundtrip_op(&text_ops[i], why, sizeof(why)))
			return text_finding(t, o, text_ops, (uint32_t)n, f,
			    (uint32_t)i, why);

	quiet.report = false;
	r = run_variants(t, text_ops, (size_t)n, NULL, 0, &quiet, &h, f);
	if (hp != NULL)
		*hp = h;
	for (uint32_t i = 0; i < h->ntrace; i++)
		if (!roundtrip_op(&h->trace[i], why, sizeof(why)))
			return text_finding(t, o, h->trace, h->ntrace, f, i,
			    why);
	if (r == HARNESS_FINDING && f->checker != NULL &&
	    (strcmp(f->checker, "assert") == 0 ||
	    strcmp(f->checker, "wouldblock") == 0))
		return HARNESS_BADINPUT;	/* the program's own fault */
	if (r == HARNESS_FINDING && o->report)
		fuzz_report(stderr, t, false, h->trace, h->ntrace, f);
	return r;
}

int
fuzz_run_input(const struct fuzz_target *t, const uint8_t *data, size_t len,
    const struct fuzz_opts *o, struct harness **hp, struct harness_finding *f)
{
	if (t->input == FUZZ_TEXT)
		return run_text(t, data, len, o, hp, f);
	return run_variants(t, NULL, 0, data, len, o, hp, f);
}

int
fuzz_entry(const struct fuzz_target *t, const uint8_t *data, size_t len)
{
	static struct harness_finding f;
	static int no_abort = -1;
	struct fuzz_opts o;

	if (no_abort < 0) {
		const char *e = getenv("KMFUZZ_NO_ABORT");

		no_abort = e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
	}
	fuzz_opts_default(&o);
	o.report = !no_abort;
	if (fuzz_run_input(t, data, len, &o, NULL, &f) == HARNESS_FINDING &&
	    !no_abort)
		abort();
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

void
fuzz_caught_line(char *buf, size_t len, const struct harness_finding *f)
{
	char msg[sizeof(f->msg)];

	snprintf(msg, sizeof(msg), "%s", f->msg);
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	snprintf(buf, len, "# caught: %s at op %u: %s",
	    f->checker != NULL ? f->checker : "?", f->op_index, msg);
}

void
fuzz_report(FILE *fp, const struct fuzz_target *t, bool direct_map,
    const struct km_op *ops, uint32_t nops, const struct harness_finding *f)
{
	char buf[1024];

	harness_format_finding(f, buf, sizeof(buf));
	fputs(buf, fp);
	fprintf(fp, "---- repro (text; save as corpus/regressions/NAME.txt)\n");
	fuzz_caught_line(buf, sizeof(buf), f);
	fprintf(fp, "%s\n# target: %s%s\n", buf, t->name,
	    t->both_variants ? (direct_map ? ", direct-map variant" :
	    ", cached variant") : "");
	fuzz_print_trace(fp, ops, nops);
	fprintf(fp, "---- end of repro\n");
	fflush(fp);
}
