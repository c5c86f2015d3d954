/*
 * uvm_map.h: kernel maps, their entries and the map operations the
 * kernel-memory layer uses.
 *
 * A map covers [min_offset, max_offset).  Its entries are kept twice:
 * in address order on a doubly linked list (cheap neighbour access for
 * clip and merge, and what the harness walks) and in a B-tree of wide
 * nodes keyed by start address (core/uvm_map_tree.c).  Each node slot
 * carries a gap:
 *	leaf slot      the entry's gap_after = start of the next entry (or
 *	               max_offset) - this entry's end
 *	interior slot  the largest gap anywhere below that child
 * so that the first-fit search skips every child whose gap is too small
 * and reads only node lines, never an entry: O(log n) nodes for any size
 * and, in practice, any alignment.  The gap in front of the first entry
 * is first->start - min_offset, computed.
 */
#ifndef KMFUZZ_UVM_MAP_H
#define KMFUZZ_UVM_MAP_H

#include "uvm_param.h"
#include "uvm_platform.h"
#include "uvm_pool.h"

struct uvm;
struct uvm_object;
struct pmap;

/* vm_map_entry.flags */
#define UVM_MAP_KERNEL		0x01	/* entry belongs to a kernel map */
#define UVM_MAP_FIRST		0x02	/* the boot-time reservation */
#define UVM_MAP_QUANTUM		0x04	/* never split, never merged */
#define UVM_MAP_NOMERGE		0x08	/* never merged */
#define UVM_MAP_SUBMAP		0x10	/* object.sub_map is valid */
#define UVM_MAP_ALLOCATED	0x80	/* debug: entry is out of the pool */

/*
 * A map entry: what the search never reads, but lookup, clip, merge and
 * the free-path checks do, all in one 64-byte cache line.
 */
struct vm_map_entry {
	struct vm_map_entry	*prev, *next;	/* address-ordered list */
	vaddr_t			start, end;	/* [start, end), page aligned */
	union {
		struct uvm_object	*uvm_obj;	/* NULL: no object */
		struct vm_map		*sub_map;	/* UVM_MAP_SUBMAP */
	} object;
	voff_t			offset;		/* offset into object */
	vm_prot_t		protection, max_protection;
	unsigned int		flags;		/* UVM_MAP_* */
};

/*
 * A node of a map's B-tree (core/uvm_map_tree.c): VM_MAP_NODE_SLOTS
 * slots in address order, each a key (the lowest start below it), a
 * gap (see above) and an entry (leaf) or a child (interior).  Every node
 * but the root has at least half its slots in use; all leaves are at the
 * same depth.  The arrays are split by field so that a search reads gap
 * lines and a lookup key lines, two lines per node each.
 */
#define VM_MAP_NODE_SLOTS	16

struct vm_map_node {
	struct vm_map_node	*parent;	/* NULL at the root */
	unsigned short		nslots;		/* slots in use */
	unsigned short		pslot;		/* our slot in the parent */
	bool			leaf;		/* slots hold entries */
	vsize_t			gap[VM_MAP_NODE_SLOTS];
	vaddr_t			key[VM_MAP_NODE_SLOTS];
	union vm_map_slot {
		struct vm_map_entry	*entry;		/* leaf */
		struct vm_map_node	*child;		/* interior */
	} slot[VM_MAP_NODE_SLOTS];
};

/*
 * [c] constant once the map is set up (flags: see uvm_km_vacache_init);
 * [m] under `lock'.  The entries of a map are its lock's too.
 */
struct vm_map {
	struct uvm		*uvm;		/* [c] owning instance */
	struct pmap		*pmap;		/* [c] */
	kmutex_t		lock;
	vaddr_t			min_offset, max_offset;	/* [c] */
	int			flags;		/* [c] VM_MAP_* */
	struct vm_map_node	*root;		/* [m] B-tree root, NULL if empty */
	struct vm_map_entry	*first, *last;	/* [m] list ends, NULL if empty */
	struct vm_map_entry	*hint;		/* [m] last entry looked up */
	unsigned int		nentries;	/* [m] */
	vsize_t			size;		/* [m] bytes covered by entries */
	unsigned int		timestamp;	/* [m] bumped on every change */
	bool			wantva;		/* [m] a WAITVA caller sleeps */
	struct vm_map		*parent;	/* [m] submaps: the map above */
};

/*
 * vm_map_kernel: a kernel map plus its KVA cache for pool pages.
 * (NetBSD also hangs the reclaim callbacks here; the only reclaimer in
 * kmfuzz is the KVA cache itself.)
 */
struct vm_map_kernel {
	struct vm_map		vmk_map;
	struct pool		vmk_vacache;
	struct pool_allocator	vmk_vacache_allocator;
};

#define vm_map_min(m)		((m)->min_offset)
#define vm_map_max(m)		((m)->max_offset)
#define vm_map_pmap(m)		((m)->pmap)
#define VM_MAP_IS_KERNEL(m)	((m)->pmap == (m)->uvm->pmap)
#define vm_map_to_kernel(m)	((struct vm_map_kernel *)(void *)(m))

