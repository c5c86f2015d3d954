/*
 * uvm_param.h: machine-independent types, page geometry, protections and
 * the flag words of the kmfuzz core.
 *
 * The numeric values are kmfuzz's own; only the names and meanings follow
 * NetBSD, so that code written against NetBSD's uvm_km(9) reads the same.
 * One rule from NetBSD is load-bearing: UVM_KMF_{TRYLOCK,NOWAIT,WAITVA}
 * equal UVM_FLAG_{TRYLOCK,NOWAIT,WAITVA}, because uvm_km_alloc hands those
 * bits straight to uvm_map.
 *
 * Freestanding: only <stdint.h>, <stddef.h> and <stdbool.h>.
 */
#ifndef KMFUZZ_UVM_PARAM_H
#define KMFUZZ_UVM_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t vaddr_t;
typedef uint64_t paddr_t;
typedef uint64_t vsize_t;
typedef uint64_t psize_t;
typedef uint64_t voff_t;
typedef unsigned int uvm_flag_t;
typedef int vm_prot_t;

#define PAGE_SHIFT	12
#define PAGE_SIZE	((vsize_t)1 << PAGE_SHIFT)
#define PAGE_MASK	(PAGE_SIZE - 1)

#define round_page(x)	(((vaddr_t)(x) + PAGE_MASK) & ~PAGE_MASK)
#define trunc_page(x)	((vaddr_t)(x) & ~PAGE_MASK)
#define atop(x)		((uint64_t)(x) >> PAGE_SHIFT)
#define ptoa(x)		((uint64_t)(x) << PAGE_SHIFT)

/*
 * Bits set in x (free maps, the swap bitmap; the harness's page masks),
 * by hand so that a freestanding build needs no libgcc call.
 */
static inline unsigned int
uvm_popcount64(uint64_t x)
{
	unsigned int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

#define __predict_true(e)	__builtin_expect(!!(e), 1)
#define __predict_false(e)	__builtin_expect(!!(e), 0)

/* Error numbers the core returns (values as in NetBSD's errno.h). */
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EINVAL		22
#define EAGAIN		35

/* Protections. */
#define VM_PROT_NONE	0x0
#define VM_PROT_READ	0x1
#define VM_PROT_WRITE	0x2
#define VM_PROT_EXECUTE	0x4
#define UVM_PROT_ALL	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* Inheritance and advice are carried for fidelity; kernel maps ignore them. */
#define UVM_INH_NONE	0x2
#define UVM_ADV_NORMAL	0x0
#define UVM_ADV_RANDOM	0x1

/*
 * uvm_map() flag word: prot in bits 0-3, maxprot in 4-7, inheritance in
 * 8-11, advice in 12-15, behaviour flags from bit 16 up.
 */
#define UVM_MAPFLAG(prot, maxprot, inh, adv, flags) \
	((uvm_flag_t)(prot) | ((uvm_flag_t)(maxprot) << 4) | \
	 ((uvm_flag_t)(inh) << 8) | ((uvm_flag_t)(adv) << 12) | (flags))
#define UVM_PROTECTION(f)	((vm_prot_t)((f) & 0xf))
#define UVM_MAXPROTECTION(f)	((vm_prot_t)(((f) >> 4) & 0xf))

#define UVM_FLAG_FIXED		0x00010000u /* exactly *startp or fail */
#define UVM_FLAG_NOMERGE	0x00020000u /* never merge with a neighbour */
#define UVM_FLAG_QUANTUM	0x00040000u /* entry never split later */
#define UVM_FLAG_TRYLOCK	0x00080000u /* fail rather than wait for lock */
#define UVM_FLAG_NOWAIT		0x00100000u /* never sleep */
#define UVM_FLAG_WAITVA		0x00200000u /* sleep until VA is free */
#define UVM_FLAG_VAONLY		0x00400000u /* unmap: VA only, pages done */
#define UVM_FLAG_COLORMATCH	0x00800000u /* pagealloc: exact color only */

#define UVM_UNKNOWN_OFFSET	((voff_t)-1)

/* uvm_km_alloc()/uvm_km_free() flags. */
#define UVM_KMF_WIRED		0x1u	/* wired, mapped now */
#define UVM_KMF_PAGEABLE	0x2u	/* backed by the kernel object */
#define UVM_KMF_VAONLY		0x4u	/* address space only */
#define UVM_KMF_TYPEMASK	(UVM_KMF_WIRED | UVM_KMF_PAGEABLE | UVM_KMF_VAONLY)
#define UVM_KMF_CANFAIL		0x8u	/* may fail instead of waiting */
#define UVM_KMF_ZERO		0x100u	/* pages read as zero */
#define UVM_KMF_EXEC		0x200u	/* executable mapping */
#define UVM_KMF_TRYLOCK		UVM_FLAG_TRYLOCK
#define UVM_KMF_NOWAIT		UVM_FLAG_NOWAIT
#define UVM_KMF_WAITVA		UVM_FLAG_WAITVA

/* uvm_pagealloc_strat() flags. */
#define UVM_PGA_USERESERVE	0x1	/* may dip into the kernel reserve */
#define UVM_PGA_ZERO		0x2	/* page must read as zero */
#define UVM_PGA_STRAT_NORMAL	0	/* any free list */
#define UVM_PGA_STRAT_ONLY	1	/* only the named free list */

/* Map flags (vm_map.flags). */
#define VM_MAP_PAGEABLE		0x01	/* entries may be pageable */
#define VM_MAP_INTRSAFE		0x02	/* no object-backed memory */
#define VM_MAP_VACACHE		0x04	/* has a KVA cache for pool pages */
#define VM_MAP_DYING		0x08	/* instance teardown in progress */

/* Pool flags used by the KVA cache. */
#define PR_NOWAIT	0x0
#define PR_WAITOK	0x1
#define PR_NOTOUCH	0x2	/* items are not mapped: keep headers apart */
#define PR_RECURSIVE	0x4

/* pmap_kenter_pa()/pmap_enter() flags. */
#define PMAP_KMPAGE	0x1	/* page belongs to kernel memory */
#define PMAP_WIRED	0x2	/* mapping is wired */
#define PMAP_CANFAIL	0x4

#endif /* KMFUZZ_UVM_PARAM_H */
