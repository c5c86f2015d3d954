/*
 * harness_priv.h: what the interpreter, the policy, the ops and the
 * checkers share.
 */
#ifndef KMFUZZ_HARNESS_PRIV_H
#define KMFUZZ_HARNESS_PRIV_H

#include "harness.h"

/* Report a violation (harness_fail; the first one wins). => false. */
#define hfail	harness_fail

/*
 * One op's implementation (exec_*.c), found through ops.def: the row
 * KM_OP(ALLOC, alloc, ...) names `op_alloc_impl'.
 *   prepare  snapshot into h->before what end compares with (may be NULL)
 *   call     the calls, on the resolved op and the shadow => the result
 *   end      the shadow after the calls, and the op's own checks (may
 *            be NULL)
 *   emit     call() as C statements (kmfuzz creproduce)
 */
struct km_op_impl {
	void		(*prepare)(struct harness *h, struct km_op *op);
	uintptr_t	(*call)(struct harness *h, const struct km_op *op);
	void		(*end)(struct harness *h, struct km_op *op,
			    uintptr_t result);
	void		(*emit)(struct harness *h, const struct km_op *op,
			    struct km_emit *e);
};
#define KM_OP(CODE, name, result, ...) \
	extern const struct km_op_impl op_##name##_impl;
#include "ops.def"
const struct km_op_impl *km_op_impl(unsigned int code);

/* Shadow lookups. */
struct hs_alloc		*hs_alloc_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
struct hs_poolpage	*hs_pool_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
struct hs_map		*hs_map_by_id(struct harness *h, unsigned int id,
			    unsigned int *idx);
/* The live allocation or pool page covering va, if any. */
struct hs_alloc		*hs_alloc_at(struct harness *h, vaddr_t va);
struct hs_poolpage	*hs_pool_at(struct harness *h, vaddr_t va);
/* The live region page covering va, if any (*page: its index). */
struct hs_region	*hs_region_at(struct harness *h, vaddr_t va,
			    unsigned int *page);

static inline unsigned int
hs_npages(const struct hs_alloc *a)
{
	return (unsigned int)(a->size >> PAGE_SHIFT);
}

/* The pages of a whose state the shadow keeps: page=P reaches these. */
static inline unsigned int
hs_tracked(const struct hs_alloc *a)
{
	return hs_npages(a) < KOP_TRACKED_PAGES ? hs_npages(a) :
	    KOP_TRACKED_PAGES;
}

/* Is page p of region r still mapped? */
static inline bool
hs_region_page_live(const struct hs_region *r, unsigned int p)
{
	return (r->live >> p & 1) != 0;
}

static inline unsigned int
hs_type(const struct hs_alloc *a)
{
	return a->flags & UVM_KMF_TYPEMASK;
}

/* An alloc op's byte size and alignment. */
static inline vsize_t
hs_op_size(const struct km_op *op)
{
	return ptoa(op->npages) - (vsize_t)op->sub * KOP_SUB_UNIT;
}

static inline vsize_t
hs_op_align(const struct km_op *op)
{
	return op->align_log ? (vsize_t)1 << (op->align_log - 1) : 0;
}

/* The kernel-object offset of va (pageable kernel memory). */
static inline voff_t
hs_kobj_off(const struct harness *h, vaddr_t va)
{
	return va - vm_map_min(h->uvm->kernel_map);
}

/*
 * The id a new handle gets: the program's own label in text mode (if it
 * gave one), else the next free number.  `next' stays above every label.
 */
static inline uint16_t
hs_new_id(struct harness *h, uint16_t *next, uint16_t label)
{
	uint16_t id = (h->text_mode && label != 0) ? label : *next;
	if (id >= *next)
		*next = (uint16_t)(id + 1);
	return id;
}

/*
 * Remove entry idx of an array of n (order kept: selectors are ages).
 * A forward copy in 8-byte words (every shadow entry is a multiple of
 * 8 bytes): the tail moves down by one entry, and entries are hundreds
 * of bytes -- a per-entry struct copy, or ASan's memmove, which moves
 * byte by byte, cost more than the op being checked.
 */
void	hs_remove_entry(void *arr, unsigned int idx, unsigned int n,
	    size_t size);
#define HS_REMOVE(arr, n, idx) do {					\
	_Static_assert(sizeof((arr)[0]) % 8 == 0, "HS_REMOVE: entry "	\
	    "size not a multiple of 8");				\
	hs_remove_entry((arr), (idx), (n), sizeof((arr)[0]));		\
	(n)--;								\
} while (0)

/*
 * Remove live handle i from the shadow.  While CPUs run concurrently
 * (smp.c) it leaves a hole (id 0) instead, so that no other CPU's index
 * or pointer moves under it; the holes go at the next quiescent point.
 */
void	hs_remove_alloc(struct harness *h, unsigned int i);
void	hs_remove_pool(struct harness *h, unsigned int i);
void	hs_remove_region(struct harness *h, unsigned int i);

