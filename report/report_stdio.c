/*
 * report_stdio.c: report.h's two hooks for userspace test binaries:
 * lines go to stdout, flushed one by one (so that the lines before a
 * crash or an abort() are never lost in a buffer), and formatting is
 * libc's vsnprintf.
 */
#include <stdio.h>

#include "report.h"

void
report_out(const char *s)
{
	fputs(s, stdout);
	fflush(stdout);
}

int
report_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	return vsnprintf(buf, len, fmt, ap);
}
