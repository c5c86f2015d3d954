/*
 * fuzz_smp.c: libFuzzer/AFL++ entry point for target "smp": 2..4 virtual
 * CPUs on one instance, interleaved as the input's schedule says
 * (harness/smp.c, adapter/smp_host.c); every interleaving replays.
 * KMFUZZ_NOUPDATE=1 lets a schedule ask for NetBSD's non-DEBUG cached
 * pool-page free (no pmap_update), whose stale translations are then
 * findings; without it the policy drops that and says so.
 * Runs are described in harness/input.c and target_common.c; a finding
 * abort()s after the report and the text repro are printed.
 */
#include "target_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct km_target *const fuzz_this_target = &km_targets[5];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_entry(fuzz_this_target, data, size);
}
