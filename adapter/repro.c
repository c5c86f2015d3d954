/*
 * repro.c: repro_main, the runtime of C reproducers (repro.h).
 *
 * It builds the harness every fuzz target runs on (harness_host.h:
 * same instance, same addresses), parses the program's text, runs the
 * program's function under the host's catch point and then the
 * harness's end-of-program checks, and prints
 *	repro: FAILED: <report>        exit 1
 *	repro: clean: every check passed  exit 0
 * plus whether the finding is the one recorded in the file.
 */
#include <stdio.h>
#include <string.h>

#include "repro.h"

#define REPRO_MAX_OPS	HARNESS_MAX_OPS

static struct km_op repro_ops[REPRO_MAX_OPS];

static void
repro_note(void *arg, const char *text)
{
	(void)arg;
	printf("repro: note: %s\n", text);
}

struct repro_run {
	const struct repro	*r;
	struct harness		*h;
};

static void
repro_trampoline(void *arg)
{
	struct repro_run *x = arg;

	x->r->program(x->h);
}

int
repro_main(const struct repro *r)
{
	struct harness_config cfg = {
		.set = &km_opset_km, .checkers = true, .full_check_every = 1,
		.poolpage_direct_map = r->direct_map, .as_written = true,
		.note = repro_note, .property = r->property,
		.property_arg = r->property_arg,
	};
	struct harness_finding f;
	char err[256], msg[512], report[2048], sig[HARNESS_SIG_MAX];
	size_t n = 0;

	for (size_t i = 0; r->text[i] != NULL; i++) {
		int k = km_text_parse_line(r->text[i], strlen(r->text[i]),
		    &repro_ops[n], err, sizeof(err));
		if (k == KTEXT_EMPTY)
			continue;
		if (k != KTEXT_OK || n == REPRO_MAX_OPS) {
			printf("repro: line %zu of the program: %s\n", i + 1,
			    k != KTEXT_OK ? err : "too many ops");
			return 2;
		}
		repro_ops[n].line = (uint32_t)(i + 1);
		n++;
	}
	struct harness *h = harness_model_create(&cfg);
	if (h == NULL) {
		printf("repro: cannot create the pmap model\n");
		return 2;
	}
	struct repro_run x = { r, h };
	int res;
	if (r->program == NULL) {
		/* several CPUs, in the scheduler; the text asked for its
		   instance (noupdate) itself */
		h->cfg.as_written = false;
		h->cfg.allow_noupdate = true;
		res = harness_run_ops(h, repro_ops, n, &f);
		harness_model_destroy(h);
		if (res == HARNESS_BADINPUT) {
			printf("repro: %s\n", f.msg);
			return 2;
		}
		goto judged;
	}
	if (!harness_program_begin(h, repro_ops, n, &f)) {
		printf("repro: %s\n", f.msg);
		harness_model_destroy(h);
		return 2;
	}
	int hc = h->host.call(h->host.ctx, repro_trampoline, &x, msg,
	    sizeof(msg));
	if (hc != HCALL_OK)
		harness_op_abort(h, hc, msg);
	res = harness_program_end(h);
	harness_model_destroy(h);
judged:
	if (res != HARNESS_FINDING) {
		printf("repro: clean: every check passed (%zu ops)\n", n);
		if (r->signature != NULL)
			printf("repro: the recorded finding (%s) is gone\n",
			    r->signature);
		return 0;
	}
	harness_format_finding(&f, report, sizeof(report));
	harness_signature(&f, sig, sizeof(sig));
	printf("repro: FAILED: %s", report);
	if (r->signature == NULL)
		printf("repro: note: the program ran clean when it was "
		    "written\n");
	else if (!harness_signature_equal(sig, r->signature))
		printf("repro: note: not the recorded finding (%s)\n",
		    r->signature);
	else
		printf("repro: the recorded finding, reproduced\n");
	return 1;
}
