/*
 * smp.c: one program on several virtual CPUs.
 *
 * A program for several CPUs starts with a schedule line (after a shape,
 * if any): "schedule pct cpus=2 depth=2 seed=0x0007".  Each op line
 * names its CPU ("cpu1: free a3"; none: cpu0).  Every CPU runs its own
 * ops in program order; the ops of different CPUs interleave as the
 * schedule says (sched.c), switching at every lock, unlock, wait,
 * wakeup and pmap call inside the core (the host's smp_run does the
 * switching: adapter/smp_host.c).
 *
 * Ownership.  A CPU uses only the handles it made: "cpu1: free a3" is
 * valid only if cpu1 made a3.  So a CPU's handles, and which of them a
 * byte selector picks (the sel-th live one of that CPU), do not depend
 * on the interleaving, while everything the core shares -- maps, pages,
 * the KVA caches, the pmap -- does.
 *
 * Oracles.  The per-op checks compare the state before and after one
 * op, which other CPUs change meanwhile, so they are off while CPUs run;
 * the checkers run at the quiescent point, when every CPU is done: the
 * full walk, the release of everything, the leak check -- and the TLB
 * checks see every CPU's TLB.  A panic on any CPU, or a would-block
 * (deadlock included), stops every CPU at its next switch point.
 *
 * The trace.  h->trace holds the program in program order (not in the
 * order ops ran); each CPU runs a working copy of its current op whose
 * handle_sel is the shadow index, while the trace entry keeps the byte
 * selector (per CPU) for encoding.  Removals leave holes in the shadow
 * until the quiescent point, so no index or pointer another CPU holds
 * moves.  Byte ops with no live target, and ops a finding kept from
 * starting, are dropped from the trace afterwards.
 *
 * Example: "cpu0: alloc kernel_map 0x1000 PAGEABLE -> a1", "cpu0: touch
 * a1 page=0 write", "cpu1: alloc kernel_map 0x1000 WIRED -> a2" under
 * "schedule random cpus=2 seed=0x0001": cpu0's fault may sleep for a
 * page while cpu1 maps a2; whichever way, both CPUs end, the full walk
 * and the release judge the instance as it is.
 */
#include "harness_priv.h"

/* ---- the shadow while CPUs run ------------------------------------------ */

HS_BULK_LOOP void
hs_remove_entry(void *arr, unsigned int idx, unsigned int n, size_t size)
{
	KASSERTMSG(idx < n && size % 8 == 0, "hs_remove_entry: entry %u of %u,"
	    " size %zu", idx, n, size);
	unsigned char *d = (unsigned char *)arr + (size_t)idx * size;
	size_t bytes = (size_t)(n - idx - 1) * size;

	for (size_t k = 0; k < bytes; k += 8) {
		uint64_t w;
		__builtin_memcpy(&w, d + size + k, 8);
		__builtin_memcpy(d + k, &w, 8);
	}
}

void
hs_remove_alloc(struct harness *h, unsigned int i)
{
	if (h->smp)
		uvm_memset(&h->allocs[i], 0, sizeof(h->allocs[i]));
	else
		HS_REMOVE(h->allocs, h->nallocs, i);
}

void
hs_remove_pool(struct harness *h, unsigned int i)
{
	if (h->smp)
		uvm_memset(&h->pool[i], 0, sizeof(h->pool[i]));
	else
		HS_REMOVE(h->pool, h->npool, i);
}

void
hs_remove_region(struct harness *h, unsigned int i)
{
	if (h->smp)
		uvm_memset(&h->regions[i], 0, sizeof(h->regions[i]));
	else
		HS_REMOVE(h->regions, h->nregions, i);
}

/* The quiescent point: the holes go, the live keep their order. */
static void
smp_compact(struct harness *h)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->nallocs; i++)
		if (h->allocs[i].id != 0)
			h->allocs[n++] = h->allocs[i];
	h->nallocs = n;
	n = 0;
	for (unsigned int i = 0; i < h->npool; i++)
		if (h->pool[i].id != 0)
			h->pool[n++] = h->pool[i];
	h->npool = n;
	n = 0;
	for (unsigned int i = 0; i < h->nregions; i++)
		if (h->regions[i].id != 0)
			h->regions[n++] = h->regions[i];
	h->nregions = n;
}

/* Live handles of `kind' ('a', 'p', 'r'): how many slots, and slot i. */
static unsigned int
smp_slots(const struct harness *h, char kind)
{
	return kind == 'a' ? h->nallocs : kind == 'p' ? h->npool :
	    kind == 'r' ? h->nregions : 0;
}

static void
smp_slot(const struct harness *h, char kind, unsigned int i, uint16_t *id,
    uint8_t *cpu)
{
	if (kind == 'a') {
		*id = h->allocs[i].id;
		*cpu = h->allocs[i].cpu;
	} else if (kind == 'p') {
		*id = h->pool[i].id;
		*cpu = h->pool[i].cpu;
	} else {
		*id = h->regions[i].id;
		*cpu = h->regions[i].cpu;
	}
}

