/*
 * interp.c: run a program, op by op, and judge it.
 *
 * One run: the host hands over a fresh instance; each op is resolved
 * (byte selectors to live handles, or text names checked against the
 * live set), put through the policy (policy.c), executed in three steps
 * (harness_op_begin, the calls under the host's catch point,
 * harness_op_end), recorded in the trace and checked; every
 * full_check_every ops and at the end everything is checked in full;
 * finally everything still live is released and the leak checker runs.
 * The first violation stops the run.
 *
 * The C repro runs the same three steps around calls it spells out
 * itself (harness_program_begin ... harness_program_end), so it judges
 * exactly as `kmfuzz run' does.
 *
 * Example: bytes 00 01 | 00 00 00 00 01 00 01 (ops from the front, args
 * from the back) decode to "alloc kernel_map 0x2000 WIRED -> a1" then
 * "free a1": the first op reads map 0, size byte 01 (2 pages), sub 0,
 * align 0, type 0 (WIRED), modifiers 0; the second reads selector 0,
 * the oldest live allocation, a1.
 */
#include "harness_priv.h"

static const struct km_op_impl *const km_impls[KOP_COUNT] = {
#define KM_OP(CODE, name, result, ...)	[KOP_##CODE] = &op_##name##_impl,
#include "ops.def"
};

const struct km_op_impl *
km_op_impl(unsigned int code)
{
	return code < KOP_COUNT ? km_impls[code] : NULL;
}

bool
harness_fail(struct harness *h, const char *checker, vaddr_t va,
    const char *fmt, ...)
{
	va_list ap;

	if (h->found)
		return false;
	h->found = h->stopped = true;
	struct harness_finding *f = h->finding;
	f->checker = checker;
	f->op_index = h->op_index;
	f->va = va;
	f->line = 0;
	f->optext[0] = '\0';
	f->opname = "end";
	if (h->op_index < h->ntrace) {
		const struct km_op *op = &h->trace[h->op_index];
		f->line = op->line;
		f->opname = km_opcode_name(op->code);
		km_text_print(op, f->optext, sizeof(f->optext));
	} else {
		uvm_snprintf(f->optext, sizeof(f->optext), "(end of program)");
	}
	va_start(ap, fmt);
	uvm_vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return false;
}

void
harness_init(struct harness *h, const struct harness_host *host,
    const struct harness_config *cfg)
{
	uvm_memset(h, 0, sizeof(*h));
	h->host = *host;
	h->cfg = *cfg;
	if (h->cfg.max_ops == 0 || h->cfg.max_ops > HARNESS_MAX_OPS)
		h->cfg.max_ops = HARNESS_MAX_OPS;
	if (h->cfg.set == NULL)
		h->cfg.set = &km_opset_km;
}

bool
harness_stopped(const struct harness *h)
{
	return h->stopped;
}

/* ---- shadow lookups ----------------------------------------------------- */

struct hs_alloc *
hs_alloc_by_id(struct harness *h, unsigned int id, unsigned int *idx)
{
	for (unsigned int i = 0; i < h->nallocs; i++)
		if (h->allocs[i].id == id) {
			if (idx != NULL)
				*idx = i;
			return &h->allocs[i];
		}
	return NULL;
}

struct hs_poolpage *
hs_pool_by_id(struct harness *h, unsigned int id, unsigned int *idx)
{
	for (unsigned int i = 0; i < h->npool; i++)
		if (h->pool[i].id == id) {
			if (idx != NULL)
				*idx = i;
			return &h->pool[i];
		}
	return NULL;
}

struct hs_map *
hs_map_by_id(struct harness *h, unsigned int id, unsigned int *idx)
{
	for (unsigned int i = 0; i < h->nmaps; i++)
		if (h->maps[i].id == id) {
			if (idx != NULL)
				*idx = i;
			return &h->maps[i];
		}
	return NULL;
}

/*
 * The live allocation that holds va, or NULL.  During a full walk
 * (check_full.c builds the sorted index) a binary search, else a scan.
 */
