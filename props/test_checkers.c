/*
 * test_checkers.c: every harness checker fires, by name, on state
 * corrupted on purpose.
 *
 * Each case runs a short text program.  After op `at' a corruption hook
 * breaks one thing behind the harness' back (a counter, a PTE bit, a
 * page's contents, an extra mapping, ...); the run must then end in a
 * finding from exactly the checker that owns that invariant.  The same
 * program without the hook must run clean, so a checker that fires for
 * the wrong reason fails too.
 *
 *	program: alloc kernel_map 0x2000 WIRED -> a1 / touch a1 page=0 write
 *	corrupt: clear NX in a1's first PTE after op 0
 *	expect:  checker "security" ("a1: NX does not match EXEC")
 */
#include <stdio.h>
#include <string.h>

#include "harness_host.h"
#include "report.h"

struct corruption {
	const char	*checker;	/* the one that must fire */
	const char	*what;
	const char	*program;	/* ops separated by '/' */
	unsigned int	at;		/* corrupt after this op */
	bool		full_every_op;	/* structure checks after each op */
	void		(*corrupt)(struct harness *h);
};

static struct pmap *
pm_of(struct harness *h)
{
	return pmodel_host_pmap(harness_model_pmodel(h));
}

static void
break_gap(struct harness *h)
{
	h->uvm->kernel_map->root->max_gap += PAGE_SIZE;
}

static void
phantom_entry(struct harness *h)
{
	vaddr_t va = vm_map_min(h->uvm->kernel_map);
	uvm_map(h->uvm->kernel_map, &va, PAGE_SIZE, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(UVM_PROT_ALL, UVM_PROT_ALL, UVM_INH_NONE,
	    UVM_ADV_RANDOM, UVM_FLAG_QUANTUM));
}

static void
miscount_free(struct harness *h)
{
	h->uvm->exp.free--;
}

static void
stray_mapping(struct harness *h)
{
	struct vm_page *pg = uvm_pagealloc(h->uvm, NULL, 0, NULL, 0);
	pg->flags &= ~PG_BUSY;
	/* far above anything allocated, inside the kernel map */
	pmap_kenter_pa(pm_of(h), vm_map_max(h->uvm->kernel_map) - PAGE_SIZE,
	    pg->phys_addr, VM_PROT_READ | VM_PROT_WRITE, 0);
}

static void
remove_without_update(struct harness *h)
{
	pmap_kremove(pm_of(h), h->allocs[0].va, PAGE_SIZE);
}

static void
miscount_swpgonly(struct harness *h)
{
	h->uvm->exp.swpgonly++;
}

static void
clear_nx(struct harness *h)
{
	*pmodel_leaf_pte(pm_of(h), h->allocs[0].va) &= ~PMODEL_PTE_NX;
}

static void
scribble(struct harness *h)
{
	uint32_t junk = 0x5ca1ab1e;
	pmodel_write(pm_of(h), h->allocs[0].va, &junk, sizeof(junk));
}

static void
leak_pool_header(struct harness *h)
{
	(void)uvm_poolhdr_alloc(h->uvm);
}

static const struct corruption cases[] = {
	{ "map", "a max_gap annotation off by a page",
	  "alloc kernel_map 0x2000 VAONLY -> a1/alloc kernel_map 0x1000 VAONLY -> a2",
	  0, true, break_gap },
	{ "ownership", "a map entry nobody allocated",
	  "alloc kernel_map 0x2000 VAONLY -> a1/alloc kernel_map 0x1000 VAONLY -> a2",
	  0, true, phantom_entry },
	{ "pages", "uvmexp.free one short",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, true, miscount_free },
	{ "pmap", "a mapping outside every allocation",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, true, stray_mapping },
	{ "tlb", "a removal that never saw pmap_update",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, remove_without_update },
	{ "swap", "swpgonly one too many",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/pageout 4",
	  1, true, miscount_swpgonly },
	{ "security", "NX cleared on a page not allocated EXEC",
	  "alloc kernel_map 0x2000 WIRED -> a1/touch a1 page=0 write",
	  0, true, clear_nx },
	{ "data", "a touched page changed behind the harness",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/"
	  "pageout 4/touch a1 page=0 read",
	  1, false, scribble },
	{ "leak", "a pool-page header never given back",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, leak_pool_header },
};

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
main(void)
{
	struct km_op ops[16];
	struct harness_finding f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corruption *c = &cases[i];
		struct harness_config cfg = { .set = &km_opset_km,
		    .checkers = true, .full_check_every = c->full_every_op,
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
		report_prefix_pop();
		harness_model_destroy(h);
	}
	return report_summary();
}
