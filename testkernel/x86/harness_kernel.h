/*
 * harness_kernel.h: struct harness_host on the bare-metal kernel, where
 * the page tables are the CPU's and the MMU is the oracle.
 *
 *	struct harness_config cfg = { .set = &km_opset_km, .checkers = true };
 *	struct harness *h = harness_kernel_get(&cfg);	// once per group
 *	int r = harness_run_bytes(h, data, len, &finding);	// per program
 *
 * There is one kernel host per boot: the first harness_kernel_get steals
 * its memory (the struct harness, the instance block, the managed pages)
 * and every later reset reuses it.  Each instance runs in its own kpmap
 * window, torn down and rebuilt (empty) on every reset:
 *
 *	HK_KVA_LO = KPMAP_KVA_BASE + 256 MiB	kva_min
 *	HK_KVA_LO + 16 pages			kva_start (the "boot" entry)
 *	HK_KVA_LO + 64 MiB			kva_max
 *
 * The instance has the shape the program asks for (harness/shape.c:
 * segments, colours, reserves, swap slots, map entries), laid out as
 * the pmap model lays it out (adapter/harness_host.c), with 1024
 * managed pages, 8 submaps and 256 pool headers; swap slots are capped
 * by the platform swap device (swap_pages=, default 1024).  Shapes that
 * move kernel VA (top of the address space, a small map) are the
 * model's alone: this host has one window.
 */
#ifndef KT_HARNESS_KERNEL_H
#define KT_HARNESS_KERNEL_H

#include "harness.h"
#include "kpmap.h"

#define HK_NPAGES		1024
#define HK_KVA_LO		(KPMAP_KVA_BASE + (256ull << 20))
#define HK_KVA_SIZE		(64ull << 20)
#define HK_KVA_BOOT		(16 * PAGE_SIZE)
#define HK_SUBMAPS		8
#define HK_POOLPAGES		256

/* What the host did, for the summary line. */
struct hk_stats {
	unsigned long	resets;
	unsigned long	mmu_checks;	/* mmu_check calls */
	unsigned long	pages_probed;	/* pages the MMU was asked about */
	unsigned long	faults_taken;	/* probes that faulted, as expected */
	unsigned long	caught;		/* panics/would-blocks/exceptions */
	unsigned long	log_overflows;	/* whole-window probes */
	uint64_t	mmu_ticks;	/* TSC spent in mmu_check and access */
	uint64_t	reset_ticks;	/* TSC spent in reset */
};

/*
 * harness_kernel_get: the kernel's harness, harness_init'ed with `cfg'.
 * => the first call steals memory (kpanic if there is too little) and
 *    installs the platform hooks: core panics, would-blocks (waits the
 *    harness cannot satisfy, mutex_enter on a lock held elsewhere) and
 *    unexpected CPU exceptions inside host->call become HCALL_PANIC or
 *    HCALL_WOULDBLOCK; outside a call they end the kernel as before.
 */
struct harness	*harness_kernel_get(const struct harness_config *cfg);
/* => can this host build an instance of `shape' (else reset refuses)? */
bool		harness_kernel_builds(unsigned int shape);
const struct hk_stats *harness_kernel_stats(void);

#endif /* KT_HARNESS_KERNEL_H */
