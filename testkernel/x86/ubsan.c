/*
 * ubsan.c: the runtime for -fsanitize=undefined inside the kernel.
 *
 * Clang calls __ubsan_handle_<check>(data, values...) where data starts
 * with a source location (nonnull_return_v1 passes it second).  Each
 * handler prints one line naming the check, file:line:col and the values,
 * then ends the run with KEXIT_UBSAN: undefined behaviour is a finding,
 * and continuing after it would only blur the report.  Example:
 *   UBSAN: signed add overflow at x86/kmain.c:97:12 (lhs 0x7fffffff,
 *   rhs 0x1)
 */
#include "../lib/libc.h"
#include "trap.h"

struct src_loc {
	const char	*file;
	uint32_t	line, column;
};

struct type_desc {
	uint16_t	kind, info;
	char		name[];
};

struct type_mismatch_data {
	struct src_loc		loc;
	struct type_desc	*type;
	uint8_t			log_alignment, type_check_kind;
};

struct loc_type_data {		/* overflow, invalid value, vla bound */
	struct src_loc		loc;
	struct type_desc	*type;
};

struct nonnull_arg_data {
	struct src_loc	loc, attr_loc;
	int		arg_index;
};

struct invalid_builtin_data {
	struct src_loc	loc;
	uint8_t		kind;
};

static const char *const access_kinds[] = {
	"load of", "store to", "reference binding to", "member access within",
	"member call on", "constructor call on", "downcast of", "downcast of",
	"upcast of", "cast to virtual base of", "_Nonnull binding to",
	"dynamic operation on",
};

static bool in_report;

__attribute__((noreturn, format(printf, 3, 4)))
static void
ubsan_fail(const struct src_loc *loc, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (in_report)		/* UB inside the reporter: just leave */
		arch_exit(KEXIT_UBSAN);
	in_report = true;
	kprintf("UBSAN: %s at %s:%u:%u", check, loc ? loc->file : "?",
	    loc ? loc->line : 0, loc ? loc->column : 0);
	if (fmt != NULL) {
		kputs(" (");
		va_start(ap, fmt);
		kvprintf(fmt, ap);
		va_end(ap);
		kputs(")");
	}
	kputs("\n");
	print_backtrace((uint64_t)__builtin_frame_address(0), 0);
	arch_exit(KEXIT_UBSAN);
}

#define HANDLER(name) void __ubsan_handle_##name

HANDLER(type_mismatch_v1)(struct type_mismatch_data *d, uintptr_t ptr);
HANDLER(type_mismatch_v1)(struct type_mismatch_data *d, uintptr_t ptr)
{
	uintptr_t align = (uintptr_t)1 << d->log_alignment;
	const char *kind = d->type_check_kind < ARRAY_SIZE(access_kinds) ?
	    access_kinds[d->type_check_kind] : "access to";

	if (ptr == 0)
		ubsan_fail(&d->loc, "null pointer", "%s null of type %s", kind,
		    d->type->name);
	if (ptr & (align - 1))
		ubsan_fail(&d->loc, "misaligned access",
		    "%s %lx, type %s needs alignment %lu", kind, ptr,
		    d->type->name, align);
	ubsan_fail(&d->loc, "object too small", "%s %lx, type %s", kind, ptr,
	    d->type->name);
}

#define OVERFLOW_HANDLER(check, what)					\
HANDLER(check)(struct loc_type_data *d, uintptr_t l, uintptr_t r);	\
HANDLER(check)(struct loc_type_data *d, uintptr_t l, uintptr_t r)	\
{									\
	ubsan_fail(&d->loc, what " overflow",				\
	    "type %s, lhs %lx, rhs %lx", d->type->name, l, r);		\
}
OVERFLOW_HANDLER(add_overflow, "add")
OVERFLOW_HANDLER(sub_overflow, "sub")
OVERFLOW_HANDLER(mul_overflow, "mul")
OVERFLOW_HANDLER(divrem_overflow, "division/remainder (or by zero)")

