/*
 * replay.c: the input files the kernel was booted with, run as
 * `kmfuzz run' runs them on the pmap model, with the MMU as one more
 * oracle.  The question it answers: "does this finding reproduce on real
 * page tables?"
 *
 * Each Multiboot module is one input (x86/memmap.c keeps its pages out
 * of the usable memory).  Its string, "PATH key=value ..." (QEMU:
 * -initrd "PATH key=value,PATH ..."), says how to run it:
 *	target=T	km, map, pool, misuse or text, as kmfuzz's --target;
 *			without it a text file's "# target: T" line names
 *			the target, else km
 *	name=NAME	what the output calls it (default: PATH's last part)
 *	variant=V	cached or direct: that pool-page variant only
 * A module is text when NAME ends in .txt, or when it is printable and
 * its first op line parses (kmfuzz's rule); otherwise it is bytes for
 * the target's opset.  Every checker is on, with a full check after
 * every op (kmfuzz run's configuration); target pool runs the cached
 * variant, then the direct-map one, and stops at the first finding; a
 * text repro whose target line says "direct-map" runs on that variant
 * only; target text checks that each op prints and parses back, and
 * counts an assertion or a would-block as the program's own fault (bad
 * input), as fuzz/target_common.c does.
 *
 * Output, per module: one TAP line; on a finding the report and the text
 * repro exactly as kmfuzz prints them on stderr (each line behind "# ");
 * then the line for machines, always the last about that module:
 *	# replay: NAME: clean
 *	# replay: NAME: FINDING signature=SIG
 *	# replay: NAME: BADINPUT line=N: MESSAGE
 * and before the first module "# replay: N modules".  A finding is a
 * "not ok" line, so a boot that must replay clean is an ordinary test;
 * kmfuzz run --kernel (fuzz/cmd_kernel.c) reads the "# replay:" lines.
 * Example, the planted noupdate core:
 *	not ok 1 - replay put.txt: finding "tlb" at op 1, va 0x... (pool)
 *	# kmfuzz finding: checker "tlb" ...
 *	# replay: put.txt: FINDING signature=tlb poolpage_put: ...
 */
#include "../lib/report.h"
#include "../x86/arch.h"
#include "../x86/harness_kernel.h"
#include "../x86/memmap.h"
#include "../x86/timer.h"
#include "harness.h"
#include "tests.h"

#define RP_TEXT_LINE	256		/* a printed op, a module argument */

/*
 * The fuzz targets: fuzz/target_common.c's fuzz_targets[] is the
 * definition (that file is userspace C); keep the two in step.
 */
static const struct rp_target {
	const char		*name;
	const struct km_opset	*set;
	bool			text;	/* the target reads text */
	bool			both;	/* cached and direct-map variants */
} targets[] = {
	{ "km",		&km_opset_km,		false,	false },
	{ "map",	&km_opset_map,		false,	false },
	{ "pool",	&km_opset_pool,		false,	true },
	{ "misuse",	&km_opset_misuse,	false,	false },
	{ "text",	&km_opset_km,		true,	false },
};

/* One module, as its string asks to run it. */
struct rp_input {
	char			name[96];
	const struct rp_target	*t;
	bool			target_given;
	int			variant;	/* -1: as the target says;
						   0 cached, 1 direct map */
	const uint8_t		*buf;
	size_t			len;
	bool			text;
};

/* What a run left: the verdict, and what the report needs. */
struct rp_result {
	int			r;		/* HARNESS_* */
	const struct km_op	*trace;		/* the ops that ran */
	uint32_t		ntrace;
	bool			direct;		/* last variant run */
	unsigned		nvariants;	/* variants run */
	unsigned long		ops;		/* over all variants */
};

static struct km_op text_ops[HARNESS_MAX_OPS];
static struct harness_finding finding;
static char report_buf[1024];

static const struct rp_target *
target_find(const char *name, size_t n)
{
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++)
		if (strlen(targets[i].name) == n &&
		    strncmp(targets[i].name, name, n) == 0)
			return &targets[i];
	return NULL;
}

/*
 * The value of `key=' among the words of a module string after the
 * first (the path), into out.  => false if absent.
 */
