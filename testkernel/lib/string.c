/*
 * string.c: memory and string helpers.
 *
 * Byte loops, except that memset and memcpy of whole aligned quadwords
 * (page zeroing and copying, swap I/O: the harness does thousands) use
 * `rep stosq' / `rep movsq', which TCG runs as one helper instead of
 * 4096 translated iterations -- about 20x faster per page.  The loops
 * must not be turned back into calls to themselves, hence the no-builtin
 * attribute on the four the compiler may call.
 */
#include "libc.h"

#define NOBUILTIN __attribute__((no_builtin))

static inline bool
quad_aligned(const void *a, const void *b, size_t n)
{
	return (((uintptr_t)a | (uintptr_t)b | n) & 7) == 0;
}

NOBUILTIN void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (quad_aligned(dst, NULL, n)) {
		uint64_t w = (uint64_t)(unsigned char)c * 0x0101010101010101ull;
		size_t q = n / 8;

		__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(w)
		    : "memory");
		return dst;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

NOBUILTIN void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (quad_aligned(dst, src, n)) {
		size_t q = n / 8;

		__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : :
		    "memory");
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NOBUILTIN void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

NOBUILTIN int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int
strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

char *
strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

char *
strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

/* base 0 means "0x" prefix selects 16, else 10 */
unsigned long
kstrtoul(const char *s, const char **endp, int base)
{
	unsigned long v = 0;

	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	if (base == 0)
		base = 10;
	for (;; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (endp)
		*endp = s;
	return v;
}