/*
 * CPU c's live handles of `kind': *count of them; => the slot of the
 * (sel % count)-th, or -1 if c has none.
 */
static int
smp_nth(const struct harness *h, char kind, unsigned int c, unsigned int sel,
    unsigned int *count)
{
	unsigned int n = 0, k;
	uint16_t id;
	uint8_t cpu;

	for (unsigned int i = 0; i < smp_slots(h, kind); i++) {
		smp_slot(h, kind, i, &id, &cpu);
		n += id != 0 && cpu == c;
	}
	*count = n;
	if (n == 0)
		return -1;
	k = sel % n;
	for (unsigned int i = 0; i < smp_slots(h, kind); i++) {
		smp_slot(h, kind, i, &id, &cpu);
		if (id != 0 && cpu == c && k-- == 0)
			return (int)i;
	}
	return -1;
}

/* The selector of slot `slot' among CPU c's live handles of `kind'. */
static uint8_t
smp_sel_of(const struct harness *h, char kind, unsigned int c,
    unsigned int slot)
{
	unsigned int n = 0;
	uint16_t id;
	uint8_t cpu;

	for (unsigned int i = 0; i < slot; i++) {
		smp_slot(h, kind, i, &id, &cpu);
		n += id != 0 && cpu == c;
	}
	return (uint8_t)n;
}

/* Is op one the smp opset has (text programs keep to it too)? */
static bool
smp_op_ok(unsigned int code)
{
	for (unsigned int i = 0; i < km_opset_smp.nops; i++)
		if (km_opset_smp.ops[i] == code)
			return true;
	return false;
}

/*
 * Resolve trace op t for CPU c into the working copy w (shadow index in
 * w->handle_sel; t keeps the CPU's selector).  => 1 run it, 0 dropped
 * (bytes: no live handle of c's), -1 bad input (text; why in err).
 */
static int
smp_resolve(struct harness *h, bool text, struct km_op *t, struct km_op *w,
    char *err, size_t len)
{
	char kind = km_op_handle_kind(t);
	unsigned int count;
	int slot;

	if (!smp_op_ok(t->code)) {
		uvm_snprintf(err, len, "%s is not an op of a program for "
		    "several CPUs", km_opcode_name(t->code));
		return -1;
	}
	*w = *t;
	if (!text) {
		if (kind != 0) {
			slot = smp_nth(h, kind, t->cpu, t->handle_sel, &count);
			if (slot < 0)
				return 0;
			w->handle_sel = (uint8_t)slot;
		}
		if (!interp_resolve_bytes(h, w))
			return 0;
	} else {
		if (!interp_resolve_text(h, w, err, len))
			return -1;
		if (kind != 0) {
			uint16_t id;
			uint8_t cpu;
			smp_slot(h, kind, w->handle_sel, &id, &cpu);
			if (cpu != t->cpu) {
				uvm_snprintf(err, len, "%c%u belongs to cpu%u, "
				    "not cpu%u", kind, t->handle_id, cpu,
				    t->cpu);
				return -1;
			}
		}
	}
	/* the trace: names and reduced fields, the CPU's selector */
	uint8_t sel = kind != 0 ? smp_sel_of(h, kind, t->cpu, w->handle_sel) :
	    t->handle_sel;
	*t = *w;
	t->handle_sel = sel;
	return 1;
}

/* The working copy's outcome into its trace entry (selector kept). */
static void
smp_copy_back(struct km_op *t, const struct km_op *w)
{
	uint8_t sel = t->handle_sel;

	*t = *w;
	t->handle_sel = sel;
}

/* ---- the CPUs ----------------------------------------------------------- */

static bool
smp_dropped(const struct harness *h, uint32_t i)
{
	return (h->dropped[i / 64] >> (i % 64)) & 1;
}

void
harness_smp_cpu(struct harness *h, unsigned int c)
{
	struct harness_cpu *p = &h->cpus[c];
	struct harness_finding *f = h->finding;

	for (uint32_t i = 0; i < h->ntrace && !h->stopped; i++) {
		struct km_op *t = &h->trace[i];
		if (t->cpu != c || t->code == KOP_SHAPE ||
		    t->code == KOP_SCHEDULE)
			continue;
		int r = smp_resolve(h, h->text_mode, t, &p->work, f->msg,
		    sizeof(f->msg));
		if (r == 0)
			continue;	/* stays dropped */
		if (r < 0) {
			/* the program names what this CPU does not have */
			f->checker = "input";
			f->opname = km_opcode_name(t->code);
			f->op_index = i;
			f->line = t->line;
			km_text_print(t, f->optext, sizeof(f->optext));
			h->stopped = true;
			return;
		}
		h->dropped[i / 64] &= ~((uint64_t)1 << (i % 64));
		p->busy = true;
		(void)interp_step(h, i, &p->work);
		p->busy = false;
		smp_copy_back(t, &p->work);
	}
}

unsigned int
harness_smp_pick(struct harness *h, unsigned int runnable, unsigned int cur)
{
	return km_sched_pick(&h->sched, runnable, cur);
}

