/*
 * uvm_map_sanity.c: the map checker, uvm_map_sanity().
 *
 * It trusts nothing that uvm_map.c and the index maintain incrementally
 * and re-derives all of it from the entries' [start, end) alone, in two
 * passes:
 *  1. the list: each entry non-empty, page aligned, inside the map,
 *     below its successor and not one it could have merged with
 *     (umap_alike_p), prev link exact; first/last, nentries, size,
 *     the hint and submap back-links agree;
 *  2. the B-tree, recursively: parent links and slots, slot counts (at least half
 *     full but at the root), every leaf at one depth, the leaves'
 *     entries in order equal to the list, each leaf key the entry's
 *     start and each leaf gap its true gap_after, each interior key and
 *     gap its child's first key and largest gap.
 * Cost O(n), no lock taken, nothing written: the harness calls it after
 * every op with the map quiescent.
 *
 * Example: entries A [0xf0000000,0xf0003000) and B [0xf0005000,
 * 0xf0006000) in a map ending at 0xf0100000: one leaf, the root, with
 * keys 0xf0000000, 0xf0005000 and gaps 0x2000, 0xfa000.  Had a bug left
 * A's end at 0xf0006000 the answer would be -1 with "map 0x...: entry
 * [0xf0000000,0xf0006000) overlaps next at 0xf0005000"; had it left
 * A's gap at 0x1000, "... leaf gap 0x1000, should be 0x2000".
 */

#include "uvm_map_priv.h"

/* A B-tree over 2^64 entries is lower than this; deeper means a cycle. */
#define UMAP_MAXDEPTH	32


