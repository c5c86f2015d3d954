/*
 * uvm_map_tree.c: the index of a map's entries, a B-tree of wide nodes
 * with a largest-gap annotation per slot (the shape of Linux's maple
 * tree), and the address-ordered first-fit search over it.
 *
 * Why a B-tree.  The search, the lookup of a free and the insert and
 * delete each walk root to leaf.  A binary tree of a million entries is
 * ~25 levels of pointers, each a cache miss, and its rotations re-derive
 * gap annotations node by node.  Here a node has VM_MAP_NODE_SLOTS (16)
 * slots; keys, gaps and pointers are separate arrays, so a lookup reads
 * two lines of keys per level and a search two lines of gaps, and a
 * million entries are 5-6 levels.  The search never reads an entry: a
 * leaf slot's run is [bound - gap, bound), where bound is the next
 * slot's key (or the bound handed down from the parent, or max_offset).
 *
 * Invariants (uvm_map_sanity re-derives each one):
 *  - leaf slot i: key = entry->start, gap = the entry's gap_after;
 *    interior slot i: key = the child's key[0], gap = the largest gap
 *    in the child;
 *  - every node but the root has at least VM_MAP_NODE_SLOTS / 2 slots
 *    in use, an interior root at least 2, and all leaves are at one
 *    depth; child->parent is exact;
 *  - the leaves' entries, left to right, are the map's list.
 *
 * Changes are local and carried up by umt_carry, which re-derives a
 * node's key and gap in its parent and stops at the first ancestor
 * whose slot comes out unchanged; a node's new largest gap follows
 * from what changed in it (umt_refresh_chg) and is only re-scanned when
 * its old largest may have gone.  Nodes come from the instance's entry
 * store (uvm_mapnode_alloc, sized in uvm_init.c so that it cannot run
 * out while entries remain).  Everything here runs under the map lock;
 * positions (struct umt_pos) are good until the next insert or remove.
 * The "=> map locked" of the functions below is asserted by their only
 * callers, in uvm_map.c, not again here on the hot path.
 *
 * Worked example, 4-slot nodes for brevity.  A map [0x0, 0x100000) with
 * entries at 0x1000, 0x3000, 0x4000, 0x9000, 0xa000 (one page each):
 *	root:  key 0x1000 gap 0x1000 -> leaf L: 0x1000/0x1000 0x3000/0
 *	       key 0x4000 gap 0xf5000 -> leaf R: 0x4000/0x4000 0x9000/0
 *	                                         0xa000/0xf5000
 * (leaf slots as key/gap).  A search for 0x2000 bytes skips L at the
 * root: its largest gap, 0x1000, is too small.  In R slot 0 has gap
 * 0x4000 and its run ends at R's key[1] = 0x9000: [0x5000, 0x9000),
 * found without reading an entry.  Inserting the new entry after
 * 0x4000 makes R full (4 slots); a fifth insert would split R into two
 * leaves of 2 and 3 and give the root a third slot.
 */

#include "uvm_map_priv.h"

#define UMT_SLOTS	VM_MAP_NODE_SLOTS
#define UMT_MIN		(VM_MAP_NODE_SLOTS / 2)
_Static_assert(UMT_SLOTS < 32, "umt_fitmask keeps a node's slots in an int");

/* ------------------------------------------------------------------ */
/* slots                                                               */

/* The largest gap in `nd' (what its parent's slot must say). */
static inline vsize_t
umt_maxgap(const struct vm_map_node *nd)
{
	const unsigned int n = nd->nslots;
	vsize_t g = 0, h = 0;
	unsigned int i;

	/*
	 * Two running maxima, two slots a step: half the loop overhead and
	 * two independent chains of conditional moves (no branch to
	 * mispredict).  An insert that takes a leaf's largest run needs
	 * this scan, and first fit often does.
	 */
	for (i = 0; i + 1 < n; i += 2) {
		vsize_t x = nd->gap[i], y = nd->gap[i + 1];

		g = x > g ? x : g;
		h = y > h ? y : h;
	}
	if (i < n)
		g = nd->gap[i] > g ? nd->gap[i] : g;
	return g > h ? g : h;
}

