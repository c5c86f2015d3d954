/*
 * interp.c: run a program, op by op, and judge it.
 *
 * One run: the host hands over a fresh instance; each op is resolved
 * (byte selectors to live handles, or text names checked against the
 * live set), adjusted if it came from bytes, executed under the host's
 * catch point, recorded in the trace and checked; every
 * full_check_every ops and at the end everything is checked in full;
 * finally everything still live is released and the leak checker runs.
 * The first violation stops the run.
 *
 * Example: bytes 00 01 | 00 00 00 00 01 00 01 (ops from the front, args
 * from the back) decode to "alloc kernel_map 0x2000 WIRED -> a1" then
 * "free a1": the first op reads map 0, size byte 01 (2 pages), sub 0,
 * align 0, type 0 (WIRED), modifiers 0; the second reads selector 0,
 * the oldest live allocation, a1.
 */
#include "harness_priv.h"

bool
harness_fail(struct harness *h, const char *checker, vaddr_t va,
    const char *fmt, ...)
{
	va_list ap;

	if (h->found)
		return false;
	h->found = true;
	struct harness_finding *f = h->finding;
	f->checker = checker;
	f->op_index = h->op_index;
	f->va = va;
	f->line = 0;
	f->optext[0] = '\0';
	if (h->op_index < h->ntrace) {
		f->line = h->trace[h->op_index].line;
		km_text_print(&h->trace[h->op_index], f->optext,
		    sizeof(f->optext));
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

struct hs_alloc *
hs_alloc_at(struct harness *h, vaddr_t va)
{
	for (unsigned int i = 0; i < h->nallocs; i++)
		if (va >= h->allocs[i].va &&
		    va < h->allocs[i].va + h->allocs[i].size)
			return &h->allocs[i];
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

/* Which kind of handle an op names: 'a', 'p' or 0. */
static char
op_handle_kind(const struct km_op *op)
{
	switch (op->code) {
	case KOP_FREE: case KOP_PGREMOVE: case KOP_TOUCH: case KOP_BUSY:
		return 'a';
	case KOP_POOLPAGE_PUT:
		return 'p';
	case KOP_MISUSE:
		return op->misuse == KMIS_POOLPAGE_TWICE ? 'p' : 'a';
	default:
		return 0;
	}
}

static bool
op_has_map(const struct km_op *op)
{
	return op->code == KOP_ALLOC || op->code == KOP_SUBALLOC ||
	    op->code == KOP_POOLPAGE_GET || op->code == KOP_DRAIN ||
	    op->code == KOP_HOLD_LOCK;
}

/*
 * Bytes: selectors become live indices and names; page numbers are
 * reduced to the allocation.  => false: the op has no live target and is
 * dropped (nothing to record).
 */
static bool
resolve_bytes(struct harness *h, struct km_op *op)
{
	if (op_has_map(op)) {
		op->map_sel = (uint8_t)(op->map_sel % h->nmaps);
		op->map_id = h->maps[op->map_sel].id;
	}
	char kind = op_handle_kind(op);
	if (kind == 'a') {
		if (h->nallocs == 0)
			return false;
		op->handle_sel = (uint8_t)(op->handle_sel % h->nallocs);
		const struct hs_alloc *a = &h->allocs[op->handle_sel];
		op->handle_id = a->id;
		if (op->code == KOP_PGREMOVE || op->code == KOP_TOUCH ||
		    op->code == KOP_BUSY) {
			op->page %= hs_npages(a);
			if (op->code == KOP_PGREMOVE &&
			    op->count > hs_npages(a) - op->page)
				op->count = hs_npages(a) - op->page;
		}
	} else if (kind == 'p') {
		if (h->npool == 0)
			return false;
		op->handle_sel = (uint8_t)(op->handle_sel % h->npool);
		op->handle_id = h->pool[op->handle_sel].id;
	}
	return true;
}

/*
 * Text: names must be live; selectors are derived for encoding.
 * => false with a bad-input message.
 */
static bool
resolve_text(struct harness *h, struct km_op *op, char *err, size_t len)
{
	unsigned int idx;

	if (op_has_map(op)) {
		if (hs_map_by_id(h, op->map_id, &idx) == NULL) {
			uvm_snprintf(err, len, "map m%u does not exist",
			    op->map_id);
			return false;
		}
		op->map_sel = (uint8_t)idx;
	}
	if (op->result_id != 0 &&
	    ((op->code == KOP_ALLOC && hs_alloc_by_id(h, op->result_id, NULL)) ||
	    (op->code == KOP_POOLPAGE_GET &&
	    hs_pool_by_id(h, op->result_id, NULL)) ||
	    (op->code == KOP_SUBALLOC && hs_map_by_id(h, op->result_id, NULL)))) {
		uvm_snprintf(err, len, "the result name is already live");
		return false;
	}
	char kind = op_handle_kind(op);
	if (kind == 'a') {
		const struct hs_alloc *a = hs_alloc_by_id(h, op->handle_id, &idx);
		if (a == NULL) {
			uvm_snprintf(err, len, "a%u is not live here",
			    op->handle_id);
			return false;
		}
		op->handle_sel = (uint8_t)idx;
		if ((op->code == KOP_PGREMOVE || op->code == KOP_TOUCH ||
		    op->code == KOP_BUSY) && (op->page >= hs_npages(a) ||
		    (op->code == KOP_PGREMOVE &&
		    op->count > hs_npages(a) - op->page))) {
			uvm_snprintf(err, len, "page range outside a%u (%u "
			    "pages)", op->handle_id, hs_npages(a));
			return false;
		}
	} else if (kind == 'p') {
		if (hs_pool_by_id(h, op->handle_id, &idx) == NULL) {
			uvm_snprintf(err, len, "p%u is not live here",
			    op->handle_id);
			return false;
		}
		op->handle_sel = (uint8_t)idx;
	}
	return true;
}

/* ---- the run loop -------------------------------------------------------- */

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

struct exec_args {
	struct harness	*h;
	struct km_op	*op;
};

static void
exec_trampoline(void *arg)
{
	struct exec_args *x = arg;
	harness_exec(x->h, x->op);
}

static void
begin(struct harness *h, struct harness_finding *f)
{
	h->uvm = h->host.reset(h->host.ctx, h->cfg.poolpage_direct_map);
	h->nallocs = h->npool = 0;
	h->maps[0] = (struct hs_map){ 0, h->uvm->kernel_map, false };
	h->nmaps = 1;
	h->next_alloc_id = h->next_pool_id = h->next_map_id = 1;
	h->generation = 0;
	h->base_entries = h->uvm->entries_inuse;
	h->held = NULL;	/* the host's reset dropped any hold */
	h->text_mode = false;
	h->ntrace = 0;
	h->op_index = 0;
	h->found = false;
	h->finding = f;
	uvm_memset(f, 0, sizeof(*f));
}

/* Run one op already in h->trace[h->ntrace - 1]. => false: stop. */
static bool
step(struct harness *h, struct km_op *op)
{
	char msg[512];
	struct exec_args x = { h, op };

	/* A lock held elsewhere lasts until the end of the next op. */
	kmutex_t *release_after = h->held;

	h->op_index = h->ntrace - 1;
	h->waits = 0;
	h->injected_seen = h->uvm->exp.pagealloc_fail_injected;
	if (h->held != NULL)
		harness_adjust_for_held_lock(h, op);
	int r = h->host.call(h->host.ctx, exec_trampoline, &x, msg,
	    sizeof(msg));
	if (release_after != NULL && release_after == h->held) {
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
	}
	if (op->code == KOP_MISUSE) {
		/* harness_exec reported a misuse that went through, if any. */
		if (!h->found && r == HCALL_OK)
			hfail(h, "misuse", 0, "the invalid call was not caught");
		else if (!h->found && r == HCALL_PANIC &&
		    !has_substr(msg, "uvm_km_free"))
			hfail(h, "misuse", 0, "caught, but the message does not "
			    "name the call: %s", msg);
		return false;	/* the instance is dead either way */
	}
	if (r == HCALL_PANIC)
		return hfail(h, "assert", 0, "%s", msg);
	if (r == HCALL_WOULDBLOCK)
		return hfail(h, "wouldblock", 0, "%s", msg);
	if (h->found)
		return false;
	if (h->cfg.property != NULL)
		h->cfg.property(h, h->cfg.property_arg);
	if (h->cfg.checkers && !h->found) {
		check_after_op(h, op);
		if (!h->found && h->cfg.full_check_every != 0 &&
		    h->ntrace % h->cfg.full_check_every == 0)
			check_full(h);
	}
	return !h->found;
}

/* Complete the "I/O" of every busy page.  => true if there was any. */
static bool
finish_busy_io(struct harness *h)
{
	bool any = false;

	for (struct vm_page *pg = h->uvm->pageq_head; pg != NULL;
	    pg = pg->qnext)
		if (pg->flags & PG_BUSY) {
			uvm_page_unbusy(h->uvm, pg);
			any = true;
		}
	return any;
}

static void
release_trampoline(void *arg)
{
	struct harness *h = arg;

	h->uvm->test.fail_pagealloc_in = 0;
	finish_busy_io(h);
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
	for (unsigned int i = 0; i < h->nmaps; i++)
		uvm_km_va_drain(h->maps[i].map, 0);
}

/* Full check, release everything, leak check. */
static void
finish(struct harness *h)
{
	char msg[512];

	h->op_index = h->ntrace;
	if (h->cfg.keep_state)
		return;
	if (h->held != NULL) {		/* the other CPU lets go at the end */
		h->host.release_lock(h->host.ctx, h->held);
		h->held = NULL;
	}
	/*
	 * What only the live state shows is checked before the release;
	 * the structures once, after it, together with the leaks (a
	 * structure broken before the release is still broken after it,
	 * unless the release itself trips over it, which is a finding too).
	 */
	if (h->cfg.checkers)
		check_against_shadow(h);
	if (h->found)
		return;
	int r = h->host.call(h->host.ctx, release_trampoline, h, msg,
	    sizeof(msg));
	if (r != HCALL_OK) {
		hfail(h, r == HCALL_PANIC ? "assert" : "wouldblock", 0,
		    "while releasing everything at the end: %s", msg);
		return;
	}
	if (h->cfg.checkers) {
		check_structures(h);
		if (!h->found)
			check_against_shadow(h);
		if (!h->found)
			check_leaks(h);
	}
}

int
harness_run_bytes(struct harness *h, const uint8_t *buf, size_t len,
    struct harness_finding *f)
{
	struct km_bytes b;
	struct km_op op;

	begin(h, f);
	km_bytes_init(&b, buf, len, h->cfg.set);
	while (h->ntrace < h->cfg.max_ops && km_bytes_decode(&b, &op)) {
		op.line = 0;
		if (!resolve_bytes(h, &op) || !harness_adjust(h, &op))
			continue;
		struct km_op *t = &h->trace[h->ntrace++];
		*t = op;
		if (!step(h, t))
			break;
	}
	if (!h->found && !(h->ntrace > 0 &&
	    h->trace[h->ntrace - 1].code == KOP_MISUSE))
		finish(h);
	return h->found ? HARNESS_FINDING : HARNESS_CLEAN;
}

int
harness_run_ops(struct harness *h, const struct km_op *ops, size_t n,
    struct harness_finding *f)
{
	begin(h, f);
	h->text_mode = true;
	for (size_t i = 0; i < n && h->ntrace < h->cfg.max_ops; i++) {
		struct km_op *t = &h->trace[h->ntrace++];
		*t = ops[i];
		if (!resolve_text(h, t, f->msg, sizeof(f->msg))) {
			f->checker = "input";
			f->op_index = (uint32_t)i;
			f->line = t->line;
			km_text_print(t, f->optext, sizeof(f->optext));
			h->ntrace--;
			return HARNESS_BADINPUT;
		}
		if (!step(h, t))
			break;
	}
	if (!h->found && !(h->ntrace > 0 &&
	    h->trace[h->ntrace - 1].code == KOP_MISUSE))
		finish(h);
	return h->found ? HARNESS_FINDING : HARNESS_CLEAN;
}

/* ---- waiting ------------------------------------------------------------ */

/* Page out, finishing busy I/O if that is all that blocks it. */
static unsigned int
reclaim(struct harness *h)
{
	unsigned int n = uvm_pageout(h->uvm, 16);
	if (n > 0)
		return n;
	return finish_busy_io(h) ? uvm_pageout(h->uvm, 16) : 0;
}

bool
harness_wait(struct harness *h, enum uvm_wait_reason why, const void *what,
    const char *wmesg, char *msg, size_t len)
{
	if (++h->waits > HARNESS_WAIT_BUDGET) {
		uvm_snprintf(msg, len, "would block: %u waits in one op, the "
		    "last on \"%s\" (a wait loop)", h->waits - 1, wmesg);
		return false;
	}
	switch (why) {
	case UVM_WAIT_BUSYPAGE:
		uvm_page_unbusy(h->uvm, (struct vm_page *)(uintptr_t)what);
		return true;
	case UVM_WAIT_PAGES:
		/* The shortage was a failure the harness injected: retry. */
		if (h->uvm->exp.pagealloc_fail_injected != h->injected_seen) {
			h->injected_seen = h->uvm->exp.pagealloc_fail_injected;
			return true;
		}
		/*
		 * A real shortage, perhaps of one color only: the pagedaemon
		 * must free something, or the sleep never ends.
		 */
		if (reclaim(h) > 0)
			return true;
		uvm_snprintf(msg, len, "would block on \"%s\": %u pages free,"
		    " nothing to page out", wmesg, h->uvm->exp.free);
		return false;
	case UVM_WAIT_VA: {
		struct vm_map *map = (struct vm_map *)(uintptr_t)what;
		if ((map->flags & VM_MAP_VACACHE) &&
		    pool_reclaim(&vm_map_to_kernel(map)->vmk_vacache) > 0)
			return true;
		uvm_snprintf(msg, len, "would block on \"%s\": map [0x%lx, "
		    "0x%lx) full and nothing to drain", wmesg,
		    (unsigned long)vm_map_min(map),
		    (unsigned long)vm_map_max(map));
		return false;
	}
	}
	uvm_snprintf(msg, len, "would block: unknown wait %d", (int)why);
	return false;
}

int
harness_format_finding(const struct harness_finding *f, char *buf,
    size_t len)
{
	return uvm_snprintf(buf, len,
	    "kmfuzz finding: checker \"%s\"\n"
	    "  at op %u%s%s: %s\n"
	    "  address: 0x%lx\n"
	    "  %s\n",
	    f->checker != NULL ? f->checker : "?", f->op_index,
	    f->line ? ", line " : "", "", f->optext, (unsigned long)f->va,
	    f->msg);
}
