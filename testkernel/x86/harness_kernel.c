/*
 * harness_kernel.c: the harness's host in the test kernel.  The core
 * maps real page tables (kpmap.c); whether a mapping works is decided by
 * touching it, not by reading the tables.
 *
 * Who owns what.  One static struct hk per boot: the pmap window, the
 * instance, the catch point and a log of the pages whose PTEs changed.
 * Memory is stolen once (harness_kernel_get) and reused by every reset.
 *
 * The MMU as oracle.  kpmap logs each leaf change in the window
 * (kenter, enter, and kremove/remove of a present page).  After every op
 * mmu_check asks the CPU about each logged page, e.g. for a page the
 * tables map at 0xffffffff90012000 -> pa 0x3f7e000:
 *	read  0xffffffff90012800 through the MMU  == byte at dmap(0x3f7e800)
 *	write ~byte there (if PTE_W)             -> dmap(0x3f7e800) sees it
 *	      (a read-only page must fault instead); the byte is restored
 *	plant `ret' at dmap(0x3f7effc), call 0xffffffff90012ffc: faults iff NX
 * and for a page the tables no longer map, a read must fault with cr2 at
 * that address; one that does not is a stale TLB entry -- exactly what a
 * missing pmap_update leaves behind on real hardware, and QEMU's TCG
 * keeps such entries too.  The full check also walks every present leaf
 * of the window (bits, count) and asks the MMU about each.
 *
 * access() asks the MMU first (probe), then pmap_extract: translates
 * but unmapped in the tables -> HACC_STALE; faults though mapped -> a
 * complaint the next mmu_check reports with the address.
 *
 * Catching.  host->call runs the op under catch_setjmp.  The platform's
 * panic, block and wait hooks and the trap catch hook catch_longjmp back
 * with HCALL_PANIC or HCALL_WOULDBLOCK and the message; the instance is
 * then "dead" and the next reset forgets it instead of destroying it.
 */
#include "../lib/libc.h"
#include "arch.h"
#include "harness_kernel.h"
#include "kpmap.h"
#include "memmap.h"
#include "platform.h"
#include "trap.h"

#define PG		PAGE_SIZE
#define HK_KVA_HI	(HK_KVA_LO + HK_KVA_SIZE)
#define HK_MAX_HELD	8
#define PROBE_OFF	0x800	/* the byte written and read back */
#define EXEC_OFF	0xffc	/* where the `ret' goes for the exec probe */
#define RET_INSN	0xc3

struct hk {
	bool			ready;
	struct harness		*h;
	struct pmap		pm;
	bool			pm_live;
	struct kpmap_log	log;
	struct uvm_config	cfg;
	paddr_t			pages;		/* HK_NPAGES + UVM_MAX_PHYSSEG */
	void			*mem;
	size_t			memsize;
	struct uvm		*uvm;
	bool			dead;		/* a call was abandoned */

	struct catch_buf	catchbuf;
	bool			catching;
	char			caught[512];

	char			complaint[256];	/* from access(), for mmu_check */
	kmutex_t		*held[HK_MAX_HELD];
	unsigned		nheld;
	struct hk_stats		stats;
};

static struct hk hk;

static void	hk_shape_config(const struct hk *, unsigned int,
		    struct uvm_config *);

__attribute__((format(printf, 3, 4)))
static int
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- catching ------------------------------------------------------------ */

/* Back to the catch point with `kind', if there is one; else return. */
static void
hk_throw(int kind, const char *msg)
{
	if (!hk.catching)
		return;
	ksnprintf(hk.caught, sizeof(hk.caught), "%s", msg);
	hk.catching = false;
	hk.dead = true;
	hk.stats.caught++;
	catch_longjmp(&hk.catchbuf, kind);
}

static void
hk_panic_hook(const char *msg)
{
	hk_throw(HCALL_PANIC, msg);
}

static void
hk_block_hook(const char *msg)
{
	hk_throw(HCALL_WOULDBLOCK, msg);
}

static void
hk_trap_hook(const char *msg)
{
	hk_throw(HCALL_PANIC, msg);
}

