/*
 * kmfuzz.c: the command-line tool.
 *
 *	kmfuzz run [--target T] FILE...		replay, all checkers on
 *	kmfuzz print [--target T] FILE [-o OUT]	the trace that ran, as text
 *	kmfuzz encode [--target T] FILE [-o OUT] text -> bytes
 *	kmfuzz shrink [--target T] FILE [-o OUT]	minimal text repro
 *	kmfuzz creproduce [--target T] FILE [-o OUT.c]	standalone C repro
 *	kmfuzz picture [--target T] FILE [-o OUT.svg] the address map, SVG
 *
 * A file is text if its name ends in .txt, or if it is printable ASCII
 * and its first line that is not blank or a comment parses as an op;
 * otherwise it is bytes for the target's opset.  A text file may name
 * its target in a "# target: T" comment (repros do), which wins unless
 * --target is given (the rules are harness/input.c's, shared with the
 * test kernel).  shrink, creproduce and picture live in
 * cmd_shrink.c, creproduce.c and picture.c.  Example round
 * trip:
 *
 *	$ kmfuzz print corpus/km/alloc-free.bin
 *	# target km, bytes corpus/km/alloc-free.bin: clean, 2 ops
 *	alloc kernel_map 0x2000 WIRED -> a1
 *	free a1
 *	$ kmfuzz print corpus/km/alloc-free.bin > t.txt
 *	$ kmfuzz encode t.txt -o again.bin	# same bytes, same ops
 *
 * Exit status: 0 clean, 1 a finding (report and text repro on stderr),
 * 2 bad input or usage (a malformed line is "FILE:LINE: message"),
 * 3 (encode) an op the target's opset cannot express, 4 (encode) the
 * bytes were written but run differently from the text (the byte
 * interpreter adjusted an op; the message says which).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage_main[] =
"usage: kmfuzz COMMAND [options] FILE...\n"
"Commands:\n"
"  run      replay inputs (bytes or text) with every checker on\n"
"  print    print the ops an input runs, as text\n"
"  encode   turn a text program into bytes for a target\n"
"  shrink   minimize a failing input into a text repro\n"
"  creproduce  write a standalone C program that reproduces an input\n"
"  picture  draw the address map before the failing op, as SVG\n"
"  triage   turn crash inputs into findings/, one folder per signature\n"
"Targets (--target, default km): km map pool misuse text smp\n"
"Run 'kmfuzz COMMAND --help' for the options of one command.\n";

static const char usage_run[] =
"usage: kmfuzz run [--target T] [--variant cached|direct] FILE|DIR...\n"
"Replay each FILE (each file of each DIR, but README* and dot files)\n"
"as fuzz target T would, with every checker on and a full check after\n"
"every op.  A file is text if it ends in .txt or is printable and its\n"
"first op line parses; else bytes.  Without --target a text file's\n"
"'# target: T' comment names its target, and a bytes file in a folder\n"
"named after one (corpus/map/F, fuzz-out/map/corpus/F) runs as that\n"
"target; else km.  Pool inputs\n"
"run on both the cached and the direct-map variant unless --variant.\n"
"Prints 'FILE: clean|FINDING' per file on stdout, reports on stderr; a\n"
"text repro with a '# signature:' line is compared with its replay.\n"
"With --kernel, replay in the test kernel under QEMU instead, on real\n"
"page tables (see 'kmfuzz run --kernel --help').\n"
"Exit 0 all clean, 1 a finding, 2 a bad input (FILE:LINE: message) or\n"
"a folder with no inputs.\n";

static const char usage_print[] =
"usage: kmfuzz print [--target T] [--variant cached|direct] FILE [-o OUT]\n"
"Run FILE (bytes or text) and print the ops that ran, one a line, after\n"
"a header comment naming the target and the result.  When the run finds\n"
"something the first line is '# caught: ...', so the output can be\n"
"saved as a regression.  The pool target prints the cached variant\n"
"unless --variant direct.\n"
"Exit 0 clean, 1 a finding (still printed), 2 a bad input.\n";

static const char usage_encode[] =
"usage: kmfuzz encode [--target T] [--variant cached|direct] FILE [-o OUT]\n"
"Run the text program FILE and encode the ops that ran as bytes for\n"
"target T (default: the file's '# target:' line, else km) (to OUT, or\n"
"stdout).  A program that finds something encodes\n"
"the ops up to the failing one (with a note).  The bytes are replayed\n"
"and must run the same ops.\n"
"Exit 0 done, 2 bad input, 3 an op not in T's opset (nothing written),\n"
"4 written but the bytes run differently from the text.\n";

static struct km_op ops[HARNESS_MAX_OPS];

/* ---- shared by the subcommands (cli.h) ---- */