struct hs_alloc *
hs_alloc_at(struct harness *h, vaddr_t va)
{
	if (h->alloc_order_valid && h->nallocs > 0) {
		unsigned int k = h->alloc_order_hint;
		struct hs_alloc *a = &h->allocs[h->alloc_order[k]];
		if (va >= a->va && va < a->va + a->size)
			return a;
		/* the last allocation that starts at or below va */
		unsigned int lo = 0, hi = h->nallocs;
		while (lo < hi) {
			unsigned int mid = lo + (hi - lo) / 2;
			if (h->alloc_order_va[mid] <= va)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0)
			return NULL;
		a = &h->allocs[h->alloc_order[lo - 1]];
		if (va >= a->va + a->size)
			return NULL;
		h->alloc_order_hint = lo - 1;
		return a;
	}
	for (unsigned int i = 0; i < h->nallocs; i++)
		if (va >= h->allocs[i].va &&
		    va < h->allocs[i].va + h->allocs[i].size)
			return &h->allocs[i];
	return NULL;
}

struct hs_region *
hs_region_at(struct harness *h, vaddr_t va, unsigned int *page)
{
	for (unsigned int i = 0; i < h->nregions; i++) {
		struct hs_region *r = &h->regions[i];
		if (va < r->va || va >= r->va + ptoa(r->npages))
			continue;
		unsigned int p = (unsigned int)atop(va - r->va);
		if (!hs_region_page_live(r, p))
			continue;
		if (page != NULL)
			*page = p;
		return r;
	}
	return NULL;
}

struct hs_poolpage *
hs_pool_at(struct harness *h, vaddr_t va)
{
	for (unsigned int i = 0; i < h->npool; i++)
		if (trunc_page(va) == h->pool[i].va)
			return &h->pool[i];
	return NULL;
}

/* ---- resolution --------------------------------------------------------- */

static const struct hs_region *
region_by_id(const struct harness *h, unsigned int id)
{
	for (unsigned int i = 0; i < h->nregions; i++)
		if (h->regions[i].id == id)
			return &h->regions[i];
	return NULL;
}

/* Page fields of an op on allocation a are within it. */
static bool
pages_fit(const struct km_op *op, const struct hs_alloc *a)
{
	if (!km_op_has_field(op->code, F_PAGE))
		return true;
	if (op->page >= hs_tracked(a))
		return false;
	return !km_op_has_field(op->code, F_COUNT) ||
	    op->count <= hs_tracked(a) - op->page;
}

/*
 * Bytes: selectors become live indices and names; page numbers are
 * reduced to the allocation.  => false: the op has no live target and is
 * not part of the program (nothing to record).
 */
bool
interp_resolve_bytes(struct harness *h, struct km_op *op)
{
	if (km_op_has_map(op)) {
		op->map_sel = (uint8_t)(op->map_sel % h->nmaps);
		op->map_id = h->maps[op->map_sel].id;
	}
	char kind = km_op_handle_kind(op);
	if (kind == 'a') {
		if (h->nallocs == 0)
			return false;
		op->handle_sel = (uint8_t)(op->handle_sel % h->nallocs);
		const struct hs_alloc *a = &h->allocs[op->handle_sel];
		op->handle_id = a->id;
		if (km_op_has_field(op->code, F_PAGE))
			op->page %= hs_tracked(a);
		if (km_op_has_field(op->code, F_COUNT) &&
		    op->count > hs_tracked(a) - op->page)
			op->count = hs_tracked(a) - op->page;
	} else if (kind == 'p') {
		if (h->npool == 0)
			return false;
		op->handle_sel = (uint8_t)(op->handle_sel % h->npool);
		op->handle_id = h->pool[op->handle_sel].id;
	} else if (kind == 'r') {
		if (h->nregions == 0)
			return false;
		op->handle_sel = (uint8_t)(op->handle_sel % h->nregions);
		const struct hs_region *r = &h->regions[op->handle_sel];
		op->handle_id = r->id;
		op->page %= r->npages;
		if (op->count > r->npages - op->page)
			op->count = r->npages - op->page;
	}
	return true;
}

/*
 * Text: names must be live; selectors are derived for encoding.
 * => false with a bad-input message.
 */