static bool
mod_arg(const char *s, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	while (*s != '\0' && *s != ' ')		/* the path */
		s++;
	while (*s != '\0') {
		size_t n = 0;

		while (*s == ' ')
			s++;
		if (strncmp(s, key, klen) == 0 && s[klen] == '=') {
			s += klen + 1;
			while (s[n] != '\0' && s[n] != ' ' && n + 1 < len) {
				out[n] = s[n];
				n++;
			}
			out[n] = '\0';
			return true;
		}
		while (*s != '\0' && *s != ' ')
			s++;
	}
	return false;
}

/* The next line of buf[*pos, len) without its end ('\n', "\r\n"). */
static bool
next_line(const uint8_t *buf, size_t len, size_t *pos, const char **s,
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

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* kmfuzz's rule: .txt, or printable and the first op line parses. */
static bool
is_text(const struct rp_input *in)
{
	struct km_op op;
	char err[160];
	const char *s;
	size_t pos = 0, l;

	if (ends_with(in->name, ".txt"))
		return true;
	if (in->len == 0)
		return false;
	for (size_t i = 0; i < in->len; i++) {
		uint8_t c = in->buf[i];

		if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' &&
		    c != '\r')
			return false;
	}
	while (next_line(in->buf, in->len, &pos, &s, &l)) {
		int r;

		memset(&op, 0, sizeof(op));
		r = km_text_parse_line(s, l, &op, err, sizeof(err));
		if (r != KTEXT_EMPTY)
			return r == KTEXT_OK;
	}
	return false;
}

/*
 * The target a text file names in its first "# target: T" (or
 * "# target T, ...") line; *direct: the line says "direct-map".
 * => NULL if there is no such line or T is no target.
 */
static const struct rp_target *
text_target(const struct rp_input *in, bool *direct)
{
	const char *s;
	size_t pos = 0, l;

	*direct = false;
	while (next_line(in->buf, in->len, &pos, &s, &l)) {
		size_t i = 8, n;

		if (l < 9 || strncmp(s, "# target", 8) != 0)
			continue;
		while (i < l && (s[i] == ':' || s[i] == ' '))
			i++;
		for (n = 0; i + n < l && s[i + n] >= 'a' && s[i + n] <= 'z';)
			n++;
		for (size_t j = i + n; j + 10 <= l; j++)
			if (strncmp(s + j, "direct-map", 10) == 0)
				*direct = true;
		return target_find(s + i, n);
	}
	return NULL;
}

/* A bad input: line and message into the finding. */
static int
bad_input(uint32_t line, const char *msg)
{
	memset(&finding, 0, sizeof(finding));
	finding.checker = "input";
	finding.line = line;
	ksnprintf(finding.msg, sizeof(finding.msg), "%s", msg);
	return HARNESS_BADINPUT;
}

/*
 * Every line through km_text_parse_line; ops get their line numbers.
 * => the number of ops, or -1 (a bad input: the first malformed line,
 *    or the line past HARNESS_MAX_OPS).
 */
static long
parse_text(const struct rp_input *in)
{
	char err[256];
	const char *s;
	size_t pos = 0, l, n = 0;
	uint32_t line = 0;

	while (next_line(in->buf, in->len, &pos, &s, &l)) {
		struct km_op op;
		int r;

		line++;
		memset(&op, 0, sizeof(op));
		err[0] = '\0';
		r = km_text_parse_line(s, l, &op, err, sizeof(err));
		if (r == KTEXT_EMPTY)
			continue;
		if (r != KTEXT_OK) {
			bad_input(line, err[0] != '\0' ? err :
			    "malformed line");
			return -1;
		}
		if (n == HARNESS_MAX_OPS) {
			ksnprintf(err, sizeof(err), "more than %u ops",
			    (unsigned)HARNESS_MAX_OPS);
			bad_input(line, err);
			return -1;
		}
		op.line = line;
		text_ops[n++] = op;
	}
	return (long)n;
}

/* Print an op and parse it back: the same op?  (target text) */
static bool
roundtrip_op(const struct km_op *op, char *why, size_t len)
{
	char line[RP_TEXT_LINE], err[160];
	struct km_op back;
	int n;

	n = km_text_print(op, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ksnprintf(why, len, "km_text_print failed (%d) for %s", n,
		    km_opcode_name(op->code));
		return false;
	}
	memset(&back, 0, sizeof(back));
	if (km_text_parse_line(line, strlen(line), &back, err,
	    sizeof(err)) != KTEXT_OK) {
		ksnprintf(why, len, "printed \"%s\" does not parse: %s", line,
		    err);
		return false;
	}
	if (!km_op_same_text(op, &back)) {
		ksnprintf(why, len, "printed \"%s\" parses to another op",
		    line);
		return false;
	}
	return true;
}

