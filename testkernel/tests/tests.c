/* tests.c: the run order.  Add a group here and its file in meson.build. */
#include "tests.h"

const struct ktest ktests[] = {
	{ "boot", test_boot },
	{ "kpmap", test_kpmap },
	{ "platform", test_platform },
};
const unsigned ktests_count = sizeof(ktests) / sizeof(ktests[0]);
