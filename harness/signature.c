/*
 * signature.c: naming findings (see signature.h for the two forms).
 *
 * Normalizing is a scan over words.  A word that starts with a digit is
 * a number (12, 0x3000, 0xffffffff80010000) and becomes N; a word made
 * of one of the handle letters a, p, m followed only by digits is a
 * handle and becomes aN, pN, mN; so does a CPU, cpu1 -> cpuN (a race
 * is the same bug whichever CPUs meet in it); any other identifier is
 * copied whole, digits included.  Example:
 *
 *	"free of a12 returned 15 of its 16 wired pages at 0xffff8000"
 *	-> "free of aN returned N of its N wired pages at N"
 *	"uvm_unmap1: entry [0x1000, 0x3000) not found"
 *	-> "uvm_unmap1: entry [N, N) not found"
 *
 * A sanitizer report is read line by line: the kind from the line with
 * "ERROR: <Name>Sanitizer: <kind>" or "runtime error: <kind>", then the
 * stack lines "    #3 0x4f2a10 in uvm_pagefree /src/core/uvm_page.c:212:3".
 */
#include <uvm/uvm.h>
#include "harness.h"
#include "signature.h"

static bool
sig_digit_p(char c)
{
	return c >= '0' && c <= '9';
}

static bool
sig_ident_p(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    sig_digit_p(c) || c == '_';
}

static bool
sig_hex_p(char c)
{
	return sig_digit_p(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == 'x' || c == 'X';
}

/* A bounded writer that always leaves out NUL-terminated. */
struct sig_out {
	char	*buf;
	size_t	len, pos;
};

static void
sig_putc(struct sig_out *o, char c)
{
	if (o->len == 0)
		return;
	if (o->pos + 1 < o->len)
		o->buf[o->pos++] = c;
	o->buf[o->pos] = '\0';
}

static void
sig_puts(struct sig_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] != '\0'; i++)
		sig_putc(o, s[i]);
}

static size_t
sig_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* in[0, n) normalized, appended to o. */
static void
sig_normalize_into(struct sig_out *o, const char *in, size_t n)
{
	size_t i = 0;

	while (i < n && in[i] != '\0') {
		char c = in[i];
		if (sig_digit_p(c)) {
			while (i < n && sig_hex_p(in[i]))
				i++;
			sig_putc(o, 'N');
			continue;
		}
		if (!sig_ident_p(c)) {
			/* runs of white space become one space */
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				while (i < n && (in[i] == ' ' ||
				    in[i] == '\t' || in[i] == '\n' ||
				    in[i] == '\r'))
					i++;
				sig_putc(o, ' ');
				continue;
			}
			sig_putc(o, c);
			i++;
			continue;
		}
		size_t s = i;
		while (i < n && sig_ident_p(in[i]))
			i++;
		bool handle = i - s >= 2 &&
		    (in[s] == 'a' || in[s] == 'p' || in[s] == 'm');
		for (size_t k = s + 1; handle && k < i; k++)
			handle = sig_digit_p(in[k]);
		/* a CPU is a name too: the same race with the CPUs swapped
		   is the same finding ("cpu1" and "cpu0" -> "cpuN") */
		bool cpu = i - s >= 4 && in[s] == 'c' && in[s + 1] == 'p' &&
		    in[s + 2] == 'u';
		for (size_t k = s + 3; cpu && k < i; k++)
			cpu = sig_digit_p(in[k]);
		if (handle) {
			sig_putc(o, in[s]);
			sig_putc(o, 'N');
		} else if (cpu) {
			sig_puts(o, "cpuN", 4);
		} else {
			sig_puts(o, in + s, i - s);
		}
	}
}

void
harness_normalize(const char *in, char *out, size_t len)
{
	struct sig_out o = { out, len, 0 };

	if (len > 0)
		out[0] = '\0';
	sig_normalize_into(&o, in, sig_strlen(in));
}

int
harness_signature(const struct harness_finding *f, char *buf, size_t len)
{
	struct sig_out o = { buf, len, 0 };
	const char *op = f->opname;
	size_t opn;

	if (len > 0)
		buf[0] = '\0';
	if (op == NULL) {
		/* no op recorded: the first word of the op's text */
		op = f->optext[0] != '\0' ? f->optext : "end";
	}
	for (opn = 0; op[opn] != '\0' && op[opn] != ' '; opn++)
		continue;
	sig_puts(&o, f->checker != NULL ? f->checker : "?", 64);
	sig_putc(&o, ' ');
	sig_puts(&o, op, opn);
	sig_putc(&o, ':');
	sig_putc(&o, ' ');
	sig_normalize_into(&o, f->msg, sizeof(f->msg));
	/* no trailing space from a message that ended in white space */
	while (o.pos > 0 && buf[o.pos - 1] == ' ')
		buf[--o.pos] = '\0';
	return (int)o.pos;
}

