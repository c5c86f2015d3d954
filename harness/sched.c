/*
 * sched.c: the schedule of a concurrent program -- which virtual CPU
 * runs next at each switch point -- made from the program's schedule
 * line, so that the same program always interleaves the same way.
 *
 * A concurrent run (smp.c) has 2..KM_MAX_CPUS CPUs, of which exactly one
 * runs at a time.  At every switch point (a lock, an unlock, a wait, a
 * wakeup, a pmap call: the host calls harness_smp_pick) the schedule
 * picks the next one among those that can run.  Two strategies, as
 * Shuttle has them:
 *
 *   random  every switch point picks uniformly among the runnable CPUs
 *           (the stream: splitmix64 from the seed).  Good at many small
 *           interleavings.
 *   pct     Probabilistic Concurrency Testing (Burckhardt et al.,
 *           ASPLOS 2010): each CPU gets a distinct priority, the
 *           highest runnable one always runs; at depth-1 change points,
 *           chosen among the first k switch points, the running CPU
 *           drops below every other.  A bug that needs d ordering
 *           constraints is found with probability at least
 *           1 / (n * k^(d-1)) per run.  k is KM_SCHED_STEPS (Shuttle
 *           takes the longest run seen so far; a replay must not depend
 *           on history, and a fixed k lets the shrinker delete ops
 *           after the race without moving the change points).
 *
 * Example: "schedule pct cpus=2 depth=2 seed=0x0007" draws priorities
 * {cpu0: 3, cpu1: 2} (say) and one change point among the first 128
 * switch points, step 5 (say): cpu0 runs
 * alone until its 5th switch point, drops to priority 1, and cpu1 runs
 * from there on while it can -- i.e. cpu1 cuts into cpu0 exactly once,
 * at a spot the seed chose.
 */
#include "harness_priv.h"

/*
 * The change points lie among the first this many switch points (an
 * alloc or a free makes 10 to 30: each lock, unlock and pmap call).
 */
#define KM_SCHED_STEPS	128

static unsigned int
sched_below(struct km_sched *s, unsigned int n)
{
	return (unsigned int)(harness_splitmix64(&s->rng) % n);
}

void
km_sched_init(struct km_sched *s, const struct km_op *op)
{
	uvm_memset(s, 0, sizeof(*s));
	s->strategy = (op->flags & KOPF_SCHED_PCT) ? KSCHED_PCT : KSCHED_RANDOM;
	s->ncpu = (uint8_t)op->count;
	s->depth = (uint8_t)op->page;
	s->rng = 0x6b6d66757a7a0000ULL ^ op->n;
	if (s->ncpu < 1 || s->ncpu > KM_MAX_CPUS)
		s->ncpu = 1;
	if (s->strategy != KSCHED_PCT)
		return;
	/* priorities depth .. depth + ncpu - 1, shuffled (Fisher-Yates) */
	for (unsigned int c = 0; c < s->ncpu; c++)
		s->prio[c] = (uint8_t)(s->depth + c);
	for (unsigned int c = s->ncpu - 1; c > 0; c--) {
		unsigned int j = sched_below(s, c + 1);
		uint8_t t = s->prio[c];
		s->prio[c] = s->prio[j];
		s->prio[j] = t;
	}
	for (unsigned int i = 0; i + 1 < s->depth && i < KM_MAX_CPUS; i++)
		s->change[i] = 1 + sched_below(s, KM_SCHED_STEPS);
}

/*
 * The CPU to run after switch point number s->step, among `runnable'
 * (bit c: CPU c can run; never 0); `cur' is the CPU at the switch point.
 */
unsigned int
km_sched_pick(struct km_sched *s, unsigned int runnable, unsigned int cur)
{
	unsigned int n = 0, pick = 0;

	KASSERTMSG(runnable != 0, "km_sched_pick: nobody can run");
	s->step++;
	if (s->strategy != KSCHED_PCT) {
		for (unsigned int c = 0; c < s->ncpu; c++)
			n += (runnable >> c) & 1;
		unsigned int k = sched_below(s, n);
		for (unsigned int c = 0; c < s->ncpu; c++)
			if (((runnable >> c) & 1) && k-- == 0)
				return c;
		return 0;	/* not reached */
	}
	for (unsigned int i = 0; i + 1 < s->depth && i < KM_MAX_CPUS; i++)
		if (s->change[i] == s->step && cur < s->ncpu)
			s->prio[cur] = (uint8_t)(s->depth - 1 - i);
	for (unsigned int c = 0, best = 0; c < s->ncpu; c++) {
		if (((runnable >> c) & 1) && s->prio[c] >= best) {
			best = s->prio[c];
			pick = c;
		}
	}
	return pick;
}

/*
 * The schedule op itself calls nothing: the run read it before any op
 * (smp.c), and it heads the trace so that the text says how the CPUs
 * interleaved.  A C repro never holds one (harness_program_begin).
 */
static uintptr_t
schedule_call(struct harness *h, const struct km_op *op)
{
	(void)h;
	(void)op;
	return 0;
}

static void
schedule_emit(struct harness *h, const struct km_op *op, struct km_emit *e)
{
	(void)h;
	(void)op;
	emit_printf(e, "\t\tDONE(0);\n");
}

const struct km_op_impl op_schedule_impl = {
	.call = schedule_call, .emit = schedule_emit,
};
