/*
 * uvm_init.c: lay one instance out in host-supplied memory and boot it.
 *
 * Layout of the block (each part 16-byte aligned), for a config with
 * P pages, S swap slots, E map entries, M submaps and H pool headers:
 *
 *	struct uvm | vm_page[P] | page hash[pow2 >= P] | swap hash[pow2 >= S]
 *	| swap entries[S] | swap bitmap[S/64] | entries[E] | submaps[M]
 *	| pool headers[H]
 *
 * E.g. 1024 pages, 256 slots, 4096 entries, 8 submaps, 64 headers need
 * about 0.5 MiB.  Creation touches the page array and the two hashes
 * only; entries, submaps and headers are handed out by bump pointer and
 * recycled through free lists, so a big entry array costs nothing until
 * used.  This is what keeps create+destroy in microseconds.
 *
 * Locks.  The entry and submap arrays are guarded by uvm.mapent_lock,
 * the pool headers by uvm.poolhdr_lock: leaf locks, because their
 * callers hold different map (pool) locks and would otherwise race.
 * uvm_create initializes every lock of the instance before first use
 * and uvm_destroy destroys them; nothing else runs in the instance
 * while either does.
 */
#include "uvm_priv.h"

#define ALIGN16(x)	(((x) + 15) & ~(size_t)15)

struct uvm_layout {
	size_t	pages, pghash, swhash, swents, swbitmap, entries, submaps,
		poolhdrs, total;
	unsigned int npages, npghash, nswhash;
};

