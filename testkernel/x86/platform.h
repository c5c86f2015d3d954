/*
 * platform.h: the kernel-side test hooks behind uvm_platform.h.
 */
#ifndef KT_PLATFORM_H
#define KT_PLATFORM_H

#include <uvm/uvm_platform.h>

typedef void (*platform_wait_hook_t)(struct uvm *, enum uvm_wait_reason,
    const void *, const char *);
typedef void (*platform_panic_hook_t)(const char *msg);

/* Each returns the previous hook; NULL restores the default. */
platform_wait_hook_t platform_set_wait_hook(platform_wait_hook_t hook);
platform_panic_hook_t platform_set_panic_hook(platform_panic_hook_t hook);

/* The swap device: nslots pages of RAM at base (set up by kmain). */
void	platform_swap_init(paddr_t base, unsigned nslots);
unsigned platform_swap_slots(void);

#endif /* KT_PLATFORM_H */
