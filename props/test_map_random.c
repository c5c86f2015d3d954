/*
 * test_map_random.c: 200,000 seeded map/unmap operations on a 512-page
 * map near the top of the address space, each result compared with a
 * page-level shadow that computes first fit by brute force, with
 * uvm_map_sanity after every op and a full comparison every 64.  Then a
 * deep one: thousands of live entries (a B-tree of three and four
 * levels, every split, borrow and merge), each placement judged by a
 * walk of the entry list with the documented bounded rule.
 */
#include <stdint.h>
#include <stdlib.h>

#include "map_fixture.h"

/* ---- randomized against a page shadow ---- */

#define RNP		512		/* pages in the random map */
#define RMAX		((vaddr_t)0xfffffffffffff000ULL)
#define RMIN		(RMAX - RNP * P)

struct ralloc {
	unsigned int	start, npages;	/* as allocated */
	bool		quantum, obj;
	vm_prot_t	prot;
};

static struct ralloc	ra[1 << 20];
static unsigned int	nra;
static unsigned int	owner[RNP];	/* page -> ra index + 1, 0 = free */
static uint64_t		rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* uniform enough in [0, n), and cheap: the bench should time the map */
static unsigned int
rndn(unsigned int n)
{
	return (unsigned int)(((rnd() >> 32) * n) >> 32);
}

/*
 * The lowest page >= hintpg whose address is a multiple of apages pages
 * (absolute, not relative to RMIN) with npages free there, or -1.
 */
static long
shadow_fit(unsigned int hintpg, unsigned int npages, unsigned int apages)
{
	const uint64_t base = RMIN / P;
	uint64_t s = (base + hintpg + apages - 1) / apages * apages - base;

	for (; s + npages <= RNP; s += apages) {
		unsigned int i;

		for (i = 0; i < npages && owner[s + i] == 0; i++)
			continue;
		if (i == npages)
			return (long)s;
	}
	return -1;
}

/* Compare every page of K with the shadow; 0 if equal. */
static int
shadow_compare(char *why, size_t len)
{
	unsigned int covered = 0;
	const struct vm_map_entry *e;

	for (e = K->first; e != NULL; e = e->next) {
		for (vaddr_t va = e->start; va < e->end; va += P) {
			unsigned int pg = (unsigned int)((va - RMIN) / P);
			const struct ralloc *r;

			if (owner[pg] == 0) {
				snprintf(why, len, "page %u mapped, shadow "
				    "free", pg);
				return -1;
			}
			r = &ra[owner[pg] - 1];
			if (r->prot != e->protection || r->obj !=
			    (e->object.uvm_obj != NULL) || r->quantum !=
			    ((e->flags & UVM_MAP_QUANTUM) != 0) ||
			    (r->obj && e->offset + (va - e->start) !=
			    va - RMIN)) {
				snprintf(why, len, "page %u attributes", pg);
				return -1;
			}
			if (r->quantum && (e->start != RMIN + r->start * P ||
			    e->end != RMIN + (r->start + r->npages) * P)) {
				snprintf(why, len, "quantum page %u in entry "
				    "not its own", pg);
				return -1;
			}
			covered++;
		}
	}
	for (unsigned int pg = 0; pg < RNP; pg++)
		if (owner[pg] != 0)
			covered--;
	if (covered != 0) {
		snprintf(why, len, "shadow has pages the map lacks");
		return -1;
	}
	return 0;
}