bool
interp_resolve_text(struct harness *h, struct km_op *op, char *err, size_t len)
{
	unsigned int idx;

	if (km_op_has_map(op)) {
		if (hs_map_by_id(h, op->map_id, &idx) == NULL) {
			uvm_snprintf(err, len, "map m%u does not exist",
			    op->map_id);
			return false;
		}
		op->map_sel = (uint8_t)idx;
	}
	char made = km_op_creates(op);
	if (op->result_id != 0 &&
	    ((made == 'a' && hs_alloc_by_id(h, op->result_id, NULL)) ||
	    (made == 'p' && hs_pool_by_id(h, op->result_id, NULL)) ||
	    (made == 'm' && hs_map_by_id(h, op->result_id, NULL)) ||
	    (made == 'r' && region_by_id(h, op->result_id) != NULL))) {
		uvm_snprintf(err, len, "the result name is already live");
		return false;
	}
	char kind = km_op_handle_kind(op);
	if (kind == 'a') {
		const struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, &idx);
		if (a == NULL) {
			uvm_snprintf(err, len, "a%u is not live here",
			    op->handle_id);
			return false;
		}
		op->handle_sel = (uint8_t)idx;
		if (!pages_fit(op, a)) {
			uvm_snprintf(err, len, "page range outside a%u (%u "
			    "pages with a state)", op->handle_id,
			    hs_tracked(a));
			return false;
		}
	} else if (kind == 'p') {
		if (hs_pool_by_id(h, op->handle_id, &idx) == NULL) {
			uvm_snprintf(err, len, "p%u is not live here",
			    op->handle_id);
			return false;
		}
		op->handle_sel = (uint8_t)idx;
	} else if (kind == 'r') {
		const struct hs_region *r = NULL;
		for (idx = 0; idx < h->nregions && r == NULL; idx++)
			if (h->regions[idx].id == op->handle_id)
				r = &h->regions[idx];
		if (r == NULL) {
			uvm_snprintf(err, len, "r%u is not live here",
			    op->handle_id);
			return false;
		}
		op->handle_sel = (uint8_t)(idx - 1);
		if (op->page >= r->npages || op->count > r->npages - op->page) {
			uvm_snprintf(err, len, "page range outside r%u (%u "
			    "pages)", op->handle_id, r->npages);
			return false;
		}
	}
	return true;
}

/* ---- one op ------------------------------------------------------------- */

static bool
has_substr(const char *s, const char *needle)
{
	for (; *s != '\0'; s++) {
		size_t i = 0;
		while (needle[i] != '\0' && s[i] == needle[i])
			i++;
		if (needle[i] == '\0')
			return true;
	}
	return false;
}

/*
 * Begin the resolved op `op', trace entry `index' (the entry itself, or
 * a CPU's working copy of it): policy, then the op's snapshot.
 * => true: make its calls.
 */
static bool
op_begin(struct harness *h, uint32_t index, struct km_op *op)
{
	const struct km_op_impl *impl = km_op_impl(op->code);

	h->op_index = index;
	h->op = op;
	h->result = 0;
	h->waits = h->waits_unmodelled = 0;
	op->freed_id = 0;
	h->injected_seen = h->uvm->exp.pagealloc_fail_injected;
	policy_adjust(h, op);
	if (op->adjusted & KADJ_NOT_RUN) {
		policy_op_done(h);
		if (op->result_id != 0 && km_op_creates(op) != 0)
			op->result_id = 0;	/* nothing was made */
		h->op = NULL;
		return false;
	}
	if (h->cfg.checkers) {
		hs_before_take(h, &h->before);
		h->touched_maps = hs_touched_maps(h, op);
	}
	if (impl->prepare != NULL)
		impl->prepare(h, op);
	if (h->cfg.emit != NULL)
		impl->emit(h, op, h->cfg.emit);
	return true;
}

void
harness_op_error(struct harness *h, int error)
{
	h->before.error = error;
}

