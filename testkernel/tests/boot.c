/*
 * boot.c: the machine is what the other tests assume.
 *
 *	0x0                 absent (NULL faults)
 *	0x100000            kernel image, identity mapped, up to _end
 *	boot_stack_guard    absent (stack overflow faults)
 *	_end rounded to 2M  absent from here on in the identity map
 *	KPMAP_DMAP_BASE+pa  every RAM page, RW, NX
 *	KPMAP_KVA_BASE      empty until a pmap maps something
 */
#include "../lib/report.h"
#include "../x86/arch.h"
#include "../x86/kpmap.h"
#include "../x86/memmap.h"
#include "../x86/serial.h"
#include "../x86/trap.h"
#include "tests.h"

static volatile uint8_t mapped_byte = 0x42;

/* a function probe_exec may call: image code is executable */
__attribute__((noinline)) static void
exec_target(void)
{
	__asm__ volatile("");
}

/* probe `va'; expect a fault of `vector' at cr2 == va (#PF only) */
static bool
faults_at(uint64_t va, uint64_t vector)
{
	unsigned before = last_fault.count;

	if (!probe_read(va))
		return false;
	return last_fault.count == before + 1 && last_fault.vector == vector &&
	    (vector != T_PF || last_fault.cr2 == va);
}

void
test_boot(void)
{
	uint64_t efer = rdmsr(MSR_EFER);
	uint64_t beyond = ((uint64_t)_end + (2u << 20) - 1) & ~((2ull << 20) - 1);
	uint8_t v = 0;

	report(serial_present(), "serial: COM1 scratch register answers");
	report(read_cr0() & CR0_PG, "cpu: paging on (CR0.PG)");
	report(efer & EFER_LMA, "cpu: long mode active (EFER.LMA)");
	report(read_cr4() & CR4_PAE, "cpu: PAE on (CR4.PAE)");
	report(efer & EFER_NXE, "cpu: no-execute enabled (EFER.NXE)");
	report(read_cr0() & CR0_WP, "cpu: ring-0 write protect (CR0.WP)");

	report(!probe_read((uint64_t)&mapped_byte), "probe: image data reads");
	report(!probe_read8((uint64_t)&mapped_byte, &v) && v == 0x42,
	    "probe: read8 returns the byte (0x%x)", v);
	report(!probe_write((uint64_t)&mapped_byte, 0x43) && mapped_byte == 0x43,
	    "probe: image data writes");

	/* x-1, x, x+1 around the holes */
	report(faults_at(0, T_PF), "probe: NULL page faults and resumes");
	report(!(last_fault.error & PFERR_P) && !(last_fault.error & PFERR_W),
	    "probe: NULL fault is a not-present read (error %lx)",
	    last_fault.error);
	report(faults_at(4095, T_PF) && !probe_read(4096),
	    "probe: page 0 ends at 4095, 4096 is mapped");
	report(faults_at((uint64_t)boot_stack_guard, T_PF),
	    "probe: stack guard page faults");
	report(!probe_read((uint64_t)boot_stack_guard - 1) &&
	    !probe_read((uint64_t)boot_stack),
	    "probe: pages either side of the guard are mapped");
	report(!probe_read(beyond - 1) && faults_at(beyond, T_PF),
	    "probe: identity map ends at %lx", beyond);
	report(faults_at(0x0000800000000000ull, T_GP),
	    "probe: non-canonical address raises #GP and resumes");
	report(faults_at(KPMAP_KVA_BASE, T_PF) &&
	    faults_at(KPMAP_KVA_END - PAGE_SIZE, T_PF),
	    "probe: the KVA range starts empty");

	report(!probe_read(KPMAP_DMAP_BASE + beyond) &&
	    !probe_read(KPMAP_DMAP_BASE + memmap_phys_top - 1),
	    "dmap: RAM up to %lx is reachable", memmap_phys_top);
	report(*(volatile uint8_t *)kpmap_dmap((uint64_t)&mapped_byte) == 0x43,
	    "dmap: aliases the identity-mapped image");
	{
		uint64_t pa = memmap_steal(PAGE_SIZE);

		*(volatile uint8_t *)kpmap_dmap(pa) = 0xc3;	/* ret */
		report(probe_exec((uint64_t)kpmap_dmap(pa)) &&
		    (last_fault.error & PFERR_I),
		    "dmap: NX, an instruction fetch faults (error %lx)",
		    last_fault.error);
	}
	report(!probe_exec((uint64_t)exec_target),
	    "probe: exec of image code runs and returns");
}
