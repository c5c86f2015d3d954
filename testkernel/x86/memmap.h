/*
 * memmap.h: physical memory as the Multiboot loader reported it, and a
 * boot-time allocator that carves reserved regions out of it.
 *
 *	memmap_init(info)	 parse; drop < 1 MiB and the kernel image
 *	memmap_steal(bytes)	 take page-aligned memory from the top of
 *				 the largest range (page-table pool, swap)
 *	memmap_usable[]		 what is left: the core's physical segments
 *	memmap_mods[]		 the boot modules (QEMU -initrd), kept out
 *				 of memmap_usable[]; read through kpmap_dmap
 */
#ifndef KT_MEMMAP_H
#define KT_MEMMAP_H

#include <stdint.h>

#define MEMMAP_MAX	16
#define MEMMAP_MAX_MODS	128
#define MEMMAP_MODSTR	256	/* a module's string, NUL included */

struct phys_range {
	uint64_t start, end;		/* [start, end), page aligned */
};

/* One Multiboot module: its bytes and its string ("PATH key=value"). */
struct boot_module {
	uint64_t start, end;		/* [start, end) physical, not aligned */
	char	string[MEMMAP_MODSTR];	/* cut if longer */
};

extern struct phys_range memmap_usable[MEMMAP_MAX];
extern struct boot_module memmap_mods[MEMMAP_MAX_MODS];
extern unsigned memmap_nmods;
extern unsigned memmap_nusable;
extern uint64_t memmap_phys_top;	/* end of the highest usable RAM */

/*
 * Parse the memory map and the module list.
 * => returns the command line (copied by the caller), or NULL
 */
const char *memmap_init(uint32_t magic, uint64_t info_pa);
/* => panics if no range is large enough */
uint64_t memmap_steal(uint64_t bytes);
/* Same, from the bottom of the first range that fits under `limit'. */
uint64_t memmap_steal_low(uint64_t bytes, uint64_t limit);
uint64_t memmap_usable_bytes(void);
void	memmap_print(void);

#endif /* KT_MEMMAP_H */
