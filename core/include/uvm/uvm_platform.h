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
 * holds a glibc pthread_mutex_t (40 bytes) and any spin lock.
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
 * Why the core is about to sleep.  In a single-threaded host each wait
 * must be satisfied by the host before it returns (run the pagedaemon,
 * finish a busy page's I/O, release a lock) or be reported as a
 * would-block finding; the core retries after the hook returns.
 */
enum uvm_wait_reason {
	UVM_WAIT_PAGES,		/* uvm_wait(): no free page */
	UVM_WAIT_BUSYPAGE,	/* a page we need is PG_BUSY; `what' is it */
	UVM_WAIT_VA,		/* UVM_FLAG_WAITVA map full; `what' is map */
};
void	uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
	    const void *what, const char *wmesg);

/*
 * The in-memory swap device.  Slots are numbered 1..nswap (0 means "no
 * slot", as in NetBSD).  The core owns slot allocation; the host only
 * stores page contents.  Returns 0 or an errno.
 */
int	uvm_platform_swap_write(struct uvm *uvm, int slot, paddr_t pa);
int	uvm_platform_swap_read(struct uvm *uvm, int slot, paddr_t pa);

/* Console output for uvm_printf (debug dumps); may drop output. */
void	uvm_platform_putchar(struct uvm *uvm, int c);

#endif /* KMFUZZ_UVM_PLATFORM_H */
