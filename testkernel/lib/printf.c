/*
 * printf.c: a minimal formatter and console printing.
 *
 * Enough for diagnostics: %d %i %u %x %X %p %s %c %%, length modifiers
 * l, ll, z, a field width, and the '0' and '-' flags.  Output goes to a
 * sink so one engine serves both kvsnprintf (a bounded buffer) and
 * kprintf (the console).  Example: kprintf("%-6s|%08lx", "pa", 0x1000ul)
 * prints "pa    |00001000".
 */
#include "libc.h"

struct sink {
	char	*buf;		/* NULL: write to the console */
	size_t	size, len;
};

static void
sink_put(struct sink *s, char c)
{
	if (s->buf == NULL)
		arch_putchar(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void
sink_pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		sink_put(s, c);
}

/* Emit `str' (length n) in a field of `width', honouring '-' and '0'. */
static void
sink_field(struct sink *s, const char *str, int n, int width, bool left,
    bool zero)
{
	int pad = width > n ? width - n : 0;

	if (!left && zero && (*str == '-')) {
		/* keep the sign ahead of zero padding: -0042 */
		sink_put(s, *str++);
		n--;
	}
	if (!left)
		sink_pad(s, zero ? '0' : ' ', pad);
	while (n-- > 0)
		sink_put(s, *str++);
	if (left)
		sink_pad(s, ' ', pad);
}

static int
format(struct sink *s, const char *fmt, va_list ap)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";

	for (; *fmt; fmt++) {
		char tmp[24], *p;
		bool left = false, zero = false, neg = false;
		int width = 0, lng = 0, base = 10;
		const char *digits = lower;
		unsigned long long v;

		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case '\0':
			return (int)s->len;
		case '%':
			sink_put(s, '%');
			continue;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			sink_field(s, tmp, 1, width, left, false);
			continue;
		case 's':
			p = va_arg(ap, char *);
			if (p == NULL)
				p = "(null)";
			sink_field(s, p, (int)strlen(p), width, left, false);
			continue;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			sink_put(s, '0');
			sink_put(s, 'x');
			break;
		case 'd':
		case 'i': {
			long long sv = lng ? va_arg(ap, long long) :
			    va_arg(ap, int);
			/* (l and ll are both 64-bit on x86-64) */
			neg = sv < 0;
			v = neg ? 0ull - (unsigned long long)sv :
			    (unsigned long long)sv;
			break;
		}
		case 'X':
			digits = upper;
			/* FALLTHROUGH */
		case 'x':
			base = 16;
			/* FALLTHROUGH */
		case 'u':
			v = lng ? va_arg(ap, unsigned long long) :
			    va_arg(ap, unsigned int);
			break;
		default:
			/* unknown conversion: show it rather than guess */
			sink_put(s, '%');
			sink_put(s, *fmt);
			continue;
		}
		p = tmp + sizeof(tmp);
		do {
			*--p = digits[v % (unsigned)base];
			v /= (unsigned)base;
		} while (v);
		if (neg)
			*--p = '-';
		sink_field(s, p, (int)(tmp + sizeof(tmp) - p), width, left,
		    zero);
	}
	return (int)s->len;
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size, .len = 0 };
	int n = format(&s, fmt, ap);

	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return n;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int
kvprintf(const char *fmt, va_list ap)
{
	struct sink s = { .buf = NULL, .size = 0, .len = 0 };

	return format(&s, fmt, ap);
}

int
kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void
kputs(const char *s)
{
	while (*s)
		arch_putchar(*s++);
}

void
kpanic(const char *fmt, ...)
{
	va_list ap;

	kputs("PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputs("\n");
	arch_exit(KEXIT_PANIC);
}
