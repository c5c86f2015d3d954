/*
 * trap.c: the IDT, the TSS (a separate stack for #DF), and the one C
 * exception handler.
 *
 * Policy: a #PF or #GP whose RIP is listed in .ex_table (a probe) is
 * recorded in last_fault and resumed at the fix-up; a #PF on the target
 * of probe_exec returns to the probe's caller.  Anything else is
 * unexpected: print vector, RIP, CR2, error code, registers and a
 * frame-pointer backtrace, then leave QEMU with KEXIT_EXCEPTION.
 */
#include "../lib/libc.h"
#include "arch.h"
#include "trap.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t  ist, type;		/* type 0x8e: present, interrupt gate */
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct tss {
	uint32_t rsvd0;
	uint64_t rsp[3];
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3, iomap_base;
} __attribute__((packed));

struct ex_entry {
	uint64_t insn, fixup;
};

extern const uint64_t isr_table[32];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];
extern uint64_t boot_gdt[];
uint64_t exec_probe_target;		/* set by probe_exec in isr.S */

struct fault_record last_fault;

static trap_catch_hook_t catch_hook;
static struct idt_gate idt[32];
static struct tss tss;
/* #DF runs here so that a kernel stack overflow still gets reported. */
static uint8_t df_stack[8192] __attribute__((aligned(16)));
static int trap_depth;

static const char *const vector_names[32] = {
	[0] = "#DE divide error", [1] = "#DB debug", [2] = "NMI",
	[3] = "#BP breakpoint", [4] = "#OF overflow", [5] = "#BR bound",
	[6] = "#UD invalid opcode", [7] = "#NM no FPU",
	[8] = "#DF double fault", [10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection", [14] = "#PF page fault",
	[16] = "#MF x87 error", [17] = "#AC alignment check",
	[18] = "#MC machine check", [19] = "#XM SIMD error",
};

void
trap_init(void)
{
	uint64_t base = (uint64_t)&tss;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr;

	for (int v = 0; v < 32; v++) {
		uint64_t h = isr_table[v];

		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)h, .sel = SEL_KCODE,
			.ist = v == T_DF ? 1 : 0, .type = 0x8e,
			.off_mid = (uint16_t)(h >> 16),
			.off_hi = (uint32_t)(h >> 32),
		};
	}
	tss.ist[0] = (uint64_t)(df_stack + sizeof(df_stack));
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap */

	/* 16-byte TSS descriptor at SEL_TSS: type 9 (available), present */
	boot_gdt[SEL_TSS / 8] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
	    (0x89ull << 40) | (((base >> 24) & 0xff) << 56);
	boot_gdt[SEL_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));

	ptr.limit = sizeof(idt) - 1;
	ptr.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

static const struct ex_entry *
ex_lookup(uint64_t rip)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end;
	    e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

static void
record(const struct trapframe *tf, uint64_t cr2)
{
	last_fault.count++;
	last_fault.vector = tf->vector;
	last_fault.error = tf->error;
	last_fault.rip = tf->rip;
	last_fault.cr2 = cr2;
}

/*
 * Frames are walked only inside the boot stack, so a bad rbp is harmless.
 * rip 0: start from the caller of the frame at rbp (panic paths).
 */
void
print_backtrace(uint64_t rbp, uint64_t rip)
{
	kputs("backtrace:");
	if (rip != 0)
		kprintf(" %lx", rip);
	for (int i = 0; i < 16; i++) {
		if (rbp < (uint64_t)boot_stack ||
		    rbp + 16 > (uint64_t)boot_stack_top || (rbp & 7))
			break;
		kprintf(" %lx", ((uint64_t *)rbp)[1]);
		rbp = ((uint64_t *)rbp)[0];
	}
	kputs("\n");
}

static void
print_pf_reason(uint64_t err)
{
	kprintf("  reason: %s %s%s%s\n",
	    err & PFERR_P ? "protection violation on" : "not-present page on",
	    err & PFERR_I ? "instruction fetch" :
	    err & PFERR_W ? "write" : "read",
	    err & PFERR_RSVD ? ", reserved bit set in a paging entry" : "",
	    err & PFERR_U ? ", user mode" : "");
}

trap_catch_hook_t
trap_set_catch_hook(trap_catch_hook_t hook)
{
	trap_catch_hook_t old = catch_hook;

	catch_hook = hook;
	return old;
}

/* Offer the exception to the catch hook, which may not come back. */
static void
offer_to_catch_hook(const struct trapframe *tf, uint64_t cr2)
{
	const char *name = tf->vector < 32 ? vector_names[tf->vector] : NULL;
	uint64_t err = tf->error;
	char msg[200];

	if (catch_hook == NULL || tf->vector == T_DF || tf->vector == 2)
		return;
	if (tf->vector == T_PF)
		ksnprintf(msg, sizeof(msg), "CPU exception #PF page fault at "
		    "rip %lx cr2 %lx: %s %s", tf->rip, cr2,
		    err & PFERR_P ? "protection violation on" :
		    "not-present page on", err & PFERR_I ? "instruction fetch"
		    : err & PFERR_W ? "write" : "read");
	else
		ksnprintf(msg, sizeof(msg), "CPU exception %s (vector %lu) at "
		    "rip %lx, error %lx", name ? name : "reserved", tf->vector,
		    tf->rip, err);
	kprintf("# %s\n# ", msg);
	print_backtrace(tf->rbp, tf->rip);
	trap_depth--;
	catch_hook(msg);
	trap_depth++;
}

__attribute__((noreturn)) static void
unexpected(const struct trapframe *tf, uint64_t cr2)
{
	const char *name = tf->vector < 32 ? vector_names[tf->vector] : NULL;

	kprintf("UNEXPECTED EXCEPTION: %s (vector %lu) rip=%lx cr2=%lx "
	    "error=%lx\n", name ? name : "reserved", tf->vector, tf->rip, cr2,
	    tf->error);
	if (tf->vector == T_PF)
		print_pf_reason(tf->error);
	kprintf("  rax=%lx rbx=%lx rcx=%lx rdx=%lx\n",
	    tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi=%lx rdi=%lx rbp=%lx rsp=%lx\n",
	    tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8=%lx r9=%lx r10=%lx r11=%lx rflags=%lx\n",
	    tf->r8, tf->r9, tf->r10, tf->r11, tf->rflags);
	print_backtrace(tf->rbp, tf->rip);
	arch_exit(KEXIT_EXCEPTION);
}

void trap_handler(struct trapframe *tf);

void
trap_handler(struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();
	const struct ex_entry *e;

	if (trap_depth++ > 0) {
		/* a fault while handling one: say so with the least code */
		kprintf("UNEXPECTED EXCEPTION: nested vector %lu rip=%lx "
		    "cr2=%lx\n", tf->vector, tf->rip, cr2);
		arch_exit(KEXIT_EXCEPTION);
	}
	if (tf->vector == T_PF || tf->vector == T_GP) {
		if ((e = ex_lookup(tf->rip)) != NULL) {
			record(tf, cr2);
			tf->rip = e->fixup;
			trap_depth--;
			return;
		}
		if (tf->vector == T_PF && exec_probe_target != 0 &&
		    tf->rip == exec_probe_target) {
			/* return from the `call' as if the target ran */
			record(tf, cr2);
			tf->rip = *(uint64_t *)tf->rsp;
			tf->rsp += 8;
			tf->rax = 1;
			trap_depth--;
			return;
		}
	}
	offer_to_catch_hook(tf, cr2);
	unexpected(tf, cr2);
}
