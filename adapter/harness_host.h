/*
 * harness_host.h: the harness's host (struct harness_host) in userspace,
 * over one struct pmodel_host.
 *
 *	struct harness_config cfg = { .set = &km_opset_km, .checkers = true };
 *	struct harness *h = harness_model_create(&cfg);
 *	int r = harness_run_bytes(h, data, len, &finding);	// per input
 *	harness_model_destroy(h);
 *
 * One harness_model_create per process (or per variant), never per input:
 * the simulated arena, the swap store and the instance block are
 * allocated once and only reset between inputs (toolchain.md's
 * throughput table).  The instance is sized for fuzzing: 1024 managed
 * pages in 2 segments, 4 colors, 128 swap slots, 64 MiB of kernel VA.
 */
#ifndef KMFUZZ_HARNESS_HOST_H
#define KMFUZZ_HARNESS_HOST_H

#include "harness.h"
#include "host.h"

/* The instance every fuzz target and kmfuzz command runs on. */
#define HARNESS_MODEL_NPAGES		1024
#define HARNESS_MODEL_NSEG		2
#define HARNESS_MODEL_NCOLORS		4
#define HARNESS_MODEL_NSWAP		128
#define HARNESS_MODEL_KVA_SIZE		((vsize_t)64 << 20)
#define HARNESS_MODEL_MAPENTRIES	2048
#define HARNESS_MODEL_SUBMAPS		8
#define HARNESS_MODEL_POOLPAGES		256
#define HARNESS_MODEL_RESERVE_KERNEL	8
#define HARNESS_MODEL_RESERVE_PDAEMON	2

/* The default parameters above, as a struct pmodel_params. */
void	harness_model_params(struct pmodel_params *p);

/*
 * harness_model_create: a harness over a fresh pmodel host with `p'
 * (NULL: harness_model_params) and harness_init(h, host, cfg) done.
 * => the host routes waits to harness_wait(h, ...).
 * => returns NULL (reason on stderr) if memory or the params fail.
 */
struct harness	*harness_model_create(const struct harness_config *cfg);
struct harness	*harness_model_create_params(const struct harness_config *cfg,
		    const struct pmodel_params *p);
void		harness_model_destroy(struct harness *h);

/* The pmodel host under `h' (from harness_model_create only). */
struct pmodel_host *harness_model_pmodel(struct harness *h);

#endif /* KMFUZZ_HARNESS_HOST_H */
