/*
 * nostdlib_host.c: the smallest host that lets the core link with
 * -nostdlib -static: every platform and pmap hook as a stub, the four
 * mem* routines the compiler may call, and an entry point that boots an
 * instance over a static arena.  It proves the core needs nothing else;
 * scripts/check-freestanding links it with gcc and clang.
 */
#include "uvm/uvm.h"

void mutex_init(kmutex_t *m) { m->km_opaque[0] = 0; }
void mutex_destroy(kmutex_t *m) { (void)m; }
void mutex_enter(kmutex_t *m) { m->km_opaque[0] = 1; }
bool mutex_tryenter(kmutex_t *m) { mutex_enter(m); return true; }
void mutex_exit(kmutex_t *m) { m->km_opaque[0] = 0; }
bool mutex_owned(const kmutex_t *m) { return m->km_opaque[0] != 0; }
void uvm_platform_panic(const char *msg) { (void)msg; for (;;) { } }
void uvm_platform_wait(struct uvm *u, enum uvm_wait_reason w, const void *p,
    const char *m) { (void)u; (void)w; (void)p; (void)m; }
void uvm_platform_wakeup(struct uvm *u, const void *p) { (void)u; (void)p; }
int uvm_platform_swap_write(struct uvm *u, int s, paddr_t pa)
{ (void)u; (void)s; (void)pa; return 0; }
int uvm_platform_swap_read(struct uvm *u, int s, paddr_t pa)
{ (void)u; (void)s; (void)pa; return 0; }

struct pmap { int unused; };
void pmap_kenter_pa(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t p,
    unsigned int f) { (void)pm; (void)va; (void)pa; (void)p; (void)f; }
void pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t s)
{ (void)pm; (void)va; (void)s; }
int pmap_enter(struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t p,
    unsigned int f) { (void)pm; (void)va; (void)pa; (void)p; (void)f; return 0; }
void pmap_remove(struct pmap *pm, vaddr_t s, vaddr_t e)
{ (void)pm; (void)s; (void)e; }
bool pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa)
{ (void)pm; (void)va; (void)pa; return false; }
void pmap_update(struct pmap *pm) { (void)pm; }
void pmap_zero_page(struct pmap *pm, paddr_t pa) { (void)pm; (void)pa; }
void pmap_copy_page(struct pmap *pm, paddr_t s, paddr_t d)
{ (void)pm; (void)s; (void)d; }
vaddr_t pmap_map_poolpage(struct pmap *pm, paddr_t pa) { (void)pm; return pa; }
paddr_t pmap_unmap_poolpage(struct pmap *pm, vaddr_t va) { (void)pm; return va; }
void pmap_page_freed(struct pmap *pm, paddr_t pa) { (void)pm; (void)pa; }
void pmap_page_allocated(struct pmap *pm, paddr_t pa) { (void)pm; (void)pa; }

void *memset(void *d, int c, size_t n) { return uvm_memset(d, c, n); }
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dd = d; const unsigned char *ss = s;
	while (n--) *dd++ = *ss++;
	return d;
}
void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dd = d; const unsigned char *ss = s;
	if (dd < ss) { while (n--) *dd++ = *ss++; }
	else { while (n--) dd[n] = ss[n]; }
	return d;
}
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
	return 0;
}

static _Alignas(16) unsigned char arena[1 << 20];
static struct pmap the_pmap;

void _start(void);
void
_start(void)
{
	struct uvm_config cfg = {
		.kva_min = 0xffffffff80000000UL,
		.kva_start = 0xffffffff80100000UL,
		.kva_max = 0xffffffff84000000UL,
		.seg = { { 0x100000, 0x200000 } }, .nseg = 1, .ncolors = 1,
		.nswap = 16, .max_map_entries = 64, .max_submaps = 2,
		.max_pool_pages = 4, .pmap = &the_pmap,
	};
	char why[64];
	struct uvm *uvm = uvm_create(&cfg, arena, sizeof(arena), why,
	    sizeof(why));
	if (uvm != NULL)
		uvm_km_free(uvm->kernel_map, uvm_km_alloc(uvm->kernel_map,
		    PAGE_SIZE, 0, UVM_KMF_VAONLY), PAGE_SIZE, UVM_KMF_VAONLY);
	for (;;) { }
}
