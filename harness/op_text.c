/*
 * op_text.c: the text spelling of the op language, one op a line -- the
 * form repros are read, edited and kept in.
 *
 * Grammar (tokens split on spaces and tabs; '#' to end of line is a
 * comment; a blank or comment-only line is KTEXT_EMPTY): a line is an
 * op's name, then its fields in schema order (ops.def), then, for an op
 * that creates a handle, "-> aN" / "-> pN" / "-> mN" or "-> fail":
 *
 *   F_MAP      kernel_map (map_id 0) or mN
 *   F_ALLOC, F_POOLPAGE, F_VICTIM   aN or pN (the misuse kind decides)
 *   F_SIZE     (npages - 1) * 0x1000 < SIZE <= npages * 0x1000, npages on
 *              the size scale (KOP_NPAGES: any count up to 31 pages,
 *              then 16 steps an octave), npages * 0x1000 - SIZE a
 *              multiple of 0x10 (which becomes `sub')
 *   F_ALIGN    optional align=A, A a power of two, 2^KOP_ALIGN_LOG_MIN
 *              .. 2^KOP_ALIGN_LOG_MAX (below a page: page alignment)
 *   F_FLAGS    TYPE[|MOD...]: exactly one type, each name once, any order
 *   F_SUBSIZE  a multiple of 0x10000 (16 pages), at most 0x100000
 *   F_SUBOPTS, F_POOLOPTS   the field's option words, any order, each once
 *   F_PAGE     page=P, 0..63;  F_COUNT count=C, 1..16;  F_N  N, 1..64
 *   F_RW       read | write, then optional nowait (the fault may not
 *              sleep);   F_MISUSE a misuse kind's name
 *   F_NPAGES   a multiple of 0x1000, at most 64 pages
 *   F_HINT     optional hint=P, P pages above the map's minimum, 0..255
 *   F_MAPOPTS, F_UNMAPOPTS  option words
 *   F_PROT     PROT/MAX as rwx with '-', e.g. rw-/rwx; MAX holds PROT
 *   F_REGION   rN
 *
 * Handles aN, pN, mN have 1 <= N <= 65535, in decimal.  Other numbers
 * are decimal or 0x hex.  A line is at most 1024 bytes, comment
 * included, and holds no NUL byte.  The limits are those the bytes can
 * say, so any line that parses also encodes.  Print writes options and
 * flags in schema order, sizes and align in lowercase hex, page/count/N
 * in decimal, so print(parse(line)) == line for a line in that form.
 * An op the policy adjusted prints with a trailing "# adjusted: ..."
 * comment, which the parser ignores like any comment.
 *
 * Results.  "-> aN" records the name the op's result got; "-> fail" and
 * no arrow at all both leave result_id 0, which print spells "-> fail".
 * A trace from the interpreter always carries the real outcome; in
 * hand-written input result_id 0 just means "not stated", since the
 * interpreter names results in creation order anyway (see op.h).
 *
 * Printing, the other direction, is op_text_print.c.
 *
 * Example: "alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2" parses to
 * code KOP_ALLOC, map_id 1, npages 3, sub 1 (0x3000 - 0x2ff0 = 0x10),
 * align_log 0, flags UVM_KMF_PAGEABLE|UVM_KMF_NOWAIT|UVM_KMF_CANFAIL,
 * result_id 2.  "free x" gives KTEXT_ERROR with "expected a handle like
 * a3 after 'free', got 'x'"; the caller prefixes FILE:LINE.
 */
#include <stdarg.h>
#include <uvm/uvm.h>
#include "op.h"

#define KT_MAX_LINE	1024	/* bytes in a line, comment included */
#define KT_MAX_TOKENS	16	/* far more than any op has */
#define KT_QUOTE_MAX	24	/* token bytes quoted in a message */
#define KT_ID_MAX	65535u

/* ---- tokens ----------------------------------------------------------- */

struct kt_tok {
	const char	*s;
	size_t		n;
};

