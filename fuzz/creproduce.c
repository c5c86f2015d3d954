/*
 * creproduce.c: kmfuzz creproduce [--target T] FILE [-o OUT.c]
 *
 * Turn the ops an input runs into a standalone C program that calls the
 * uvm_km API directly (syzkaller's C reproducer): one statement group
 * per op under a comment with the op's text, handles as variables, and
 * checks that need no shadow model (fuzz/repro_support.h) after every
 * op, plus the op's own checks written inline.  Example, for the trace
 * "alloc kernel_map 0x2000 WIRED -> a1", "free a1":
 *
 *	// op 0: alloc kernel_map 0x2000 WIRED -> a1
 *	kr_op(kr, 0, "alloc kernel_map 0x2000 WIRED -> a1");
 *	vaddr_t a1 = uvm_km_alloc(m0, 0x2000, 0, UVM_KMF_WIRED);
 *	kr_alloced(kr, "a1", m0, a1, 0x2000, 0, UVM_KMF_WIRED);
 *	kr_check(kr);
 *	// op 1: free a1
 *	kr_op(kr, 1, "free a1");
 *	mapped = kr_count_mappings(kr, a1, a1 + 0x2000);
 *	wired = kr->uvm->exp.wired;
 *	uvm_km_free(m0, a1, 0x2000, UVM_KMF_WIRED);
 *	...
 *	KR_CHECK(kr, wired - kr->uvm->exp.wired == mapped, "leak", ...);
 *
 * The generator replays the interpreter's decisions (harness/exec.c)
 * from the trace alone: which calls are made (a touch of a VA-only
 * allocation makes none), the exact sizes, flags and pages, when a lock
 * held "by another CPU" is let go, and what each touched page must read
 * (it keeps the value each write stored, as the shadow does).  The
 * instance parameters are harness_host.h's, written into the file, so
 * every address is the one the finding saw.  The program exits 1 while
 * the bug is there and 0 once it is fixed.
 */
#include <string.h>

#include "cli.h"
#include "harness_host.h"

static const char usage_creproduce[] =
"usage: kmfuzz creproduce [--target T] [--variant cached|direct] FILE "
"[-o OUT.c]\n"
"Run FILE (bytes or text) and write a standalone C program that makes\n"
"the same calls to the uvm_km API, with checks after every op, to OUT.c\n"
"or stdout.  It exits 1 while the bug is there, 0 when fixed.  Build it\n"
"from the top of the source tree with\n"
"  " "cc -std=c11 -D_GNU_SOURCE -Icore/include -Ipmap_model -Ifuzz "
"OUT.c core/*.c \\\n"
"    pmap_model/host.c pmap_model/host_platform.c pmap_model/pmodel_*.c "
"-lpthread\n"
"Exit 0 written (whether or not the input fails), 2 bad input.\n";

#define CR_COMPILE_LINE \
	"cc -std=c11 -D_GNU_SOURCE -Icore/include -Ipmap_model -Ifuzz " \
	"repro.c core/*.c pmap_model/host.c pmap_model/host_platform.c " \
	"pmap_model/pmodel_*.c -lpthread -o repro"

#ifdef KMFUZZ_PLANT
#define CR_PLANT	KMFUZZ_PLANT
#else
#define CR_PLANT	0
#endif

/* What the generator knows of each handle (the shadow, from the trace). */
struct cr_alloc {
	bool		live, declared;
	uint16_t	map;
	uint32_t	npages;
	uint32_t	flags;
	uint32_t	word[KOP_MAX_NPAGES];
	uint64_t	known, removed;
};
struct cr_pool {
	bool		live, declared;
	uint16_t	map;
	bool		uncached;
};

#define CR_MAXID	65536

static struct cr_alloc allocs[CR_MAXID];
static struct cr_pool pools[CR_MAXID];
static bool map_declared[CR_MAXID];