/* The core sleeps: the harness's policy, or a would-block. */
static void
hk_wait_hook(struct uvm *uvm, enum uvm_wait_reason why, const void *what,
    const char *wmesg)
{
	char msg[256];

	if (uvm == NULL || uvm->host != &hk || hk.h == NULL) {
		ksnprintf(msg, sizeof(msg), "would block: %s (no harness)",
		    wmesg ? wmesg : "?");
		uvm_platform_panic(msg);
	}
	msg[0] = '\0';
	if (harness_wait(hk.h, why, what, wmesg, msg, sizeof(msg)))
		return;
	if (msg[0] == '\0')
		ksnprintf(msg, sizeof(msg), "would block: wait \"%s\" on %p",
		    wmesg ? wmesg : "?", what);
	hk_throw(HCALL_WOULDBLOCK, msg);
	uvm_platform_panic(msg);		/* no catch point: the end */
}

/*
 * call: fn(arg) under a catch point.
 * => HCALL_OK, or HCALL_PANIC / HCALL_WOULDBLOCK with the text in msg.
 */
static int
hk_call(void *ctx, void (*fn)(void *), void *arg, char *msg, size_t len)
{
	struct hk *k = ctx;
	struct catch_buf outer = k->catchbuf;
	bool was_catching = k->catching;
	int kind;

	kind = catch_setjmp(&k->catchbuf);
	if (kind == 0) {
		k->catching = true;
		fn(arg);
		kind = HCALL_OK;
	} else if (msg != NULL && len > 0) {
		ksnprintf(msg, len, "%s", k->caught);
	}
	k->catchbuf = outer;
	k->catching = was_catching;
	return kind;
}

/* ---- locks held by "another CPU" ---------------------------------------- */

static bool
hk_hold_lock(void *ctx, kmutex_t *m)
{
	struct hk *k = ctx;

	if (k->nheld == HK_MAX_HELD || !platform_mutex_hold_elsewhere(m))
		return false;
	k->held[k->nheld++] = m;
	return true;
}

/* => tolerant: a lock not held elsewhere is left alone. */
static void
hk_release_lock(void *ctx, kmutex_t *m)
{
	struct hk *k = ctx;

	for (unsigned i = 0; i < k->nheld; i++)
		if (k->held[i] == m) {
			k->held[i] = k->held[--k->nheld];
			break;
		}
	platform_mutex_release_elsewhere(m);
}

/* ---- reset --------------------------------------------------------------- */

/*
 * reset: forget or destroy the last instance, rebuild the window empty,
 * create a fresh instance in the same memory.
 * => NULL only for an instance the pmap model builds and this kernel
 * cannot (several CPUs, a shape of another KVA layout: *elsewhere);
 * a config the core refuses is a kernel bug (kpanic).
 */
static struct uvm *
hk_reset(void *ctx, const struct harness_instance *inst, char *msg,
    size_t len, bool *elsewhere)
{
	struct hk *k = ctx;
	char why[160];
	vaddr_t va;
	uint64_t t0 = rdtsc();
	unsigned int shape = inst->shape;

	if (inst->ncpus > 1) {
		/* one CPU runs the kernel: a program for several is a model's */
		ksnprintf(msg, len, "a program for %u CPUs runs on the pmap "
		    "model only: the test kernel runs one", inst->ncpus);
		*elsewhere = inst->ncpus <= KM_MAX_CPUS;
		return NULL;
	}

	if (!harness_kernel_builds(shape)) {
		char text[160];
		km_shape_text(shape, text, sizeof(text));
		ksnprintf(msg, len, "shape %u (%s) is built by the pmap model "
		    "only: the test kernel has one KVA window", shape, text);
		*elsewhere = shape < KM_NSHAPES;
		return NULL;
	}
	while (k->nheld > 0)
		hk_release_lock(k, k->held[0]);
	if (k->uvm != NULL && !k->dead)
		uvm_destroy(k->uvm);
	k->uvm = NULL;
	if (k->pm_live) {
		(void)kpmap_destroy(&k->pm);	/* the checkers judged leaks */
		k->pm_live = false;
		if ((va = kpmap_window_tables(HK_KVA_LO, HK_KVA_HI)) != 0)
			kpanic("harness_kernel: window still has a page table "
			    "at %lx after destroy", va);
	}
	kpmap_create(&k->pm, HK_KVA_LO, HK_KVA_HI);
	k->pm_live = true;
	k->log.n = 0;
	k->log.overflow = false;
	k->pm.pm_log = &k->log;
	k->dead = false;
	k->complaint[0] = '\0';

	hk_shape_config(k, shape, &k->cfg);
	k->cfg.poolpage_direct_map = inst->poolpage_direct_map;
	k->cfg.poolpage_free_noupdate = inst->poolpage_free_noupdate;
	k->uvm = uvm_create(&k->cfg, k->mem, k->memsize, why, sizeof(why));
	if (k->uvm == NULL)
		kpanic("harness_kernel: uvm_create: %s", why);
	k->stats.resets++;
	k->stats.reset_ticks += rdtsc() - t0;
	return k->uvm;
}

