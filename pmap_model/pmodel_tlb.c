/*
 * pmodel_tlb.c: the software TLBs (one per virtual CPU), the MMU-style
 * access path, the shootdown, and the checks that turn a missing or late
 * pmap_update into a finding.
 *
 * Each TLB is direct-mapped: entry (vpn & mask) caches one leaf
 * translation with the rights it granted when filled.  Like x86 it never
 * caches "not present", so an addition is visible at once, while a
 * removal or a protection drop lives on in every TLB that cached it until
 * pmap_update.  The pmap queues each such change (up to
 * PMODEL_PENDING_MAX VAs, then "flush all") with the CPU that made it,
 * and pmap_update invalidates exactly those on every CPU: a shootdown,
 * as invlpg plus the IPIs would.
 *
 * Example (one CPU): kenter va V -> pa 0x40000 RW; pmodel_access(V,
 * write) fills entry (V >> 12) & 63 and sets A|D.  pmap_kremove(V) clears
 * the PTE and queues V.  Before pmap_update:
 *	pmodel_access(V)	-> PMODEL_STALE_TLB, pa_out 0x40000
 *	pmodel_tlb_check	-> -1 "stale TLB entry va V ... pending"
 *	pmodel_pending_check	-> -1 "1 invalidation pending"
 * After pmap_update all three are clean and the access is NOTPRESENT.
 *
 * With several CPUs a stale entry is used harmlessly between another
 * CPU's removal and its shootdown as long as its frame was not freed
 * meanwhile (pm_framegen counts every free of a frame); once it was, the
 * use is PMODEL_STALE_TLB, as is any stale use with one CPU.
 *
 * Example (two CPUs): cpu0 reads V (its TLB caches V -> 0x40000), cpu1
 * kremoves V and, before its pmap_update, puts V back where another
 * allocation kenters it -> 0x41000.  The kenter finds cpu0's entry for
 * V still naming 0x40000 and records it; pmodel_reuse_check then says
 * "va V entered -> 0x41000 by cpu1 while cpu0's TLB still maps it to
 * 0x40000 (invalidation pending: the VA was reused before its
 * shootdown)".  cpu0 reading V now would get the old page.
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

static size_t
tlb_bytes(const struct pmap *pm)
{
	return (size_t)pm->pm_ncpus * (pm->pm_tlbmask + 1) *
	    sizeof(*pm->pm_tlb);
}

void
pmodel_tlb_reset(struct pmap *pm)
{
	memset(pm->pm_tlb, 0, tlb_bytes(pm));
	pm->pm_npending = 0;
	pm->pm_nentered = 0;
	pm->pm_nupdates = pm->pm_tlb_hits = pm->pm_tlb_misses = 0;
	pm->pm_nstale = 0;
	pm->pm_fault_va = 0;
	pm->pm_curcpu = 0;
	pm->pm_nreuse = 0;
}

void
pmodel_tlb_flush_all(struct pmap *pm)
{
	memset(pm->pm_tlb, 0, tlb_bytes(pm));
}

void
pmodel_set_cpu(struct pmap *pm, unsigned int cpu)
{
	if (cpu >= pm->pm_nactive)
		pmodel_panicf("pmodel_set_cpu: cpu %u of %u", cpu,
		    pm->pm_nactive);
	pm->pm_curcpu = cpu;
}

unsigned int
pmodel_cpu(const struct pmap *pm)
{
	return pm->pm_curcpu;
}

unsigned int
pmodel_ncpus(const struct pmap *pm)
{
	return pm->pm_nactive;
}

void
pmodel_set_ncpus(struct pmap *pm, unsigned int n)
{
	if (n < 1 || n > pm->pm_ncpus)
		pmodel_panicf("pmodel_set_ncpus: %u CPUs (1..%u were made)", n,
		    pm->pm_ncpus);
	pm->pm_nactive = n;
	pm->pm_curcpu = 0;
}

void
pmodel_tlb_queue(struct pmap *pm, vaddr_t va)
{
	if (pm->pm_npending < PMODEL_PENDING_MAX) {
		pm->pm_pending[pm->pm_npending] = va;
		pm->pm_pending_cpu[pm->pm_npending] = (uint8_t)pm->pm_curcpu;
	}
	pm->pm_npending++;
}

/*
 * pmap_update: the shootdown -- every queued invalidation on every CPU's
 * TLB (or all of every TLB once the queue overflowed).
 */
