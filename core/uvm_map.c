/*
 * uvm_map.c: kernel maps -- entries, the gap-annotated AVL tree, first-fit
 * search with alignment, clipping, merging and the lookup hint.
 *
 * Model.  A map owns the VA range [min_offset, max_offset) and a set of
 * disjoint, page-aligned, non-empty entries.  Each entry sits on two
 * structures at once:
 *  - the address-ordered list (prev/next, map->first/last), which makes
 *    neighbour access O(1) for clip, merge and gap bookkeeping;
 *  - an AVL tree keyed by start, with parent pointers, where each node
 *    also carries gap_after (free bytes between its end and the next
 *    start, or max_offset) and max_gap (the largest gap_after in its
 *    subtree).  The free run in front of the first entry belongs to no
 *    node; it is computed from map->first when needed.
 * The search for `size' bytes skips every subtree whose max_gap < size,
 * so for page alignment it touches O(log n) nodes.  Every change that
 * moves an entry's end or its successor's start re-derives gap_after of
 * exactly one node (the predecessor) and walks max_gap up from there,
 * stopping as soon as an ancestor's value does not change.
 *
 * Ownership.  Entries come from uvm_mapent_alloc() and go back through
 * uvm_mapent_free(); this file never keeps one after unlinking it.  All
 * mutations happen under map->lock, and the static helpers below assert
 * it.  A WAITVA mapping that finds no room sets map->wantva under the
 * lock and sleeps on the map; uvm_unmap1 clears it and wakes the map's
 * sleepers once VA is free, as NetBSD's uvm_unmap_remove does.  The
 * checker, uvm_map_sanity(), is in uvm_map_sanity.c: it re-derives
 * everything this file maintains.
 *
 * Worked example.  A map over [0xf0000000, 0xf0100000) holds
 *	A [0xf0000000, 0xf0003000)   gap_after 0x2000
 *	B [0xf0005000, 0xf0006000)   gap_after 0xfa000 (up to max_offset)
 * uvm_map(size 0x2000, align 0x4000, hint 0):
 *  - gap before A: 0 bytes, no fit;
 *  - A's gap [0xf0003000, 0xf0005000) is 0x2000 long, but 0xf0003000
 *    rounded up to 0x4000 is 0xf0004000, which leaves only 0x1000;
 *  - B's gap starts at 0xf0006000, rounds up to 0xf0008000, and
 *    0xf0008000 + 0x2000 <= 0xf0100000: fit.
 * The new entry C = [0xf0008000, 0xf000a000) goes after B; B's gap_after
 * becomes 0x2000, C's 0xf6000.  A later uvm_unmap(0xf0001000, 0xf0002000)
 * clips A into [0xf0000000,0xf0001000) and [0xf0002000,0xf0003000)
 * (one new entry) -- unless A is QUANTUM, which is a caller bug.
 */

#include "uvm_map_priv.h"
#include "uvm_priv.h"

/* Entry flags that forbid growing an entry into its neighbour's VA. */
#define UMAP_NOMERGE_FLAGS \
	(UVM_MAP_QUANTUM | UVM_MAP_NOMERGE | UVM_MAP_SUBMAP | UVM_MAP_FIRST)


/* ------------------------------------------------------------------ */
/* predicates for the assertions                                       */

/* ------------------------------------------------------------------ */
/* tree primitives                                                     */

static inline int
umap_height(const struct vm_map_entry *e)
{
	return e != NULL ? e->height : 0;
}

static inline vsize_t
umap_maxgap(const struct vm_map_entry *e)
{
	return e != NULL ? e->max_gap : 0;
}

/* The free run in front of the first entry (the whole map when empty). */
static inline vsize_t
umap_first_gap(const struct vm_map *map)
{
	return (map->first != NULL ? map->first->start : map->max_offset) -
	    map->min_offset;
}

