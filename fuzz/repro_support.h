/*
 * repro_support.h: what a C reproducer written by `kmfuzz creproduce'
 * needs around its calls to the uvm_km API.  Header-only (static
 * functions), so a repro is one .c file plus the project's sources
 * (the line is below, in // comments because it holds a glob).
 */
//	cc -std=c11 -D_GNU_SOURCE -Icore/include -Ipmap_model -Ifuzz
//	    repro.c core/*.c pmap_model/host.c pmap_model/host_platform.c
//	    pmap_model/pmodel_*.c -lpthread -o repro && ./repro
// (add -DKMFUZZ_PLANT=N to compile a planted bug into the core).
/*
 * The program (struct kr):
 *  - builds one pmodel host with the parameters the fuzz targets use
 *    (the generator writes them as KR_* macros from harness_host.h, so
 *    every address in the repro is the one the finding saw);
 *  - waits as the harness does: a page shortage runs the pagedaemon, a
 *    busy page finishes its I/O, a full map drains its KVA cache, and
 *    more than KR_WAIT_BUDGET waits in one op is a would-block;
 *  - runs the program under one catch point: a panic or a would-block
 *    prints "repro: FAILED ..." and exits 1 (unless the op is a misuse
 *    that must panic naming the call: then that is the pass);
 *  - after every op (kr_check) runs the checks that need no shadow:
 *    uvm_map_sanity of every map, uvm_page_sanity, uao_sanity,
 *    pool_sanity of each KVA cache, pmodel_sanity, no invalidation
 *    waiting for pmap_update, no stale TLB entry, and every mapping in
 *    the kernel map's range lies inside a map entry (of a submap, if the
 *    entry is one);
 *  - at the end (kr_finish) frees everything still live, drains every
 *    map and checks for leaks: every page free, no swap slot, no map
 *    entry beyond the boot ones and submaps, no pool header, no mapping.
 * Exit status: 0 the program ran clean, 1 a check failed (message on
 * stdout naming the checker, the op and its text).
 */
#ifndef KMFUZZ_REPRO_SUPPORT_H
#define KMFUZZ_REPRO_SUPPORT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define KR_WAIT_BUDGET	64	/* waits in one op before "would block" */
#define KR_MAX_MAPS	16
#define KR_MAX_LIVE	1024

/* A live allocation or pool page (what kr_finish must free). */
struct kr_live {
	const char	*name;		/* "a1", "p2" */
	struct vm_map	*map;
	vaddr_t		va;
	vsize_t		size;
	uint32_t	flags;		/* UVM_KMF_* type; 0 for a pool page */
	int		pool;		/* 0 alloc, 1 cached pool page,
					   2 uncached pool page */
};

struct kr {
	struct pmodel_host	*ph;
	struct uvm		*uvm;
	struct pmap		*pm;
	struct vm_map		*maps[KR_MAX_MAPS];
	unsigned int		nmaps;
	struct kr_live		live[KR_MAX_LIVE];
	unsigned int		nlive;
	unsigned int		base_entries;
	/* the op running */
	unsigned int		op;
	const char		*optext;
	unsigned int		waits;
	unsigned int		injected_seen;
	kmutex_t		*held;		/* kr_hold: another CPU's */
	const char		*expect_panic;	/* misuse: must panic so */
	struct pmodel_catch	catch_point;
};

__attribute__((noreturn, format(printf, 3, 4)))
static inline void
kr_fail(struct kr *kr, const char *checker, const char *fmt, ...)
{
	va_list ap;

	printf("repro: FAILED: checker \"%s\" at op %u (%s): ", checker,
	    kr->op, kr->optext != NULL ? kr->optext : "end of program");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

#define KR_CHECK(kr, cond, checker, ...) do {				\
	if (!(cond))							\
		kr_fail((kr), (checker), __VA_ARGS__);			\
} while (0)

/* ---- waits (the harness's policy, harness_wait) ------------------------- */

static inline unsigned int
kr_reclaim(struct uvm *uvm)
{
	unsigned int n = uvm_pageout(uvm, 16);
	bool unbusied = false;

	if (n > 0)
		return n;
	for (struct vm_page *pg = uvm->pageq_head; pg != NULL; pg = pg->qnext)
		if (pg->flags & PG_BUSY) {
			uvm_page_unbusy(uvm, pg);
			unbusied = true;
		}
	return unbusied ? uvm_pageout(uvm, 16) : 0;
}