/* ---- interp.c, for smp.c ------------------------------------------------ */

/*
 * Resolve op (bytes: selectors to live handles, the shadow index in
 * handle_sel; text: names checked).  => false: no live target (bytes),
 * or why not in err (text).
 */
bool	interp_resolve_bytes(struct harness *h, struct km_op *op);
bool	interp_resolve_text(struct harness *h, struct km_op *op, char *err,
	    size_t len);
/* Run op (trace index `index') in full: begin, calls, end.  => false: stop */
bool	interp_step(struct harness *h, uint32_t index, struct km_op *op);
/* A fresh instance for the program; false: the host cannot build it. */
bool	interp_begin(struct harness *h, struct harness_finding *f,
	    const struct harness_instance *inst);

/* ---- smp.c: several CPUs ------------------------------------------------ */

/*
 * While CPUs run: the current CPU uses va (its pool page, as the pool's
 * caller would), through its own TLB.  A stale translation is a "tlb"
 * finding, no translation a "pmap" one, both naming `what'.
 */
void	smp_use(struct harness *h, vaddr_t va, bool write, const char *what);
/* Is this program (trace-like ops) one for several CPUs? */
bool	smp_program_p(const struct km_op *ops, size_t n);
/*
 * Run the program in h->trace[0, n) (shape, schedule, ops) on its CPUs,
 * then the end checks.  `text': names are the program's.
 * => HARNESS_* as harness_run_*.
 */
int	smp_run(struct harness *h, size_t n, bool text,
	    struct harness_finding *f);

/* ---- exec_cpu.c: the other CPU ------------------------------------------ */

int	harness_armed_index(const struct harness *h);
bool	harness_other_cpu_free(struct harness *h, bool for_va);

/* ---- exec_page.c: the busy op's pages (owner_tag), the policy's to end -- */
extern const char hs_io_tag[];

/* ---- policy.c ----------------------------------------------------------- */

/*
 * Make op valid and finishable now: KADJ_* bits it applied (or, in
 * as_written mode, would apply: then nothing is changed).  The held-lock
 * rule included.  Sets op->adjusted.
 */
void	policy_adjust(struct harness *h, struct km_op *op);
/* The current CPU's op is over (run or not): its map-entry claim ends. */
void	policy_op_done(struct harness *h);
/*
 * The instance a schedule op asks for: noupdate only if the run allows
 * it (else dropped: KADJ_NO_NOUPDATE).  Sets inst->ncpus and noupdate.
 */
void	policy_schedule(struct harness *h, struct km_op *op,
	    struct harness_instance *inst);
/* Complete the "I/O" of every busy page.  => true if there was any. */
bool	policy_finish_busy_io(struct harness *h);

/* ---- model.c: reference models ------------------------------------------ */

/* Where uvm_map's search puts size at align, at or above hint. */
bool	model_range_free(const struct vm_map *map, vaddr_t va, vsize_t size);
bool	model_map_fit(const struct vm_map *map, vaddr_t hint, vsize_t size,
	    vsize_t align, vaddr_t *va);
/* Predict into h->before before the calls; judge the result after. */
void	model_alloc_predict(struct harness *h, const struct km_op *op);
void	model_alloc_judge(struct harness *h, const struct km_op *op,
	    vaddr_t va);
/* The op's call is about to sleep (wmesg): => true if it may not. */
bool	model_wait_judge(struct harness *h, const char *wmesg);
void	model_map_predict(struct harness *h, const struct km_op *op);
void	model_map_judge(struct harness *h, const struct km_op *op,
	    vaddr_t va);
bool	hs_reclaimable(const struct harness *h);
void	model_fault_predict(struct harness *h, voff_t off);
void	model_fault_judge(struct harness *h, const struct km_op *op,
	    unsigned int id, int error);
void	model_pageout_predict(struct harness *h, const struct km_op *op);
void	model_pageout_judge(struct harness *h, const struct km_op *op,
	    unsigned int done);
void	model_idlezero_predict(struct harness *h, const struct km_op *op);
void	model_idlezero_judge(struct harness *h, const struct km_op *op,
	    unsigned int done);
void	model_poolpage_predict(struct harness *h, const struct km_op *op);
void	model_poolpage_judge(struct harness *h, const struct km_op *op,
	    vaddr_t va);
/* check.c: count pages handed out from here on (start, idle zeroing) */
void	check_page_counts_base(struct harness *h);
void	check_page_balance_base(struct harness *h);
/* check.c: a core lock the caller holds (maps: map locks count too) */
bool	hs_held_lock(struct harness *h, bool maps, char *what, size_t len);
void	model_poolpage_color(struct harness *h, const struct hs_poolpage *p,
	    const struct vm_page *pg);
/* Every mapped page of a wired allocation has its offset's color. */
void	model_wired_colors(struct harness *h, const struct hs_alloc *a);

/* ---- check.c ------------------------------------------------------------ */

