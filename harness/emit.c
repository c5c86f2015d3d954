/*
 * emit.c: writing the C of a repro, one statement at a time, through
 * the sink kmfuzz creproduce provides (struct km_emit).  Freestanding:
 * formatting goes through uvm_vsnprintf.
 *
 * Example: emit_kmf(e, UVM_KMF_WIRED | UVM_KMF_ZERO) writes
 * "UVM_KMF_WIRED|UVM_KMF_ZERO" (schema order); emit_map(e, 0) "m0".
 */
#include "harness_priv.h"

void
emit_printf(struct km_emit *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	uvm_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	e->out(e->arg, buf);
}

void
emit_kmf(struct km_emit *e, uint32_t flags)
{
	const char *sep = "";

	for (unsigned int i = 0; i < km_nflags; i++)
		if (flags & km_flags[i].bit) {
			emit_printf(e, "%sUVM_KMF_%s", sep, km_flags[i].name);
			flags &= ~km_flags[i].bit;
			sep = "|";
		}
	if (flags != 0 || sep[0] == '\0')
		emit_printf(e, "%s0x%x", sep, flags);
}

void
emit_map(struct km_emit *e, uint16_t map_id)
{
	emit_printf(e, "m%u", map_id);
}