bool
harness_op_end(struct harness *h, uintptr_t result)
{
	struct km_op *op = h->op;

	KASSERTMSG(op != NULL, "harness_op_end: no op begun");
	h->op = NULL;
	policy_op_done(h);
	h->result = result;
	op->waits = (uint8_t)(h->waits < 255 ? h->waits : 255);
	if (km_op_impl(op->code)->end != NULL)
		km_op_impl(op->code)->end(h, op, result);
	if (op->code == KOP_MISUSE) {
		/* the end step reported a misuse that went through, if any */
		if (!h->found)
			hfail(h, km_opcode_name(op->code), 0, "the invalid "
			    "call was not caught");
		return false;
	}
	if (h->found)
		return false;
	if (h->cfg.property != NULL)
		h->cfg.property(h, h->cfg.property_arg);
	if (h->cfg.checkers && !h->found) {
		check_after_op(h, op);
		if (!h->found && h->cfg.full_check_every != 0 &&
		    h->ntrace % h->cfg.full_check_every == 0) {
			check_full(h);
		}
	}
	return !h->found;
}

void
harness_op_abort(struct harness *h, int hcall, const char *msg)
{
	struct km_op *op = h->op;
	bool was_stopped = h->stopped;

	h->op = NULL;
	policy_op_done(h);
	if (op != NULL)
		op->waits = (uint8_t)(h->waits < 255 ? h->waits : 255);
	h->stopped = true;	/* the instance is dead either way */
	if (h->stuck)
		return;		/* several CPUs, none can go on: see policy.c */
	/*
	 * Several CPUs: another one ended the run (its finding, or a line
	 * of the program it cannot run) and this one's op was cut short
	 * where it stood.  That says nothing of its own: the run's verdict
	 * is the other CPU's.
	 */
	if (was_stopped)
		return;
	if (op != NULL && op->code == KOP_MISUSE) {
		/* the misuse op's own verdict: a checker named after it */
		const char *checker = km_opcode_name(op->code);
		if (hcall != HCALL_PANIC)
			hfail(h, checker, 0, "the invalid call blocked instead "
			    "of being caught: %s", msg);
		else if (!has_substr(msg, "uvm_km_free"))
			hfail(h, checker, 0, "caught, but the message does not "
			    "name the call: %s", msg);
		return;
	}
	hfail(h, hcall == HCALL_PANIC ? "assert" : "wouldblock", 0, "%s", msg);
}

struct call_args {
	struct harness	*h;
	struct km_op	*op;
};

static void
call_trampoline(void *arg)
{
	struct call_args *x = arg;

	x->h->result = km_op_impl(x->op->code)->call(x->h, x->op);
}

bool
interp_step(struct harness *h, uint32_t index, struct km_op *op)
{
	char msg[512];
	struct call_args x = { h, op };

	if (!op_begin(h, index, op))
		return !h->stopped;
	int r = h->host.call(h->host.ctx, call_trampoline, &x, msg,
	    sizeof(msg));
	if (r != HCALL_OK) {
		harness_op_abort(h, r, msg);
		return false;
	}
	return harness_op_end(h, h->result);
}

/* ---- a run -------------------------------------------------------------- */

/*
 * A fresh instance as `inst' says and an empty shadow.  => false (f an
 * "input" report) if the host cannot build that instance.
 */
bool
interp_begin(struct harness *h, struct harness_finding *f,
    const struct harness_instance *inst)
{
	uvm_memset(f, 0, sizeof(*f));
	h->finding = f;
	/* a shape may put pool pages behind the direct map, whatever the
	 * variant says */
	struct harness_instance built = *inst;
	built.poolpage_direct_map = inst->poolpage_direct_map ||
	    km_shape(inst->shape)->direct_map;
	bool elsewhere = false;
	h->uvm = h->host.reset(h->host.ctx, &built, f->msg, sizeof(f->msg),
	    &elsewhere);
	if (h->uvm == NULL) {
		f->checker = "input";
		f->opname = "end";
		/* another host's program is skipped here, not a bad input */
		f->unsupported = elsewhere;
		h->ntrace = 0;
		h->found = false;
		h->stopped = true;
		return false;
	}
	h->nallocs = h->npool = h->nregions = 0;
	h->next_region_id = 1;
	h->maps[0] = (struct hs_map){ 0, h->uvm->kernel_map, false };
	h->nmaps = 1;
	h->next_alloc_id = h->next_pool_id = h->next_map_id = 1;
	h->generation = 0;
	h->base_entries = h->uvm->entries_inuse;
	h->base_pageins = h->uvm->exp.pageins;
	h->base_pageouts = h->uvm->exp.pageouts;
	h->base_swap_reads = h->base_swap_writes = 0;
	if (h->host.swap_io != NULL)
		h->host.swap_io(h->host.ctx, &h->base_swap_reads,
		    &h->base_swap_writes);
	check_page_counts_base(h);
	check_page_balance_base(h);
	h->held = NULL;		/* reset dropped any hold */
	h->armed_free = 0;
	h->text_mode = false;
	h->prog = NULL;
	h->nprog = h->prog_next = 0;
	h->ntrace = 0;
	h->op_index = 0;
	h->op = NULL;
	h->found = h->stopped = false;
	h->ncpu = inst->ncpus != 0 ? inst->ncpus : 1;
	h->stuck = false;
	/*
	 * Every CPU starts idle with nothing claimed, whatever the last
	 * run left: a run stopped in the middle of a CPU's policy step
	 * leaves its claims behind (one CPU or several alike).
	 */
	uvm_memset(h->cpus, 0, sizeof(h->cpus));
	h->entry_claims = 0;
	uvm_memset(h->slot_claims, 0, sizeof(h->slot_claims));
	h->cur_cpu = 0;
	h->noupdate = inst->poolpage_free_noupdate;
	return true;
}

