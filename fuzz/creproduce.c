/*
 * creproduce.c: kmfuzz creproduce [--target T] FILE [-o OUT.c]
 *
 * Turn the ops an input runs into a standalone C program that calls the
 * uvm_km API directly (syzkaller's C reproducer) and judges exactly as
 * `kmfuzz run' does: the program embeds its text repro, and around each
 * op's spelled-out calls the harness runs its own begin and end steps
 * (adapter/repro.h), so every checker that fires here fires there.
 *
 * How: run FILE to get its trace, then run the trace once more as text
 * with the harness's emit hook on; each op's implementation writes its
 * calls (op_<name>_impl.emit in harness/exec_*.c) just before making
 * them.  For the trace "alloc kernel_map 0x2000 WIRED -> a1", "free a1":
 *
 *	static const char *const program_text[] = {
 *		"alloc kernel_map 0x2000 WIRED -> a1",
 *		"free a1",
 *		NULL
 *	};
 *	...
 *		OP(0) {
 *			a1 = uvm_km_alloc(m0, 0x2000, 0x0, UVM_KMF_WIRED);
 *			DONE(a1);
 *		}
 *		OP(1) {
 *			uvm_km_free(m0, a1, 0x2000, UVM_KMF_WIRED);
 *			DONE(0);
 *		}
 *
 * The program exits 1 while the bug is there and 0 once it is fixed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shrink.h"

#define CR_COMPILE_LINE \
	"cc -std=c11 -D_GNU_SOURCE -Icore/include -Iharness -Ipmap_model " \
	"-Iadapter repro.c core/*.c harness/*.c pmap_model/*.c adapter/*.c " \
	"-lpthread -o repro"

static const char usage_creproduce[] =
"usage: kmfuzz creproduce [--target T] [--variant cached|direct] FILE "
"[-o OUT.c]\n"
"Run FILE (bytes or text) and write a standalone C program that makes\n"
"the same calls to the uvm_km API and runs the same checks as\n"
"'kmfuzz run', to OUT.c or stdout.  It exits 1 while the bug is there,\n"
"0 when fixed.  Build it from the top of the source tree with\n"
"  " CR_COMPILE_LINE "\n"
"Exit 0 written (whether or not the input fails), 2 bad input.\n";

#ifdef KMFUZZ_PLANT
#define CR_PLANT	KMFUZZ_PLANT
#else
#define CR_PLANT	0
#endif

/* The C of every op, collected as the trace re-runs. */
struct cr_body {
	char		**text;		/* per op index, malloc'd */
	size_t		*len;
	uint32_t	nops;
	struct harness	*h;
	bool		failed;		/* out of memory */
};

static void
cr_out(void *arg, const char *s)
{
	struct cr_body *b = arg;
	uint32_t i = b->h->op_index;
	size_t n = strlen(s);

	if (i >= b->nops || b->failed)
		return;
	char *t = realloc(b->text[i], b->len[i] + n + 1);
	if (t == NULL) {
		b->failed = true;
		return;
	}
	memcpy(t + b->len[i], s, n + 1);
	b->text[i] = t;
	b->len[i] += n;
}

/* The text as a C string literal body (the op language has no '"'). */
static void
c_string(FILE *fp, const char *src)
{
	for (; *src != '\0'; src++) {
		if (*src == '"' || *src == '\\')
			fputc('\\', fp);
		fputc(*src, fp);
	}
}

/* Declare every handle the trace names, by kind. */
static void
declare(FILE *fp, const struct km_op *ops, uint32_t n)
{
	static const struct { char kind; const char *type; } kinds[] = {
		{ 'm', "struct vm_map *" }, { 'a', "vaddr_t " },
		{ 'p', "vaddr_t " }, { 'r', "vaddr_t " },
	};
	static uint8_t seen[4][65536 / 8];

	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < n; i++) {
		const struct km_op *op = &ops[i];
		for (unsigned int k = 0; k < 4; k++) {
			uint16_t id = 0;
			if (km_op_creates(op) == kinds[k].kind)
				id = op->result_id;
			if (id == 0 || (seen[k][id / 8] & (1u << (id % 8))))
				continue;
			seen[k][id / 8] |= (uint8_t)(1u << (id % 8));
			fprintf(fp, "\t%s%c%u = 0;\n", kinds[k].type,
			    kinds[k].kind, id);
		}
	}
}

