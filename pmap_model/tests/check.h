/*
 * check.h: the report vocabulary of the pmap_model tests, one line per
 * check ("ok N - what" / "not ok N - what # FAILED file:line: expr"),
 * then "1..N" and "N passed, N failed"; check_summary() is the exit
 * status.  (pmap_model sits below props/, so it keeps its own copy of
 * props/report.h's habits rather than linking it.)
 */
#ifndef KMFUZZ_PMODEL_CHECK_H
#define KMFUZZ_PMODEL_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int check_npass, check_nfail;

#define CHECK(cond, ...) \
	check_at(__FILE__, __LINE__, (cond), #cond, __VA_ARGS__)

__attribute__((format(printf, 5, 6)))
static bool
check_at(const char *file, int line, bool ok, const char *expr,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ok)
		check_npass++;
	else
		check_nfail++;
	printf("%sok %d - %s", ok ? "" : "not ", check_npass + check_nfail,
	    msg);
	if (!ok)
		printf(" # FAILED %s:%d: %s", file, line, expr);
	printf("\n");
	fflush(stdout);
	return ok;
}

static int
check_summary(void)
{
	printf("1..%d\n%d passed, %d failed\n", check_npass + check_nfail,
	    check_npass, check_nfail);
	return check_nfail != 0;
}

#endif /* KMFUZZ_PMODEL_CHECK_H */