/* Re-derive height and max_gap of `e' from its children. */
static inline void
umap_recompute(struct vm_map_entry *e)
{
	int hl = umap_height(e->left), hr = umap_height(e->right);
	vsize_t g = e->gap_after;
	vsize_t gl = umap_maxgap(e->left), gr = umap_maxgap(e->right);

	e->height = 1 + (hl > hr ? hl : hr);
	if (gl > g)
		g = gl;
	if (gr > g)
		g = gr;
	e->max_gap = g;
}

/* Put `nw' (may be NULL) where `old' hangs from its parent. */
static inline void
umap_replace_child(struct vm_map *map, struct vm_map_entry *old,
    struct vm_map_entry *nw)
{
	struct vm_map_entry *p = old->parent;

	if (nw != NULL)
		nw->parent = p;
	if (p == NULL)
		map->root = nw;
	else if (p->left == old)
		p->left = nw;
	else
		p->right = nw;
}

static struct vm_map_entry *
umap_rotate_left(struct vm_map *map, struct vm_map_entry *x)
{
	struct vm_map_entry *y = x->right;

	x->right = y->left;
	if (y->left != NULL)
		y->left->parent = x;
	umap_replace_child(map, x, y);
	y->left = x;
	x->parent = y;
	umap_recompute(x);
	umap_recompute(y);
	return y;
}

static struct vm_map_entry *
umap_rotate_right(struct vm_map *map, struct vm_map_entry *x)
{
	struct vm_map_entry *y = x->left;

	x->left = y->right;
	if (y->right != NULL)
		y->right->parent = x;
	umap_replace_child(map, x, y);
	y->right = x;
	x->parent = y;
	umap_recompute(x);
	umap_recompute(y);
	return y;
}

/* Restore the AVL property at `e'; returns the subtree's new root. */
static struct vm_map_entry *
umap_rebalance(struct vm_map *map, struct vm_map_entry *e)
{
	int bal = umap_height(e->left) - umap_height(e->right);

	if (bal > 1) {
		if (umap_height(e->left->left) < umap_height(e->left->right))
			umap_rotate_left(map, e->left);
		return umap_rotate_right(map, e);
	}
	if (bal < -1) {
		if (umap_height(e->right->right) < umap_height(e->right->left))
			umap_rotate_right(map, e->right);
		return umap_rotate_left(map, e);
	}
	umap_recompute(e);
	return e;
}

/*
 * umap_fixup: rebalance and re-annotate from `e' up towards the root
 * after a structural change below `e'.
 * => the walk stops at the first subtree whose height and max_gap came
 *    out as before (nothing above can change), but never below `must',
 *    a node whose stored values are not yet trustworthy.
 */
static void
umap_fixup(struct vm_map *map, struct vm_map_entry *e,
    const struct vm_map_entry *must)
{
	bool may_stop = (must == NULL);

	while (e != NULL) {
		int oh = e->height;
		vsize_t og = e->max_gap;
		struct vm_map_entry *r;

		if (e == must)
			may_stop = true;
		r = umap_rebalance(map, e);
#if KMFUZZ_PLANT == KMFUZZ_PLANT_GAPUP
		if (may_stop && r->height == oh)
			return;
#endif
		if (may_stop && r->height == oh && r->max_gap == og)
			return;
		e = r->parent;
	}
}

/*
 * umap_gapfix: `e's gap_after changed; carry max_gap up the tree.
 * => the tree is otherwise exact: stop where a value does not change.
 */
static void
umap_gapfix(struct vm_map_entry *e)
{
	while (e != NULL) {
		vsize_t og = e->max_gap;

		umap_recompute(e);
		if (e->max_gap == og)
			return;
		e = e->parent;
	}
}

/*
 * umap_link: put `e' (start/end set) into list and tree after `prev'
 * (NULL: at the front).
 * => map locked; [e->start, e->end) lies in the free run after prev.
 * => nentries is counted here; map->size is the caller's.
 */
static void
umap_link(struct vm_map *map, struct vm_map_entry *e,
    struct vm_map_entry *prev)
{
	struct vm_map_entry *next = prev != NULL ? prev->next : map->first;

