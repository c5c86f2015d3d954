/*
 * input.h: one fuzz input, from its bytes to a verdict, the same way in
 * every runner: the fuzz targets and kmfuzz (fuzz/) on the pmap model,
 * and the test kernel's replay (testkernel/tests/replay.c) on real page
 * tables.  Freestanding.  input.c has the overview and an example.
 *
 *	const struct km_target *t = km_target_find("pool", 4);
 *	struct km_input in = { .t = t, .variant = -1, .buf = buf,
 *	    .len = len, .text = km_input_is_text(name, buf, len),
 *	    .ops = room, .maxops = HARNESS_MAX_OPS };
 *	r = km_input_run(&in, host_get, host_ctx, &finding, &res);
 *	res.h->trace[0 .. res.h->ntrace) ran last; a finding's repro is
 *	km_input_write_repro(t, res.direct_map, res.trace, res.ntrace, ...)
 */
#ifndef KMFUZZ_INPUT_H
#define KMFUZZ_INPUT_H

#include "harness.h"

/* ---- targets ----------------------------------------------------------- */

/* A fuzz target: the opset its inputs draw from and how they run. */
struct km_target {
	const char		*name;
	const struct km_opset	*set;
	bool			text;	/* inputs are op lines, each op
					   checked to print and parse back */
	bool			both_variants;	/* pool pages cached, then
						   through the direct map */
};

/* km, map, pool, misuse, text: the one table (fuzz_<name> binaries). */
extern const struct km_target km_targets[];
extern const unsigned int km_ntargets;

/* => the target called name[0, len), or NULL. */
const struct km_target *km_target_find(const char *name, size_t len);

/* ---- reading an input -------------------------------------------------- */

/*
 * Is the input text?  Yes when `name' ends in ".txt"; else when every
 * byte is printable ASCII or whitespace and the first line that is not
 * blank or a comment parses as an op.
 * => name may be NULL (content only).
 */
bool	km_input_is_text(const char *name, const uint8_t *buf, size_t len);

/* What the comment lines of a text repro say about how it ran. */
struct km_input_header {
	const struct km_target *target;	/* "# target: T[, ...]"; NULL if
					   no such line or T is no target */
	bool		direct_map;	/* that line says "direct-map" */
	/* "# signature: S", or "" */
	char		signature[HARNESS_SIG_MAX];
};

/* The header of text buf[0, len) (the first line of each kind counts). */
void	km_input_header(const uint8_t *buf, size_t len,
	    struct km_input_header *hd);

/*
 * Let a header choose how a repro replays: its target, and for a
 * two-variant target whose line says "direct-map", that variant.
 * => *t and *variant (-1 as the target says, 0 cached, 1 direct map)
 *    are changed only where the header says something and *variant is
 *    still -1; the caller skips this when its user named a target.
 */
void	km_input_follow_header(const struct km_input_header *hd,
	    const struct km_target **t, int *variant);

/*
 * Every line of buf[0, len) through km_text_parse_line ('\n' or "\r\n"
 * ends a line); each op gets its 1-based line number.
 * => the number of ops, or -1 with *f a bad input: checker "input",
 *    line and msg of the first malformed line or of the line past maxops.
 */
long	km_input_parse_text(const uint8_t *buf, size_t len, struct km_op *ops,
	    size_t maxops, struct harness_finding *f);

/*
 * Print op and parse the line back.  => true if that gives the same op
 *    (km_op_same_text); else false with why.
 */
bool	km_op_roundtrips(const struct km_op *op, char *why, size_t len);

/* ---- running an input -------------------------------------------------- */

/*
 * The host's harness for target t and a pool-page variant, with the
 * host's checker schedule, ready for a run.  => never NULL.
 */
typedef struct harness *(*km_input_get_fn)(void *ctx,
    const struct km_target *t, bool direct_map);

/* One input and how to run it. */
struct km_input {
	const struct km_target	*t;
	int			variant;	/* -1: as t says; 0 cached
						   only, 1 direct map only */
	const uint8_t		*buf;
	size_t			len;
	bool			text;	/* buf is op lines (t->text: always) */
	struct km_op		*ops;	/* text: room for the parsed ops */
	size_t			maxops;
};

/* What a run left besides its verdict and finding. */
struct km_input_result {
	struct harness		*h;	/* the harness of the last run; NULL
					   if nothing ran */
	const struct km_op	*trace;	/* the ops a repro shows: h's trace,
					   or the ops a round trip failed in */
	uint32_t		ntrace;
	size_t			nparsed; /* text: ops parsed into in->ops */
	bool			direct_map;	/* the last variant run */
	unsigned int		nvariants;	/* variants run */
	unsigned long		nops;	/* ops run, over all variants */
};

/*
 * km_input_run: run `in' as its target would, each variant on the
 * harness get(ctx, ...) hands out.
 * => text: parsed first (a malformed line: HARNESS_BADINPUT).  A text
 *    target also requires every op read and every op run to round-trip
 *    (else a finding of checker "text") and counts an assertion or a
 *    would-block as the program's own fault (HARNESS_BADINPUT).
 * => variants: in->variant if >= 0, else cached and, for a two-variant
 *    target, then direct map; the first that is not clean ends the run.
 * => HARNESS_*; *f the finding or bad input; *res as above.
 */
int	km_input_run(const struct km_input *in, km_input_get_fn get,
	    void *ctx, struct harness_finding *f,
	    struct km_input_result *res);

/* ---- writing a repro --------------------------------------------------- */

/* "# target: T[, cached variant|, direct-map variant]".  => as snprintf. */
int	km_input_target_line(char *buf, size_t len, const struct km_target *t,
	    bool direct_map);

/* "# caught: CHECKER at op N: MSG" (MSG on one line).  => as snprintf. */
int	km_input_caught_line(char *buf, size_t len,
	    const struct harness_finding *f);

/*
 * A finding as every runner reports it: the finding's report
 * (harness_format_finding), then its text repro between marker lines:
 *	---- repro (text; save as corpus/regressions/NAME.txt)
 *	# caught: ...
 *	# target: ...
 *	<ops, one a line>
 *	---- end of repro
 * out(arg, text) gets each line without its newline; the report comes
 * as one piece of several lines.
 */
void	km_input_write_repro(const struct km_target *t, bool direct_map,
	    const struct km_op *ops, uint32_t n,
	    const struct harness_finding *f,
	    void (*out)(void *arg, const char *text), void *arg);

#endif /* KMFUZZ_INPUT_H */