/* The first op of ops[0, n) that does not round-trip, as a finding. */
static bool
roundtrip_all(const struct km_op *ops, uint32_t n, struct rp_result *res)
{
	char why[256];

	for (uint32_t i = 0; i < n; i++) {
		if (roundtrip_op(&ops[i], why, sizeof(why)))
			continue;
		memset(&finding, 0, sizeof(finding));
		finding.checker = "text";
		finding.opname = km_opcode_name(ops[i].code);
		finding.op_index = i;
		finding.line = ops[i].line;
		km_text_print(&ops[i], finding.optext,
		    sizeof(finding.optext));
		ksnprintf(finding.msg, sizeof(finding.msg), "%s", why);
		res->r = HARNESS_FINDING;
		res->trace = ops;
		res->ntrace = n;
		return false;
	}
	return true;
}

/*
 * Run the input on each variant the target asks for (bytes, or the text
 * ops parsed into text_ops[0, nops)), stopping at the first that is not
 * clean.
 */
static void
run_variants(const struct rp_input *in, long nops, struct rp_result *res)
{
	int first = 0, last = 0;

	if (in->variant >= 0)
		first = last = in->variant;
	else if (in->t->both)
		last = 1;
	for (int v = first; v <= last; v++) {
		struct harness_config cfg = {
			.set = in->t->set,
			.checkers = true,
			.full_check_every = 1,
			.poolpage_direct_map = v == 1,
		};
		struct harness *h = harness_kernel_get(&cfg);

		if (in->text)
			res->r = harness_run_ops(h, text_ops, (size_t)nops,
			    &finding);
		else
			res->r = harness_run_bytes(h, in->buf, in->len,
			    &finding);
		res->trace = h->trace;
		res->ntrace = h->ntrace;
		res->direct = v == 1;
		res->nvariants++;
		res->ops += h->ntrace;
		if (res->r != HARNESS_CLEAN)
			break;
	}
}

static void
run_input(struct rp_input *in, struct rp_result *res)
{
	long n = 0;

	memset(res, 0, sizeof(*res));
	if (in->text && !in->target_given) {
		bool direct;
		const struct rp_target *named = text_target(in, &direct);

		if (named != NULL) {
			in->t = named;
			/* a repro of the direct-map variant runs on that one */
			if (direct && named->both && in->variant < 0)
				in->variant = 1;
		}
	}
	if (in->text && (n = parse_text(in)) < 0) {
		res->r = HARNESS_BADINPUT;
		return;
	}
	if (!in->t->text) {
		run_variants(in, n, res);
		return;
	}
	/* target text: each op read and each op run must round-trip */
	if (!roundtrip_all(text_ops, (uint32_t)n, res))
		return;
	run_variants(in, n, res);
	if (!roundtrip_all(res->trace, res->ntrace, res))
		return;
	if (res->r == HARNESS_FINDING && finding.checker != NULL &&
	    (strcmp(finding.checker, "assert") == 0 ||
	    strcmp(finding.checker, "wouldblock") == 0))
		res->r = HARNESS_BADINPUT;	/* the program's own fault */
}

/* The report and the text repro, as fuzz_report writes them. */
static void
print_finding(const struct rp_input *in, const struct rp_result *res)
{
	char line[RP_TEXT_LINE], msg[sizeof(finding.msg)];

	harness_format_finding(&finding, report_buf, sizeof(report_buf));
	report_info("%s", report_buf);
	report_info("---- repro (text; save as corpus/regressions/NAME.txt)");
	ksnprintf(msg, sizeof(msg), "%s", finding.msg);
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	report_info("# caught: %s at op %u: %s", finding.checker != NULL ?
	    finding.checker : "?", finding.op_index, msg);
	report_info("# target: %s%s", in->t->name, !in->t->both ? "" :
	    res->direct ? ", direct-map variant" : ", cached variant");
	for (uint32_t i = 0; i < res->ntrace; i++) {
		km_text_print(&res->trace[i], line, sizeof(line));
		report_info("%s", line);
	}
	report_info("---- end of repro");
}

