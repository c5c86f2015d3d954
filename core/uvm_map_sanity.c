/*
 * uvm_map_sanity.c: the map checker, uvm_map_sanity().
 *
 * It trusts nothing that uvm_map.c maintains incrementally and re-derives
 * all of it from the entries' [start, end) alone, in two passes:
 *  1. the list: each entry non-empty, page aligned, inside the map,
 *     below its successor, prev link and gap_after exact; first/last,
 *     nentries, size, the hint and submap back-links agree;
 *  2. the tree, recursively in order: parent links, the in-order
 *     sequence equal to the list, heights exact and AVL balanced,
 *     max_gap exact.
 * Cost O(n), no lock taken, nothing written: the harness calls it after
 * every op with the map quiescent.
 *
 * Example: entries A [0xf0000000,0xf0003000) and B [0xf0005000,
 * 0xf0006000) in a map ending at 0xf0100000.  A's gap_after must be
 * 0x2000, B's 0xfa000; with B at the root and A its left child, B's
 * height is 2 and its max_gap 0xfa000.  Had a bug left A's end at
 * 0xf0006000 the answer would be -1 with "map 0x...: entry
 * [0xf0000000,0xf0006000) overlaps next at 0xf0005000".
 */

#include "uvm_map_priv.h"

/* An AVL tree over 2^64 nodes is lower than this; deeper means a cycle. */
#define UMAP_MAXDEPTH	96


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
	char				*why;
	size_t				whylen;
};

/*
 * umap_check_tree: recursive in-order check of the subtree at `e':
 * parent links, order against the list, exact heights, AVL balance and
 * exact max_gap.  => 0 with *heightp and *gapp, or -1 with a message.
 */
UVM_SANITY static int
umap_check_tree(struct umap_walk *w, const struct vm_map_entry *e,
    const struct vm_map_entry *parent, int depth, int *heightp,
    vsize_t *gapp)
{
	const struct vm_map *map = w->map;
	int hl, hr, h;
	vsize_t gl, gr, g;

	*heightp = 0;
	*gapp = 0;
	if (e == NULL)
		return 0;
	if (depth > UMAP_MAXDEPTH)
		return umap_insane(w->why, w->whylen, "map %p: tree deeper "
		    "than %d at entry %p (cycle?)", (const void *)map,
		    UMAP_MAXDEPTH, (const void *)e);
	if (e->parent != parent)
		return umap_insane(w->why, w->whylen, "map %p: entry "
		    "[0x%llx,0x%llx) has parent %p, its tree parent is %p",
		    (const void *)map, (umap_ull)e->start, (umap_ull)e->end,
		    (const void *)e->parent, (const void *)parent);
	if (umap_check_tree(w, e->left, e, depth + 1, &hl, &gl) != 0)
		return -1;
	if (e != w->cursor)
		return umap_insane(w->why, w->whylen, "map %p: tree entry "
		    "[0x%llx,0x%llx) is out of list order (list has %p)",
		    (const void *)map, (umap_ull)e->start, (umap_ull)e->end,
		    (const void *)w->cursor);
	w->cursor = e->next;
	if (umap_check_tree(w, e->right, e, depth + 1, &hr, &gr) != 0)
		return -1;

	h = 1 + (hl > hr ? hl : hr);
	if (e->height != h)
		return umap_insane(w->why, w->whylen, "map %p: entry "
		    "[0x%llx,0x%llx) height %d, should be %d",
		    (const void *)map, (umap_ull)e->start, (umap_ull)e->end,
		    e->height, h);
	if (hl - hr > 1 || hr - hl > 1)
		return umap_insane(w->why, w->whylen, "map %p: entry "
		    "[0x%llx,0x%llx) unbalanced: left height %d, right %d",
		    (const void *)map, (umap_ull)e->start, (umap_ull)e->end,
		    hl, hr);
	g = e->gap_after;
	if (gl > g)
		g = gl;
	if (gr > g)
		g = gr;
	if (e->max_gap != g)
		return umap_insane(w->why, w->whylen, "map %p: entry "
		    "[0x%llx,0x%llx) max_gap 0x%llx, should be 0x%llx",
		    (const void *)map, (umap_ull)e->start, (umap_ull)e->end,
		    (umap_ull)e->max_gap, (umap_ull)g);
	*heightp = h;
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
	bool hint_seen = (map->hint == NULL);
	int h;

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
		g = umap_gap_end(map, e) - e->end;
		if (e->gap_after != g)
			return umap_insane(why, whylen, "map %p: entry "
			    "[0x%llx,0x%llx) gap_after 0x%llx, should be "
			    "0x%llx", (const void *)map, (umap_ull)e->start,
			    (umap_ull)e->end, (umap_ull)e->gap_after,
			    (umap_ull)g);
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
	w.why = why;
	w.whylen = whylen;
	if (umap_check_tree(&w, map->root, NULL, 0, &h, &g) != 0)
		return -1;
	if (w.cursor != NULL)
		return umap_insane(why, whylen, "map %p: list entry "
		    "[0x%llx,0x%llx) missing from the tree",
		    (const void *)map, (umap_ull)w.cursor->start,
		    (umap_ull)w.cursor->end);
	return 0;
}
