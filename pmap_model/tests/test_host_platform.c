/*
 * test_host_platform.c: host_platform.c alone (no core): catch points,
 * panics and would-blocks, mutexes and locks held "elsewhere", waits,
 * and the in-memory swap device.
 *
 * The instance is faked: a zeroed struct uvm whose `host' is a
 * pmodel_host filled by hand (pmap of 32 frames, 8 of them PT pool;
 * 4 swap slots), which is all the platform hooks look at.
 */
#include <stdlib.h>
#include <string.h>

#include <uvm/uvm.h>
#include "host.h"
#include "report.h"

#define PA0	((paddr_t)0x8000)	/* first managed frame */

static void do_panic(void *a) { uvm_platform_panic(a); }
static void do_nothing(void *a) { (void)a; }

static void
test_catch(void)
{
	struct pmodel_catch outer, inner;
	volatile int reached = 0;
	int kind;

	kind = pmodel_catch_call(&outer, do_panic, "boom at 0x1000");
	report(kind == PMODEL_CAUGHT_PANIC &&
	    strcmp(outer.cc_msg, "boom at 0x1000") == 0 &&
	    !pmodel_catch_active(), "catch_call: panic caught, stack empty");
	report(pmodel_catch_call(&outer, do_nothing, NULL) == PMODEL_CAUGHT_NONE
	    && !pmodel_catch_active(), "catch_call: no throw");

	PMODEL_TRY(&outer) {
		PMODEL_TRY(&inner) {
			pmodel_wouldblockf("would block: %s", "inner");
		} PMODEL_CATCH {
			reached = 1;
			/* a throw from a handler goes to the next one out */
			pmodel_panicf("rethrown: %s", inner.cc_msg);
		}
		reached = 2;
	} PMODEL_CATCH {
		report(reached == 1 && inner.cc_kind == PMODEL_CAUGHT_WOULDBLOCK
		    && outer.cc_kind == PMODEL_CAUGHT_PANIC &&
		    strcmp(outer.cc_msg, "rethrown: would block: inner") == 0,
		    "nested TRY: inner would-block, rethrown panic outside");
	}
	report(!pmodel_catch_active(), "nested TRY: stack empty after");
	PMODEL_TRY(&outer) {
		reached = 3;
	} PMODEL_CATCH {
		reached = 4;
	}
	report(reached == 3 && !pmodel_catch_active() &&
	    outer.cc_kind == PMODEL_CAUGHT_NONE, "TRY without throw pops");
}

static kmutex_t *mtx_arg;
static void do_enter(void *a) { (void)a; mutex_enter(mtx_arg); }
static void do_exit(void *a) { (void)a; mutex_exit(mtx_arg); }
static void do_tryenter(void *a) { (void)a; mutex_tryenter(mtx_arg); }

static void
test_mutex(void)
{
	struct pmodel_catch c;
	kmutex_t m, raw;

	mtx_arg = &m;
	mutex_init(&m);
	report(!mutex_owned(&m), "fresh mutex not owned");
	mutex_enter(&m);
	report(mutex_owned(&m), "enter: owned");
	report(pmodel_catch_call(&c, do_enter, NULL) == PMODEL_CAUGHT_PANIC &&
	    strstr(c.cc_msg, "locking against myself"), "re-enter: %s",
	    c.cc_msg);
	report(pmodel_catch_call(&c, do_tryenter, NULL) == PMODEL_CAUGHT_PANIC,
	    "re-tryenter by the owner panics too");
	report(!pmodel_hold_lock(&m), "hold_lock of a held mutex fails");
	mutex_exit(&m);
	report(!mutex_owned(&m), "exit: not owned");
	report(pmodel_catch_call(&c, do_exit, NULL) == PMODEL_CAUGHT_PANIC &&
	    strstr(c.cc_msg, "not held"), "exit of a free mutex: %s",
	    c.cc_msg);

	report(pmodel_hold_lock(&m) && pmodel_lock_held_elsewhere(&m),
	    "hold_lock: held elsewhere");
	report(pmodel_catch_call(&c, do_enter, NULL) ==
	    PMODEL_CAUGHT_WOULDBLOCK && strstr(c.cc_msg, "would block: mutex"),
	    "enter while held elsewhere: %s", c.cc_msg);
	report(!mutex_tryenter(&m) && !mutex_owned(&m),
	    "tryenter fails, not owned");
	report(pmodel_catch_call(&c, do_exit, NULL) == PMODEL_CAUGHT_PANIC,
	    "core cannot exit a lock held elsewhere");
	pmodel_release_lock(&m);
	report(mutex_tryenter(&m) && mutex_owned(&m), "released: tryenter ok");
	mutex_exit(&m);
	mutex_destroy(&m);

	memset(&raw, 0, sizeof(raw));
	mtx_arg = &raw;
	report(pmodel_catch_call(&c, do_enter, NULL) == PMODEL_CAUGHT_PANIC &&
	    strstr(c.cc_msg, "not initialized"), "uninitialized: %s",
	    c.cc_msg);
}

