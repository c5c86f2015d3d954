/*
 * host_platform.h: the userspace side of uvm_platform.h, plus the two
 * things a single-threaded harness needs from it: a way to catch a panic
 * (or a would-block) as a finding, and a way to hold a lock "elsewhere".
 *
 * Catching.  uvm_platform_panic and every would-block longjmp to the
 * innermost active catch point of the calling thread; with none active
 * they print to stderr and abort() (a crash for libFuzzer/AFL++).  The
 * setjmp must run in a frame that outlives the protected code, so a
 * catch point is either a function call or a macro in the caller:
 *
 *	struct pmodel_catch c;
 *	int kind = pmodel_catch_call(&c, run_op, &op);	// 0: no throw
 *
 *	struct pmodel_catch c;
 *	PMODEL_TRY(&c) {
 *		uvm_km_free(map, va, sz, UVM_KMF_WIRED);
 *	} PMODEL_CATCH {
 *		report(c.cc_kind, c.cc_msg);
 *	}
 *
 * Rules for PMODEL_TRY: never leave the body with return, break or goto
 * (the catch point would outlive its frame; the next pop detects it and
 * aborts); the handler may.  Locals changed in the body and read in the
 * handler must be volatile.  After a throw out of the core its instance
 * is only fit for uvm_destroy / pmodel_host_reset.
 */
#ifndef KMFUZZ_HOST_PLATFORM_H
#define KMFUZZ_HOST_PLATFORM_H

#include <setjmp.h>
#include <uvm/uvm_platform.h>

enum pmodel_catch_kind {
	PMODEL_CAUGHT_NONE = 0,
	PMODEL_CAUGHT_PANIC,		/* uvm_platform_panic / KASSERT */
	PMODEL_CAUGHT_WOULDBLOCK,	/* a wait nothing can satisfy */
};

#define PMODEL_CATCH_MSGLEN	512

struct pmodel_catch {
	jmp_buf			cc_jb;
	struct pmodel_catch	*cc_prev;
	bool			cc_active;	/* on the catch stack */
	int			cc_kind;	/* enum pmodel_catch_kind */
	char			cc_msg[PMODEL_CATCH_MSGLEN];
};

/* Push/pop a catch point; pop is a no-op if a throw already popped it. */
void	pmodel_catch_push(struct pmodel_catch *c);
void	pmodel_catch_pop(struct pmodel_catch *c);
/* Is any catch point active on this thread? */
bool	pmodel_catch_active(void);

/*
 * pmodel_throw: deliver `msg' to the innermost catch point.
 * => never returns; with no catch point prints and abort()s.
 */
__attribute__((noreturn))
void	pmodel_throw(int kind, const char *msg);
__attribute__((noreturn, format(printf, 1, 2)))
void	pmodel_panicf(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2)))
void	pmodel_wouldblockf(const char *fmt, ...);

/*
 * pmodel_catch_call: run fn(arg) under catch point `c'.
 * => returns PMODEL_CAUGHT_NONE if fn returned, else the kind thrown
 *    (message in c->cc_msg).
 */
int	pmodel_catch_call(struct pmodel_catch *c, void (*fn)(void *),
	    void *arg);

/* one loop variable per line, so nested TRYs do not shadow (-Wshadow) */
#define PMODEL_CAT2_(a, b)	a##b
#define PMODEL_CAT_(a, b)	PMODEL_CAT2_(a, b)
#define PMODEL_ONCE_		PMODEL_CAT_(pmodel_try_once_, __LINE__)
#define PMODEL_TRY(c)							\
	for (int PMODEL_ONCE_ = (pmodel_catch_push(c), 1); PMODEL_ONCE_;	\
	    PMODEL_ONCE_ = 0, pmodel_catch_pop(c))				\
		if (setjmp((c)->cc_jb) == 0)
#define PMODEL_CATCH	else

/*
 * Locks held "elsewhere": the harness takes `mtx' on behalf of another
 * CPU; a mutex_enter by the core then throws a would-block ("would
 * block: mutex ... held"), mutex_tryenter fails, mutex_owned is false.
 * => pmodel_hold_lock returns false if the mutex is already held.
 */
bool	pmodel_hold_lock(kmutex_t *mtx);
void	pmodel_release_lock(kmutex_t *mtx);
bool	pmodel_lock_held_elsewhere(const kmutex_t *mtx);