/* The instance of a single-CPU program of `shape'. */
static bool
begin(struct harness *h, struct harness_finding *f, unsigned int shape)
{
	struct harness_instance inst = {
		.shape = shape, .ncpus = 1,
		.poolpage_direct_map = h->cfg.poolpage_direct_map,
	};

	return interp_begin(h, f, &inst);
}

/*
 * Take (clear) a live region page of map m: the lowest one (va 0, its
 * address to *vap), or the one at va.  => false if there is none.
 * The release unmaps maximal runs of such pages: regions that uvm_map
 * merged into one entry go in one call, which splits nothing -- with
 * every map entry in use, unmapping them one by one would have to.
 */
static bool
region_take_page(struct harness *h, unsigned int m, vaddr_t va,
    vaddr_t *vap)
{
	struct hs_region *best = NULL;
	uint32_t bestp = 0;

	for (unsigned int i = 0; i < h->nregions; i++) {
		struct hs_region *r = &h->regions[i];
		if (r->map != m || r->live == 0)
			continue;
		if (va != 0) {
			if (va < r->va || va >= r->va + ptoa(r->npages))
				continue;
			uint32_t p = (uint32_t)atop(va - r->va);
			if (!hs_region_page_live(r, p))
				continue;
			best = r;
			bestp = p;
			break;
		}
		uint32_t p = 0;
		while (!hs_region_page_live(r, p))
			p++;
		if (best == NULL || r->va + ptoa(p) < best->va + ptoa(bestp)) {
			best = r;
			bestp = p;
		}
	}
	if (best == NULL)
		return false;
	best->live &= ~((uint64_t)1 << bestp);
	if (vap != NULL)
		*vap = best->va + ptoa(bestp);
	return true;
}

static void
release_trampoline(void *arg)
{
	struct harness *h = arg;

	h->uvm->test.fail_pagealloc_in = 0;
	policy_finish_busy_io(h);
	while (h->npool > 0) {
		struct hs_poolpage *p = &h->pool[h->npool - 1];
		struct vm_map *map = h->maps[p->map].map;
		if (p->uncached)
			uvm_km_free_poolpage(map, p->va);
		else
			uvm_km_free_poolpage_cache(map, p->va);
		h->npool--;
	}
	while (h->nallocs > 0) {
		struct hs_alloc *a = &h->allocs[h->nallocs - 1];
		uvm_km_free(h->maps[a->map].map, a->va, a->size,
		    a->flags & UVM_KMF_TYPEMASK);
		h->nallocs--;
	}
	/* every page a region still maps, whole merged entries at a time */
	for (unsigned int m = 0; m < h->nmaps; m++) {
		vaddr_t s, e;
		while (region_take_page(h, m, 0, &s)) {
			e = s + PAGE_SIZE;
			while (region_take_page(h, m, e, NULL))
				e += PAGE_SIZE;
			uvm_unmap(h->maps[m].map, s, e);
		}
	}
	h->nregions = 0;
	for (unsigned int i = 0; i < h->nmaps; i++)
		uvm_km_va_drain(h->maps[i].map, 0);
}

