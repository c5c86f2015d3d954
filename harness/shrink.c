/*
 * shrink.c: make a failing program as small and as plain as it can be
 * while it still fails the same way.
 *
 * "The same way" is the finding's signature (signature.h): checker, op
 * kind and normalized message; a candidate that fails any other way is
 * rejected.  Passes, repeated until nothing changes or the run budget
 * is spent:
 *   1. delete chunks of ops (halves, quarters, ..., pairs);
 *   2. delete single ops, last first;
 *   3. simplify each op: drop modifier flags, shrink sizes and counts,
 *      zero alignment, page offsets and sub-page remainders; move an op
 *      of a program for several CPUs to cpu0; simplify the schedule
 *      (fewer CPUs, fewer PCT change points, random for pct, seed 0).
 * So ops and schedule shrink together: a CPU left without ops is
 * dropped by the next schedule edit, and each schedule edit is kept only
 * if the interleaving it gives still fails the same way.
 * Shrinking runs with a full check after every op (the precise
 * schedule), whatever the harness was configured with, so the finding
 * it keeps -- and returns in *f -- is the precise one.
 *
 * Deleting an op that creates a handle also deletes every later op that
 * uses that handle (and, for a submap, everything made in it), so a
 * candidate is always a well-formed program.  Finally handles are
 * renamed a1, a2, ... in creation order and the program is run once
 * more, so `ops' ends up as the trace of a failing run.
 *
 * Example: 40 ops where op 31 frees a 3-page wired allocation and the
 * leak checker fires shrink to "alloc kernel_map 0x2000 WIRED -> a1" and
 * "free a1": two ops, two pages, no flags.
 */
#include "harness_priv.h"
#include "shrink.h"
#include "signature.h"

struct shrinker {
	struct harness		*h;
	struct harness_finding	*orig;
	struct harness_finding	f;
	unsigned int		runs, budget;
	struct km_op		*scratch;
};

bool
harness_same_failure(const struct harness_finding *a,
    const struct harness_finding *b)
{
	char sa[HARNESS_SIG_MAX], sb[HARNESS_SIG_MAX];

	if (a->checker == NULL || b->checker == NULL)
		return false;
	harness_signature(a, sa, sizeof(sa));
	harness_signature(b, sb, sizeof(sb));
	return harness_signature_equal(sa, sb);
}

/*
 * Copy each traced op's outcome into the program.  The trace holds the
 * ops in program order (text_op and smp_run keep op i at trace[i]) up
 * to where the run stopped; the ops after that did not run and keep
 * what they said.
 */
static void
sync_outcomes(const struct harness *h, struct km_op *ops, size_t n)
{
	size_t m = h->ntrace < n ? h->ntrace : n;

	for (size_t i = 0; i < m; i++) {
		KASSERTMSG(h->trace[i].code == ops[i].code, "shrink: trace op "
		    "%zu is not the program's", i);
		if (km_op_creates(&ops[i]) != 0)
			ops[i].result_id = h->trace[i].result_id;
	}
}

/*
 * Does ops[0..n) still fail the same way?  If so, each op that ran takes
 * the outcome it had (its result name, or 0 for a failure).  An edit
 * can change an outcome: an allocation spelled "-> fail" that succeeds
 * once its alignment is gone is named by the interpreter (the next free
 * number), and that name must travel with it -- else the renaming at
 * the end would give a later op the same name and the last run would
 * be a bad input.  => true if it still fails.
 */
static bool
still_fails(struct shrinker *s, struct km_op *ops, size_t n)
{
	if (s->runs >= s->budget)
		return false;
	s->runs++;
	int r = harness_run_ops(s->h, ops, n, &s->f);
	if (r != HARNESS_FINDING || !harness_same_failure(s->orig, &s->f))
		return false;
	sync_outcomes(s->h, ops, n);
	return true;
}

/*
 * Copy ops[0..n) minus [from, to) and everything depending on what the
 * removed ops created into out.  => the new length.
 */
static size_t
without(const struct km_op *ops, size_t n, size_t from, size_t to,
    struct km_op *out)
{
	/* Dead handles, as (kind, id); a program has few creators. */
	enum { MAXDEAD = 512 };
	char dkind[MAXDEAD];
	uint16_t did[MAXDEAD];
	unsigned int ndead = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		bool drop = i >= from && i < to;
		for (unsigned int d = 0; d < ndead && !drop; d++)
			drop = km_op_uses(&ops[i], dkind[d], did[d]);
		if (!drop) {
			out[m++] = ops[i];
			continue;
		}
		if (km_op_creates(&ops[i]) && ops[i].result_id != 0 && ndead < MAXDEAD) {
			dkind[ndead] = km_op_creates(&ops[i]);
			did[ndead++] = ops[i].result_id;
		}
	}
	return m;
}

