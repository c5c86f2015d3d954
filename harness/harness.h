/*
 * harness.h: run op programs against a fresh instance and judge them.
 *
 * The harness is freestanding (it runs in the test kernel too).  What it
 * needs from its host comes through struct harness_host: a fresh
 * instance, the MMU's view of memory, a way to run a call that may
 * panic, and locks held "elsewhere".  pmap_model/ and testkernel/ each
 * provide one.
 *
 *	struct harness *h = host-allocated, harness_init(h, &host, &cfg);
 *	int r = harness_run_bytes(h, data, len, &finding);
 *	r: HARNESS_CLEAN, HARNESS_FINDING (finding says what), HARNESS_BADINPUT
 *	h->trace[0 .. h->ntrace) holds the ops run, names and selectors both
 *	resolved: print them with km_text_print, encode them with km_encode.
 *
 * Valid use by default.  Every program, bytes or text, goes through one
 * policy (policy.c) before each call so that every call is valid and can
 * finish (e.g. WAITVA is dropped when no drain could make room); the
 * trace holds the adjusted op with what was adjusted (km_op.adjusted,
 * printed "# adjusted: ..."), so printing and re-encoding reproduce
 * exactly what ran.  A misuse op must panic with a message naming the
 * call; after it the run ends (the instance is dead).
 *
 * One op is three steps, which the interpreter runs in a row and a C
 * repro (kmfuzz creproduce) runs around its own spelled-out calls:
 *	harness_op_begin	resolve, policy, snapshot what end compares
 *	the calls		the uvm_km API (op_<name>_impl.call, or the
 *				C statements op_<name>_impl.emit wrote)
 *	harness_op_end		shadow update, the op's checks, the oracle
 *				schedule; or harness_op_abort on a panic
 */
#ifndef KMFUZZ_HARNESS_H
#define KMFUZZ_HARNESS_H

#include <uvm/uvm.h>
#include "op.h"
#include "signature.h"

#define HARNESS_MAX_OPS		4096
#define HARNESS_MAX_ALLOCS	256	/* live a-handles */
#define HARNESS_MAX_POOLPAGES	256	/* live p-handles */
#define HARNESS_MAX_MAPS	8	/* kernel_map + submaps */
#define HARNESS_MAX_REGIONS	64	/* live r-handles */
#define HARNESS_MAX_PAGES	16384	/* managed pages the checkers track */
#define HARNESS_WAIT_BUDGET	64	/* waits per op before "would block" */
/*
 * The schedule the fuzz targets, props and the test kernel run: per-op
 * checks of what the op touched after every op, the full walk every
 * this many ops and before the release (README: how it was chosen).
 */
#define HARNESS_FULL_CHECK_EVERY 64

enum harness_result {
	HARNESS_CLEAN = 0,
	HARNESS_FINDING = 1,
	HARNESS_BADINPUT = 2,
};

/* host->call results */
enum { HCALL_OK = 0, HCALL_PANIC = 1, HCALL_WOULDBLOCK = 2 };

/* MMU view of one mapping (host->foreach_mapping). */
#define HMAP_WRITE	0x1
#define HMAP_USER	0x2
#define HMAP_NX		0x4
#define HMAP_GLOBAL	0x8

/*
 * The HMAP_* bits of an x86-64 leaf PTE: both hosts (the pmap model and
 * the test kernel) keep x86-64 page tables.
 */
static inline unsigned int
harness_hmap_of_pte(uint64_t pte)
{
	return ((pte & (1ULL << 1)) ? HMAP_WRITE : 0) |	/* RW */
	    ((pte & (1ULL << 2)) ? HMAP_USER : 0) |		/* US */
	    ((pte & (1ULL << 63)) ? HMAP_NX : 0) |		/* NX */
	    ((pte & (1ULL << 8)) ? HMAP_GLOBAL : 0);		/* G */
}

/* host->access results beyond 0 (ok). */
enum { HACC_OK = 0, HACC_FAULT = 1, HACC_STALE = 2 };

struct harness;

/*
 * The instance's shape (shape.c): one of KM_NSHAPES parameter sets, the
 * first byte of a byte program or a first line "shape N".  Shape 0 is
 * the default every host builds.
 */
