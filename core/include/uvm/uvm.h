/*
 * uvm.h: one kmfuzz kernel instance and everything hanging off it.
 *
 * NetBSD keeps this state in globals (kernel_map, uvm_kernel_object,
 * uvmexp, the page queues).  Here it is one struct uvm, laid out in a
 * single block of memory the host supplies, so that an instance is
 * created and destroyed in microseconds and two never share anything.
 *
 *	uvm_instance_size(&cfg)  -> bytes the host must provide
 *	uvm_create(&cfg, mem, n) -> the instance, uvm_km_init already run
 *	uvm_destroy(uvm)         -> tears down; mem may then be reused
 *
 * Locking.  Every shared structure is under one lock, named with it
 * below, and locks are taken in ONE order, outermost first:
 *
 *	1. vm_map.lock		a map (never two maps at once: a fault
 *				drops the parent's before taking a submap's)
 *	2. pool.pr_lock		a KVA cache (dropped around its back end)
 *	3. uvm_object.vmobjlock	the kernel object
 *	4. uvm.pageqlock	free lists, page queue, page counters
 *	5. uvm.swap_data_lock	swap slots, swpginuse, swpgonly
 *	6. uvm.mapent_lock	entry store, submap array     } leaves:
 *	7. uvm.poolhdr_lock	pool-header array             } never nested
 *
 * A thread holding lock n takes only locks above n (a larger number);
 * the host's own locks (pmap, sleep queues) come after all of these.
 * Nobody sleeps holding a core lock: uvm_platform_wait is called with
 * none held (see uvm_platform.h for sleep and wakeup).  Lock rules in
 * contracts ("=> map locked") are KASSERT(mutex_owned(...)) at entry.
 * The sanity checkers and a few inspection calls take no lock and say
 * so: they run at quiescent points (no other thread in the core).
 */
#ifndef KMFUZZ_UVM_H
#define KMFUZZ_UVM_H

#include "uvm_param.h"
#include "uvm_platform.h"
#include "uvm_pmap.h"
#include "uvm_pool.h"
#include "uvm_map.h"
#include "uvm_page.h"
#include "uvm_aobj.h"
#include "uvm_fault.h"
#include "uvm_km.h"

#define UVM_MAX_PHYSSEG	8
#define UVM_MAX_COLORS	16

struct uvm_physseg {
	paddr_t	start, end;		/* [start, end), page aligned */
};

struct uvm_config {
	vaddr_t		kva_min;	/* VM_MIN_KERNEL_ADDRESS */
	vaddr_t		kva_start;	/* [kva_min, kva_start) is in use */
	vaddr_t		kva_max;	/* VM_MAX_KERNEL_ADDRESS */
	struct uvm_physseg seg[UVM_MAX_PHYSSEG];
	unsigned int	nseg;
	unsigned int	ncolors;	/* power of two, <= UVM_MAX_COLORS */
	unsigned int	reserve_pagedaemon;
	unsigned int	reserve_kernel;	/* free pages only USERESERVE gets */
	unsigned int	nswap;		/* swap slots */
	unsigned int	max_map_entries;
	unsigned int	max_submaps;
	unsigned int	max_pool_pages;	/* pool page headers */
	bool		poolpage_direct_map;	/* PMAP_MAP_POOLPAGE variant */
	/*
	 * uvm_km_free_poolpage_cache without its pmap_update, as NetBSD
	 * compiles it without DEBUG: the VA goes back to the KVA cache
	 * while another CPU may still hold a stale translation of the
	 * freed page.  false (the zero default): update first, as NetBSD
	 * with DEBUG.  (Named for its non-default value because every
	 * host zero-fills its config.)
	 */
	bool		poolpage_free_noupdate;
	struct pmap	*pmap;		/* this instance's kernel pmap */
	void		*host;		/* opaque to the core */
};

/*
 * Fault injection, driven by the harness; under uvm.pageqlock (a
 * single-threaded harness may write it directly between calls; threads
 * use uvm_test_fail_pagealloc).
 */