static size_t
pass_delete(struct shrinker *s, struct km_op *ops, size_t n, size_t chunk)
{
	for (size_t start = 0; start < n && s->runs < s->budget;) {
		size_t end = start + chunk > n ? n : start + chunk;
		size_t m = without(ops, n, start, end, s->scratch);
		if (m < n && still_fails(s, s->scratch, m)) {
			for (size_t i = 0; i < m; i++)
				ops[i] = s->scratch[i];
			n = m;
			continue;	/* same start, new contents */
		}
		start = end;
	}
	return n;
}

static bool
uvm_memcmp_ops(const struct km_op *a, const struct km_op *b)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;
	for (size_t i = 0; i < sizeof(*a); i++)
		if (x[i] != y[i])
			return false;
	return true;	/* identical: nothing to try */
}

/* Try one edited version of ops[i]; keep it if the failure stays. */
static bool
try_edit(struct shrinker *s, struct km_op *ops, size_t n, size_t i,
    const struct km_op *edit)
{
	struct km_op saved = ops[i];

	if (uvm_memcmp_ops(&saved, edit))
		return false;
	ops[i] = *edit;
	if (still_fails(s, ops, n))
		return true;
	ops[i] = saved;
	return false;
}

/* The schedule op ops[i]: fewer CPUs, change points, plainer seed. */
static bool
simplify_schedule(struct shrinker *s, struct km_op *ops, size_t n, size_t i)
{
	struct km_op e = ops[i];
	unsigned int top = 0;
	bool changed = false;

	for (size_t j = 0; j < n; j++)
		if (ops[j].cpu > top)
			top = ops[j].cpu;
	if (e.count > 2 && top + 1 < e.count) {
		e.count = top + 1 < 2 ? 2 : top + 1;
		changed |= try_edit(s, ops, n, i, &e);
	}
	e = ops[i];
	if ((e.flags & KOPF_SCHED_PCT) && e.page > 1) {
		e.page--;
		changed |= try_edit(s, ops, n, i, &e);
	}
	e = ops[i];
	if (e.flags & KOPF_SCHED_PCT) {
		e.flags &= ~(uint32_t)KOPF_SCHED_PCT;
		e.page = 0;
		changed |= try_edit(s, ops, n, i, &e);
	}
	e = ops[i];
	if (e.n != 0) {
		e.n = 0;
		changed |= try_edit(s, ops, n, i, &e);
	}
	return changed;
}

static bool
pass_simplify(struct shrinker *s, struct km_op *ops, size_t n)
{
	bool changed = false;

	for (size_t i = 0; i < n && s->runs < s->budget; i++) {
		struct km_op e = ops[i];
		if (e.code == KOP_SCHEDULE) {
			changed |= simplify_schedule(s, ops, n, i);
			continue;
		}
		if (e.cpu != 0) {
			/* its CPU's handles stay its: a wrong move fails */
			e.cpu = 0;
			changed |= try_edit(s, ops, n, i, &e);
			e = ops[i];
		}
		/* Modifier flags off, one at a time (alloc: keep the type). */
		uint32_t keep = ops[i].code == KOP_ALLOC ? UVM_KMF_TYPEMASK : 0;
		for (uint32_t bit = 1; bit != 0 && bit <= ops[i].flags; bit <<= 1)
			if ((ops[i].flags & bit) && !(bit & keep)) {
				e = ops[i];
				e.flags &= ~bit;
				changed |= try_edit(s, ops, n, i, &e);
			}
		static const uint32_t small[] = { 1, 2 };
		for (unsigned int k = 0; k < 2; k++) {
			e = ops[i];
			if (e.code == KOP_ALLOC && e.npages > small[k]) {
				e.npages = small[k];
				e.sub = 0;
				changed |= try_edit(s, ops, n, i, &e);
			}
		}
		e = ops[i];
		if (e.code == KOP_ALLOC && e.npages > 2) {
			e.npages /= 2;
			changed |= try_edit(s, ops, n, i, &e);
		}
		e = ops[i];
		e.sub = 0;
		e.align_log = 0;
		changed |= try_edit(s, ops, n, i, &e);
		e = ops[i];
		if (e.page != 0) {
			e.page = 0;
			changed |= try_edit(s, ops, n, i, &e);
		}
		e = ops[i];
		if (e.count > 1) {
			e.count = 1;
			changed |= try_edit(s, ops, n, i, &e);
		}
		e = ops[i];
		if (e.n > 1) {
			e.n = 1;
			changed |= try_edit(s, ops, n, i, &e);
		}
		e = ops[i];
		if (e.code == KOP_SUBALLOC && e.npages > KOP_SUBMAP_UNIT) {
			e.npages = KOP_SUBMAP_UNIT;
			changed |= try_edit(s, ops, n, i, &e);
		}
	}
	return changed;
}