/* ---- access through the MMU ---------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static void
complain(struct hk *k, const char *fmt, ...)
{
	va_list ap;

	if (k->complaint[0] != '\0')
		return;			/* the first one wins */
	va_start(ap, fmt);
	kvsnprintf(k->complaint, sizeof(k->complaint), fmt, ap);
	va_end(ap);
}

/*
 * Does an instruction fetch at va fault?  A `ret' is planted at pa (the
 * page the tables say va reaches) first and taken out after, so that a
 * fetch that wrongly succeeds returns instead of running page contents.
 */
static bool
exec_faults(vaddr_t va, paddr_t pa)
{
	volatile uint8_t *d = kpmap_dmap(pa);
	uint8_t save = *d;
	bool faulted;

	*d = RET_INSN;
	faulted = probe_exec(va);
	*d = save;
	return faulted;
}

static int	access_probe(struct hk *k, vaddr_t va, bool write, bool exec);

static int
hk_access(void *ctx, vaddr_t va, bool write, bool exec)
{
	struct hk *k = ctx;
	uint64_t t0 = rdtsc();
	int r = access_probe(k, va, write, exec);

	k->stats.mmu_ticks += rdtsc() - t0;
	return r;
}

/* Was va's removal queued and not yet flushed by pmap_update? */
static bool
removal_pending(const struct hk *k, vaddr_t va)
{
	for (unsigned i = 0; i < k->pm.pm_npending; i++)
		if (k->pm.pm_pending[i] == trunc_page(va))
			return true;
	return false;
}

/* access: the MMU first, then pmap_extract (see the top of the file). */
static int
access_probe(struct hk *k, vaddr_t va, bool write, bool exec)
{
	paddr_t pa = 0;
	bool mapped = pmap_extract(&k->pm, va, &pa);
	uint64_t pte = mapped ? kpmap_leaf(va, NULL) : 0;
	uint8_t b;

	if (probe_read8(va, &b)) {
		if (mapped)
			complain(k, "MMU: a read of 0x%lx faults (cr2 %lx, "
			    "error %lx) but pmap_extract maps it to pa 0x%lx",
			    va, last_fault.cr2, last_fault.error, pa);
		/*
		 * A removal not yet flushed may still translate on any
		 * CPU: QEMU's TCG usually keeps the entry, but drops it
		 * when it resizes its TLB (which depends on host timing).
		 * Judge by the pending list, as the model does, so that
		 * the verdict does not depend on the host's load.
		 */
		if (!mapped && removal_pending(k, va))
			return HACC_STALE;
		return HACC_FAULT;
	}
	if (!mapped)
		return HACC_STALE;	/* the TLB still holds a removed PTE */
	if (write) {
		if (probe_write(va, b)) {
			if (pte & PTE_W)
				complain(k, "MMU: a write to 0x%lx faults "
				    "but its PTE %lx is writable", va, pte);
			return HACC_FAULT;
		}
		if (!(pte & PTE_W))
			return HACC_STALE;	/* writable in the TLB only */
	}
	if (exec) {
		if (exec_faults(va, pa)) {
			if (!(pte & PTE_NX))
				complain(k, "MMU: a fetch from 0x%lx faults "
				    "but its PTE %lx is executable", va, pte);
			return HACC_FAULT;
		}
		if (pte & PTE_NX)
			return HACC_STALE;
	}
	return HACC_OK;
}