static bool
random_op(unsigned long opno, char *why, size_t len)
{
	static const unsigned int aligns[] = { 0, 0, 0, 1, 2, 4, 16 };
	static const vm_prot_t prots[] = { PROT_RW, PROT_RW, VM_PROT_READ,
	    UVM_PROT_ALL };
	unsigned int op = rndn(100);

	if (op < 55) {				/* uvm_map */
		unsigned int np = rndn(10) < 9 ? 1 + rndn(8) : 1 + rndn(64);
		unsigned int ap = aligns[rndn(7)];
		bool fix = rndn(6) == 0;
		/* RMAX + P wraps to 0: hints stop at RMAX */
		unsigned int hintpg = rndn(3) == 0 ? 0 : rndn(RNP + 1);
		struct ralloc r = {
			.quantum = rndn(3) == 0, .obj = rndn(2) == 0,
			.prot = prots[rndn(4)], .npages = np,
		};
		uvm_flag_t fl = (r.quantum ? UVM_FLAG_QUANTUM : 0) |
		    (rndn(5) == 0 ? UVM_FLAG_NOMERGE : 0) |
		    (fix ? UVM_FLAG_FIXED : 0);
		vaddr_t va = RMIN + (vaddr_t)hintpg * P;
		long want;
		int err;

		if (fix) {
			ap = 0;
			want = hintpg + np <= RNP &&
			    shadow_fit(hintpg, np, 1) == hintpg ? (long)hintpg : -1;
		} else {
			if (rndn(4) == 0 && hintpg > 0)
				va -= rndn(P);	/* misaligned hint */
			want = shadow_fit(hintpg, np, ap ? ap : 1);
		}
		err = uvm_map(K, &va, np * P, r.obj ? U.kernel_object : NULL,
		    UVM_UNKNOWN_OFFSET, ap * P,
		    UVM_MAPFLAG(r.prot, UVM_PROT_ALL, UVM_INH_NONE,
		    UVM_ADV_RANDOM, fl));
		if ((want < 0) != (err != 0) ||
		    (err == 0 && va != RMIN + (vaddr_t)want * P)) {
			snprintf(why, len, "op %lu: map %u pages hint %u align "
			    "%u fixed %d: err %d at page %lld, shadow %ld",
			    opno, np, hintpg, ap, fix, err,
			    (long long)((va - RMIN) / P), want);
			return false;
		}
		if (err == 0) {
			r.start = (unsigned int)want;
			ra[nra++] = r;
			for (unsigned int i = 0; i < np; i++)
				owner[want + i] = nra;
		}
	} else if (op < 95) {			/* uvm_unmap1 */
		unsigned int s, e, i;
		unsigned long ppg = 0, ipg = 0;
		bool vaonly = rndn(4) == 0;

		if (op < 80 && nra > 0) {	/* one allocation's pages */
			unsigned int id = 1 + rndn(nra);

			for (s = 0; s < RNP && owner[s] != id; s++)
				continue;
			if (s == RNP)
				return true;	/* long gone */
			for (e = RNP; owner[e - 1] != id; e--)
				continue;
		} else {			/* any range, holes and all */
			s = rndn(RNP);
			e = s + 1 + rndn(32);
			if (e > RNP)
				e = RNP;
		}
		/* never clip a quantum allocation: widen to cover it */
		if (owner[s] && ra[owner[s] - 1].quantum)
			s = ra[owner[s] - 1].start;
		if (owner[e - 1] && ra[owner[e - 1] - 1].quantum)
			e = ra[owner[e - 1] - 1].start +
			    ra[owner[e - 1] - 1].npages;
		for (i = s; i < e; i++) {
			if (owner[i] && ra[owner[i] - 1].obj)
				ppg++;
			else if (owner[i])
				ipg++;
		}
		stub_log_clear();
		uvm_unmap1(K, RMIN + (vaddr_t)s * P, RMIN + (vaddr_t)e * P,
		    vaonly ? UVM_FLAG_VAONLY : 0);
		if (vaonly)
			ppg = ipg = 0;
		if (stub_pages_pgremove != ppg || stub_pages_premove != ppg ||
		    stub_pages_intrsafe != ipg || stub_pages_kremove != ipg ||
		    stub_nupdate != 1) {
			snprintf(why, len, "op %lu: unmap pages %u-%u released "
			    "%lu/%lu pageable, %lu/%lu wired, want %lu, %lu",
			    opno, s, e, stub_pages_pgremove,
			    stub_pages_premove, stub_pages_intrsafe,
			    stub_pages_kremove, ppg, ipg);
			return false;
		}
		for (i = s; i < e; i++)
			owner[i] = 0;
	} else {				/* queries */
		unsigned int s = rndn(RNP), e = s + 1 + rndn(8), i;
		struct vm_map_entry *ent;
		bool all = true, found;

		if (e > RNP)
			e = RNP;
		for (i = s; i < e; i++)
			all = all && owner[i] != 0;
		mutex_enter(&K->lock);
		found = uvm_map_lookup_entry(K, RMIN + (vaddr_t)s * P, &ent);
		mutex_exit(&K->lock);
		if (found != (owner[s] != 0) || uvm_map_checkrange(K,
		    RMIN + (vaddr_t)s * P, RMIN + (vaddr_t)e * P) != all) {
			snprintf(why, len, "op %lu: query pages %u-%u", opno,
			    s, e);
			return false;
		}
	}
	return true;
}

void
test_random(void)
{
	const unsigned long nops = 200000;
	char why[512] = "";
	unsigned long i;
	bool ok = true;
	unsigned int maxent = 0;

	report_info("randomized: %lu ops against a page shadow, seeded", nops);
	setup(RMIN, RMAX, 2 * RNP);
	memset(owner, 0, sizeof(owner));
	nra = 0;
	for (i = 0; i < nops && ok; i++) {
		ok = random_op(i, why, sizeof(why));
		if (ok && uvm_map_sanity(K, why, sizeof(why)) != 0)
			ok = false;
		if (ok && (i % 64 == 0 || i == nops - 1) &&
		    shadow_compare(why, sizeof(why)) != 0)
			ok = false;
		if (ok && nra > (1 << 20) - 2)
			nra = 0;	/* never reached with these sizes */
		if (K->nentries > maxent)
			maxent = K->nentries;
	}
	if (!ok)
		report_info("op %lu: %s", i - 1, why);
	report(ok, "200000 random ops: every result equals the shadow's, "
	    "sanity after every op");
	report_info("most entries live at once: %u", maxent);
	uvm_unmap(K, RMIN, RMAX);
	CHECK(K->nentries == 0 && K->size == 0 && stub_pool_inuse() == 0 &&
	    sane(K));
}