int
cli_parse(int argc, char **argv, const char *usage, bool want_out,
    struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->target = km_target_find("km", 2);
	a->variant = -1;
	a->files = argv;	/* operands are packed in place */
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			fputs(usage, stdout);
			exit(0);
		} else if (strcmp(s, "--target") == 0 || strcmp(s, "-t") == 0) {
			if (++i == argc)
				goto bad;
			a->target = km_target_find(argv[i], strlen(argv[i]));
			a->target_given = true;
			if (a->target == NULL) {
				fprintf(stderr, "kmfuzz: unknown target '%s' "
				    "(km map pool misuse text)\n", argv[i]);
				return EXIT_BAD;
			}
		} else if (strcmp(s, "--variant") == 0) {
			if (++i == argc)
				goto bad;
			if (strcmp(argv[i], "cached") == 0)
				a->variant = 0;
			else if (strcmp(argv[i], "direct") == 0)
				a->variant = 1;
			else
				goto bad;
		} else if (want_out && strcmp(s, "-o") == 0) {
			if (++i == argc)
				goto bad;
			a->out = argv[i];
		} else if (s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "kmfuzz: unknown option '%s'\n", s);
			goto bad;
		} else {
			a->files[a->nfiles++] = argv[i];
		}
	}
	if (a->nfiles == 0)
		goto bad;
	return 0;
bad:
	fputs(usage, stderr);
	return EXIT_BAD;
}

bool
cli_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/*
 * The target a bytes file's folder names: corpus/map/F, or the engine's
 * folders below it (fuzz-out/map/corpus/F, .../crashes/F).  NULL if none.
 */
static const struct km_target *
target_of_folder(const char *path)
{
	const char *end = strrchr(path, '/');

	for (int up = 0; end != NULL && up < 2; up++) {
		const char *start = end;
		while (start > path && start[-1] != '/')
			start--;
		const struct km_target *t = km_target_find(start,
		    (size_t)(end - start));
		if (t != NULL)
			return t;
		end = start > path ? start - 1 : NULL;
	}
	return NULL;
}

int
cli_load_and_run(const char *path, const struct cli_args *a, bool report,
    struct cli_run *run)
{
	struct km_input_header hd;
	struct fuzz_opts o;
	uint8_t *buf;
	size_t len;
	int r;

	memset(run, 0, sizeof(*run));
	run->t = a->target;
	buf = fuzz_read_file(path, &len);
	if (buf == NULL) {
		fprintf(stderr, "%s: %s\n", path, fuzz_errstr());
		return HARNESS_BADINPUT;
	}
	fuzz_opts_default(&o);
	o.report = report;
	o.checkers = true;
	o.full_check_every = 1;
	o.variant = a->variant;
	run->text = run->t->text || km_input_is_text(path, buf, len);
	if (!run->text && !a->target_given) {
		const struct km_target *t = target_of_folder(path);
		if (t != NULL && !t->text)
			run->t = t;
	}
	if (run->text) {
		km_input_header(buf, len, &hd);
		memcpy(run->recorded_sig, hd.signature,
		    sizeof(run->recorded_sig));
		if (!a->target_given)
			km_input_follow_header(&hd, &run->t, &o.variant);
	}
	o.text = run->text;
	r = fuzz_run_input(run->t, buf, len, &o, &run->h, &run->f);
	free(buf);
	run->direct = run->h != NULL && run->h->cfg.poolpage_direct_map;
	if (r == HARNESS_BADINPUT)
		fprintf(stderr, "%s:%u: %s%s%s\n", path, run->f.line,
		    run->f.msg, run->f.optext[0] ? " in: " : "",
		    run->f.optext);
	return r;
}