/* ------------------------------------------------------------------ */

static struct uvm fake_uvm;
static struct pmodel_host fake;

static void
mkfake(void)
{
	struct pmodel_pmap_params p = { .nframes = 32, .pt_pages = 8 };

	fake.pmap = pmodel_pmap_create(&p);
	pmodel_pmap_add_managed(fake.pmap, PA0, ptoa(32));
	fake.nswap = 4;
	fake.swap = malloc(4 * PAGE_SIZE);
	fake.swap_written = calloc(1, sizeof(uint64_t));
	fake_uvm.host = &fake;
	if (fake.pmap == NULL || fake.swap == NULL || !fake.swap_written)
		exit(1);
}

struct waitlog { int n; enum uvm_wait_reason why; const char *wmesg; };
static void
waiter(void *arg, struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	struct waitlog *w = arg;

	(void)uvm;
	(void)what;
	w->n++;
	w->why = why;
	w->wmesg = wmesg;
}
static void do_wait(void *a)
{ uvm_platform_wait(&fake_uvm, UVM_WAIT_PAGES, NULL, a); }

static void
test_wait(void)
{
	struct pmodel_catch c;
	struct waitlog w = { 0 };

	report(pmodel_catch_call(&c, do_wait, "pgwait") ==
	    PMODEL_CAUGHT_WOULDBLOCK && strstr(c.cc_msg, "pages wait") &&
	    strstr(c.cc_msg, "pgwait"), "no waiter: %s", c.cc_msg);
	pmodel_host_set_wait(&fake, waiter, &w);
	report(pmodel_catch_call(&c, do_wait, "pgwait") == PMODEL_CAUGHT_NONE &&
	    w.n == 1 && w.why == UVM_WAIT_PAGES && strcmp(w.wmesg, "pgwait")
	    == 0, "waiter called with reason and wmesg");
	pmodel_host_set_wait_limit(&fake, 2);
	pmodel_catch_call(&c, do_wait, "a");
	pmodel_catch_call(&c, do_wait, "b");
	report(pmodel_catch_call(&c, do_wait, "c") == PMODEL_CAUGHT_WOULDBLOCK
	    && strstr(c.cc_msg, "wait loop") && w.n == 3,
	    "third wait over a limit of 2: %s", c.cc_msg);
	pmodel_host_set_wait(&fake, NULL, NULL);
}

static paddr_t swap_pa;
static int swap_slot;
static void do_swapin(void *a)
{ (void)a; uvm_platform_swap_read(&fake_uvm, swap_slot, swap_pa); }
static void do_swapout(void *a)
{ (void)a; uvm_platform_swap_write(&fake_uvm, swap_slot, swap_pa); }

static void
test_swap(void)
{
	struct pmodel_catch c;
	struct pmap *pm = fake.pmap;
	unsigned char *a = pmodel_phys(pm, PA0), *b = pmodel_phys(pm,
	    PA0 + PAGE_SIZE);

	pmap_page_allocated(pm, PA0);
	pmap_page_allocated(pm, PA0 + PAGE_SIZE);
	memset(a, 0x3c, PAGE_SIZE);
	a[PAGE_SIZE - 1] = 0x77;
	report(uvm_platform_swap_write(&fake_uvm, 4, PA0) == 0 &&
	    uvm_platform_swap_read(&fake_uvm, 4, PA0 + PAGE_SIZE) == 0 &&
	    memcmp(a, b, PAGE_SIZE) == 0, "slot 4: out and back in");
	report(uvm_platform_swap_write(&fake_uvm, 0, PA0) == EINVAL &&
	    uvm_platform_swap_write(&fake_uvm, 5, PA0) == EINVAL &&
	    uvm_platform_swap_read(&fake_uvm, -1, PA0) == EINVAL,
	    "slots 0, 5, -1: EINVAL");
	swap_slot = 2;
	swap_pa = PA0;
	report(pmodel_catch_call(&c, do_swapin, NULL) == PMODEL_CAUGHT_PANIC &&
	    strstr(c.cc_msg, "never written"), "read of slot 2: %s",
	    c.cc_msg);
	swap_pa = PA0 + 2 * PAGE_SIZE;
	report(pmodel_catch_call(&c, do_swapout, NULL) == PMODEL_CAUGHT_PANIC &&
	    strstr(c.cc_msg, "not an allocated page"), "pageout of a free "
	    "page: %s", c.cc_msg);
	swap_pa = 0x1000;
	report(pmodel_catch_call(&c, do_swapout, NULL) == PMODEL_CAUGHT_PANIC,
	    "pageout of a PT-pool frame panics");
}

int
main(void)
{
	test_catch();
	test_mutex();
	mkfake();
	test_wait();
	test_swap();
	pmodel_pmap_destroy(fake.pmap);
	free(fake.swap);
	free(fake.swap_written);
	return report_summary();
}