enum km_kva { KM_KVA_DEFAULT, KM_KVA_TOP, KM_KVA_SMALL };
struct km_shape {
	uint8_t		ncolors, nseg;
	uint8_t		reserve_kernel, reserve_pagedaemon;
	uint16_t	nswap, max_map_entries;
	uint8_t		kva;		/* enum km_kva */
	bool		direct_map;	/* pool pages through the direct
					   map, whatever the variant */
};
extern const struct km_shape km_shapes[KM_NSHAPES];
/* => shape n (0 for n out of range). */
const struct km_shape *km_shape(unsigned int n);
/* "4 colors, 2 segments, ..." (snprintf-like). */
int	km_shape_text(unsigned int n, char *buf, size_t len);

typedef int (*harness_mapping_cb)(void *arg, vaddr_t va, paddr_t pa,
    unsigned int hmap);

/* What instance a program runs on (harness_host.reset). */
struct harness_instance {
	unsigned int	shape;		/* 0..KM_NSHAPES-1 */
	bool		poolpage_direct_map;
	bool		poolpage_free_noupdate;	/* uvm_config's */
	unsigned int	ncpus;		/* TLBs the pmap needs: 1..4 */
};

/* The pmap's view of the pages (harness_host.page_counts). */
struct harness_page_counts {
	unsigned long	allocs;		/* pmap_page_allocated calls */
	paddr_t		last_alloc;	/* ... the last one's page */
	unsigned long	enters;		/* pmap_enter calls (faults) */
	unsigned long	frees;		/* pmap_page_freed calls */
};

struct harness_host {
	void	*ctx;
	/*
	 * A fresh instance as `inst' says (the previous one is gone).
	 * The host routes the instance's uvm_platform_wait to
	 * harness_wait(h, ...).  => NULL (why in msg) if this host cannot
	 * build that instance.  *elsewhere then says whether another host
	 * builds it (the test kernel has one KVA window and one CPU; the
	 * pmap model builds every shape for up to 4 CPUs): such a program
	 * is skipped here, while one no host can build is a bad input.
	 */
	struct uvm *(*reset)(void *ctx, const struct harness_instance *inst,
		    char *msg, size_t len, bool *elsewhere);
	/* Translate as the CPU would: HACC_OK / HACC_FAULT / HACC_STALE. */
	int	(*access)(void *ctx, vaddr_t va, bool write, bool exec);
	/* Copy through the translation; 0 or HACC_FAULT/HACC_STALE. */
	int	(*read)(void *ctx, vaddr_t va, void *buf, size_t len);
	int	(*write)(void *ctx, vaddr_t va, const void *buf, size_t len);
	/* cb for every present leaf in [sva, eva), ascending; stops on != 0 */
	int	(*foreach_mapping)(void *ctx, vaddr_t sva, vaddr_t eva,
		    harness_mapping_cb cb, void *arg);
	/*
	 * Page tables and TLB: no stale TLB entry, no invalidation waiting
	 * for pmap_update, tables well formed.  0 or -1 with why.
	 */
	int	(*mmu_check)(void *ctx, bool full, char *why, size_t len);
	/* fn(arg) under a catch point: HCALL_*; msg gets the panic text. */
	int	(*call)(void *ctx, void (*fn)(void *), void *arg, char *msg,
		    size_t len);
	bool	(*hold_lock)(void *ctx, kmutex_t *m);
	void	(*release_lock)(void *ctx, kmutex_t *m);
	/*
	 * Wakeups the instance has issued on chan (a count that only grows
	 * while the instance lives; it may include other channels', never
	 * miss chan's).  NULL: this host cannot tell; lost wakeups go
	 * unjudged.
	 */
	unsigned long (*wakeups)(void *ctx, const void *chan);
	/*
	 * A mutex_enter against the lock order since the last call (the
	 * host keeps each thread's locks, ranked by harness_lock_rank):
	 * -1 and why, once.  NULL: this host cannot tell.
	 */
	int	(*lock_order)(void *ctx, char *why, size_t len);
	/*
	 * Pages the instance read from and wrote to the swap device
	 * (counts that only grow while the instance lives).  NULL: this
	 * host cannot tell; uvmexp's pageins and pageouts go unjudged.
	 */
	void	(*swap_io)(void *ctx, unsigned long *reads,
		    unsigned long *writes);
	/*
	 * What the pmap saw of the instance's pages (counts that only
	 * grow).  NULL: this host cannot tell; uvmexp.colorhit and faults
	 * and the page allocator's color rotation go unjudged.
	 */
	void	(*page_counts)(void *ctx, struct harness_page_counts *c);
	/*
	 * Concurrency (NULL: this host runs one CPU only).  Run
	 * harness_smp_cpu(h, c) for every c < h->ncpu, each on a virtual
	 * CPU of its own, cooperatively: exactly one runs at a time, and
	 * at every switch point (lock, unlock, wait, wakeup, pmap call) the
	 * host asks harness_smp_pick which runs next, bracketing the switch
	 * with harness_smp_switch_out/in.  Returns when all have returned.
	 * A finding stops the others at their next switch point.
	 */
	void	(*smp_run)(void *ctx, struct harness *h);
};