struct kt_parser {
	struct kt_tok	tok[KT_MAX_TOKENS];
	unsigned int	ntok;
	unsigned int	i;		/* next token */
	char		*err;
	size_t		errlen;
};

static bool
kt_space_p(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

static bool
kt_digit_p(char c)
{
	return c >= '0' && c <= '9';
}

/* Does token t spell exactly the NUL-terminated word w? */
static bool
kt_is(const struct kt_tok *t, const char *w)
{
	size_t k = 0;

	if (t == NULL)
		return false;
	while (k < t->n && w[k] != '\0' && t->s[k] == w[k])
		k++;
	return k == t->n && w[k] == '\0';
}

/* Does t start with w?  => the rest of t in *rest. */
static bool
kt_prefix(const struct kt_tok *t, const char *w, struct kt_tok *rest)
{
	size_t k = 0;

	if (t == NULL)
		return false;
	while (w[k] != '\0') {
		if (k >= t->n || t->s[k] != w[k])
			return false;
		k++;
	}
	rest->s = t->s + k;
	rest->n = t->n - k;
	return true;
}

static const struct kt_tok *
kt_peek(const struct kt_parser *p)
{
	return p->i < p->ntok ? &p->tok[p->i] : NULL;
}

/*
 * A token as a message shows it: quoted, cut at KT_QUOTE_MAX bytes,
 * unprintable bytes as '?'; "end of line" for no token.
 */
static const char *
kt_quote(const struct kt_tok *t, char buf[KT_QUOTE_MAX + 8])
{
	size_t k = 0, j = 0;

	if (t == NULL)
		return "end of line";
	buf[j++] = '\'';
	for (; k < t->n && k < KT_QUOTE_MAX; k++) {
		char c = t->s[k];
		buf[j++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	if (k < t->n) {
		buf[j++] = '.';
		buf[j++] = '.';
		buf[j++] = '.';
	}
	buf[j++] = '\'';
	buf[j] = '\0';
	return buf;
}

__attribute__((format(printf, 2, 3)))
static int
kt_error(struct kt_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL && p->errlen > 0) {
		va_start(ap, fmt);
		uvm_vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return KTEXT_ERROR;
}

/* "expected WHAT after 'previous token', got 'this token'". */
static int
kt_expected(struct kt_parser *p, const char *what)
{
	char prev[KT_QUOTE_MAX + 8], cur[KT_QUOTE_MAX + 8];

	return kt_error(p, "expected %s after %s, got %s", what,
	    kt_quote(p->i > 0 ? &p->tok[p->i - 1] : NULL, prev),
	    kt_quote(kt_peek(p), cur));
}

/* Split line[0, len) into tokens up to a '#'.  => KTEXT_ERROR, or OK. */
static int
kt_tokenize(struct kt_parser *p, const char *line, size_t len)
{
	size_t k = 0;

	if (len > KT_MAX_LINE)
		return kt_error(p, "line is longer than %u bytes",
		    (unsigned int)KT_MAX_LINE);
	for (size_t j = 0; j < len; j++)
		if (line[j] == '\0')
			return kt_error(p, "NUL byte at column %zu", j + 1);
	while (k < len && line[k] != '#') {
		if (kt_space_p(line[k])) {
			k++;
			continue;
		}
		if (p->ntok == KT_MAX_TOKENS)
			return kt_error(p, "more than %u tokens in a line",
			    (unsigned int)KT_MAX_TOKENS);
		struct kt_tok *t = &p->tok[p->ntok++];
		t->s = line + k;
		while (k < len && line[k] != '#' && !kt_space_p(line[k]))
			k++;
		t->n = (size_t)(line + k - t->s);
	}
	return KTEXT_OK;
}

/* ---- fields ----------------------------------------------------------- */

/* Decimal or 0x hex, no sign.  => false if not a number or > 2^32 - 1. */
static bool
kt_number(const struct kt_tok *t, uint32_t *out)
{
	uint64_t v = 0;
	size_t k = 0;
	unsigned int base = 10;

	if (t == NULL || t->n == 0)
		return false;
	if (t->n > 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X')) {
		base = 16;
		k = 2;
	}
	for (; k < t->n; k++) {
		char c = t->s[k];
		unsigned int d;

		if (kt_digit_p(c))
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v * base + d;
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* A name like a3: `letter' then a decimal 1..65535. */
static bool
kt_name(const struct kt_tok *t, char letter, uint16_t *id)
{
	struct kt_tok num;
	uint32_t v;
	const char w[2] = { letter, '\0' };

	if (!kt_prefix(t, w, &num) || num.n == 0)
		return false;
	for (size_t k = 0; k < num.n; k++)	/* decimal only: no a0x1 */
		if (!kt_digit_p(num.s[k]))
			return false;
	if (!kt_number(&num, &v) || v < 1 || v > KT_ID_MAX)
		return false;
	*id = (uint16_t)v;
	return true;
}

static int
kt_map(struct kt_parser *p, uint16_t *id)
{
	const struct kt_tok *t = kt_peek(p);

	if (kt_is(t, "kernel_map"))
		*id = 0;
	else if (!kt_name(t, 'm', id))
		return kt_expected(p, "a map like kernel_map or m1");
	p->i++;
	return KTEXT_OK;
}

static int
kt_handle(struct kt_parser *p, char letter, uint16_t *id)
{
	char what[40];

	if (!kt_name(kt_peek(p), letter, id)) {
		uvm_snprintf(what, sizeof(what), "a handle like %c3", letter);
		return kt_expected(p, what);
	}
	p->i++;
	return KTEXT_OK;
}

/*
 * A number in [lo, hi]: `expect' says what was wanted if t is no number,
 * `name' what it is if out of range.
 */
static int
kt_bounded(struct kt_parser *p, const struct kt_tok *t, const char *expect,
    const char *name, uint32_t lo, uint32_t hi, uint32_t *v)
{
	char q[KT_QUOTE_MAX + 8];

	if (!kt_number(t, v))
		return kt_expected(p, expect);
	if (*v < lo || *v > hi)
		return kt_error(p, "%s %s is not in %u..%u", name,
		    kt_quote(t, q), lo, hi);
	return KTEXT_OK;
}

/* key=N with N in [lo, hi]. */
static int
kt_keyval(struct kt_parser *p, const char *key, uint32_t lo, uint32_t hi,
    uint32_t *v)
{
	const struct kt_tok *t = kt_peek(p);
	struct kt_tok num;
	char what[48];
	size_t k = 0;
	int r;

	uvm_snprintf(what, sizeof(what), "%s=N", key);
	while (key[k] != '\0')
		k++;
	if (t == NULL || t->n <= k || t->s[k] != '=' ||
	    !kt_prefix(t, key, &num))
		return kt_expected(p, what);
	num.s++;
	num.n--;
	if ((r = kt_bounded(p, &num, what, key, lo, hi, v)) != KTEXT_OK)
		return r;
	p->i++;
	return KTEXT_OK;
}

/* A bare count N in [1, KOP_MAX_N]. */
static int
kt_n(struct kt_parser *p, uint32_t *v)
{
	int r = kt_bounded(p, kt_peek(p), "a number N like 1", "N", 1,
	    KOP_MAX_N, v);

	if (r == KTEXT_OK)
		p->i++;
	return r;
}

/* Word options of field `f' (ops.def), any order, each once. */
static int
kt_options(struct kt_parser *p, unsigned int f, uint32_t *flags)
{
	const struct kt_tok *t;
	char q[KT_QUOTE_MAX + 8];

	while ((t = kt_peek(p)) != NULL) {
		const struct km_option_desc *o = km_options;
		while (o->name != NULL && (o->field != f || !kt_is(t, o->name)))
			o++;
		if (o->name == NULL)
			break;
		if (*flags & o->bit)
			return kt_error(p, "%s given twice", kt_quote(t, q));
		*flags |= o->bit;
		p->i++;
	}
	return KTEXT_OK;
}

/* "a, b, c" of every name in a table, for "expected ..." messages. */
static void
kt_list(char *buf, size_t len, const char *(*name)(unsigned int),
    unsigned int n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && at < len; i++)
		at += (size_t)uvm_snprintf(buf + at, len - at, "%s%s",
		    i == 0 ? "" : " ", name(i));
}

static const char *
kt_flag_name(unsigned int i)
{
	return km_flags[i].name;
}

/* TYPE[|MOD...]: exactly one type, each name once. */
static int
kt_allocflags(struct kt_parser *p, uint32_t *flags)
{
	const struct kt_tok *t = kt_peek(p);
	char q[KT_QUOTE_MAX + 8], qt[KT_QUOTE_MAX + 8];
	size_t k = 0;
	int ntypes = 0;

	if (t == NULL || t->n == 0 || t->s[0] < 'A' || t->s[0] > 'Z')
		return kt_expected(p, "flags like WIRED|ZERO");
	*flags = 0;
	while (k <= t->n) {
		struct kt_tok part = { t->s + k, 0 };
		while (k + part.n < t->n && t->s[k + part.n] != '|')
			part.n++;
		size_t f = 0;
		while (f < km_nflags && !kt_is(&part, km_flags[f].name))
			f++;
		if (part.n == 0)
			return kt_error(p, "empty flag name in %s",
			    kt_quote(t, qt));
		if (f == km_nflags) {
			char names[160];
			kt_list(names, sizeof(names), kt_flag_name, km_nflags);
			return kt_error(p, "unknown flag %s in %s (expected "
			    "%s)", kt_quote(&part, q), kt_quote(t, qt), names);
		}
		if (*flags & km_flags[f].bit)
			return kt_error(p, "flag %s twice in %s",
			    kt_quote(&part, q), kt_quote(t, qt));
		*flags |= km_flags[f].bit;
		ntypes += km_flags[f].type;
		k += part.n + 1;
	}
	if (ntypes != 1)
		return kt_error(p, "%s needs exactly one type of WIRED, "
		    "PAGEABLE or VAONLY", kt_quote(t, qt));
	p->i++;
	return KTEXT_OK;
}

/* [-> Xn | -> fail]; nothing stated leaves *id 0. */
static int
kt_result(struct kt_parser *p, char letter, uint16_t *id)
{
	char what[40];

	*id = 0;
	if (!kt_is(kt_peek(p), "->"))
		return KTEXT_OK;
	p->i++;
	if (kt_is(kt_peek(p), "fail")) {
		p->i++;
		return KTEXT_OK;
	}
	if (!kt_name(kt_peek(p), letter, id)) {
		uvm_snprintf(what, sizeof(what), "a result like %c1 or fail",
		    letter);
		return kt_expected(p, what);
	}
	p->i++;
	return KTEXT_OK;
}

/* ---- fields ---------------------------------------------------------- */

/* Is n a page count the bytes can say (KOP_NPAGES)? */
static bool
kt_npages_ok(uint32_t n)
{
	for (unsigned int b = 0; b < 256; b++)
		if (KOP_NPAGES(b) == n)
			return true;
	return false;
}

/* "size 0x21000 (33 pages) is not ..." for a count the bytes cannot say */
static int
kt_npages_error(struct kt_parser *p, const struct kt_tok *t, uint32_t n)
{
	char q[KT_QUOTE_MAX + 8];

	return kt_error(p, "size %s (%u pages) is not on the size scale: up "
	    "to 31 pages any count, then 16 steps an octave (32, 34, .., 62, "
	    "64, 68, ..), at most %u pages", kt_quote(t, q), n,
	    KOP_SIZE_MAX_PAGES);
}

/* F_SIZE: (npages - 1) pages < SIZE <= npages pages, 16-byte steps. */
static int
kt_size(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);
	char q[KT_QUOTE_MAX + 8];
	uint32_t size;

	if (!kt_number(t, &size))
		return kt_expected(p, "a size like 0x3000");
	if (size == 0 || size / KT_PAGE_SIZE > KOP_SIZE_MAX_PAGES)
		return kt_error(p, "size %s is not in 0x%x..0x%x",
		    kt_quote(t, q), KOP_SUB_UNIT,
		    KOP_SIZE_MAX_PAGES * KT_PAGE_SIZE);
	op->npages = (size + KT_PAGE_SIZE - 1) / KT_PAGE_SIZE;
	if (!kt_npages_ok(op->npages))
		return kt_npages_error(p, t, op->npages);
	uint32_t short_by = op->npages * KT_PAGE_SIZE - size;
	if (short_by % KOP_SUB_UNIT != 0 || short_by / KOP_SUB_UNIT > 255)
		return kt_error(p, "size 0x%x is not a multiple of 0x%x short "
		    "of a page", size, KOP_SUB_UNIT);
	op->sub = (uint8_t)(short_by / KOP_SUB_UNIT);
	p->i++;
	return KTEXT_OK;
}

/* F_ALIGN: optional "align=A", A a power of two in the schema's range. */
static int
kt_align(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);
	char q[KT_QUOTE_MAX + 8];
	struct kt_tok rest;
	uint32_t align;

	if (!kt_prefix(t, "align=", &rest))
		return KTEXT_OK;
	if (!kt_number(&rest, &align))
		return kt_expected(p, "align=A with A a number");
	for (int l = KOP_ALIGN_LOG_MIN; l <= KOP_ALIGN_LOG_MAX; l++)
		if (align == (1u << l))
			op->align_log = (uint8_t)(l + 1);
	if (op->align_log == 0)
		return kt_error(p, "align %s is not a power of two from 0x%x to "
		    "0x%x", kt_quote(t, q), 1u << KOP_ALIGN_LOG_MIN,
		    1u << KOP_ALIGN_LOG_MAX);
	p->i++;
	return KTEXT_OK;
}

/* F_SUBSIZE: a multiple of the submap unit, at most the largest. */
static int
kt_subsize(struct kt_parser *p, struct km_op *op)
{
	const uint32_t unit = KOP_SUBMAP_UNIT * KT_PAGE_SIZE;
	const struct kt_tok *t = kt_peek(p);
	char q[KT_QUOTE_MAX + 8];
	uint32_t size;

	if (!kt_number(t, &size))
		return kt_expected(p, "a size like 0x10000");
	if (size == 0 || size % unit != 0 || size > KOP_SUBMAP_STEPS * unit)
		return kt_error(p, "submap size %s is not a multiple of 0x%x "
		    "up to 0x%x", kt_quote(t, q), unit, KOP_SUBMAP_STEPS * unit);
	op->npages = size / KT_PAGE_SIZE;
	p->i++;
	return KTEXT_OK;
}

/* "read" or "write", then "nowait" for a fault that must not sleep. */
static int
kt_rw(struct kt_parser *p, struct km_op *op)
{
	if (kt_is(kt_peek(p), "write"))
		op->flags = KOPF_WRITE;
	else if (!kt_is(kt_peek(p), "read"))
		return kt_expected(p, "read or write");
	p->i++;
	if (kt_is(kt_peek(p), "nowait")) {
		op->flags |= KOPF_TOUCH_NOWAIT;
		p->i++;
	}
	return KTEXT_OK;
}

static int
kt_misuse(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);
	unsigned int k = 0;
	char names[160], what[200];

	while (k < KMIS_COUNT && !kt_is(t, km_misuse_name(k)))
		k++;
	if (k == KMIS_COUNT) {
		kt_list(names, sizeof(names), km_misuse_name, KMIS_COUNT);
		uvm_snprintf(what, sizeof(what), "a misuse kind (%s)", names);
		return kt_expected(p, what);
	}
	op->misuse = (uint8_t)k;
	p->i++;
	return KTEXT_OK;
}

/* F_NPAGES: a size in whole pages, 1..KOP_TRACKED_PAGES of them. */
static int
kt_npages(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);
	char q[KT_QUOTE_MAX + 8];
	uint32_t size;

	if (!kt_number(t, &size))
		return kt_expected(p, "a size like 0x3000");
	if (size == 0 || size % KT_PAGE_SIZE != 0 ||
	    size > KOP_TRACKED_PAGES * KT_PAGE_SIZE)
		return kt_error(p, "size %s is not a multiple of 0x%x up to "
		    "0x%x", kt_quote(t, q), KT_PAGE_SIZE,
		    KOP_TRACKED_PAGES * KT_PAGE_SIZE);
	op->npages = size / KT_PAGE_SIZE;
	p->i++;
	return KTEXT_OK;
}

