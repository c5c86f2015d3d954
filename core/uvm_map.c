/*
 * uvm_map.c: kernel maps -- entries, first-fit search with alignment,
 * clipping, merging and the lookup hint.
 *
 * Model.  A map owns the VA range [min_offset, max_offset) and a set of
 * disjoint, page-aligned, non-empty entries.  Each entry sits on two
 * structures at once:
 *  - the address-ordered list (prev/next, map->first/last), which makes
 *    neighbour access O(1) for clip, merge and gap bookkeeping;
 *  - the index, a B-tree of wide nodes keyed by start whose slots carry
 *    the free gap after each entry and the largest gap below each child
 *    (uvm_map_tree.c).  The free run in front of the first entry is in
 *    no slot; it is computed from map->first when needed.
 * This file keeps the two in step: every change that moves an entry's
 * end or its successor's start tells the index the predecessor's new
 * gap, and the index carries it up.  Operations locate an entry once
 * (the search or the lookup yields its leaf slot) and hand that position
 * back to the index, so a free does one descent, not two.
 *
 * Ownership.  Entries come from uvm_mapent_alloc() and go back through
 * uvm_mapent_free(); this file never keeps one after unlinking it.  All
 * mutations happen under map->lock, and the static helpers below assert
 * it.  A WAITVA mapping that finds no room sets map->wantva under the
 * lock and sleeps on the map; uvm_unmap1 clears it and wakes the map's
 * sleepers once VA is free, as NetBSD's uvm_unmap_remove does.  The
 * checker, uvm_map_sanity(), is in uvm_map_sanity.c: it re-derives
 * everything this file and the index maintain.
 *
 * Worked example.  A map over [0xf0000000, 0xf0100000) holds
 *	A [0xf0000000, 0xf0003000)   gap after 0x2000
 *	B [0xf0005000, 0xf0006000)   gap after 0xfa000 (up to max_offset)
 * uvm_map(size 0x2000, align 0x4000, hint 0):
 *  - gap before A: 0 bytes, no fit;
 *  - A's gap [0xf0003000, 0xf0005000) is 0x2000 long, but 0xf0003000
 *    rounded up to 0x4000 is 0xf0004000, which leaves only 0x1000;
 *  - B's gap starts at 0xf0006000, rounds up to 0xf0008000, and
 *    0xf0008000 + 0x2000 <= 0xf0100000: fit.
 * The new entry C = [0xf0008000, 0xf000a000) goes after B; B's gap
 * becomes 0x2000, C's 0xf6000.  A later uvm_unmap(0xf0001000, 0xf0002000)
 * clips A into [0xf0000000,0xf0001000) and [0xf0002000,0xf0003000)
 * (one new entry) -- unless A is QUANTUM, which is a caller bug.
 */

#include "uvm_map_priv.h"

/* The free run in front of the first entry (the whole map when empty). */
static inline vsize_t
umap_first_gap(const struct vm_map *map)
{
	return (map->first != NULL ? map->first->start : map->max_offset) -
	    map->min_offset;
}

/* ------------------------------------------------------------------ */
/* list and index together                                             */

/*
 * umap_link: put `e' (start/end set) on the list after `prev' (NULL: at
 * the front) and into the index after `pos', prev's position.
 * => map locked; [e->start, e->end) lies in the free run after prev.
 * => nentries is counted here; map->size is the caller's.  pos is stale
 *    afterwards.
 */
static void
umap_link(struct vm_map *map, struct vm_map_entry *e,
    struct vm_map_entry *prev, const struct umt_pos *pos)
{
	struct vm_map_entry *next = prev != NULL ? prev->next : map->first;

	KDASSERT(mutex_owned(&map->lock));
	KDASSERT(prev == NULL || prev->end <= e->start);
	KDASSERT(next == NULL || e->end <= next->start);
	KDASSERT((pos->node == NULL) == (prev == NULL));

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
	umt_insert(map, pos, e, umap_gap_end(map, e) - e->end,
	    prev != NULL ? e->start - prev->end : 0);
	map->nentries++;
}

/*
 * umap_unlink: take `e', at `pos', off list and index; the caller frees
 * it.  The predecessor's gap grows by e's VA and e's gap.
 * => map locked; nentries is counted here; map->size is the caller's.
 */
