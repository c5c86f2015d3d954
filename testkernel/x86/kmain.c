/*
 * kmain.c: bring the machine up, run the tests named in tests/tests.h,
 * leave QEMU with a verdict.
 *
 * Order matters: the console first (so everything after can complain),
 * then the IDT (so faults are readable), then the memory map (read
 * through the boot identity map, which kpmap_init narrows), then the
 * pmap and the reserved regions.
 *
 * Command line (QEMU -append):
 *	only=NAME	run one test group
 *	skip=NAME	run every group but this one
 *	ptp_pages=N	page-table pool size (default 256 = 1 MiB)
 *	swap_pages=N	swap device size (default 1024 = 4 MiB)
 *	selftest=WHAT	prove the runner sees each kind of bad end:
 *			triple, hang, panic, exception, ubsan, fail,
 *			stackoverflow
 */
#include "../lib/libc.h"
#include "../lib/report.h"
#include "../tests/tests.h"
#include "arch.h"
#include "kpmap.h"
#include "memmap.h"
#include "platform.h"
#include "serial.h"
#include "trap.h"

void kmain(uint32_t magic, uint64_t info);

static uint64_t tsc_at_boot;

void
arch_exit(enum kexit_code code)
{
	kprintf("# exit code 0x%x after %lu Mcycles\n", (unsigned)code,
	    (rdtsc() - tsc_at_boot) >> 20);
	outl(DEBUG_EXIT_PORT, code);
	/* still here: no isa-debug-exit device; the runner will time out */
	kputs("# isa-debug-exit missing: halting\n");
	cpu_halt_forever();
	__builtin_unreachable();
}

static volatile uint64_t sink;

__attribute__((noinline)) static uint64_t
recurse(uint64_t n)
{
	volatile uint8_t pad[256];

	pad[n & 255] = (uint8_t)n;
	if (n == ~0ull)		/* never: keeps -Winfinite-recursion quiet */
		return 0;
	return recurse(n + 1) + pad[(n + 1) & 255];
}

static void
run_selftest(const char *what)
{
	report_info("selftest=%s: this run must end as a failure", what);
	if (strcmp(what, "triple") == 0) {
		/* an empty IDT: every vector fails -> #DF fails -> reset */
		struct { uint16_t limit; uint64_t base; }
		    __attribute__((packed)) none = { 0, 0 };
		__asm__ volatile("lidt %0; int3" : : "m"(none));
	} else if (strcmp(what, "hang") == 0) {
		cpu_halt_forever();
	} else if (strcmp(what, "panic") == 0) {
		uvm_platform_panic("selftest: deliberate panic");
	} else if (strcmp(what, "exception") == 0) {
		sink = *(volatile uint64_t *)8;
	} else if (strcmp(what, "ubsan") == 0) {
		volatile int big = 0x7fffffff;
		sink = (uint64_t)(big + 1);
	} else if (strcmp(what, "fail") == 0) {
		report(1 + 1 == 3, "selftest: a check that fails");
		kreport_exit();
	} else if (strcmp(what, "stackoverflow") == 0) {
		sink = recurse(0);
	}
	kpanic("selftest=%s: unknown or did not fail", what);
}

static void
reserve_regions(void)
{
	unsigned nswap = (unsigned)cmdline_get_ul("swap_pages", 1024);

	kpmap_init((unsigned)cmdline_get_ul("ptp_pages", 256));
	platform_swap_init(memmap_steal((uint64_t)nswap * PAGE_SIZE), nswap);
}

void
kmain(uint32_t magic, uint64_t info)
{
	const char *selftest;
	char only[32] = "", skip[32] = "";

	tsc_at_boot = rdtsc();
	serial_init();
	report_info("kmfuzz test kernel");
	trap_init();
	cmdline_set(memmap_init(magic, info));
	reserve_regions();
	memmap_print();
	report_info("%lu KiB usable after reservations, %u table pages free",
	    memmap_usable_bytes() >> 10, kpmap_ptp_free());

	if ((selftest = cmdline_get("selftest")) != NULL)
		run_selftest(selftest);

	/* copies: cmdline_get's buffer is reused by the groups' own keys */
	if (cmdline_get("only") != NULL)
		ksnprintf(only, sizeof(only), "%s", cmdline_get("only"));
	if (cmdline_get("skip") != NULL)
		ksnprintf(skip, sizeof(skip), "%s", cmdline_get("skip"));
	for (unsigned i = 0; i < ktests_count; i++) {
		if ((only[0] && strcmp(only, ktests[i].name) != 0) ||
		    strcmp(skip, ktests[i].name) == 0)
			continue;
		report_info("test group: %s", ktests[i].name);
		ktests[i].fn();
	}
	kreport_exit();
}
