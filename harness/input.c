/*
 * input.c: how a fuzz input is read and run, written once for every
 * runner.  The fuzz targets and kmfuzz (fuzz/target_common.c,
 * fuzz/kmfuzz.c) run inputs on the pmap model; the test kernel
 * (testkernel/tests/replay.c) runs the same files from boot modules on
 * real page tables.  Both need the same answers to the same questions,
 * so they ask this file:
 *
 *	which target?		km_targets[], km_target_find
 *	text or bytes?		km_input_is_text
 *	what does a repro say?	km_input_header ("# target:" and
 *				"# signature:" lines), km_input_follow_header
 *	which ops, which lines?	km_input_parse_text
 *	how does it run?	km_input_run: each variant of the target on
 *				a harness the host hands out (the host owns
 *				every harness: the pmap model's or the
 *				kernel's), plus the text target's rules
 *	how is it reported?	km_input_write_repro and its two lines
 *
 * A target is an opset plus how its inputs run:
 *
 *	name	input	opset	variants
 *	km	bytes	km	cached
 *	map	bytes	map	cached
 *	pool	bytes	pool	cached, then direct map (both every input)
 *	misuse	bytes	misuse	cached
 *	text	text	km	cached, every op printed and parsed back
 *
 * The text target tests the text spelling itself: a malformed line is a
 * bad input; an op that does not print and parse back to itself, before
 * or after running, is a finding of checker "text".  Text runs as
 * written, with no adjustment, so an assertion or a would-block there is
 * the program's own fault (a bad input), not a finding of the target.
 *
 * Example: testkernel/tests/replay/plant-noupdate-put.txt is
 *	1 # caught: tlb at op 1: freed pool page p1 still translates ...
 *	2 # signature: tlb poolpage_put: freed pool page pN still ...
 *	3 # target: pool, cached variant
 *	4-7 (# comments)
 *	8 poolpage_get kernel_map -> p1
 *	9 poolpage_put p1
 * It is text by its name (and by its content: line 8 parses).  Its
 * header gives target pool, direct_map false and the signature; with no
 * target named by the user, km_input_follow_header picks pool and
 * leaves the variant at -1.  km_input_parse_text gives two ops, lines 8
 * and 9.  km_input_run asks the host for the (pool, cached) harness and
 * runs both ops; on the planted noupdate core the tlb checker fires at
 * op 1 and the run stops there (HARNESS_FINDING, res.nvariants 1,
 * res.nops 2); on a sound core the (pool, direct map) harness runs them
 * too (res.nvariants 2, res.nops 4) and the run is clean.  The host then
 * compares harness_signature() of the finding with the header's.
 */
#include <uvm/uvm.h>
#include "input.h"

#define KIN_LINE	256	/* a printed op */
#define KIN_ERR		256	/* a parse error */

const struct km_target km_targets[] = {
	/* name		opset			text	both variants */
	{ "km",		&km_opset_km,		false,	false },
	{ "map",	&km_opset_map,		false,	false },
	{ "pool",	&km_opset_pool,		false,	true },
	{ "misuse",	&km_opset_misuse,	false,	false },
	{ "text",	&km_opset_km,		true,	false },
	{ "smp",	&km_opset_smp,		false,	false },
};
const unsigned int km_ntargets = sizeof(km_targets) / sizeof(km_targets[0]);

/* ---- small string helpers (freestanding) ------------------------------- */

/* Is s[0, n) the string `word'? */
static bool
kin_span_is(const char *s, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (word[i] == '\0' || word[i] != s[i])
			return false;
	return word[n] == '\0';
}

static size_t
kin_strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

/* Does s[0, n) start with `word'? */
static bool
kin_starts(const char *s, size_t n, const char *word)
{
	size_t k = kin_strlen(word);

	return n >= k && kin_span_is(s, k, word);
}

/*
 * The next line of buf[*pos, len), without its end ('\n' or "\r\n"),
 * into s[0, *l).  => false at the end of buf.
 */
