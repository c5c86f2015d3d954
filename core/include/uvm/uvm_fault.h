/*
 * uvm_fault.h: the minimum fault-in and pageout that pageable kernel
 * memory needs, so that data can be checked across a trip to swap.
 */
#ifndef KMFUZZ_UVM_FAULT_H
#define KMFUZZ_UVM_FAULT_H

#include "uvm_param.h"

struct uvm;
struct vm_map;

/*
 * uvm_fault: make `va' in `map' accessible for `access'.
 * => va lies in a PAGEABLE (kernel object) entry of map or a submap.
 * => may wait for pages (uvm_wait) unless `nowait'.
 * => returns 0, EFAULT (no entry / no object / protection), ENOMEM.
 */
int	uvm_fault(struct vm_map *map, vaddr_t va, vm_prot_t access,
	    bool nowait);

/*
 * uvm_pageout: push up to `npages' resident, unbusy kernel-object pages
 * (oldest first) to swap; their mappings are removed.
 * => returns the number of pages freed.
 */
unsigned int	uvm_pageout(struct uvm *uvm, unsigned int npages);

#endif /* KMFUZZ_UVM_FAULT_H */
