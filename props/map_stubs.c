/*
 * map_stubs.c: the host side of core/uvm_map.c for test_map.c.
 *
 * uvm_map.c is compiled unmodified; everything it calls is defined here,
 * in two kinds:
 *  - plain stubs: uvm_memset, uvm_vsnprintf/uvm_snprintf (over libc),
 *    mutexes that remember whether they are held (single-threaded, so a
 *    mutex_enter on a held lock is a deadlock and reported as a panic);
 *  - test hooks: an entry pool of a chosen size whose free entries are
 *    poisoned (so uvm_map.c must set every field it relies on; not while
 *    benchmarking, when stub_log_enabled is false), a log of
 *    pmap/pgremove calls with page counters, a VA-wait hook the test
 *    supplies, and KASSERT/panic that longjmp to the test when armed.
 *
 * Example: stub_pool_setup(3) then four NOMERGE uvm_map() calls: the
 * fourth sees uvm_mapent_alloc() return NULL and must return ENOMEM;
 * stub_pool_inuse() stays 3.
 *
 * The control API is declared again at the top of test_map.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "uvm/uvm.h"

#define STUB_POISON	0xa5

jmp_buf		*stub_catch;		/* armed: KASSERT/panic land here */
char		stub_panic_msg[1024];	/* the last KASSERT/panic message */
bool		stub_log_enabled = true;
char		stub_log[8192];		/* one line per pmap/pgremove call */
unsigned long	stub_pages_pgremove, stub_pages_intrsafe;
unsigned long	stub_pages_premove, stub_pages_kremove, stub_nupdate;
unsigned int	stub_nwait;
void		(*stub_wait_fn)(void *arg, enum uvm_wait_reason why,
		    const void *what);
void		*stub_wait_arg;

static struct vm_map_entry	*stub_pool, *stub_free;
static unsigned int		stub_pool_n, stub_inuse;

/* ---- reporting a fatal condition back to the test ---- */

static void __attribute__((noreturn))
stub_fatal(const char *msg)
{
	snprintf(stub_panic_msg, sizeof(stub_panic_msg), "%s", msg);
	if (stub_catch != NULL) {
		jmp_buf *jb = stub_catch;

		stub_catch = NULL;
		longjmp(*jb, 1);
	}
	fprintf(stderr, "unexpected panic: %s\n", msg);
	abort();
}

/*
 * The core's own formatter and assertion path (core/uvm_subr.c) are
 * linked in unmodified; only the platform's panic is ours: it hands the
 * message back to the test instead of ending the run.
 */
void
uvm_platform_panic(const char *msg)
{
	stub_fatal(msg);
}

/* ---- mutexes: km_opaque[0] is "held" ---- */

void	mutex_init(kmutex_t *m)		{ memset(m, 0, sizeof(*m)); }
void	mutex_destroy(kmutex_t *m)	{ (void)m; }
bool	mutex_owned(const kmutex_t *m)	{ return m->km_opaque[0] != 0; }

void
mutex_enter(kmutex_t *m)
{
	if (m->km_opaque[0] != 0)
		stub_fatal("mutex_enter: lock already held (deadlock)");
	m->km_opaque[0] = 1;
}

bool
mutex_tryenter(kmutex_t *m)
{
	if (m->km_opaque[0] != 0)
		return false;
	m->km_opaque[0] = 1;
	return true;
}

void
mutex_exit(kmutex_t *m)
{
	if (m->km_opaque[0] == 0)
		stub_fatal("mutex_exit: lock not held");
	m->km_opaque[0] = 0;
}

/* ---- the entry pool ---- */

static void	stub_nodes_reset(void);

void
stub_pool_setup(unsigned int n)
{
	stub_nodes_reset();
	free(stub_pool);
	stub_pool = calloc(n ? n : 1, sizeof(*stub_pool));
	if (stub_pool == NULL)
		abort();
	stub_pool_n = n;
	stub_inuse = 0;
	stub_free = NULL;
	for (unsigned int i = n; i-- > 0; ) {
		memset(&stub_pool[i], STUB_POISON, sizeof(stub_pool[i]));
		stub_pool[i].flags = 0;
		stub_pool[i].next = stub_free;
		stub_free = &stub_pool[i];
	}
}

unsigned int
stub_pool_inuse(void)
{
	return stub_inuse;
}

struct vm_map_entry *
uvm_mapent_alloc(struct uvm *uvm)
{
	struct vm_map_entry *e = stub_free;

	(void)uvm;
	if (e == NULL)
		return NULL;
	stub_free = e->next;
	if (stub_log_enabled)		/* off while benchmarking */
		memset(e, STUB_POISON, sizeof(*e));
	e->flags = UVM_MAP_ALLOCATED;
	stub_inuse++;
	return e;
}