static bool
kin_next_line(const uint8_t *buf, size_t len, size_t *pos, const char **s,
    size_t *l)
{
	size_t i = *pos;

	if (i >= len)
		return false;
	*s = (const char *)buf + i;
	while (i < len && buf[i] != '\n')
		i++;
	*l = i - *pos;
	*pos = i < len ? i + 1 : i;
	if (*l > 0 && (*s)[*l - 1] == '\r')
		(*l)--;
	return true;
}

/* ---- targets ----------------------------------------------------------- */

const struct km_target *
km_target_find(const char *name, size_t len)
{
	if (name == NULL)
		return NULL;
	for (unsigned int i = 0; i < km_ntargets; i++)
		if (kin_span_is(name, len, km_targets[i].name))
			return &km_targets[i];
	return NULL;
}

/* ---- reading an input -------------------------------------------------- */

bool
km_input_is_text(const char *name, const uint8_t *buf, size_t len)
{
	const char *s;
	size_t pos = 0, l;

	KASSERTMSG(buf != NULL || len == 0, "km_input_is_text: NULL buf, "
	    "len %zu", len);
	if (name != NULL) {
		l = kin_strlen(name);
		if (l >= 4 && kin_span_is(name + l - 4, 4, ".txt"))
			return true;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' &&
		    c != '\r')
			return false;
	}
	while (kin_next_line(buf, len, &pos, &s, &l)) {
		struct km_op op;
		char err[KIN_ERR];
		int r;

		uvm_memset(&op, 0, sizeof(op));
		r = km_text_parse_line(s, l, &op, err, sizeof(err));
		if (r != KTEXT_EMPTY)
			return r == KTEXT_OK;
	}
	return false;
}

/*
 * A "# target: T[, ...]" (or "# target T ...") line s[0, l): T's
 * entry, or NULL; *direct: the rest says "direct-map".
 */
static const struct km_target *
kin_target_line(const char *s, size_t l, bool *direct)
{
	size_t i = 8, n = 0;	/* past "# target" */

	while (i < l && (s[i] == ':' || s[i] == ' '))
		i++;
	while (i + n < l && s[i + n] >= 'a' && s[i + n] <= 'z')
		n++;
	for (size_t j = i + n; j < l; j++)
		if (kin_starts(s + j, l - j, "direct-map"))
			*direct = true;
	return km_target_find(s + i, n);
}

void
km_input_header(const uint8_t *buf, size_t len, struct km_input_header *hd)
{
	static const char sigkey[] = "# signature: ";
	const size_t k = sizeof(sigkey) - 1;
	bool seen_target = false;
	const char *s;
	size_t pos = 0, l;

	KASSERTMSG(buf != NULL || len == 0, "km_input_header: NULL buf, "
	    "len %zu", len);
	uvm_memset(hd, 0, sizeof(*hd));
	while (kin_next_line(buf, len, &pos, &s, &l)) {
		if (!seen_target && l > 8 && kin_starts(s, l, "# target")) {
			hd->target = kin_target_line(s, l, &hd->direct_map);
			seen_target = true;
		} else if (hd->signature[0] == '\0' && l > k &&
		    kin_starts(s, l, sigkey)) {
			size_t n = l - k;

			if (n >= sizeof(hd->signature))
				n = sizeof(hd->signature) - 1;
			for (size_t i = 0; i < n; i++)
				hd->signature[i] = s[k + i];
			hd->signature[n] = '\0';
		}
	}
}

void
km_input_follow_header(const struct km_input_header *hd,
    const struct km_target **t, int *variant)
{
	if (hd->target == NULL)
		return;
	*t = hd->target;
	/* a repro of the direct-map variant replays on that one */
	if (hd->direct_map && hd->target->both_variants && *variant < 0)
		*variant = 1;
}

