/*
 * uvm_platform.h: the only ways out of the core besides the pmap.
 *
 * The core is built once and linked against one of two hosts: the
 * userspace pmap model (pmap_model/) or the test kernel (testkernel/).
 * Each host defines every function declared here.  The core never calls
 * libc; anything it needs from the outside world goes through this file
 * or through uvm_pmap.h.
 *
 * Hooks take the instance so that a host can keep per-instance state
 * (the harness' would-block detector, the swap device's backing store).
 * The panic hook does not take one: KASSERT fires in code that may not
 * have the instance at hand, so the host keeps "who is running" itself.
 */
#ifndef KMFUZZ_UVM_PLATFORM_H
#define KMFUZZ_UVM_PLATFORM_H

#include <stdarg.h>
#include "uvm_param.h"

struct uvm;

/*
 * kmutex_t: storage the host interprets.  64 bytes with 8-byte alignment
 * holds a glibc pthread_mutex_t (40 bytes) and any spin lock.  A mutex
 * knows its owner: mutex_owned() is true only for the thread (CPU) that
 * holds it, never for a mutex another thread holds, so that the core's
 * lock assertions (KASSERT(mutex_owned(...))) mean what they say.
 * Mutexes are not recursive; the lock order is in uvm.h.
 */
typedef struct kmutex {
	uint64_t km_opaque[8];
} kmutex_t;

void	mutex_init(kmutex_t *mtx);
void	mutex_destroy(kmutex_t *mtx);
void	mutex_enter(kmutex_t *mtx);
bool	mutex_tryenter(kmutex_t *mtx);	/* true if acquired */
void	mutex_exit(kmutex_t *mtx);
bool	mutex_owned(const kmutex_t *mtx);

/*
 * uvm_platform_panic: the core found itself or its caller in a state it
 * cannot continue from.  `msg' is NUL-terminated and already formatted.
 * => never returns.  A host may longjmp out of it (the harness turns a
 *    panic into a finding); the instance is then only fit for destroy.
 */
__attribute__((noreturn))
void	uvm_platform_panic(const char *msg);

/*
 * Sleeping and waking, on wait channels as in NetBSD's tsleep/wakeup: a
 * channel is an address that names what is waited for.
 *
 *	UVM_WAIT_PAGES		&uvm->exp.free	(uvm_wait: no free page)
 *	UVM_WAIT_BUSYPAGE	the vm_page	(PG_BUSY; PG_WANTED is set)
 *	UVM_WAIT_VA		the vm_map	(WAITVA and the map is full)
 *
 * The core decides to wait under the lock that guards the condition
 * (object lock, map lock, page queue lock), marks the wait there
 * (PG_WANTED, vm_map.wantva, uvm.pages_wanted), drops its locks and
 * calls uvm_platform_wait; it always re-checks after the hook returns,
 * so any return is allowed (a spurious wakeup).  Whoever changes the
 * condition clears the mark under the same lock and calls
 * uvm_platform_wakeup on the same channel.
 *
 * Hosts:
 *  - single CPU (the harness, the test kernel): the hook stands in for
 *    the other CPUs and satisfies the wait before it returns (runs the
 *    pageout, finishes the busy page's I/O, drains a cache), or reports
 *    a would-block finding; wakeup only counts.
 *  - threads (the pmodel host's sleeping waiter, the TSan stress test):
 *    the hook sleeps until a wakeup on the channel.  A wakeup can fall
 *    between the core's unlock and the host's sleep, so such a host
 *    bounds each sleep (the core's re-check then finds the change).
 */
enum uvm_wait_reason {
	UVM_WAIT_PAGES,		/* uvm_wait(): no free page */
	UVM_WAIT_BUSYPAGE,	/* a page we need is PG_BUSY; chan is it */
	UVM_WAIT_VA,		/* UVM_FLAG_WAITVA map full; chan is map */
};

/*
 * uvm_platform_wait: sleep on `chan' for reason `why'.
 * => the caller holds no core lock, but perhaps a map's (NetBSD's map
 *    lock is a sleepable one); the core asserts it (uvm_sleep).
 * => may return at any time; the caller re-checks its condition.
 */
void	uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
	    const void *chan, const char *wmesg);

/*
 * uvm_platform_wakeup: let every sleeper on `chan' run again.
 * => called by the thread that made the awaited change, once it is
 *    visible under the lock that guards it (maybe with that lock held).
 */
void	uvm_platform_wakeup(struct uvm *uvm, const void *chan);

/*
 * The in-memory swap device.  Slots are numbered 1..nswap (0 means "no
 * slot", as in NetBSD).  The core owns slot allocation; the host only
 * stores page contents.  Returns 0 or an errno.
 */
int	uvm_platform_swap_write(struct uvm *uvm, int slot, paddr_t pa);
int	uvm_platform_swap_read(struct uvm *uvm, int slot, paddr_t pa);

#endif /* KMFUZZ_UVM_PLATFORM_H */
