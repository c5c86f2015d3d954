/*
 * stub_platform.c: the two platform hooks uvm_subr.c needs, for hosted
 * tests that link the formatter and KASSERT but no instance.  A panic
 * is a test failure: print it and abort, so ASan/gdb show where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uvm/uvm.h>

void
uvm_platform_panic(const char *msg)
{
	fprintf(stderr, "panic: %s\n", msg);
	abort();
}
