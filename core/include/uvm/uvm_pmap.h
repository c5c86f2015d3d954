/*
 * uvm_pmap.h: the machine-independent pmap interface the core calls.
 *
 * Implemented by the host: pmap_model/ keeps x86-64 page tables over a
 * simulated physical arena, testkernel/ edits the live page tables.  The
 * names and meanings are NetBSD's pmap(9); each call takes the pmap
 * explicitly because every kmfuzz instance has its own kernel pmap.
 *
 * Contract highlights (pmap(9)):
 *  - pmap_kenter_pa/pmap_kremove manage unmanaged wired kernel mappings;
 *    no reverse map is kept for them.
 *  - pmap_enter/pmap_remove manage pageable (managed) mappings.
 *  - a removal or a protection drop may stay cached in the TLB until
 *    pmap_update(); an addition is visible at once.
 *  - pmap_extract answers from the page tables, never from the TLB.
 */
#ifndef KMFUZZ_UVM_PMAP_H
#define KMFUZZ_UVM_PMAP_H

#include "uvm_param.h"

struct pmap;

void	pmap_kenter_pa(struct pmap *pm, vaddr_t va, paddr_t pa,
	    vm_prot_t prot, unsigned int flags);
void	pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t size);
/* => returns 0, or ENOMEM with PMAP_CANFAIL if a page-table page is short */
int	pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot,
	    unsigned int flags);
void	pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva);
bool	pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap);
void	pmap_update(struct pmap *pm);

/* Page contents, reached through the host's direct map. */
void	pmap_zero_page(struct pmap *pm, paddr_t pa);
void	pmap_copy_page(struct pmap *pm, paddr_t src, paddr_t dst);

/*
 * Direct-mapped pool pages (NetBSD's PMAP_MAP_POOLPAGE): turn a physical
 * page into a kernel VA without touching the kernel map, and back.
 */
vaddr_t	pmap_map_poolpage(struct pmap *pm, paddr_t pa);
paddr_t	pmap_unmap_poolpage(struct pmap *pm, vaddr_t va);

/*
 * Page-state hooks for the checkers: a host with ASan poisons a frame when
 * the core frees it and unpoisons it when the core hands it out.
 */
void	pmap_page_freed(struct pmap *pm, paddr_t pa);
void	pmap_page_allocated(struct pmap *pm, paddr_t pa);

#endif /* KMFUZZ_UVM_PMAP_H */
