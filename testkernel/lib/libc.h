/*
 * libc.h: the test kernel's tiny libc (kvm-unit-tests' lib/ layer).
 *
 * Freestanding: only compiler headers.  The arch layer supplies the two
 * hooks at the bottom (a console byte and the way out of the machine);
 * everything else here is portable C11.  Names carry a `k' prefix where a
 * libc name could collide with the core (which has its own panic() and
 * uvm_vsnprintf()).
 */
#ifndef KT_LIBC_H
#define KT_LIBC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* string.c: the compiler may emit calls to the first four by itself. */
void	*memset(void *dst, int c, size_t n);
void	*memcpy(void *restrict dst, const void *restrict src, size_t n);
void	*memmove(void *dst, const void *src, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
size_t	strlen(const char *s);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);
char	*strstr(const char *hay, const char *needle);
unsigned long kstrtoul(const char *s, const char **endp, int base);

/*
 * printf.c: %d %i %u %x %X %p %s %c %%, modifiers l ll z, width, '0'
 * and '-' flags.  kprintf writes to the console.
 */
int	kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int	ksnprintf(char *buf, size_t size, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
int	kprintf(const char *fmt, ...);
int	kvprintf(const char *fmt, va_list ap);
void	kputs(const char *s);		/* no newline added */

/*
 * cmdline.c: "key=value" words of the boot command line.
 * => cmdline_get returns the value (up to the next blank, copied into a
 *    static buffer) or NULL if the key is absent.
 */
void	cmdline_set(const char *line);
const char *cmdline_get(const char *key);
unsigned long cmdline_get_ul(const char *key, unsigned long dflt);

/*
 * Exit statuses for arch_exit().  QEMU's isa-debug-exit turns value v
 * into process status (v << 1) | 1; run-qemu.sh maps them back.
 */
enum kexit_code {
	KEXIT_PASS	= 0x10,	/* status 33: every check passed */
	KEXIT_FAIL	= 0x11,	/* status 35: some check said "not ok" */
	KEXIT_PANIC	= 0x12,	/* status 37: panic (core or kernel) */
	KEXIT_EXCEPTION	= 0x13,	/* status 39: unexpected CPU exception */
	KEXIT_UBSAN	= 0x14,	/* status 41: undefined behaviour caught */
};

/* Arch hooks (x86/serial.c, x86/kmain.c). */
void	arch_putchar(int c);
__attribute__((noreturn)) void arch_exit(enum kexit_code code);

/* Print "PANIC: ..." and leave with KEXIT_PANIC. */
__attribute__((noreturn, format(printf, 1, 2)))
void	kpanic(const char *fmt, ...);

#endif /* KT_LIBC_H */