/* A bad input at `line' (checker "input") into *f. */
static void
kin_bad_input(struct harness_finding *f, uint32_t line, const char *msg)
{
	uvm_memset(f, 0, sizeof(*f));
	f->checker = "input";
	f->line = line;
	uvm_snprintf(f->msg, sizeof(f->msg), "%s", msg);
}

long
km_input_parse_text(const uint8_t *buf, size_t len, struct km_op *ops,
    size_t maxops, struct harness_finding *f)
{
	char err[KIN_ERR];
	const char *s;
	size_t pos = 0, l, n = 0;
	uint32_t line = 0;

	KASSERTMSG(buf != NULL || len == 0, "km_input_parse_text: NULL buf, "
	    "len %zu", len);
	KASSERTMSG(ops != NULL || maxops == 0, "km_input_parse_text: no "
	    "room for %zu ops", maxops);
	while (kin_next_line(buf, len, &pos, &s, &l)) {
		struct km_op op;
		int r;

		line++;
		uvm_memset(&op, 0, sizeof(op));
		err[0] = '\0';
		r = km_text_parse_line(s, l, &op, err, sizeof(err));
		if (r == KTEXT_EMPTY)
			continue;
		if (r != KTEXT_OK) {
			kin_bad_input(f, line, err[0] != '\0' ? err :
			    "malformed line");
			return -1;
		}
		if (n == maxops) {
			uvm_snprintf(err, sizeof(err), "more than %zu ops",
			    maxops);
			kin_bad_input(f, line, err);
			return -1;
		}
		op.line = line;
		ops[n++] = op;
	}
	return (long)n;
}

bool
km_op_roundtrips(const struct km_op *op, char *why, size_t len)
{
	char line[KIN_LINE], err[KIN_ERR];
	struct km_op back;
	int n;

	n = km_text_print(op, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		uvm_snprintf(why, len, "km_text_print failed (%d) for %s", n,
		    km_opcode_name(op->code));
		return false;
	}
	uvm_memset(&back, 0, sizeof(back));
	if (km_text_parse_line(line, (size_t)n, &back, err,
	    sizeof(err)) != KTEXT_OK) {
		uvm_snprintf(why, len, "printed \"%s\" does not parse: %s",
		    line, err);
		return false;
	}
	if (!km_op_same_text(op, &back)) {
		uvm_snprintf(why, len, "printed \"%s\" parses to another op",
		    line);
		return false;
	}
	return true;
}

/* ---- running an input -------------------------------------------------- */

/*
 * The text target: the first op of ops[0, n) that does not round-trip,
 * as a finding of checker "text" whose repro is ops[0, n).
 * => true if every op round-trips.
 */
static bool
kin_roundtrip_all(const struct km_op *ops, uint32_t n,
    struct harness_finding *f, struct km_input_result *res)
{
	char why[KIN_ERR];

	for (uint32_t i = 0; i < n; i++) {
		if (km_op_roundtrips(&ops[i], why, sizeof(why)))
			continue;
		uvm_memset(f, 0, sizeof(*f));
		f->checker = "text";
		f->opname = km_opcode_name(ops[i].code);
		f->op_index = i;
		f->line = ops[i].line;
		km_text_print(&ops[i], f->optext, sizeof(f->optext));
		uvm_snprintf(f->msg, sizeof(f->msg), "%s", why);
		res->trace = ops;
		res->ntrace = n;
		return false;
	}
	return true;
}

/* The text target: a finding that is the program's own fault? */
static bool
kin_program_fault_p(const struct harness_finding *f)
{
	size_t n;

	if (f->checker == NULL)
		return false;
	n = kin_strlen(f->checker);
	return kin_span_is(f->checker, n, "assert") ||
	    kin_span_is(f->checker, n, "wouldblock");
}

/*
 * Each variant in turn (in->ops[0, nops) when text, else the bytes),
 * until one is not clean.  => HARNESS_*.
 */
static int
kin_run_variants(const struct km_input *in, bool text, size_t nops,
    km_input_get_fn get, void *ctx, struct harness_finding *f,
    struct km_input_result *res)
{
	int first = 0, last = 0, r = HARNESS_CLEAN;