static inline void
kr_wait(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	struct kr *kr = arg;

	if (++kr->waits > KR_WAIT_BUDGET)
		pmodel_wouldblockf("would block: %u waits in one op, the last "
		    "on \"%s\" (a wait loop)", kr->waits - 1, wmesg);
	switch (why) {
	case UVM_WAIT_BUSYPAGE:
		uvm_page_unbusy(uvm, (struct vm_page *)(uintptr_t)what);
		return;
	case UVM_WAIT_PAGES:
		if (uvm->exp.pagealloc_fail_injected != kr->injected_seen) {
			kr->injected_seen = uvm->exp.pagealloc_fail_injected;
			return;		/* an injected failure: retry */
		}
		if (kr_reclaim(uvm) > 0)
			return;
		pmodel_wouldblockf("would block on \"%s\": %u pages free, "
		    "nothing to page out", wmesg, uvm->exp.free);
	case UVM_WAIT_VA: {
		struct vm_map *map = (struct vm_map *)(uintptr_t)what;

		if ((map->flags & VM_MAP_VACACHE) &&
		    pool_reclaim(&vm_map_to_kernel(map)->vmk_vacache) > 0)
			return;
		pmodel_wouldblockf("would block on \"%s\": map [0x%lx, 0x%lx) "
		    "full and nothing to drain", wmesg,
		    (unsigned long)vm_map_min(map),
		    (unsigned long)vm_map_max(map));
	}
	}
	pmodel_wouldblockf("would block: unknown wait %d", (int)why);
}

/* ---- setup and the catch point ------------------------------------------ */

static inline void
kr_init(struct kr *kr, bool poolpage_direct_map)
{
	struct pmodel_params p;

	memset(kr, 0, sizeof(*kr));
	memset(&p, 0, sizeof(p));
	p.npages = KR_NPAGES;
	p.nseg = KR_NSEG;
	p.ncolors = KR_NCOLORS;
	p.nswap = KR_NSWAP;
	p.kva_min = KR_KVA_MIN;
	p.kva_max = KR_KVA_MIN + KR_KVA_SIZE;
	p.max_map_entries = KR_MAPENTRIES;
	p.max_submaps = KR_SUBMAPS;
	p.max_pool_pages = KR_POOLPAGES;
	p.reserve_kernel = KR_RESERVE_KERNEL;
	p.reserve_pagedaemon = KR_RESERVE_PDAEMON;
	p.poolpage_direct_map = poolpage_direct_map;
	kr->ph = pmodel_host_create(&p);
	if (kr->ph == NULL) {
		printf("repro: cannot create the pmap model\n");
		exit(2);
	}
	pmodel_host_set_wait(kr->ph, kr_wait, kr);
	kr->uvm = pmodel_host_uvm(kr->ph);
	kr->pm = pmodel_host_pmap(kr->ph);
	kr->maps[kr->nmaps++] = kr->uvm->kernel_map;
	kr->base_entries = kr->uvm->entries_inuse;
}

/* Start op `op' (its text for messages). */
static inline void
kr_op(struct kr *kr, unsigned int op, const char *text)
{
	kr->op = op;
	kr->optext = text;
	kr->waits = 0;
	kr->injected_seen = kr->uvm->exp.pagealloc_fail_injected;
	printf("op %u: %s\n", op, text);
	fflush(stdout);
}

/* Run the program; a panic or would-block ends the process. */
static inline void
kr_run(struct kr *kr, void (*program)(void *), void *arg)
{
	int kind = pmodel_catch_call(&kr->catch_point, program, arg);

	if (kind == PMODEL_CAUGHT_NONE)
		return;
	if (kind == PMODEL_CAUGHT_PANIC && kr->expect_panic != NULL &&
	    strstr(kr->catch_point.cc_msg, kr->expect_panic) != NULL) {
		printf("repro: clean: the invalid call was caught: %s\n",
		    kr->catch_point.cc_msg);
		exit(0);
	}
	kr_fail(kr, kind == PMODEL_CAUGHT_PANIC ? "assert" : "wouldblock",
	    "%s", kr->catch_point.cc_msg);
}

/* The next call is invalid: it must panic with `what' in the message. */
static inline void
kr_expect_panic(struct kr *kr, const char *what)
{
	kr->expect_panic = what;
}

/* ---- the live set ------------------------------------------------------- */

static inline void
kr_add(struct kr *kr, const char *name, struct vm_map *map, vaddr_t va,
    vsize_t size, uint32_t flags, int pool)
{
	if (kr->nlive == KR_MAX_LIVE)
		kr_fail(kr, "repro", "more than %d live objects", KR_MAX_LIVE);
	kr->live[kr->nlive++] = (struct kr_live){ name, map, va, size, flags,
	    pool };
}

