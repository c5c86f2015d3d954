/*
 * map_fixture.c: the map tests' fixture (map_fixture.h).
 * The map under test is a kernel map of a zeroed struct uvm whose
 * entries come from map_stubs.c's pool; layouts are printed in pages
 * relative to the map base: "0-3 5-6" is [B, B+3p) and [B+5p, B+6p).
 */
#include "map_fixture.h"

/* ---- fixture ---- */

struct uvm U;
struct vm_map *K;		/* the kernel map of U */
static int pmap_dummy;

void
setup(vaddr_t min, vaddr_t max, unsigned int nentries)
{
	memset(&U, 0, sizeof(U));
	U.pmap = (struct pmap *)&pmap_dummy;
	U.kernel_object = &U.kernel_object_store;
	uvm_map_setup_kernel(&U.kernel_map_store, &U, min, max,
	    VM_MAP_PAGEABLE);
	K = U.kernel_map = &U.kernel_map_store.vmk_map;
	stub_pool_setup(nentries);
	stub_log_clear();
	stub_wait_fn = NULL;
	stub_nwait = 0;
}

uvm_flag_t
mf(vm_prot_t prot, uvm_flag_t flags)
{
	return UVM_MAPFLAG(prot, UVM_PROT_ALL, UVM_INH_NONE, UVM_ADV_RANDOM,
	    flags);
}

/* Map `npages' at page `pg' of K exactly (FIXED), no object. */
int
fixed(struct vm_map *m, vaddr_t pg, vsize_t npages, uvm_flag_t flags)
{
	vaddr_t va = m->min_offset + pg * P;

	return uvm_map(m, &va, npages * P, NULL, UVM_UNKNOWN_OFFSET, 0,
	    mf(PROT_RW, UVM_FLAG_FIXED | flags));
}

/* First fit at or above page `hintpg'; returns the page or -1. */
long
fit(struct vm_map *m, vaddr_t hintpg, vsize_t npages, vsize_t align,
    uvm_flag_t flags)
{
	vaddr_t va = m->min_offset + hintpg * P;

	if (uvm_map(m, &va, npages * P, NULL, UVM_UNKNOWN_OFFSET, align,
	    mf(PROT_RW, flags)) != 0)
		return -1;
	return (long)((va - m->min_offset) / P);
}

void
unmap_pages(struct vm_map *m, vaddr_t pg, vaddr_t endpg, uvm_flag_t fl)
{
	uvm_unmap1(m, m->min_offset + pg * P, m->min_offset + endpg * P, fl);
}

bool
sane(const struct vm_map *m)
{
	char why[256];

	if (uvm_map_sanity(m, why, sizeof(why)) == 0)
		return true;
	report_info("sanity: %s", why);
	return false;
}

/* "0-3 5-6": entries in pages relative to the map base. */
const char *
layout(const struct vm_map *m)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (const struct vm_map_entry *e = m->first; e != NULL;
	    e = e->next)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%llu-%llu",
		    len ? " " : "",
		    (unsigned long long)((e->start - m->min_offset) / P),
		    (unsigned long long)((e->end - m->min_offset) / P));
	return buf;
}

bool
layout_is(const struct vm_map *m, const char *want)
{
	const char *got = layout(m);

	if (strcmp(got, want) == 0)
		return true;
	report_info("layout \"%s\", want \"%s\"", got, want);
	return false;
}

/* ---- corruption: the checker must notice and say where ---- */

void
expect_insane(const char *what, const char *substr)
{
	char why[256];
	int r = uvm_map_sanity(K, why, sizeof(why));

	if (r == 0)
		why[0] = '\0';
	report_info("%s -> \"%s\"", what, why);
	report(r == -1 && strstr(why, substr) != NULL, "%s", what);
}

