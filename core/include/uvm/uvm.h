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
	struct pmap	*pmap;		/* this instance's kernel pmap */
	void		*host;		/* opaque to the core */
};

/* Fault injection and deliberate bugs, driven by the harness. */
struct uvm_testhooks {
	unsigned long	fail_pagealloc_in;	/* 0 off; n: n-th from now fails */
	unsigned long	pagealloc_calls;	/* for fail-nth sweeps */
};

struct uvm {
	struct uvm_config	cfg;
	struct pmap		*pmap;
	void			*host;
	struct uvmexp		exp;
	struct uvm_testhooks	test;

	/* kernel map and kernel object */
	struct vm_map		*kernel_map;
	struct vm_map_kernel	kernel_map_store;
	struct uvm_object	*kernel_object;
	struct uvm_object	kernel_object_store;

	/* physical pages */
	struct vm_page		*pages;		/* npages, by address */
	struct pgflist		freelist[UVM_MAX_COLORS];
	unsigned int		nextcolor;	/* round-robin start */
	struct vm_page		*pageq_head, *pageq_tail; /* PQ_ACTIVE, LRU */
	unsigned int		pageq_count;
	kmutex_t		pageqlock;

	/* swap device: slot bitmap, 1 bit per slot, bit set = in use */
	uint64_t		*swap_bitmap;
	unsigned int		swap_hint;
	struct uao_swent	*swent_free;
	kmutex_t		swap_data_lock;

	/* fixed arrays that stand in for kmem/malloc */
	struct vm_map_entry	*entry_store;	/* max_map_entries */
	struct vm_map_entry	*entry_free;	/* recycled, via ->next */
	unsigned int		entry_bump;	/* never handed out beyond */
	unsigned int		entries_inuse;
	struct vm_map_kernel	*submaps;	/* max_submaps, bump only */
	unsigned int		nsubmaps;
	struct pool_item_header	*ph_store;	/* max_pool_pages */
	struct pool_item_header	*ph_free;
	unsigned int		ph_bump;
	unsigned int		ph_inuse;

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

/* Allocators for the fixed arrays (the map and pool layers use them). */
struct vm_map_entry	*uvm_mapent_alloc(struct uvm *uvm);
void			uvm_mapent_free(struct uvm *uvm,
			    struct vm_map_entry *e);
struct vm_map_kernel	*uvm_submap_alloc(struct uvm *uvm);
struct pool_item_header	*uvm_poolhdr_alloc(struct uvm *uvm);
void			uvm_poolhdr_free(struct uvm *uvm,
			    struct pool_item_header *ph);

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
__attribute__((format(printf, 2, 3)))
void	uvm_printf(struct uvm *uvm, const char *fmt, ...);

/* Freestanding memory helpers (the compiler may call memset/memcpy too). */
void	*uvm_memset(void *dst, int c, size_t n);
void	*uvm_memcpy(void *dst, const void *src, size_t n);

#endif /* KMFUZZ_UVM_H */