static inline void
kr_forget(struct kr *kr, vaddr_t va)
{
	for (unsigned int i = 0; i < kr->nlive; i++)
		if (kr->live[i].va == va) {
			memmove(&kr->live[i], &kr->live[i + 1],
			    (kr->nlive - i - 1) * sizeof(kr->live[0]));
			kr->nlive--;
			return;
		}
}

static inline void
kr_submap(struct kr *kr, struct vm_map *map)
{
	if (kr->nmaps < KR_MAX_MAPS)
		kr->maps[kr->nmaps++] = map;
}

/* ---- probes ------------------------------------------------------------- */

static inline int
kr_count_cb(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	(void)va; (void)pa; (void)pte;
	(*(unsigned long *)arg)++;
	return 0;
}

static inline unsigned long
kr_count_mappings(struct kr *kr, vaddr_t sva, vaddr_t eva)
{
	unsigned long n = 0;

	pmodel_foreach_range(kr->pm, sva, eva, kr_count_cb, &n);
	return n;
}

/* The first word of `va', through the MMU; a fault is a failure. */
static inline uint32_t
kr_read_word(struct kr *kr, vaddr_t va)
{
	uint32_t w = 0;
	int r = pmodel_read(kr->pm, va, &w, sizeof(w));

	KR_CHECK(kr, r == PMODEL_OK, r == PMODEL_STALE_TLB ? "tlb" : "pmap",
	    "0x%lx does not read: %s", (unsigned long)va,
	    pmodel_fault_name(r));
	return w;
}

static inline void
kr_write_word(struct kr *kr, vaddr_t va, uint32_t w)
{
	int r = pmodel_write(kr->pm, va, &w, sizeof(w));

	KR_CHECK(kr, r == PMODEL_OK, r == PMODEL_STALE_TLB ? "tlb" : "pmap",
	    "0x%lx is not writable: %s", (unsigned long)va,
	    pmodel_fault_name(r));
}

/* Freed KVA: no page of [va, va + size) translates any more. */
static inline void
kr_check_unmapped(struct kr *kr, const char *name, vaddr_t va, vsize_t size)
{
	for (vaddr_t v = va; v < va + size; v += PAGE_SIZE) {
		int r = pmodel_access(kr->pm, v, false, false, NULL);

		KR_CHECK(kr, r != PMODEL_STALE_TLB, "tlb", "freed %s still "
		    "translates at 0x%lx through a stale TLB entry", name,
		    (unsigned long)v);
		KR_CHECK(kr, r != PMODEL_OK, "security", "freed %s still "
		    "translates at 0x%lx", name, (unsigned long)v);
	}
}

/* The entry of `map' (not descending) that contains va, or NULL. */
static inline struct vm_map_entry *
kr_entry_at(struct vm_map *map, vaddr_t va)
{
	for (struct vm_map_entry *e = map->first; e != NULL; e = e->next)
		if (e->start <= va && va < e->end)
			return e;
	return NULL;
}

/*
 * After an alloc: inside its map, aligned, exactly one entry, no overlap
 * with anything live, pages mapped iff WIRED (and reading zero if
 * ZERO), then tracked.
 */
static inline void
kr_alloced(struct kr *kr, const char *name, struct vm_map *map, vaddr_t va,
    vsize_t size, vsize_t align, uint32_t flags)
{
	struct vm_map_entry *e;
	unsigned long want, n;

	if (va == 0)
		kr_fail(kr, "repro", "%s was not allocated (it was when the "
		    "finding was made)", name);
	size = round_page(size);
	KR_CHECK(kr, va >= vm_map_min(map) && va + size <= vm_map_max(map),
	    "ownership", "%s [0x%lx, 0x%lx) is outside its map", name,
	    (unsigned long)va, (unsigned long)(va + size));
	KR_CHECK(kr, align == 0 || (va & (align - 1)) == 0, "ownership",
	    "%s at 0x%lx is not aligned to 0x%lx", name, (unsigned long)va,
	    (unsigned long)align);
	e = kr_entry_at(map, va);
	KR_CHECK(kr, e != NULL && e->start == va && e->end == va + size,
	    "ownership", "%s [0x%lx, 0x%lx) is not exactly one map entry "
	    "(entry [0x%lx, 0x%lx))", name, (unsigned long)va,
	    (unsigned long)(va + size), e ? (unsigned long)e->start : 0UL,
	    e ? (unsigned long)e->end : 0UL);
	for (unsigned int i = 0; i < kr->nlive; i++) {
		const struct kr_live *l = &kr->live[i];
		vsize_t lsize = l->pool ? PAGE_SIZE : l->size;

		KR_CHECK(kr, l->va >= va + size || va >= l->va + lsize,
		    "ownership", "%s overlaps %s", name, l->name);
	}
	want = (flags & UVM_KMF_WIRED) ? atop(size) : 0;
	n = kr_count_mappings(kr, va, va + size);
	KR_CHECK(kr, n == want, "pmap", "%s has %lu of %lu pages mapped, "
	    "expected %lu", name, n, (unsigned long)atop(size), want);
	if ((flags & UVM_KMF_WIRED) && (flags & UVM_KMF_ZERO))
		for (vaddr_t v = va; v < va + size; v += PAGE_SIZE)
			KR_CHECK(kr, kr_read_word(kr, v) == 0, "security",
			    "%s was allocated ZERO but 0x%lx does not read "
			    "zero", name, (unsigned long)v);
	kr_add(kr, name, map, va, size, flags & UVM_KMF_TYPEMASK, 0);
}