	KDASSERT(mutex_owned(&map->lock));
	KDASSERT(prev == NULL || prev->end <= e->start);
	KDASSERT(next == NULL || e->end <= next->start);

	e->prev = prev;
	e->next = next;
	if (prev != NULL)
		prev->next = e;
	else
		map->first = e;
	if (next != NULL)
		next->prev = e;
	else
		map->last = e;

	e->left = e->right = NULL;
	e->height = 1;
	e->gap_after = umap_gap_end(map, e) - e->end;
	e->max_gap = e->gap_after;
	if (prev != NULL)
		prev->gap_after = e->start - prev->end;

	/*
	 * The in-order slot after prev is prev's empty right child, or else
	 * the empty left child of its successor (the leftmost node of
	 * prev's right subtree).  Either way prev is an ancestor of e, so
	 * one walk from e up covers prev's changed gap as well -- but the
	 * walk may stop early, hence the separate gapfix.
	 */
	if (map->root == NULL) {
		e->parent = NULL;
		map->root = e;
	} else if (prev != NULL && prev->right == NULL) {
		e->parent = prev;
		prev->right = e;
	} else {
		KASSERT(next != NULL && next->left == NULL);
		e->parent = next;
		next->left = e;
	}
	umap_fixup(map, e->parent, NULL);
	if (prev != NULL)
		umap_gapfix(prev);
	map->nentries++;
}

/*
 * umap_unlink: take `e' out of list and tree; the caller frees it.
 * => map locked; nentries is counted here; map->size is the caller's.
 */
static void
umap_unlink(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *prev = e->prev, *next = e->next;
	struct vm_map_entry *from, *must = NULL;

	KDASSERT(mutex_owned(&map->lock));
	if (prev != NULL)
		prev->next = next;
	else
		map->first = next;
	if (next != NULL)
		next->prev = prev;
	else
		map->last = prev;
	if (prev != NULL)
		prev->gap_after = umap_gap_end(map, prev) - prev->end;
	if (map->hint == e)
		map->hint = prev;

	if (e->left == NULL || e->right == NULL) {
		from = e->parent;
		umap_replace_child(map, e, e->left != NULL ? e->left : e->right);
	} else {
		/*
		 * Two children: the successor (leftmost of the right
		 * subtree, no left child) takes e's place.  It inherits e's
		 * stored height and max_gap so the walk compares against
		 * what e's parent saw, and `must' keeps the walk going
		 * until the successor itself has been recomputed.
		 */
		struct vm_map_entry *s = next;

		if (s->parent == e) {
			from = s;
		} else {
			from = s->parent;
			from->left = s->right;
			if (s->right != NULL)
				s->right->parent = from;
			s->right = e->right;
			s->right->parent = s;
		}
		s->left = e->left;
		s->left->parent = s;
		umap_replace_child(map, e, s);
		s->height = e->height;
		s->max_gap = e->max_gap;
		must = s;
	}
	umap_fixup(map, from, must);
	if (prev != NULL)
		umap_gapfix(prev);
	map->nentries--;
	e->left = e->right = e->parent = e->prev = e->next = NULL;
}

/* ------------------------------------------------------------------ */
/* lookup and search                                                   */

/*
 * umap_lookup: the entry containing `va' (true) or the last one before
 * it (false; NULL if none).  Tries map->hint first, then the tree, and
 * leaves the answer in the hint.
 * => map locked.
 */
