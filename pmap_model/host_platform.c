/*
 * host_platform.c: uvm_platform.h for userspace: mutexes that know their
 * owner thread, a panic the harness can catch, waits
 * dispatched to the harness (or really slept on, for threads), the
 * in-memory swap device and the console.
 *
 * State.  Per thread: the stack of catch points (the panic hook has no
 * instance, see uvm_platform.h) and a one-byte token whose address names
 * the thread as a lock owner.  Per process: the sleep queues, hashed by
 * wait channel as NetBSD's sleep table is (channels are addresses, so
 * two instances never share one; they may share a bucket, which costs
 * a spurious wakeup).  All else hangs off struct pmodel_host
 * (uvm->host), one per instance; its wait and swap counters are updated
 * atomically, since several threads may run in one instance.
 *
 * Example: the harness holds kernel_map's lock "elsewhere" and calls
 * uvm_km_alloc without TRYLOCK.  The core's mutex_enter finds the lock
 * taken by this very thread on another CPU's behalf and throws
 *	"would block: mutex 0x... held elsewhere"
 * to the harness' catch point, which reports a would-block finding.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"

static _Thread_local struct pmodel_catch *catch_top;
static _Thread_local char thread_token;
#define SELF	((uintptr_t)&thread_token)

/* the calling thread's switch hook (host_platform.h), usually none */
static _Thread_local pmodel_switch_fn switch_fn;
static _Thread_local void *switch_arg;

void
pmodel_set_switch_hook(pmodel_switch_fn fn, void *arg)
{
	switch_fn = fn;
	switch_arg = arg;
}

void
pmodel_switch_point(int kind, const void *obj)
{
	if (switch_fn != NULL)
		switch_fn(switch_arg, kind, obj);
}

/* ------------------------------------------------------------------ */
/* catching */

void
pmodel_catch_push(struct pmodel_catch *c)
{
	c->cc_prev = catch_top;
	c->cc_active = true;
	c->cc_kind = PMODEL_CAUGHT_NONE;
	c->cc_msg[0] = '\0';
	catch_top = c;
}

void
pmodel_catch_pop(struct pmodel_catch *c)
{
	if (!c->cc_active)
		return;		/* a throw already unlinked it */
	if (catch_top != c) {
		/* an inner catch point's frame is gone: unrecoverable */
		fprintf(stderr, "pmodel: catch point %p popped while %p is "
		    "innermost (PMODEL_TRY body left by return/break/goto?)\n",
		    (void *)c, (void *)catch_top);
		abort();
	}
	catch_top = c->cc_prev;
	c->cc_active = false;
}

bool
pmodel_catch_active(void)
{
	return catch_top != NULL;
}

void
pmodel_throw(int kind, const char *msg)
{
	struct pmodel_catch *c = catch_top;

	if (c == NULL) {
		fprintf(stderr, "kmfuzz %s: %s\n",
		    kind == PMODEL_CAUGHT_WOULDBLOCK ? "would-block" : "panic",
		    msg);
		abort();
	}
	if (msg != c->cc_msg)
		snprintf(c->cc_msg, sizeof(c->cc_msg), "%s", msg);
	c->cc_kind = kind;
	catch_top = c->cc_prev;
	c->cc_active = false;
	longjmp(c->cc_jb, 1);
}

