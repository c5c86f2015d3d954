/*
 * smp_host.c: virtual CPUs for the pmap model -- harness_host.smp_run.
 *
 * Each virtual CPU is a pthread; a baton (one mutex, one condition
 * variable, `running') lets exactly one of them run at a time, so the
 * run is as deterministic as a single thread and the sanitizers (ASan,
 * TSan) see ordinary threads handing over through a mutex.  A thread
 * gives the baton away only at a switch point (host_platform.h: lock,
 * unlock, wakeup, pmap call) or when it waits; who gets it is the
 * schedule's choice (harness_smp_pick), among the CPUs that can run:
 *
 *	READY		runs when picked
 *	BLOCKED		on a mutex: can run once the mutex is free
 *	ASLEEP		in uvm_platform_wait on a channel: can run once a
 *			wakeup names the channel
 *	DONE		its ops are over
 *
 * When nobody can run but somebody sleeps, the schedule picks a sleeper
 * and nudges it: the first nudge is a spurious wakeup (the core checks
 * again: a wakeup may have come between its unlock and its sleep), the
 * second in a row runs the harness's wait policy (harness_wait: the
 * pagedaemon, the end of busy I/O, a drain), which may throw a
 * would-block.  When nobody can run and nobody sleeps, the CPUs wait for
 * mutexes in a cycle: a deadlock, thrown as a would-block.
 *
 * Example: cpu0 frees a1 and takes kernel_map's lock (switch point:
 * the schedule keeps cpu0), then calls pmap_kremove (switch point: the
 * schedule picks cpu1), cpu1's alloc finds the lock taken (BLOCKED:
 * back to cpu0, the only one that can run), cpu0 unlocks (cpu1 READY
 * again) ... every step the same on every replay.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_host.h"
#include "smp_host.h"

enum { SMP_READY, SMP_BLOCKED, SMP_ASLEEP, SMP_DONE };

struct smp_cpu {
	pthread_t	thread;
	int		state;
	const void	*chan;		/* ASLEEP: its channel */
	const kmutex_t	*mtx;		/* BLOCKED: the mutex */
	unsigned int	nudges;		/* nudged awake, in a row */
	bool		nudged;
};

struct smp {
	pthread_mutex_t	lock;
	pthread_cond_t	cv;
	unsigned int	running;	/* who has the baton */
	struct smp_cpu	cpu[KM_MAX_CPUS];
	struct harness	*h;
	struct pmap	*pm;
	struct pmodel_host *ph;
	pmodel_wait_fn	policy_fn;	/* the host's single-CPU waiter */
	void		*policy_arg;
};

struct smp_start {
	struct smp	*s;
	unsigned int	c;
};

/* CPUs that could run now (bits). */
static unsigned int
smp_runnable(const struct smp *s)
{
	unsigned int mask = 0;

	for (unsigned int c = 0; c < s->h->ncpu; c++) {
		const struct smp_cpu *p = &s->cpu[c];
		if (p->state == SMP_READY || (p->state == SMP_BLOCKED &&
		    (pmodel_mutex_free_p(p->mtx) || harness_stopped(s->h))) ||
		    (p->state == SMP_ASLEEP && harness_stopped(s->h)))
			mask |= 1u << c;
	}
	return mask;
}

static unsigned int
smp_asleep(const struct smp *s)
{
	unsigned int mask = 0;

	for (unsigned int c = 0; c < s->h->ncpu; c++)
		if (s->cpu[c].state == SMP_ASLEEP)
			mask |= 1u << c;
	return mask;
}

