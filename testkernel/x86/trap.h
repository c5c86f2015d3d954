/*
 * trap.h: exceptions, the fault record and the probes.
 */
#ifndef KT_TRAP_H
#define KT_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* What isr.S pushes, lowest address first. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

#define T_DE	0	/* divide error */
#define T_UD	6	/* invalid opcode */
#define T_DF	8	/* double fault */
#define T_GP	13	/* general protection */
#define T_PF	14	/* page fault */

/* #PF error code bits */
#define PFERR_P		0x01	/* 1: protection, 0: not present */
#define PFERR_W		0x02	/* write access */
#define PFERR_U		0x04	/* user mode */
#define PFERR_RSVD	0x08	/* reserved bit set in a paging entry */
#define PFERR_I		0x10	/* instruction fetch */

/* The last fault a probe absorbed; count only grows. */
struct fault_record {
	unsigned	count;
	uint64_t	vector, error, rip, cr2;
};
extern struct fault_record last_fault;

void	trap_init(void);

/* isr.S: each returns true if the access faulted (and was resumed). */
bool	probe_read(uint64_t va);
bool	probe_read8(uint64_t va, uint8_t *out);
bool	probe_write(uint64_t va, uint8_t value);
bool	probe_exec(uint64_t va);

/* trap.c: backtrace from a frame pointer, for panics and exceptions. */
void	print_backtrace(uint64_t rbp, uint64_t rip);

/*
 * An exception no probe expected (not #DF or NMI) is first offered to
 * the catch hook, with a one-line description ("#PF page fault at rip
 * ... cr2 ... : not-present page on write"); a hook that has a catch
 * point longjmps there (harness_kernel.c turns it into a finding), one
 * that returns leaves the usual report-and-exit.  Returns the old hook.
 */
typedef void (*trap_catch_hook_t)(const char *msg);
trap_catch_hook_t trap_set_catch_hook(trap_catch_hook_t hook);

/*
 * catch.S: a minimal setjmp.  catch_setjmp returns 0, then `value'
 * (never 0) each time catch_longjmp(buf, value) comes back to it.  Only
 * callee-saved registers, rsp and rip are kept: enough for C on one CPU.
 */
struct catch_buf {
	uint64_t	rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
__attribute__((returns_twice)) int catch_setjmp(struct catch_buf *buf);
__attribute__((noreturn)) void catch_longjmp(struct catch_buf *buf,
    int value);

#endif /* KT_TRAP_H */
