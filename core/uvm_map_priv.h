/*
 * uvm_map_priv.h: the predicates uvm_map.c asserts with and
 * uvm_map_sanity.c checks with, kept in one place so that the checker
 * judges the map by exactly the rules the map code keeps; and the
 * interface of the index (uvm_map_tree.c) to uvm_map.c.
 */
#ifndef KMFUZZ_UVM_MAP_PRIV_H
#define KMFUZZ_UVM_MAP_PRIV_H

#include "uvm_priv.h"

typedef unsigned long long umap_ull;	/* for %llx in messages */

static inline bool
umap_page_aligned_p(vaddr_t va)
{
	return (va & PAGE_MASK) == 0;
}

static inline bool
umap_range_in_map_p(const struct vm_map *map, vaddr_t start, vaddr_t end)
{
	return map->min_offset <= start && start < end &&
	    end <= map->max_offset;
}

/* The end of the free run after `e': its successor's start or the top. */
static inline vaddr_t
umap_gap_end(const struct vm_map *map, const struct vm_map_entry *e)
{
	return e->next != NULL ? e->next->start : map->max_offset;
}

/*
 * umap_fit: the lowest start in free run [lo, hi) that is >= hint and a
 * multiple of amask + 1 and leaves `size' bytes before hi.
 */
static inline bool
umap_fit(vaddr_t lo, vaddr_t hi, vaddr_t hint, vsize_t size, vsize_t amask,
    vaddr_t *startp)
{
	vaddr_t s = lo > hint ? lo : hint;
	vaddr_t a = (s + amask) & ~amask;

#if KMFUZZ_PLANT == KMFUZZ_PLANT_FIT
	if (a < s || a > hi || hi - a <= size)
#else
	if (a < s || a > hi || hi - a < size)
#endif
		return false;		/* wrapped, or too little left */
	*startp = a;
	return true;
}

/* Entry flags that forbid growing an entry into its neighbour's VA. */
#define UMAP_NOMERGE_FLAGS \
	(UVM_MAP_QUANTUM | UVM_MAP_NOMERGE | UVM_MAP_SUBMAP | UVM_MAP_FIRST)

/* May `e' grow over its neighbour's VA for a mapping like this one? */
static inline bool
umap_mergeable_p(const struct vm_map_entry *e, const struct uvm_object *obj,
    vm_prot_t prot, vm_prot_t maxprot)
{
	return (e->flags & UMAP_NOMERGE_FLAGS) == 0 &&
	    e->object.uvm_obj == obj && e->protection == prot &&
	    e->max_protection == maxprot;
}

/*
 * umap_alike_p: could `e' and its successor `n' be one entry -- they
 * touch, neither forbids merging, same object, protections and (with
 * an object) contiguous offsets?  uvm_map grows a neighbour over a new
 * range whenever this would hold afterwards, and an unmap never leaves
 * two pieces touching, so no map ever holds such a pair.
 */
static inline bool
umap_alike_p(const struct vm_map_entry *e, const struct vm_map_entry *n)
{
	return e->end == n->start && (n->flags & UMAP_NOMERGE_FLAGS) == 0 &&
	    umap_mergeable_p(e, n->object.uvm_obj, n->protection,
	    n->max_protection) && (e->object.uvm_obj == NULL ||
	    e->offset + (e->end - e->start) == n->offset);
}

/* ---- the index (uvm_map_tree.c); all under the map lock ---- */

/* Where an entry sits: leaf `node', slot `slot' (node NULL: in front). */
struct umt_pos {
	struct vm_map_node	*node;
	unsigned int		slot;
};

/* A first-fit request: runs of need_gap bytes, size at amask from hint. */
struct umt_req {
	vaddr_t		hint;
	vsize_t		size, need_gap, amask;
};

struct vm_map_entry *umt_lookup(const struct vm_map *map, vaddr_t va,
	    struct umt_pos *pos);
void	umt_locate(const struct vm_map *map, const struct vm_map_entry *e,
	    struct umt_pos *pos);
bool	umt_search(const struct vm_map *map, const struct umt_req *rq,
	    unsigned int budget, vaddr_t *startp, struct umt_pos *pos);
void	umt_insert(struct vm_map *map, const struct umt_pos *pos,
	    struct vm_map_entry *e, vsize_t gap, vsize_t prevgap);
void	umt_remove(struct vm_map *map, const struct umt_pos *pos,
	    bool setprev, vsize_t prevgap);
void	umt_set(const struct umt_pos *pos, vaddr_t key, vsize_t gap);
vsize_t	umt_largest_gap(const struct vm_map *map);

#endif /* KMFUZZ_UVM_MAP_PRIV_H */