void
uvm_mapent_free(struct uvm *uvm, struct vm_map_entry *e)
{
	(void)uvm;
	if (e < stub_pool || e >= stub_pool + stub_pool_n)
		stub_fatal("uvm_mapent_free: entry not from the pool");
	if ((e->flags & UVM_MAP_ALLOCATED) == 0)
		stub_fatal("uvm_mapent_free: entry freed twice");
	if (stub_log_enabled)
		memset(e, STUB_POISON, sizeof(*e));
	e->flags = 0;
	e->next = stub_free;
	stub_free = e;
	stub_inuse--;
}

/*
 * B-tree nodes: from malloc, on a list of live ones (stub_pool_setup
 * frees what a dropped map still held), so a node the index uses after
 * freeing it is an ASan report.
 */
struct stub_node {
	struct stub_node	*prev, *next;
	struct vm_map_node	nd;
};
static struct stub_node	stub_nodes_live = { &stub_nodes_live,
			    &stub_nodes_live, { 0 } };
static unsigned int	stub_nodes;

unsigned int
stub_nodes_inuse(void)
{
	return stub_nodes;
}

static void
stub_nodes_reset(void)
{
	while (stub_nodes_live.next != &stub_nodes_live) {
		struct stub_node *sn = stub_nodes_live.next;

		stub_nodes_live.next = sn->next;
		free(sn);
	}
	stub_nodes_live.prev = &stub_nodes_live;
	stub_nodes = 0;
}

struct vm_map_node *
uvm_mapnode_alloc(struct uvm *uvm)
{
	struct stub_node *sn = malloc(sizeof(*sn));

	(void)uvm;
	if (sn == NULL)
		abort();
	memset(&sn->nd, STUB_POISON, sizeof(sn->nd));
	sn->next = stub_nodes_live.next;
	sn->prev = &stub_nodes_live;
	sn->next->prev = sn;
	stub_nodes_live.next = sn;
	stub_nodes++;
	return &sn->nd;
}

void
uvm_mapnode_free(struct uvm *uvm, struct vm_map_node *nd)
{
	struct stub_node *sn = (struct stub_node *)(void *)((char *)nd -
	    offsetof(struct stub_node, nd));

	(void)uvm;
	if (stub_nodes == 0)
		stub_fatal("uvm_mapnode_free: more nodes freed than taken");
	sn->prev->next = sn->next;
	sn->next->prev = sn->prev;
	stub_nodes--;
	free(sn);
}

/* ---- the call log ---- */

void
stub_log_clear(void)
{
	stub_log[0] = '\0';
	stub_pages_pgremove = stub_pages_intrsafe = 0;
	stub_pages_premove = stub_pages_kremove = stub_nupdate = 0;
}

static void
stub_logf(const char *fmt, ...)
{
	size_t len = strlen(stub_log);
	va_list ap;

	if (!stub_log_enabled)
		return;
	va_start(ap, fmt);
	vsnprintf(stub_log + len, sizeof(stub_log) - len, fmt, ap);
	va_end(ap);
}

void
pmap_remove(struct pmap *pm, vaddr_t s, vaddr_t e)
{
	(void)pm;
	stub_pages_premove += atop(e - s);
	stub_logf("pmap_remove 0x%llx 0x%llx\n", (unsigned long long)s,
	    (unsigned long long)e);
}

void
pmap_kremove(struct pmap *pm, vaddr_t va, vsize_t size)
{
	(void)pm;
	stub_pages_kremove += atop(size);
	stub_logf("pmap_kremove 0x%llx 0x%llx\n", (unsigned long long)va,
	    (unsigned long long)size);
}

void
pmap_update(struct pmap *pm)
{
	(void)pm;
	stub_nupdate++;
}

void
uvm_km_pgremove(struct uvm *uvm, vaddr_t s, vaddr_t e)
{
	(void)uvm;
	stub_pages_pgremove += atop(e - s);
	stub_logf("pgremove 0x%llx 0x%llx\n", (unsigned long long)s,
	    (unsigned long long)e);
}

void
uvm_km_pgremove_intrsafe(struct vm_map *map, vaddr_t s, vaddr_t e)
{
	if (!mutex_owned(&map->lock))
		stub_fatal("uvm_km_pgremove_intrsafe: map not locked");
	stub_pages_intrsafe += atop(e - s);
	stub_logf("pgremove_intrsafe 0x%llx 0x%llx\n",
	    (unsigned long long)s, (unsigned long long)e);
}

/* ---- waiting ---- */

/* Nobody sleeps on another thread here: a wakeup has no one to wake. */
void
uvm_platform_wakeup(struct uvm *uvm, const void *chan)
{
	(void)uvm;
	(void)chan;
}

void
uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	(void)uvm;
	(void)wmesg;
	stub_nwait++;
	if (stub_wait_fn == NULL || stub_nwait > 100)
		stub_fatal("uvm_platform_wait: would block forever");
	stub_wait_fn(stub_wait_arg, why, what);
}
