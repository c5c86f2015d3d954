/* tests.c: the run order.  Add a group here and its file in meson.build. */
#include "tests.h"

const struct ktest ktests[] = {
	{ "boot", test_boot },
	{ "kpmap", test_kpmap },
	{ "platform", test_platform },
#ifdef KT_HAVE_HARNESS			/* built with harness/ (meson.build) */
	{ "harness", test_harness },
	{ "replay", test_replay },	/* boot modules; skips without */
#endif
};
const unsigned ktests_count = sizeof(ktests) / sizeof(ktests[0]);