/* Where C statements go (kmfuzz creproduce): out(arg, text) for each. */
struct km_emit {
	void	(*out)(void *arg, const char *s);
	void	*arg;
};

struct harness_config {
	const struct km_opset *set;	/* byte programs: opcodes drawn */
	/*
	 * A schedule may ask for NetBSD's non-DEBUG cached pool-page free
	 * (noupdate).  Off: the policy drops it, and says so.
	 */
	bool		allow_noupdate;
	bool		checkers;	/* false: run only (throughput) */
	/*
	 * Ops between full walks (0: only before and after the release).
	 * A run that finds something is re-run with 1, so that the finding
	 * names the op that broke the state.  HARNESS_FULL_CHECK_EVERY is the fuzzing
	 * schedule.
	 */
	unsigned int	full_check_every;
	bool		poolpage_direct_map;
	uint32_t	max_ops;	/* 0: HARNESS_MAX_OPS */
	/*
	 * An extra property, checked after every op (props/ uses it for
	 * properties beyond the checkers); report with harness_fail.
	 */
	void		(*property)(struct harness *h, void *arg);
	void		*property_arg;
	/*
	 * Leave the instance as the last op left it: no final checks, no
	 * release, no leak check (kmfuzz picture draws that state).
	 */
	bool		keep_state;
	/*
	 * The calls are written out (a C repro): the policy checks each op
	 * but does not change it; where it would, the op runs as written
	 * and says so (KADJ_AS_WRITTEN).
	 */
	bool		as_written;
	/* Each op's C statements go here before its calls (creproduce). */
	struct km_emit	*emit;
	/* A note for the reader of a run (as_written decisions); may be NULL. */
	void		(*note)(void *arg, const char *text);
	void		*note_arg;
};

struct harness_finding {
	const char	*checker;	/* "map", "ownership", "pages", "pmap",
					   "tlb", "swap", "security", "data",
					   "leak", "assert", "wouldblock",
					   "misuse", ... (signature.c) */
	const char	*opname;	/* the failing op's name; "end" for the
					   checks after the last op */
	uint32_t	op_index;	/* 0-based; ntrace at the end check */
	uint32_t	line;		/* text line, 0 from bytes */
	vaddr_t		va;		/* the address concerned, 0 if none */
	char		optext[192];	/* the op, as text */
	char		msg[512];
	bool		unsupported;	/* with HARNESS_BADINPUT: a program
					   this host cannot run (more CPUs
					   than it has), not a bad one */
};

/*
 * What an op's prepare step saw before the calls (counters, and what the
 * op is about to touch), for its end step to compare with.
 */
