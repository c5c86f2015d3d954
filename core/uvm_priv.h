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

#define SANITY_FAIL(...) do {						\
	uvm_snprintf(why, whylen, __VA_ARGS__);				\
	return -1;							\
} while (0)

#endif /* KMFUZZ_UVM_PRIV_H */