int
cli_one_input(int argc, char **argv, const char *usage, int variant,
    struct cli_args *a, struct cli_run *run, int *r)
{
	int e;

	if ((e = cli_parse(argc, argv, usage, true, a)) != 0)
		return e;
	if (a->nfiles != 1) {
		fputs(usage, stderr);
		return EXIT_BAD;
	}
	if (a->variant < 0)
		a->variant = variant;
	*r = cli_load_and_run(a->files[0], a, false, run);
	return *r == HARNESS_BADINPUT || run->h == NULL ? EXIT_BAD : 0;
}

int
cli_rerun_ops(struct cli_run *run, const struct km_op *ops, size_t n,
    bool keep_state, struct harness_finding *f)
{
	struct harness *h = run->h;
	int r;

	h->cfg.checkers = true;
	h->cfg.full_check_every = 1;
	h->cfg.keep_state = keep_state;
	r = harness_run_ops(h, ops, n, f);
	h->cfg.keep_state = false;
	return r;
}

void
cli_target_line(char *buf, size_t len, const struct cli_run *run)
{
	km_input_target_line(buf, len, run->t, run->direct);
}

FILE *
cli_open_out(const char *out, const char *mode)
{
	FILE *fp;

	if (out == NULL || strcmp(out, "-") == 0)
		return stdout;
	fp = fopen(out, mode);
	if (fp == NULL)
		fprintf(stderr, "kmfuzz: %s: %s\n", out, fuzz_errstr());
	return fp;
}

int
cli_close_out(FILE *fp, const char *out)
{
	if (fp == stdout)
		return fflush(fp) == 0 ? 0 : EXIT_BAD;
	if (fclose(fp) != 0) {
		fprintf(stderr, "kmfuzz: %s: %s\n", out, fuzz_errstr());
		return EXIT_BAD;
	}
	return 0;
}

/* ---- run, print, encode ---- */

static int
run_one(const char *path, const struct cli_args *a)
{
	struct cli_run run;
	int r;

	r = cli_load_and_run(path, a, true, &run);
	printf("%s: %s\n", path, r == HARNESS_CLEAN ? "clean" :
	    r == HARNESS_FINDING ? "FINDING" : "bad input");
	if (run.recorded_sig[0] != '\0' && r != HARNESS_BADINPUT) {
		char sig[HARNESS_SIG_MAX] = "";
		if (r == HARNESS_FINDING)
			harness_signature(&run.f, sig, sizeof(sig));
		if (r == HARNESS_CLEAN)
			printf("%s: the recorded finding is gone (%s)\n", path,
			    run.recorded_sig);
		else if (harness_signature_equal(sig, run.recorded_sig))
			printf("%s: the recorded signature, reproduced\n",
			    path);
		else
			printf("%s: a DIFFERENT signature than recorded: %s "
			    "(recorded: %s)\n", path, sig, run.recorded_sig);
	}
	fflush(stdout);
	if (r == HARNESS_FINDING)
		fprintf(stderr, "(in %s, target %s)\n", path, run.t->name);
	return r == HARNESS_CLEAN ? EXIT_CLEAN : r == HARNESS_FINDING ?
	    EXIT_FINDING : EXIT_BAD;
}

static int
worse(int a, int b)
{
	if (a == EXIT_BAD || b == EXIT_BAD)
		return EXIT_BAD;
	return a > b ? a : b;
}

/* Every file of a directory, sorted, but README* and dot files. */
static int
run_dir(const char *dir, const struct cli_args *a)
{
	struct dirent **names;
	int n, worst = EXIT_CLEAN, nrun = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, fuzz_errstr());
		return EXIT_BAD;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (name[0] != '.' && strncmp(name, "README", 6) != 0 &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			worst = worse(worst, run_one(path, a));
			nrun++;
		}
		free(names[i]);
	}
	free(names);
	printf("%s: %d inputs\n", dir, nrun);
	if (nrun == 0) {
		fprintf(stderr, "kmfuzz run: %s holds no inputs\n", dir);
		return EXIT_BAD;
	}
	return worst;
}