/* An allocation that failed when the finding was made. */
static inline void
kr_alloc_failed(struct kr *kr, struct vm_map *map, vaddr_t va, vsize_t size,
    uint32_t flags)
{
	if (va != 0) {
		printf("repro: note: op %u succeeded here (it failed when the "
		    "finding was made)\n", kr->op);
		kr_add(kr, "(unnamed)", map, va, round_page(size),
		    flags & UVM_KMF_TYPEMASK, 0);
	}
}

static inline void
kr_poolpage_got(struct kr *kr, const char *name, struct vm_map *map,
    vaddr_t va, int pool)
{
	if (va == 0)
		kr_fail(kr, "repro", "%s was not allocated (it was when the "
		    "finding was made)", name);
	KR_CHECK(kr, pmodel_access(kr->pm, va, true, false, NULL) ==
	    PMODEL_OK, "pmap", "pool page %s at 0x%lx is not writable", name,
	    (unsigned long)va);
	for (unsigned int i = 0; i < kr->nlive; i++) {
		const struct kr_live *l = &kr->live[i];
		vsize_t lsize = l->pool ? PAGE_SIZE : l->size;

		KR_CHECK(kr, va < l->va || va >= l->va + lsize, "ownership",
		    "pool page %s at 0x%lx lies inside %s", name,
		    (unsigned long)va, l->name);
	}
	kr_add(kr, name, map, va, PAGE_SIZE, 0, pool);
}

/* Start "I/O" on the resident page at va (what the busy op does). */
static inline void
kr_busy(struct kr *kr, vaddr_t va)
{
	struct vm_page *pg = uvm_pagelookup(kr->uvm->kernel_object,
	    va - vm_map_min(kr->uvm->kernel_map));

	if (pg != NULL && !(pg->flags & PG_BUSY)) {
		pg->flags |= PG_BUSY;
		pg->owner_tag = "repro io";
	}
}

/* Another CPU holds the map's lock (until kr_release). */
static inline void
kr_hold(struct kr *kr, struct vm_map *map)
{
	if (pmodel_hold_lock(&map->lock))
		kr->held = &map->lock;
}

static inline void
kr_release(struct kr *kr)
{
	if (kr->held != NULL && pmodel_lock_held_elsewhere(kr->held))
		pmodel_release_lock(kr->held);
	kr->held = NULL;
}

/* The lowest free range of `map' that fits `size' (fixed suballoc). */
static inline vaddr_t
kr_lowest_gap(struct vm_map *map, vsize_t size)
{
	vaddr_t prev = vm_map_min(map);

	for (struct vm_map_entry *e = map->first; e != NULL; e = e->next) {
		if (e->start - prev >= size)
			break;
		prev = e->end;
	}
	return prev;
}

/* ---- the checks after every op ------------------------------------------ */

static inline int
kr_mapping_cb(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	struct kr *kr = arg;
	struct vm_map *map = kr->uvm->kernel_map;
	struct vm_map_entry *e;

	(void)pte;
	if (va < vm_map_min(map) || va >= vm_map_max(map))
		return 0;	/* the direct map: not the kernel map's */
	for (;;) {
		e = kr_entry_at(map, va);
		if (e == NULL || !(e->flags & UVM_MAP_SUBMAP))
			break;
		map = e->object.sub_map;
	}
	KR_CHECK(kr, e != NULL, "pmap", "0x%lx maps pa 0x%lx but lies in no "
	    "entry of map [0x%lx, 0x%lx)", (unsigned long)va,
	    (unsigned long)pa, (unsigned long)vm_map_min(map),
	    (unsigned long)vm_map_max(map));
	return 0;
}

