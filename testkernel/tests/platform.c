/*
 * platform.c: the uvm_platform.h shims the core will lean on.
 */
#include "../lib/report.h"
#include "../x86/kpmap.h"
#include "../x86/memmap.h"
#include "../x86/platform.h"
#include "tests.h"

void
test_platform(void)
{
	struct pmap *pm = kpmap_kernel();
	paddr_t pa = memmap_steal(PAGE_SIZE);
	uint8_t *p = kpmap_dmap(pa);
	unsigned last = platform_swap_slots();
	kmutex_t m;

	mutex_init(&m);
	report(!mutex_owned(&m), "mutex: starts free");
	mutex_enter(&m);
	report(mutex_owned(&m) && !mutex_tryenter(&m),
	    "mutex: held, tryenter fails");
	mutex_exit(&m);
	report(mutex_tryenter(&m), "mutex: tryenter after exit succeeds");
	mutex_exit(&m);
	mutex_destroy(&m);

	report(last > 0, "swap: %u slots", last);
	memset(p, 0x5e, PAGE_SIZE);
	report(uvm_platform_swap_write(NULL, 1, pa) == 0 &&
	    uvm_platform_swap_write(NULL, (int)last, pa) == 0,
	    "swap: write to slots 1 and %u", last);
	pmap_zero_page(pm, pa);
	report(uvm_platform_swap_read(NULL, (int)last, pa) == 0 &&
	    p[0] == 0x5e && p[PAGE_SIZE - 1] == 0x5e,
	    "swap: read back slot %u", last);
}
