/*
 * platform.c: uvm_platform.h for the test kernel (one CPU, no threads).
 *
 *  - kmutex_t: km_opaque[0] is 1 while held, km_opaque[2] names the
 *    owner CPU: OWNER_CPU0 (this, the only CPU that runs) or
 *    HELD_ELSEWHERE (another CPU, for the harness's hold_lock), so that
 *    mutex_owned() is "held by the calling CPU", as the core's lock
 *    assertions need.  Entering a mutex we hold could only spin forever
 *    on one CPU, so it panics; entering one held elsewhere "would
 *    block" (the block hook).
 *  - uvm_platform_panic: "PANIC: msg", a backtrace, KEXIT_PANIC; a test
 *    may install a hook that takes over (e.g. to expect a panic).
 *  - uvm_platform_wait: the installed hook must satisfy the wait (the
 *    channel tells what: the page, the map, &uvmexp.free); without one
 *    the run panics "would block".  uvm_platform_wakeup only counts:
 *    nobody sleeps on one CPU.
 *  - swap: a physical region reserved at boot holds slot contents
 *    (slot s at region + (s - 1) * PAGE_SIZE); copies use the direct map.
 */
#include "../lib/libc.h"
#include <uvm/uvm_platform.h>
#include "kpmap.h"
#include "platform.h"
#include "trap.h"

#define OWNER_CPU0	0x0c001		/* km_opaque[2]: this CPU */
#define HELD_ELSEWHERE	0x0e15e		/* km_opaque[2]: another CPU */

static platform_wait_hook_t wait_hook;
static unsigned long nwakeups;
static platform_panic_hook_t panic_hook;
static platform_block_hook_t block_hook;
static paddr_t swap_base;
static unsigned swap_nslots;

void
mutex_init(kmutex_t *mtx)
{
	memset(mtx, 0, sizeof(*mtx));
}

void
mutex_destroy(kmutex_t *mtx)
{
	if (mtx->km_opaque[0])
		uvm_platform_panic("mutex_destroy: mutex held");
	mtx->km_opaque[1] = 0xdead;	/* poison: a later enter is a bug */
}

static void
mutex_check(const kmutex_t *mtx, const char *who)
{
	if (mtx->km_opaque[1] == 0xdead) {
		kprintf("%s: mutex %p used after destroy\n", who,
		    (const void *)mtx);
		uvm_platform_panic("mutex used after mutex_destroy");
	}
}

void
mutex_enter(kmutex_t *mtx)
{
	char msg[96];

	mutex_check(mtx, "mutex_enter");
	if (platform_mutex_held_elsewhere(mtx)) {
		ksnprintf(msg, sizeof(msg), "would block: mutex_enter on %p, "
		    "held by another CPU", (const void *)mtx);
		if (block_hook != NULL)
			block_hook(msg);
		uvm_platform_panic(msg);
	}
	if (mtx->km_opaque[0])
		uvm_platform_panic("mutex_enter: already held "
		    "(single CPU: would deadlock)");
	mtx->km_opaque[0] = 1;
	mtx->km_opaque[2] = OWNER_CPU0;
}

bool
mutex_tryenter(kmutex_t *mtx)
{
	mutex_check(mtx, "mutex_tryenter");
	if (mtx->km_opaque[0])
		return false;
	mtx->km_opaque[0] = 1;
	mtx->km_opaque[2] = OWNER_CPU0;
	return true;
}

void
mutex_exit(kmutex_t *mtx)
{
	mutex_check(mtx, "mutex_exit");
	if (!mtx->km_opaque[0])
		uvm_platform_panic("mutex_exit: not held");
	if (platform_mutex_held_elsewhere(mtx))
		uvm_platform_panic("mutex_exit: held by another CPU");
	mtx->km_opaque[0] = 0;
	mtx->km_opaque[2] = 0;
}

/* Held by the calling CPU (the only one that runs): not elsewhere. */
bool
mutex_owned(const kmutex_t *mtx)
{
	return mtx->km_opaque[0] != 0 && mtx->km_opaque[2] == OWNER_CPU0;
}

bool
platform_mutex_hold_elsewhere(kmutex_t *mtx)
{
	mutex_check(mtx, "hold_elsewhere");
	if (mtx->km_opaque[0])
		return false;
	mtx->km_opaque[0] = 1;
	mtx->km_opaque[2] = HELD_ELSEWHERE;
	return true;
}

