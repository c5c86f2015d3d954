/*
 * map_fixture.h: what the map tests share: the stubs' control API, a
 * panic expectation on top of report.h, and a fixture that makes an
 * empty kernel map over [min, max) with a pool of n entries (see
 * map_fixture.c).
 */
#ifndef KMFUZZ_MAP_FIXTURE_H
#define KMFUZZ_MAP_FIXTURE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uvm/uvm.h"
#include "report.h"

/* ---- map_stubs.c control API ---- */
extern jmp_buf *stub_catch;
extern char stub_panic_msg[];
extern bool stub_log_enabled;
extern char stub_log[];
extern unsigned long stub_pages_pgremove, stub_pages_intrsafe;
extern unsigned long stub_pages_premove, stub_pages_kremove, stub_nupdate;
extern unsigned int stub_nwait;
extern void (*stub_wait_fn)(void *, enum uvm_wait_reason, const void *);
extern void *stub_wait_arg;
void stub_pool_setup(unsigned int n);
unsigned int stub_pool_inuse(void);
unsigned int stub_nodes_inuse(void);
void stub_log_clear(void);

/*
 * EXPECT_PANIC: run `stmt', which must end in a KASSERT or panic whose
 * message contains each of the strings given.  One check either way;
 * a message missing a string is printed as an info line.
 */
#define EXPECT_PANIC(stmt, ...) do {					\
	jmp_buf jb_;							\
	const char *want_[] = { __VA_ARGS__ };				\
	volatile bool panicked_ = false, named_ = true;			\
	stub_catch = &jb_;						\
	if (setjmp(jb_) == 0) {						\
		stmt;							\
		stub_catch = NULL;					\
	} else {							\
		panicked_ = true;					\
		for (size_t i_ = 0; i_ < sizeof(want_) / sizeof(want_[0]); i_++) \
			if (strstr(stub_panic_msg, want_[i_]) == NULL)	\
				named_ = false;				\
	}								\
	if (!panicked_) {						\
		report(panicked_, "expected a panic from: %s", #stmt);	\
	} else {							\
		if (!named_)						\
			report_info("message: %s", stub_panic_msg);	\
		report(named_, "panic names what failed: %s", #stmt);	\
	}								\
} while (0)

/* ---- fixture ---- */
#define P		PAGE_SIZE
#define B		((vaddr_t)0xffff800000000000ULL)
#define PROT_RW		(VM_PROT_READ | VM_PROT_WRITE)

extern struct uvm U;		/* the fixture instance */
extern struct vm_map *K;	/* its kernel map */

void		setup(vaddr_t min, vaddr_t max, unsigned int nentries);
uvm_flag_t	mf(vm_prot_t prot, uvm_flag_t flags);
int		fixed(struct vm_map *m, vaddr_t pg, vsize_t npages,
		    uvm_flag_t flags);
long		fit(struct vm_map *m, vaddr_t hintpg, vsize_t npages,
		    vsize_t align, uvm_flag_t flags);
void		unmap_pages(struct vm_map *m, vaddr_t pg, vaddr_t endpg,
		    uvm_flag_t fl);
bool		sane(const struct vm_map *m);
const char	*layout(const struct vm_map *m);
bool		layout_is(const struct vm_map *m, const char *want);
void		expect_insane(const char *what, const char *substr);

void		test_random(void);	/* test_map_random.c */
void		test_random_deep(void);

#endif /* KMFUZZ_MAP_FIXTURE_H */