/* F_HINT: optional "hint=P", P pages above the map's minimum, 0..255. */
static int
kt_hint(struct kt_parser *p, struct km_op *op)
{
	struct kt_tok rest;

	if (!kt_prefix(kt_peek(p), "hint=", &rest))
		return KTEXT_OK;
	return kt_keyval(p, "hint", 0, 255, &op->n);
}

/* "rwx" with '-' for a missing right. */
static bool
kt_rights(const char *s, uint8_t *prot)
{
	static const char letters[3] = { 'r', 'w', 'x' };

	*prot = 0;
	for (int i = 0; i < 3; i++) {
		if (s[i] == letters[i])
			*prot |= (uint8_t)(1u << i);
		else if (s[i] != '-')
			return false;
	}
	return true;
}

/*
 * F_PROT: "PROT/MAX", each three of r w x or '-'.  A PROT that MAX does
 * not hold is the caller's error, which uvm_map must refuse (EINVAL).
 */
static int
kt_prot(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);

	if (t == NULL || t->n != 7 || t->s[3] != '/' ||
	    !kt_rights(t->s, &op->prot) || !kt_rights(t->s + 4, &op->maxprot))
		return kt_expected(p, "a protection like rw-/rwx");
	p->i++;
	return KTEXT_OK;
}

