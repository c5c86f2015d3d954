/*
 * report.h: the kernel's side of the one report vocabulary
 * (../../report/report.h, STYLE habit 10): the same report(), CHECK(),
 * REPORT_EQ(), report_skip(), report_info() and prefixes as every
 * userspace test, printed as TAP on the serial console.
 *
 *	report(cond, "name %d", i)	"ok 7 - name 3"
 *				     or	"not ok 7 - name 3 # FAILED
 *					 tests/boot.c:42: cond"
 *	kreport_exit()			"1..8", "# 7 passed, 1 failed",
 *					 then out of QEMU with the verdict
 */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "libc.h"
#include "../../report/report.h"

/*
 * Print the plan and the tally, then leave QEMU through arch_exit():
 * KEXIT_PASS iff no check failed and at least one ran, else KEXIT_FAIL.
 */
__attribute__((noreturn)) void kreport_exit(void);

#endif /* KT_REPORT_H */