void
harness_smp_switch_out(struct harness *h, unsigned int c)
{
	struct harness_cpu *p = &h->cpus[c];

	p->op_index = h->op_index;
	p->result = h->result;
	p->before = h->before;
	p->touched_maps = h->touched_maps;
	p->waits = h->waits;
	p->waits_unmodelled = h->waits_unmodelled;
	p->injected_seen = h->injected_seen;
	p->has_op = h->op != NULL;
}

void
harness_smp_switch_in(struct harness *h, unsigned int c)
{
	const struct harness_cpu *p = &h->cpus[c];

	h->cur_cpu = c;
	h->op_index = p->op_index;
	h->result = p->result;
	h->before = p->before;
	h->touched_maps = p->touched_maps;
	h->waits = p->waits;
	h->waits_unmodelled = p->waits_unmodelled;
	h->injected_seen = p->injected_seen;
	h->op = p->has_op ? (struct km_op *)&p->work : NULL;
}

void
smp_use(struct harness *h, vaddr_t va, bool write, const char *what)
{
	int r = h->host.access(h->host.ctx, va, write, false);

	if (r == HACC_STALE)
		hfail(h, "tlb", va, "cpu%u %s %s through a stale TLB entry",
		    h->cur_cpu, write ? "wrote" : "read", what);
	else if (r != HACC_OK)
		hfail(h, "pmap", va, "cpu%u cannot %s %s", h->cur_cpu,
		    write ? "write" : "read", what);
}

/* ---- a run -------------------------------------------------------------- */

bool
smp_program_p(const struct km_op *ops, size_t n)
{
	size_t i = n > 0 && ops[0].code == KOP_SHAPE ? 1 : 0;

	return i < n && ops[i].code == KOP_SCHEDULE;
}

/* Drop the ops that ran nowhere; the finding's index follows. */
static void
smp_drop(struct harness *h)
{
	uint32_t n = 0, before = 0;

	for (uint32_t i = 0; i < h->ntrace; i++) {
		if (smp_dropped(h, i)) {
			if (i < h->finding->op_index)
				before++;
			continue;
		}
		h->trace[n++] = h->trace[i];
	}
	if (h->found || h->finding->checker != NULL)
		h->finding->op_index -= before;
	h->ntrace = n;
}

int
smp_run(struct harness *h, size_t n, bool text, struct harness_finding *f)
{
	struct harness_instance inst = {
		.poolpage_direct_map = h->cfg.poolpage_direct_map,
	};
	size_t s = n > 0 && h->trace[0].code == KOP_SHAPE ? 1 : 0;

	if (s < n && h->trace[0].code == KOP_SHAPE)
		inst.shape = h->trace[0].n;
	KASSERTMSG(s < n && h->trace[s].code == KOP_SCHEDULE,
	    "smp_run: no schedule");
	policy_schedule(h, &h->trace[s], &inst);
	if (h->host.smp_run == NULL) {
		uvm_memset(f, 0, sizeof(*f));
		f->checker = "input";
		f->opname = km_opcode_name(KOP_SCHEDULE);
		uvm_snprintf(f->msg, sizeof(f->msg), "this host runs one CPU; "
		    "the program is for %u", inst.ncpus);
		f->unsupported = true;
		return HARNESS_BADINPUT;
	}
	if (!interp_begin(h, f, &inst))
		return HARNESS_BADINPUT;
	h->ntrace = (uint32_t)n;
	h->text_mode = text;
	km_sched_init(&h->sched, &h->trace[s]);
	/* every op is dropped until its CPU runs it (a finding may stop
	   CPUs before some of their ops: those are not part of the run) */
	uvm_memset(h->dropped, 0, sizeof(h->dropped));
	for (uint32_t i = s + 1; i < n; i++)
		h->dropped[i / 64] |= (uint64_t)1 << (i % 64);
	for (uint32_t i = 0; i < n; i++)
		if (h->trace[i].cpu >= h->ncpu) {
			f->checker = "input";
			f->opname = km_opcode_name(h->trace[i].code);
			f->op_index = i;
			f->line = h->trace[i].line;
			km_text_print(&h->trace[i], f->optext,
			    sizeof(f->optext));
			uvm_snprintf(f->msg, sizeof(f->msg), "cpu%u: the "
			    "schedule has %u CPUs", h->trace[i].cpu, h->ncpu);
			return HARNESS_BADINPUT;
		}

	/* the CPUs run; the per-op checks wait for the quiescent point */
	bool checkers = h->cfg.checkers;
	h->cfg.checkers = false;
	h->smp = true;
	h->host.smp_run(h->host.ctx, h);
	h->smp = false;
	h->cfg.checkers = checkers;
	h->op = NULL;
	h->cur_cpu = 0;
	smp_compact(h);
	smp_drop(h);
	if (!h->found && f->checker != NULL)
		return HARNESS_BADINPUT;	/* smp_resolve said why */
	return harness_program_end(h);
}
