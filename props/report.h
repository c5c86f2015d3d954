/*
 * report.h: one line per check, TAP for meson, a summary, an exit code.
 * (The kvm-unit-tests vocabulary: report(cond, fmt, ...), report_summary.)
 *
 *	report(va != 0, "alloc %s", "wired");	-> "ok 3 - alloc wired"
 *	return report_summary();		-> "1..N", "N passed, M failed",
 *						   exit status 0 or 1
 */
#ifndef KMFUZZ_REPORT_H
#define KMFUZZ_REPORT_H

#include <stdbool.h>

__attribute__((format(printf, 4, 5)))
bool	report_at(const char *file, int line, bool pass, const char *fmt, ...);
#define report(pass, ...)	report_at(__FILE__, __LINE__, (pass), __VA_ARGS__)
__attribute__((format(printf, 1, 2)))
void	report_info(const char *fmt, ...);	/* "# ..." */
__attribute__((format(printf, 1, 2)))
void	report_prefix_push(const char *fmt, ...);
void	report_prefix_pop(void);
int	report_summary(void);			/* exit status */
int	report_failures(void);

#endif /* KMFUZZ_REPORT_H */
