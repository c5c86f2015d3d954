/*
 * signature.h: the one name of a finding.
 *
 * Two failures are "the same bug" when their signatures are equal.  The
 * shrinker keeps the signature invariant, triage names and dedupes
 * findings by it (across targets), repro.txt records it and `kmfuzz run'
 * compares a replay against it.  Nothing else decides sameness.
 *
 *   a harness finding   "CHECKER OPCODE: MESSAGE"
 *       e.g. "leak free: free of aN returned N of its N wired pages"
 *       OPCODE is the failing op's name, or "end" for the checks after
 *       the last op.  MESSAGE is normalized (harness_normalize): every
 *       number (decimal or 0x hex) becomes N and every handle name (a3,
 *       p12, m1) its letter and N; identifiers keep their digits
 *       (uvm_unmap1 stays uvm_unmap1).
 *   a sanitizer report  "sanitizer KIND: FRAME1 < FRAME2 (FILE:LINE)"
 *       e.g. "sanitizer heap-use-after-free: uvm_pagefree < uvm_km_free
 *       (uvm_page.c:212)": the report's kind (normalized), the first two
 *       stack frames inside the project and the first one's file:line.
 *
 * Freestanding, so the test kernel names its findings the same way.
 */
#ifndef KMFUZZ_SIGNATURE_H
#define KMFUZZ_SIGNATURE_H

#include <stddef.h>
#include <stdbool.h>

struct harness_finding;

#define HARNESS_SIG_MAX		320	/* bytes, NUL included */

/* The signature of a harness finding.  => its length (snprintf-like). */
int	harness_signature(const struct harness_finding *f, char *buf,
	    size_t len);

/*
 * The signature of a sanitizer report (ASan, UBSan, LSan, libFuzzer's
 * deadly signal) found in text[0, n).  A frame is "in the project" when
 * its path contains one of the folder names in `dirs' (NULL-terminated,
 * e.g. { "/core/", "/harness/", NULL }).
 * => its length, or 0 (buf "") when the text holds no sanitizer report.
 */
int	harness_signature_sanitizer(const char *text, size_t n,
	    const char *const *dirs, char *buf, size_t len);

/*
 * in -> out with numbers and handle names normalized (see above).
 * => out is always NUL-terminated (cut if too short).
 */
void	harness_normalize(const char *in, char *out, size_t len);

/* Equal signatures?  (NULL or "" equals nothing.) */
bool	harness_signature_equal(const char *a, const char *b);

#endif /* KMFUZZ_SIGNATURE_H */
