/*
 * uvm_priv.h: entry points shared between core files and nobody else
 * (the boot sequence in uvm_init.c calls them in this order).
 */
#ifndef KMFUZZ_UVM_PRIV_H
#define KMFUZZ_UVM_PRIV_H

#include "uvm/uvm.h"

void	uvm_page_init(struct uvm *uvm);
void	uao_init_kernel(struct uvm *uvm, struct uvm_object *uobj,
	    voff_t size, struct vm_page **pghash, unsigned int npghash,
	    struct uao_swent **swhash, unsigned int nswhash);
void	uvm_swap_init(struct uvm *uvm, uint64_t *bitmap,
	    struct uao_swent *swents, unsigned int nswap);

/*
 * uvm_sleep: sleep on `chan' (uvm_platform.h).
 * => holds none of the object, page queue and swap locks.  A map lock
 *    may be held: it stands in for NetBSD's sleepable map lock (an unmap
 *    waits for a busy page with it); the caller never holds the lock of
 *    the map it waits on.
 */
static inline void
uvm_sleep(struct uvm *uvm, enum uvm_wait_reason why, const void *chan,
    const char *wmesg)
{
	KASSERTMSG(!mutex_owned(&uvm->kernel_object->vmobjlock) &&
	    !mutex_owned(&uvm->pageqlock) && !mutex_owned(&uvm->swap_data_lock),
	    "%s: about to sleep holding a core lock", wmesg);
	uvm_platform_wait(uvm, why, chan, wmesg);
}

/*
 * uao_lookup: uvm_pagelookup without any lock check, for the checkers
 * (quiescent) and for callers that asserted the object lock themselves.
 */
struct vm_page *uao_lookup(const struct uvm_object *uobj, voff_t off);

/* Free swap slots (uvm_aobj.c).  => takes swap_data_lock. */
unsigned int	uvm_swap_nfree(struct uvm *uvm);

/*
 * Deliberate bugs, compiled in with -DKMFUZZ_PLANT=N (meson option
 * `plant'), to show that the checker named for each finds it.  Never in
 * a normal build.
 */
#define KMFUZZ_PLANT_NONE	0
#define KMFUZZ_PLANT_LEAK	1	/* wired free forgets its last page */
#define KMFUZZ_PLANT_OVERLAP	2	/* wired alloc reserves a page short */
#define KMFUZZ_PLANT_NOUPDATE	3	/* cached pool-page free skips update */
#define KMFUZZ_PLANT_FIT	4	/* a run that fits exactly is "too small" */
#define KMFUZZ_PLANT_RESERVE	5	/* kernel reserve off by one page */
#define KMFUZZ_PLANT_GAPUP	6	/* a widened gap is not put in the index */
#define KMFUZZ_PLANT_UB		7	/* a silent signed shift overflow */
#define KMFUZZ_PLANT_IDLEZERO	8	/* idle zeroing skips every other page */
#define KMFUZZ_PLANT_MERGE	9	/* a back merge forgets the gap it took */
#define KMFUZZ_PLANT_CLIP	10	/* a clip keeps the object offset */
/* Data races, each reported by ThreadSanitizer in props/stress_tsan.c. */
#define KMFUZZ_PLANT_RACE_POOL	11	/* pool_put drops its lock too early */
#define KMFUZZ_PLANT_RACE_ENTRIES 12	/* map-entry allocator unlocked */
/* Races of logic, found by fuzz_smp's schedules (harness/smp.c). */
#define KMFUZZ_PLANT_RACE_VA_SHOOTDOWN 13 /* a cached pool page's VA goes
					    back before its shootdown */
#define KMFUZZ_PLANT_RACE_STALE_FAULT 14 /* a fault trusts its map entry
					    after sleeping */
#define KMFUZZ_PLANT_FAULT_VAONLY 15	/* a fault fills VA-only memory */
#define KMFUZZ_PLANT_LOST_WAKEUP 16	/* a sleeper on a busy page never
					   says it waits (PG_WANTED) */
#define KMFUZZ_PLANT_WIRED_GIVEUP 17	/* a wired allocation that may
					   sleep for pages gives up */
#define KMFUZZ_PLANT_IDLEZERO_COUNT 18	/* idle zeroing reports the pages
					   asked for, not those zeroed */
#define KMFUZZ_PLANT_POOL_RESERVE 19	/* a waitok cached pool page takes
					   the kernel reserve */
#define KMFUZZ_PLANT_HINT	20	/* a search ignores the caller's hint */
#define KMFUZZ_PLANT_ZEROQUEUE	21	/* a ZERO page allocation takes a page
					   of unknown contents first */
#define KMFUZZ_PLANT_LOCKORDER	22	/* the page-queue lock taken inside
					   the swap lock */
#define KMFUZZ_PLANT_ZEROCOUNT	23	/* a pre-zeroed page counted as a
					   zero miss */
#define KMFUZZ_PLANT_RECLAIMCOUNT 24	/* pool_reclaim returns one page
					   fewer than it gave back */
#ifndef KMFUZZ_PLANT
#define KMFUZZ_PLANT		KMFUZZ_PLANT_NONE
#endif

#define SANITY_FAIL(...) do {						\
	uvm_snprintf(why, whylen, __VA_ARGS__);				\
	return -1;							\
} while (0)

#endif /* KMFUZZ_UVM_PRIV_H */