struct hs_before {
	unsigned int	free, wired, objpages, swpginuse, entries, swpgonly;
	unsigned long	mapped;		/* free: wired pages mapped */
	unsigned int	resident, slots; /* pgremove: in the range */
	/* what the reference models say the call must do (model.c) */
	bool		judged;		/* a prediction was made */
	bool		room;		/* the map has room: *fit */
	vaddr_t		fit;
	bool		lock_held;	/* another CPU holds the map lock */
	bool		pages_ok;	/* every page it needs is there */
	bool		pages_short;	/* pages run out; it may not wait */
	int		color;		/* pool page: its page's, -1 unjudged */
	/* idlezero: pages it must zero, and each color's zeroed count then */
	unsigned int	zero_done;
	unsigned int	pageouts;	/* pageout: pages it must write out */
	bool		page_busy;	/* touch: its page is under I/O */
	uint16_t	zeros[UVM_MAX_COLORS];
	bool		queues;		/* zeros[] is judged */
	/* and uvmexp's counters once the op has its pages */
	unsigned int	colorhit, zerohit, zeromiss;
	unsigned int	colormiss;	/* uvmexp.colormiss before */
	bool		colormiss_want;	/* ... and whether it must grow */
	bool		invalid;	/* map: prot above maxprot: EINVAL */
	int		error;		/* map: what uvm_map returned */
};

/* Shadow of one live allocation (id 0: a removed one, see smp.c). */
struct hs_alloc {
	uint16_t	id;		/* a<id> */
	uint8_t		map;		/* index into maps[] */
	uint8_t		cpu;		/* the CPU that made it owns it */
	uint8_t		removed_any;
	vaddr_t		va;
	vsize_t		size;		/* rounded to pages */
	vsize_t		align;		/* as requested, 0 for none */
	uint32_t	flags;		/* UVM_KMF_* as allocated */
	/*
	 * per page: the seed of the pattern last written over all of it
	 * (hs_page_word), 0 for "reads zero" (pageable, ZERO) or unknown
	 */
	uint32_t	seed[KOP_TRACKED_PAGES];
	uint64_t	removed;	/* pages dropped by pgremove */
	uint64_t	touched;	/* pageable pages faulted in once */
	/* (page state is kept for the first KOP_TRACKED_PAGES pages) */
};

struct hs_poolpage {
	uint16_t	id;
	uint8_t		map;
	uint8_t		cpu;		/* owner */
	uint8_t		uncached;
	vaddr_t		va;
};

/*
 * Shadow of a region: a range uvm_map entered directly (the map op), of
 * which unmap may take pages away; the core may merge it with
 * neighbours or clip it, so what the checkers compare is coverage and
 * attributes, page by page.
 */
struct hs_region {
	uint16_t	id;		/* r<id> */
	uint8_t		map;		/* index into maps[] */
	uint8_t		cpu;		/* owner */
	uint8_t		prot, maxprot;
	uint32_t	flags;		/* KOPF_MAP_* as mapped */
	vaddr_t		va;
	uint32_t	npages;
	uint64_t	live;		/* pages still mapped */
};

struct hs_map {
	uint16_t	id;		/* m<id>, 0 = kernel_map */
	struct vm_map	*map;
	bool		intrsafe;
};

/* The schedule of a concurrent run (sched.c). */
struct km_sched {
	uint8_t		strategy;	/* KSCHED_* */
	uint8_t		ncpu, depth;
	uint8_t		prio[KM_MAX_CPUS];	/* pct */
	uint32_t	change[KM_MAX_CPUS];	/* pct: change points, steps */
	uint32_t	step;		/* switch points so far */
	uint64_t	rng;
};
void		km_sched_init(struct km_sched *s, const struct km_op *op);
unsigned int	km_sched_pick(struct km_sched *s, unsigned int runnable,
		    unsigned int cur);

/*
 * One virtual CPU of a concurrent run (smp.c): its place in the
 * program, the op it is running, and -- while it is switched out -- the
 * harness's per-op fields as it left them.
 */
/* The handle tables an op may add to (policy.c's slot claims). */
enum { HS_SLOT_ALLOC, HS_SLOT_POOL, HS_SLOT_REGION };

struct harness_cpu {
	bool		busy;		/* an op of its is between begin/end */
	bool		has_op;		/* switched out inside its op */
	struct km_op	work;		/* that op, with shadow indices */
	uint32_t	op_index;
	uintptr_t	result;
	struct hs_before before;
	unsigned int	touched_maps, waits, waits_unmodelled, injected_seen;
	unsigned int	entry_claim;	/* map entries its op may take */
	unsigned int	slot_claim;	/* 1 + the HS_SLOT_* its op fills */
};