struct uvm_testhooks {
	unsigned long	fail_pagealloc_in;	/* 0 off; n: n-th from now fails */
	unsigned long	pagealloc_calls;	/* for fail-nth sweeps */
};

/*
 * The instance.  [c] constant after uvm_create; otherwise the lock in
 * brackets guards the field.  uvmexp: see uvm_page.h for each counter's.
 */
struct uvm {
	struct uvm_config	cfg;		/* [c] */
	struct pmap		*pmap;		/* [c] */
	void			*host;		/* [c] */
	struct uvmexp		exp;
	struct uvm_testhooks	test;		/* [pageqlock] */

	/* kernel map and kernel object (each with its own lock) */
	struct vm_map		*kernel_map;	/* [c] */
	struct vm_map_kernel	kernel_map_store;
	struct uvm_object	*kernel_object;	/* [c] */
	struct uvm_object	kernel_object_store;

	/*
	 * physical pages [pageqlock]; the page queue holds kernel-object
	 * pages only, so it changes only with the object locked too, and
	 * either lock lets a thread read it (pageout walks it so)
	 */
	struct vm_page		*pages;		/* [c] npages, by address */
	struct pgflist		freelist[UVM_MAX_COLORS];
	unsigned int		nextcolor;	/* round-robin start */
	struct vm_page		*pageq_head, *pageq_tail; /* PQ_ACTIVE, LRU */
	unsigned int		pageq_count;
	bool			pages_wanted;	/* uvm_wait sleeps on exp.free */
	kmutex_t		pageqlock;

	/* swap device: slot bitmap, 1 bit per slot, bit set = in use */
	uint64_t		*swap_bitmap;	/* [swap_data_lock] */
	unsigned int		swap_hint;	/* [swap_data_lock] */
	struct uao_swent	*swent_free;	/* [kernel object's lock] */
	kmutex_t		swap_data_lock;

	/*
	 * fixed arrays that stand in for kmem/malloc [mapent_lock]: map
	 * entries and B-tree nodes share one store of 64-byte units, handed
	 * out by one bump pointer (so a fresh instance's used part is one
	 * prefix, see uvm_create_footprint); a node takes UVM_NODE_UNITS
	 */
	struct vm_map_entry	*entry_store;	/* [c] entry_units units */
	unsigned int		entry_units;	/* [c] */
	struct vm_map_entry	*entry_free;	/* recycled, via ->next */
	struct vm_map_node	*node_free;	/* recycled, via ->parent */
	unsigned int		entry_bump;	/* units never handed out beyond */
	unsigned int		entries_made;	/* entries ever carved, <= max */
	unsigned int		entries_inuse;
	unsigned int		nodes_inuse;
	struct vm_map_kernel	*submaps;	/* [c] max_submaps, bump only */
	unsigned int		nsubmaps;
	kmutex_t		mapent_lock;
	/* [poolhdr_lock] */
	struct pool_item_header	*ph_store;	/* [c] max_pool_pages */
	struct pool_item_header	*ph_free;
	unsigned int		ph_bump;
	unsigned int		ph_inuse;
	kmutex_t		poolhdr_lock;

	bool			initialized;
};

/* Bytes of memory uvm_create needs for `cfg' (0 if cfg is invalid). */
size_t		uvm_instance_size(const struct uvm_config *cfg);

/*
 * uvm_create: lay an instance out in `mem' and boot it: pages loaded,
 * kernel object made, uvm_km_init(kva_start, kva_max) run.
 * => mem is 16-byte aligned and memsize >= uvm_instance_size(cfg).
 * => returns the instance, or NULL if cfg is invalid (why says what).
 */
struct uvm	*uvm_create(const struct uvm_config *cfg, void *mem,
		    size_t memsize, char *why, size_t whylen);
void		uvm_destroy(struct uvm *uvm);

/*
 * uvm_create_footprint: called right after uvm_create, the number of
 * bytes at the start of the block that it wrote (the rest is handed out
 * later, by bump pointer).  A host may save those bytes then and copy
 * them back over the same block to get the freshly created instance
 * again without running uvm_create: the fuzzers' per-input reset.
 */
