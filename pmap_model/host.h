/*
 * host.h: one call that builds a whole userspace kmfuzz kernel: the
 * simulated arena, its pmap, the swap device and the instance memory,
 * then uvm_create().  Tests, benchmarks and fuzzers use it; a fuzzer
 * creates one host per process and calls pmodel_host_reset per input
 * (reuses every allocation; see the throughput table in toolchain.md).
 *
 * Physical layout for npages=1000, nseg=2, pt_pages=35:
 *	frames 0..34		PT pool (the pmap's; not the core's)
 *	frames 35..534		segment 0: pa [0x23000, 0x217000)
 *	frame  535		hole (never managed)
 *	frames 536..1035	segment 1: pa [0x218000, 0x40c000)
 *
 * Two hosts never share state; uvm->host points to the struct below.
 */
#ifndef KMFUZZ_HOST_H
#define KMFUZZ_HOST_H

#include <uvm/uvm.h>
#include "pmodel.h"
#include "host_platform.h"

/* Defaults for the zero-valued fields of pmodel_params. */
#define PMODEL_DEF_NPAGES	1024
#define PMODEL_DEF_KVA_MIN	((vaddr_t)0xffffffff80000000ULL)
#define PMODEL_DEF_KVA_BOOT	(16 * PAGE_SIZE)	/* kva_start - kva_min */
#define PMODEL_DEF_KVA_SIZE	((vsize_t)64 << 20)	/* kva_max - kva_min */
#define PMODEL_DEF_NSWAP	256
#define PMODEL_DEF_MAPENTRIES	1024
#define PMODEL_DEF_SUBMAPS	8
#define PMODEL_DEF_POOLPAGES	256
#define PMODEL_DEF_WAIT_LIMIT	100000

/*
 * Zero means "default" for every field except the reserves, the bools
 * and fill_zero, which are taken as given.
 */
struct pmodel_params {
	unsigned int	npages;		/* managed pages, all segments */
	unsigned int	nseg;		/* segments (1..UVM_MAX_PHYSSEG) */
	unsigned int	pt_pages;	/* 0: pmodel_pt_pages_for(kva) */
	unsigned int	ncolors;	/* 0: 1 */
	unsigned int	nswap;
	unsigned int	max_map_entries, max_submaps, max_pool_pages;
	vaddr_t		kva_min, kva_start, kva_max;
	bool		poolpage_direct_map;
	unsigned int	reserve_pagedaemon, reserve_kernel;
	unsigned int	tlb_entries;	/* 0: PMODEL_TLB_DEFAULT */
	unsigned int	ncpus;		/* virtual CPUs (TLBs); 0: 1 */
	vaddr_t		dmap_base;	/* 0: PMODEL_DMAP_BASE */
	bool		fill_zero;	/* fresh frames read 0, not 0xa5 */
};

/*
 * The wait callback: make the wait satisfiable (run the pagedaemon,
 * finish a busy page, release a lock) and return, or throw a would-block
 * with pmodel_wouldblockf.  The core retries after it returns.
 */
typedef void	(*pmodel_wait_fn)(void *arg, struct uvm *uvm,
		    enum uvm_wait_reason why, const void *what,
		    const char *wmesg);

#define PMODEL_WAKE_BUCKETS	64

struct pmodel_host {
	struct pmodel_params	params;		/* defaults resolved */
	struct uvm_config	cfg;
	struct pmap		*pmap;
	struct uvm		*uvm;		/* NULL between destroy/create */
	void			*uvm_mem;
	size_t			uvm_memsize;
	/* a freshly created instance, for reset by copy (see host.c) */
	void			*snap;
	size_t			snap_size;
	struct uvm_config	snap_cfg;

	/* in-memory swap device: slots 1..nswap */
	unsigned char		*swap;
	uint64_t		*swap_written;	/* bit per slot */
	unsigned int		nswap;
	unsigned long		nswapin, nswapout;

	/* waits */
	pmodel_wait_fn		wait_fn;
	void			*wait_arg;
	unsigned long		nwaits;		/* since create/reset/set */
	unsigned long		wait_limit;	/* 0: unlimited */
	/* wakeups per channel hash (pmodel_host_wakeups), since reset */
	_Atomic unsigned long	wakeups[PMODEL_WAKE_BUCKETS];
};

/* => NULL if p is invalid or uvm_create fails (reason on stderr). */
struct pmodel_host	*pmodel_host_create(const struct pmodel_params *p);
/*
 * pmodel_host_reset: destroy and re-create the instance in place.
 * => safe after a caught panic; the wait callback stays installed.
 * => returns 0, or -1 if uvm_create failed (reason on stderr).
 */
int			pmodel_host_reset(struct pmodel_host *h);
void			pmodel_host_destroy(struct pmodel_host *h);

struct uvm		*pmodel_host_uvm(struct pmodel_host *h);
struct pmap		*pmodel_host_pmap(struct pmodel_host *h);
void			pmodel_host_set_wait(struct pmodel_host *h,
			    pmodel_wait_fn fn, void *arg);
/*
 * Waits allowed from now (nwaits is zeroed) before a would-block "wait
 * loop"; 0: unlimited.  Create/reset set PMODEL_DEF_WAIT_LIMIT.
 */
void			pmodel_host_set_wait_limit(struct pmodel_host *h,
			    unsigned long limit);
/*
 * Wakeups the instance issued on `chan' since it was created or reset:
 * a caller takes the count, lets something happen, and compares.
 * Channels share PMODEL_WAKE_BUCKETS counters, so a count may include
 * another channel's wakeups (a lost wakeup can hide, none is invented).
 */
unsigned long		pmodel_host_wakeups(struct pmodel_host *h,
			    const void *chan);
/* Pages read from and written to the swap device since create/reset. */
void			pmodel_host_swap_io(struct pmodel_host *h,
			    unsigned long *reads, unsigned long *writes);

#endif /* KMFUZZ_HOST_H */
