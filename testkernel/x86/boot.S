/*
 * boot.S: Multiboot v1 entry, 32-bit protected mode -> 64-bit long mode.
 *
 * QEMU's -kernel loads us (an elf32-i386 image) at 1 MiB and jumps to
 * _start with EAX = 0x2BADB002 and EBX = the Multiboot info.  We:
 *  1. clear .bss (the page tables and the stack live there);
 *  2. identity map the first 1 GiB: 0-2 MiB with 4 KiB pages and page 0
 *     absent (so NULL faults), 2 MiB-1 GiB with 2 MiB pages;
 *  3. CR4.PAE, CR3, EFER.LME|NXE, CR0.PG|WP (without NXE an NX bit is a
 *     reserved-bit fault; without WP ring 0 ignores read-only pages);
 *  4. far jump through a 64-bit code segment, set a stack, call
 *     kmain(magic, info).  kpmap_init later narrows the identity map.
 */
#include "arch.h"

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* page-align modules, want mem map */

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	%eax, %ebp		/* magic; ebx (info) survives below */

	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[0] -> PT0 */
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4
	movl	$boot_pd + (PTE_P | PTE_W), boot_pdpt
	movl	$boot_pt0 + (PTE_P | PTE_W), boot_pd

	/* PT0[1..511] = i * 4 KiB; PT0[0] stays 0 */
	movl	$1, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pt0(, %ecx, 8)
	incl	%ecx
	cmpl	$512, %ecx
	jne	1b

	/* PD[1..511] = i * 2 MiB, large pages */
	movl	$1, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$512, %ecx
	jne	2b

	lgdt	boot_gdt_ptr

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4

	movl	$boot_pml4, %eax
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0

	ljmp	$SEL_KCODE, $start64

	.code64
start64:
	movw	$SEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$boot_stack_top, %rsp
	movl	%ebp, %edi		/* kmain(magic, info) */
	movl	%ebx, %esi
	xorl	%ebp, %ebp		/* ends frame-pointer backtraces */
	call	kmain
3:	cli
	hlt
	jmp	3b

	.section .data
	.balign	16
	.globl	boot_gdt
boot_gdt:
	.quad	0			/* null */
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, ring 0 */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0, 0			/* 0x18: TSS, 16 bytes, see trap.c */
boot_gdt_end:
	.globl	boot_gdt_ptr
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.section .bss
	.balign	4096
	.globl	boot_pml4, boot_pdpt, boot_pd, boot_pt0, boot_pt_guard
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096
boot_pt0:	.skip 4096
	/* the 4 KiB table kpmap_init splits the guard's 2 MiB page into */
boot_pt_guard:	.skip 4096
	/* unmapped by kpmap_init so that a stack overflow faults */
	.globl	boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack:	.skip 65536
boot_stack_top:
