/*
 * memmap.c: the Multiboot v1 memory map, reduced to usable page ranges.
 *
 * With `-m 256M' QEMU reports about [0, 0x9fc00) and
 * [0x100000, 0xffe0000) as available.  We drop everything under 1 MiB
 * (BIOS data, page 0) and the kernel image [_kernel_start, _end), so with
 * a 300 KiB image the result is one range [0x14b000, 0xffe0000).  The
 * info block is read through the boot identity map, before kpmap_init
 * narrows it.
 *
 * Boot modules (QEMU: -initrd "FILE ARGS,FILE ARGS") are input files the
 * replay group runs.  QEMU puts them page aligned after the image and
 * after one page of its own (the info block and the strings), e.g. with
 * the image ending at 0x226400, a 44-byte module at [0x228000, 0x22802c):
 * their pages are cut out of the usable ranges like the image, so
 * nothing stolen or handed to the core can overwrite an input.  Their
 * strings ("PATH key=value ...") are copied, since QEMU's page is not
 * kept.
 */
#include "../lib/libc.h"
#include "arch.h"
#include "memmap.h"

#define MB_BOOT_MAGIC	0x2BADB002
#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)
#define MMAP_AVAILABLE	1

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mod {
	uint32_t start, end;		/* [start, end) physical */
	uint32_t string;		/* "PATH ARGS", NUL-terminated */
	uint32_t reserved;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;			/* of the rest, not counting itself */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct phys_range memmap_usable[MEMMAP_MAX];
unsigned memmap_nusable;
uint64_t memmap_phys_top;
struct boot_module memmap_mods[MEMMAP_MAX_MODS];
unsigned memmap_nmods;

#define PG	4096ull

/* The holes we never hand out: the image, then every module's pages. */
static struct phys_range holes[1 + MEMMAP_MAX_MODS];
static unsigned nholes;

/* Add [s, e) minus the holes from index h on. */
static void
add_range_from(uint64_t s, uint64_t e, unsigned h)
{
	s = (s + PG - 1) & ~(PG - 1);
	e &= ~(PG - 1);
	if (s < 0x100000)
		s = 0x100000;
	if (s >= e)
		return;
	for (; h < nholes; h++) {
		uint64_t hs = holes[h].start, he = holes[h].end;

		if (s < he && e > hs) {	/* split around the hole */
			add_range_from(s, hs, h + 1);
			add_range_from(he, e, h + 1);
			return;
		}
	}
	if (memmap_nusable == MEMMAP_MAX)
		kpanic("memmap: more than %d usable ranges", MEMMAP_MAX);
	memmap_usable[memmap_nusable++] = (struct phys_range){ s, e };
	if (e > memmap_phys_top)
		memmap_phys_top = e;
}

static void
add_range(uint64_t s, uint64_t e)
{
	add_range_from(s, e, 0);
}

/*
 * Copy the module list and make each module a hole.
 * => panics on more than MEMMAP_MAX_MODS modules (none is dropped
 *    silently: a replay must run every file it was given).
 */
static void
read_modules(const struct mb_info *mbi)
{
	const struct mb_mod *m;

	if (!(mbi->flags & MBI_MODS) || mbi->mods_count == 0)
		return;
	m = (const struct mb_mod *)(uint64_t)mbi->mods_addr;
	if (mbi->mods_count > MEMMAP_MAX_MODS)
		kpanic("memmap: %u boot modules, at most %d", mbi->mods_count,
		    MEMMAP_MAX_MODS);
	for (unsigned i = 0; i < mbi->mods_count; i++) {
		struct boot_module *b = &memmap_mods[memmap_nmods++];
		const char *str = (const char *)(uint64_t)m[i].string;
		size_t n = m[i].string != 0 ? strlen(str) : 0;

		if (m[i].end < m[i].start)
			kpanic("memmap: module %u ends before it starts "
			    "[%x, %x)", i, m[i].start, m[i].end);
		b->start = m[i].start;
		b->end = m[i].end;
		if (n >= sizeof(b->string))
			n = sizeof(b->string) - 1;
		memcpy(b->string, n ? str : "", n);
		b->string[n] = '\0';
		holes[nholes++] = (struct phys_range){ b->start & ~(PG - 1),
		    (b->end + PG - 1) & ~(PG - 1) };
	}
}

const char *
memmap_init(uint32_t magic, uint64_t info_pa)
{
	const struct mb_info *mbi = (const struct mb_info *)info_pa;

	if (magic != MB_BOOT_MAGIC)
		kpanic("not booted by Multiboot (magic %x)", magic);
	holes[nholes++] = (struct phys_range){ (uint64_t)_kernel_start,
	    (uint64_t)_end };
	read_modules(mbi);
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
	/* the direct map must reach every module too */
	for (unsigned i = 0; i < memmap_nmods; i++)
		if (holes[1 + i].end > memmap_phys_top)
			memmap_phys_top = holes[1 + i].end;
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
	for (unsigned i = 0; i < memmap_nmods; i++)
		kprintf("# module %u [%lx, %lx) %lu bytes: %s\n", i,
		    memmap_mods[i].start, memmap_mods[i].end,
		    memmap_mods[i].end - memmap_mods[i].start,
		    memmap_mods[i].string);
}