/*
 * uvm_map_setup_kernel: make an empty kernel map over [min, max).
 * => min < max, both page aligned; vmk not in use (its lock is
 *    initialized here).
 */
void	uvm_map_setup_kernel(struct vm_map_kernel *vmk, struct uvm *uvm,
	    vaddr_t min, vaddr_t max, int flags);

/*
 * uvm_map: reserve `size' bytes of `map' and enter one entry for them.
 * => *startp: with UVM_FLAG_FIXED the exact start, otherwise the lowest
 *    address to consider (the hint).  On success the chosen start.
 * => align: 0 or a power of two >= PAGE_SIZE (ignored with FIXED, where
 *    *startp itself must then be aligned).
 * => uoffset UVM_UNKNOWN_OFFSET with a kernel object means "the offset
 *    the address implies" (va - vm_map_min(kernel_map)).
 * => map unlocked by the caller (mutex_enter catches it if not).
 * => UVM_FLAG_TRYLOCK: fail with EAGAIN if the map lock is held.
 * => UVM_FLAG_WAITVA (without NOWAIT): sleep on the map until an unmap
 *    frees VA, instead of failing.
 * => returns 0 or ENOMEM / EAGAIN / EINVAL; nothing changed on failure.
 */
int	uvm_map(struct vm_map *map, vaddr_t *startp, vsize_t size,
	    struct uvm_object *obj, voff_t uoffset, vsize_t align,
	    uvm_flag_t flags);

/*
 * uvm_unmap1: remove every mapping in [start, end).
 * => entries crossing the ends are clipped; a QUANTUM entry must not be.
 * => without UVM_FLAG_VAONLY the pages behind kernel-object and wired
 *    entries are freed too (uvm_km_pgremove / _intrsafe) and unmapped.
 * => map unlocked by the caller; may sleep with it held for a busy page
 *    (uvm_km_pgremove: the map lock is NetBSD's sleepable one).
 * => pmap_update() is called before return; waiters for VA are woken.
 */
void	uvm_unmap1(struct vm_map *map, vaddr_t start, vaddr_t end,
	    uvm_flag_t flags);
#define uvm_unmap(map, s, e)	uvm_unmap1((map), (s), (e), 0)

/*
 * A check of an unmap's first entry: `e' is the last entry starting at
 * or below `start' (NULL if none), seen under the map lock before
 * anything changes; it panics on what it rejects.
 */
typedef void uvm_unmap_check_t(struct vm_map *map, vaddr_t start,
	    vaddr_t end, const struct vm_map_entry *e, uvm_flag_t checkflags);

/*
 * uvm_unmap_checked: uvm_unmap1 after check(map, start, end, e,
 * checkflags) (check may be NULL), with one lock and one lookup for
 * both (uvm_km_free's DIAGNOSTIC checks).
 */
void	uvm_unmap_checked(struct vm_map *map, vaddr_t start, vaddr_t end,
	    uvm_flag_t flags, uvm_unmap_check_t *check, uvm_flag_t checkflags);

/*
 * uvm_map_submap: hand [start, end) of `map', which must be exactly one
 * existing entry with no object, over to `submap'.  => 0 or EINVAL.
 */
int	uvm_map_submap(struct vm_map *map, vaddr_t start, vaddr_t end,
	    struct vm_map *submap);

/*
 * Find the entry containing `va' (true) or the one before it (false).
 * => map locked by the caller.
 */
bool	uvm_map_lookup_entry(struct vm_map *map, vaddr_t va,
	    struct vm_map_entry **entryp);

/*
 * uvm_map_checkrange: does [start, end) lie wholly inside entries of
 * `map' (no holes)?  Used by the DIAGNOSTIC checks on uvm_km_free.
 * => takes the map lock unless the caller holds it.
 * => false for an empty range (start >= end): nothing to vouch for.
 */
bool	uvm_map_checkrange(struct vm_map *map, vaddr_t start, vaddr_t end);

/* Extra map entries a submap of `size' will need (0 here; see README). */
vsize_t	uvm_mapent_overhead(vsize_t size, int flags);

/*
 * uvm_map_sanity: the map checker.  Walks list and tree: sorted,
 * disjoint, non-empty, inside the map, B-tree shape (fill, depth,
 * parents, keys) and every gap annotation exact, nentries/size exact,
 * list == the leaves' entries in order.
 * => returns 0 if sane, otherwise writes a message naming the address
 *    to `why' and returns -1.
 * => at a quiescent point (or map locked by the caller); takes no lock.
 */
int	uvm_map_sanity(const struct vm_map *map, char *why, size_t whylen);

/*
 * The largest free gap in the map (the first run, or a root slot's gap).
 * => at a quiescent point (the harness's policy); takes no lock, as the
 *    map may be held by the harness's "other CPU".
 */
vsize_t	uvm_map_largest_gap(const struct vm_map *map);

#endif /* KMFUZZ_UVM_MAP_H */
