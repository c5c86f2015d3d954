/*
 * fuzz_misuse.c: libFuzzer/AFL++ entry point for target "misuse":
 * valid programs ending in one invalid call, which must be caught.
 * Runs are described in harness/input.c and target_common.c; a finding
 * abort()s after the report and the text repro are printed.
 */
#include "target_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct km_target *const fuzz_this_target = &km_targets[3];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_entry(fuzz_this_target, data, size);
}