/* The slot of `child' in its parent (kept in the child: no scan). */
static inline unsigned int
umt_slot_of(const struct vm_map_node *child)
{
	KDASSERT(child->pslot < child->parent->nslots &&
	    child->parent->slot[child->pslot].child == child);
	return child->pslot;
}

/* Re-derive interior slot `s' of `p' from its child. */
static inline void
umt_fix_slot(struct vm_map_node *p, unsigned int s)
{
	const struct vm_map_node *c = p->slot[s].child;

	p->key[s] = c->key[0];
	p->gap[s] = umt_maxgap(c);
}

/*
 * umt_carry: `nd' changed and `gap' is its largest gap now; carry its
 * key and gap up.
 * => the tree above nd is as it was before the change (exact).
 * => stops at the first ancestor slot that comes out as it was: then
 *    nothing above can have changed either.  Above nd only one slot of
 *    each node changes, so a node's new largest gap follows from its
 *    old one (its parent's slot) without a scan unless the slot that
 *    shrank was the largest.
 */
static void
umt_carry(struct vm_map_node *nd, vsize_t gap)
{
	vaddr_t key = nd->key[0];

	while (nd->parent != NULL) {
		struct vm_map_node *p = nd->parent;
		unsigned int s = umt_slot_of(nd);
		vsize_t old = p->gap[s], pmax;

		if (p->key[s] == key && old == gap)
			return;
		p->key[s] = key;
		p->gap[s] = gap;
		if (p->parent == NULL)
			return;
		pmax = p->parent->gap[p->pslot];	/* p's old largest */
		if (gap < pmax && old == pmax)
			gap = umt_maxgap(p);	/* the largest shrank */
		else if (gap < pmax)
			gap = pmax;		/* it was another slot */
		key = p->key[0];
		nd = p;
	}
}

/* umt_refresh: `nd' changed in any way; carry its key and gap up. */
static void
umt_refresh(struct vm_map_node *nd)
{
	umt_carry(nd, umt_maxgap(nd));
}

/*
 * What a change did to a node's gaps, when the caller knows: no gap
 * larger than `shrunk' left the node or shrank, none larger than
 * `grown' arrived or grew (0: none).
 */
struct umt_chg {
	vsize_t	shrunk, grown;
};

/*
 * umt_refresh_chg: umt_refresh for a change described by `c' (NULL:
 * unknown).  nd's old largest gap is its parent's slot, so the new one
 * follows from c without reading nd's sixteen gaps unless the old
 * largest may have left and nothing as large arrived.  On a leaf that
 * is rare: an insert shrinks the run it was placed in, which is seldom
 * the leaf's largest, and a removal grows the predecessor's run by at
 * least the run that goes.
 */
static inline void
umt_refresh_chg(struct vm_map_node *nd, const struct umt_chg *c)
{
	vsize_t old, g;

	if (nd->parent == NULL)
		return;
	if (c == NULL) {
		umt_refresh(nd);
		return;
	}
	old = nd->parent->gap[nd->pslot];
	if (c->shrunk < old)
		g = c->grown > old ? c->grown : old;	/* the largest stayed */
	else if (c->grown >= old)
		g = c->grown;
	else
		g = umt_maxgap(nd);
	umt_carry(nd, g);
}

/*
 * Move `n' slots from src[from] to dst[to] (either direction); children
 * that move learn their new parent and slot.  One loop per array, so
 * each is a plain copy the compiler can widen.
 */
static void
umt_move(struct vm_map_node *dst, unsigned int to,
    const struct vm_map_node *src, unsigned int from, unsigned int n)
{
	unsigned int i;

	if (dst == src && to > from) {
		for (i = n; i-- > 0; )
			dst->key[to + i] = src->key[from + i];
		for (i = n; i-- > 0; )
			dst->gap[to + i] = src->gap[from + i];
		for (i = n; i-- > 0; )
			dst->slot[to + i] = src->slot[from + i];
	} else {
		for (i = 0; i < n; i++)
			dst->key[to + i] = src->key[from + i];
		for (i = 0; i < n; i++)
			dst->gap[to + i] = src->gap[from + i];
		for (i = 0; i < n; i++)
			dst->slot[to + i] = src->slot[from + i];
	}
	if (dst->leaf)
		return;
	for (i = to; i < to + n; i++) {
		dst->slot[i].child->parent = dst;
		dst->slot[i].child->pslot = (unsigned short)i;
	}
}

