/*
 * catch.S: catch_setjmp / catch_longjmp (see trap.h), the catch point
 * under which the harness runs each op, so that a core panic, a
 * would-block or a CPU exception ends the op and not the kernel.
 *
 * struct catch_buf: rbx rbp r12 r13 r14 r15 rsp rip, 8 bytes each.  The
 * saved rsp is the caller's after `ret', the saved rip the return
 * address: catch_longjmp "returns from catch_setjmp" a second time.
 */
	.text

	.globl	catch_setjmp
catch_setjmp:
	movq	(%rsp), %rdx		/* return address */
	leaq	8(%rsp), %rcx		/* rsp after the ret */
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	movq	%rcx, 48(%rdi)
	movq	%rdx, 56(%rdi)
	xorl	%eax, %eax
	ret

	.globl	catch_longjmp
catch_longjmp:
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax			/* never return 0 a second time */
1:	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	jmp	*56(%rdi)