/* Hand the baton to `next' and wait until it comes back to `me'. */
static void
smp_handoff(struct smp *s, unsigned int me, unsigned int next)
{
	pthread_mutex_lock(&s->lock);
	s->running = next;
	pthread_cond_broadcast(&s->cv);
	while (s->running != me)
		pthread_cond_wait(&s->cv, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

/*
 * A switch point of CPU `me' (state already set).  => when `me' runs
 * again.  With nothing runnable: a nudge or a deadlock (see the top).
 */
static void
smp_switch(struct smp *s, unsigned int me)
{
	struct harness *h = s->h;
	unsigned int mask = smp_runnable(s);

	if (mask == 0 && smp_asleep(s) != 0) {
		unsigned int c = harness_smp_pick(h, smp_asleep(s), me);
		s->cpu[c].state = SMP_READY;
		s->cpu[c].nudged = true;
		mask = 1u << c;
	}
	if (mask == 0) {
		/* every CPU left waits for a mutex another of them holds */
		s->cpu[me].state = SMP_READY;
		pmodel_wouldblockf("would block: deadlock: cpu%u waits for "
		    "mutex %p and every other CPU waits too", me,
		    (const void *)s->cpu[me].mtx);
	}
	unsigned int next = harness_smp_pick(h, mask, me);
	if (next != me) {
		harness_smp_switch_out(h, me);
		smp_handoff(s, me, next);
		harness_smp_switch_in(h, me);
		pmodel_set_cpu(s->pm, me);
	}
	/* another CPU's finding ends this one's op where it stands */
	if (harness_stopped(h)) {
		s->cpu[me].state = SMP_READY;
		pmodel_throw(PMODEL_CAUGHT_PANIC, "stopped: another CPU made a "
		    "finding");
	}
}

static _Thread_local unsigned int my_cpu;

static void
smp_hook(void *arg, int kind, const void *obj)
{
	struct smp *s = arg;
	unsigned int me = my_cpu;

	switch (kind) {
	case PMODEL_SW_BLOCKED:
		s->cpu[me].state = SMP_BLOCKED;
		s->cpu[me].mtx = obj;
		smp_switch(s, me);
		s->cpu[me].state = SMP_READY;
		return;
	case PMODEL_SW_WAKEUP:
		for (unsigned int c = 0; c < s->h->ncpu; c++)
			if (s->cpu[c].state == SMP_ASLEEP &&
			    s->cpu[c].chan == obj) {
				s->cpu[c].state = SMP_READY;
				s->cpu[c].nudges = 0;
			}
		break;
	default:
		break;
	}
	smp_switch(s, me);
}

/* uvm_platform_wait on a virtual CPU: sleep until woken or nudged. */
static void
smp_wait(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *chan, const char *wmesg)
{
	struct smp *s = arg;
	struct smp_cpu *p = &s->cpu[my_cpu];

	p->state = SMP_ASLEEP;
	p->chan = chan;
	p->nudged = false;
	smp_switch(s, my_cpu);
	p->state = SMP_READY;
	if (!p->nudged)
		return;			/* a wakeup named the channel */
	p->nudged = false;
	if (p->nudges++ == 0)
		return;			/* first: a spurious wakeup */
	p->nudges = 0;
	s->policy_fn(s->policy_arg, uvm, why, chan, wmesg);
}

static void
smp_body(void *arg)
{
	struct smp_start *st = arg;

	harness_smp_cpu(st->s->h, st->c);
}

static void *
smp_thread(void *arg)
{
	struct smp_start *st = arg;
	struct smp *s = st->s;
	unsigned int me = st->c;
	struct pmodel_catch c;

	my_cpu = me;
	pmodel_set_switch_hook(smp_hook, s);
	pthread_mutex_lock(&s->lock);
	while (s->running != me)
		pthread_cond_wait(&s->cv, &s->lock);
	pthread_mutex_unlock(&s->lock);
	harness_smp_switch_in(s->h, me);
	pmodel_set_cpu(s->pm, me);

	/*
	 * Under a catch point of its own, so that another CPU's finding
	 * can end this one at any switch point, in the harness's code (a
	 * policy lookup waiting for a lock a stopped CPU kept) as well as
	 * in the core's (whose calls have their own catch points).
	 */
	(void)pmodel_catch_call(&c, smp_body, st);

	/* done: pass the baton on (the last one wakes the main thread) */
	s->cpu[me].state = SMP_DONE;
	harness_smp_switch_out(s->h, me);
	pmodel_set_switch_hook(NULL, NULL);
	unsigned int mask = smp_runnable(s);
	if (mask == 0 && smp_asleep(s) != 0) {
		unsigned int c = harness_smp_pick(s->h, smp_asleep(s), me);
		s->cpu[c].state = SMP_READY;
		s->cpu[c].nudged = true;
		mask = 1u << c;
	}
	unsigned int next = KM_MAX_CPUS;	/* nobody: all are done */
	if (mask != 0)
		next = harness_smp_pick(s->h, mask, me);
	else
		/* the rest wait for each other: one of them will say so */
		for (unsigned int c = 0; c < s->h->ncpu; c++)
			if (s->cpu[c].state != SMP_DONE && next == KM_MAX_CPUS)
				next = c;
	pthread_mutex_lock(&s->lock);
	s->running = next;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void
smp_host_run(struct pmodel_host *ph, struct harness *h)
{
	struct smp s;
	struct smp_start st[KM_MAX_CPUS];

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cv, NULL);
	s.h = h;
	s.ph = ph;
	s.pm = ph->pmap;
	s.policy_fn = ph->wait_fn;
	s.policy_arg = ph->wait_arg;
	pmodel_host_set_wait(ph, smp_wait, &s);
	/* the first pick: who starts */
	s.running = harness_smp_pick(h, (1u << h->ncpu) - 1, 0);
	for (unsigned int c = 0; c < h->ncpu; c++) {
		st[c] = (struct smp_start){ &s, c };
		if (pthread_create(&s.cpu[c].thread, NULL, smp_thread,
		    &st[c]) != 0) {
			fprintf(stderr, "smp_host_run: pthread_create failed\n");
			abort();
		}
	}
	for (unsigned int c = 0; c < h->ncpu; c++)
		pthread_join(s.cpu[c].thread, NULL);
	pmodel_host_set_wait(ph, s.policy_fn, s.policy_arg);
	pmodel_set_cpu(s.pm, 0);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.lock);
}
