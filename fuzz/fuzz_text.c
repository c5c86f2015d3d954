/*
 * fuzz_text.c: libFuzzer/AFL++ entry point for target "text":
 * the text parser: the input is op lines; parse errors are fine, crashes
 * and print/parse mismatches are not.
 * Runs are described in harness/input.c and target_common.c; a finding
 * abort()s after the report and the text repro are printed.
 */
#include "target_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const struct km_target *const fuzz_this_target = &km_targets[4];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_entry(fuzz_this_target, data, size);
}