static int
cmd_run(int argc, char **argv)
{
	struct cli_args a;
	int worst = EXIT_CLEAN, r;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--kernel") == 0)
			return cmd_run_kernel(argc, argv);
	if ((r = cli_parse(argc, argv, usage_run, false, &a)) != 0)
		return r;
	for (int i = 0; i < a.nfiles; i++) {
		struct stat st;

		if (stat(a.files[i], &st) == 0 && S_ISDIR(st.st_mode))
			worst = worse(worst, run_dir(a.files[i], &a));
		else
			worst = worse(worst, run_one(a.files[i], &a));
	}
	return worst;
}

static int
cmd_print(int argc, char **argv)
{
	const struct km_target *t;
	struct harness *h;
	struct cli_args a;
	struct cli_run run;
	char caught[700];
	bool text;
	FILE *fp;
	int r, e;

	/* the pool target prints its cached variant unless told */
	if ((e = cli_one_input(argc, argv, usage_print, 0, &a, &run, &r)) != 0)
		return e;
	h = run.h;
	t = run.t;
	text = run.text;
	if (r == HARNESS_BADINPUT || h == NULL)
		return EXIT_BAD;
	if ((fp = cli_open_out(a.out, "w")) == NULL)
		return EXIT_BAD;
	if (r == HARNESS_FINDING) {
		km_input_caught_line(caught, sizeof(caught), &run.f);
		fprintf(fp, "%s\n", caught);
	}
	fprintf(fp, "# target %s%s, %s %s: %s, %u ops\n", t->name,
	    t->both_variants ? (a.variant == 1 ? " (direct-map)" :
	    " (cached)") : "", text ? "text" : "bytes", a.files[0],
	    r == HARNESS_FINDING ? "finding" : "clean", h->ntrace);
	fuzz_print_trace(fp, h->trace, h->ntrace);
	if (cli_close_out(fp, a.out) != 0)
		return EXIT_BAD;
	return r == HARNESS_FINDING ? EXIT_FINDING : EXIT_CLEAN;
}

/* Run the bytes as the target would; the same ops as `want'? */
static bool
bytes_run_same(const struct cli_args *a, const uint8_t *bytes, size_t len,
    const struct km_op *want, uint32_t nwant, char *why, size_t whylen)
{
	static struct harness_finding f2;
	static struct km_rename names;
	struct fuzz_opts o;
	struct harness *h;
	char l1[256], l2[256];

	memset(&names, 0, sizeof(names));
	fuzz_opts_default(&o);
	o.report = false;
	o.checkers = true;
	o.variant = a->variant < 0 ? 0 : a->variant;
	fuzz_run_input(a->target, bytes, len, &o, &h, &f2);
	for (uint32_t i = 0; i < nwant || i < h->ntrace; i++) {
		if (i < nwant && i < h->ntrace &&
		    km_op_same_renamed(&want[i], &h->trace[i], &names))
			continue;
		l1[0] = l2[0] = '\0';
		if (i < nwant)
			km_text_print(&want[i], l1, sizeof(l1));
		if (i < h->ntrace)
			km_text_print(&h->trace[i], l2, sizeof(l2));
		snprintf(why, whylen, "op %u: text '%s', bytes run '%s'", i,
		    i < nwant ? l1 : "(end)", i < h->ntrace ? l2 : "(end)");
		return false;
	}
	return true;
}