static void
gen_file(FILE *fp, const struct cli_run *run, const char *path, int r,
    const struct km_op *ops, uint32_t n, const struct cr_body *b)
{
	char line[700], sig[HARNESS_SIG_MAX];

	fprintf(fp, "/*\n * C reproducer written by kmfuzz creproduce from "
	    "%s\n", path);
	cli_target_line(line, sizeof(line), run);
	fprintf(fp, " * (%s, %u ops)\n", line + 2, n);
	if (r == HARNESS_FINDING) {
		km_input_caught_line(line, sizeof(line), &run->f);
		harness_signature(&run->f, sig, sizeof(sig));
		fprintf(fp, " * %s\n * signature: %s\n", line + 2, sig);
	} else {
		fprintf(fp, " * The input ran clean.\n");
	}
	fprintf(fp, " *\n * Build and run from the top of the kmfuzz source "
	    "tree (the line is a // comment\n * because it holds globs):\n"
	    " */\n//\t%s\n//\t./repro\n", CR_COMPILE_LINE);
	if (CR_PLANT != 0)
		fprintf(fp, "// This finding came from a core with planted bug "
		    "%d: add -DKMFUZZ_PLANT=%d to the\n// line above to "
		    "compile that bug in (without it, the core is the real "
		    "one).\n", CR_PLANT, CR_PLANT);
	fprintf(fp, "/*\n * Exit 1 (with the finding on stdout) while the bug "
	    "is there, 0 once it is\n * fixed.  OP(i) and DONE(v) wrap each "
	    "op's calls in the harness's own\n * steps: adapter/repro.h.\n"
	    " */\n#include \"repro.h\"\n\n");
	fprintf(fp, "/* The ops, as kmfuzz run prints them: OP(i) is line "
	    "i. */\nstatic const char *const program_text[] = {\n");
	for (uint32_t i = 0; i < n; i++) {
		km_text_print(&ops[i], line, sizeof(line));
		fputs("\t\"", fp);
		c_string(fp, line);
		fputs("\",\n", fp);
	}
	fprintf(fp, "\tNULL\n};\n");
	if (b == NULL) {
		/* several CPUs: no single sequence of calls to spell out */
		fprintf(fp, "\n/*\n * A program for several CPUs: repro_main "
		    "runs it in the harness's\n * scheduler (harness/smp.c), "
		    "each CPU's calls interleaved exactly as the\n * schedule "
		    "line says, and judges it as kmfuzz run does.\n */\n");
		goto main;
	}
	fprintf(fp, "\nstatic void\nprogram(struct harness *h)\n"
	    "{\n\tstruct uvm *uvm = h->uvm;\n\tstruct pmap *pm = uvm->pmap;\n"
	    "\tstruct vm_map *m0 = uvm->kernel_map;\n"
	    "\tvaddr_t va = 0, vmin = 0, vmax = 0;\n\tint error = 0;\n");
	declare(fp, ops, n);
	fprintf(fp, "\n\t(void)pm; (void)m0; (void)va; (void)vmin; "
	    "(void)vmax; (void)error;\n");
	for (uint32_t i = 0; i < n; i++) {
		km_text_print(&ops[i], line, sizeof(line));
		fprintf(fp, "\n\t/* %s */\n\tOP(%u) {\n", line, i);
		if (b->text[i] != NULL)
			fputs(b->text[i], fp);
		else
			fprintf(fp, "\t\t/* not run when recorded */\n"
			    "\t\tDONE(0);\n");
		fprintf(fp, "\t}\n");
	}
	fprintf(fp, "}\n");
main:
	fprintf(fp, "\nint\nmain(void)\n{\n\tstatic const struct repro r = "
	    "{\n\t\t.target = \"%s\",\n\t\t.direct_map = %s,\n"
	    "\t\t.text = program_text,\n\t\t.program = %s,\n",
	    run->t->name, run->direct ? "true" : "false",
	    b != NULL ? "program" : "NULL");
	if (r == HARNESS_FINDING) {
		fputs("\t\t.signature = \"", fp);
		c_string(fp, sig);
		fputs("\",\n", fp);
	}
	fprintf(fp, "\t};\n\n\treturn repro_main(&r);\n}\n");
}

int
creproduce_write(FILE *fp, struct cli_run *run, const char *path, int r)
{
	static struct km_op ops[HARNESS_MAX_OPS];
	struct harness_finding f2;
	struct cr_body b;
	struct km_emit emit;
	uint32_t n = run->h->ntrace;
	int ret = 0;

	memcpy(ops, run->h->trace, n * sizeof(ops[0]));
	if (n > 0 && (ops[0].code == KOP_SCHEDULE ||
	    (n > 1 && ops[1].code == KOP_SCHEDULE))) {
		/* several CPUs: the repro runs the text in the scheduler */
		gen_file(fp, run, path, r, ops, n, NULL);
		return 0;
	}
	/* The trace once more, as text, writing each op's C. */
	memset(&b, 0, sizeof(b));
	b.text = calloc(n + 1, sizeof(*b.text));
	b.len = calloc(n + 1, sizeof(*b.len));
	b.nops = n;
	b.h = run->h;
	if (b.text == NULL || b.len == NULL) {
		free(b.text);
		free(b.len);
		return EXIT_BAD;
	}
	emit.out = cr_out;
	emit.arg = &b;
	run->h->cfg.emit = &emit;
	int r2 = cli_rerun_ops(run, ops, n, false, &f2);
	run->h->cfg.emit = NULL;
	if (b.failed) {
		fprintf(stderr, "kmfuzz creproduce: out of memory\n");
		ret = EXIT_BAD;
	} else if (r2 != r || (r == HARNESS_FINDING &&
	    !harness_same_failure(&run->f, &f2))) {
		fprintf(stderr, "kmfuzz creproduce: %s: the trace replays "
		    "differently from the input; not written\n", path);
		ret = EXIT_BAD;
	} else {
		gen_file(fp, run, path, r, ops, n, &b);
	}
	for (uint32_t i = 0; i < n; i++)
		free(b.text[i]);
	free(b.text);
	free(b.len);
	return ret;
}

int
cmd_creproduce(int argc, char **argv)
{
	struct cli_args a;
	struct cli_run run;
	FILE *fp;
	int r, ret;

	if ((ret = cli_one_input(argc, argv, usage_creproduce, -1, &a, &run, &r)) != 0)
		return ret;
	/* into memory first: a refused repro writes nothing */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem == NULL)
		return EXIT_BAD;
	ret = creproduce_write(mem, &run, a.files[0], r);
	fclose(mem);
	if (ret == 0) {
		if ((fp = cli_open_out(a.out, "w")) == NULL)
			ret = EXIT_BAD;
		else {
			fwrite(text, 1, len, fp);
			if (cli_close_out(fp, a.out) != 0)
				ret = EXIT_BAD;
		}
	}
	free(text);
	return ret;
}
