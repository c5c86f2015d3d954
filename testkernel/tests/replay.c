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
 * What a module is and how it runs is harness/input.c's, the same as
 * for kmfuzz: text when NAME ends in .txt, or when it is printable and
 * its first op line parses, else bytes for the target's opset; target
 * pool runs the cached variant, then the direct-map one, and stops at
 * the first finding; a text repro whose target line says "direct-map"
 * runs on that variant only; target text checks that each op prints
 * and parses back, and counts an assertion or a would-block as the
 * program's own fault (bad input).  This file is the kernel's host for
 * it: every checker on, with a full check after every op (kmfuzz run's
 * configuration), on the harness of harness_kernel_get.
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
#include "input.h"
#include "tests.h"

#define RP_ARG_MAX	256		/* a module argument */

/* One module, as its string asks to run it. */
struct rp_input {
	char			name[96];
	const struct km_target	*t;
	bool			target_given;
	int			variant;	/* -1: as the target says;
						   0 cached, 1 direct map */
	const uint8_t		*buf;
	size_t			len;
	bool			text;
};

static struct km_op text_ops[HARNESS_MAX_OPS];
static struct harness_finding finding;

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

/* km_input_run's host: the kernel's harness, kmfuzz run's schedule. */
static struct harness *
rp_harness(void *ctx, const struct km_target *t, bool direct_map)
{
	struct harness_config cfg = {
		.set = t->set,
		.checkers = true,
		.full_check_every = 1,
		.poolpage_direct_map = direct_map,
	};

	(void)ctx;
	return harness_kernel_get(&cfg);
}

/*
 * Run the module as its string and, for text, its header say.
 * => HARNESS_*; `finding' and *res as km_input_run leaves them.
 */
static int
run_input(struct rp_input *in, struct km_input_result *res)
{
	struct km_input_header hd;
	struct km_input run;

	if (in->text && !in->target_given) {
		km_input_header(in->buf, in->len, &hd);
		km_input_follow_header(&hd, &in->t, &in->variant);
	}
	run = (struct km_input){
		.t = in->t, .variant = in->variant,
		.buf = in->buf, .len = in->len, .text = in->text,
		.ops = text_ops, .maxops = HARNESS_MAX_OPS,
	};
	return km_input_run(&run, rp_harness, NULL, &finding, res);
}

/* km_input_write_repro's sink: each piece behind "# ". */
static void
print_line(void *arg, const char *text)
{
	(void)arg;
	report_info("%s", text);
}

/* Read module i's string into in. */
static bool
read_module(unsigned i, struct rp_input *in)
{
	const struct boot_module *m = &memmap_mods[i];
	char arg[RP_ARG_MAX];
	const char *p, *base;

	memset(in, 0, sizeof(*in));
	in->buf = kpmap_dmap(m->start);
	in->len = m->end - m->start;
	in->variant = -1;
	in->t = km_target_find("km", 2);
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
		const struct km_target *t = km_target_find(arg, strlen(arg));

		if (t == NULL)
			return false;
		in->t = t;
		in->target_given = true;
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
	struct km_input_result res;
	char sig[HARNESS_SIG_MAX], what[64];
	int r;

	if (!read_module(i, &in)) {
		report(false, "replay %s: bad module string \"%s\" (target= "
		    "km map pool misuse text, variant= cached direct)",
		    in.name, memmap_mods[i].string);
		report_info("replay: %s: BADINPUT line=0: bad module string",
		    in.name);
		return 0;
	}
	in.text = in.t->text || km_input_is_text(in.name, in.buf, in.len);
	r = run_input(&in, &res);
	ksnprintf(what, sizeof(what), "target %s, %s, %u variant%s, %lu ops",
	    in.t->name, in.text ? "text" : "bytes", res.nvariants,
	    res.nvariants == 1 ? "" : "s", res.nops);
	switch (r) {
	case HARNESS_CLEAN:
		report(true, "replay %s: clean (%s)", in.name, what);
		report_info("replay: %s: clean", in.name);
		break;
	case HARNESS_FINDING:
		report_at(__FILE__, __LINE__, false, "no finding", "replay "
		    "%s: finding \"%s\" at op %u, va 0x%lx (%s%s)", in.name,
		    finding.checker != NULL ? finding.checker : "?",
		    finding.op_index, (unsigned long)finding.va, what,
		    !in.t->both_variants ? "" : res.direct_map ?
		    ", direct-map" : ", cached");
		km_input_write_repro(in.t, res.direct_map, res.trace,
		    res.ntrace, &finding, print_line, NULL);
		harness_signature(&finding, sig, sizeof(sig));
		report_info("replay: %s: FINDING signature=%s", in.name, sig);
		break;
	default:
		if (finding.unsupported) {
			report_skip(in.name, "replay: %s", finding.msg);
			report_info("replay: %s: SKIPPED %s", in.name,
			    finding.msg);
			break;
		}
		report_at(__FILE__, __LINE__, false, "a readable input",
		    "replay %s: bad input at line %u: %s%s%s (%s)", in.name,
		    finding.line, finding.msg, finding.optext[0] ? " in: " :
		    "", finding.optext, what);
		report_info("replay: %s: BADINPUT line=%u: %s%s%s", in.name,
		    finding.line, finding.msg, finding.optext[0] ? " in: " :
		    "", finding.optext);
		break;
	}
	return res.nops;
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
