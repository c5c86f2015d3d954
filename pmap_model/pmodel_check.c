/*
 * pmodel_check.c: the pmap checker and the leaf iterator.
 *
 * pmodel_sanity walks every present entry from the root down and checks
 * what the rest of the model takes for granted:
 *	non-leaf	P|RW (+A) and a frame, nothing else; the frame is an
 *			in-use PT-pool page of the next level, referenced once
 *	leaf		P|G (+RW, A, D, NX, WIRED, PVLIST), never US, PS,
 *			PWT, PCD or reserved bits; maps an allocated managed
 *			frame (not the PT pool, a hole, a freed page, or
 *			beyond the arena)
 *	counts		present entries per PT page, PT pages in use (root
 *			included) and present leaves equal their recounts;
 *			no empty PT page below the root unless keep_empty_pt
 *	non-present	entries are exactly 0 (removal writes 0)
 * Cost: O(512 x PT pages in use); absent subtrees are never entered.
 * The harness runs it at the end of an input or every K ops; per op it
 * uses pmodel_foreach_range over what the op touched.
 */
#include <stdarg.h>
#include <stdio.h>

#include "pmodel_impl.h"

#define NONLEAF_OK	(PMODEL_PTE_FRAME | PMODEL_PTE_P | PMODEL_PTE_RW | \
			    PMODEL_PTE_A)
#define LEAF_OK		(PMODEL_PTE_FRAME | PMODEL_PTE_P | PMODEL_PTE_RW | \
			    PMODEL_PTE_A | PMODEL_PTE_D | PMODEL_PTE_G | \
			    PMODEL_PTE_WIRED | PMODEL_PTE_PVLIST | PMODEL_PTE_NX)

struct sanity {
	struct pmap	*pm;
	char		*why;
	size_t		len;
	unsigned int	npt;		/* PT pages reached below the root */
	unsigned long	nleaf;
};

