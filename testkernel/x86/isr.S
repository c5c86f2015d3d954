/*
 * isr.S: exception entry stubs and the fault probes.
 *
 * Every vector 0-31 gets a stub that makes the frame uniform (a dummy
 * error code where the CPU pushes none, then the vector number), saves
 * the general registers and calls trap_handler(struct trapframe *).  The
 * layout must match struct trapframe in trap.h.
 */
	.text

	.macro ISR_NOERR n
isr\n:	pushq	$0
	pushq	$\n
	jmp	isr_common
	.endm

	.macro ISR_ERR n
isr\n:	pushq	$\n
	jmp	isr_common
	.endm

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31

isr_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	/* 22 quadwords on a 16-byte aligned entry stack: still aligned */
	movq	%rsp, %rdi
	call	trap_handler
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector, error code */
	iretq

	.section .rodata
	.balign	8
	.globl	isr_table
isr_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	isr\n
	.endr

/*
 * Probes (kvm-unit-tests style): the one instruction that may fault is
 * listed in .ex_table with a fix-up; trap_handler resumes there on #PF
 * or #GP, and the fix-up returns true ("faulted").
 *
 *	bool probe_read(vaddr_t va)			-> faulted?
 *	bool probe_read8(vaddr_t va, uint8_t *out)	-> faulted?
 *	bool probe_write(vaddr_t va, uint8_t value)	-> faulted?
 *	bool probe_exec(vaddr_t va)	-> faulted?  (va must hold a `ret')
 */
	.text
	.macro EXTABLE insn, fixup
	.pushsection .ex_table, "a"
	.quad	\insn, \fixup
	.popsection
	.endm

	.globl	probe_read
probe_read:
	xorl	%eax, %eax
10:	movb	(%rdi), %cl
	ret
	EXTABLE 10b, probe_faulted

	.globl	probe_read8
probe_read8:
	xorl	%eax, %eax
11:	movb	(%rdi), %cl
	movb	%cl, (%rsi)
	ret
	EXTABLE 11b, probe_faulted

	.globl	probe_write
probe_write:
	xorl	%eax, %eax
12:	movb	%sil, (%rdi)
	ret
	EXTABLE 12b, probe_faulted

	/*
	 * An instruction fetch faults at the target, not here, so the
	 * handler recognises exec_probe_target and returns to our caller
	 * frame by popping the return address `call' pushed.  A
	 * non-canonical target raises #GP on the call itself: the table.
	 */
	.globl	probe_exec
probe_exec:
	xorl	%eax, %eax
	movq	%rdi, exec_probe_target(%rip)
13:	call	*%rdi
	movq	$0, exec_probe_target(%rip)
	ret
	EXTABLE 13b, probe_exec_faulted

probe_exec_faulted:
	movq	$0, exec_probe_target(%rip)
probe_faulted:
	movl	$1, %eax
	ret