/* Probe each page of [va, va + len), then copy through the MMU. */
static int
hk_copy(struct hk *k, vaddr_t va, void *buf, size_t len, bool write)
{
	for (vaddr_t p = trunc_page(va); p < va + len; p += PG) {
		int r = access_probe(k, p < va ? va : p, write, false);

		if (r != HACC_OK)
			return r;
	}
	if (write)
		memcpy((void *)va, buf, len);
	else
		memcpy(buf, (const void *)va, len);
	return HACC_OK;
}

static int
hk_read(void *ctx, vaddr_t va, void *buf, size_t len)
{
	return hk_copy(ctx, va, buf, len, false);
}

static int
hk_write(void *ctx, vaddr_t va, const void *buf, size_t len)
{
	return hk_copy(ctx, va, (void *)(uintptr_t)buf, len, true);
}

/* ---- the live page tables ------------------------------------------------ */

struct hk_walk {
	harness_mapping_cb	cb;
	void			*arg;
};

static int
hk_walk_one(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	struct hk_walk *w = arg;

	return w->cb(w->arg, va, pa, harness_hmap_of_pte(pte));
}

static int
hk_foreach_mapping(void *ctx, vaddr_t sva, vaddr_t eva,
    harness_mapping_cb cb, void *arg)
{
	struct hk_walk w = { cb, arg };

	(void)ctx;
	return kpmap_foreach(sva, eva, hk_walk_one, &w);
}

/* ---- mmu_check ----------------------------------------------------------- */

/*
 * Ask the MMU about one page and compare with the tables.
 * => 0, or -1 with why naming the address.
 */
static int
check_page(struct hk *k, vaddr_t va, char *why, size_t len)
{
	uint64_t pte = kpmap_leaf(va, NULL);
	paddr_t pa = pte & PTE_FRAME;
	volatile uint8_t *d;
	uint8_t save, v = 0;

	k->stats.pages_probed++;
	if (!(pte & PTE_P)) {
		if (!probe_read(va))
			return say(why, len, "MMU: 0x%lx still translates but "
			    "pmap_extract says it is unmapped (a stale TLB "
			    "entry: removed without pmap_update?)", va);
		if (last_fault.cr2 != va)
			return say(why, len, "MMU: a read of unmapped 0x%lx "
			    "faulted at 0x%lx instead", va, last_fault.cr2);
		k->stats.faults_taken++;
		return 0;
	}
	if (pte & PTE_U)
		return say(why, len, "PTE %lx of 0x%lx is user-accessible",
		    pte, va);
	if (pte & PTE_PS)
		return say(why, len, "0x%lx is mapped by a large page (PTE "
		    "%lx) in the 4 KiB window", va, pte);
	if (pa >= memmap_phys_top)
		return say(why, len, "0x%lx maps pa 0x%lx beyond RAM", va, pa);

	d = kpmap_dmap(pa + PROBE_OFF);
	save = *d;
	if (probe_read8(va + PROBE_OFF, &v))
		return say(why, len, "MMU: a read of mapped 0x%lx faults (pa "
		    "0x%lx, PTE %lx)", va + PROBE_OFF, pa, pte);
	if (v != save)
		return say(why, len, "MMU: 0x%lx reads 0x%x but pa 0x%lx (its "
		    "page per pmap_extract) holds 0x%x: the TLB reaches another "
		    "page", va + PROBE_OFF, v, pa + PROBE_OFF, save);
	if (pte & PTE_W) {
		uint8_t got;

		if (probe_write(va + PROBE_OFF, (uint8_t)~save))
			return say(why, len, "MMU: a write to writable 0x%lx "
			    "faults (PTE %lx)", va + PROBE_OFF, pte);
		got = *d;
		*d = save;
		if (got != (uint8_t)~save)
			return say(why, len, "MMU: a write to 0x%lx did not "
			    "reach pa 0x%lx through the direct map", va +
			    PROBE_OFF, pa + PROBE_OFF);
	} else {
		if (!probe_write(va + PROBE_OFF, save))
			return say(why, len, "MMU: read-only 0x%lx takes a "
			    "write (PTE %lx)", va + PROBE_OFF, pte);
		k->stats.faults_taken++;
	}
	if (exec_faults(va + EXEC_OFF, pa + EXEC_OFF) != ((pte & PTE_NX) != 0))
		return say(why, len, "MMU: a fetch from 0x%lx %s but its PTE "
		    "%lx is %s", va + EXEC_OFF, (pte & PTE_NX) ? "runs" :
		    "faults", pte, (pte & PTE_NX) ? "NX" : "executable");
	if (pte & PTE_NX)
		k->stats.faults_taken++;
	return 0;
}

