/*
 * gen.c: the byte programs that properties and the test kernel draw.
 *
 * splitmix64 (a 64-bit counter through a mixing function) is enough:
 * the bytes only need to be reproducible from a printed seed and spread
 * evenly over the op space, which the decoder reduces modulo its limits.
 * harness_fill_random(&s, buf, 3) with s = 0 writes the low three bytes
 * of splitmix64's first output, e2 e3 b4 (0xe220a8397b1dcdaf).
 */
#include "harness.h"

uint64_t
harness_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
harness_fill_random(uint64_t *state, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = harness_splitmix64(state);
		for (size_t b = 0; b < 8 && i + b < len; b++)
			buf[i + b] = (uint8_t)(r >> (8 * b));
	}
}