/*
 * F_SCHED: "random cpus=C seed=S" or "pct cpus=C depth=D seed=S", then
 * its options (noupdate).
 */
static int
kt_sched(struct kt_parser *p, struct km_op *op)
{
	const struct kt_tok *t = kt_peek(p);
	int r;

	if (t != NULL && kt_is(t, "pct"))
		op->flags = KOPF_SCHED_PCT;
	else if (t == NULL || !kt_is(t, "random"))
		return kt_expected(p, "a strategy: random or pct");
	p->i++;
	if ((r = kt_keyval(p, "cpus", 2, KM_MAX_CPUS, &op->count)) != KTEXT_OK)
		return r;
	if ((op->flags & KOPF_SCHED_PCT) && (r = kt_keyval(p, "depth", 1,
	    KOP_SCHED_MAX_DEPTH, &op->page)) != KTEXT_OK)
		return r;
	if ((r = kt_keyval(p, "seed", 0, KOP_SCHED_MAX_SEED, &op->n)) !=
	    KTEXT_OK)
		return r;
	return kt_options(p, F_SCHED, &op->flags);
}

/* One field of op->code's row. */
static int
kt_field(struct kt_parser *p, unsigned int f, struct km_op *op)
{
	switch (f) {
	case F_MAP:
		return kt_map(p, &op->map_id);
	case F_ALLOC: case F_POOLPAGE: case F_VICTIM: case F_REGION:
		return kt_handle(p, km_op_handle_kind(op), &op->handle_id);
	case F_SIZE:
		return kt_size(p, op);
	case F_ALIGN:
		return kt_align(p, op);
	case F_FLAGS:
		return kt_allocflags(p, &op->flags);
	case F_SUBSIZE:
		return kt_subsize(p, op);
	case F_SUBOPTS: case F_POOLOPTS: case F_MAPOPTS: case F_UNMAPOPTS:
		return kt_options(p, f, &op->flags);
	case F_NPAGES:
		return kt_npages(p, op);
	case F_HINT:
		return kt_hint(p, op);
	case F_PROT:
		return kt_prot(p, op);
	case F_SCHED:
		return kt_sched(p, op);
	case F_SHAPE: {
		int r = kt_bounded(p, kt_peek(p), "a shape number like 3",
		    "instance shape", 0, KM_NSHAPES - 1, &op->n);
		if (r == KTEXT_OK)
			p->i++;
		return r;
	}
	case F_PAGE:
		return kt_keyval(p, "page", 0, KOP_TRACKED_PAGES - 1,
		    &op->page);
	case F_COUNT:
		return kt_keyval(p, "count", 1, KOP_MAX_COUNT, &op->count);
	case F_RW:
		return kt_rw(p, op);
	case F_N:
		return kt_n(p, &op->n);
	case F_MISUSE:
		return kt_misuse(p, op);
	}
	return kt_error(p, "field type %u has no text form", f);
}