/*
 * The lock order (uvm.h's, outermost first).  The host keeps the locks
 * each thread holds; rank(arg, mtx, name, len) says where mtx stands in
 * the order (1 outermost; 0: not a lock the order covers) and names it
 * (name NULL: no name wanted).
 * A mutex_enter that waits for a lock ranked at or above one the thread
 * holds could deadlock against a thread that takes them the other way
 * (NetBSD's LOCKDEBUG, Linux's lockdep): the first such acquisition is
 * kept until pmodel_lock_order_check reports it (-1, why) and forgets.
 * mutex_tryenter cannot deadlock and is not judged.  NULL rank: off.
 * pmodel_locks_forget drops the calling thread's list (a reset after a
 * panic left locks in it).
 */
typedef int	(*pmodel_lock_rank_fn)(void *arg, const kmutex_t *mtx,
		    char *name, size_t len);
void	pmodel_set_lock_rank(pmodel_lock_rank_fn rank, void *arg);
int	pmodel_lock_order_check(char *why, size_t len);
void	pmodel_locks_forget(void);

/*
 * Real sleeping, for hosts that run the core on several threads (the
 * TSan stress test): install it with
 *	pmodel_host_set_wait(h, pmodel_wait_sleep, &params_or_NULL);
 *	pmodel_host_set_wait_limit(h, 0);
 * A waiter sleeps on its channel's queue until uvm_platform_wakeup on a
 * channel of that queue, or for at most 2 ms (a wakeup may fall between
 * the core's unlock and the sleep; the core re-checks after every
 * return).  A thread that sleeps for max_sleep_ms in a row without
 * being woken is deadlocked: a would-block throw naming the channel.
 * The prototype is pmodel_wait_fn's (host.h).
 */
#define PMODEL_SLEEP_MAX_MS	5000
struct pmodel_sleep_params {
	unsigned int	max_sleep_ms;	/* 0: PMODEL_SLEEP_MAX_MS */
};
void	pmodel_wait_sleep(void *arg, struct uvm *uvm,
	    enum uvm_wait_reason why, const void *chan, const char *wmesg);
/* Process-wide counts: sleeps, wakeups, sleeps ended by timeout. */
void	pmodel_sleep_stats(unsigned long *nsleeps, unsigned long *nwakeups,
	    unsigned long *ntimeouts);

/*
 * Switch points, for a host that runs several virtual CPUs as
 * cooperatively scheduled threads (adapter/smp_host.c).  A thread that
 * installs a hook has it called
 *	PMODEL_SW_LOCK		before every mutex_enter/tryenter
 *	PMODEL_SW_BLOCKED	when mutex_enter finds the mutex taken by
 *				another thread: the hook must let the holder
 *				run; mutex_enter tries again when it returns
 *	PMODEL_SW_UNLOCK	after every mutex_exit
 *	PMODEL_SW_WAKEUP	after every uvm_platform_wakeup (obj: chan)
 *	PMODEL_SW_PMAP		at the entry of every pmap(9) call
 * and may switch to another thread there (waits go to the host's wait
 * callback, which the same host replaces).  Without a hook (the usual
 * case) nothing changes: a taken mutex is slept on.
 */
enum pmodel_switch_kind {
	PMODEL_SW_LOCK, PMODEL_SW_BLOCKED, PMODEL_SW_UNLOCK,
	PMODEL_SW_WAKEUP, PMODEL_SW_PMAP,
};
typedef void	(*pmodel_switch_fn)(void *arg, int kind, const void *obj);
/* The calling thread's hook (NULL: none). */
void	pmodel_set_switch_hook(pmodel_switch_fn fn, void *arg);
void	pmodel_switch_point(int kind, const void *obj);
/* Is the mutex free right now (no owner)? */
bool	pmodel_mutex_free_p(const kmutex_t *mtx);
/*
 * Threads that run at the same time on one instance (props/stress_tsan)
 * must say so before they start: mutexes then take their owner word
 * with compare-and-swap.  Otherwise one thread runs at a time -- a fuzz
 * target's, or the SMP host's CPUs, which hand over through a pthread
 * condition variable -- and a free mutex is taken with a load and a
 * store.  Two threads found running at once without it panic.
 */
void	pmodel_set_free_running(bool on);

#endif /* KMFUZZ_HOST_PLATFORM_H */