/* Read module i's string into in. */
static bool
read_module(unsigned i, struct rp_input *in)
{
	const struct boot_module *m = &memmap_mods[i];
	char arg[RP_TEXT_LINE];
	const char *p, *base;

	memset(in, 0, sizeof(*in));
	in->buf = kpmap_dmap(m->start);
	in->len = m->end - m->start;
	in->variant = -1;
	in->t = &targets[0];
	if (!mod_arg(m->string, "name", in->name, sizeof(in->name))) {
		size_t n = 0;

		for (p = base = m->string; *p != '\0' && *p != ' '; p++)
			if (*p == '/')
				base = p + 1;
		while (base + n < p && n + 1 < sizeof(in->name)) {
			in->name[n] = base[n];
			n++;
		}
		in->name[n] = '\0';
	}
	if (in->name[0] == '\0')
		ksnprintf(in->name, sizeof(in->name), "module%u", i);
	if (mod_arg(m->string, "target", arg, sizeof(arg))) {
		in->t = target_find(arg, strlen(arg));
		in->target_given = true;
		if (in->t == NULL) {
			in->t = &targets[0];
			return false;
		}
	}
	if (mod_arg(m->string, "variant", arg, sizeof(arg))) {
		if (strcmp(arg, "cached") == 0)
			in->variant = 0;
		else if (strcmp(arg, "direct") == 0)
			in->variant = 1;
		else
			return false;
	}
	return true;
}

static unsigned long
replay_module(unsigned i)
{
	struct rp_input in;
	struct rp_result res;
	char sig[HARNESS_SIG_MAX], what[64];

	if (!read_module(i, &in)) {
		report(false, "replay %s: bad module string \"%s\" (target= "
		    "km map pool misuse text, variant= cached direct)",
		    in.name, memmap_mods[i].string);
		report_info("replay: %s: BADINPUT line=0: bad module string",
		    in.name);
		return 0;
	}
	in.text = in.t->text || is_text(&in);
	run_input(&in, &res);
	ksnprintf(what, sizeof(what), "target %s, %s, %u variant%s, %lu ops",
	    in.t->name, in.text ? "text" : "bytes", res.nvariants,
	    res.nvariants == 1 ? "" : "s", res.ops);
	switch (res.r) {
	case HARNESS_CLEAN:
		report(true, "replay %s: clean (%s)", in.name, what);
		report_info("replay: %s: clean", in.name);
		break;
	case HARNESS_FINDING:
		report_at(__FILE__, __LINE__, false, "no finding", "replay "
		    "%s: finding \"%s\" at op %u, va 0x%lx (%s%s)", in.name,
		    finding.checker != NULL ? finding.checker : "?",
		    finding.op_index, (unsigned long)finding.va, what,
		    !in.t->both ? "" : res.direct ? ", direct-map" :
		    ", cached");
		print_finding(&in, &res);
		harness_signature(&finding, sig, sizeof(sig));
		report_info("replay: %s: FINDING signature=%s", in.name, sig);
		break;
	default:
		report_at(__FILE__, __LINE__, false, "a readable input",
		    "replay %s: bad input at line %u: %s%s%s (%s)", in.name,
		    finding.line, finding.msg, finding.optext[0] ? " in: " :
		    "", finding.optext, what);
		report_info("replay: %s: BADINPUT line=%u: %s%s%s", in.name,
		    finding.line, finding.msg, finding.optext[0] ? " in: " :
		    "", finding.optext);
		break;
	}
	return res.ops;
}

void
test_replay(void)
{
	unsigned long ops = 0;
	uint64_t t0, us;

	if (memmap_nmods == 0) {
		report_skip("replay", "no input files (boot modules: QEMU "
		    "-initrd \"FILE target=T name=NAME,...\")");
		return;
	}
	report_info("replay: %u modules", memmap_nmods);
	t0 = rdtsc();
	for (unsigned i = 0; i < memmap_nmods; i++)
		ops += replay_module(i);
	us = tsc_to_us(rdtsc() - t0);
	report_info("replay: %u inputs, %lu ops in %lu ms", memmap_nmods,
	    ops, (unsigned long)(us / 1000));
}
