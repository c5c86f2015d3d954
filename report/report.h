/*
 * report.h: the one report vocabulary of kmfuzz's tests, the same in
 * every test binary and in the bare-metal test kernel (kvm-unit-tests'
 * report()/report_summary(), with the vma harness' ASSERT_EQ values).
 *
 * One check, one TAP line, printed as it runs (long lines wrapped here):
 *
 *	report(va != 0, "alloc %s", "wired")	ok 3 - alloc wired
 *	CHECK(fit(K, 0, 1, 0, 0) == 4)		ok 4 - fit(K, 0, 1, 0, 0) == 4
 *	REPORT_EQ(n, 2u, "entries")		not ok 5 - entries # FAILED
 *						t.c:42: n == 2u (got 3, want 2)
 *	report_skip("ASan poisoning", "no %s", "ASan")
 *						ok 6 - ASan poisoning # SKIP
 *						no ASan
 *	report_info("seed %u", 7)		# seed 7
 *	report_prefix_push("pool")		later lines: "ok 7 - pool: ..."
 *	return report_summary();		1..6
 *						# 4 passed, 1 failed, 1 skipped
 *
 * report_summary() is the exit status: 0 only if no check failed and at
 * least one ran (skips do not count).  A run that checked nothing gets
 * a "not ok" line of its own and fails: a test with no assertion is no
 * test.  The plan goes last (TAP allows it), so nobody counts ahead.
 *
 * Freestanding: the host supplies the two hooks at the bottom (stdio in
 * report_stdio.c, the serial console in testkernel/lib/report.c).  One
 * tally per program; not thread-safe.
 */
#ifndef KMFUZZ_REPORT_H
#define KMFUZZ_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* ---- checks: each captures file, line and the expression ---------- */

/* A check described by a message. */
#define report(cond, ...)						\
	report_at(__FILE__, __LINE__, !!(cond), #cond, __VA_ARGS__)

/* A check described by its own expression text. */
#define CHECK(cond)							\
	report_check_at(__FILE__, __LINE__, !!(cond), #cond)

/*
 * Integer comparisons that print both values on failure: "got X, want
 * Y" (EQ) or "got X, want < Y" (LT, ...).  Any integer types, signed or
 * not, compared by value (-1 is less than 0u here); a pointer does not
 * compile.  Each operand is evaluated once.
 */
#define REPORT_EQ(got, want, ...)	REPORT_CMP_(got, EQ, want, __VA_ARGS__)
#define REPORT_NE(got, want, ...)	REPORT_CMP_(got, NE, want, __VA_ARGS__)
#define REPORT_LT(got, want, ...)	REPORT_CMP_(got, LT, want, __VA_ARGS__)
#define REPORT_LE(got, want, ...)	REPORT_CMP_(got, LE, want, __VA_ARGS__)
#define REPORT_GT(got, want, ...)	REPORT_CMP_(got, GT, want, __VA_ARGS__)
#define REPORT_GE(got, want, ...)	REPORT_CMP_(got, GE, want, __VA_ARGS__)

/* Strings equal (NULL equals only NULL); both printed on failure. */
#define REPORT_STREQ(got, want, ...)					\
	report_streq_at(__FILE__, __LINE__, (got), (want),		\
	    #got " == " #want, __VA_ARGS__)

/* ---- the functions behind them ------------------------------------- */

/*
 * report_at: one check.  => pass (so `if (!report(...))' reads well).
 * `expr' is what was expected (the macros pass the expression text);
 * NULL leaves it out of the failure line.
 */
REPORT_PRINTF(5, 6)
bool	report_at(const char *file, int line, bool pass, const char *expr,
	    const char *fmt, ...);
bool	report_check_at(const char *file, int line, bool pass,
	    const char *expr);

enum report_op { REPORT_OP_EQ, REPORT_OP_NE, REPORT_OP_LT, REPORT_OP_LE,
	REPORT_OP_GT, REPORT_OP_GE };

/* An integer operand: its bits, and whether they are two's complement. */
struct report_int {
	uintmax_t	bits;
	bool		is_signed;
};

static inline struct report_int
report_int_s_(intmax_t v)
{
	return (struct report_int){ (uintmax_t)v, true };
}

static inline struct report_int
report_int_u_(uintmax_t v)
{
	return (struct report_int){ v, false };
}

#define REPORT_INT_(x) _Generic((x),					\
	_Bool: report_int_u_, char: report_int_s_,			\
	signed char: report_int_s_, unsigned char: report_int_u_,	\
	short: report_int_s_, unsigned short: report_int_u_,		\
	int: report_int_s_, unsigned int: report_int_u_,		\
	long: report_int_s_, unsigned long: report_int_u_,		\
	long long: report_int_s_, unsigned long long: report_int_u_)(x)

#define REPORT_CMP_(a, op, b, ...)					\
	report_cmp_at(__FILE__, __LINE__, REPORT_INT_(a), REPORT_OP_##op, \
	    REPORT_INT_(b), #a, #b, __VA_ARGS__)

REPORT_PRINTF(8, 9)
bool	report_cmp_at(const char *file, int line, struct report_int got,
	    enum report_op op, struct report_int want, const char *gotexpr,
	    const char *wantexpr, const char *fmt, ...);
REPORT_PRINTF(6, 7)
bool	report_streq_at(const char *file, int line, const char *got,
	    const char *want, const char *expr, const char *fmt, ...);

/* ---- the rest of the vocabulary ------------------------------------ */

/* "ok N - what # SKIP why": counted, but neither passed nor failed. */
REPORT_PRINTF(2, 3)
void	report_skip(const char *what, const char *why_fmt, ...);
/* "# ..." lines, one per line of the text; TAP readers ignore them. */
REPORT_PRINTF(1, 2)
void	report_info(const char *fmt, ...);
/* Prefix later check lines with "text: "; pops restore the outer one. */
REPORT_PRINTF(1, 2)
void	report_prefix_push(const char *fmt, ...);
void	report_prefix_pop(void);
/* Failed checks so far. */
unsigned report_failures(void);
/*
 * The plan ("1..N") and "# P passed, F failed[, S skipped]".
 * => the exit status: 0 iff nothing failed and some check ran, else 1.
 */
int	report_summary(void);

/* ---- hooks the host provides --------------------------------------- */

/* Write `s' (a whole line, '\n' included) where the test output goes. */
void	report_out(const char *s);
/* vsnprintf: at most len bytes, NUL-terminated when len > 0. */
int	report_vformat(char *buf, size_t len, const char *fmt, va_list ap);

#endif /* KMFUZZ_REPORT_H */
