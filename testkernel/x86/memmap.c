/*
 * memmap.c: the Multiboot v1 memory map, reduced to usable page ranges.
 *
 * With `-m 256M' QEMU reports about [0, 0x9fc00) and
 * [0x100000, 0xffe0000) as available.  We drop everything under 1 MiB
 * (BIOS data, page 0) and the kernel image [_kernel_start, _end), so with
 * a 300 KiB image the result is one range [0x14b000, 0xffe0000).  The
 * info block is read through the boot identity map, before kpmap_init
 * narrows it.
 */
#include "../lib/libc.h"
#include "arch.h"
#include "memmap.h"

#define MB_BOOT_MAGIC	0x2BADB002
#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MMAP	(1u << 6)
#define MMAP_AVAILABLE	1

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;			/* of the rest, not counting itself */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct phys_range memmap_usable[MEMMAP_MAX];
unsigned memmap_nusable;
uint64_t memmap_phys_top;

#define PG	4096ull

/* Add [s, e) minus the holes we never hand out. */
static void
add_range(uint64_t s, uint64_t e)
{
	uint64_t ks = (uint64_t)_kernel_start, ke = (uint64_t)_end;

	s = (s + PG - 1) & ~(PG - 1);
	e &= ~(PG - 1);
	if (s < 0x100000)
		s = 0x100000;
	if (s >= e)
		return;
	if (s < ke && e > ks) {		/* split around the image */
		add_range(s, ks);
		add_range(ke, e);
		return;
	}
	if (memmap_nusable == MEMMAP_MAX)
		kpanic("memmap: more than %d usable ranges", MEMMAP_MAX);
	memmap_usable[memmap_nusable++] = (struct phys_range){ s, e };
	if (e > memmap_phys_top)
		memmap_phys_top = e;
}

const char *
memmap_init(uint32_t magic, uint64_t info_pa)
{
	const struct mb_info *mbi = (const struct mb_info *)info_pa;

	if (magic != MB_BOOT_MAGIC)
		kpanic("not booted by Multiboot (magic %x)", magic);
	if (mbi->flags & MBI_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		while (p < end) {
			const struct mb_mmap *m = (const struct mb_mmap *)p;

			if (m->type == MMAP_AVAILABLE)
				add_range(m->addr, m->addr + m->len);
			p += m->size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		/* no map: mem_upper KiB start at 1 MiB */
		add_range(0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024);
	}
	if (memmap_nusable == 0)
		kpanic("memmap: no usable memory reported");
	return (mbi->flags & MBI_CMDLINE) ? (const char *)(uint64_t)mbi->cmdline
	    : NULL;
}

uint64_t
memmap_steal(uint64_t bytes)
{
	struct phys_range *best = NULL;

	bytes = (bytes + PG - 1) & ~(PG - 1);
	for (unsigned i = 0; i < memmap_nusable; i++) {
		struct phys_range *r = &memmap_usable[i];

		if (r->end - r->start >= bytes &&
		    (best == NULL || r->end - r->start > best->end - best->start))
			best = r;
	}
	if (best == NULL)
		kpanic("memmap_steal: no range holds %lu bytes", bytes);
	best->end -= bytes;
	return best->end;
}

uint64_t
memmap_steal_low(uint64_t bytes, uint64_t limit)
{
	bytes = (bytes + PG - 1) & ~(PG - 1);
	for (unsigned i = 0; i < memmap_nusable; i++) {
		struct phys_range *r = &memmap_usable[i];

		if (r->end - r->start >= bytes && r->start + bytes <= limit) {
			r->start += bytes;
			return r->start - bytes;
		}
	}
	kpanic("memmap_steal_low: no %lu bytes below %lx", bytes, limit);
}

uint64_t
memmap_usable_bytes(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < memmap_nusable; i++)
		n += memmap_usable[i].end - memmap_usable[i].start;
	return n;
}

void
memmap_print(void)
{
	for (unsigned i = 0; i < memmap_nusable; i++)
		kprintf("# usable [%lx, %lx) %lu KiB\n", memmap_usable[i].start,
		    memmap_usable[i].end,
		    (memmap_usable[i].end - memmap_usable[i].start) >> 10);
}
