/*
 * report.c: the hooks ../../report/report.c asks of its host, on the
 * kernel's console, and the kernel's way out after the summary.
 *
 * report.c (the library) builds each line whole and calls report_out()
 * once per line, so a panic or an exception half way through a group
 * still leaves every earlier line on serial; formatting is the
 * kernel's own kvsnprintf (printf.c: no precision, so the library
 * uses none).  Example: kreport_exit() after 57 passing checks prints
 * "1..57", "# 57 passed, 0 failed" and leaves with KEXIT_PASS, which
 * run-qemu.sh sees as QEMU status 33 and turns into 0.
 */
#include "report.h"

void
report_out(const char *s)
{
	kputs(s);
}

int
report_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, len, fmt, ap);
}

void
kreport_exit(void)
{
	arch_exit(report_summary() == 0 ? KEXIT_PASS : KEXIT_FAIL);
}