void
pmap_update(struct pmap *pm)
{
	unsigned long i;

	pmodel_switch_point(PMODEL_SW_PMAP, pm);
	if (pm->pm_npending > PMODEL_PENDING_MAX) {
		pmodel_tlb_flush_all(pm);
	} else {
		for (i = 0; i < pm->pm_npending; i++) {
			uint64_t vpn = pm->pm_pending[i] >> PAGE_SHIFT;

			for (unsigned int c = 0; c < pm->pm_nactive; c++) {
				struct pmodel_tlbent *te =
				    pmodel_tlbent(pm, c, vpn);

				if (te->te_vpn == vpn)
					te->te_valid = 0;
			}
		}
	}
	pm->pm_npending = 0;
	pm->pm_nentered = 0;
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

/*
 * With several CPUs, an entry the tables no longer grant is used between
 * another CPU's removal and its shootdown -- by design in every pmap,
 * and harmless while its frame is the very page it was when the entry
 * was filled (a pagedaemon writes that page out after the shootdown, so
 * nothing written is lost).  It is the bug the shootdown exists for once
 * the frame was freed meanwhile (free again, or another owner's now).
 * One CPU has no such window: there every stale use is a missing update.
 */
static bool
stale_harmless(const struct pmap *pm, const struct pmodel_tlbent *te)
{
	return pm->pm_nactive > 1 && te->te_pfn < pm->pm_nframes &&
	    pm->pm_frame[te->te_pfn] == FR_ALLOC &&
	    pm->pm_framegen[te->te_pfn] == te->te_gen;
}

int
pmodel_access(struct pmap *pm, vaddr_t va, bool write, bool exec,
    paddr_t *pa_out)
{
	uint64_t vpn = va >> PAGE_SHIFT, *pte;
	struct pmodel_tlbent *te = pmodel_tlbent(pm, pm->pm_curcpu, vpn);

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
			const char *stale = tlb_stale(te, pte);
			pm->pm_tlb_hits++;
			if (stale != NULL && !stale_harmless(pm, te)) {
				pm->pm_nstale++;
				pm->pm_fault_va = va;
				if (pa_out != NULL)
					*pa_out = ptoa(te->te_pfn) |
					    (va & PAGE_MASK);
				return PMODEL_STALE_TLB;
			}
			if (write && !te->te_dirty && stale == NULL) {
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
	te->te_gen = te->te_pfn < pm->pm_nframes ?
	    pm->pm_framegen[te->te_pfn] : 0;
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

/* " of cpuN" when there are several CPUs (one CPU reads as before). */
static const char *
cpu_name(const struct pmap *pm, unsigned int cpu, char *buf, size_t len)
{
	if (pm->pm_nactive == 1)
		return "";
	snprintf(buf, len, " of cpu%u", cpu);
	return buf;
}

int
pmodel_tlb_check(struct pmap *pm, char *why, size_t len)
{
	for (unsigned int c = 0; c < pm->pm_nactive; c++) {
		for (unsigned int i = 0; i <= pm->pm_tlbmask; i++) {
			const struct pmodel_tlbent *te =
			    pmodel_tlbent(pm, c, i);
			char cn[16];
			vaddr_t va;
			const char *r;

			if (!te->te_valid)
				continue;
			va = pmodel_canon(te->te_vpn << PAGE_SHIFT);
			r = tlb_stale(te, pmodel_walk(pm, va));
			if (r == NULL)
				continue;
			snprintf(why, len, "pmap: stale TLB entry%s va %#llx "
			    "-> pa %#llx (%s; %s)", cpu_name(pm, c, cn,
			    sizeof(cn)), (unsigned long long)va,
			    (unsigned long long)ptoa(te->te_pfn), r,
			    pending_p(pm, va) ? "invalidation pending: "
			    "missing pmap_update" : "no invalidation queued: "
			    "tables changed behind the pmap");
			return -1;
		}
	}
	return 0;
}

/*
 * va, unmapped, is about to map frame atop(pa): a CPU whose TLB still
 * caches va (the removal not shot down yet -- the only way a TLB can
 * hold an unmapped VA) could go on using the old translation after the
 * VA was handed out again, to whatever frame it names (even the same
 * one: a page freed and taken again meanwhile).  The first such reuse is
 * recorded for pmodel_reuse_check (pmap calls do not fail).
 */
void
pmodel_tlb_reuse(struct pmap *pm, vaddr_t va, paddr_t pa)
{
	uint64_t vpn = va >> PAGE_SHIFT;

	for (unsigned int c = 0; c < pm->pm_nactive; c++) {
		const struct pmodel_tlbent *te = pmodel_tlbent(pm, c, vpn);

		if (!te->te_valid || te->te_vpn != vpn)
			continue;
		if (pm->pm_nreuse++ != 0)
			return;
		pm->pm_reuse_va = va;
		pm->pm_reuse_oldpfn = te->te_pfn;
		pm->pm_reuse_newpfn = atop(pa);
		pm->pm_reuse_cpu = (uint8_t)pm->pm_curcpu;
		pm->pm_reuse_stalecpu = (uint8_t)c;
		pm->pm_reuse_pending = pending_p(pm, va);
		return;
	}
}

int
pmodel_reuse_check(struct pmap *pm, char *why, size_t len)
{
	char a[16], b[16];

	if (pm->pm_nreuse == 0)
		return 0;
	snprintf(why, len, "pmap: va %#llx entered -> pa %#llx%s while the "
	    "TLB%s still maps it to pa %#llx (%s)",
	    (unsigned long long)pm->pm_reuse_va,
	    (unsigned long long)ptoa(pm->pm_reuse_newpfn),
	    pm->pm_nactive > 1 ? (snprintf(a, sizeof(a), " by cpu%u",
	    pm->pm_reuse_cpu), a) : "",
	    cpu_name(pm, pm->pm_reuse_stalecpu, b, sizeof(b)),
	    (unsigned long long)ptoa(pm->pm_reuse_oldpfn),
	    pm->pm_reuse_pending ? "invalidation pending: the VA was reused "
	    "before its shootdown" : "no invalidation queued");
	return -1;
}

int
pmodel_pending_check(struct pmap *pm, char *why, size_t len)
{
	if (pm->pm_npending != 0) {
		snprintf(why, len, "pmap: %lu TLB invalidation(s) pending, "
		    "first va %#llx: missing pmap_update", pm->pm_npending,
		    (unsigned long long)pm->pm_pending[0]);
		return -1;
	}
	/*
	 * pmap(9): pmap_update must follow pmap_kenter_pa and pmap_enter
	 * too (a pmap may defer entering); x86's enters at once, so only
	 * the contract says so -- and only this check.
	 */
	if (pm->pm_nentered != 0) {
		snprintf(why, len, "pmap: %lu mapping(s) entered since the "
		    "last pmap_update, first va %#llx: missing pmap_update",
		    pm->pm_nentered, (unsigned long long)pm->pm_entered_va);
		return -1;
	}
	return 0;
}