/* C spelling of UVM_KMF_* flags. */
static void
c_flags(char *buf, size_t len, uint32_t flags)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ UVM_KMF_WIRED, "UVM_KMF_WIRED" },
		{ UVM_KMF_PAGEABLE, "UVM_KMF_PAGEABLE" },
		{ UVM_KMF_VAONLY, "UVM_KMF_VAONLY" },
		{ UVM_KMF_CANFAIL, "UVM_KMF_CANFAIL" },
		{ UVM_KMF_ZERO, "UVM_KMF_ZERO" },
		{ UVM_KMF_EXEC, "UVM_KMF_EXEC" },
		{ UVM_KMF_TRYLOCK, "UVM_KMF_TRYLOCK" },
		{ UVM_KMF_NOWAIT, "UVM_KMF_NOWAIT" },
		{ UVM_KMF_WAITVA, "UVM_KMF_WAITVA" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? "|" : "", names[i].name);
			flags &= ~names[i].bit;
			if (n >= len)
				return;
		}
	if (flags != 0 || n == 0)
		snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", flags);
}

/* The text as a C string literal body (the op language has no '"'). */
static void
c_string(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src != '\0' && n + 3 < len; src++) {
		if (*src == '"' || *src == '\\')
			dst[n++] = '\\';
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

struct gen {
	FILE		*fp;
	bool		direct;
	unsigned int	nallocs, npool;	/* live, as the harness counts */
	bool		held;		/* a hold_lock is in force */
};

static void
free_call(struct gen *g, const char *var, const struct cr_alloc *a,
    const char *size_expr, const char *type)
{
	fprintf(g->fp, "\tuvm_km_free(m%u, %s, %s, %s);\n", a->map, var,
	    size_expr, type);
}

/* A valid free, with the checks exec_free makes. */
static void
gen_free(struct gen *g, unsigned int id)
{
	struct cr_alloc *a = &allocs[id];
	uint32_t type = a->flags & UVM_KMF_TYPEMASK;
	char var[16], size[32], tflags[64];

	snprintf(var, sizeof(var), "a%u", id);
	snprintf(size, sizeof(size), "0x%lx",
	    (unsigned long)ptoa(a->npages));
	c_flags(tflags, sizeof(tflags), type);
	if (type == UVM_KMF_WIRED)
		fprintf(g->fp, "\tmapped = kr_count_mappings(kr, %s, %s + %s);"
		    "\n\twired = kr->uvm->exp.wired;\n", var, var, size);
	free_call(g, var, a, size, tflags);
	fprintf(g->fp, "\tkr_forget(kr, %s);\n", var);
	if (type == UVM_KMF_WIRED)
		fprintf(g->fp, "\tKR_CHECK(kr, wired - kr->uvm->exp.wired == "
		    "mapped, \"leak\",\n\t    \"free of %s returned %%u of its "
		    "%%lu wired pages\",\n\t    wired - kr->uvm->exp.wired, "
		    "mapped);\n", var);
	fprintf(g->fp, "\tkr_check_unmapped(kr, \"%s\", %s, %s);\n", var, var,
	    size);
	a->live = false;
	g->nallocs--;
}

static void
gen_poolpage_put(struct gen *g, unsigned int id)
{
	struct cr_pool *p = &pools[id];

	fprintf(g->fp, "\t%s(m%u, p%u);\n\tkr_forget(kr, p%u);\n",
	    p->uncached ? "uvm_km_free_poolpage" :
	    "uvm_km_free_poolpage_cache", p->map, id, id);
	if (!g->direct)
		fprintf(g->fp, "\tkr_check_unmapped(kr, \"p%u\", p%u, "
		    "PAGE_SIZE);\n", id, id);
	p->live = false;
	g->npool--;
}

static void
gen_alloc(struct gen *g, const struct km_op *op, unsigned int index)
{
	vsize_t size = ptoa(op->npages) - (vsize_t)op->sub * KOP_SUB_UNIT;
	vsize_t align = op->align_log ? (vsize_t)1 << op->align_log : 0;
	char flags[160];

	c_flags(flags, sizeof(flags), op->flags);
	if (g->nallocs >= HARNESS_MAX_ALLOCS) {
		fprintf(g->fp, "\t/* not called: the harness holds %d "
		    "allocations already */\n", HARNESS_MAX_ALLOCS);
		return;
	}
	if (op->result_id == 0) {
		fprintf(g->fp, "\t{\n\t\t/* this allocation failed when the "
		    "finding was made */\n\t\tvaddr_t va = uvm_km_alloc(m%u, "
		    "0x%lx, 0x%lx, %s);\n\t\tkr_alloc_failed(kr, m%u, va, "
		    "0x%lx, %s);\n\t}\n", op->map_id, (unsigned long)size,
		    (unsigned long)align, flags, op->map_id,
		    (unsigned long)size, flags);
		(void)index;
		return;
	}
	struct cr_alloc *a = &allocs[op->result_id];
	fprintf(g->fp, "\t%sa%u = uvm_km_alloc(m%u, 0x%lx, 0x%lx, %s);\n",
	    a->declared ? "" : "vaddr_t ", op->result_id, op->map_id,
	    (unsigned long)size, (unsigned long)align, flags);
	fprintf(g->fp, "\tkr_alloced(kr, \"a%u\", m%u, a%u, 0x%lx, 0x%lx, "
	    "%s);\n", op->result_id, op->map_id, op->result_id,
	    (unsigned long)size, (unsigned long)align, flags);
	memset(a, 0, sizeof(*a));
	a->live = a->declared = true;
	a->map = op->map_id;
	a->npages = (uint32_t)atop(round_page(size));
	a->flags = op->flags;
	/* pageable pages read zero until written; ZERO wired ones too */
	if ((op->flags & UVM_KMF_PAGEABLE) || (op->flags & UVM_KMF_ZERO))
		a->known = ~(uint64_t)0;
	g->nallocs++;
}

static void
gen_touch(struct gen *g, const struct km_op *op, unsigned int index)
{
	struct cr_alloc *a = &allocs[op->handle_id];
	uint32_t type = a->flags & UVM_KMF_TYPEMASK;
	uint64_t bit = (uint64_t)1 << op->page;
	bool write = (op->flags & KOPF_WRITE) != 0;
	char va[48];

	if (type == UVM_KMF_VAONLY || (a->removed & bit)) {
		fprintf(g->fp, "\t/* nothing to touch: %s */\n",
		    type == UVM_KMF_VAONLY ? "VA only" :
		    "the page was removed");
		return;
	}
	snprintf(va, sizeof(va), "a%u + 0x%lx", op->handle_id,
	    (unsigned long)ptoa(op->page));
	if (type == UVM_KMF_PAGEABLE)
		fprintf(g->fp, "\terror = uvm_fault(m%u, %s, %s, false);\n"
		    "\tKR_CHECK(kr, error == 0, \"pmap\", \"fault-in of a%u "
		    "page %u failed: %%d\", error);\n", a->map, va,
		    write ? "VM_PROT_WRITE" : "VM_PROT_READ", op->handle_id,
		    op->page);
	fprintf(g->fp, "\tword = kr_read_word(kr, %s);\n", va);
	if ((a->known & bit) || a->word[op->page] != 0)
		fprintf(g->fp, "\tKR_CHECK(kr, word == 0x%xu, \"data\", \"a%u "
		    "page %u reads 0x%%x, expected 0x%x\", word);\n",
		    a->word[op->page], op->handle_id, op->page,
		    a->word[op->page]);
	else
		fprintf(g->fp, "\t(void)word;\t/* not written yet: junk */\n");
	if (write) {
		uint32_t w = (0x5eed0000u + 2 * index) | 1;

		fprintf(g->fp, "\tkr_write_word(kr, %s, 0x%xu);\n", va, w);
		a->word[op->page] = w;
		a->known |= bit;
	}
}

static void
gen_pgremove(struct gen *g, const struct km_op *op)
{
	struct cr_alloc *a = &allocs[op->handle_id];
	uint32_t type = a->flags & UVM_KMF_TYPEMASK;
	char s[48], e[48];

	if (op->count == 0) {
		fprintf(g->fp, "\t/* count 0: nothing to remove */\n");
		return;
	}
	snprintf(s, sizeof(s), "a%u + 0x%lx", op->handle_id,
	    (unsigned long)ptoa(op->page));
	snprintf(e, sizeof(e), "a%u + 0x%lx", op->handle_id,
	    (unsigned long)ptoa(op->page + op->count));
	if (type == UVM_KMF_PAGEABLE)
		fprintf(g->fp, "\tpmap_remove(kr->pm, %s, %s);\n"
		    "\tuvm_km_pgremove(kr->uvm, %s, %s);\n", s, e, s, e);
	else
		fprintf(g->fp, "\tuvm_km_pgremove_intrsafe(m%u, %s, %s);\n"
		    "\tpmap_kremove(kr->pm, %s, 0x%lx);\n", a->map, s, e, s,
		    (unsigned long)ptoa(op->count));
	fprintf(g->fp, "\tpmap_update(kr->pm);\n"
	    "\tKR_CHECK(kr, kr_count_mappings(kr, %s, %s) == 0, \"pmap\",\n"
	    "\t    \"pages %u..%u of a%u are still mapped after pgremove\");\n",
	    s, e, op->page, op->page + op->count - 1, op->handle_id);
	for (uint32_t p = op->page; p < op->page + op->count; p++) {
		a->word[p] = 0;
		if (type == UVM_KMF_WIRED) {
			a->removed |= (uint64_t)1 << p;
			a->known &= ~((uint64_t)1 << p);
		}
	}
}

static void
gen_misuse(struct gen *g, const struct km_op *op)
{
	if (op->misuse == KMIS_POOLPAGE_TWICE) {
		struct cr_pool *p = &pools[op->handle_id];
		struct cr_pool copy = *p;

		gen_poolpage_put(g, op->handle_id);
		fprintf(g->fp, "\tkr_expect_panic(kr, \"uvm_km_free\");\n"
		    "\t%s(m%u, p%u);\t/* again */\n",
		    copy.uncached ? "uvm_km_free_poolpage" :
		    "uvm_km_free_poolpage_cache", copy.map, op->handle_id);
	} else {
		struct cr_alloc *a = &allocs[op->handle_id];
		struct cr_alloc copy = *a;
		uint32_t type = a->flags & UVM_KMF_TYPEMASK;
		char var[16], size[48], tf[64];

		snprintf(var, sizeof(var), "a%u", op->handle_id);
		snprintf(size, sizeof(size), "0x%lx",
		    (unsigned long)ptoa(a->npages));
		c_flags(tf, sizeof(tf), type);
		switch (op->misuse) {
		case KMIS_DOUBLE_FREE:
			gen_free(g, op->handle_id);
			fprintf(g->fp, "\tkr_expect_panic(kr, "
			    "\"uvm_km_free\");\n");
			free_call(g, var, &copy, size, tf);
			break;
		case KMIS_WRONG_SIZE:
			fprintf(g->fp, "\tkr_expect_panic(kr, "
			    "\"uvm_km_free\");\n");
			snprintf(size, sizeof(size), "0x%lx",
			    (unsigned long)ptoa(a->npages + 1));
			free_call(g, var, a, size, tf);
			break;
		case KMIS_WRONG_TYPE:
			c_flags(tf, sizeof(tf), type == UVM_KMF_PAGEABLE ?
			    UVM_KMF_WIRED : UVM_KMF_PAGEABLE);
			fprintf(g->fp, "\tkr_expect_panic(kr, "
			    "\"uvm_km_free\");\n");
			free_call(g, var, a, size, tf);
			break;
		case KMIS_MISALIGNED:
			fprintf(g->fp, "\tkr_expect_panic(kr, "
			    "\"uvm_km_free\");\n");
			snprintf(var, sizeof(var), "a%u + 8", op->handle_id);
			free_call(g, var, a, size, tf);
			break;
		case KMIS_INSIDE:
			fprintf(g->fp, "\tkr_expect_panic(kr, "
			    "\"uvm_km_free\");\n");
			if (a->npages > 1) {
				snprintf(var, sizeof(var), "a%u + PAGE_SIZE",
				    op->handle_id);
				free_call(g, var, a, "PAGE_SIZE", tf);
			} else {
				snprintf(size, sizeof(size), "0x%lx",
				    (unsigned long)ptoa(a->npages + 1));
				free_call(g, var, a, size, tf);
			}
			break;
		default:
			fprintf(g->fp, "\t/* unknown misuse %u */\n",
			    op->misuse);
			return;
		}
	}
	fprintf(g->fp, "\tkr_fail(kr, \"misuse\", \"the invalid call was not "
	    "caught\");\n");
}

/* Does the hold_lock rule keep the lock across this op (exec.c)? */
static bool
held_across(const struct km_op *op)
{
	switch (op->code) {
	case KOP_ALLOC: case KOP_POOLPAGE_GET: case KOP_PAGEOUT:
	case KOP_FAIL_PAGEALLOC: case KOP_IDLEZERO: case KOP_BUSY:
		return true;
	default:
		return false;
	}
}

static void
gen_op(struct gen *g, const struct km_op *op, unsigned int index)
{
	char text[256], lit[300];
	bool release_after = false;

	km_text_print(op, text, sizeof(text));
	c_string(lit, sizeof(lit), text);
	fprintf(g->fp, "\n\t/* op %u: %s */\n\tkr_op(kr, %u, \"%s\");\n",
	    index, text, index, lit);
	if (g->held) {
		if (held_across(op)) {
			release_after = true;
		} else {
			fprintf(g->fp, "\tkr_release(kr);\t/* the other CPU "
			    "lets go first */\n");
		}
		g->held = false;
	}
	switch (op->code) {
	case KOP_ALLOC:
		gen_alloc(g, op, index);
		break;
	case KOP_FREE:
		gen_free(g, op->handle_id);
		break;
	case KOP_SUBALLOC:
		if (op->result_id == 0) {
			fprintf(g->fp, "\t/* not called: no room for the "
			    "submap (NetBSD would panic) */\n");
			break;
		}
		if (op->flags & KOPF_FIXED)
			fprintf(g->fp, "\tvmin = kr_lowest_gap(m%u, 0x%lx);\n",
			    op->map_id, (unsigned long)ptoa(op->npages));
		else
			fprintf(g->fp, "\tvmin = vm_map_min(m%u);\n",
			    op->map_id);
		fprintf(g->fp, "\t%sm%u = uvm_km_suballoc(m%u, &vmin, &vmax, "
		    "0x%lx, %s, %s, NULL);\n\tkr_submap(kr, m%u);\n",
		    map_declared[op->result_id] ? "" : "struct vm_map *",
		    op->result_id, op->map_id,
		    (unsigned long)ptoa(op->npages),
		    (op->flags & KOPF_INTRSAFE) ? "VM_MAP_INTRSAFE" :
		    "VM_MAP_PAGEABLE", (op->flags & KOPF_FIXED) ? "true" :
		    "false", op->result_id);
		map_declared[op->result_id] = true;
		break;
	case KOP_PGREMOVE:
		gen_pgremove(g, op);
		break;
	case KOP_TOUCH:
		gen_touch(g, op, index);
		break;
	case KOP_BUSY:
		if ((allocs[op->handle_id].flags & UVM_KMF_TYPEMASK) ==
		    UVM_KMF_PAGEABLE)
			fprintf(g->fp, "\tkr_busy(kr, a%u + 0x%lx);\n",
			    op->handle_id, (unsigned long)ptoa(op->page));
		else
			fprintf(g->fp, "\t/* not pageable: no I/O */\n");
		break;
	case KOP_PAGEOUT:
		fprintf(g->fp, "\tuvm_pageout(kr->uvm, %u);\n", op->n);
		break;
	case KOP_POOLPAGE_GET: {
		bool uncached = (op->flags & KOPF_UNCACHED) != 0;
		const char *fn = uncached ? "uvm_km_alloc_poolpage" :
		    "uvm_km_alloc_poolpage_cache";
		const char *waitok = (op->flags & KOPF_NOWAIT) ? "false" :
		    "true";

		if (g->npool >= HARNESS_MAX_POOLPAGES) {
			fprintf(g->fp, "\t/* not called: the harness holds "
			    "%d pool pages already */\n",
			    HARNESS_MAX_POOLPAGES);
			break;
		}
		if (op->result_id == 0) {
			fprintf(g->fp, "\t{\n\t\t/* this failed when the "
			    "finding was made */\n\t\tvaddr_t va = %s(m%u, "
			    "%s);\n\t\tif (va != 0)\n\t\t\tkr_add(kr, "
			    "\"(unnamed)\", m%u, va, PAGE_SIZE, 0, %d);\n\t}\n",
			    fn, op->map_id, waitok, op->map_id,
			    uncached ? 2 : 1);
			break;
		}
		struct cr_pool *p = &pools[op->result_id];
		fprintf(g->fp, "\t%sp%u = %s(m%u, %s);\n\tkr_poolpage_got(kr, "
		    "\"p%u\", m%u, p%u, %d);\n", p->declared ? "" :
		    "vaddr_t ", op->result_id, fn, op->map_id, waitok,
		    op->result_id, op->map_id, op->result_id,
		    uncached ? 2 : 1);
		p->live = p->declared = true;
		p->map = op->map_id;
		p->uncached = uncached;
		g->npool++;
		break;
	}
	case KOP_POOLPAGE_PUT:
		gen_poolpage_put(g, op->handle_id);
		break;
	case KOP_DRAIN:
		fprintf(g->fp, "\tuvm_km_va_drain(m%u, 0);\n", op->map_id);
		break;
	case KOP_FAIL_PAGEALLOC:
		fprintf(g->fp, "\tkr->uvm->test.fail_pagealloc_in = %u;\n",
		    op->n);
		break;
	case KOP_HOLD_LOCK:
		fprintf(g->fp, "\tkr_hold(kr, m%u);\t/* held by another CPU "
		    "until the next op ends */\n", op->map_id);
		g->held = true;
		break;
	case KOP_IDLEZERO:
		fprintf(g->fp, "\tuvm_pageidlezero(kr->uvm, %u);\n", op->n);
		break;
	case KOP_MISUSE:
		gen_misuse(g, op);
		break;
	default:
		fprintf(g->fp, "\t/* unknown op %u */\n", op->code);
		break;
	}
	if (release_after)
		fprintf(g->fp, "\tkr_release(kr);\n");
	fprintf(g->fp, "\tkr_check(kr);\n");
}

static void
gen_header(struct gen *g, const struct cli_run *run, const char *path,
    int r)
{
	char line[700];
	FILE *fp = g->fp;

	fprintf(fp, "/*\n * C reproducer written by kmfuzz creproduce from "
	    "%s\n", path);
	cli_target_line(line, sizeof(line), run);
	fprintf(fp, " * (%s, %u ops)\n", line + 2, run->h->ntrace);
	if (r == HARNESS_FINDING) {
		fuzz_caught_line(line, sizeof(line), &run->f);
		fprintf(fp, " * %s\n", line + 2);
	} else {
		fprintf(fp, " * The input ran clean.\n");
	}
	fprintf(fp, " *\n * Build and run from the top of the kmfuzz source "
	    "tree (the line is a // comment\n * because it holds a glob):\n"
	    " */\n//\t%s\n//\t./repro\n", CR_COMPILE_LINE);
	if (CR_PLANT != 0)
		fprintf(fp, "// This finding came from a core with planted bug "
		    "%d: add -DKMFUZZ_PLANT=%d to the\n// line above to "
		    "compile that bug in (without it, the core is the real "
		    "one).\n", CR_PLANT, CR_PLANT);
	fprintf(fp, "/*\n * Exit 1 (with the failing check on stdout) while the "
	    "bug is there,\n * 0 once it is fixed.  Checks after every op: "
	    "fuzz/repro_support.h.\n */\n");
	fprintf(fp, "/* the instance every fuzz target runs on "
	    "(pmap_model/harness_host.h) */\n");
	fprintf(fp, "#define KR_NPAGES\t\t%d\n#define KR_NSEG\t\t\t%d\n"
	    "#define KR_NCOLORS\t\t%d\n#define KR_NSWAP\t\t%d\n"
	    "#define KR_KVA_MIN\t\t0x%lxUL\n#define KR_KVA_SIZE\t\t0x%lxUL\n"
	    "#define KR_MAPENTRIES\t\t%d\n#define KR_SUBMAPS\t\t%d\n"
	    "#define KR_POOLPAGES\t\t%d\n#define KR_RESERVE_KERNEL\t%d\n"
	    "#define KR_RESERVE_PDAEMON\t%d\n\n#include \"repro_support.h\""
	    "\n\n", HARNESS_MODEL_NPAGES, HARNESS_MODEL_NSEG,
	    HARNESS_MODEL_NCOLORS, HARNESS_MODEL_NSWAP,
	    (unsigned long)PMODEL_DEF_KVA_MIN,
	    (unsigned long)HARNESS_MODEL_KVA_SIZE, HARNESS_MODEL_MAPENTRIES,
	    HARNESS_MODEL_SUBMAPS, HARNESS_MODEL_POOLPAGES,
	    HARNESS_MODEL_RESERVE_KERNEL, HARNESS_MODEL_RESERVE_PDAEMON);
}

int
cmd_creproduce(int argc, char **argv)
{
	struct cli_args a;
	struct cli_run run;
	struct gen g;
	FILE *fp;
	int r;

	if ((r = cli_parse(argc, argv, usage_creproduce, true, &a)) != 0)
		return r;
	if (a.nfiles != 1) {
		fputs(usage_creproduce, stderr);
		return EXIT_BAD;
	}
	r = cli_load_and_run(a.files[0], &a, false, &run);
	cli_free(&run);
	if (r == HARNESS_BADINPUT || run.h == NULL)
		return EXIT_BAD;
	if ((fp = cli_open_out(a.out, "w")) == NULL)
		return EXIT_BAD;
	memset(allocs, 0, sizeof(allocs));
	memset(pools, 0, sizeof(pools));
	memset(map_declared, 0, sizeof(map_declared));
	memset(&g, 0, sizeof(g));
	g.fp = fp;
	g.direct = run.direct;
	gen_header(&g, &run, a.files[0], r);
	fprintf(fp, "static void\nprogram(void *arg)\n{\n"
	    "\tstruct kr *kr = arg;\n"
	    "\tstruct vm_map *const m0 = kr->uvm->kernel_map;\n"
	    "\tunsigned long mapped = 0;\n\tunsigned int wired = 0;\n"
	    "\tuint32_t word = 0;\n\tint error = 0;\n"
	    "\tvaddr_t vmin = 0, vmax = 0;\n\n"
	    "\t(void)m0; (void)mapped; (void)wired; (void)word; (void)error;\n"
	    "\t(void)vmin; (void)vmax;\n");
	for (uint32_t i = 0; i < run.h->ntrace; i++)
		gen_op(&g, &run.h->trace[i], i);
	fprintf(fp, "}\n\nint\nmain(void)\n{\n\tstatic struct kr kr;\n\n"
	    "\tkr_init(&kr, %s);\n\tkr_run(&kr, program, &kr);\n"
	    "\treturn kr_finish(&kr);\n}\n", g.direct ? "true" : "false");
	if (cli_close_out(fp, a.out) != 0)
		return EXIT_BAD;
	return EXIT_CLEAN;
}