struct harness {
	struct harness_host	host;
	struct harness_config	cfg;
	struct uvm		*uvm;

	/* shadow model */
	struct hs_alloc		allocs[HARNESS_MAX_ALLOCS];
	unsigned int		nallocs;
	/*
	 * allocs[] sorted by address, valid only while a full walk runs
	 * (nothing adds or removes an allocation then): hs_alloc_at
	 * answers each mapped page with a binary search instead of a scan.
	 */
	uint16_t		alloc_order[HARNESS_MAX_ALLOCS];
	vaddr_t			alloc_order_va[HARNESS_MAX_ALLOCS]; /* starts */
	unsigned int		alloc_order_hint;  /* the last one found */
	bool			alloc_order_valid;
	struct hs_poolpage	pool[HARNESS_MAX_POOLPAGES];
	unsigned int		npool;
	struct hs_map		maps[HARNESS_MAX_MAPS];
	unsigned int		nmaps;
	struct hs_region	regions[HARNESS_MAX_REGIONS];
	unsigned int		nregions;
	uint16_t		next_alloc_id, next_pool_id, next_map_id,
				next_region_id;
	uint32_t		generation;	/* pattern counter for touch */
	unsigned int		base_entries;	/* entries_inuse at start */
	/* at start: uvmexp's pageins, pageouts; the host's swap I/O */
	unsigned int		base_pageins, base_pageouts;
	unsigned long		base_swap_reads, base_swap_writes;
	/* at start: uvmexp.colorhit and faults; what the host counted */
	unsigned int		base_colorhit, base_faults;
	struct harness_page_counts base_pages;
	/* pages out as the host counts them minus as the core does, at the
	   run's start (check_page_balance) */
	long			base_balance;
	unsigned int		entry_claims;	/* sum of the CPUs' entry_claim */
	unsigned int		slot_claims[3];	/* per HS_SLOT_*: ops filling one */
	kmutex_t		*held;		/* hold_lock: the other CPU's */
	uint16_t		armed_free;	/* wait_frees: aN, 0 none */
	bool			text_mode;	/* names are the program's labels */
	const struct km_op	*prog;		/* text: the program run */
	size_t			nprog, prog_next;

	/* current op, for waits and reports */
	uint32_t		op_index;
	struct km_op		*op;		/* trace entry running, or NULL */
	uintptr_t		result;		/* what its calls returned */
	struct hs_before	before;		/* what begin saw (exec_*.c) */
	unsigned int		touched_maps;	/* hs_touched_maps at begin */
	unsigned int		waits;
	unsigned int		waits_unmodelled; /* but the other CPU's frees */
	unsigned int		injected_seen;	/* injected failures at last wait */
	struct harness_finding	*finding;
	bool			found;
	bool			stopped;	/* found, or a misuse ended it */

	/* scratch for the checkers: one bit per managed page */
	uint64_t		seen[HARNESS_MAX_PAGES / 64];
	/* scratch: one page's contents, read or to be written */
	uint32_t		page_buf[PAGE_SIZE / sizeof(uint32_t)];

	/* the ops run, resolved */
	struct km_op		trace[HARNESS_MAX_OPS];
	uint32_t		ntrace;

	/* a concurrent run (smp.c); ncpu 1 otherwise */
	unsigned int		ncpu, cur_cpu;
	bool			smp;		/* its ops are running now */
	bool			noupdate;	/* the instance's free form */
	bool			stuck;		/* KADJ_STUCK: stopped clean */
	struct km_sched		sched;
	struct harness_cpu	cpus[KM_MAX_CPUS];
	uint64_t		dropped[HARNESS_MAX_OPS / 64]; /* no target */
};

/*
 * The concurrent run's entry points for the host (harness_host.smp_run):
 * the body of virtual CPU c; the next CPU at a switch point of `cur'
 * among `runnable' (bit per CPU, never 0); the per-op state of the CPU
 * leaving and of the one coming back.
 */
