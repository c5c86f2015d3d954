/*
 * uvm_km.h: the kernel-memory API (NetBSD uvm_km(9)).
 *
 * Functions that in NetBSD reach the global kernel map or kernel object
 * take the instance as their first argument here; the rest find it
 * through map->uvm.  Everything else keeps NetBSD's signature.
 */
#ifndef KMFUZZ_UVM_KM_H
#define KMFUZZ_UVM_KM_H

#include "uvm_param.h"

struct uvm;
struct vm_map;
struct vm_map_kernel;

#define KM_VACACHE_SIZE	(32 * PAGE_SIZE)	/* default KVA-cache chunk */

void	uvm_km_init(struct uvm *uvm, vaddr_t start, vaddr_t end);
struct vm_map *uvm_km_suballoc(struct vm_map *map, vaddr_t *vmin,
	    vaddr_t *vmax, vsize_t size, int flags, bool fixed,
	    struct vm_map_kernel *submap);
vaddr_t	uvm_km_alloc(struct vm_map *map, vsize_t size, vsize_t align,
	    uvm_flag_t flags);
void	uvm_km_free(struct vm_map *map, vaddr_t addr, vsize_t size,
	    uvm_flag_t flags);
void	uvm_km_pgremove(struct uvm *uvm, vaddr_t startva, vaddr_t endva);
void	uvm_km_pgremove_intrsafe(struct vm_map *map, vaddr_t start,
	    vaddr_t end);
void	uvm_km_check_empty(struct vm_map *map, vaddr_t start, vaddr_t end);
void	uvm_km_vacache_init(struct vm_map *map, const char *name,
	    size_t size);
void	uvm_km_va_drain(struct vm_map *map, uvm_flag_t flags);
vaddr_t	uvm_km_alloc_poolpage(struct vm_map *map, bool waitok);
vaddr_t	uvm_km_alloc_poolpage_cache(struct vm_map *map, bool waitok);
void	uvm_km_free_poolpage(struct vm_map *map, vaddr_t addr);
void	uvm_km_free_poolpage_cache(struct vm_map *map, vaddr_t addr);

#endif /* KMFUZZ_UVM_KM_H */
