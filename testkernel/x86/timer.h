/*
 * timer.h: wall-clock time from the TSC, calibrated once against the
 * PIT (channel 2, 10 ms), for throughput figures such as ops/s.  Under
 * TCG both run off the host clock, so the figures are real seconds.
 */
#ifndef KT_TIMER_H
#define KT_TIMER_H

#include <stdint.h>

/* TSC ticks per second; 0 if the PIT never answered. */
uint64_t tsc_hz(void);
/* Microseconds between two rdtsc() readings (0 if uncalibrated). */
uint64_t tsc_to_us(uint64_t ticks);

#endif /* KT_TIMER_H */