void	check_after_op(struct harness *h, const struct km_op *op);
bool	hs_map_entry_at(struct harness *h, struct vm_map *map, vaddr_t va,
	    struct vm_map_entry **ep);
/* The maps whose entries op may change (bits of map indices). */
bool	hs_page_set_up(struct harness *h, const struct vm_page *pg,
	    vaddr_t va, char kind, unsigned int id);
unsigned int	hs_touched_maps(struct harness *h, const struct km_op *op);
/* hs_touched_maps's bit for the kernel object and swap (maps: the low 8) */
#define HS_TOUCHED_OBJECT	(1u << 31)
void	check_full(struct harness *h);	/* both of: */
void	check_structures(struct harness *h);
void	check_against_shadow(struct harness *h);
void	check_leaks(struct harness *h);
/* The counters "a failure leaves nothing behind" compares. */
void	hs_before_take(struct harness *h, struct hs_before *b);
/* A failed call left the counters as prepare saw them. */
void	check_nothing_left(struct harness *h, const char *what);
void	check_new_alloc(struct harness *h, const struct hs_alloc *a);
/* A failed fault of op (touch, rtouch) at va judged as a refusal it
 * may make (nowait: ENOMEM with nothing mapped, EBUSY on a busy page).
 * => true when that was it. */
bool	hs_fault_refused(struct harness *h, const struct km_op *op,
	    vaddr_t va, uintptr_t error, char kind, unsigned int id);
/* uvm_map_checkrange on [s, s + size) of map mi must say `want'. */
void	check_range_query(struct harness *h, unsigned int mi, vaddr_t s,
	    vsize_t size, bool want, const char *what);
void	check_new_poolpage(struct harness *h, const struct hs_poolpage *p);
/* A freed range [va, va + size) of `what' no longer translates. */
void	check_unmapped(struct harness *h, vaddr_t va, vsize_t size,
	    const char *what);

/* Mappings in [sva, eva) (count only). */
unsigned long	hs_count_mappings(struct harness *h, vaddr_t sva, vaddr_t eva);

/* ---- emit.c: writing C -------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
void	emit_printf(struct km_emit *e, const char *fmt, ...);
/* "UVM_KMF_WIRED|UVM_KMF_ZERO" */
void	emit_kmf(struct km_emit *e, uint32_t flags);
/* The C name of a map: "m0" for kernel_map, "m3". */
void	emit_map(struct km_emit *e, uint16_t map_id);

/* Word j of the page pattern with seed `seed' (every word of a page). */
static inline uint32_t
hs_page_word(uint32_t seed, unsigned int j)
{
	uint32_t x = seed ^ (j * 0x9e3779b9u);
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	return x;
}

#define HS_PAGE_WORDS	(PAGE_SIZE / sizeof(uint32_t))

/*
 * The harness's bulk loops over its own arrays -- a whole page buffer,
 * and the shadow's tail when an entry is removed -- are left out of the
 * sanitizers' and the fuzzers' instrumentation: a check before every
 * load and store (ASan, UBSan's pointer and alignment checks) or a
 * counter bump per iteration keeps the compiler from vectorizing them,
 * and they run once per page the harness reads or writes, or per handle
 * freed -- the largest costs of the per-op checks.  Their bounds are the
 * harness's own (asserted); their edges say nothing about the core.
 */
#if defined(__clang__) && __clang_major__ >= 13
#define HS_BULK_LOOP	\
	__attribute__((no_sanitize("address", "undefined", "coverage")))
#elif defined(__GNUC__) && __GNUC__ >= 8
#define HS_BULK_LOOP	__attribute__((no_sanitize("address", "undefined")))
#endif
#ifndef HS_BULK_LOOP
#define HS_BULK_LOOP
#endif

/*
 * The first word of buf that is not what a page with pattern `seed'
 * holds (seed 0: zeros), or HS_PAGE_WORDS when every word is.
 */
unsigned int	hs_page_mismatch(const uint32_t *buf, uint32_t seed);
/* Fill buf with the pattern of `seed'. */
void	hs_page_fill(uint32_t *buf, uint32_t seed);

/* Word j of a page last written with `seed' (0: never written: zero). */
static inline uint32_t
hs_page_want(uint32_t seed, unsigned int j)
{
	return seed != 0 ? hs_page_word(seed, j) : 0;
}

/*
 * Compare page `page' of `a', read in full through the MMU, with what
 * the shadow says it holds.  => false if it could not be read (the
 * caller decides whether that is a finding); a difference is a "data"
 * finding naming `when'.
 */
bool	hs_verify_page(struct harness *h, const struct hs_alloc *a,
	    unsigned int page, const char *when);

/* Deterministic page pattern seed for touch writes: never 0. */
static inline uint32_t
hs_pattern(uint32_t gen, unsigned int id, unsigned int page)
{
	uint32_t x = gen * 0x9e3779b1u ^ (id << 16) ^ page;
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x | 1;
}

#endif /* KMFUZZ_HARNESS_PRIV_H */
