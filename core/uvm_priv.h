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
#define KMFUZZ_PLANT_GAPUP	6	/* a gap change is not carried up */
#define KMFUZZ_PLANT_UB		7	/* a silent signed shift overflow */
#define KMFUZZ_PLANT_IDLEZERO	8	/* idle zeroing skips every other page */
#define KMFUZZ_PLANT_MERGE	9	/* a back merge forgets the gap it took */
#define KMFUZZ_PLANT_CLIP	10	/* a clip keeps the object offset */
#ifndef KMFUZZ_PLANT
#define KMFUZZ_PLANT		KMFUZZ_PLANT_NONE
#endif

#define SANITY_FAIL(...) do {						\
	uvm_snprintf(why, whylen, __VA_ARGS__);				\
	return -1;							\
} while (0)

#endif /* KMFUZZ_UVM_PRIV_H */