static void
umap_unlink(struct vm_map *map, struct vm_map_entry *e,
    const struct umt_pos *pos)
{
	struct vm_map_entry *prev = e->prev, *next = e->next;
	bool setprev = false;
	vsize_t prevgap = 0;

	KDASSERT(mutex_owned(&map->lock));
	KDASSERT(pos->node->slot[pos->slot].entry == e);
	if (prev != NULL)
		prev->next = next;
	else
		map->first = next;
	if (next != NULL)
		next->prev = prev;
	else
		map->last = prev;
	if (map->hint == e)
		map->hint = prev;
	if (prev != NULL && pos->slot > 0) {
		/* same leaf: the removal sets it and carries both up */
#if KMFUZZ_PLANT != KMFUZZ_PLANT_GAPUP
		setprev = true;
		prevgap = umap_gap_end(map, prev) - prev->end;
#endif
	} else if (prev != NULL) {
		struct umt_pos pp;

		umt_locate(map, prev, &pp);
		umt_set(&pp, prev->start, umap_gap_end(map, prev) - prev->end);
	}
	umt_remove(map, pos, setprev, prevgap);
	map->nentries--;
	e->prev = e->next = NULL;
}

/* ------------------------------------------------------------------ */
/* lookup and search                                                   */

/*
 * umap_lookup: the entry containing `va' (true) or the last one before
 * it (false; NULL if none).  Tries map->hint first, then the index, and
 * leaves the answer in the hint.
 * => map locked.
 */
static bool
umap_lookup(struct vm_map *map, vaddr_t va, struct vm_map_entry **entryp)
{
	struct vm_map_entry *e = map->hint;
	struct umt_pos pos;

	KDASSERT(mutex_owned(&map->lock));
	if (e == NULL || va < e->start ||
	    (e->next != NULL && va >= e->next->start))
		e = umt_lookup(map, va, &pos);
	if (e != NULL)
		map->hint = e;
	*entryp = e;
	return e != NULL && va < e->end;
}

/*
 * The search visits, in address order, every run after an entry that
 * is big enough for `size' and ends at or above hint + size.  Unaligned
 * (amask 0) the first one visited fits, so it costs O(log n).  With
 * alignment a big-enough run may still not fit once aligned, and a map
 * fragmented into many such runs would make an exact first fit linear.
 * So the exact walk gets UMAP_EXACT_VISITS runs that fail; past that the
 * search starts over asking for runs of size + alignment - PAGE_SIZE,
 * which always fit, and is O(log n) again.  The answer is then the
 * lowest run that surely fits rather than the lowest that happens to.
 * (Which runs are counted depends on the runs alone, never on the shape
 * of the index.)
 */
#define UMAP_EXACT_VISITS	64

/*
 * umap_findspace: the lowest aligned start >= hint with `size' free
 * bytes after it (see above for the bound on aligned searches).
 * => map locked; hint <= max_offset - size (the caller checked).
 * => returns true with *startp and *pos (the index position of the
 *    entry whose gap is used; node NULL for the run in front of the
 *    first entry), else false.
 */