static inline void
kr_check(struct kr *kr)
{
	char why[256];

	for (unsigned int i = 0; i < kr->nmaps; i++) {
		struct vm_map *map = kr->maps[i];

		KR_CHECK(kr, uvm_map_sanity(map, why, sizeof(why)) == 0,
		    "map", "map %u: %s", i, why);
		if (map->flags & VM_MAP_VACACHE)
			KR_CHECK(kr, pool_sanity(&vm_map_to_kernel(map)->
			    vmk_vacache, why, sizeof(why)) == 0, "pool",
			    "map %u: %s", i, why);
	}
	KR_CHECK(kr, uvm_page_sanity(kr->uvm, why, sizeof(why)) == 0, "pages",
	    "%s", why);
	KR_CHECK(kr, uao_sanity(kr->uvm->kernel_object, why, sizeof(why)) ==
	    0, "swap", "%s", why);
	KR_CHECK(kr, pmodel_pending_check(kr->pm, why, sizeof(why)) == 0,
	    "tlb", "%s", why);
	KR_CHECK(kr, pmodel_tlb_check(kr->pm, why, sizeof(why)) == 0, "tlb",
	    "%s", why);
	KR_CHECK(kr, pmodel_sanity(kr->pm, why, sizeof(why)) == 0, "pmap",
	    "%s", why);
	pmodel_foreach_mapping(kr->pm, kr_mapping_cb, kr);
}

/* ---- the end ------------------------------------------------------------ */

static inline void
kr_release_all(void *arg)
{
	struct kr *kr = arg;
	struct uvm *uvm = kr->uvm;

	uvm->test.fail_pagealloc_in = 0;
	for (struct vm_page *pg = uvm->pageq_head; pg != NULL; pg = pg->qnext)
		if (pg->flags & PG_BUSY)
			uvm_page_unbusy(uvm, pg);
	for (unsigned int i = kr->nlive; i-- > 0;) {
		struct kr_live *l = &kr->live[i];

		if (l->pool == 1)
			uvm_km_free_poolpage_cache(l->map, l->va);
		else if (l->pool == 2)
			uvm_km_free_poolpage(l->map, l->va);
	}
	for (unsigned int i = kr->nlive; i-- > 0;) {
		struct kr_live *l = &kr->live[i];

		if (l->pool == 0)
			uvm_km_free(l->map, l->va, l->size, l->flags);
	}
	kr->nlive = 0;
	for (unsigned int i = 0; i < kr->nmaps; i++)
		uvm_km_va_drain(kr->maps[i], 0);
}

/* Free what is live, check for leaks; => the exit status (0). */
static inline int
kr_finish(struct kr *kr)
{
	struct uvm *uvm = kr->uvm;
	unsigned long n;

	kr->op++;
	kr->optext = "releasing everything at the end";
	kr->waits = 0;
	kr_release(kr);
	kr_check(kr);
	kr_run(kr, kr_release_all, kr);
	kr_check(kr);
	KR_CHECK(kr, uvm->exp.free == uvm->exp.npages, "leak", "%u of %u "
	    "pages not returned (wired %u, object %u)",
	    uvm->exp.npages - uvm->exp.free, uvm->exp.npages, uvm->exp.wired,
	    uvm->exp.objpages);
	KR_CHECK(kr, uvm->exp.swpginuse == 0 && uvm->exp.swpgonly == 0,
	    "leak", "%u swap slots still in use (swpgonly %u)",
	    uvm->exp.swpginuse, uvm->exp.swpgonly);
	KR_CHECK(kr, uvm->entries_inuse == kr->base_entries + kr->nmaps - 1,
	    "leak", "%u map entries in use, expected %u", uvm->entries_inuse,
	    kr->base_entries + kr->nmaps - 1);
	KR_CHECK(kr, uvm->ph_inuse == 0, "leak", "%u pool page headers "
	    "still in use", uvm->ph_inuse);
	n = kr_count_mappings(kr, vm_map_min(uvm->kernel_map),
	    vm_map_max(uvm->kernel_map));
	KR_CHECK(kr, n == 0, "leak", "%lu mappings remain after everything "
	    "was freed", n);
	printf("repro: clean: every check passed\n");
	pmodel_host_destroy(kr->ph);
	return 0;
}

#endif /* KMFUZZ_REPRO_SUPPORT_H */