/* => tolerant: a mutex not held elsewhere is left alone. */
void
platform_mutex_release_elsewhere(kmutex_t *mtx)
{
	if (!platform_mutex_held_elsewhere(mtx))
		return;
	mtx->km_opaque[0] = 0;
	mtx->km_opaque[2] = 0;
}

bool
platform_mutex_held_elsewhere(const kmutex_t *mtx)
{
	return mtx->km_opaque[0] != 0 && mtx->km_opaque[2] == HELD_ELSEWHERE;
}

platform_block_hook_t
platform_set_block_hook(platform_block_hook_t hook)
{
	platform_block_hook_t old = block_hook;

	block_hook = hook;
	return old;
}

platform_panic_hook_t
platform_set_panic_hook(platform_panic_hook_t hook)
{
	platform_panic_hook_t old = panic_hook;

	panic_hook = hook;
	return old;
}

void
uvm_platform_panic(const char *msg)
{
	if (panic_hook != NULL)
		panic_hook(msg);	/* may not return (longjmp-like) */
	kprintf("PANIC: %s\n", msg);
	print_backtrace((uint64_t)__builtin_frame_address(0), 0);
	arch_exit(KEXIT_PANIC);
}

platform_wait_hook_t
platform_set_wait_hook(platform_wait_hook_t hook)
{
	platform_wait_hook_t old = wait_hook;

	wait_hook = hook;
	return old;
}

void
uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
    const void *chan, const char *wmesg)
{
	char msg[96];

	if (wait_hook != NULL) {
		wait_hook(uvm, why, chan, wmesg);
		return;
	}
	ksnprintf(msg, sizeof(msg), "would block: %s (reason %d, on %p)",
	    wmesg ? wmesg : "?", (int)why, chan);
	uvm_platform_panic(msg);
}

/*
 * Wakeups per channel, for the harness's lost-wakeup judge: the last
 * WAKE_CHANS channels asked about or woken, each with a count that only
 * grows (one CPU: no locking).  A channel that comes back after being
 * pushed out starts at the total so far, above anything it counted
 * before: the judge, comparing a count taken before its action with one
 * taken after, can then miss a lost wakeup but never invent one.
 */
#define WAKE_CHANS	16
static struct { const void *chan; unsigned long n; } wake[WAKE_CHANS];
static unsigned int wake_next;

static unsigned int
wake_slot(const void *chan)
{
	for (unsigned int i = 0; i < WAKE_CHANS; i++)
		if (wake[i].chan == chan)
			return i;
	unsigned int i = wake_next++ % WAKE_CHANS;
	wake[i].chan = chan;
	wake[i].n = nwakeups;
	return i;
}

/* One CPU: nobody sleeps, the wait hook satisfied every wait; count. */
void
uvm_platform_wakeup(struct uvm *uvm, const void *chan)
{
	(void)uvm;
	wake[wake_slot(chan)].n++;
	nwakeups++;
}

unsigned long
platform_wakeups_on(const void *chan)
{
	return wake[wake_slot(chan)].n;
}

unsigned long
platform_wakeups(void)
{
	return nwakeups;
}

void
platform_swap_init(paddr_t base, unsigned nslots)
{
	swap_base = base;
	swap_nslots = nslots;
}

unsigned
platform_swap_slots(void)
{
	return swap_nslots;
}

static void *
swap_slot(int slot, const char *who)
{
	char msg[80];

	if (slot < 1 || (unsigned)slot > swap_nslots) {
		ksnprintf(msg, sizeof(msg), "%s: slot %d outside 1..%u", who,
		    slot, swap_nslots);
		uvm_platform_panic(msg);
	}
	return kpmap_dmap(swap_base + (paddr_t)(slot - 1) * PAGE_SIZE);
}

static unsigned long swap_reads, swap_writes;

int
uvm_platform_swap_write(struct uvm *uvm, int slot, paddr_t pa)
{
	(void)uvm;
	memcpy(swap_slot(slot, "swap_write"),
	    (void *)pmap_map_poolpage(kpmap_kernel(), pa), PAGE_SIZE);
	swap_writes++;
	return 0;
}

int
uvm_platform_swap_read(struct uvm *uvm, int slot, paddr_t pa)
{
	(void)uvm;
	memcpy((void *)pmap_map_poolpage(kpmap_kernel(), pa),
	    swap_slot(slot, "swap_read"), PAGE_SIZE);
	swap_reads++;
	return 0;
}

void
platform_swap_io(unsigned long *reads, unsigned long *writes)
{
	*reads = swap_reads;
	*writes = swap_writes;
}
