/*
 * timer.c: calibrate the TSC against PIT channel 2 (Linux's
 * pit_calibrate_tsc recipe): gate on, speaker off, mode 0 with a 10 ms
 * count (11932 ticks of 1.193182 MHz), spin until OUT2 (port 0x61 bit 5)
 * rises, count TSC ticks meanwhile and multiply by 100.
 */
#include "arch.h"
#include "timer.h"

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT_B		0x61	/* bit 0 gate 2, bit 1 speaker, bit 5 OUT2 */
#define CAL_MS		10u
#define SPIN_MAX	100000000u

static uint64_t hz;
static int calibrated;

static uint64_t
calibrate(void)
{
	uint16_t latch = (uint16_t)(PIT_HZ * CAL_MS / 1000);
	uint64_t t0, t1;
	unsigned spins = 0;

	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);		/* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, (uint8_t)latch);
	outb(PIT_CH2, (uint8_t)(latch >> 8));
	t0 = rdtsc();
	while ((inb(PORT_B) & 0x20) == 0)
		if (++spins == SPIN_MAX)
			return 0;
	t1 = rdtsc();
	return (t1 - t0) * (1000 / CAL_MS);
}

uint64_t
tsc_hz(void)
{
	if (!calibrated) {
		hz = calibrate();
		calibrated = 1;
	}
	return hz;
}

uint64_t
tsc_to_us(uint64_t ticks)
{
	uint64_t f = tsc_hz();

	if (f == 0)
		return 0;
	/* ticks * 1e6 / f without overflow for any realistic run */
	return ticks / f * 1000000 + ticks % f * 1000000 / f;
}
