/*
 * platform.h: the kernel-side test hooks behind uvm_platform.h.
 */
#ifndef KT_PLATFORM_H
#define KT_PLATFORM_H

#include <uvm/uvm_platform.h>

typedef void (*platform_wait_hook_t)(struct uvm *, enum uvm_wait_reason,
    const void *, const char *);
typedef void (*platform_panic_hook_t)(const char *msg);

typedef void (*platform_block_hook_t)(const char *msg);

/* Each returns the previous hook; NULL restores the default. */
platform_wait_hook_t platform_set_wait_hook(platform_wait_hook_t hook);
platform_panic_hook_t platform_set_panic_hook(platform_panic_hook_t hook);
/*
 * The block hook gets "would block: ..." when the single CPU would have
 * to sleep forever (mutex_enter on a lock held elsewhere); it may not
 * return.  Without one (or if it returns) that is a panic.
 */
platform_block_hook_t platform_set_block_hook(platform_block_hook_t hook);

/*
 * A mutex "held by another CPU" (the harness's hold_lock op):
 * mutex_tryenter fails, mutex_enter blocks (the block hook), and
 * mutex_owned says no.  hold fails if the mutex is held at all.
 */
bool	platform_mutex_hold_elsewhere(kmutex_t *mtx);
void	platform_mutex_release_elsewhere(kmutex_t *mtx);
bool	platform_mutex_held_elsewhere(const kmutex_t *mtx);

/* uvm_platform_wakeup calls so far (one CPU: they only count). */
unsigned long platform_wakeups(void);
/* ... of them on chan (the harness host's wakeups) */
unsigned long platform_wakeups_on(const void *chan);

/* The swap device: nslots pages of RAM at base (set up by kmain). */
void	platform_swap_init(paddr_t base, unsigned nslots);
unsigned platform_swap_slots(void);
/* Pages read from and written to it since boot (the harness host's). */
void	platform_swap_io(unsigned long *reads, unsigned long *writes);

#endif /* KT_PLATFORM_H */