int
harness_program_end(struct harness *h)
{
	char msg[512];

	h->op_index = h->ntrace;
	if (h->stopped || h->cfg.keep_state)
		goto out;
	if (h->held != NULL) {		/* the other CPU lets go at the end */
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
	}
	/*
	 * The full walk once before the release, so that what the release
	 * would heal or hide is seen; the structures once more after it,
	 * with the leaks.
	 */
	if (h->cfg.checkers)
		check_full(h);
	if (h->found)
		goto out;
	int r = h->host.call(h->host.ctx, release_trampoline, h, msg,
	    sizeof(msg));
	if (r != HCALL_OK) {
		hfail(h, r == HCALL_PANIC ? "assert" : "wouldblock", 0,
		    "while releasing everything at the end: %s", msg);
		goto out;
	}
	if (h->cfg.checkers) {
		check_structures(h);
		if (!h->found)
			check_against_shadow(h);
		if (!h->found)
			check_leaks(h);
	}
out:
	return h->found ? HARNESS_FINDING : HARNESS_CLEAN;
}

static int
run_bytes_once(struct harness *h, const uint8_t *buf, size_t len,
    struct harness_finding *f)
{
	struct km_bytes b;
	struct km_op op;

	km_bytes_init(&b, buf, len, h->cfg.set);
	if (h->cfg.set->smp) {
		/* the whole program first: each CPU takes its own ops */
		size_t n = 0;
		while (n < h->cfg.max_ops && km_bytes_decode(&b, &h->trace[n]))
			n++;
		return smp_run(h, n, false, f);
	}
	if (!begin(h, f, b.shape))
		return HARNESS_BADINPUT;
	while (h->ntrace < h->cfg.max_ops && km_bytes_decode(&b, &op)) {
		if (!interp_resolve_bytes(h, &op))
			continue;
		struct km_op *t = &h->trace[h->ntrace++];
		*t = op;
		if (!interp_step(h, h->ntrace - 1, t))
			break;
	}
	return harness_program_end(h);
}

bool
harness_program_begin(struct harness *h, const struct km_op *ops, size_t n,
    struct harness_finding *f)
{
	unsigned int shape = n > 0 && ops[0].code == KOP_SHAPE ? ops[0].n : 0;

	if (smp_program_p(ops, n)) {
		/* the C repro spells one CPU's calls; several need threads */
		uvm_memset(f, 0, sizeof(*f));
		f->checker = "input";
		f->opname = km_opcode_name(KOP_SCHEDULE);
		uvm_snprintf(f->msg, sizeof(f->msg), "a program for several "
		    "CPUs runs in the harness's scheduler (kmfuzz run), not "
		    "as one C function");
		h->finding = f;
		return false;
	}
	if (!begin(h, f, shape))
		return false;
	h->text_mode = true;
	h->prog = ops;
	h->nprog = n < h->cfg.max_ops ? n : h->cfg.max_ops;
	return true;
}

/*
 * Text op i into the trace, resolved.  => false with h->finding an
 * "input" report when its names are not live.
 */
static bool
text_op(struct harness *h, uint32_t i, struct km_op **tp)
{
	struct harness_finding *f = h->finding;
	struct km_op *t = &h->trace[h->ntrace++];

	*t = h->prog[i];
	t->adjusted = t->waits = 0;
	t->freed_id = 0;
	*tp = t;
	if (t->code == KOP_SHAPE && i != 0)
		uvm_snprintf(f->msg, sizeof(f->msg), "shape comes first: it "
		    "chose the instance before any op ran");
	else if (t->code == KOP_SCHEDULE)
		uvm_snprintf(f->msg, sizeof(f->msg), "schedule comes first "
		    "(after a shape): it chose the CPUs before any op ran");
	else if (t->cpu != 0)
		uvm_snprintf(f->msg, sizeof(f->msg), "cpu%u: a program for "
		    "several CPUs starts with a schedule line", t->cpu);
	else if (interp_resolve_text(h, t, f->msg, sizeof(f->msg)))
		return true;
	f->checker = "input";
	f->opname = km_opcode_name(t->code);
	f->op_index = i;
	f->line = t->line;
	km_text_print(t, f->optext, sizeof(f->optext));
	h->ntrace--;
	return false;
}

