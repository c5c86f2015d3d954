/*
 * fuzz_map.c: libFuzzer/AFL++ entry point for target "map":
 * maps only: VA allocation, suballoc and drain, the fastest target.
 * Runs are described in harness/input.c and target_common.c; a finding
 * abort()s after the report and the text repro are printed.
 */
#include "target_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct km_target *const fuzz_this_target = &km_targets[1];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_entry(fuzz_this_target, data, size);
}