struct leaf_walk {
	struct hk	*k;
	unsigned long	n;
	char		*why;
	size_t		len;
};

static int
check_leaf(void *arg, vaddr_t va, paddr_t pa, uint64_t pte)
{
	struct leaf_walk *w = arg;

	(void)pa;
	w->n++;
	if (((pte & PTE_KENTER) != 0) == ((pte & PTE_MANAGED) != 0))
		return say(w->why, w->len, "PTE %lx of 0x%lx is neither or both "
		    "kenter and managed", pte, va);
	return check_page(w->k, va, w->why, w->len);
}

static int	mmu_check(struct hk *k, bool full, char *why, size_t len);

static int
hk_mmu_check(void *ctx, bool full, char *why, size_t len)
{
	struct hk *k = ctx;
	uint64_t t0 = rdtsc();
	int r = mmu_check(k, full, why, len);

	k->stats.mmu_ticks += rdtsc() - t0;
	return r;
}

static int
mmu_check(struct hk *k, bool full, char *why, size_t len)
{
	struct kpmap_log *log = &k->log;
	int r = 0;

	k->stats.mmu_checks++;
	if (k->complaint[0] != '\0') {
		ksnprintf(why, len, "%s", k->complaint);
		k->complaint[0] = '\0';
		return -1;
	}
	if (log->overflow) {
		/* runs were lost: every page of the window */
		k->stats.log_overflows++;
		for (vaddr_t va = HK_KVA_LO; va < HK_KVA_HI && r == 0; va += PG)
			r = check_page(k, va, why, len);
	} else {
		for (unsigned i = 0; i < log->n && r == 0; i++)
			for (unsigned long p = 0; p < log->run[i].npages &&
			    r == 0; p++)
				r = check_page(k, log->run[i].va + p * PG, why,
				    len);
	}
	log->n = 0;
	log->overflow = false;
	if (r != 0)
		return r;
	if (full) {
		struct leaf_walk w = { k, 0, why, len };

		if ((r = kpmap_foreach(HK_KVA_LO, HK_KVA_HI, check_leaf,
		    &w)) != 0)
			return r;
		if (w.n != k->pm.pm_nmapped)
			return say(why, len, "window [%lx, %lx) has %lu present "
			    "PTEs, the pmap counts %lu", (unsigned long)HK_KVA_LO,
			    (unsigned long)HK_KVA_HI,
			    w.n, k->pm.pm_nmapped);
	}
	if (k->pm.pm_flush_all)
		return say(why, len, "more than %d removals still wait for "
		    "pmap_update (the TLB may hold any of them)",
		    KPMAP_PENDING);
	if (k->pm.pm_npending > 0)
		return say(why, len, "the removal of 0x%lx (and %u more) still "
		    "waits for pmap_update: its TLB entry may be used",
		    k->pm.pm_pending[0], k->pm.pm_npending - 1);
	return 0;
}

/* ---- setup --------------------------------------------------------------- */

static void *
steal(size_t bytes)
{
	return kpmap_dmap(memmap_steal(round_page(bytes)));
}

bool
harness_kernel_builds(unsigned int shape)
{
	return km_shape(shape)->kva == KM_KVA_DEFAULT;
}