bool
harness_op_begin(struct harness *h, uint32_t i)
{
	struct km_op *t;

	KASSERTMSG(i == h->prog_next, "harness_op_begin: op %u after %zu", i,
	    h->prog_next);
	h->prog_next++;
	if (h->stopped || i >= h->nprog)
		return false;
	if (!text_op(h, i, &t)) {
		/*
		 * The program took another path than when it was written
		 * (a fix changed what succeeds): the op names something
		 * that is not live, so it is not run.
		 */
		if (h->cfg.note != NULL)
			h->cfg.note(h->cfg.note_arg, h->finding->msg);
		uvm_memset(h->finding, 0, sizeof(*h->finding));
		return false;
	}
	return op_begin(h, h->ntrace - 1, t);
}

static int
run_ops_once(struct harness *h, const struct km_op *ops, size_t n,
    struct harness_finding *f)
{
	struct km_op *t;

	if (smp_program_p(ops, n)) {
		if (n > h->cfg.max_ops)
			n = h->cfg.max_ops;
		for (size_t i = 0; i < n; i++) {
			h->trace[i] = ops[i];
			h->trace[i].adjusted = h->trace[i].waits = 0;
			h->trace[i].freed_id = 0;
		}
		return smp_run(h, n, true, f);
	}
	if (!harness_program_begin(h, ops, n, f))
		return HARNESS_BADINPUT;
	for (uint32_t i = 0; i < h->nprog; i++) {
		if (!text_op(h, i, &t))
			return HARNESS_BADINPUT;
		if (!interp_step(h, h->ntrace - 1, t))
			break;
	}
	return harness_program_end(h);
}

/*
 * A finding under a sparse schedule may show ops after the one that
 * broke the state (a full walk every K ops; a page read only when the
 * program reads it): run the program again (runs are deterministic)
 * with a full walk after every op, so that the finding names the op
 * that broke it.  Only findings pay for this.
 */
static bool
want_precise(const struct harness *h, int r)
{
	/* a concurrent run checks at its quiescent points only: no gain */
	return r == HARNESS_FINDING && h->cfg.full_check_every != 1 &&
	    h->ncpu == 1;
}

int
harness_run_bytes(struct harness *h, const uint8_t *buf, size_t len,
    struct harness_finding *f)
{
	int r = run_bytes_once(h, buf, len, f);

	if (want_precise(h, r)) {
		unsigned int every = h->cfg.full_check_every;
		h->cfg.full_check_every = 1;
		r = run_bytes_once(h, buf, len, f);
		h->cfg.full_check_every = every;
	}
	return r;
}

int
harness_run_ops(struct harness *h, const struct km_op *ops, size_t n,
    struct harness_finding *f)
{
	int r = run_ops_once(h, ops, n, f);

	if (want_precise(h, r)) {
		unsigned int every = h->cfg.full_check_every;
		h->cfg.full_check_every = 1;
		r = run_ops_once(h, ops, n, f);
		h->cfg.full_check_every = every;
	}
	return r;
}

int
harness_format_finding(const struct harness_finding *f, char *buf,
    size_t len)
{
	char sig[HARNESS_SIG_MAX];

	harness_signature(f, sig, sizeof(sig));
	if (f->line != 0)
		return uvm_snprintf(buf, len,
		    "kmfuzz finding: checker \"%s\"\n"
		    "  at op %u, line %u: %s\n"
		    "  address: 0x%lx\n"
		    "  %s\n"
		    "  signature: %s\n",
		    f->checker != NULL ? f->checker : "?", f->op_index,
		    f->line, f->optext, (unsigned long)f->va, f->msg, sig);
	return uvm_snprintf(buf, len,
	    "kmfuzz finding: checker \"%s\"\n"
	    "  at op %u: %s\n"
	    "  address: 0x%lx\n"
	    "  %s\n"
	    "  signature: %s\n",
	    f->checker != NULL ? f->checker : "?", f->op_index, f->optext,
	    (unsigned long)f->va, f->msg, sig);
}