bool
harness_signature_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL || a[0] == '\0')
		return false;
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* ---- sanitizer reports ---------------------------------------------------- */

/* Does s[0, n) contain the NUL-terminated w?  => its offset, or -1. */
static long
sig_find(const char *s, size_t n, const char *w)
{
	size_t wn = sig_strlen(w);

	for (size_t i = 0; i + wn <= n; i++) {
		size_t k = 0;
		while (k < wn && s[i + k] == w[k])
			k++;
		if (k == wn)
			return (long)i;
	}
	return -1;
}

struct sig_frame {
	const char	*fn, *file;
	size_t		fnlen, filelen;
};

/*
 * "    #3 0x4f2a10 in uvm_pagefree /src/core/uvm_page.c:212:3" -> the
 * function and "uvm_page.c:212".  => false if the line is no frame or
 * not in one of dirs.
 */
static bool
sig_frame(const char *l, size_t n, const char *const *dirs,
    struct sig_frame *fr)
{
	size_t i = 0;

	while (i < n && l[i] == ' ')
		i++;
	if (i >= n || l[i] != '#')
		return false;
	long in = sig_find(l + i, n - i, " in ");
	if (in < 0)
		return false;
	i += (size_t)in + 4;
	fr->fn = l + i;
	while (i < n && l[i] != ' ')
		i++;
	fr->fnlen = (size_t)(l + i - fr->fn);
	while (i < n && l[i] == ' ')
		i++;
	const char *path = l + i;
	size_t pn = n - i;
	for (size_t k = 0; k < pn; k++)
		if (path[k] == ' ') {
			pn = k;
			break;
		}
	bool ours = false;
	for (unsigned int d = 0; dirs != NULL && dirs[d] != NULL; d++)
		ours |= sig_find(path, pn, dirs[d]) >= 0;
	if (!ours)
		return false;
	/* basename, and the line: cut at the second ':' */
	size_t base = 0, colons = 0, end = pn;
	for (size_t k = 0; k < pn; k++) {
		if (path[k] == '/')
			base = k + 1;
		if (path[k] == ':' && ++colons == 2) {
			end = k;
			break;
		}
	}
	fr->file = path + base;
	fr->filelen = end > base ? end - base : 0;
	return true;
}

int
harness_signature_sanitizer(const char *text, size_t n,
    const char *const *dirs, char *buf, size_t len)
{
	struct sig_out o = { buf, len, 0 };
	struct sig_frame fr[2];
	const char *kind = NULL;
	size_t kindlen = 0, pos = 0;
	unsigned int nfr = 0;

	if (len > 0)
		buf[0] = '\0';
	while (pos < n && nfr < 2) {
		const char *l = text + pos;
		size_t ln = 0;
		while (pos + ln < n && l[ln] != '\n')
			ln++;
		pos += ln + 1;
		if (kind == NULL) {
			long at = sig_find(l, ln, "Sanitizer: ");
			long rt = sig_find(l, ln, "runtime error: ");
			long lf = sig_find(l, ln, "ERROR: libFuzzer: ");
			if (at >= 0 && sig_find(l, ln, "ERROR: ") >= 0) {
				kind = l + at + 11;
			} else if (rt >= 0) {
				kind = l + rt + 15;
			} else if (lf >= 0) {
				kind = l + lf + 18;
			} else {
				continue;
			}
			/* the kind ends at " on ", ':' or the line's end */
			kindlen = (size_t)(l + ln - kind);
			long on = sig_find(kind, kindlen, " on ");
			if (on >= 0)
				kindlen = (size_t)on;
			for (size_t k = 0; k < kindlen; k++)
				if (kind[k] == ':' || kind[k] == '(') {
					kindlen = k;
					break;
				}
			while (kindlen > 0 && kind[kindlen - 1] == ' ')
				kindlen--;
			continue;
		}
		if (sig_frame(l, ln, dirs, &fr[nfr]))
			nfr++;
	}
	if (kind == NULL)
		return 0;
	sig_puts(&o, "sanitizer ", 10);
	sig_normalize_into(&o, kind, kindlen);
	sig_putc(&o, ':');
	for (unsigned int i = 0; i < nfr; i++) {
		sig_puts(&o, i == 0 ? " " : " < ", 3);
		sig_puts(&o, fr[i].fn, fr[i].fnlen);
	}
	if (nfr > 0) {
		sig_puts(&o, " (", 2);
		sig_puts(&o, fr[0].file, fr[0].filelen);
		sig_putc(&o, ')');
	}
	return (int)o.pos;
}