/*
 * New names are first made above every label (RENAME_TMP + n), so that
 * renaming one handle never catches another's uses: with several CPUs
 * the program's order is not the order the names were made in, and p2
 * may have to become p1 while p1 becomes p2.
 */
#define RENAME_TMP	0x8000

/* Rename created handles 1, 2, ... per kind, in program order. */
static void
renumber(struct km_op *ops, size_t n)
{
	uint16_t next[4] = { 1, 1, 1, 1 };
	static const char kinds[4] = { 'a', 'p', 'm', 'r' };

	for (size_t i = 0; i < n; i++) {
		char k = km_op_creates(&ops[i]);
		if (k == 0 || ops[i].result_id == 0)
			continue;
		int ki = k == 'a' ? 0 : k == 'p' ? 1 : k == 'm' ? 2 : 3;
		uint16_t old = ops[i].result_id;
		uint16_t neu = (uint16_t)(RENAME_TMP + next[ki]++);
		ops[i].result_id = neu;
		for (size_t j = i + 1; j < n; j++) {
			if (km_op_uses(&ops[j], kinds[ki], old)) {
				if (k == 'm')
					ops[j].map_id = neu;
				else
					ops[j].handle_id = neu;
			}
			/* a later op may reuse the old label: stop there */
			if (km_op_creates(&ops[j]) == k && ops[j].result_id == old)
				break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (ops[i].result_id >= RENAME_TMP)
			ops[i].result_id -= RENAME_TMP;
		if (ops[i].handle_id >= RENAME_TMP)
			ops[i].handle_id -= RENAME_TMP;
		if (km_op_has_map(&ops[i]) && ops[i].map_id >= RENAME_TMP)
			ops[i].map_id -= RENAME_TMP;
	}
}

/* Run ops once more; if it fails as orig did, ops become the trace. */
static bool
final_run(struct harness *h, struct km_op *ops, size_t n,
    const struct harness_finding *orig, struct harness_finding *f)
{
	if (harness_run_ops(h, ops, n, f) != HARNESS_FINDING ||
	    !harness_same_failure(orig, f) || h->ntrace > n)
		return false;
	for (size_t i = 0; i < h->ntrace; i++)
		ops[i] = h->trace[i];
	return true;
}

size_t
harness_shrink(struct harness *h, struct km_op *ops, size_t n,
    struct km_op *scratch, struct harness_finding *f, unsigned int budget)
{
	struct harness_finding orig = *f;
	struct shrinker s = { h, &orig, { 0 }, 0, budget ? budget : 4000,
	    scratch };
	unsigned int every = h->cfg.full_check_every;

	/*
	 * Shrink under the precise schedule: a full check after every op,
	 * so a finding is named after the op that broke the state, not the
	 * op that happened to come before a periodic check (deleting ops
	 * would move that).  The target is the input's precise finding.
	 */
	h->cfg.full_check_every = 1;
	if (harness_run_ops(h, ops, n, &orig) != HARNESS_FINDING) {
		h->cfg.full_check_every = every;
		return n;	/* not reproducible: nothing to shrink */
	}
	sync_outcomes(h, ops, n);	/* hand-written text may not say */
	for (bool changed = true; changed && s.runs < s.budget;) {
		size_t before = n;
		for (size_t chunk = n / 2; chunk >= 2; chunk /= 2)
			n = pass_delete(&s, ops, n, chunk);
		n = pass_delete(&s, ops, n, 1);
		changed = n < before;
		changed |= pass_simplify(&s, ops, n);
	}
	/*
	 * The final run: ops become its trace, f its finding.  The
	 * renaming is exact (every op carries its real outcome), but should
	 * the renamed program not fail the same way, the last program that
	 * did is kept, names as they were: a repro must replay.
	 */
	for (size_t i = 0; i < n; i++)
		scratch[i] = ops[i];
	renumber(ops, n);
	bool same = final_run(h, ops, n, &orig, f);
	if (!same) {
		for (size_t i = 0; i < n; i++)
			ops[i] = scratch[i];
		same = final_run(h, ops, n, &orig, f);
	}
	if (same)
		n = h->ntrace;
	else
		*f = orig;	/* runs are deterministic: cannot happen */
	h->cfg.full_check_every = every;
	return n;
}
