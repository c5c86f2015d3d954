/*
 * report.c: see report.h.  TAP is printed as the checks run, so a crash
 * part way still leaves every earlier line for meson to show.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "report.h"

static int n_pass, n_fail;
static char prefix[256];
static size_t prefix_len[16];	/* prefix length before each push */
static int prefix_depth;

bool
report_at(const char *file, int line, bool pass, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pass)
		n_pass++;
	else
		n_fail++;
	printf("%sok %d - %s%s", pass ? "" : "not ", n_pass + n_fail, prefix,
	    msg);
	if (!pass)
		printf(" # FAILED at %s:%d", file, line);
	printf("\n");
	fflush(stdout);
	return pass;
}

void
report_info(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void
report_prefix_push(const char *fmt, ...)
{
	size_t len = strlen(prefix);
	va_list ap;

	if (prefix_depth < 16)
		prefix_len[prefix_depth] = len;
	prefix_depth++;
	va_start(ap, fmt);
	vsnprintf(prefix + len, sizeof(prefix) - len, fmt, ap);
	va_end(ap);
	len = strlen(prefix);
	if (len + 2 < sizeof(prefix))
		memcpy(prefix + len, ": ", 3);
}

void
report_prefix_pop(void)
{
	if (prefix_depth == 0)
		return;
	prefix_depth--;
	if (prefix_depth < 16)
		prefix[prefix_len[prefix_depth]] = '\0';
}

int
report_failures(void)
{
	return n_fail;
}

int
report_summary(void)
{
	printf("1..%d\n", n_pass + n_fail);
	printf("# %d passed, %d failed\n", n_pass, n_fail);
	return n_fail == 0 && n_pass > 0 ? 0 : 1;
}
