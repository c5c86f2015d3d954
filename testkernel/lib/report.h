/*
 * report.h: one check, one TAP line (STYLE habit 10).
 *
 *	report(cond, "name %d", i)  ->  "ok 7 - name 3"
 *	                            or  "not ok 7 - name 3 # tests/boot.c:42 cond"
 *	report_skip("name", "why")  ->  "ok 8 - name # SKIP why"
 *	report_summary()            ->  "1..8", "# 7 passed, 1 failed", exit
 *
 * The plan goes last (TAP allows it) so tests need not count in advance.
 */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "libc.h"

#define report(cond, ...) \
	report_at(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

__attribute__((format(printf, 5, 6)))
bool	report_at(bool ok, const char *file, int line, const char *expr,
	    const char *fmt, ...);
void	report_skip(const char *name, const char *why);
/* "# ..." diagnostic line, ignored by TAP readers. */
__attribute__((format(printf, 1, 2)))
void	report_info(const char *fmt, ...);
unsigned report_failures(void);
/* Print the plan and the tally, then leave QEMU: pass iff no failure. */
__attribute__((noreturn)) void report_summary(void);

#endif /* KT_REPORT_H */