/*
 * The hot cases of umt_move, within one node: open slot i (slots i..n-1
 * move up one) and close it (i+1..n-1 move down).  Plain loops with
 * constant strides: a leaf insert or removal moves half a node on
 * average, and these are most of what an alloc+free pair copies.
 */
static inline void
umt_shift_up(struct vm_map_node *nd, unsigned int i)
{
	for (unsigned int j = nd->nslots; j > i; j--) {
		nd->key[j] = nd->key[j - 1];
		nd->gap[j] = nd->gap[j - 1];
		nd->slot[j] = nd->slot[j - 1];
	}
	if (!nd->leaf)
		for (unsigned int j = i + 1; j <= nd->nslots; j++)
			nd->slot[j].child->pslot = (unsigned short)j;
}

static inline void
umt_shift_down(struct vm_map_node *nd, unsigned int i)
{
	for (unsigned int j = i + 1; j < nd->nslots; j++) {
		nd->key[j - 1] = nd->key[j];
		nd->gap[j - 1] = nd->gap[j];
		nd->slot[j - 1] = nd->slot[j];
	}
	if (!nd->leaf)
		for (unsigned int j = i; j + 1 < nd->nslots; j++)
			nd->slot[j].child->pslot = (unsigned short)j;
}

static struct vm_map_node *
umt_node_new(struct vm_map *map, bool leaf)
{
	struct vm_map_node *nd = uvm_mapnode_alloc(map->uvm);

	/* uvm_init.c sizes the array for the worst case of every map */
	if (NEVER(nd == NULL))
		panic("uvm_map: map %p: no B-tree node left", (void *)map);
	nd->parent = NULL;
	nd->nslots = 0;
	nd->pslot = 0;
	nd->leaf = leaf;
	return nd;
}

/* ------------------------------------------------------------------ */
/* insert and remove                                                   */

/* Open slot `i' of `nd' (not full) and fill it. */
static void
umt_open(struct vm_map_node *nd, unsigned int i, vaddr_t key, vsize_t gap,
    union vm_map_slot ptr)
{
	KDASSERT(nd->nslots < UMT_SLOTS && i <= nd->nslots);
	umt_shift_up(nd, i);
	nd->key[i] = key;
	nd->gap[i] = gap;
	nd->slot[i] = ptr;
	nd->nslots++;
	if (!nd->leaf) {
		ptr.child->parent = nd;
		ptr.child->pslot = (unsigned short)i;
	}
}

/*
 * umt_put: insert a slot at `i' of `nd', splitting nodes up the tree as
 * they fill, and carry keys and gaps up.  `c' describes what the caller
 * did to nd's gaps before (shrunk), with the new slot's gap counted in
 * c->grown; NULL if unknown.
 */