static bool
umap_lookup(struct vm_map *map, vaddr_t va, struct vm_map_entry **entryp)
{
	struct vm_map_entry *e = map->hint, *best = NULL;

	KDASSERT(mutex_owned(&map->lock));
	if (e != NULL && e->start <= va &&
	    (e->next == NULL || va < e->next->start)) {
		best = e;
	} else {
		for (e = map->root; e != NULL; ) {
			if (va < e->start) {
				e = e->left;
			} else {
				best = e;
				if (va < e->end)
					break;
				e = e->right;
			}
		}
	}
	if (best != NULL)
		map->hint = best;
	*entryp = best;
	return best != NULL && va < best->end;
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

/*
 * The walk below visits every run big enough for `size'.  Unaligned
 * (amask 0) the first one visited fits, so it costs O(log n).  With
 * alignment a big-enough run may still not fit once aligned, and a map
 * fragmented into many such runs would make an exact first fit linear.
 * So the exact walk gets UMAP_EXACT_VISITS runs; past that the search
 * starts over asking for runs of size + alignment - PAGE_SIZE, which
 * always fit, and is O(log n) again.  The answer is then the lowest
 * run that surely fits rather than the lowest that happens to.
 */
#define UMAP_EXACT_VISITS	64

static bool
umap_walk(const struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t need_gap, vsize_t amask, unsigned int budget, vaddr_t *startp,
    struct vm_map_entry **prevp)
{
	struct vm_map_entry *e = map->root;
	/* A run ending before hint + size cannot hold the request. */
	const vaddr_t need = hint + size;

	if (e == NULL || e->max_gap < need_gap)
		return false;
	/*
	 * In-order walk with pruning: go left only when the left subtree
	 * has a big enough run that can end at or above `need' (its runs
	 * all end by e->start), go right only when max_gap allows.
	 */
	for (;;) {
		while (e->left != NULL && e->left->max_gap >= need_gap &&
		    e->start >= need)
			e = e->left;
		for (;;) {
			if (e->gap_after >= need_gap) {
				if (umap_fit(e->end, e->end + e->gap_after, hint,
				    size, amask, startp)) {
					*prevp = e;
					return true;
				}
				if (budget-- == 0)
					return false;
			}
			if (e->right != NULL && e->right->max_gap >= need_gap) {
				e = e->right;
				break;
			}
			/* up to the first ancestor we are left of */
			while (e->parent != NULL && e == e->parent->right)
				e = e->parent;
			e = e->parent;
			if (e == NULL)
				return false;
		}
	}
}

/*
 * umap_findspace: the lowest aligned start >= hint with `size' free
 * bytes after it (see above for the bound on aligned searches).
 * => map locked; hint <= max_offset - size (the caller checked).
 * => returns true with *startp and *prevp (the entry whose gap is used,
 *    NULL for the run in front of the first entry), else false.
 */
static bool
umap_findspace(const struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t amask, vaddr_t *startp, struct vm_map_entry **prevp)
{
	KDASSERT(mutex_owned(&map->lock));
	*prevp = NULL;
	if (umap_fit(map->min_offset, map->min_offset + umap_first_gap(map),
	    hint, size, amask, startp))
		return true;
	if (umap_walk(map, hint, size, size, amask, UMAP_EXACT_VISITS, startp,
	    prevp))
		return true;
	if (amask == 0)
		return false;	/* unaligned, the exact walk saw every run */
	vsize_t sure = size + amask + 1 - PAGE_SIZE;
	if (sure < size)
		return false;	/* overflow: nothing that large exists */
	return umap_walk(map, hint, size, sure, amask, ~0u, startp, prevp);
}

/* ------------------------------------------------------------------ */
/* setup, map, unmap                                                   */

/*
 * uvm_map_setup_kernel: make an empty kernel map over [min, max).
 * => min < max, both page aligned; vmk is not in use (nobody else can
 *    see it until the caller publishes it).
 */
void
uvm_map_setup_kernel(struct vm_map_kernel *vmk, struct uvm *uvm,
    vaddr_t min, vaddr_t max, int flags)
{
	struct vm_map *map = &vmk->vmk_map;

	KASSERT(vmk != NULL && uvm != NULL);
	KASSERTMSG(min < max && umap_page_aligned_p(min) &&
	    umap_page_aligned_p(max),
	    "uvm_map_setup_kernel: bad range [0x%llx,0x%llx)",
	    (umap_ull)min, (umap_ull)max);

	uvm_memset(vmk, 0, sizeof(*vmk));
	map->uvm = uvm;
	map->pmap = uvm->pmap;
	map->min_offset = min;
	map->max_offset = max;
	map->flags = flags;
	mutex_init(&map->lock);
}

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
 * umap_space: find room under the lock.  FIXED asks for exactly `start'.
 * => map locked.  0 with *startp and *prevp set, or ENOMEM.
 */
static int
umap_space(struct vm_map *map, vaddr_t hint, vsize_t size, vsize_t amask,
    uvm_flag_t flags, vaddr_t *startp, struct vm_map_entry **prevp)
{
	struct vm_map_entry *next;

	KDASSERT(mutex_owned(&map->lock));
	if ((flags & UVM_FLAG_FIXED) == 0)
		return umap_findspace(map, hint, size, amask, startp, prevp) ?
		    0 : ENOMEM;
	if (umap_lookup(map, hint, prevp))
		return ENOMEM;		/* hint lies inside an entry */
	next = *prevp != NULL ? (*prevp)->next : map->first;
	if (next != NULL && next->start - hint < size)
		return ENOMEM;
	*startp = hint;
	return 0;
}

/*
 * uvm_map: reserve `size' bytes of `map' and describe them by one entry
 * (a new one, or a neighbour grown over them).
 * => size page aligned and > 0; align 0 or a power of two (below a page
 *    it is page alignment, as in NetBSD); with FIXED *startp aligned to
 *    both PAGE_SIZE and align.  EINVAL if not, as for a protection
 *    outside the maximum protection.
 * => obj NULL or the kernel object; with it, uoffset UVM_UNKNOWN_OFFSET
 *    or (FIXED) the offset the address implies (the offset rule).
 * => map unlocked by the caller (mutex_enter/tryenter catch it if not);
 *    may sleep on the map for VA (WAITVA w/o NOWAIT), lock dropped.
 * => 0 and *startp set; ENOMEM (no VA, no entry), EAGAIN (TRYLOCK and
 *    the lock is busy), EINVAL; nothing changed on failure.
 */
int
uvm_map(struct vm_map *map, vaddr_t *startp, vsize_t size,
    struct uvm_object *obj, voff_t uoffset, vsize_t align, uvm_flag_t flags)
{
	const vm_prot_t prot = UVM_PROTECTION(flags);
	const vm_prot_t maxprot = UVM_MAXPROTECTION(flags);
	struct vm_map_entry *prev, *next, *e;
	vaddr_t hint, start = 0;
	vsize_t amask;
	voff_t off;
	bool back, fwd;

	KASSERT(map != NULL && startp != NULL);
	KASSERTMSG(obj == NULL || obj == map->uvm->kernel_object,
	    "uvm_map: map %p: object %p is not the kernel object",
	    (void *)map, (void *)obj);

	if (size == 0 || (size & PAGE_MASK) != 0)
		return EINVAL;
	/*
	 * A power of two below a page asks for no more than every page
	 * start already has: NetBSD rounds the start up to it, a no-op.
	 */
	if ((align & (align - 1)) != 0)
		return EINVAL;
	if ((prot & maxprot) != prot)
		return EINVAL;
	amask = (align > PAGE_SIZE ? align : PAGE_SIZE) - 1;
	hint = *startp;
	if (flags & UVM_FLAG_FIXED) {
		if (hint & amask)
			return EINVAL;
	} else {
		if (hint < map->min_offset)
			hint = map->min_offset;
		if (round_page(hint) < hint)
			return ENOMEM;	/* hint in the last page of VA */
		hint = round_page(hint);
	}
	/*
	 * The kernel object is indexed by address: pageout and fault find
	 * a page's VA as kernel map min + offset, so any other offset
	 * would make them unmap or fill the wrong VA.  An explicit offset
	 * therefore needs a FIXED start, and must be the one it implies.
	 */
	KASSERTMSG(obj == NULL || uoffset == UVM_UNKNOWN_OFFSET ||
	    ((flags & UVM_FLAG_FIXED) &&
	    uoffset == hint - vm_map_min(map->uvm->kernel_map)),
	    "uvm_map: kernel object offset 0x%lx for va 0x%lx%s breaks the "
	    "offset rule", (unsigned long)uoffset, (unsigned long)hint,
	    (flags & UVM_FLAG_FIXED) ? "" : " (not FIXED)");
	/* Requests no unmap could ever satisfy fail now, never wait. */
	if (hint < map->min_offset || hint > map->max_offset ||
	    map->max_offset - hint < size)
		return ENOMEM;

	for (;;) {
		if (!mutex_tryenter(&map->lock)) {
			if (flags & UVM_FLAG_TRYLOCK)
				return EAGAIN;
			mutex_enter(&map->lock);
		}
		if (umap_space(map, hint, size, amask, flags, &start,
		    &prev) == 0)
			break;
		if ((flags & (UVM_FLAG_WAITVA | UVM_FLAG_NOWAIT)) !=
		    UVM_FLAG_WAITVA) {
			mutex_exit(&map->lock);
			return ENOMEM;
		}
		/* The next unmap of this map wakes us; then search again. */
		map->wantva = true;
		mutex_exit(&map->lock);
		uvm_sleep(map->uvm, UVM_WAIT_VA, map, "vmapva");
	}

	if (uoffset == UVM_UNKNOWN_OFFSET)
		off = obj != NULL ?
		    start - vm_map_min(map->uvm->kernel_map) : 0;
	else
		off = uoffset;


	/*
	 * Merge: grow prev forward and/or next backward over the new
	 * range when nothing would tell them apart afterwards.
	 */
	next = prev != NULL ? prev->next : map->first;
	back = fwd = false;
	if ((flags & (UVM_FLAG_QUANTUM | UVM_FLAG_NOMERGE)) == 0) {
		back = prev != NULL && prev->end == start &&
		    umap_mergeable_p(prev, obj, prot, maxprot) &&
		    (obj == NULL ||
		     prev->offset + (prev->end - prev->start) == off);
		fwd = next != NULL && next->start == start + size &&
		    umap_mergeable_p(next, obj, prot, maxprot) &&
		    (obj == NULL || off + size == next->offset);
	}

	if (back && fwd) {
		prev->end = next->end;
		umap_unlink(map, next);	/* re-derives prev's gap */
		uvm_mapent_free(map->uvm, next);
		e = prev;
	} else if (back) {
		prev->end += size;
#if KMFUZZ_PLANT != KMFUZZ_PLANT_MERGE
		prev->gap_after -= size;
#endif
		umap_gapfix(prev);
		e = prev;
	} else if (fwd) {
		next->start = start;
		if (obj != NULL)
			next->offset = off;
		if (prev != NULL) {
			prev->gap_after -= size;
			umap_gapfix(prev);
		}
		e = next;
	} else {
		e = uvm_mapent_alloc(map->uvm);
		if (e == NULL) {
			mutex_exit(&map->lock);
			return ENOMEM;
		}
		e->start = start;
		e->end = start + size;
		e->object.uvm_obj = obj;
		e->offset = off;
		e->protection = prot;
		e->max_protection = maxprot;
		/* UVM_MAP_ALLOCATED belongs to the entry allocator. */
		e->flags = (e->flags & UVM_MAP_ALLOCATED) | UVM_MAP_KERNEL |
		    ((flags & UVM_FLAG_QUANTUM) ? UVM_MAP_QUANTUM : 0) |
		    ((flags & UVM_FLAG_NOMERGE) ? UVM_MAP_NOMERGE : 0);
		umap_link(map, e, prev);
	}
	map->hint = e;
	map->size += size;
	map->timestamp++;
	mutex_exit(&map->lock);
	*startp = start;
	return 0;
}

/*
 * umap_clip: split `e' at `va' into [start, va) (e) and [va, end) (new).
 * => map locked; e->start < va < e->end; e is not QUANTUM.
 * => panics if no entry is left: kernel maps cannot fail an unmap.
 */
static void
umap_clip(struct vm_map *map, struct vm_map_entry *e, vaddr_t va)
{
	struct vm_map_entry *n;

	KDASSERT(mutex_owned(&map->lock));
	KASSERT(e->start < va && va < e->end && umap_page_aligned_p(va));
	KASSERT((e->flags & UVM_MAP_QUANTUM) == 0);

	n = uvm_mapent_alloc(map->uvm);
	if (NEVER(n == NULL))
		panic("uvm_unmap: map %p: no map entry left to clip "
		    "[0x%llx,0x%llx) at 0x%llx", (void *)map,
		    (umap_ull)e->start, (umap_ull)e->end, (umap_ull)va);
	n->start = va;
	n->end = e->end;
	n->object = e->object;
#if KMFUZZ_PLANT == KMFUZZ_PLANT_CLIP
	n->offset = e->offset;
#else
	n->offset = e->object.uvm_obj != NULL ?
	    e->offset + (va - e->start) : e->offset;
#endif
	n->protection = e->protection;
	n->max_protection = e->max_protection;
	n->flags = (n->flags & UVM_MAP_ALLOCATED) |
	    (e->flags & ~UVM_MAP_ALLOCATED);
	e->end = va;
	umap_link(map, n, e);	/* e's gap_after becomes 0 */
}

/*
 * umap_release: give back what backs [e->start, e->end) before the
 * entry goes.  Kernel-object entries are pageable (managed mappings);
 * entries without an object are wired (unmanaged mappings).
 * => map locked (the VA is not free until the pages are gone).
 */
static void
umap_release(struct vm_map *map, const struct vm_map_entry *e)
{
	KDASSERT(mutex_owned(&map->lock));
	if (e->object.uvm_obj == map->uvm->kernel_object &&
	    e->object.uvm_obj != NULL) {
		pmap_remove(map->pmap, e->start, e->end);
		uvm_km_pgremove(map->uvm, e->start, e->end);
	} else if (e->object.uvm_obj == NULL) {
		uvm_km_pgremove_intrsafe(map, e->start, e->end);
		pmap_kremove(map->pmap, e->start, e->end - e->start);
	}
}

/*
 * uvm_unmap1: remove every mapping in [start, end); holes are fine.
 * => start < end, page aligned, inside the map; map unlocked.
 * => no QUANTUM entry crosses start or end (a uvm_km_free with a wrong
 *    address or size) and no submap entry lies in the range.
 * => without UVM_FLAG_VAONLY pages are freed and unmapped too (a busy
 *    page is waited for with the map locked, see uvm_sleep).
 * => pmap_update() has run on return; sleepers for VA are woken.
 */
void
uvm_unmap1(struct vm_map *map, vaddr_t start, vaddr_t end, uvm_flag_t flags)
{
	struct vm_map_entry *e, *x, *nx;

	KASSERT(map != NULL);
	KASSERTMSG(umap_page_aligned_p(start) && umap_page_aligned_p(end) &&
	    umap_range_in_map_p(map, start, end),
	    "uvm_unmap: map %p: bad range [0x%llx,0x%llx) for map "
	    "[0x%llx,0x%llx)", (void *)map, (umap_ull)start, (umap_ull)end,
	    (umap_ull)map->min_offset, (umap_ull)map->max_offset);

	mutex_enter(&map->lock);
	if (!umap_lookup(map, start, &e))
		e = e != NULL ? e->next : map->first;

	/* Check the whole range before changing anything. */
	for (x = e; x != NULL && x->start < end; x = x->next) {
		KASSERTMSG((x->flags & UVM_MAP_QUANTUM) == 0 ||
		    (start <= x->start && x->end <= end),
		    "uvm_unmap: map %p: clipping quantum entry [0x%llx,0x%llx)"
		    " at 0x%llx (uvm_km_free with a wrong address or size?)",
		    (void *)map, (umap_ull)x->start, (umap_ull)x->end,
		    (umap_ull)(x->start < start ? start : end));
		KASSERTMSG((x->flags & UVM_MAP_SUBMAP) == 0,
		    "uvm_unmap: map %p: [0x%llx,0x%llx) would remove submap "
		    "entry [0x%llx,0x%llx)", (void *)map, (umap_ull)start,
		    (umap_ull)end, (umap_ull)x->start, (umap_ull)x->end);
		if (x->end >= end)
			break;
	}

	if (e != NULL && e->start < start) {
		umap_clip(map, e, start);
		e = e->next;
	}
	for (x = e; x != NULL && x->start < end; x = nx) {
		if (x->end > end)
			umap_clip(map, x, end);
		nx = x->next;
		if ((flags & UVM_FLAG_VAONLY) == 0)
			umap_release(map, x);
		map->size -= x->end - x->start;
		umap_unlink(map, x);
		uvm_mapent_free(map->uvm, x);
	}
	map->timestamp++;
	pmap_update(map->pmap);
	if (map->wantva) {
		map->wantva = false;
		uvm_platform_wakeup(map->uvm, map);
	}
	mutex_exit(&map->lock);
}

/* ------------------------------------------------------------------ */
/* submaps and queries                                                 */

/*
 * uvm_map_submap: let `submap' manage [start, end) of `map'.
 * => [start, end) is exactly one entry without object, not a submap,
 *    and submap covers exactly that range and has no parent yet.
 * => map unlocked (mutex_enter catches it if not).  0, or EINVAL with
 *    nothing changed.
 */
int
uvm_map_submap(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map *submap)
{
	struct vm_map_entry *e;
	int error = EINVAL;

	KASSERT(map != NULL && submap != NULL && submap != map);

	mutex_enter(&map->lock);
	if (umap_lookup(map, start, &e) && e->start == start &&
	    e->end == end && e->object.uvm_obj == NULL &&
	    (e->flags & UVM_MAP_SUBMAP) == 0 &&
	    submap->min_offset == start && submap->max_offset == end &&
	    submap->parent == NULL) {
		e->flags |= UVM_MAP_SUBMAP;
		e->object.sub_map = submap;
		submap->parent = map;
		map->timestamp++;
		error = 0;
	}
	mutex_exit(&map->lock);
	return error;
}

/*
 * uvm_map_lookup_entry: the entry containing `va' (true), or the entry
 * before it (false, NULL if none).  Updates the hint.
 * => map locked by the caller (entries are only stable under the lock).
 */
bool
uvm_map_lookup_entry(struct vm_map *map, vaddr_t va,
    struct vm_map_entry **entryp)
{
	KASSERT(map != NULL && entryp != NULL);
	KASSERTMSG(mutex_owned(&map->lock),
	    "uvm_map_lookup_entry: map %p not locked", (void *)map);

	return umap_lookup(map, va, entryp);
}

/*
 * uvm_map_checkrange: is [start, end) covered by entries, without holes?
 * => takes the map lock unless the caller already holds it.
 */
bool
uvm_map_checkrange(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;
	bool locked, ok;

	KASSERT(map != NULL);
	if (start >= end)
		return false;
	locked = mutex_owned(&map->lock);
	if (!locked)
		mutex_enter(&map->lock);
	ok = umap_lookup(map, start, &e);
	while (ok && e->end < end) {
		ok = e->next != NULL && e->next->start == e->end;
		e = e->next;
	}
	if (!locked)
		mutex_exit(&map->lock);
	return ok;
}

/* Submaps take no entries from their parent here (see core/README.md). */
vsize_t
uvm_mapent_overhead(vsize_t size, int flags)
{
	(void)size;
	(void)flags;
	return 0;
}

/*
 * The largest free run: the one in front of the first entry or max_gap.
 * => quiescent (see uvm_map.h); takes no lock.
 */
vsize_t
uvm_map_largest_gap(const struct vm_map *map)
{
	vsize_t g = umap_first_gap(map);

	KASSERT(map != NULL);
	return map->root != NULL && map->root->max_gap > g ?
	    map->root->max_gap : g;
}
