/*
 * uvm_subr.c: the few library routines a freestanding core needs: a
 * printf-style formatter, memset/memcpy, and the assertion and panic
 * paths that end in the host's uvm_platform_panic().
 *
 * The formatter understands what the core's messages use and nothing
 * more: %d %i %u %x %X %p %s %c %% with the length modifiers l, ll, z
 * and an optional zero-padded width, e.g. "%#lx" is not supported but
 * "0x%08lx" is.  uvm_snprintf(buf, 16, "va 0x%lx", 0xf8235000UL) writes
 * "va 0xf8235000" and returns 13.
 */
#include "uvm/uvm.h"

/*
 * Inside the core only failure reports format text (panic, KASSERT,
 * the sanity checks' reasons, uvm_create's why): scripts/coverage does
 * not count this code, as it does not count an assertion's failing side.
 * LCOV_EXCL_START
 */

/* Output sink: a bounded buffer that counts what would have been written. */
struct fmt_out {
	char	*buf;
	size_t	size;
	size_t	len;
};

static void
fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
fmt_number(struct fmt_out *o, uint64_t v, unsigned base, bool neg,
    int width, char pad, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (neg)
		width--;
	if (neg && pad == '0')
		fmt_putc(o, '-');
	for (int i = n; i < width; i++)
		fmt_putc(o, pad);
	if (neg && pad != '0')
		fmt_putc(o, '-');
	while (n > 0)
		fmt_putc(o, tmp[--n]);
}

int
uvm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };

	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			fmt_putc(&o, *p);
			continue;
		}
		p++;
		char pad = ' ';
		int width = 0, lng = 0;
		if (*p == '0') {
			pad = '0';
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l' || *p == 'z') {
			lng += (*p == 'z') ? 2 : 1;
			p++;
		}
		switch (*p) {
		case 'd': case 'i': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			fmt_number(&o, mag, 10, v < 0, width, pad, false);
			break;
		}
		case 'u': case 'x': case 'X': {
			uint64_t v = lng ? va_arg(ap, unsigned long long)
			    : va_arg(ap, unsigned int);
			fmt_number(&o, v, *p == 'u' ? 10 : 16, false, width,
			    pad, *p == 'X');
			break;
		}
		case 'p':
			fmt_putc(&o, '0');
			fmt_putc(&o, 'x');
			fmt_number(&o, (uintptr_t)va_arg(ap, void *), 16,
			    false, width, pad, false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			int n = 0;
			while (s[n] != '\0')
				n++;
			for (int i = n; i < width; i++)
				fmt_putc(&o, ' ');
			while (*s != '\0')
				fmt_putc(&o, *s++);
			break;
		}
		case 'c':
			fmt_putc(&o, (char)va_arg(ap, int));
			break;
		case '%':
			fmt_putc(&o, '%');
			break;
		case '\0':
			p--;	/* a lone '%' at the end: stop cleanly */
			break;
		default:
			fmt_putc(&o, '%');
			fmt_putc(&o, *p);
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int
uvm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = uvm_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void __attribute__((noreturn))
kassert_vfail(const char *expr, const char *file, int line, const char *fmt,
    va_list ap)
{
	char detail[192], msg[384];

	uvm_vsnprintf(detail, sizeof(detail), fmt, ap);
	if (detail[0] != '\0')
		uvm_snprintf(msg, sizeof(msg), "%s (assertion \"%s\" at %s:%d)",
		    detail, expr, file, line);
	else
		uvm_snprintf(msg, sizeof(msg), "assertion \"%s\" failed at %s:%d",
		    expr, file, line);
	uvm_platform_panic(msg);
}

void
uvm_kassert_fail(const char *expr, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kassert_vfail(expr, file, line, fmt, ap);
}

#ifdef UVM_COVERAGE
void
uvm_kassert_check(bool ok, const char *expr, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	kassert_vfail(expr, file, line, fmt, ap);
}
#endif

void
panic(const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	uvm_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uvm_platform_panic(msg);
}
/* LCOV_EXCL_STOP */

/*
 * memset under the core's own name; the public memset/memcpy symbols
 * come from the host's libc or the test kernel's lib.  (The core copies
 * no memory itself: pages move through pmap_copy_page and the swap
 * hooks, so it has no memcpy of its own.)
 */
void *
uvm_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	/* Word stores once aligned: instance creation clears large arrays. */
	while (n > 0 && ((uintptr_t)d & 7) != 0) {
		*d++ = (unsigned char)c;
		n--;
	}
	uint64_t w = (uint64_t)(unsigned char)c * 0x0101010101010101ULL;
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)(void *)d = w;
	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}