static void
umt_put(struct vm_map *map, struct vm_map_node *nd, unsigned int i,
    vaddr_t key, vsize_t gap, union vm_map_slot ptr, const struct umt_chg *c)
{
	struct vm_map_node *r, *p;
	union vm_map_slot rp;
	struct umt_chg pc;

	if (nd->nslots < UMT_SLOTS) {
		umt_open(nd, i, key, gap, ptr);
		umt_refresh_chg(nd, c);
		return;
	}
	/* Full: the upper half goes to a new right sibling. */
	r = umt_node_new(map, nd->leaf);
	umt_move(r, 0, nd, UMT_MIN, UMT_SLOTS - UMT_MIN);
	r->nslots = UMT_SLOTS - UMT_MIN;
	nd->nslots = UMT_MIN;
	if (i <= UMT_MIN)
		umt_open(nd, i, key, gap, ptr);
	else
		umt_open(r, i - UMT_MIN, key, gap, ptr);

	rp.child = r;
	if (nd->parent == NULL) {
		/* The root split: a new root above the two halves. */
		p = umt_node_new(map, false);
		p->slot[0].child = nd;
		p->nslots = 1;
		nd->parent = p;
		nd->pslot = 0;
		umt_fix_slot(p, 0);
		map->root = p;
		umt_open(p, 1, r->key[0], umt_maxgap(r), rp);
		return;
	}
	p = nd->parent;
	i = umt_slot_of(nd);
	/* p's slot i shrinks to nd's half, r's slot arrives */
	pc.shrunk = p->gap[i];
	umt_fix_slot(p, i);
	gap = umt_maxgap(r);
	pc.grown = p->gap[i] > gap ? p->gap[i] : gap;
	umt_put(map, p, i + 1, r->key[0], gap, rp, &pc);
}

/*
 * umt_take: remove slot `i' of `nd'; an underfull node borrows a slot
 * from a sibling or merges with it, up the tree as needed.  `c' says
 * what happened to nd's gaps, the removed slot's counted in c->shrunk
 * (NULL: unknown).
 */
static void
umt_take(struct vm_map *map, struct vm_map_node *nd, unsigned int i,
    const struct umt_chg *c)
{
	struct vm_map_node *p, *l, *r;
	unsigned int s;

	umt_shift_down(nd, i);
	nd->nslots--;
	if (nd->parent == NULL) {
		if (nd->nslots == 0) {		/* the last entry went */
			map->root = NULL;
			uvm_mapnode_free(map->uvm, nd);
		} else if (!nd->leaf && nd->nslots == 1) {
			map->root = nd->slot[0].child;	/* one level less */
			map->root->parent = NULL;
			uvm_mapnode_free(map->uvm, nd);
		}
		return;
	}
	if (nd->nslots >= UMT_MIN) {
		umt_refresh_chg(nd, c);
		return;
	}
	p = nd->parent;
	s = umt_slot_of(nd);
	/* Work on the pair (l, r) = (left sibling, nd) or (nd, right). */
	if (s > 0) {
		l = p->slot[s - 1].child;
		r = nd;
		s--;
	} else {
		l = nd;
		r = p->slot[1].child;
	}
	if (l->nslots + r->nslots > UMT_SLOTS) {
		/* Borrow one slot across the boundary. */
		if (l == nd) {
			umt_move(l, l->nslots, r, 0, 1);
			l->nslots++;
			umt_move(r, 0, r, 1, r->nslots - 1);
			r->nslots--;
		} else {
			umt_move(r, 1, r, 0, r->nslots);
			umt_move(r, 0, l, l->nslots - 1, 1);
			r->nslots++;
			l->nslots--;
		}
		umt_fix_slot(p, s);
		umt_fix_slot(p, s + 1);
		umt_refresh(p);
		return;
	}
	/* Merge r into l and drop r's slot from the parent. */
	umt_move(l, l->nslots, r, 0, r->nslots);
	l->nslots += r->nslots;
	uvm_mapnode_free(map->uvm, r);
	umt_fix_slot(p, s);
	umt_take(map, p, s + 1, NULL);
}

/*
 * umt_insert: enter `e' into the index right after the entry at `pos'
 * (pos->node NULL: in front of every entry), with gap_after `gap'; the
 * entry at pos gets gap_after `prevgap'.
 * => map locked; e is already on the list.  pos is stale afterwards.
 */
void
umt_insert(struct vm_map *map, const struct umt_pos *pos,
    struct vm_map_entry *e, vsize_t gap, vsize_t prevgap)
{
	union vm_map_slot ptr;
	struct vm_map_node *nd = pos->node;
	struct umt_chg c;

