/*
 * report_contract.c: report.h's promises, held against the output and
 * exit status of report_selftest (its path is argv[1]), run once per
 * mode.  The exit statuses are also checked by meson without this
 * program (report/meson.build), so a report library that always said
 * "pass" could not vouch for itself here.
 *
 * Example: "report_selftest fail" must exit 1 and print, among others,
 *
 *	# line 49
 *	not ok 2 - three is four # FAILED .../report_selftest.c:49: three == 4
 *
 * which is_line() below matches as begin "not ok 2 - three is four #
 * FAILED " and end "report_selftest.c:49: three == 4".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "report.h"

static const char *selftest;
static char out[16384];

/* Run the selftest in `mode'; its stdout into out.  => exit status. */
static int
run(const char *mode)
{
	char cmd[4096];
	size_t len = 0, n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s", selftest, mode);
	out[0] = '\0';
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (len + 1 < sizeof(out) &&
	    (n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(p);
	report_info("report_selftest %s:\n%s", mode, out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Some output line begins with `begin' and ends with `end' (exact:
 * nothing in between).
 */
static bool
line_match(const char *begin, const char *end, bool exact)
{
	size_t bl = strlen(begin), el = strlen(end);

	for (const char *l = out; *l != '\0';) {
		const char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);

		if ((exact ? ll == bl + el : ll >= bl + el) &&
		    strncmp(l, begin, bl) == 0 &&
		    strncmp(l + ll - el, end, el) == 0)
			return true;
		l += ll + (nl ? 1 : 0);
	}
	return false;
}

static bool
is_line(const char *begin, const char *end)
{
	return line_match(begin, end, false);
}

/* Some output line is exactly `line'. */
static bool
has(const char *line)
{
	return line_match(line, "", true);
}

/* The source line named by the k-th "# line N" info line (k from 0). */
static int
marked(int k)
{
	const char *p = out;
	int n = -1;

	for (; k >= 0; k--) {
		if ((p = strstr(p, "# line ")) == NULL)
			return -1;
		p += 7;
		n = atoi(p);
	}
	return n;
}

/* The check marked k-th failed with its file:line, expression, values. */
static void
failing_line(int k, const char *what, const char *begin,
    const char *expr_and_values)
{
	char end[512];

	snprintf(end, sizeof(end), "report_selftest.c:%d: %s", marked(k),
	    expr_and_values);
	report(marked(k) > 0 && is_line(begin, end), "%s: not ok, "
	    "report_selftest.c:%d, expression and values", what, marked(k));
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: report_contract REPORT_SELFTEST\n");
		return 2;
	}
	selftest = argv[1];

	report_prefix_push("one passing check");
	REPORT_EQ(run("pass"), 0, "exits 0");
	report(has("ok 1 - one passing check") && has("1..1") &&
	    has("# 1 passed, 0 failed") && strstr(out, "not ok") == NULL,
	    "one ok line, the plan, the tally");
	report_prefix_pop();

	report_prefix_push("zero checks");
	REPORT_EQ(run("none"), 1, "exit 1");
	report(is_line("not ok 1 - no check ran", "checks > 0") &&
	    has("1..1") && has("# 0 passed, 1 failed"),
	    "a not ok line of their own says so");
	REPORT_EQ(run("skip"), 1, "only skips: exit 1");
	report(has("ok 1 - a check that cannot run # SKIP no hardware here")
	    && is_line("not ok 2 - no check ran", "checks > 0") &&
	    has("1..2") && has("# 0 passed, 1 failed, 1 skipped"),
	    "the skip line, then the failure, the skip in the tally");
	report_prefix_pop();

	report_prefix_push("a failing check");
	REPORT_EQ(run("fail"), 1, "exit 1");
	report(has("ok 1 - three == 3"), "CHECK describes itself by its "
	    "expression");
	failing_line(0, "report()", "not ok 2 - three is four # FAILED ",
	    "three == 4");
	report(has("1..2") && has("# 1 passed, 1 failed"), "plan and tally");
	report_prefix_pop();

	report_prefix_push("values");
	REPORT_EQ(run("values"), 1, "exit 1");
	report(has("ok 5 - NULL equals NULL") && !is_line("not ok 1", "") &&
	    !is_line("not ok 5", ""), "comparisons by value pass: "
	    "-1 < 0u, -1 != 0xffffffff, big ==, strings, NULLs");
	failing_line(0, "REPORT_EQ of ints",
	    "not ok 6 - an int off by one # FAILED ",
	    "minus + 4 == 4 (got 3, want 4)");
	failing_line(1, "REPORT_GE of big unsigned",
	    "not ok 7 - a big unsigned too small # FAILED ",
	    "big >= 0xffff800000002000ul (got 0xffff800000001000, "
	    "want >= 0xffff800000002000)");
	failing_line(2, "REPORT_STREQ", "not ok 8 - a layout # FAILED ",
	    "\"0-3 5-6\" == \"0-3 5-7\" (got \"0-3 5-6\", want \"0-3 5-7\")");
	failing_line(3, "REPORT_STREQ with NULL",
	    "not ok 9 - a string is not NULL # FAILED ",
	    "\"x\" == NULL (got \"x\", want NULL)");
	report(has("# 5 passed, 4 failed"), "tally");
	report_prefix_pop();

	report_prefix_push("prefixes and info");
	REPORT_EQ(run("prefix"), 0, "exit 0");
	report(has("ok 1 - outer 1: a") && has("ok 2 - outer 1: inner: b") &&
	    has("ok 3 - outer 1: c") && has("ok 4 - d"),
	    "nested prefixes, popped in order");
	report(has("# two") && has("# lines"),
	    "each info line its own comment line");
	report(has("ok 5 - new line in a description") && has("1..5"),
	    "a newline in a description stays on its line");
	report_prefix_pop();
	return report_summary();
}