__attribute__((format(printf, 2, 3)))
static int
fail(struct sanity *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->why, s->len, "pmap: ");
	if (n < 0 || (size_t)n >= s->len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->why + n, s->len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
check_leaf(struct sanity *s, vaddr_t va, uint64_t e)
{
	struct pmap *pm = s->pm;
	paddr_t pa = e & PMODEL_PTE_FRAME;
	size_t f = (size_t)atop(pa);
	const unsigned long long v = va, p = pa;

	if (e & PMODEL_PTE_US)
		return fail(s, "va %#llx: user-accessible kernel mapping "
		    "(pte %#llx)", v, (unsigned long long)e);
	if (e & ~LEAF_OK)
		return fail(s, "va %#llx: unexpected pte bits %#llx", v,
		    (unsigned long long)(e & ~LEAF_OK));
	if ((e & PMODEL_PTE_G) == 0)
		return fail(s, "va %#llx: kernel mapping without G", v);
	if (f >= pm->pm_nframes)
		return fail(s, "va %#llx maps pa %#llx beyond the arena", v, p);
	switch (pm->pm_frame[f]) {
	case FR_PT:
		return fail(s, "va %#llx maps page-table pool frame pa %#llx",
		    v, p);
	case FR_HOLE:
		return fail(s, "va %#llx maps pa %#llx, not managed RAM", v, p);
	case FR_FREE:
		return fail(s, "va %#llx maps pa %#llx, a freed page", v, p);
	}
	s->nleaf++;
	return 0;
}

static int
check_table(struct sanity *s, uint32_t frame, int level, vaddr_t base)
{
	struct pmap *pm = s->pm;
	const uint64_t *t = pmodel_ptpage(pm, frame);
	unsigned int i, valid = 0;

	for (i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (e == 0)	/* most entries: nothing to compute */
			continue;
		vaddr_t va = pmodel_canon(base + ((vaddr_t)i <<
		    PT_SHIFT(level)));
		const unsigned long long v = va, ue = e;
		uint64_t f;

		if ((e & PMODEL_PTE_P) == 0)
			return fail(s, "va %#llx: level-%d entry not present "
			    "but %#llx", v, level, ue);
		valid++;
		if (level == 1) {
			if (check_leaf(s, va, e) != 0)
				return -1;
			continue;
		}
		if (e & PMODEL_PTE_US)
			return fail(s, "va %#llx: level-%d entry user-"
			    "accessible (%#llx)", v, level, ue);
		if ((e & ~NONLEAF_OK) || (e & PMODEL_PTE_RW) == 0)
			return fail(s, "va %#llx: level-%d entry has bad bits "
			    "%#llx", v, level, ue);
		f = (e & PMODEL_PTE_FRAME) >> PAGE_SHIFT;
		if (f >= pm->pm_pt_pages)
			return fail(s, "va %#llx: level-%d entry points to pa "
			    "%#llx, outside the page-table pool", v, level,
			    (unsigned long long)ptoa(f));
		if (pm->pm_ptlevel[f] != level - 1)
			return fail(s, "va %#llx: level-%d entry points to PT "
			    "frame %llu of level %d", v, level,
			    (unsigned long long)f, pm->pm_ptlevel[f]);
		if (pm->pm_ptseen[f] == pm->pm_epoch)
			return fail(s, "va %#llx: PT frame %llu referenced "
			    "twice", v, (unsigned long long)f);
		pm->pm_ptseen[f] = pm->pm_epoch;
		s->npt++;
		if (check_table(s, (uint32_t)f, level - 1, va) != 0)
			return -1;
	}
	if (valid != pm->pm_ptvalid[frame])
		return fail(s, "PT frame %u (level %d, va %#llx): %u present "
		    "entries, counter says %u", frame, level,
		    (unsigned long long)pmodel_canon(base), valid,
		    pm->pm_ptvalid[frame]);
	if (valid == 0 && level < 4 && !pm->pm_params.keep_empty_pt)
		return fail(s, "PT frame %u (level %d, va %#llx) is empty but "
		    "not freed", frame, level,
		    (unsigned long long)pmodel_canon(base));
	return 0;
}

int
pmodel_sanity(struct pmap *pm, char *why, size_t len)
{
	struct sanity s = { .pm = pm, .why = why, .len = len };
	unsigned int i, inuse = 0;

	if (pm->pm_root >= pm->pm_pt_pages || pm->pm_ptlevel[pm->pm_root] != 4)
		return fail(&s, "root frame %u is not a level-4 PT page",
		    pm->pm_root);
	/* epochs instead of clearing pm_ptseen on every call */
	if (++pm->pm_epoch == 0) {
		for (i = 0; i < pm->pm_pt_pages; i++)
			pm->pm_ptseen[i] = 0;
		pm->pm_epoch = 1;
	}
	pm->pm_ptseen[pm->pm_root] = pm->pm_epoch;
	if (check_table(&s, pm->pm_root, 4, 0) != 0)
		return -1;
	for (i = 0; i < pm->pm_pt_pages; i++)
		if (pm->pm_ptlevel[i] != 0)
			inuse++;
	if (s.npt + 1 != pm->pm_pt_inuse || inuse != pm->pm_pt_inuse ||
	    pm->pm_pt_inuse + pm->pm_ptnfree != pm->pm_pt_pages)
		return fail(&s, "PT pages in use: counter %u, reachable %u, "
		    "marked %u, free %u, pool %u", pm->pm_pt_inuse, s.npt + 1,
		    inuse, pm->pm_ptnfree, pm->pm_pt_pages);
	for (i = 0; i < pm->pm_ptnfree; i++)
		if (pm->pm_ptlevel[pm->pm_ptfree[i]] != 0)
			return fail(&s, "PT frame %u is on the free stack but "
			    "in use", pm->pm_ptfree[i]);
	if (s.nleaf != pm->pm_nmappings)
		return fail(&s, "present leaves: counter %lu, counted %lu",
		    pm->pm_nmappings, s.nleaf);
	return 0;
}

/* ------------------------------------------------------------------ */

struct iter {
	struct pmap		*pm;
	vaddr_t			first, last;	/* inclusive, canonical */
	pmodel_mapping_cb	cb;
	void			*arg;
};

/* Visit the entries of table `frame' (level, covering from `base') that
 * intersect [first, last], in ascending VA order. */
static int
iter_table(struct iter *it, uint64_t frame, int level, vaddr_t base)
{
	struct pmap *pm = it->pm;
	const uint64_t *t = pmodel_ptpage(pm, frame);
	unsigned int lo, hi, i;
	int shift = PT_SHIFT(level), rc;

	if (level == 4) {
		/* PT_INDEX is monotonic on canonical VAs */
		lo = PT_INDEX(it->first, 4);
		hi = PT_INDEX(it->last, 4);
	} else {
		vaddr_t span_last = base + (((vaddr_t)1 << (shift + 9)) - 1);

		lo = it->first <= base ? 0 : PT_INDEX(it->first, level);
		hi = it->last >= span_last ? 511 : PT_INDEX(it->last, level);
	}
	for (i = lo; i <= hi; i++) {
		uint64_t e = t[i], f = (e & PMODEL_PTE_FRAME) >> PAGE_SHIFT;

		if ((e & PMODEL_PTE_P) == 0)
			continue;
		vaddr_t va = level == 4 ? pmodel_canon((vaddr_t)i << shift) :
		    base + ((vaddr_t)i << shift);
		if (level == 1) {
			rc = it->cb(it->arg, va, e & PMODEL_PTE_FRAME, e);
		} else {
			/* a corrupt pointer is pmodel_sanity's to report */
			if (PMODEL_NEVER(f >= pm->pm_pt_pages ||
			    pm->pm_ptlevel[f] != level - 1))
				continue;
			rc = iter_table(it, f, level - 1, va);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
pmodel_foreach_range(struct pmap *pm, vaddr_t sva, vaddr_t eva,
    pmodel_mapping_cb cb, void *arg)
{
	struct iter it = { .pm = pm, .cb = cb, .arg = arg };

	if (eva <= sva)
		return 0;
	it.first = sva;
	it.last = eva - 1;
	/* clip to the canonical halves: the hole maps nothing */
	if (!pmodel_canonical_p(it.first))
		it.first = 0xffff800000000000ULL;
	if (!pmodel_canonical_p(it.last))
		it.last = 0x00007fffffffffffULL;
	if (it.first > it.last)
		return 0;
	return iter_table(&it, pm->pm_root, 4, 0);
}

int
pmodel_foreach_mapping(struct pmap *pm, pmodel_mapping_cb cb, void *arg)
{
	return pmodel_foreach_range(pm, 0, ~(vaddr_t)0, cb, arg);
}
