/*
 * host_platform.c: uvm_platform.h for userspace: pthread mutexes, a
 * panic the harness can catch, waits dispatched to the harness, the
 * in-memory swap device and the console.
 *
 * State.  The only process-wide state is per thread: the stack of catch
 * points (the panic hook has no instance, see uvm_platform.h) and a
 * one-byte token whose address names the thread as a lock owner.  All
 * else hangs off struct pmodel_host (uvm->host), one per instance.
 *
 * Example: the harness holds kernel_map's lock "elsewhere" and calls
 * uvm_km_alloc without TRYLOCK.  The core's mutex_enter finds the lock
 * taken by this very thread on another CPU's behalf and throws
 *	"would block: mutex 0x... held elsewhere"
 * to the harness' catch point, which reports a would-block finding.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static _Thread_local struct pmodel_catch *catch_top;
static _Thread_local char thread_token;
#define SELF	((uintptr_t)&thread_token)

/* ------------------------------------------------------------------ */
/* catching */

void
pmodel_catch_push(struct pmodel_catch *c)
{
	c->cc_prev = catch_top;
	c->cc_active = true;
	c->cc_kind = PMODEL_CAUGHT_NONE;
	c->cc_msg[0] = '\0';
	catch_top = c;
}

void
pmodel_catch_pop(struct pmodel_catch *c)
{
	if (!c->cc_active)
		return;		/* a throw already unlinked it */
	if (catch_top != c) {
		/* an inner catch point's frame is gone: unrecoverable */
		fprintf(stderr, "pmodel: catch point %p popped while %p is "
		    "innermost (PMODEL_TRY body left by return/break/goto?)\n",
		    (void *)c, (void *)catch_top);
		abort();
	}
	catch_top = c->cc_prev;
	c->cc_active = false;
}

bool
pmodel_catch_active(void)
{
	return catch_top != NULL;
}

void
pmodel_throw(int kind, const char *msg)
{
	struct pmodel_catch *c = catch_top;

	if (c == NULL) {
		fprintf(stderr, "kmfuzz %s: %s\n",
		    kind == PMODEL_CAUGHT_WOULDBLOCK ? "would-block" : "panic",
		    msg);
		abort();
	}
	if (msg != c->cc_msg)
		snprintf(c->cc_msg, sizeof(c->cc_msg), "%s", msg);
	c->cc_kind = kind;
	catch_top = c->cc_prev;
	c->cc_active = false;
	longjmp(c->cc_jb, 1);
}