/* The arguments of op->code; the opcode token is consumed. */
static int
kt_args(struct kt_parser *p, struct km_op *op)
{
	int r;

	for (const uint8_t *f = km_op_fields(op->code); *f != F_END; f++)
		if ((r = kt_field(p, *f, op)) != KTEXT_OK)
			return r;
	if (km_op_creates(op) != 0)
		return kt_result(p, km_op_creates(op), &op->result_id);
	return KTEXT_OK;
}

/*
 * km_text_parse_line: line[0, len) (no NUL needed, a trailing newline
 * is fine) to an op with names filled and selectors, ids not stated and
 * line left 0.
 * => KTEXT_OK; KTEXT_EMPTY for a blank or comment line; KTEXT_ERROR with
 *    err (if errlen > 0) saying what was expected where.  op is zeroed
 *    in every case but OK.
 */
int
km_text_parse_line(const char *line, size_t len, struct km_op *op,
    char *err, size_t errlen)
{
	struct kt_parser p;
	char q[KT_QUOTE_MAX + 8];
	int r;

	uvm_memset(&p, 0, sizeof(p));
	p.err = err;
	p.errlen = err != NULL ? errlen : 0;
	if (p.errlen > 0)
		err[0] = '\0';
	uvm_memset(op, 0, sizeof(*op));
	if (line == NULL && len > 0)
		return kt_error(&p, "no line");
	if ((r = kt_tokenize(&p, line, len)) != KTEXT_OK)
		return r;
	if (p.ntok == 0)
		return KTEXT_EMPTY;

	/* "cpuN:" first: the CPU that runs the op */
	const struct kt_tok *t0 = &p.tok[0];
	struct kt_tok num;
	if (kt_prefix(t0, "cpu", &num) && num.n >= 2 &&
	    num.s[num.n - 1] == ':') {
		uint32_t c;
		num.n--;
		if ((r = kt_bounded(&p, &num, "a CPU like cpu1:", "CPU", 0,
		    KM_MAX_CPUS - 1, &c)) != KTEXT_OK) {
			uvm_memset(op, 0, sizeof(*op));
			return r;
		}
		op->cpu = (uint8_t)c;
		p.i = 1;
		if (p.ntok == 1) {
			uvm_memset(op, 0, sizeof(*op));
			return kt_error(&p, "an op after %s",
			    kt_quote(t0, q));
		}
	}
	const struct kt_tok *t = &p.tok[p.i];
	unsigned int code = 0;
	while (code < KOP_COUNT && !kt_is(t, km_opcode_name(code)))
		code++;
	if (code == KOP_COUNT)
	{
		char names[300];
		kt_list(names, sizeof(names), km_opcode_name, KOP_COUNT);
		uvm_memset(op, 0, sizeof(*op));
		return kt_error(&p, "unknown op %s (expected one of: %s)",
		    kt_quote(t, q), names);
	}
	op->code = (uint8_t)code;
	p.i++;
	r = kt_args(&p, op);
	if (r == KTEXT_OK && p.i < p.ntok) {
		char prev[KT_QUOTE_MAX + 8];
		r = kt_error(&p, "unexpected %s after %s",
		    kt_quote(&p.tok[p.i], q), kt_quote(&p.tok[p.i - 1], prev));
	}
	if (r != KTEXT_OK) {
		uvm_memset(op, 0, sizeof(*op));
		if (p.errlen > 0 && err[0] == '\0')
			kt_error(&p, "malformed line");
	}
	return r;
}