void
pmodel_panicf(const char *fmt, ...)
{
	char buf[PMODEL_CATCH_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pmodel_throw(PMODEL_CAUGHT_PANIC, buf);
}

void
pmodel_wouldblockf(const char *fmt, ...)
{
	char buf[PMODEL_CATCH_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pmodel_throw(PMODEL_CAUGHT_WOULDBLOCK, buf);
}

/* The setjmp sits in this frame, which is live for all of fn(arg). */
int
pmodel_catch_call(struct pmodel_catch *c, void (*fn)(void *), void *arg)
{
	pmodel_catch_push(c);
	if (setjmp(c->cc_jb) != 0)
		return c->cc_kind;
	fn(arg);
	pmodel_catch_pop(c);
	return PMODEL_CAUGHT_NONE;
}

void
uvm_platform_panic(const char *msg)
{
	pmodel_throw(PMODEL_CAUGHT_PANIC, msg);
}

/* ------------------------------------------------------------------ */
/* mutexes */

#define HMUTEX_MAGIC	0x6b6d7478u	/* "kmtx" */

/*
 * The owner word is the lock: 0 free, else SELF of the holder, taken by
 * compare-and-swap (acquire) and given back by a store (release), so an
 * uncontended enter/exit costs one atomic and no call (the fuzz targets
 * take a lock several times per op).  A thread that finds it taken by
 * another waits: in the cooperative scheduler through the switch hook,
 * else (free-running threads, the TSan stress) by yielding the CPU --
 * kernel critical sections are short, and TSan sees the acquire/release
 * pairs as the lock's happens-before.  "Elsewhere" (pmodel_hold_lock)
 * is read only by the thread that may hold the lock.
 */
struct hmutex {
	_Atomic uintptr_t	hm_owner;	/* SELF of the holder, 0 free */
	_Atomic int		hm_elsewhere;	/* held via pmodel_hold_lock */
	uint32_t		hm_magic;
};
_Static_assert(sizeof(struct hmutex) <= sizeof(kmutex_t),
    "kmutex_t too small for the model's mutex");
_Static_assert(_Alignof(struct hmutex) <= _Alignof(kmutex_t),
    "kmutex_t under-aligned for the model's mutex");

static struct hmutex *
hm(const kmutex_t *m, const char *fn)
{
	struct hmutex *h = (struct hmutex *)(uintptr_t)m;

	if (h->hm_magic != HMUTEX_MAGIC)
		pmodel_panicf("%s: mutex %p is not initialized", fn,
		    (const void *)m);
	return h;
}

/* pmodel_set_free_running: threads run at once (set before they start) */
static _Atomic bool free_running;

void
pmodel_set_free_running(bool on)
{
	atomic_store(&free_running, on);
}

/*
 * => true: the lock is the caller's now.  One thread at a time: a load
 *    and a store (a locked compare-and-swap on every lock was 4-5% of
 *    fuzz_km's time); threads at once: the compare-and-swap.
 */
static inline bool
hm_take(struct hmutex *h)
{
	uintptr_t free = 0;

	if (!atomic_load_explicit(&free_running, memory_order_relaxed)) {
		if (atomic_load_explicit(&h->hm_owner,
		    memory_order_relaxed) != 0)
			return false;
		atomic_store_explicit(&h->hm_owner, SELF,
		    memory_order_relaxed);
		return true;
	}
	return atomic_compare_exchange_strong_explicit(&h->hm_owner, &free,
	    SELF, memory_order_acquire, memory_order_relaxed);
}

static inline uintptr_t
hm_owner(const struct hmutex *h)
{
	return atomic_load_explicit(&h->hm_owner, memory_order_relaxed);
}

/* ---- the lock order ----------------------------------------------------- */

#define HELD_MAX	8	/* the order has 7 ranks */

static pmodel_lock_rank_fn lock_rank;
static void *lock_rank_arg;
static _Thread_local struct {
	const kmutex_t	*m;
	int		rank;
} held[HELD_MAX];
static _Thread_local unsigned int nheld;
static _Atomic int order_broken;
static char order_why[256];

void
pmodel_set_lock_rank(pmodel_lock_rank_fn rank, void *arg)
{
	lock_rank = rank;
	lock_rank_arg = arg;
}

void
pmodel_locks_forget(void)
{
	nheld = 0;
}

int
pmodel_lock_order_check(char *why, size_t len)
{
	if (!atomic_load_explicit(&order_broken, memory_order_acquire))
		return 0;
	snprintf(why, len, "%s", order_why);
	atomic_store_explicit(&order_broken, 0, memory_order_relaxed);
	return -1;
}

/*
 * The message for m (rank r) taken while holding o (rank ro).  Out of
 * line: its buffers would otherwise be set up (and, under ASan,
 * poisoned) on every mutex_enter.
 */
static __attribute__((noinline)) void
order_report(const kmutex_t *m, int r, const kmutex_t *o, int ro)
{
	char name[80], other[80];

	lock_rank(lock_rank_arg, m, name, sizeof(name));
	lock_rank(lock_rank_arg, o, other, sizeof(other));
	snprintf(order_why, sizeof(order_why), "mutex_enter of %s "
	    "(order %d) while holding %s (order %d): against the "
	    "lock order, a deadlock with a thread that takes them "
	    "the other way", name, r, other, ro);
}

/* The calling thread took m; blocking: it may have waited for it. */
static void
held_push(const kmutex_t *m, bool blocking)
{
	int r;

	if (lock_rank == NULL || (r = lock_rank(lock_rank_arg, m, NULL, 0)) <= 0)
		return;
	for (unsigned int i = 0; blocking && i < nheld; i++) {
		int expect = 0;
		if (held[i].rank < r || !atomic_compare_exchange_strong(
		    &order_broken, &expect, 1))
			continue;
		order_report(m, r, held[i].m, held[i].rank);
		break;
	}
	if (nheld < HELD_MAX) {
		held[nheld].m = m;
		held[nheld++].rank = r;
	}
}

static void
held_pop(const kmutex_t *m)
{
	for (unsigned int i = nheld; i-- > 0;)
		if (held[i].m == m) {
			for (; i + 1 < nheld; i++)
				held[i] = held[i + 1];
			nheld--;
			return;
		}
}

void
mutex_init(kmutex_t *m)
{
	struct hmutex *h = (struct hmutex *)(void *)m;

	memset(m, 0, sizeof(*m));
	atomic_store_explicit(&h->hm_owner, 0, memory_order_relaxed);
	atomic_store_explicit(&h->hm_elsewhere, 0, memory_order_relaxed);
	h->hm_magic = HMUTEX_MAGIC;
}

void
mutex_destroy(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_destroy");

	if (hm_owner(h) != 0)
		pmodel_panicf("mutex_destroy: mutex %p is held", (void *)m);
	h->hm_magic = 0;
}

void
mutex_enter(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_enter");

	pmodel_switch_point(PMODEL_SW_LOCK, m);
	if (hm_take(h)) {
		held_push(m, true);
		return;
	}
	if (hm_owner(h) == SELF) {
		if (atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
			pmodel_wouldblockf("would block: mutex %p held "
			    "elsewhere", (void *)m);
		pmodel_panicf("mutex_enter: locking against myself: mutex %p",
		    (void *)m);
	}
	/*
	 * Another thread holds it.  A cooperatively scheduled one only
	 * runs when this one lets it (the hook); a free-running one gets
	 * the CPU.
	 */
	if (switch_fn == NULL &&
	    !atomic_load_explicit(&free_running, memory_order_relaxed))
		pmodel_panicf("mutex_enter: mutex %p is held by another "
		    "thread running at the same time, and nobody called "
		    "pmodel_set_free_running", (void *)m);
	do {
		if (switch_fn != NULL)
			switch_fn(switch_arg, PMODEL_SW_BLOCKED, m);
		else
			sched_yield();
	} while (!hm_take(h));
	held_push(m, true);
}

bool
mutex_tryenter(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_tryenter");

	pmodel_switch_point(PMODEL_SW_LOCK, m);
	if (hm_take(h)) {
		held_push(m, false);
		return true;
	}
	if (hm_owner(h) == SELF &&
	    !atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
		pmodel_panicf("mutex_tryenter: locking against myself: "
		    "mutex %p", (void *)m);
	return false;
}

void
mutex_exit(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_exit");

	if (hm_owner(h) != SELF ||
	    atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
		pmodel_panicf("mutex_exit: mutex %p not held by the caller",
		    (void *)m);
	held_pop(m);
	atomic_store_explicit(&h->hm_owner, 0, memory_order_release);
	pmodel_switch_point(PMODEL_SW_UNLOCK, m);
}

bool
pmodel_mutex_free_p(const kmutex_t *m)
{
	return hm_owner(hm(m, "pmodel_mutex_free_p")) == 0;
}

bool
mutex_owned(const kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_owned");

	return hm_owner(h) == SELF &&
	    !atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed);
}

bool
pmodel_hold_lock(kmutex_t *m)
{
	struct hmutex *h = hm(m, "pmodel_hold_lock");

	if (!hm_take(h))
		return false;
	atomic_store_explicit(&h->hm_elsewhere, 1, memory_order_relaxed);
	return true;
}

void
pmodel_release_lock(kmutex_t *m)
{
	struct hmutex *h = hm(m, "pmodel_release_lock");

	if (!atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed) ||
	    hm_owner(h) != SELF)
		pmodel_panicf("pmodel_release_lock: mutex %p not held "
		    "elsewhere", (void *)m);
	atomic_store_explicit(&h->hm_elsewhere, 0, memory_order_relaxed);
	atomic_store_explicit(&h->hm_owner, 0, memory_order_release);
}

bool
pmodel_lock_held_elsewhere(const kmutex_t *m)
{
	return atomic_load(&hm(m, "pmodel_lock_held_elsewhere")->hm_elsewhere)
	    != 0;
}

/* ------------------------------------------------------------------ */
/* waits, swap, console */

static struct pmodel_host *
host_of(struct uvm *uvm, const char *fn)
{
	if (uvm == NULL || uvm->host == NULL)
		pmodel_panicf("%s: instance %p has no host", fn, (void *)uvm);
	return uvm->host;
}

static const char *
reason_name(enum uvm_wait_reason why)
{
	static const char *const reason[] = {
		[UVM_WAIT_PAGES] = "pages", [UVM_WAIT_BUSYPAGE] = "busy page",
		[UVM_WAIT_VA] = "va",
	};

	return (unsigned)why < 3 ? reason[why] : "?";
}

/*
 * uvm_platform_wait: hand the wait on `chan' to the installed waiter
 * (the harness' callback, or pmodel_wait_sleep).
 * => no waiter, or more than wait_limit waits: a would-block throw.
 */
void
uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
    const void *chan, const char *wmesg)
{
	struct pmodel_host *h = host_of(uvm, "uvm_platform_wait");
	const char *r = reason_name(why);
	unsigned long n;

	if (wmesg == NULL)
		wmesg = "-";
	if (h->wait_fn == NULL)
		pmodel_wouldblockf("would block: %s wait \"%s\" on %p with no "
		    "waiter installed", r, wmesg, chan);
	/* threads may wait at once: count without losing one */
	n = __atomic_fetch_add(&h->nwaits, 1, __ATOMIC_RELAXED);
	if (h->wait_limit != 0 && n >= h->wait_limit) {
		__atomic_fetch_sub(&h->nwaits, 1, __ATOMIC_RELAXED);
		pmodel_wouldblockf("would block: %s wait \"%s\" on %p after "
		    "%lu waits (wait loop)", r, wmesg, chan, n);
	}
	h->wait_fn(h->wait_arg, uvm, why, chan, wmesg);
}

/* ------------------------------------------------------------------ */
/* sleep queues: wakeup, and the waiter for hosts with real threads */

#define SLEEPQ_BITS	6
#define SLEEPQ_N	(1u << SLEEPQ_BITS)
#define SLEEP_SLICE_NS	2000000L	/* one bounded sleep: 2 ms */

struct sleepq {
	pthread_mutex_t	sq_mtx;
	pthread_cond_t	sq_cv;
	unsigned long	sq_gen;		/* wakeups so far, under sq_mtx */
};

static struct sleepq sleepq[SLEEPQ_N];
static pthread_once_t sleepq_once = PTHREAD_ONCE_INIT;
static _Atomic unsigned long sleep_nsleeps, sleep_nwakeups, sleep_ntimeouts;

/* the calling thread's run of sleeps that ended by timeout, not wakeup */
static _Thread_local unsigned long sleep_streak_ns;
static _Thread_local struct timespec sleep_last_end;

static void
sleepq_init(void)
{
	pthread_condattr_t ca;

	/* deadlines are CLOCK_MONOTONIC: immune to the wall clock */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (unsigned int i = 0; i < SLEEPQ_N; i++) {
		pthread_mutex_init(&sleepq[i].sq_mtx, NULL);
		pthread_cond_init(&sleepq[i].sq_cv, &ca);
	}
	pthread_condattr_destroy(&ca);
}

/* A channel's hash: its top bits pick a sleep queue and a wakeup count. */
static uint64_t
chan_hash(const void *chan)
{
	uint64_t a = (uint64_t)(uintptr_t)chan;

	a ^= a >> 17;
	return a * 0x9e3779b97f4a7c15ULL;
}

static struct sleepq *
sleepq_of(const void *chan)
{
	pthread_once(&sleepq_once, sleepq_init);
	return &sleepq[chan_hash(chan) >> (64 - SLEEPQ_BITS)];
}

static long
ns_between(const struct timespec *a, const struct timespec *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000000000L +
	    (b->tv_nsec - a->tv_nsec);
}

static unsigned int
wake_bucket(const void *chan)
{
	return (unsigned int)(chan_hash(chan) >> 32) % PMODEL_WAKE_BUCKETS;
}

/*
 * uvm_platform_wakeup: every sleeper on chan's queue runs again (and
 * re-checks: a shared queue gives spurious wakeups).  In the
 * single-threaded harness nobody sleeps: it only counts.
 */
void
uvm_platform_wakeup(struct uvm *uvm, const void *chan)
{
	struct sleepq *sq = sleepq_of(chan);
	struct pmodel_host *h = uvm != NULL ? uvm->host : NULL;

	if (h != NULL)
		atomic_fetch_add_explicit(&h->wakeups[wake_bucket(chan)], 1,
		    memory_order_relaxed);
	atomic_fetch_add_explicit(&sleep_nwakeups, 1, memory_order_relaxed);
	pthread_mutex_lock(&sq->sq_mtx);
	sq->sq_gen++;
	pthread_cond_broadcast(&sq->sq_cv);
	pthread_mutex_unlock(&sq->sq_mtx);
	pmodel_switch_point(PMODEL_SW_WAKEUP, chan);
}

void
pmodel_wait_sleep(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *chan, const char *wmesg)
{
	const struct pmodel_sleep_params *p = arg;
	long budget_ns = (p != NULL && p->max_sleep_ms != 0 ?
	    (long)p->max_sleep_ms : PMODEL_SLEEP_MAX_MS) * 1000000L;
	struct sleepq *sq = sleepq_of(chan);
	struct timespec now, deadline;
	unsigned long gen;
	int rc = 0;

	(void)uvm;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* a thread that did other work since its last sleep starts afresh */
	if (ns_between(&sleep_last_end, &now) > 8 * SLEEP_SLICE_NS)
		sleep_streak_ns = 0;
	deadline = now;
	deadline.tv_nsec += SLEEP_SLICE_NS;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	atomic_fetch_add_explicit(&sleep_nsleeps, 1, memory_order_relaxed);
	pthread_mutex_lock(&sq->sq_mtx);
	gen = sq->sq_gen;
	/* nonzero: ETIMEDOUT (errno.h's values clash with uvm_param.h's) */
	while (sq->sq_gen == gen && rc == 0)
		rc = pthread_cond_timedwait(&sq->sq_cv, &sq->sq_mtx, &deadline);
	pthread_mutex_unlock(&sq->sq_mtx);
	clock_gettime(CLOCK_MONOTONIC, &sleep_last_end);
	if (rc == 0) {
		sleep_streak_ns = 0;
		return;
	}
	atomic_fetch_add_explicit(&sleep_ntimeouts, 1, memory_order_relaxed);
	sleep_streak_ns += (unsigned long)ns_between(&now, &sleep_last_end);
	if ((long)sleep_streak_ns > budget_ns)
		pmodel_wouldblockf("would block: %s wait \"%s\" on %p: no "
		    "wakeup for %lu ms", reason_name(why),
		    wmesg != NULL ? wmesg : "-", chan, sleep_streak_ns / 1000000);
}

void
pmodel_sleep_stats(unsigned long *nsleeps, unsigned long *nwakeups,
    unsigned long *ntimeouts)
{
	*nsleeps = atomic_load(&sleep_nsleeps);
	*nwakeups = atomic_load(&sleep_nwakeups);
	*ntimeouts = atomic_load(&sleep_ntimeouts);
}

unsigned long
pmodel_host_wakeups(struct pmodel_host *h, const void *chan)
{
	return atomic_load_explicit(&h->wakeups[wake_bucket(chan)],
	    memory_order_relaxed);
}

void
pmodel_host_set_wait(struct pmodel_host *h, pmodel_wait_fn fn, void *arg)
{
	h->wait_fn = fn;
	h->wait_arg = arg;
}

void
pmodel_host_set_wait_limit(struct pmodel_host *h, unsigned long limit)
{
	h->wait_limit = limit;
	h->nwaits = 0;
}

/* The swap slot's storage, or NULL if `slot' is out of range. */
static unsigned char *
swap_slot(struct pmodel_host *h, int slot)
{
	if (slot < 1 || (unsigned int)slot > h->nswap)
		return NULL;
	return h->swap + (size_t)(slot - 1) * PAGE_SIZE;
}

static void *
swap_frame(struct pmodel_host *h, paddr_t pa, const char *fn, int slot)
{
	if ((pa & PAGE_MASK) != 0 || !pmodel_frame_is_managed(h->pmap, pa) ||
	    pmodel_frame_is_free(h->pmap, pa))
		pmodel_panicf("%s: slot %d: pa %#llx is not an allocated page",
		    fn, slot, (unsigned long long)pa);
	return pmodel_phys(h->pmap, pa);
}

int
uvm_platform_swap_write(struct uvm *uvm, int slot, paddr_t pa)
{
	struct pmodel_host *h = host_of(uvm, "uvm_platform_swap_write");
	unsigned char *s = swap_slot(h, slot);

	if (s == NULL)
		return EINVAL;
	memcpy(s, swap_frame(h, pa, "uvm_platform_swap_write", slot),
	    PAGE_SIZE);
	/* neighbouring slots share a word and may be other threads' */
	__atomic_fetch_or(&h->swap_written[(slot - 1) / 64],
	    (uint64_t)1 << ((slot - 1) % 64), __ATOMIC_RELEASE);
	__atomic_fetch_add(&h->nswapout, 1, __ATOMIC_RELAXED);
	return 0;
}

int
uvm_platform_swap_read(struct uvm *uvm, int slot, paddr_t pa)
{
	struct pmodel_host *h = host_of(uvm, "uvm_platform_swap_read");
	unsigned char *s = swap_slot(h, slot);

	if (s == NULL)
		return EINVAL;
	if ((__atomic_load_n(&h->swap_written[(slot - 1) / 64],
	    __ATOMIC_ACQUIRE) & ((uint64_t)1 << ((slot - 1) % 64))) == 0)
		pmodel_panicf("uvm_platform_swap_read: slot %d was never "
		    "written", slot);
	memcpy(swap_frame(h, pa, "uvm_platform_swap_read", slot), s,
	    PAGE_SIZE);
	__atomic_fetch_add(&h->nswapin, 1, __ATOMIC_RELAXED);
	return 0;
}
