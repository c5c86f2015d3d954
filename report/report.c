/*
 * report.c: the report vocabulary (report.h), freestanding.
 *
 * Each check builds its whole TAP line in a buffer and hands it to
 * report_out() in one call, so that a crash half way through a test
 * still leaves every earlier line for the runner to show.  All
 * formatting goes through the host's report_vformat(); this file only
 * joins pieces.  The tally is one static per program (it is a test
 * binary's report, not part of the core).
 *
 * Example: after report_prefix_push("pool"), the 7th line of a test,
 * REPORT_EQ(pp->pr_nout, 40u, "40 out") with pr_nout == 39 at t.c:88,
 * prints
 *
 *	not ok 7 - pool: 40 out # FAILED t.c:88: pp->pr_nout == 40u
 *	    (got 39, want 40)
 *
 * (one line), and report_summary() later returns 1.
 */
#include "report.h"

#define RP_LINE		1024		/* longest line; longer is cut */
#define RP_PREFIX	256
#define RP_DEPTH	8

static unsigned rp_npass, rp_nfail, rp_nskip;
static char rp_prefix[RP_PREFIX];
static size_t rp_prefix_len[RP_DEPTH];	/* length before each push */
static unsigned rp_depth;

/* A line under construction: text in buf, len of it used. */
struct rp_line {
	char	buf[RP_LINE];
	size_t	len;
};

static size_t
rp_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static bool
rp_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * Append fmt/ap to the line, cut at its end.  Newlines and other control
 * characters become blanks: one check is one line.
 */
static void
rp_vappend(struct rp_line *l, const char *fmt, va_list ap)
{
	size_t room = sizeof(l->buf) - l->len;
	int n;

	if (room <= 1)
		return;
	n = report_vformat(l->buf + l->len, room, fmt, ap);
	if (n < 0)
		return;
	n = (size_t)n < room ? n : (int)(room - 1);
	for (size_t i = l->len; i < l->len + (size_t)n; i++)
		if ((unsigned char)l->buf[i] < ' ')
			l->buf[i] = ' ';
	l->len += (size_t)n;
}

REPORT_PRINTF(2, 3)
static void
rp_append(struct rp_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_vappend(l, fmt, ap);
	va_end(ap);
}

/* End the line (room for "\n" is always kept) and write it out. */
static void
rp_emit(struct rp_line *l)
{
	if (l->len > sizeof(l->buf) - 2)
		l->len = sizeof(l->buf) - 2;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = '\0';
	report_out(l->buf);
}

/*
 * Start a TAP line: "ok N - prefix" or "not ok N - prefix"; the caller
 * appends the description.
 */
static void
rp_begin(struct rp_line *l, bool pass)
{
	l->len = 0;
	l->buf[0] = '\0';
	rp_append(l, "%sok %u - %s", pass ? "" : "not ",
	    rp_npass + rp_nfail + rp_nskip + 1, rp_prefix);
}

static void
rp_count(bool pass)
{
	if (pass)
		rp_npass++;
	else
		rp_nfail++;
}

/* " # FAILED file:line[: expr]" */
static void
rp_failed(struct rp_line *l, const char *file, int line, const char *expr)
{
	rp_append(l, " # FAILED %s:%d", file, line);
	if (expr != NULL)
		rp_append(l, ": %s", expr);
}

bool
report_at(const char *file, int line, bool pass, const char *expr,
    const char *fmt, ...)
{
	struct rp_line l;
	va_list ap;

	rp_begin(&l, pass);
	va_start(ap, fmt);
	rp_vappend(&l, fmt, ap);
	va_end(ap);
	if (!pass)
		rp_failed(&l, file, line, expr);
	rp_count(pass);
	rp_emit(&l);
	return pass;
}

bool
report_check_at(const char *file, int line, bool pass, const char *expr)
{
	struct rp_line l;

	rp_begin(&l, pass);
	rp_append(&l, "%s", expr);
	if (!pass)
		rp_failed(&l, file, line, NULL);
	rp_count(pass);
	rp_emit(&l);
	return pass;
}

/* -1, 0 or 1 as a is below, equal to or above b, by value. */
static int
rp_cmp(struct report_int a, struct report_int b)
{
	bool aneg = a.is_signed && (intmax_t)a.bits < 0;
	bool bneg = b.is_signed && (intmax_t)b.bits < 0;

	if (aneg != bneg)
		return aneg ? -1 : 1;
	if (aneg) {
		intmax_t x = (intmax_t)a.bits, y = (intmax_t)b.bits;

		return x < y ? -1 : x > y;
	}
	return a.bits < b.bits ? -1 : a.bits > b.bits;
}

/* Signed in decimal; unsigned in decimal below 0x10000, else in hex. */
static void
rp_int(struct rp_line *l, struct report_int v)
{
	if (v.is_signed)
		rp_append(l, "%lld", (long long)(intmax_t)v.bits);
	else if (v.bits < 0x10000)
		rp_append(l, "%llu", (unsigned long long)v.bits);
	else
		rp_append(l, "0x%llx", (unsigned long long)v.bits);
}