void
pmodel_panicf(const char *fmt, ...)
{
	char buf[PMODEL_CATCH_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pmodel_throw(PMODEL_CAUGHT_PANIC, buf);
}

void
pmodel_wouldblockf(const char *fmt, ...)
{
	char buf[PMODEL_CATCH_MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pmodel_throw(PMODEL_CAUGHT_WOULDBLOCK, buf);
}

/* The setjmp sits in this frame, which is live for all of fn(arg). */
int
pmodel_catch_call(struct pmodel_catch *c, void (*fn)(void *), void *arg)
{
	pmodel_catch_push(c);
	if (setjmp(c->cc_jb) != 0)
		return c->cc_kind;
	fn(arg);
	pmodel_catch_pop(c);
	return PMODEL_CAUGHT_NONE;
}

void
uvm_platform_panic(const char *msg)
{
	pmodel_throw(PMODEL_CAUGHT_PANIC, msg);
}

/* ------------------------------------------------------------------ */
/* mutexes */

#define HMUTEX_MAGIC	0x6b6d7478u	/* "kmtx" */

/*
 * The pthread mutex orders everything; the owner and "elsewhere" words
 * are only read by the thread that may hold the lock, so they need no
 * ordering of their own (relaxed: a seq_cst store costs an xchg).
 */
struct hmutex {
	pthread_mutex_t		hm_mtx;
	_Atomic uintptr_t	hm_owner;	/* SELF of the holder, 0 free */
	_Atomic int		hm_elsewhere;	/* held via pmodel_hold_lock */
	uint32_t		hm_magic;
};
_Static_assert(sizeof(struct hmutex) <= sizeof(kmutex_t),
    "kmutex_t too small for a pthread mutex");
_Static_assert(_Alignof(struct hmutex) <= _Alignof(kmutex_t),
    "kmutex_t under-aligned for a pthread mutex");

static struct hmutex *
hm(const kmutex_t *m, const char *fn)
{
	struct hmutex *h = (struct hmutex *)(uintptr_t)m;

	if (h->hm_magic != HMUTEX_MAGIC)
		pmodel_panicf("%s: mutex %p is not initialized", fn,
		    (const void *)m);
	return h;
}

void
mutex_init(kmutex_t *m)
{
	struct hmutex *h = (struct hmutex *)(void *)m;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&h->hm_mtx, NULL);
	atomic_store_explicit(&h->hm_owner, 0, memory_order_relaxed);
	atomic_store_explicit(&h->hm_elsewhere, 0, memory_order_relaxed);
	h->hm_magic = HMUTEX_MAGIC;
}

void
mutex_destroy(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_destroy");

	if (atomic_load_explicit(&h->hm_owner, memory_order_relaxed) != 0)
		pmodel_panicf("mutex_destroy: mutex %p is held", (void *)m);
	h->hm_magic = 0;
	pthread_mutex_destroy(&h->hm_mtx);
}

void
mutex_enter(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_enter");

	if (pthread_mutex_trylock(&h->hm_mtx) == 0) {
		atomic_store_explicit(&h->hm_owner, SELF, memory_order_relaxed);
		return;
	}
	if (atomic_load_explicit(&h->hm_owner, memory_order_relaxed) == SELF) {
		if (atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
			pmodel_wouldblockf("would block: mutex %p held "
			    "elsewhere", (void *)m);
		pmodel_panicf("mutex_enter: locking against myself: mutex %p",
		    (void *)m);
	}
	/* a real other thread holds it: sleep as a kernel would */
	pthread_mutex_lock(&h->hm_mtx);
	atomic_store_explicit(&h->hm_owner, SELF, memory_order_relaxed);
}

bool
mutex_tryenter(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_tryenter");

	if (pthread_mutex_trylock(&h->hm_mtx) == 0) {
		atomic_store_explicit(&h->hm_owner, SELF, memory_order_relaxed);
		return true;
	}
	if (atomic_load_explicit(&h->hm_owner, memory_order_relaxed) == SELF &&
	    !atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
		pmodel_panicf("mutex_tryenter: locking against myself: "
		    "mutex %p", (void *)m);
	return false;
}

void
mutex_exit(kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_exit");

	if (atomic_load_explicit(&h->hm_owner, memory_order_relaxed) != SELF ||
	    atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed))
		pmodel_panicf("mutex_exit: mutex %p not held by the caller",
		    (void *)m);
	atomic_store_explicit(&h->hm_owner, 0, memory_order_relaxed);
	pthread_mutex_unlock(&h->hm_mtx);
}

bool
mutex_owned(const kmutex_t *m)
{
	struct hmutex *h = hm(m, "mutex_owned");

	return atomic_load_explicit(&h->hm_owner, memory_order_relaxed) == SELF &&
	    !atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed);
}

bool
pmodel_hold_lock(kmutex_t *m)
{
	struct hmutex *h = hm(m, "pmodel_hold_lock");

	if (pthread_mutex_trylock(&h->hm_mtx) != 0)
		return false;
	atomic_store_explicit(&h->hm_elsewhere, 1, memory_order_relaxed);
	atomic_store_explicit(&h->hm_owner, SELF, memory_order_relaxed);
	return true;
}

void
pmodel_release_lock(kmutex_t *m)
{
	struct hmutex *h = hm(m, "pmodel_release_lock");

	if (!atomic_load_explicit(&h->hm_elsewhere, memory_order_relaxed) ||
	    atomic_load_explicit(&h->hm_owner, memory_order_relaxed) != SELF)
		pmodel_panicf("pmodel_release_lock: mutex %p not held "
		    "elsewhere", (void *)m);
	atomic_store_explicit(&h->hm_elsewhere, 0, memory_order_relaxed);
	atomic_store_explicit(&h->hm_owner, 0, memory_order_relaxed);
	pthread_mutex_unlock(&h->hm_mtx);
}

bool
pmodel_lock_held_elsewhere(const kmutex_t *m)
{
	return atomic_load(&hm(m, "pmodel_lock_held_elsewhere")->hm_elsewhere)
	    != 0;
}

/* ------------------------------------------------------------------ */
/* waits, swap, console */

static struct pmodel_host *
host_of(struct uvm *uvm, const char *fn)
{
	if (uvm == NULL || uvm->host == NULL)
		pmodel_panicf("%s: instance %p has no host", fn, (void *)uvm);
	return uvm->host;
}

/*
 * uvm_platform_wait: hand the wait to the harness' callback.
 * => no callback, or more than wait_limit waits: a would-block throw.
 */
void
uvm_platform_wait(struct uvm *uvm, enum uvm_wait_reason why,
    const void *what, const char *wmesg)
{
	static const char *const reason[] = {
		[UVM_WAIT_PAGES] = "pages", [UVM_WAIT_BUSYPAGE] = "busy page",
		[UVM_WAIT_VA] = "va",
	};
	struct pmodel_host *h = host_of(uvm, "uvm_platform_wait");
	const char *r = (unsigned)why < 3 ? reason[why] : "?";

	if (wmesg == NULL)
		wmesg = "-";
	if (h->wait_fn == NULL)
		pmodel_wouldblockf("would block: %s wait \"%s\" on %p with no "
		    "waiter installed", r, wmesg, what);
	if (h->wait_limit != 0 && h->nwaits >= h->wait_limit)
		pmodel_wouldblockf("would block: %s wait \"%s\" on %p after "
		    "%lu waits (wait loop)", r, wmesg, what, h->nwaits);
	h->nwaits++;
	h->wait_fn(h->wait_arg, uvm, why, what, wmesg);
}

void
pmodel_host_set_wait(struct pmodel_host *h, pmodel_wait_fn fn, void *arg)
{
	h->wait_fn = fn;
	h->wait_arg = arg;
}

void
pmodel_host_set_wait_limit(struct pmodel_host *h, unsigned long limit)
{
	h->wait_limit = limit;
	h->nwaits = 0;
}

/* The swap slot's storage, or NULL if `slot' is out of range. */
static unsigned char *
swap_slot(struct pmodel_host *h, int slot)
{
	if (slot < 1 || (unsigned int)slot > h->nswap)
		return NULL;
	return h->swap + (size_t)(slot - 1) * PAGE_SIZE;
}

static void *
swap_frame(struct pmodel_host *h, paddr_t pa, const char *fn, int slot)
{
	if ((pa & PAGE_MASK) != 0 || !pmodel_frame_is_managed(h->pmap, pa) ||
	    pmodel_frame_is_free(h->pmap, pa))
		pmodel_panicf("%s: slot %d: pa %#llx is not an allocated page",
		    fn, slot, (unsigned long long)pa);
	return pmodel_phys(h->pmap, pa);
}

int
uvm_platform_swap_write(struct uvm *uvm, int slot, paddr_t pa)
{
	struct pmodel_host *h = host_of(uvm, "uvm_platform_swap_write");
	unsigned char *s = swap_slot(h, slot);

	if (s == NULL)
		return EINVAL;
	memcpy(s, swap_frame(h, pa, "uvm_platform_swap_write", slot),
	    PAGE_SIZE);
	h->swap_written[(slot - 1) / 64] |= (uint64_t)1 << ((slot - 1) % 64);
	h->nswapout++;
	return 0;
}

int
uvm_platform_swap_read(struct uvm *uvm, int slot, paddr_t pa)
{
	struct pmodel_host *h = host_of(uvm, "uvm_platform_swap_read");
	unsigned char *s = swap_slot(h, slot);

	if (s == NULL)
		return EINVAL;
	if ((h->swap_written[(slot - 1) / 64] &
	    ((uint64_t)1 << ((slot - 1) % 64))) == 0)
		pmodel_panicf("uvm_platform_swap_read: slot %d was never "
		    "written", slot);
	memcpy(swap_frame(h, pa, "uvm_platform_swap_read", slot), s,
	    PAGE_SIZE);
	h->nswapin++;
	return 0;
}

void
uvm_platform_putchar(struct uvm *uvm, int c)
{
	(void)uvm;
	fputc(c, stderr);
}