	ptr.entry = e;
	if (map->root == NULL) {
		nd = umt_node_new(map, true);
		map->root = nd;
		umt_open(nd, 0, e->start, gap, ptr);
		return;
	}
	if (nd == NULL) {
		for (nd = map->root; !nd->leaf; nd = nd->slot[0].child)
			continue;
		c.shrunk = 0;
		c.grown = gap;
		umt_put(map, nd, 0, e->start, gap, ptr, &c);
		return;
	}
	KDASSERT(nd->leaf && nd->slot[pos->slot].entry == e->prev);
	/* prev's run is split into prevgap, e and gap */
	c.shrunk = nd->gap[pos->slot];
	c.grown = prevgap > gap ? prevgap : gap;
	nd->gap[pos->slot] = prevgap;
	umt_put(map, nd, pos->slot + 1, e->start, gap, ptr, &c);
}

/*
 * umt_remove: take the entry at `pos' out of the index; with `setprev',
 * the entry before it, in the same leaf (pos->slot > 0), gets gap_after
 * `prevgap' in the same step.
 * => map locked; a predecessor in another leaf is the caller's
 *    (umt_set, first).
 * => the predecessor's gap may shrink as well as grow: a mapping that
 *    merges with both neighbours fills the run between them before the
 *    second one goes.
 */
void
umt_remove(struct vm_map *map, const struct umt_pos *pos, bool setprev,
    vsize_t prevgap)
{
	struct vm_map_node *nd = pos->node;
	struct umt_chg c;

	KDASSERT(nd != NULL && nd->leaf && pos->slot < nd->nslots);
	c.shrunk = nd->gap[pos->slot];
	c.grown = 0;
	if (setprev) {
		vsize_t old;

		KDASSERT(pos->slot > 0);
		old = nd->gap[pos->slot - 1];
		if (prevgap > old)
			c.grown = prevgap;
		else if (old > c.shrunk)
			c.shrunk = old;
		nd->gap[pos->slot - 1] = prevgap;
	}
	umt_take(map, nd, pos->slot, &c);
}

/* umt_set: the entry at `pos' has start `key' and gap_after `gap' now. */
void
umt_set(const struct umt_pos *pos, vaddr_t key, vsize_t gap)
{
	struct vm_map_node *nd = pos->node;
	struct umt_chg c;
	vsize_t old = nd->gap[pos->slot];

	c.shrunk = gap < old ? old : 0;
	c.grown = gap > old ? gap : 0;
	nd->key[pos->slot] = key;
	nd->gap[pos->slot] = gap;
	umt_refresh_chg(nd, &c);
}

/* ------------------------------------------------------------------ */
/* lookup and search                                                   */

/*
 * umt_lookup: the last entry starting at or below `va' and its
 * position; NULL (pos->node NULL) if every entry starts above va.
 * => map locked.
 */
struct vm_map_entry *
umt_lookup(const struct vm_map *map, vaddr_t va, struct umt_pos *pos)
{
	struct vm_map_node *nd = map->root;
	unsigned int i;

	KDASSERT(mutex_owned(&map->lock));
	pos->node = NULL;
	pos->slot = 0;
	if (nd == NULL || va < nd->key[0])
		return NULL;
	for (;;) {
		/*
		 * Keys ascend, so the slot is the count of keys <= va, less
		 * one.  Counting every slot costs a compare and an add each
		 * but no branch: the scan that stopped at the first key
		 * above va mispredicted its exit once per level.
		 */
		const unsigned int n = nd->nslots;
		i = 0;
		for (unsigned int j = 0; j < n; j++)
			i += nd->key[j] <= va;
		i--;
		if (nd->leaf)
			break;
		nd = nd->slot[i].child;
	}
	pos->node = nd;
	pos->slot = i;
	return nd->slot[i].entry;
}

/* umt_locate: the position of `e', which is in the map. */
void
umt_locate(const struct vm_map *map, const struct vm_map_entry *e,
    struct umt_pos *pos)
{
	const struct vm_map_entry *f = umt_lookup(map, e->start, pos);

	KASSERTMSG(f == e, "uvm_map: map %p: entry [0x%llx,0x%llx) is not "
	    "where the index says (%p there)", (const void *)map,
	    (umap_ull)e->start, (umap_ull)e->end, (const void *)f);
}