bool
report_cmp_at(const char *file, int line, struct report_int got,
    enum report_op op, struct report_int want, const char *gotexpr,
    const char *wantexpr, const char *fmt, ...)
{
	static const char *const opname[] = { "==", "!=", "<", "<=", ">",
	    ">=" };
	struct rp_line l;
	va_list ap;
	int c = rp_cmp(got, want);
	bool pass;

	switch (op) {
	case REPORT_OP_EQ:
		pass = c == 0;
		break;
	case REPORT_OP_NE:
		pass = c != 0;
		break;
	case REPORT_OP_LT:
		pass = c < 0;
		break;
	case REPORT_OP_LE:
		pass = c <= 0;
		break;
	case REPORT_OP_GT:
		pass = c > 0;
		break;
	case REPORT_OP_GE:
		pass = c >= 0;
		break;
	default:
		pass = false;	/* not an op: fail loudly */
		break;
	}
	rp_begin(&l, pass);
	va_start(ap, fmt);
	rp_vappend(&l, fmt, ap);
	va_end(ap);
	if (!pass) {
		rp_failed(&l, file, line, NULL);
		rp_append(&l, ": %s %s %s (got ", gotexpr,
		    (unsigned)op < 6 ? opname[op] : "?", wantexpr);
		rp_int(&l, got);
		rp_append(&l, ", want %s", op == REPORT_OP_EQ ? "" :
		    (unsigned)op < 6 ? opname[op] : "?");
		if (op != REPORT_OP_EQ)
			rp_append(&l, " ");
		rp_int(&l, want);
		rp_append(&l, ")");
	}
	rp_count(pass);
	rp_emit(&l);
	return pass;
}

bool
report_streq_at(const char *file, int line, const char *got,
    const char *want, const char *expr, const char *fmt, ...)
{
	struct rp_line l;
	va_list ap;
	bool pass = got == NULL || want == NULL ? got == want :
	    rp_streq(got, want);

	rp_begin(&l, pass);
	va_start(ap, fmt);
	rp_vappend(&l, fmt, ap);
	va_end(ap);
	if (!pass) {
		rp_failed(&l, file, line, expr);
		rp_append(&l, got ? " (got \"%s\"" : " (got %s", got ? got :
		    "NULL");
		rp_append(&l, want ? ", want \"%s\")" : ", want %s)", want ?
		    want : "NULL");
	}
	rp_count(pass);
	rp_emit(&l);
	return pass;
}

void
report_skip(const char *what, const char *why_fmt, ...)
{
	struct rp_line l;
	va_list ap;

	rp_begin(&l, true);
	rp_append(&l, "%s # SKIP ", what);
	va_start(ap, why_fmt);
	rp_vappend(&l, why_fmt, ap);
	va_end(ap);
	rp_nskip++;
	rp_emit(&l);
}

void
report_info(const char *fmt, ...)
{
	static char text[RP_LINE * 4];	/* static: kernel stacks are small */
	const char *p = text;
	va_list ap;

	va_start(ap, fmt);
	if (report_vformat(text, sizeof(text), fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	/* "# " before each line of the text, even an empty one */
	do {
		struct rp_line l = { .len = 0 };
		const char *nl = p;

		while (*nl != '\0' && *nl != '\n')
			nl++;
		rp_append(&l, "# ");
		for (; p < nl && l.len < sizeof(l.buf) - 2; p++)
			l.buf[l.len++] = *p < ' ' && *p != '\t' ? ' ' : *p;
		rp_emit(&l);
		p = *nl == '\n' ? nl + 1 : nl;
	} while (*p != '\0');
}

void
report_prefix_push(const char *fmt, ...)
{
	size_t len = rp_strlen(rp_prefix);
	va_list ap;

	if (rp_depth < RP_DEPTH)
		rp_prefix_len[rp_depth] = len;
	rp_depth++;
	if (rp_depth > RP_DEPTH || len + 3 >= sizeof(rp_prefix))
		return;		/* too deep or too long: keep the outer one */
	va_start(ap, fmt);
	report_vformat(rp_prefix + len, sizeof(rp_prefix) - len - 2, fmt, ap);
	va_end(ap);
	len = rp_strlen(rp_prefix);
	rp_prefix[len++] = ':';
	rp_prefix[len++] = ' ';
	rp_prefix[len] = '\0';
}

void
report_prefix_pop(void)
{
	if (rp_depth == 0)
		return;
	rp_depth--;
	if (rp_depth < RP_DEPTH)
		rp_prefix[rp_prefix_len[rp_depth]] = '\0';
}

unsigned
report_failures(void)
{
	return rp_nfail;
}

int
report_summary(void)
{
	struct rp_line l = { .len = 0 };

	rp_prefix[0] = '\0';
	rp_depth = 0;
	if (rp_npass + rp_nfail == 0)
		report_at(__FILE__, __LINE__, false, "checks > 0",
		    "no check ran: a test that checks nothing fails");
	rp_append(&l, "1..%u", rp_npass + rp_nfail + rp_nskip);
	rp_emit(&l);
	l.len = 0;
	rp_append(&l, "# %u passed, %u failed", rp_npass, rp_nfail);
	if (rp_nskip > 0)
		rp_append(&l, ", %u skipped", rp_nskip);
	rp_emit(&l);
	return rp_nfail == 0 && rp_npass > 0 ? 0 : 1;
}