	if (in->variant >= 0)
		first = last = in->variant;
	else if (in->t->both_variants)
		last = 1;
	for (int v = first; v <= last; v++) {
		struct harness *h = get(ctx, in->t, v == 1);

		KASSERTMSG(h != NULL, "km_input_run: no harness for target "
		    "%s, variant %d", in->t->name, v);
		if (text)
			r = harness_run_ops(h, in->ops, nops, f);
		else
			r = harness_run_bytes(h, in->buf, in->len, f);
		res->h = h;
		res->trace = h->trace;
		res->ntrace = h->ntrace;
		res->direct_map = v == 1;
		res->nvariants++;
		res->nops += h->ntrace;
		if (r != HARNESS_CLEAN)
			break;
	}
	return r;
}

int
km_input_run(const struct km_input *in, km_input_get_fn get, void *ctx,
    struct harness_finding *f, struct km_input_result *res)
{
	bool text;
	long n = 0;
	int r;

	KASSERTMSG(in != NULL && in->t != NULL && get != NULL,
	    "km_input_run: no input, target or host");
	KASSERTMSG(in->variant >= -1 && in->variant <= 1,
	    "km_input_run: variant %d", in->variant);
	text = in->text || in->t->text;
	KASSERTMSG(!text || in->ops != NULL, "km_input_run: text input of "
	    "target %s without room for ops", in->t->name);
	uvm_memset(res, 0, sizeof(*res));
	if (text) {
		n = km_input_parse_text(in->buf, in->len, in->ops, in->maxops,
		    f);
		if (n < 0)
			return HARNESS_BADINPUT;
		res->nparsed = (size_t)n;
	}
	if (!in->t->text)
		return kin_run_variants(in, text, (size_t)n, get, ctx, f, res);

	/* the text target: each op read and each op run must round-trip */
	if (!kin_roundtrip_all(in->ops, (uint32_t)n, f, res))
		return HARNESS_FINDING;
	r = kin_run_variants(in, text, (size_t)n, get, ctx, f, res);
	if (!kin_roundtrip_all(res->trace, res->ntrace, f, res))
		return HARNESS_FINDING;
	if (r == HARNESS_FINDING && kin_program_fault_p(f))
		return HARNESS_BADINPUT;
	return r;
}

/* ---- writing a repro --------------------------------------------------- */

int
km_input_target_line(char *buf, size_t len, const struct km_target *t,
    bool direct_map)
{
	return uvm_snprintf(buf, len, "# target: %s%s", t->name,
	    !t->both_variants ? "" : direct_map ? ", direct-map variant" :
	    ", cached variant");
}

int
km_input_caught_line(char *buf, size_t len, const struct harness_finding *f)
{
	char msg[sizeof(f->msg)];

	uvm_snprintf(msg, sizeof(msg), "%s", f->msg);
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return uvm_snprintf(buf, len, "# caught: %s at op %u: %s",
	    f->checker != NULL ? f->checker : "?", f->op_index, msg);
}

void
km_input_write_repro(const struct km_target *t, bool direct_map,
    const struct km_op *ops, uint32_t n, const struct harness_finding *f,
    void (*out)(void *arg, const char *text), void *arg)
{
	char buf[1024];
	size_t l;

	harness_format_finding(f, buf, sizeof(buf));
	for (l = kin_strlen(buf); l > 0 && buf[l - 1] == '\n'; l--)
		buf[l - 1] = '\0';
	out(arg, buf);
	out(arg, "---- repro (text; save as corpus/regressions/NAME.txt)");
	km_input_caught_line(buf, sizeof(buf), f);
	out(arg, buf);
	km_input_target_line(buf, sizeof(buf), t, direct_map);
	out(arg, buf);
	for (uint32_t i = 0; i < n; i++) {
		km_text_print(&ops[i], buf, sizeof(buf));
		out(arg, buf);
	}
	out(arg, "---- end of repro");
}