/*
 * The instance of `shape' as the pmap model lays it out: HK_NPAGES
 * managed pages in nseg equal segments (the last takes the rest), one
 * hole page after each, from one block stolen at boot; swap is the
 * shape's slot count, capped by the platform's swap device.
 */
static void
hk_shape_config(const struct hk *k, unsigned int shape, struct uvm_config *c)
{
	const struct km_shape *s = km_shape(shape);
	unsigned int per = HK_NPAGES / s->nseg;
	paddr_t pa = k->pages;

	c->nseg = s->nseg;
	for (unsigned int i = 0; i < s->nseg; i++) {
		unsigned int n = i + 1 < s->nseg ? per : HK_NPAGES - per * i;
		c->seg[i] = (struct uvm_physseg){ pa, pa + ptoa(n) };
		pa += ptoa(n + 1);
	}
	c->ncolors = s->ncolors;
	c->reserve_pagedaemon = s->reserve_pagedaemon;
	c->reserve_kernel = s->reserve_kernel;
	c->nswap = s->nswap < platform_swap_slots() ? s->nswap :
	    platform_swap_slots();
	c->max_map_entries = s->max_map_entries;
}

static void
hk_setup(void)
{
	struct uvm_config *c = &hk.cfg;

	hk.h = steal(sizeof(struct harness));
	hk.pages = memmap_steal(ptoa(HK_NPAGES + UVM_MAX_PHYSSEG));

	memset(c, 0, sizeof(*c));
	c->kva_min = HK_KVA_LO;
	c->kva_start = HK_KVA_LO + HK_KVA_BOOT;
	c->kva_max = HK_KVA_HI;
	c->max_submaps = HK_SUBMAPS;
	c->max_pool_pages = HK_POOLPAGES;
	c->pmap = &hk.pm;
	c->host = &hk;
	/* one block that holds the instance of every shape */
	for (unsigned int i = 0; i < KM_NSHAPES; i++) {
		hk_shape_config(&hk, i, c);
		size_t n = uvm_instance_size(c);
		if (n == 0)
			kpanic("harness_kernel: shape %u: the instance config "
			    "is invalid", i);
		if (n > hk.memsize)
			hk.memsize = n;
	}
	hk.mem = steal(hk.memsize);

	platform_set_panic_hook(hk_panic_hook);
	platform_set_block_hook(hk_block_hook);
	platform_set_wait_hook(hk_wait_hook);
	trap_set_catch_hook(hk_trap_hook);
	hk.ready = true;
}

static unsigned long
hk_wakeups(void *ctx, const void *chan)
{
	(void)ctx;
	return platform_wakeups_on(chan);
}

static void
hk_swap_io(void *ctx, unsigned long *reads, unsigned long *writes)
{
	(void)ctx;
	platform_swap_io(reads, writes);
}

static void
hk_page_counts(void *ctx, struct harness_page_counts *c)
{
	struct pmap *pm = &((struct hk *)ctx)->pm;

	c->allocs = __atomic_load_n(&pm->pm_page_allocs, __ATOMIC_RELAXED);
	c->last_alloc = __atomic_load_n(&pm->pm_last_alloc, __ATOMIC_RELAXED);
	c->enters = __atomic_load_n(&pm->pm_enters, __ATOMIC_RELAXED);
	c->frees = __atomic_load_n(&pm->pm_page_frees, __ATOMIC_RELAXED);
}

struct harness *
harness_kernel_get(const struct harness_config *cfg)
{
	struct harness_host host = {
		.ctx = &hk,
		.reset = hk_reset,
		.access = hk_access,
		.read = hk_read,
		.write = hk_write,
		.foreach_mapping = hk_foreach_mapping,
		.mmu_check = hk_mmu_check,
		.call = hk_call,
		.hold_lock = hk_hold_lock,
		.release_lock = hk_release_lock,
		.wakeups = hk_wakeups,
		.swap_io = hk_swap_io,
		.page_counts = hk_page_counts,
	};

	if (!hk.ready)
		hk_setup();
	harness_init(hk.h, &host, cfg);
	return hk.h;
}

const struct hk_stats *
harness_kernel_stats(void)
{
	return &hk.stats;
}