HANDLER(negate_overflow)(struct loc_type_data *d, uintptr_t v);
HANDLER(negate_overflow)(struct loc_type_data *d, uintptr_t v)
{
	ubsan_fail(&d->loc, "negate overflow", "type %s, value %lx",
	    d->type->name, v);
}

struct shift_data {
	struct src_loc		loc;
	struct type_desc	*lhs_type, *rhs_type;
};
HANDLER(shift_out_of_bounds)(struct shift_data *d, uintptr_t l, uintptr_t r);
HANDLER(shift_out_of_bounds)(struct shift_data *d, uintptr_t l, uintptr_t r)
{
	ubsan_fail(&d->loc, "shift out of bounds", "%s %lx by %s %lx",
	    d->lhs_type->name, l, d->rhs_type->name, r);
}

struct oob_data {
	struct src_loc		loc;
	struct type_desc	*array_type, *index_type;
};
HANDLER(out_of_bounds)(struct oob_data *d, uintptr_t index);
HANDLER(out_of_bounds)(struct oob_data *d, uintptr_t index)
{
	ubsan_fail(&d->loc, "index out of bounds", "index %lu into %s",
	    index, d->array_type->name);
}

HANDLER(pointer_overflow)(struct src_loc *loc, uintptr_t base,
    uintptr_t result);
HANDLER(pointer_overflow)(struct src_loc *loc, uintptr_t base,
    uintptr_t result)
{
	ubsan_fail(loc, "pointer overflow", "base %lx, result %lx", base,
	    result);
}

HANDLER(builtin_unreachable)(struct src_loc *loc);
HANDLER(builtin_unreachable)(struct src_loc *loc)
{
	ubsan_fail(loc, "__builtin_unreachable reached", NULL);
}

HANDLER(missing_return)(struct src_loc *loc);
HANDLER(missing_return)(struct src_loc *loc)
{
	ubsan_fail(loc, "missing return", NULL);
}

HANDLER(load_invalid_value)(struct loc_type_data *d, uintptr_t v);
HANDLER(load_invalid_value)(struct loc_type_data *d, uintptr_t v)
{
	ubsan_fail(&d->loc, "invalid value loaded", "type %s, value %lx",
	    d->type->name, v);
}

HANDLER(vla_bound_not_positive)(struct loc_type_data *d, uintptr_t v);
HANDLER(vla_bound_not_positive)(struct loc_type_data *d, uintptr_t v)
{
	ubsan_fail(&d->loc, "VLA bound not positive", "%lx", v);
}

HANDLER(nonnull_arg)(struct nonnull_arg_data *d);
HANDLER(nonnull_arg)(struct nonnull_arg_data *d)
{
	ubsan_fail(&d->loc, "null passed as nonnull argument", "argument %d",
	    d->arg_index);
}

HANDLER(nonnull_return_v1)(struct src_loc *attr_loc, struct src_loc *loc);
HANDLER(nonnull_return_v1)(struct src_loc *attr_loc, struct src_loc *loc)
{
	(void)attr_loc;
	ubsan_fail(loc, "null returned from returns_nonnull function", NULL);
}

HANDLER(invalid_builtin)(struct invalid_builtin_data *d);
HANDLER(invalid_builtin)(struct invalid_builtin_data *d)
{
	ubsan_fail(&d->loc, "invalid builtin use",
	    "zero passed to %s", d->kind == 0 ? "ctz" : "clz");
}

HANDLER(float_cast_overflow)(struct src_loc *loc, uintptr_t v);
HANDLER(float_cast_overflow)(struct src_loc *loc, uintptr_t v)
{
	ubsan_fail(loc, "float cast overflow", "%lx", v);
}

struct align_assume_data {
	struct src_loc		loc, assumption_loc;
	struct type_desc	*type;
};
HANDLER(alignment_assumption)(struct align_assume_data *d, uintptr_t ptr,
    uintptr_t align, uintptr_t off);
HANDLER(alignment_assumption)(struct align_assume_data *d, uintptr_t ptr,
    uintptr_t align, uintptr_t off)
{
	ubsan_fail(&d->loc, "alignment assumption violated",
	    "ptr %lx, align %lu, offset %lu", ptr, align, off);
}
