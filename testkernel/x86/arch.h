/*
 * arch.h: x86-64 instructions the kernel needs, as inline functions,
 * and the fixed layout decisions shared by boot.S, the linker script
 * and C.
 */
#ifndef KT_ARCH_H
#define KT_ARCH_H

/* Constants shared with assembly, which takes no integer suffixes. */
#ifdef __ASSEMBLER__
#define BIT(n)		(1 << (n))
#define U32(x)		x
#else
#define BIT(n)		(1ul << (n))
#define U32(x)		x##u
#endif

/* GDT selectors built in boot.S; the TSS slot is filled by trap.c. */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_TSS		0x18

#define CR0_WP		BIT(16)
#define CR0_PG		BIT(31)
#define CR4_PAE		BIT(5)
#define MSR_EFER	U32(0xc0000080)
#define EFER_LME	BIT(8)
#define EFER_LMA	BIT(10)
#define EFER_NXE	BIT(11)

#define DEBUG_EXIT_PORT	0xf4		/* -device isa-debug-exit,iobase=0xf4 */

#ifndef __ASSEMBLER__		/* the rest is C; boot.S needs only the above */
#include <stdint.h>

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void
outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_READ(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}
DEFINE_CR_READ(0)
DEFINE_CR_READ(2)
DEFINE_CR_READ(3)
DEFINE_CR_READ(4)
#undef DEFINE_CR_READ

/* Reloading CR3 flushes every non-global TLB entry (we use no G bit). */
static inline void
write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void
invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void
cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A monotonic cycle count, for rough timing under TCG. */
static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Linker-script symbols: the loaded image is [_kernel_start, _end). */
extern char _kernel_start[], _end[], __bss_start[], __bss_end[];
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];
extern uint64_t boot_pt_guard[512];

#endif /* !__ASSEMBLER__ */
#endif /* KT_ARCH_H */