/* A failure report (not counted by scripts/coverage): LCOV_EXCL_START */
__attribute__((format(printf, 3, 4)))
UVM_SANITY static int
umap_insane(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		uvm_vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
/* LCOV_EXCL_STOP */

struct umap_walk {
	const struct vm_map		*map;
	const struct vm_map_entry	*cursor;	/* next list entry */
	int				leafdepth;	/* -1: none seen */
	char				*why;
	size_t				whylen;
};

/*
 * umap_check_node: recursive check of the subtree at `nd' (see the top
 * of the file).  => 0 with *keyp (its first key) and *gapp (its largest
 * gap), or -1 with a message.
 */
UVM_SANITY static int
umap_check_node(struct umap_walk *w, const struct vm_map_node *nd,
    const struct vm_map_node *parent, unsigned int pslot, int depth,
    vaddr_t *keyp, vsize_t *gapp)
{
	const struct vm_map *map = w->map;
	unsigned int n = nd->nslots;
	unsigned int min = parent == NULL ? (nd->leaf ? 1 : 2) :
	    VM_MAP_NODE_SLOTS / 2;
	vsize_t g = 0;

	if (depth > UMAP_MAXDEPTH)
		return umap_insane(w->why, w->whylen, "map %p: tree deeper "
		    "than %d at node %p (cycle?)", (const void *)map,
		    UMAP_MAXDEPTH, (const void *)nd);
	if (nd->parent != parent)
		return umap_insane(w->why, w->whylen, "map %p: node %p has "
		    "parent %p, its tree parent is %p", (const void *)map,
		    (const void *)nd, (const void *)nd->parent,
		    (const void *)parent);
	if (parent != NULL && nd->pslot != pslot)
		return umap_insane(w->why, w->whylen, "map %p: node %p says "
		    "it is parent slot %u, it is slot %u", (const void *)map,
		    (const void *)nd, nd->pslot, pslot);
	if (n == 0 || n > VM_MAP_NODE_SLOTS)
		return umap_insane(w->why, w->whylen, "map %p: node %p has "
		    "%u slots in use (%u..%d)", (const void *)map,
		    (const void *)nd, n, min, VM_MAP_NODE_SLOTS);
	if (nd->leaf && w->leafdepth >= 0 && depth != w->leafdepth)
		return umap_insane(w->why, w->whylen, "map %p: leaf %p at "
		    "depth %d, another at %d", (const void *)map,
		    (const void *)nd, depth, w->leafdepth);
	if (nd->leaf)
		w->leafdepth = depth;

	for (unsigned int i = 0; i < n; i++) {
		vaddr_t key;
		vsize_t gap;

		if (nd->leaf) {
			const struct vm_map_entry *e = nd->slot[i].entry;

			if (e == NULL || e != w->cursor)
				return umap_insane(w->why, w->whylen, "map %p: "
				    "leaf %p slot %u holds %p, the list has %p",
				    (const void *)map, (const void *)nd, i,
				    (const void *)e, (const void *)w->cursor);
			w->cursor = e->next;
			key = e->start;
			gap = umap_gap_end(map, e) - e->end;
		} else if (nd->slot[i].child == NULL) {
			return umap_insane(w->why, w->whylen, "map %p: node "
			    "%p slot %u has no child", (const void *)map,
			    (const void *)nd, i);
		} else if (umap_check_node(w, nd->slot[i].child, nd, i,
		    depth + 1, &key, &gap) != 0) {
			return -1;
		}
		if (nd->key[i] != key)
			return umap_insane(w->why, w->whylen, "map %p: %s %p "
			    "slot %u key 0x%llx, should be 0x%llx",
			    (const void *)map, nd->leaf ? "leaf" : "node",
			    (const void *)nd, i, (umap_ull)nd->key[i],
			    (umap_ull)key);
		if (nd->gap[i] != gap)
			return umap_insane(w->why, w->whylen, "map %p: %s %p "
			    "slot %u (0x%llx) gap 0x%llx, should be 0x%llx",
			    (const void *)map, nd->leaf ? "leaf" : "node",
			    (const void *)nd, i, (umap_ull)key,
			    (umap_ull)nd->gap[i], (umap_ull)gap);
		if (gap > g)
			g = gap;
	}
	/* after the children: a misplaced leaf says so first */
	if (n < min)
		return umap_insane(w->why, w->whylen, "map %p: node %p has "
		    "%u slots in use (%u..%d)", (const void *)map,
		    (const void *)nd, n, min, VM_MAP_NODE_SLOTS);
	*keyp = nd->key[0];
	*gapp = g;
	return 0;
}

/*
 * uvm_map_sanity: check everything derived or redundant in `map'.
 * => map locked by the caller, or no one else running; takes no lock
 *    and changes nothing.
 * => 0, or -1 with a message naming the map and address in `why'.
 */
UVM_SANITY int
uvm_map_sanity(const struct vm_map *map, char *why, size_t whylen)
{
	const struct vm_map_entry *e, *prev = NULL;
	struct umap_walk w;
	unsigned int n = 0;
	vsize_t size = 0, g;
	vaddr_t key;
	bool hint_seen = (map->hint == NULL);

	KASSERT(map != NULL);
	if (map->min_offset >= map->max_offset)
		return umap_insane(why, whylen, "map %p: empty range "
		    "[0x%llx,0x%llx)", (const void *)map,
		    (umap_ull)map->min_offset, (umap_ull)map->max_offset);

	for (e = map->first; e != NULL; prev = e, e = e->next) {
		if (++n > map->nentries)
			return umap_insane(why, whylen, "map %p: list longer "
			    "than nentries %u at [0x%llx,0x%llx) (cycle?)",
			    (const void *)map, map->nentries,
			    (umap_ull)e->start, (umap_ull)e->end);
		if (e->prev != prev)
			return umap_insane(why, whylen, "map %p: entry "
			    "[0x%llx,0x%llx) prev %p, should be %p",
			    (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end, (const void *)e->prev,
			    (const void *)prev);
		if (e->start >= e->end || !umap_page_aligned_p(e->start) ||
		    !umap_page_aligned_p(e->end))
			return umap_insane(why, whylen, "map %p: entry "
			    "[0x%llx,0x%llx) empty or not page aligned",
			    (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end);
		if (!umap_range_in_map_p(map, e->start, e->end))
			return umap_insane(why, whylen, "map %p: entry "
			    "[0x%llx,0x%llx) outside map [0x%llx,0x%llx)",
			    (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end, (umap_ull)map->min_offset,
			    (umap_ull)map->max_offset);
		if (e->next != NULL && e->end > e->next->start)
			return umap_insane(why, whylen, "map %p: entry "
			    "[0x%llx,0x%llx) overlaps next at 0x%llx",
			    (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end, (umap_ull)e->next->start);
		if (e->next != NULL && umap_alike_p(e, e->next))
			return umap_insane(why, whylen, "map %p: entries "
			    "[0x%llx,0x%llx) and [0x%llx,0x%llx) touch and are "
			    "alike: uvm_map should have made them one",
			    (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end, (umap_ull)e->next->start,
			    (umap_ull)e->next->end);
		if (e->flags & UVM_MAP_SUBMAP) {
			const struct vm_map *sub = e->object.sub_map;

			/* a neighbour grown over it would leave the submap */
			if (!(e->flags & UVM_MAP_NOMERGE))
				return umap_insane(why, whylen, "map %p: "
				    "submap entry [0x%llx,0x%llx) lacks "
				    "NOMERGE", (const void *)map,
				    (umap_ull)e->start, (umap_ull)e->end);
			if (sub == NULL || sub->min_offset != e->start ||
			    sub->max_offset != e->end || sub->parent != map)
				return umap_insane(why, whylen, "map %p: "
				    "submap entry [0x%llx,0x%llx) does not "
				    "match its submap %p", (const void *)map,
				    (umap_ull)e->start, (umap_ull)e->end,
				    (const void *)sub);
		}
		if (e == map->hint)
			hint_seen = true;
		size += e->end - e->start;
	}
	if (map->last != prev)
		return umap_insane(why, whylen, "map %p: last %p, list ends "
		    "at %p", (const void *)map, (const void *)map->last,
		    (const void *)prev);
	if (n != map->nentries || size != map->size)
		return umap_insane(why, whylen, "map %p: nentries %u size "
		    "0x%llx, counted %u and 0x%llx", (const void *)map,
		    map->nentries, (umap_ull)map->size, n, (umap_ull)size);
	if (!hint_seen)
		return umap_insane(why, whylen, "map %p: hint %p is not a "
		    "live entry", (const void *)map,
		    (const void *)map->hint);

	w.map = map;
	w.cursor = map->first;
	w.leafdepth = -1;
	w.why = why;
	w.whylen = whylen;
	if (map->root != NULL &&
	    umap_check_node(&w, map->root, NULL, 0, 0, &key, &g) != 0)
		return -1;
	if (w.cursor != NULL)
		return umap_insane(why, whylen, "map %p: list entry "
		    "[0x%llx,0x%llx) missing from the tree",
		    (const void *)map, (umap_ull)w.cursor->start,
		    (umap_ull)w.cursor->end);
	return 0;
}
