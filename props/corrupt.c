/*
 * corrupt.c: ways to break an instance behind the harness's back, one
 * per checker, each with a short program it breaks (see corrupt.h).
 * test_checkers runs them through the interpreter; the C-repro test
 * splices them into generated C repros (fuzz/test-crepro.sh).
 *
 *	program: alloc kernel_map 0x2000 WIRED -> a1 / touch a1 page=0 write
 *	corrupt: clear NX in a1's first PTE after op 0
 *	expect:  checker "security" ("a1: NX does not match EXEC")
 */
#include <string.h>

#include "corrupt.h"

static struct pmap *
pm_of(struct harness *h)
{
	return pmodel_host_pmap(harness_model_pmodel(h));
}

static void
break_gap(struct harness *h)
{
	struct vm_map_node *root = h->uvm->kernel_map->root;

	root->gap[root->nslots - 1] += PAGE_SIZE;
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

/* A page set up and kentered far above anything allocated, inside the
 * kernel map; no pmap_update yet. */
static void
kenter_stray_page(struct harness *h)
{
	struct vm_page *pg = uvm_pagealloc(h->uvm, NULL, 0, NULL, 0);
	pg->flags &= ~PG_BUSY;
	pg->owner_tag = NULL;
	pmap_kenter_pa(pm_of(h), vm_map_max(h->uvm->kernel_map) - PAGE_SIZE,
	    pg->phys_addr, VM_PROT_READ | VM_PROT_WRITE, 0);
}

static void
stray_mapping(struct harness *h)
{
	kenter_stray_page(h);
	pmap_update(pm_of(h));
}

static void
remove_without_update(struct harness *h)
{
	pmap_kremove(pm_of(h), h->allocs[0].va, PAGE_SIZE);
}

/* An enter that never saw pmap_update (pmap(9) wants one after it). */
static void
enter_without_update(struct harness *h)
{
	kenter_stray_page(h);
}

static void
miscount_swpgonly(struct harness *h)
{
	h->uvm->exp.swpgonly++;
}

/* A page-in nobody did (uvmexp.pageins against the swap device). */
static void
miscount_pageins(struct harness *h)
{
	h->uvm->exp.pageins++;
}

/* A page handed out that uvmexp.colorhit missed (the host saw it). */
static void
miscount_colorhit(struct harness *h)
{
	h->uvm->exp.colorhit--;
}

/* A fault served that uvmexp.faults did not count (the pmap saw it). */
static void
miscount_faults(struct harness *h)
{
	h->uvm->exp.faults--;
}

/*
 * A page off the free lists that the host never heard of: counted as
 * wired, so that every uvmexp sum still adds up.
 */
static void
take_page_silently(struct harness *h)
{
	struct uvm *uvm = h->uvm;
	unsigned int c = 0;

	while (c + 1 < uvm->exp.ncolors &&
	    uvm->freelist[c].head[PGFL_UNKNOWN] == NULL)
		c++;
	struct pgflist *fl = &uvm->freelist[c];
	struct vm_page *pg = fl->head[PGFL_UNKNOWN];
	if (pg != NULL) {
		fl->head[PGFL_UNKNOWN] = pg->qnext;
		fl->count[PGFL_UNKNOWN]--;
		uvm->exp.free--;
		uvm->exp.wired++;
	}
}

/* Two core locks taken innermost first: the page queues', then a map's. */
static void
invert_lock_order(struct harness *h)
{
	struct uvm *uvm = h->uvm;

	mutex_enter(&uvm->pageqlock);
	mutex_enter(&uvm->kernel_map->lock);
	mutex_exit(&uvm->kernel_map->lock);
	mutex_exit(&uvm->pageqlock);
}

/* The next any-color allocation would not start after the last page's. */
static void
skip_nextcolor(struct harness *h)
{
	struct uvm *uvm = h->uvm;

	uvm->nextcolor = (uvm->nextcolor + 1) & (uvm->exp.ncolors - 1);
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

/* The list link from a1's entry skips its neighbour's (a2's): the tree
 * and a lookup of a2 still work, a walk along the list does not. */
static void
cut_list_link(struct harness *h)
{
	struct vm_map *map = h->uvm->kernel_map;
	struct vm_map_entry *e;

	mutex_enter(&map->lock);
	struct vm_map_entry *hint = map->hint;	/* a2's: keep it so */
	if (uvm_map_lookup_entry(map, h->allocs[0].va, &e) && e->next != NULL)
		e->next = e->next->next;
	map->hint = hint;
	mutex_exit(&map->lock);
}

/* A page its allocator handed out still marked as being set up. */
static void
busy_page_at(struct harness *h, vaddr_t va)
{
	paddr_t pa;

	if (pmap_extract(pm_of(h), va, &pa))
		PHYS_TO_VM_PAGE(h->uvm, pa)->flags |= PG_BUSY | PG_FAKE;
}

/* Not busy, yet still naming who holds it busy. */
static void
owned_wired_page(struct harness *h)
{
	paddr_t pa;

	if (pmap_extract(pm_of(h), h->allocs[0].va, &pa))
		PHYS_TO_VM_PAGE(h->uvm, pa)->owner_tag = "new alloc";
}

static void
busy_wired_page(struct harness *h)
{
	busy_page_at(h, h->allocs[0].va + PAGE_SIZE);
}

static void
busy_pool_page(struct harness *h)
{
	busy_page_at(h, h->pool[0].va);
}

/* A call that returned with the kernel map still locked. */
static void
keep_map_locked(struct harness *h)
{
	mutex_enter(&h->uvm->kernel_map->lock);
}

/*
 * A resident kernel-object page past a1's end, where nothing pageable
 * lives: consistent to the page and swap walks (hashed, queued,
 * counted), an orphan only to the shadow.
 */
static void
orphan_object_page(struct harness *h)
{
	struct uvm *uvm = h->uvm;
	struct uvm_object *kobj = uvm->kernel_object;
	const struct hs_alloc *a = &h->allocs[0];
	voff_t off = a->va + a->size + PAGE_SIZE - vm_map_min(uvm->kernel_map);

	mutex_enter(&kobj->vmobjlock);
	struct vm_page *pg = uvm_pagealloc(uvm, kobj, off, NULL, 0);
	if (pg != NULL) {
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		pg->owner_tag = NULL;
	}
	mutex_exit(&kobj->vmobjlock);
}

static void
leak_pool_header(struct harness *h)
{
	(void)uvm_poolhdr_alloc(h->uvm);
}

/* A free header dropped off the free list (ph_inuse still right). */
static void
lose_free_pool_header(struct harness *h)
{
	struct uvm *uvm = h->uvm;

	if (uvm->ph_free != NULL)
		uvm->ph_free = uvm->ph_free->ph_next;
}

const struct corruption corruptions[] = {
	{ "map", "a gap annotation off by a page",
	  "alloc kernel_map 0x2000 VAONLY -> a1/alloc kernel_map 0x1000 VAONLY -> a2",
	  0, true, break_gap },
	{ "map", "a list link cut between neighbours (uvm_map_checkrange "
	  "disagrees with the shadow)",
	  "alloc kernel_map 0x2000 VAONLY -> a1/alloc kernel_map 0x1000 VAONLY -> a2",
	  1, false, cut_list_link },
	{ "ownership", "a map entry nobody allocated",
	  "alloc kernel_map 0x2000 VAONLY -> a1/alloc kernel_map 0x1000 VAONLY -> a2",
	  0, true, phantom_entry },
	{ "pages", "uvmexp.free one short",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, true, miscount_free },
	{ "pmap", "a mapping outside every allocation",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, true, stray_mapping },
	{ "pages", "a wired page still BUSY|FAKE after uvm_km_alloc",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, busy_wired_page },
	{ "pages", "a wired page not busy but still naming an owner",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, owned_wired_page },
	{ "pages", "a pool page still BUSY|FAKE after the get",
	  "poolpage_get kernel_map -> p1/poolpage_put p1",
	  0, false, busy_pool_page },
	{ "tlb", "a removal that never saw pmap_update",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, remove_without_update },
	{ "tlb", "a mapping entered without pmap_update after it",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, enter_without_update },
	{ "swap", "swpgonly one too many",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/pageout 4",
	  1, true, miscount_swpgonly },
	{ "swap", "a page-in counted that the swap device never read",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/"
	  "pageout 4/touch a1 page=0 read",
	  2, false, miscount_pageins },
	{ "pages", "a page handed out that uvmexp.colorhit did not count",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, miscount_colorhit },
	{ "pages", "a fault served that uvmexp.faults did not count",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/free a1",
	  1, false, miscount_faults },
	{ "pages", "a page off the free lists that the host was not told of",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, take_page_silently },
	{ "locks", "a map lock taken while holding the page-queue lock",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, invert_lock_order },
	{ "pages", "uvm.nextcolor not the color after the last page's",
	  "poolpage_get kernel_map -> p1/poolpage_put p1",
	  0, false, skip_nextcolor },
	{ "security", "NX cleared on a page not allocated EXEC",
	  "alloc kernel_map 0x2000 WIRED -> a1/touch a1 page=0 write",
	  0, true, clear_nx },
	{ "data", "a touched page changed behind the harness",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/touch a1 page=0 write/"
	  "pageout 4/touch a1 page=0 read",
	  1, false, scribble },
	{ "locks", "the kernel map's lock still held after the call",
	  "alloc kernel_map 0x2000 VAONLY -> a1/free a1",
	  0, false, keep_map_locked },
	{ "leak", "a kernel-object page in no live pageable allocation",
	  "alloc kernel_map 0x2000 PAGEABLE -> a1/free a1",
	  0, true, orphan_object_page },
	{ "leak", "a pool-page header never given back",
	  "alloc kernel_map 0x2000 WIRED -> a1/free a1",
	  0, false, leak_pool_header },
	{ "leak", "a free pool-page header lost from the free list",
	  "poolpage_get kernel_map -> p1/poolpage_put p1/drain kernel_map",
	  2, false, lose_free_pool_header },
};

const unsigned int ncorruptions = sizeof(corruptions) /
    sizeof(corruptions[0]);

void
corrupt_by_index(struct harness *h, unsigned int i)
{
	if (i < ncorruptions)
		corruptions[i].corrupt(h);
}
