/*
 * uvm_aobj.h: the kernel object (resident pages by offset, swap slots by
 * page index) and the in-memory swap device's slot allocator.
 *
 * Unlike NetBSD there is one anonymous object per instance, the kernel
 * object, sized to the whole kernel VA: offset = va - vm_map_min(kernel_map).
 * Resident pages sit in an open hash keyed by offset; swap slots in a
 * second hash keyed by page index, with entries from a fixed array sized
 * to the swap device, so the object never allocates.
 */
#ifndef KMFUZZ_UVM_AOBJ_H
#define KMFUZZ_UVM_AOBJ_H

#include "uvm_param.h"
#include "uvm_platform.h"

struct uvm;
struct vm_page;

struct uao_swent {
	struct uao_swent	*next;		/* hash chain or free list */
	uint64_t		pageidx;
	int			slot;
};

/* [c] constant after create; [o] under vmobjlock. */
struct uvm_object {
	struct uvm		*uvm;		/* [c] */
	kmutex_t		vmobjlock;
	voff_t			size;		/* [c] bytes */
	struct vm_page		**pghash;	/* [o] resident pages */
	unsigned int		pghashmask;	/* [c] */
	unsigned int		uo_npages;	/* [o] resident */
	struct uao_swent	**swhash;	/* [o] pageidx -> slot */
	unsigned int		swhashmask;	/* [c] */
	unsigned int		uo_nswslots;	/* [o] slots held */
};

/*
 * uvm_pagelookup: the resident page at `off', or NULL.
 * => uobj locked by the caller; or not held by the caller at all, and
 *    then the lookup takes the lock itself (the harness's inspection:
 *    the answer may be stale as soon as it returns).
 */
struct vm_page	*uvm_pagelookup(struct uvm_object *uobj, voff_t off);
/*
 * => uobj locked by the caller (uvm_pagealloc/uvm_pagefree: with the
 *    page queue lock too), or not held at all: then taken here (tests
 *    that build a state by hand).
 */
void		uvm_pageinsert(struct uvm_object *uobj, struct vm_page *pg);
void		uvm_pageremove(struct uvm_object *uobj, struct vm_page *pg);

/*
 * uao_find_swslot: the swap slot of page `pageidx', 0 if none.
 * => locking as for uvm_pagelookup.
 */
int		uao_find_swslot(struct uvm_object *uobj, uint64_t pageidx);
/*
 * uao_set_swslot: record `slot' for `pageidx' (0 clears); returns the
 * previous slot, which the caller now owns.  => uobj locked.
 */
int		uao_set_swslot(struct uvm_object *uobj, uint64_t pageidx,
		    int slot);
/* uao_dropswap: forget and free the slot of `pageidx'.  => uobj locked. */
void		uao_dropswap(struct uvm_object *uobj, uint64_t pageidx);

/*
 * Swap slot allocator.  => a slot in 1..swpages, or 0 when full.
 * Each takes swap_data_lock (after the object's lock, if held).
 */
int		uvm_swap_alloc(struct uvm *uvm);
void		uvm_swap_free(struct uvm *uvm, int slot);

/*
 * The object/swap checker: hash, counts, swpginuse, swpgonly. 0 or -1.
 * => at a quiescent point; takes no lock.
 */
int		uao_sanity(struct uvm_object *uobj, char *why, size_t whylen);

#endif /* KMFUZZ_UVM_AOBJ_H */
