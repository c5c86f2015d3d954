/*
 * report.c: TAP over the console, and the kernel's exit verdict.
 */
#include "report.h"

static unsigned nchecks, nfailed, nskipped;

bool
report_at(bool ok, const char *file, int line, const char *expr,
    const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (!ok)
		nfailed++;
	kprintf("%sok %u - ", ok ? "" : "not ", nchecks);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	if (!ok)
		kprintf(" # %s:%d %s", file, line, expr);
	kputs("\n");
	return ok;
}

void
report_skip(const char *name, const char *why)
{
	nchecks++;
	nskipped++;
	kprintf("ok %u - %s # SKIP %s\n", nchecks, name, why);
}

void
report_info(const char *fmt, ...)
{
	va_list ap;

	kputs("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputs("\n");
}

unsigned
report_failures(void)
{
	return nfailed;
}

void
report_summary(void)
{
	kprintf("1..%u\n", nchecks);
	if (nskipped)
		kprintf("# %u skipped\n", nskipped);
	/* the closing tally line CI reads: "N passed, N failed" */
	kprintf("# %u passed, %u failed\n", nchecks - nfailed - nskipped,
	    nfailed);
	arch_exit(nfailed ? KEXIT_FAIL : KEXIT_PASS);
}