size_t		uvm_create_footprint(const struct uvm *uvm);

/*
 * Allocators for the fixed arrays (the map and pool layers use them).
 * Each takes its own leaf lock (mapent_lock, poolhdr_lock): callers hold
 * different map and pool locks, so only that lock orders them.
 * => caller does not hold the allocator's lock.  NULL when full.
 */
struct vm_map_entry	*uvm_mapent_alloc(struct uvm *uvm);
void			uvm_mapent_free(struct uvm *uvm,
			    struct vm_map_entry *e);
struct vm_map_node	*uvm_mapnode_alloc(struct uvm *uvm);
void			uvm_mapnode_free(struct uvm *uvm,
			    struct vm_map_node *nd);
struct vm_map_kernel	*uvm_submap_alloc(struct uvm *uvm);
struct pool_item_header	*uvm_poolhdr_alloc(struct uvm *uvm);
void			uvm_poolhdr_free(struct uvm *uvm,
			    struct pool_item_header *ph);

/*
 * uvm_test_fail_pagealloc: make the n-th page allocation from now fail
 * (0: off), under the page queue lock, as a thread must.
 * => returns the previous countdown.
 */
unsigned long		uvm_test_fail_pagealloc(struct uvm *uvm,
			    unsigned long n);

/*
 * Assertions.  KASSERT is always compiled in (test and fuzz builds are
 * the only builds).  KASSERTMSG carries a formatted message naming the
 * call and the values that failed.  KDASSERT guards whole-structure
 * walks and is on when UVM_DEBUG >= 2.
 */
__attribute__((noreturn, format(printf, 4, 5)))
void	uvm_kassert_fail(const char *expr, const char *file, int line,
	    const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2)))
void	panic(const char *fmt, ...);

#ifdef UVM_COVERAGE
/*
 * Coverage builds (scripts/coverage): an assertion's failing side is not
 * behaviour, so the test moves into a function and KASSERT adds no
 * branch of its own to the code under test (SQLite's ALWAYS/NEVER idea).
 * The condition is still evaluated and still panics the same way.
 */
__attribute__((format(printf, 5, 6)))
void	uvm_kassert_check(bool ok, const char *expr, const char *file,
	    int line, const char *fmt, ...);
#define KASSERTMSG(e, ...)						\
	uvm_kassert_check(!!(e), #e, __FILE__, __LINE__,		\
	    __VA_ARGS__)
#else
#define KASSERTMSG(e, ...) do {						\
	if (__predict_false(!(e)))					\
		uvm_kassert_fail(#e, __FILE__, __LINE__, __VA_ARGS__);	\
} while (0)
#endif
#define KASSERT(e)	KASSERTMSG(e, "%s", "")
#ifndef UVM_DEBUG
#define UVM_DEBUG	1
#endif
#if UVM_DEBUG >= 2
#define KDASSERT(e)	KASSERT(e)
#else
#define KDASSERT(e)	do { } while (0)
#endif


/*
 * The sanity checkers are not behaviour of the allocator: a fuzzer that
 * counts their loop edges as coverage chases walk lengths, not code
 * paths.  UVM_SANITY marks them so that coverage instrumentation skips
 * them (clang >= 13; other compilers instrument them as usual).
 */
#if defined(__clang__) && __clang_major__ >= 13
#define UVM_SANITY	__attribute__((no_sanitize("coverage")))
#else
#define UVM_SANITY
#endif

/*
 * Defensive branches that valid use never takes; coverage tools may
 * exclude them (SQLite's NEVER()).
 */
#define NEVER(e)	__predict_false(e)

/* Formatting, freestanding: %d %u %x %lx %llx %zu %zx %p %s %c %%. */
int	uvm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int	uvm_snprintf(char *buf, size_t size, const char *fmt, ...);

/* Freestanding memory helpers (the compiler may call memset/memcpy too). */
void	*uvm_memset(void *dst, int c, size_t n);

#endif /* KMFUZZ_UVM_H */