static bool
umap_findspace(const struct vm_map *map, vaddr_t hint, vsize_t size,
    vsize_t amask, vaddr_t *startp, struct umt_pos *pos)
{
	struct umt_req rq = { .hint = hint, .size = size, .need_gap = size,
	    .amask = amask };

	/* map locked: umap_space, the only caller, asserted it */
	pos->node = NULL;
	pos->slot = 0;
	if (umap_fit(map->min_offset, map->min_offset + umap_first_gap(map),
	    hint, size, amask, startp))
		return true;
	if (umt_search(map, &rq, UMAP_EXACT_VISITS, startp, pos))
		return true;
	if (amask == 0)
		return false;	/* unaligned, the exact walk saw every run */
	/*
	 * No overflow: size fits in the map (uvm_map checked) and amask + 1
	 * is a power of two, so the sum passes 2^64 only for a map larger
	 * than 2^63 bytes.
	 */
	rq.need_gap = size + amask + 1 - PAGE_SIZE;
	KASSERT(rq.need_gap >= size);
	return umt_search(map, &rq, ~0u, startp, pos);
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

/*
 * umap_space: find room under the lock.  FIXED asks for exactly `start'.
 * => map locked.  0 with *startp, *prevp (the entry before the room, or
 *    NULL) and *pos (prev's index position), or ENOMEM.
 */
static int
umap_space(struct vm_map *map, vaddr_t hint, vsize_t size, vsize_t amask,
    uvm_flag_t flags, vaddr_t *startp, struct vm_map_entry **prevp,
    struct umt_pos *pos)
{
	struct vm_map_entry *prev, *next;

	KDASSERT(mutex_owned(&map->lock));
	if ((flags & UVM_FLAG_FIXED) == 0) {
		if (!umap_findspace(map, hint, size, amask, startp, pos))
			return ENOMEM;
		*prevp = pos->node != NULL ?
		    pos->node->slot[pos->slot].entry : NULL;
		return 0;
	}
	prev = umt_lookup(map, hint, pos);
	if (prev != NULL && hint < prev->end)
		return ENOMEM;		/* hint lies inside an entry */
	next = prev != NULL ? prev->next : map->first;
	if (next != NULL && next->start - hint < size)
		return ENOMEM;
	*prevp = prev;
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
	struct umt_pos pos;
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
#if KMFUZZ_PLANT == KMFUZZ_PLANT_HINT
		hint = map->min_offset;
#endif
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
		    &prev, &pos) == 0)
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
		struct umt_pos npos;

		prev->end = next->end;
		umt_locate(map, next, &npos);
		umap_unlink(map, next, &npos);	/* re-derives prev's gap */
		uvm_mapent_free(map->uvm, next);
		e = prev;
	} else if (back) {
		prev->end += size;
#if KMFUZZ_PLANT != KMFUZZ_PLANT_MERGE
		umt_set(&pos, prev->start, umap_gap_end(map, prev) - prev->end);
#endif
		e = prev;
	} else if (fwd) {
		struct umt_pos npos;

		umt_locate(map, next, &npos);	/* by its old start */
		next->start = start;
		if (obj != NULL)
			next->offset = off;
		if (prev != NULL)
			umt_set(&pos, prev->start, start - prev->end);
		umt_set(&npos, start, umap_gap_end(map, next) - next->end);
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
		umap_link(map, e, prev, &pos);
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
	{
		struct umt_pos pos;

		umt_locate(map, e, &pos);
		umap_link(map, n, e, &pos);	/* e's gap becomes 0 */
	}
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
	/* uvm_map admits no object but the kernel's; unmap no submap */
	KASSERT((e->flags & UVM_MAP_SUBMAP) == 0);
	if (e->object.uvm_obj != NULL) {
		KASSERT(e->object.uvm_obj == map->uvm->kernel_object);
		pmap_remove(map->pmap, e->start, e->end);
		uvm_km_pgremove(map->uvm, e->start, e->end);
	} else {
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
	uvm_unmap_checked(map, start, end, flags, NULL, 0);
}

/*
 * uvm_unmap_checked: uvm_unmap1, after `check' (if any) has judged the
 * entry at `start' under the same lock and lookup.
 */
void
uvm_unmap_checked(struct vm_map *map, vaddr_t start, vaddr_t end,
    uvm_flag_t flags, uvm_unmap_check_t *check, uvm_flag_t checkflags)
{
	struct vm_map_entry *e, *x, *nx;
	struct umt_pos pos;
	bool posok;

	KASSERT(map != NULL);
	mutex_enter(&map->lock);
	e = umt_lookup(map, start, &pos);
	if (check != NULL)	/* first: its message names the caller's call */
		check(map, start, end, e, checkflags);
	KASSERTMSG(umap_page_aligned_p(start) && umap_page_aligned_p(end) &&
	    umap_range_in_map_p(map, start, end),
	    "uvm_unmap: map %p: bad range [0x%llx,0x%llx) for map "
	    "[0x%llx,0x%llx)", (void *)map, (umap_ull)start, (umap_ull)end,
	    (umap_ull)map->min_offset, (umap_ull)map->max_offset);
	posok = e != NULL && start < e->end;
	if (!posok)
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
		posok = false;
	}
	/*
	 * The lookup's position serves the first entry unless a clip
	 * moved slots; the rest are located one by one.
	 */
	for (x = e; x != NULL && x->start < end; x = nx) {
		if (x->end > end) {
			umap_clip(map, x, end);
			posok = false;
		}
		nx = x->next;
		if ((flags & UVM_FLAG_VAONLY) == 0)
			umap_release(map, x);
		map->size -= x->end - x->start;
		if (!posok)
			umt_locate(map, x, &pos);
		umap_unlink(map, x, &pos);
		posok = false;
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
 * The largest free run: the one in front of the first entry or the
 * largest in the index.
 * => quiescent (see uvm_map.h); takes no lock.
 */
vsize_t
uvm_map_largest_gap(const struct vm_map *map)
{
	vsize_t g, f;

	KASSERT(map != NULL);
	g = umt_largest_gap(map);
	f = umap_first_gap(map);
	return f > g ? f : g;
}