static int
cmd_encode(int argc, char **argv)
{
	static struct km_op trace[HARNESS_MAX_OPS];
	struct harness *h;
	struct cli_args a;
	struct cli_run run;
	char why[512];
	uint32_t ntrace;
	uint8_t *out;
	size_t len;
	long n;
	FILE *fp;
	int r, ret = EXIT_CLEAN;

	if ((r = cli_parse(argc, argv, usage_encode, true, &a)) != 0)
		return r;
	if (a.nfiles != 1) {
		fputs(usage_encode, stderr);
		return EXIT_BAD;
	}
	if (a.target->text) {
		fprintf(stderr, "kmfuzz encode: target text takes the text "
		    "itself; nothing to encode\n");
		return EXIT_BAD;
	}
	if (a.variant < 0)
		a.variant = 0;
	/* opset first, so that nothing runs for an impossible encoding */
	{
		uint8_t *buf = fuzz_read_file(a.files[0], &len);
		struct km_input_header hd;
		struct harness_finding bad;

		if (buf == NULL) {
			fprintf(stderr, "%s: %s\n", a.files[0],
			    fuzz_errstr());
			return EXIT_BAD;
		}
		/* a repro's own "# target:" line, unless --target says */
		km_input_header(buf, len, &hd);
		if (!a.target_given && hd.target != NULL && !hd.target->text)
			a.target = hd.target;
		n = km_input_parse_text(buf, len, ops, HARNESS_MAX_OPS, &bad);
		free(buf);
		if (n < 0) {
			fprintf(stderr, "%s:%u: %s\n", a.files[0], bad.line,
			    bad.msg);
			return EXIT_BAD;
		}
		for (long i = 0; i < n; i++)
			if (!fuzz_op_in_set(&ops[i], a.target->set, why,
			    sizeof(why))) {
				fprintf(stderr, "%s:%u: %s\n", a.files[0],
				    ops[i].line, why);
				return EXIT_OPSET;
			}
	}
	a.target_given = true;	/* encode for the target asked for */
	r = cli_load_and_run(a.files[0], &a, false, &run);
	h = run.h;
	if (r == HARNESS_BADINPUT || h == NULL)
		return EXIT_BAD;
	if (r == HARNESS_FINDING) {
		km_input_caught_line(why, sizeof(why), &run.f);
		fprintf(stderr, "%s: note: the program finds something; "
		    "encoding the %u ops that ran\n%s\n", a.files[0],
		    h->ntrace, why);
	}
	ntrace = h->ntrace;
	memcpy(trace, h->trace, ntrace * sizeof(trace[0]));
	len = km_encode_size(trace, ntrace);
	out = malloc(len + 1);
	if (out == NULL)
		return EXIT_BAD;
	len = km_encode(trace, ntrace, a.target->set, out, len + 1);
	if (len == 0 && ntrace > 0) {
		fprintf(stderr, "%s: km_encode refused the trace for opset "
		    "%s\n", a.files[0], a.target->set->name);
		free(out);
		return EXIT_OPSET;
	}
	if (r == HARNESS_CLEAN && !bytes_run_same(&a, out, len, trace, ntrace,
	    why, sizeof(why))) {
		fprintf(stderr, "%s: warning: the bytes run differently from "
		    "the text: %s\n", a.files[0], why);
		ret = EXIT_DIFFERS;
	}
	if ((fp = cli_open_out(a.out, "wb")) == NULL) {
		free(out);
		return EXIT_BAD;
	}
	if (len > 0 && fwrite(out, 1, len, fp) != len)
		ret = EXIT_BAD;
	free(out);
	if (cli_close_out(fp, a.out) != 0)
		ret = EXIT_BAD;
	return ret;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_BAD;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "print") == 0)
		return cmd_print(argc - 2, argv + 2);
	if (strcmp(argv[1], "encode") == 0)
		return cmd_encode(argc - 2, argv + 2);
	if (strcmp(argv[1], "shrink") == 0)
		return cmd_shrink(argc - 2, argv + 2);
	if (strcmp(argv[1], "creproduce") == 0)
		return cmd_creproduce(argc - 2, argv + 2);
	if (strcmp(argv[1], "picture") == 0)
		return cmd_picture(argc - 2, argv + 2);
	if (strcmp(argv[1], "triage") == 0)
		return cmd_triage(argc - 2, argv + 2);
	fprintf(stderr, "kmfuzz: unknown command '%s'\n%s", argv[1],
	    usage_main);
	return EXIT_BAD;
}
