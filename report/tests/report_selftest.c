/*
 * report_selftest.c: tiny programs on the report library, one per mode,
 * whose exit status and output report_contract.c (and meson's
 * should_fail tests) hold against report.h's promises.
 *
 *	report_selftest pass	one passing check: exit 0
 *	report_selftest none	no check at all: exit 1
 *	report_selftest skip	only skips: exit 1
 *	report_selftest fail	a passing and a failing check: exit 1
 *	report_selftest values	failing comparisons print both values
 *	report_selftest prefix	nested prefixes, info lines
 *
 * Before each check meant to fail, an info line names the source line
 * of that check ("# line N"), so the contract test knows what
 * "file:line" to look for.
 */
#include <string.h>

#include "report.h"

static int
mode_pass(void)
{
	report(1 + 1 == 2, "one passing check");
	return report_summary();
}

static int
mode_none(void)
{
	report_info("nothing is checked here");
	return report_summary();
}

static int
mode_skip(void)
{
	report_skip("a check that cannot run", "no %s here", "hardware");
	return report_summary();
}

static int
mode_fail(void)
{
	int three = 3;

	CHECK(three == 3);
	report_info("line %d", __LINE__ + 1);
	report(three == 4, "three is four");
	return report_summary();
}

static int
mode_values(void)
{
	unsigned long big = 0xffff800000001000ul;
	int minus = -1;

	/* passing: by value, not by C's conversions (-1 < 0u) */
	REPORT_LT(minus, 0u, "-1 < 0u by value");
	REPORT_NE(minus, (unsigned)-1, "-1 != 0xffffffff by value");
	REPORT_EQ(big, 0xffff800000001000ul, "a big unsigned equal");
	REPORT_STREQ("abc", "abc", "strings equal");
	REPORT_STREQ(NULL, NULL, "NULL equals NULL");
	/* failing, each printing both sides */
	report_info("line %d", __LINE__ + 1);
	REPORT_EQ(minus + 4, 4, "an int off by one");
	report_info("line %d", __LINE__ + 1);
	REPORT_GE(big, 0xffff800000002000ul, "a big unsigned too small");
	report_info("line %d", __LINE__ + 1);
	REPORT_STREQ("0-3 5-6", "0-3 5-7", "a layout");
	report_info("line %d", __LINE__ + 1);
	REPORT_STREQ("x", NULL, "a string is not NULL");
	return report_summary();
}

static int
mode_prefix(void)
{
	report_prefix_push("outer %d", 1);
	report(true, "a");
	report_prefix_push("inner");
	report(true, "b");
	report_info("two\nlines");
	report_prefix_pop();
	report(true, "c");
	report_prefix_pop();
	report(true, "d");
	report(true, "new\nline in a description");
	return report_summary();
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(void);
	} modes[] = {
		{ "pass", mode_pass }, { "none", mode_none },
		{ "skip", mode_skip }, { "fail", mode_fail },
		{ "values", mode_values }, { "prefix", mode_prefix },
	};

	for (size_t i = 0; argc == 2 && i < sizeof(modes) / sizeof(modes[0]);
	    i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].fn();
	report_info("usage: report_selftest pass|none|skip|fail|values|prefix");
	return 2;
}
