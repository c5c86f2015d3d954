/*
 * pmodel_tlb.c: the software TLB, the MMU-style access path, and the two
 * checks that turn a missing pmap_update into a finding.
 *
 * The TLB is direct-mapped: entry (vpn & mask) caches one leaf
 * translation with the rights it granted when filled.  Like x86 it never
 * caches "not present", so an addition is visible at once, while a
 * removal or a protection drop lives on in the TLB until pmap_update.
 * The pmap queues each such change (up to PMODEL_PENDING_MAX VAs, then
 * "flush all") and pmap_update invalidates exactly those, as invlpg would.
 *
 * Example: kenter va V -> pa 0x40000 RW; pmodel_access(V, write) fills
 * entry (V >> 12) & 63 and sets A|D.  pmap_kremove(V) clears the PTE and
 * queues V.  Before pmap_update:
 *	pmodel_access(V)	-> PMODEL_STALE_TLB, pa_out 0x40000
 *	pmodel_tlb_check	-> -1 "stale TLB entry va V ... pending"
 *	pmodel_pending_check	-> -1 "1 invalidation pending"
 * After pmap_update all three are clean and the access is NOTPRESENT.
 */
#include <stdio.h>
#include <string.h>

#include "pmodel_impl.h"

const char *
pmodel_fault_name(int code)
{
	static const char *const names[] = {
		[PMODEL_OK] = "ok",
		[PMODEL_FAULT_NOTPRESENT] = "not present",
		[PMODEL_FAULT_WRITE] = "write to read-only page",
		[PMODEL_FAULT_EXEC] = "execute from NX page",
		[PMODEL_FAULT_NONCANONICAL] = "non-canonical address",
		[PMODEL_FAULT_FREED] = "access to a freed page",
		[PMODEL_STALE_TLB] = "stale TLB entry used",
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[code];
}

void
pmodel_tlb_reset(struct pmap *pm)
{
	memset(pm->pm_tlb, 0, (pm->pm_tlbmask + 1) * sizeof(*pm->pm_tlb));
	pm->pm_npending = 0;
	pm->pm_nupdates = pm->pm_tlb_hits = pm->pm_tlb_misses = 0;
	pm->pm_nstale = 0;
	pm->pm_fault_va = 0;
}

void
pmodel_tlb_flush_all(struct pmap *pm)
{
	memset(pm->pm_tlb, 0, (pm->pm_tlbmask + 1) * sizeof(*pm->pm_tlb));
}

void
pmodel_tlb_queue(struct pmap *pm, vaddr_t va)
{
	if (pm->pm_npending < PMODEL_PENDING_MAX)
		pm->pm_pending[pm->pm_npending] = va;
	pm->pm_npending++;
}

/* pmap_update: perform every queued invalidation (or flush all). */
void
pmap_update(struct pmap *pm)
{
	unsigned long i;

	if (pm->pm_npending > PMODEL_PENDING_MAX) {
		pmodel_tlb_flush_all(pm);
	} else {
		for (i = 0; i < pm->pm_npending; i++) {
			uint64_t vpn = pm->pm_pending[i] >> PAGE_SHIFT;
			struct pmodel_tlbent *te =
			    &pm->pm_tlb[vpn & pm->pm_tlbmask];

			if (te->te_vpn == vpn)
				te->te_valid = 0;
		}
	}
	pm->pm_npending = 0;
	pm->pm_nupdates++;
}

/*
 * Does entry `te' grant more than the tables (leaf `pte', maybe NULL)?
 * => NULL if not, else a short reason.
 */
static const char *
tlb_stale(const struct pmodel_tlbent *te, const uint64_t *pte)
{
	if (pte == NULL || (*pte & PMODEL_PTE_P) == 0)
		return "tables: not present";
	if (((*pte & PMODEL_PTE_FRAME) >> PAGE_SHIFT) != te->te_pfn)
		return "tables: other frame";
	if (te->te_write && (*pte & PMODEL_PTE_RW) == 0)
		return "tables: read-only";
	if (te->te_exec && (*pte & PMODEL_PTE_NX))
		return "tables: NX";
	return NULL;
}

int
pmodel_access(struct pmap *pm, vaddr_t va, bool write, bool exec,
    paddr_t *pa_out)
{
	uint64_t vpn = va >> PAGE_SHIFT, *pte;
	struct pmodel_tlbent *te = &pm->pm_tlb[vpn & pm->pm_tlbmask];

	if (!pmodel_canonical_p(va))
		return PMODEL_FAULT_NONCANONICAL;
	if (pmodel_dmap_p(pm, va)) {
		/* the direct map: RW, NX, never changes, never in the TLB */
		if (exec)
			return PMODEL_FAULT_EXEC;
		if (pa_out != NULL)
			*pa_out = va - pm->pm_dmap_base;
		return PMODEL_OK;
	}
	pte = pmodel_walk(pm, va);
	if (te->te_valid && te->te_vpn == vpn) {
		if ((!write || te->te_write) && (!exec || te->te_exec)) {
			pm->pm_tlb_hits++;
			if (tlb_stale(te, pte) != NULL) {
				pm->pm_nstale++;
				pm->pm_fault_va = va;
				if (pa_out != NULL)
					*pa_out = ptoa(te->te_pfn) |
					    (va & PAGE_MASK);
				return PMODEL_STALE_TLB;
			}
			if (write && !te->te_dirty) {
				/* first write through a clean entry walks */
				*pte |= PMODEL_PTE_D;
				te->te_dirty = 1;
			}
			if (pa_out != NULL)
				*pa_out = ptoa(te->te_pfn) | (va & PAGE_MASK);
			return PMODEL_OK;
		}
		/* rights fault on a cached entry: the CPU drops it, walks */
		te->te_valid = 0;
	}
	pm->pm_tlb_misses++;
	if (pte == NULL || (*pte & PMODEL_PTE_P) == 0)
		return PMODEL_FAULT_NOTPRESENT;
	if (write && (*pte & PMODEL_PTE_RW) == 0)
		return PMODEL_FAULT_WRITE;
	if (exec && (*pte & PMODEL_PTE_NX))
		return PMODEL_FAULT_EXEC;
	*pte |= PMODEL_PTE_A | (write ? PMODEL_PTE_D : 0);
	te->te_valid = 1;
	te->te_vpn = vpn;
	te->te_pfn = (*pte & PMODEL_PTE_FRAME) >> PAGE_SHIFT;
	te->te_write = (*pte & PMODEL_PTE_RW) != 0;
	te->te_exec = (*pte & PMODEL_PTE_NX) == 0;
	te->te_dirty = (*pte & PMODEL_PTE_D) != 0;
	if (pa_out != NULL)
		*pa_out = ptoa(te->te_pfn) | (va & PAGE_MASK);
	return PMODEL_OK;
}

/* Copy through the translation page by page; see pmodel.h. */
static int
copy(struct pmap *pm, vaddr_t va, void *buf, size_t len, bool write)
{
	unsigned char *b = buf;

	while (len > 0) {
		size_t n = PAGE_SIZE - (va & PAGE_MASK);
		paddr_t pa;
		int rc;

		if (n > len)
			n = len;
		rc = pmodel_access(pm, va, write, false, &pa);
		/* only a page the core handed out is ever touched */
		if (rc == PMODEL_OK && (atop(pa) >= pm->pm_nframes ||
		    pm->pm_frame[atop(pa)] != FR_ALLOC))
			rc = atop(pa) < pm->pm_nframes &&
			    pm->pm_frame[atop(pa)] == FR_FREE ?
			    PMODEL_FAULT_FREED : PMODEL_FAULT_NOTPRESENT;
		if (rc != PMODEL_OK) {
			pm->pm_fault_va = va;
			return rc;
		}
		if (write) {
			pmodel_frame_written(pm, (size_t)atop(pa));
			memcpy(pm->pm_arena + pa, b, n);
		}
		else
			memcpy(b, pm->pm_arena + pa, n);
		b += n;
		va += n;
		len -= n;
	}
	return PMODEL_OK;
}

int
pmodel_read(struct pmap *pm, vaddr_t va, void *buf, size_t len)
{
	return copy(pm, va, buf, len, false);
}

int
pmodel_write(struct pmap *pm, vaddr_t va, const void *buf, size_t len)
{
	return copy(pm, va, (void *)(uintptr_t)buf, len, true);
}

vaddr_t
pmodel_fault_va(const struct pmap *pm)
{
	return pm->pm_fault_va;
}

/* Is va among the queued invalidations (or are they overflowing)? */
static bool
pending_p(const struct pmap *pm, vaddr_t va)
{
	unsigned long i;

	if (pm->pm_npending > PMODEL_PENDING_MAX)
		return true;
	for (i = 0; i < pm->pm_npending; i++)
		if ((pm->pm_pending[i] >> PAGE_SHIFT) == (va >> PAGE_SHIFT))
			return true;
	return false;
}

int
pmodel_tlb_check(struct pmap *pm, char *why, size_t len)
{
	unsigned int i;

	for (i = 0; i <= pm->pm_tlbmask; i++) {
		const struct pmodel_tlbent *te = &pm->pm_tlb[i];
		vaddr_t va;
		const char *r;

		if (!te->te_valid)
			continue;
		va = te->te_vpn << PAGE_SHIFT;
		r = tlb_stale(te, pmodel_walk(pm, va));
		if (r == NULL)
			continue;
		snprintf(why, len, "pmap: stale TLB entry va %#llx -> pa %#llx"
		    " (%s; %s)", (unsigned long long)va,
		    (unsigned long long)ptoa(te->te_pfn), r,
		    pending_p(pm, va) ? "invalidation pending: missing "
		    "pmap_update" : "no invalidation queued: tables changed "
		    "behind the pmap");
		return -1;
	}
	return 0;
}

int
pmodel_pending_check(struct pmap *pm, char *why, size_t len)
{
	if (pm->pm_npending == 0)
		return 0;
	snprintf(why, len, "pmap: %lu TLB invalidation(s) pending, first va "
	    "%#llx: missing pmap_update", pm->pm_npending,
	    (unsigned long long)pm->pm_pending[0]);
	return -1;
}