/*
 * umt_fitmask: bit j set iff slot j of `nd' is in use and its gap is at
 * least `need'.  All sixteen compares, no branch: a loop that stopped at
 * the first big-enough gap mispredicted its exit at nearly every node
 * a search passed (about four mispredictions per allocation, measured
 * with callgrind's branch model at 10^3 live entries), and a mask also
 * hands the search every further candidate of the node for free.  The
 * gaps of slots past nslots are stale (whatever a shift left there, or
 * never written): they are read and masked off.
 */
static inline unsigned int
umt_fitmask(const struct vm_map_node *nd, vsize_t need)
{
	unsigned int m = 0;

	for (unsigned int j = 0; j < UMT_SLOTS; j++)
		m |= (unsigned int)(nd->gap[j] >= need) << j;
	return m & ((1u << nd->nslots) - 1);
}

/*
 * Deepest tree umt_search can walk: a node below the root has at least
 * eight children, so 2^32 entries are at most 12 levels; 32 leaves
 * room and matches the depth limit of uvm_map_sanity.
 */
#define UMT_MAXDEPTH	32

/*
 * umt_search: the lowest fitting start in a run after an entry, among
 * runs of at least rq->need_gap bytes, giving up after `budget' runs
 * that did not fit.  => true with *startp and the position of the entry
 * before it.  => map locked.
 *
 * Visits, in address order, the runs of at least need_gap bytes that
 * end at or above hint + size: depth first, descending into the first
 * child whose largest gap is big enough and whose range ends late
 * enough, and back up to the parent's next candidate when a subtree
 * holds no fit (only an aligned request meets one).  A loop rather than
 * a recursion; in each node the candidates are the set bits of a mask
 * (umt_fitmask), taken lowest first; the way back up is the child's
 * parent, with each level's bound and remaining candidates on a small
 * stack (an aligned search climbs back once per leaf it exhausts, and
 * re-deriving the parent's mask there was a quarter of its
 * instructions).
 */
bool
umt_search(const struct vm_map *map, const struct umt_req *rq,
    unsigned int budget, vaddr_t *startp, struct umt_pos *pos)
{
	const vsize_t need_gap = rq->need_gap;
	const vaddr_t need = rq->hint + rq->size;
	vaddr_t ubs[UMT_MAXDEPTH];
	unsigned int cands[UMT_MAXDEPTH];
	struct vm_map_node *nd = map->root;
	vaddr_t ub = map->max_offset, bound;
	unsigned int i, cand, depth = 0;

	if (nd == NULL)
		return false;
	cand = umt_fitmask(nd, need_gap);
	for (;;) {
		if (cand == 0) {
			/* nothing (more) here: the parent's next candidate */
			if (depth == 0)
				return false;
			nd = nd->parent;
			ub = ubs[--depth];
			cand = cands[depth];
			continue;
		}
		i = (unsigned int)__builtin_ctz(cand);
		cand &= cand - 1;
		bound = i + 1u < nd->nslots ? nd->key[i + 1] : ub;
		if (bound < need)
			continue;	/* the run ends below hint + size */
		if (!nd->leaf) {
			KASSERTMSG(depth < UMT_MAXDEPTH, "uvm_map: map %p: "
			    "B-tree deeper than %d", (const void *)map,
			    UMT_MAXDEPTH);
			ubs[depth] = ub;
			cands[depth++] = cand;
			ub = bound;
			nd = nd->slot[i].child;
			cand = umt_fitmask(nd, need_gap);
			continue;
		}
		/* the run after slot i's entry is [bound - gap, bound) */
		if (umap_fit(bound - nd->gap[i], bound, rq->hint, rq->size,
		    rq->amask, startp)) {
			pos->node = nd;
			pos->slot = i;
			return true;
		}
		if (budget-- == 0)
			return false;
	}
}

/* The largest gap after any entry (0 if none). */
vsize_t
umt_largest_gap(const struct vm_map *map)
{
	return map->root != NULL ? umt_maxgap(map->root) : 0;
}
