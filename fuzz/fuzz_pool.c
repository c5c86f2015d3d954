/*
 * fuzz_pool.c: libFuzzer/AFL++ entry point for target "pool":
 * pool pages through the KVA cache and the direct map; each input runs on
 * both variants.
 * Runs are described in harness/input.c and target_common.c; a finding
 * abort()s after the report and the text repro are printed.
 */
#include "target_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct km_target *const fuzz_this_target = &km_targets[2];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_entry(fuzz_this_target, data, size);
}