void		harness_smp_cpu(struct harness *h, unsigned int c);
unsigned int	harness_smp_pick(struct harness *h, unsigned int runnable,
		    unsigned int cur);
void		harness_smp_switch_out(struct harness *h, unsigned int c);
void		harness_smp_switch_in(struct harness *h, unsigned int c);

void	harness_init(struct harness *h, const struct harness_host *host,
	    const struct harness_config *cfg);
int	harness_run_bytes(struct harness *h, const uint8_t *buf, size_t len,
	    struct harness_finding *f);
/* => ops from text: names filled, line numbers set. */
int	harness_run_ops(struct harness *h, const struct km_op *ops, size_t n,
	    struct harness_finding *f);

/*
 * The steps of one op (see the top of this file).  For the C repro, a
 * text program run op by op:
 *	harness_program_begin(h, ops, n, &f);	(false: bad shape)
 *	if (harness_op_begin(h, i)) { ...calls...; harness_op_end(h, r); }
 *	(a panic or would-block in the calls: harness_op_abort)
 *	r = harness_program_end(h);
 * harness_op_begin => true: make the op's calls now; false: the op is
 *	not run (adjusted away, or its handles are not live: a note says
 *	so), or the run has stopped (harness_stopped).
 * harness_op_end => false: the run has stopped (a finding).
 * harness_op_error: before harness_op_end, the error number a call that
 *	reports one returned (uvm_map), for the judges: EINVAL is the only
 *	right answer to a caller's error.
 */
bool	harness_program_begin(struct harness *h, const struct km_op *ops,
	    size_t n, struct harness_finding *f);
bool	harness_op_begin(struct harness *h, uint32_t i);
bool	harness_op_end(struct harness *h, uintptr_t result);
void	harness_op_error(struct harness *h, int error);
void	harness_op_abort(struct harness *h, int hcall, const char *msg);
int	harness_program_end(struct harness *h);
/* => a finding was made or a misuse ended the run. */
bool	harness_stopped(const struct harness *h);

/* Test actions a C repro spells out (another CPU, "I/O"). */
void	harness_hold_lock(struct harness *h, struct vm_map *map);
/* The other CPU frees the allocation at va when a call next sleeps. */
void	harness_wait_frees(struct harness *h, vaddr_t va);
void	harness_start_io(struct harness *h, vaddr_t va);
/* The lowest free range of map that fits size (fixed suballoc). */
vaddr_t	harness_lowest_gap(struct vm_map *map, vsize_t size);

/*
 * The wait policy, called by the host's uvm_platform_wait while an op
 * runs: pages short -> run the pagedaemon (and finish busy I/O if that
 * is all that stands in the way); busy page -> finish its I/O; VA short
 * -> drain the map's KVA cache.  Anything else, or more than
 * HARNESS_WAIT_BUDGET waits in one op, is a would-block: the function
 * then returns false and the host must throw HCALL_WOULDBLOCK.
 */
bool	harness_wait(struct harness *h, enum uvm_wait_reason why,
	    const void *what, const char *wmesg, char *msg, size_t len);

/* Report a violation from a property hook (the first one wins). */
__attribute__((format(printf, 4, 5)))
bool	harness_fail(struct harness *h, const char *checker, vaddr_t va,
	    const char *fmt, ...);

/*
 * Generated programs (gen.c): a splitmix64 stream from `*state', and
 * `len' bytes of it into buf.  Same seed, same bytes, on every host.
 */
uint64_t harness_splitmix64(uint64_t *state);
void	harness_fill_random(uint64_t *state, uint8_t *buf, size_t len);

/* Format a finding as the report printed on stderr (multi-line). */
int	harness_format_finding(const struct harness_finding *f, char *buf,
	    size_t len);

/*
 * Where mutex m of instance uvm stands in the core's lock order (uvm.h,
 * 1 outermost: a map's lock, a KVA cache's, the kernel object's, the
 * page queues', swap's, the entry store's, the pool headers'), its name
 * in name (unless NULL); 0 if it is none of the core's locks.
 */
int	harness_lock_rank(const struct uvm *uvm, const kmutex_t *m,
	    char *name, size_t len);

#endif /* KMFUZZ_HARNESS_H */
