/*
 * uvm_map_priv.h: the predicates uvm_map.c asserts with and
 * uvm_map_sanity.c checks with, kept in one place so that the checker
 * judges the map by exactly the rules the map code keeps.
 */
#ifndef KMFUZZ_UVM_MAP_PRIV_H
#define KMFUZZ_UVM_MAP_PRIV_H

#include "uvm/uvm.h"

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

#endif /* KMFUZZ_UVM_MAP_PRIV_H */