/* ---- deep: a big tree, judged by a list walk ---- */

#define DNP		(1u << 17)	/* pages in the deep map */
#define DLIVE		6000		/* live allocations */
#define DEXACT		64		/* core/uvm_map.c UMAP_EXACT_VISITS */

struct dalloc { vaddr_t va; vsize_t size; };
static struct dalloc	da[DLIVE];

/* First fit from the map's minimum by the documented rule, on the list. */
static bool
list_fit(vsize_t size, vsize_t amask, vsize_t need, unsigned int budget,
    vaddr_t *va)
{
	for (const struct vm_map_entry *e = K->first; e != NULL;
	    e = e->next) {
		vaddr_t hi = e->next != NULL ? e->next->start : K->max_offset;
		vaddr_t a = (e->end + amask) & ~amask;

		if (hi - e->end < need)
			continue;
		if (a <= hi && hi - a >= size) {
			*va = a;
			return true;
		}
		if (budget-- == 0)
			return false;
	}
	return false;
}

static long
deep_want(vsize_t size, vsize_t align)
{
	vsize_t amask = (align > P ? align : P) - 1;
	vaddr_t first = K->first != NULL ? K->first->start : K->max_offset;
	vaddr_t a = (K->min_offset + amask) & ~amask, va;

	if (a <= first && first - a >= size)
		return (long)((a - K->min_offset) / P);
	if (list_fit(size, amask, size, DEXACT, &va) ||
	    (amask != P - 1 &&
	    list_fit(size, amask, size + amask + 1 - P, ~0u, &va)))
		return (long)((va - K->min_offset) / P);
	return -1;
}

static bool
deep_alloc(struct dalloc *d, unsigned long opno, char *why, size_t len)
{
	vsize_t size = (1 + rndn(16)) * P;
	vsize_t align = rndn(4) ? 0 : P << rndn(5);
	long want = deep_want(size, align);
	vaddr_t va = K->min_offset;
	int err = uvm_map(K, &va, size, NULL, UVM_UNKNOWN_OFFSET, align,
	    mf(PROT_RW, UVM_FLAG_QUANTUM));

	if ((err != 0) != (want < 0) ||
	    (err == 0 && va != K->min_offset + (vaddr_t)want * P)) {
		snprintf(why, len, "op %lu: %lu pages align %lu: err %d at "
		    "page %ld, list walk says %ld", opno,
		    (unsigned long)(size / P), (unsigned long)align, err,
		    (long)((va - K->min_offset) / P), want);
		return false;
	}
	d->va = err == 0 ? va : 0;
	d->size = size;
	return true;
}

void
test_random_deep(void)
{
	const unsigned long nops = 60000;
	char why[512] = "";
	unsigned long i;
	bool ok = true;

	report_info("deep: %d live allocations, %lu free+alloc steps",
	    DLIVE, nops);
	setup(B, B + (vaddr_t)DNP * P, DLIVE + 16);
	for (i = 0; i < DLIVE && ok; i++)
		ok = deep_alloc(&da[i], i, why, sizeof(why));
	CHECK(ok && sane(K) && !K->root->leaf && !K->root->slot[0].child->leaf);
	for (i = 0; i < nops && ok; i++) {
		struct dalloc *d = &da[rndn(DLIVE)];

		if (d->va != 0)
			uvm_unmap1(K, d->va, d->va + d->size, UVM_FLAG_VAONLY);
		ok = deep_alloc(d, i, why, sizeof(why));
		if (ok && i % 16 == 0 && uvm_map_sanity(K, why, sizeof(why)))
			ok = false;
	}
	if (!ok)
		report_info("%s", why);
	report(ok, "deep: every placement equals the list walk's, sanity "
	    "every 16 steps");
	/* free in an order that empties leaves from both ends */
	for (i = 0; i < DLIVE && ok; i += 2)
		if (da[i].va != 0)
			uvm_unmap1(K, da[i].va, da[i].va + da[i].size, 0);
	CHECK(sane(K));
	for (i = 1; i < DLIVE && ok; i += 2)
		if (da[i].va != 0)
			uvm_unmap1(K, da[i].va, da[i].va + da[i].size, 0);
	CHECK(K->nentries == 0 && K->root == NULL && stub_pool_inuse() == 0 &&
	    stub_nodes_inuse() == 0 && sane(K));
}