static unsigned int
pow2_at_least(unsigned int n)
{
	unsigned int p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

static unsigned int
config_npages(const struct uvm_config *cfg)
{
	uint64_t n = 0;
	for (unsigned int i = 0; i < cfg->nseg; i++)
		n += atop(cfg->seg[i].end - cfg->seg[i].start);
	return (unsigned int)n;
}

/* Check a config.  => 0, or -1 with the reason in why. */
static int
config_check(const struct uvm_config *cfg, char *why, size_t whylen)
{
	if (cfg->pmap == NULL)
		SANITY_FAIL("config: no pmap");
	if ((cfg->kva_min | cfg->kva_start | cfg->kva_max) & PAGE_MASK)
		SANITY_FAIL("config: kernel VA bounds not page aligned");
	if (!(cfg->kva_min <= cfg->kva_start && cfg->kva_start < cfg->kva_max))
		SANITY_FAIL("config: need kva_min <= kva_start < kva_max");
	if (cfg->nseg == 0 || cfg->nseg > UVM_MAX_PHYSSEG)
		SANITY_FAIL("config: %u physical segments (1..%d)", cfg->nseg,
		    UVM_MAX_PHYSSEG);
	for (unsigned int i = 0; i < cfg->nseg; i++) {
		const struct uvm_physseg *s = &cfg->seg[i];
		if (((s->start | s->end) & PAGE_MASK) || s->start >= s->end)
			SANITY_FAIL("config: segment %u is empty or unaligned", i);
		if (i > 0 && s->start < cfg->seg[i - 1].end)
			SANITY_FAIL("config: segments not sorted at %u", i);
	}
	if (config_npages(cfg) > (1u << 30))
		SANITY_FAIL("config: too many pages");
	if (cfg->ncolors == 0 || cfg->ncolors > UVM_MAX_COLORS ||
	    (cfg->ncolors & (cfg->ncolors - 1)) != 0)
		SANITY_FAIL("config: ncolors %u is not a power of two <= %d",
		    cfg->ncolors, UVM_MAX_COLORS);
	if (cfg->max_map_entries < 4)
		SANITY_FAIL("config: max_map_entries %u too small",
		    cfg->max_map_entries);
	return 0;
}

static void
layout(const struct uvm_config *cfg, struct uvm_layout *l)
{
	size_t off = ALIGN16(sizeof(struct uvm));

	l->npages = config_npages(cfg);
	l->npghash = pow2_at_least(l->npages);
	l->nswhash = pow2_at_least(cfg->nswap > 0 ? cfg->nswap : 1);
#define PLACE(field, bytes) do { l->field = off; off = ALIGN16(off + (bytes)); } while (0)
	PLACE(pages, (size_t)l->npages * sizeof(struct vm_page));
	PLACE(pghash, (size_t)l->npghash * sizeof(struct vm_page *));
	PLACE(swhash, (size_t)l->nswhash * sizeof(struct uao_swent *));
	PLACE(swents, (size_t)cfg->nswap * sizeof(struct uao_swent));
	PLACE(swbitmap, (size_t)((cfg->nswap + 63) / 64) * sizeof(uint64_t));
	PLACE(entries, (size_t)cfg->max_map_entries *
	    sizeof(struct vm_map_entry));
	PLACE(submaps, (size_t)cfg->max_submaps * sizeof(struct vm_map_kernel));
	PLACE(poolhdrs, (size_t)cfg->max_pool_pages *
	    sizeof(struct pool_item_header));
#undef PLACE
	l->total = off;
}

size_t
uvm_instance_size(const struct uvm_config *cfg)
{
	struct uvm_layout l;
	char why[8];

	if (config_check(cfg, why, sizeof(why)) != 0)
		return 0;
	layout(cfg, &l);
	return l.total;
}

size_t
uvm_create_footprint(const struct uvm *uvm)
{
	/*
	 * Everything up to the entry array, plus the entries boot took (the
	 * kernel image's); submaps and pool headers are not used by then.
	 */
	KASSERT(uvm->nsubmaps == 0 && uvm->ph_bump == 0);
	return (size_t)((const char *)&uvm->entry_store[uvm->entry_bump] -
	    (const char *)uvm);
}

struct uvm *
uvm_create(const struct uvm_config *cfg, void *mem, size_t memsize,
    char *why, size_t whylen)
{
	struct uvm_layout l;
	char *base = mem;

	if (config_check(cfg, why, whylen) != 0)
		return NULL;
	layout(cfg, &l);
	if (mem == NULL || ((uintptr_t)mem & 15) != 0 || memsize < l.total) {
		uvm_snprintf(why, whylen, "uvm_create: need %zu bytes of "
		    "16-byte aligned memory, got %zu at %p", l.total, memsize,
		    mem);
		return NULL;
	}

	struct uvm *uvm = (struct uvm *)(void *)base;
	uvm_memset(uvm, 0, sizeof(*uvm));
	uvm->cfg = *cfg;
	uvm->pmap = cfg->pmap;
	uvm->host = cfg->host;
	uvm->pages = (struct vm_page *)(void *)(base + l.pages);
	uvm->entry_store = (struct vm_map_entry *)(void *)(base + l.entries);
	uvm->submaps = (struct vm_map_kernel *)(void *)(base + l.submaps);
	uvm->ph_store = (struct pool_item_header *)(void *)(base + l.poolhdrs);

	uvm->exp.ncolors = cfg->ncolors;
	uvm->exp.reserve_kernel = cfg->reserve_kernel;
	uvm->exp.reserve_pagedaemon = cfg->reserve_pagedaemon;
	mutex_init(&uvm->pageqlock);
	mutex_init(&uvm->mapent_lock);
	mutex_init(&uvm->poolhdr_lock);
	uvm_page_init(uvm);
	uvm_swap_init(uvm, (uint64_t *)(void *)(base + l.swbitmap),
	    (struct uao_swent *)(void *)(base + l.swents), cfg->nswap);
	uvm->kernel_object = &uvm->kernel_object_store;
	uao_init_kernel(uvm, uvm->kernel_object, cfg->kva_max - cfg->kva_min,
	    (struct vm_page **)(void *)(base + l.pghash), l.npghash,
	    (struct uao_swent **)(void *)(base + l.swhash), l.nswhash);
	uvm_km_init(uvm, cfg->kva_start, cfg->kva_max);
	uvm->initialized = true;
	return uvm;
}

/* A kernel map's locks: its own and its KVA cache's. */
static void
destroy_map_locks(struct vm_map_kernel *vmk)
{
	if (vmk->vmk_vacache.pr_initialized)
		mutex_destroy(&vmk->vmk_vacache.pr_lock);
	mutex_destroy(&vmk->vmk_map.lock);
}

/*
 * uvm_destroy: end an instance.  Nothing is freed one by one: the
 * memory block goes back to the host whole.  => no calls into it after;
 * no other thread in it; no lock held.
 */
void
uvm_destroy(struct uvm *uvm)
{
	KASSERT(uvm->initialized);
	uvm->kernel_map->flags |= VM_MAP_DYING;
	destroy_map_locks(&uvm->kernel_map_store);
	for (unsigned int i = 0; i < uvm->nsubmaps; i++)
		destroy_map_locks(&uvm->submaps[i]);
	mutex_destroy(&uvm->kernel_object->vmobjlock);
	mutex_destroy(&uvm->pageqlock);
	mutex_destroy(&uvm->swap_data_lock);
	mutex_destroy(&uvm->mapent_lock);
	mutex_destroy(&uvm->poolhdr_lock);
	uvm->initialized = false;
}

/* ---- the fixed arrays ------------------------------------------------- */

/*
 * The entry allocator's lock.  KMFUZZ_PLANT_RACE_ENTRIES leaves it out:
 * two CPUs under two different map locks then race on the free list.
 */
static inline void
mapent_lock(struct uvm *uvm)
{
#if KMFUZZ_PLANT != KMFUZZ_PLANT_RACE_ENTRIES
	mutex_enter(&uvm->mapent_lock);
#else
	(void)uvm;
#endif
}

static inline void
mapent_unlock(struct uvm *uvm)
{
#if KMFUZZ_PLANT != KMFUZZ_PLANT_RACE_ENTRIES
	mutex_exit(&uvm->mapent_lock);
#else
	(void)uvm;
#endif
}

/* => takes mapent_lock (the caller holds some map's lock, or none). */
struct vm_map_entry *
uvm_mapent_alloc(struct uvm *uvm)
{
	struct vm_map_entry *e;

	mapent_lock(uvm);
	e = uvm->entry_free;
	if (e != NULL) {
		uvm->entry_free = e->next;
	} else if (uvm->entry_bump < uvm->cfg.max_map_entries) {
		e = &uvm->entry_store[uvm->entry_bump++];
	} else {
		mapent_unlock(uvm);
		return NULL;
	}
	uvm->entries_inuse++;
	mapent_unlock(uvm);
	e->flags = UVM_MAP_ALLOCATED;
	return e;
}

/* => e came from uvm_mapent_alloc and is out of every map. */
void
uvm_mapent_free(struct uvm *uvm, struct vm_map_entry *e)
{
	KASSERTMSG(e->flags & UVM_MAP_ALLOCATED,
	    "uvm_mapent_free: entry %p freed twice", (void *)e);
	e->flags = 0;
	e->left = e->right = e->parent = e->prev = NULL;

	mapent_lock(uvm);
	e->next = uvm->entry_free;
	uvm->entry_free = e;
	uvm->entries_inuse--;
	mapent_unlock(uvm);
}

/* => takes mapent_lock; the submap is the caller's until it is set up. */
struct vm_map_kernel *
uvm_submap_alloc(struct uvm *uvm)
{
	struct vm_map_kernel *vmk = NULL;

	mutex_enter(&uvm->mapent_lock);
	if (uvm->nsubmaps < uvm->cfg.max_submaps)
		vmk = &uvm->submaps[uvm->nsubmaps++];
	mutex_exit(&uvm->mapent_lock);
	return vmk;
}

/* => takes poolhdr_lock (the caller holds a pool's lock, or none). */
struct pool_item_header *
uvm_poolhdr_alloc(struct uvm *uvm)
{
	struct pool_item_header *ph;

	mutex_enter(&uvm->poolhdr_lock);
	ph = uvm->ph_free;
	if (ph != NULL) {
		uvm->ph_free = ph->ph_next;
	} else if (uvm->ph_bump < uvm->cfg.max_pool_pages) {
		ph = &uvm->ph_store[uvm->ph_bump++];
	} else {
		mutex_exit(&uvm->poolhdr_lock);
		return NULL;
	}
	uvm->ph_inuse++;
	mutex_exit(&uvm->poolhdr_lock);
	uvm_memset(ph, 0, sizeof(*ph));
	return ph;
}

/* => ph is on no pool's list; takes poolhdr_lock. */
void
uvm_poolhdr_free(struct uvm *uvm, struct pool_item_header *ph)
{
	mutex_enter(&uvm->poolhdr_lock);
	ph->ph_next = uvm->ph_free;
	uvm->ph_free = ph;
	uvm->ph_inuse--;
	mutex_exit(&uvm->poolhdr_lock);
}
