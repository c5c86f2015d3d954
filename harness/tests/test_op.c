/*
 * test_op.c: the op language's three promises, checked.
 *
 *  1. every byte string is a program: decoding random input of every
 *     length stays inside the buffer (run under ASan), ends, and gives
 *     only ops of the opset with fields inside op.h's limits;
 *  2. bytes -> ops -> bytes is lossless: ops decoded, with selectors
 *     and pages reduced as the interpreter would, encode to bytes that
 *     decode to the same ops; out-of-range fields fail the encoding;
 *  3. text is lossless too: every opcode, flag and option has a
 *     canonical line that parses and prints back unchanged, and the
 *     parsed op survives a trip through bytes;
 *  4. malformed lines are errors with a message saying what was
 *     expected where;
 *  5. garbage never crashes the parser, and whatever it accepts prints
 *     to a line that parses to the same op.
 *
 * Hosted (libc).  One line per check, "N passed, N failed" at the end,
 * exit 1 on any failure.  Run it under the sanitizers:
 *	clang -std=c11 -g -fsanitize=address,undefined -Wall -Wextra \
 *	    -Icore/include -Iharness harness/op_bytes.c harness/op_text.c \
 *	    harness/tests/test_op.c core/uvm_subr.c \
 *	    harness/tests/stub_platform.c -o /tmp/test_op
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uvm/uvm.h>
#include "op.h"

static int npass, nfail;

__attribute__((format(printf, 2, 3)))
static bool
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", npass + nfail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		npass++;
	else
		nfail++;
	return ok;
}

/* xorshift64*, fixed seed: every run tests the same inputs. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static const struct km_opset *const sets[] = {
	&km_opset_km, &km_opset_map, &km_opset_pool, &km_opset_misuse,
};
#define NSETS	(sizeof(sets) / sizeof(sets[0]))

/* The fields bytes carry. */
static bool
op_eq_bytes(const struct km_op *a, const struct km_op *b)
{
	return a->code == b->code && a->misuse == b->misuse &&
	    a->map_sel == b->map_sel && a->handle_sel == b->handle_sel &&
	    a->npages == b->npages && a->sub == b->sub &&
	    a->align_log == b->align_log && a->flags == b->flags &&
	    a->page == b->page && a->count == b->count && a->n == b->n;
}

/* The fields text carries. */
static bool
op_eq_text(const struct km_op *a, const struct km_op *b)
{
	return a->code == b->code && a->misuse == b->misuse &&
	    a->map_id == b->map_id && a->handle_id == b->handle_id &&
	    a->result_id == b->result_id && a->npages == b->npages &&
	    a->sub == b->sub && a->align_log == b->align_log &&
	    a->flags == b->flags && a->page == b->page &&
	    a->count == b->count && a->n == b->n;
}

static void
op_dump(const char *what, const struct km_op *op)
{
	printf("#   %s: code %u misuse %u map_sel %u handle_sel %u map_id %u "
	    "handle_id %u result_id %u npages %u sub %u align_log %u "
	    "flags 0x%x page %u count %u n %u\n", what, op->code, op->misuse,
	    op->map_sel, op->handle_sel, op->map_id, op->handle_id,
	    op->result_id, op->npages, op->sub, op->align_log, op->flags,
	    op->page, op->count, op->n);
}

static bool
in_set(const struct km_opset *set, unsigned int code)
{
	for (unsigned int i = 0; i < set->nops; i++)
		if (set->ops[i] == code)
			return true;
	return false;
}

/* Is a freshly decoded op one the interpreter may rely on? */
static const char *
decoded_op_bad(const struct km_opset *set, const struct km_op *op)
{
	const uint32_t mods = UVM_KMF_NOWAIT | UVM_KMF_TRYLOCK |
	    UVM_KMF_WAITVA | UVM_KMF_CANFAIL | UVM_KMF_ZERO | UVM_KMF_EXEC;
	uint32_t t = op->flags & UVM_KMF_TYPEMASK;

	if (!in_set(set, op->code))
		return "opcode not in set";
	if (op->map_id || op->handle_id || op->result_id || op->line)
		return "names filled by the decoder";
	switch (op->code) {
	case KOP_ALLOC:
		if (op->npages < 1 || op->npages > KOP_MAX_NPAGES)
			return "alloc npages";
		if ((uint64_t)op->sub * KOP_SUB_UNIT >= 4096)
			return "alloc sub";
		if (op->align_log != 0 &&
		    (op->align_log < 12 || op->align_log > 16))
			return "alloc align";
		if ((t & (t - 1)) != 0 || t == 0 || !(t & set->type_mask))
			return "alloc type";
		if (op->flags & ~(UVM_KMF_TYPEMASK | mods))
			return "alloc flags";
		break;
	case KOP_SUBALLOC:
		if (op->npages < 16 || op->npages > 256 || op->npages % 16)
			return "suballoc npages";
		if (op->flags & ~3u)
			return "suballoc flags";
		break;
	case KOP_PGREMOVE:
		if (op->count < 1 || op->count > KOP_MAX_COUNT)
			return "pgremove count";
		break;
	case KOP_TOUCH:
		if (op->flags & ~1u)
			return "touch flags";
		break;
	case KOP_PAGEOUT: case KOP_IDLEZERO: case KOP_FAIL_PAGEALLOC:
		if (op->n < 1 || op->n > KOP_MAX_N)
			return "n";
		break;
	case KOP_POOLPAGE_GET:
		if (op->flags & ~3u)
			return "poolpage flags";
		break;
	case KOP_MISUSE:
		if (op->misuse >= KMIS_COUNT)
			return "misuse kind";
		break;
	}
	return NULL;
}

#define MAXLEN	512

/* Decode buf[0, len) into ops; => the count (at most len). */
static size_t
decode_all(const uint8_t *buf, size_t len, const struct km_opset *set,
    struct km_op *ops, size_t max)
{
	struct km_bytes b;
	size_t n = 0;

	km_bytes_init(&b, buf, len, set);
	while (n < max && km_bytes_decode(&b, &ops[n]))
		n++;
	return n;
}

/* ---- 1 and 2: bytes --------------------------------------------------- */

static void
test_bytes_random(const struct km_opset *set)
{
	static struct km_op ops[MAXLEN + 1], red[MAXLEN + 1], back[MAXLEN + 1];
	static uint8_t enc[8 * MAXLEN], enc2[8 * MAXLEN];
	unsigned long bad_decode = 0, bad_raw = 0, bad_red = 0, bad_idem = 0;
	unsigned long total_ops = 0;
	const int iters = 100000;

	for (int it = 0; it < iters; it++) {
		size_t len = rng() % (MAXLEN + 1);
		/* exactly len bytes, so ASan sees any read past the end */
		uint8_t *buf = malloc(len);
		if (len > 0 && buf == NULL)
			abort();
		unsigned int mode = rng() % 4;
		for (size_t i = 0; i < len; i++) {
			uint32_t r = rng();
			/* some inputs are mostly zeros / small bytes */
			buf[i] = mode == 0 ? (uint8_t)((r & 7) == 0 ? r >> 8 : 0)
			    : mode == 1 ? (uint8_t)(r % 4) : (uint8_t)r;
		}

		size_t n = decode_all(buf, len, set, ops, MAXLEN + 1);
		total_ops += n;
		if (n > len || (len > 0 && n == 0)) {
			if (bad_decode++ < 3)
				printf("# len %zu decoded %zu ops\n", len, n);
		}
		for (size_t i = 0; i < n; i++) {
			const char *why = decoded_op_bad(set, &ops[i]);
			if (why != NULL && bad_decode++ < 3) {
				printf("# op %zu: %s\n", i, why);
				op_dump("op", &ops[i]);
			}
		}

		/* raw ops (selectors and pages unreduced) round-trip */
		size_t elen = km_encode(ops, n, set, enc, sizeof(enc));
		size_t m = decode_all(enc, elen, set, back, MAXLEN + 1);
		bool ok = elen == km_encode_size(ops, n) && m == n &&
		    (n == 0 || elen > 0);
		for (size_t i = 0; ok && i < n; i++)
			ok = op_eq_bytes(&ops[i], &back[i]);
		if (!ok && bad_raw++ < 3)
			printf("# raw round trip: len %zu n %zu elen %zu m %zu\n",
			    len, n, elen, m);

		/* as the interpreter leaves them: selectors reduced */
		for (size_t i = 0; i < n; i++) {
			red[i] = ops[i];
			red[i].handle_sel %= 4;
			red[i].map_sel %= 2;
			red[i].page %= 1 + rng() % KOP_MAX_NPAGES;
		}
		elen = km_encode(red, n, set, enc, sizeof(enc));
		m = decode_all(enc, elen, set, back, MAXLEN + 1);
		ok = elen == km_encode_size(red, n) && m == n;
		for (size_t i = 0; ok && i < n; i++)
			ok = op_eq_bytes(&red[i], &back[i]);
		if (!ok && bad_red++ < 3) {
			printf("# reduced round trip: len %zu n %zu elen %zu "
			    "m %zu\n", len, n, elen, m);
			for (size_t i = 0; i < n && i < m; i++) {
				if (!op_eq_bytes(&red[i], &back[i])) {
					op_dump("want", &red[i]);
					op_dump("got", &back[i]);
					break;
				}
			}
		}

		/* encoding is canonical: encode(decode(encode(x))) == it */
		size_t elen2 = km_encode(back, m, set, enc2, sizeof(enc2));
		if ((elen2 != elen || memcmp(enc, enc2, elen) != 0) &&
		    bad_idem++ < 3)
			printf("# encode not idempotent: %zu vs %zu\n", elen,
			    elen2);
		free(buf);
	}
	check(bad_decode == 0, "%s: %d random inputs decode in bounds to "
	    "valid ops (%lu ops)", set->name, iters, total_ops);
	check(bad_raw == 0, "%s: raw decoded ops encode and decode back",
	    set->name);
	check(bad_red == 0, "%s: reduced ops encode and decode back",
	    set->name);
	check(bad_idem == 0, "%s: encode(decode(encode(ops))) == "
	    "encode(ops)", set->name);
}

static void
test_bytes_fixed(void)
{
	/* the worked example in op_bytes.c */
	static const uint8_t ex[] = { 0x00, 0x01, 0x00, 0x10, 0x01, 0x00,
	    0x01, 0x02, 0x00 };
	struct km_op ops[4];
	char line[128];
	size_t n = decode_all(ex, sizeof(ex), &km_opset_km, ops, 4);
	bool ok = n == 2 && ops[0].code == KOP_ALLOC && ops[0].npages == 3 &&
	    ops[0].sub == 1 && ops[0].align_log == 0 &&
	    ops[0].flags == (UVM_KMF_PAGEABLE | UVM_KMF_ZERO) &&
	    ops[1].code == KOP_FREE && ops[1].handle_sel == 0;
	if (ok) {
		ops[0].result_id = 1;
		km_text_print(&ops[0], line, sizeof(line));
		ok = strcmp(line,
		    "alloc kernel_map 0x2ff0 PAGEABLE|ZERO -> a1") == 0;
	}
	check(ok, "worked example of op_bytes.c decodes as documented");
	uint8_t out[16];
	check(km_encode(ops, 2, &km_opset_km, out, sizeof(out)) == sizeof(ex)
	    && memcmp(out, ex, sizeof(ex)) == 0,
	    "worked example encodes back to the same 9 bytes");

	/* empty input, one byte, arguments past the meeting point are 0 */
	check(decode_all(ex, 0, &km_opset_km, ops, 4) == 0,
	    "empty input is the empty program");
	static const uint8_t one[] = { 0x00 };
	n = decode_all(one, 1, &km_opset_km, ops, 4);
	check(n == 1 && ops[0].code == KOP_ALLOC && ops[0].npages == 1 &&
	    ops[0].sub == 0 && ops[0].flags == UVM_KMF_WIRED &&
	    ops[0].align_log == 0 && ops[0].map_sel == 0,
	    "a lone 0 byte is the simplest alloc: 1 page, WIRED");
	static const uint8_t two[] = { 0x01, 0x07 };
	n = decode_all(two, 2, &km_opset_map, ops, 4);
	check(n == 1 && ops[0].code == KOP_FREE && ops[0].handle_sel == 7,
	    "map opset: byte 1 is free, its selector from the last byte");
	static const uint8_t vaonly[] = { 0x00, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff };
	n = decode_all(vaonly, sizeof(vaonly), &km_opset_map, ops, 4);
	check(n == 1 && (ops[0].flags & UVM_KMF_TYPEMASK) == UVM_KMF_VAONLY
	    && ops[0].npages == 64 && ops[0].sub == 255 &&
	    ops[0].align_log == 14, "map opset: every alloc is VAONLY; "
	    "0xff gives 64 pages, sub 255, align 0x4000");

	/* what no byte can say fails the encoding */
	struct km_op op;
	memset(&op, 0, sizeof(op));
	op.code = KOP_PGREMOVE;
	op.count = 1;
	op.page = 255;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 4,
	    "pgremove page 255 encodes");
	op.page = 256;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove page 256 does not encode (no clamping)");
	op.page = 0;
	op.count = 0;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove count 0 does not encode");
	op.count = KOP_MAX_COUNT + 1;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove count 17 does not encode");
	op.count = 1;
	check(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 0,
	    "pgremove is not in the map opset");
	check(km_encode(&op, 1, &km_opset_km, out, 3) == 0,
	    "a buffer one byte short fails");

	memset(&op, 0, sizeof(op));
	op.code = KOP_ALLOC;
	op.npages = 1;
	op.flags = UVM_KMF_PAGEABLE;
	check(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 0,
	    "PAGEABLE alloc does not encode in the VAONLY-only map opset");
	op.flags = UVM_KMF_VAONLY;
	check(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 7 &&
	    out[2] == 0, "VAONLY is type byte 0 in the map opset");
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 7 &&
	    out[2] == 2, "VAONLY is type byte 2 in the km opset");
	op.flags = UVM_KMF_WIRED | UVM_KMF_PAGEABLE;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "two types do not encode");
	op.flags = UVM_KMF_WIRED | UVM_FLAG_FIXED;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "a flag outside the modifiers does not encode");
	op.flags = UVM_KMF_WIRED;
	op.npages = 0;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "alloc 0 pages does not encode");
	op.npages = KOP_MAX_NPAGES + 1;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "alloc 65 pages does not encode");
	op.npages = 1;
	op.align_log = 11;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "align_log 11 does not encode");
	op.align_log = 17;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "align_log 17 does not encode");
	for (uint8_t l = 12; l <= 16; l++) {
		op.align_log = l;
		struct km_op got;
		size_t len = km_encode(&op, 1, &km_opset_km, out, sizeof(out));
		ok = len == 7 && decode_all(out, len, &km_opset_km, &got, 1)
		    == 1 && got.align_log == l;
		check(ok, "align_log %u (0x%x) encodes and decodes back", l,
		    1u << l);
	}

	memset(&op, 0, sizeof(op));
	op.code = KOP_SUBALLOC;
	op.npages = 17;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "suballoc of 17 pages does not encode");
	op.npages = 272;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "suballoc of 272 pages does not encode");
	op.code = KOP_PAGEOUT;
	op.n = 0;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pageout 0 does not encode");
	op.n = KOP_MAX_N + 1;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pageout 65 does not encode");
	op.code = KOP_MISUSE;
	op.misuse = KMIS_INSIDE;
	check(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "misuse is not in the km opset");
	check(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 3,
	    "misuse encodes in the misuse opset");
	op.misuse = KMIS_COUNT;
	check(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 0,
	    "an unknown misuse kind does not encode");
	op.code = KOP_COUNT;
	check(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 0,
	    "an unknown opcode does not encode");
}

static void
test_names(void)
{
	bool ok = true;

	for (size_t i = 0; i < NSETS; i++)
		ok &= km_opset_find(sets[i]->name) == sets[i];
	check(ok && km_opset_find("kmx") == NULL && km_opset_find("") == NULL
	    && km_opset_find(NULL) == NULL, "km_opset_find by name");
	check(km_opset_km.nops == KOP_COUNT - 1 &&
	    !in_set(&km_opset_km, KOP_MISUSE) &&
	    km_opset_misuse.nops == KOP_COUNT &&
	    km_opset_map.type_mask == UVM_KMF_VAONLY,
	    "opsets: km is all but misuse, misuse is all, map is VAONLY");
	ok = true;
	for (unsigned int c = 0; c < KOP_COUNT; c++)
		ok &= km_opcode_name(c) != NULL;
	for (unsigned int k = 0; k < KMIS_COUNT; k++)
		ok &= km_misuse_name(k) != NULL;
	check(ok && km_opcode_name(KOP_COUNT) == NULL &&
	    km_misuse_name(KMIS_COUNT) == NULL &&
	    strcmp(km_opcode_name(KOP_POOLPAGE_GET), "poolpage_get") == 0,
	    "every opcode and misuse kind has a name, others NULL");
}

/* ---- 3: text ---------------------------------------------------------- */

static const char *const canonical[] = {
	"alloc kernel_map 0x1000 WIRED -> a1",
	"alloc kernel_map 0x3000 align=0x1000 WIRED|ZERO -> a1",
	"alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2",
	"alloc m2 0x10 VAONLY -> fail",
	"alloc kernel_map 0x40000 align=0x10000 VAONLY|WAITVA -> a65535",
	"alloc kernel_map 0x1ff0 align=0x2000 WIRED|TRYLOCK -> a3",
	"alloc kernel_map 0x5000 align=0x4000 PAGEABLE|EXEC -> a4",
	("alloc kernel_map 0x8000 align=0x8000 WIRED|NOWAIT|TRYLOCK|WAITVA|"
	    "CANFAIL|ZERO|EXEC -> a5"),
	"free a1",
	"free a65535",
	"suballoc kernel_map 0x10000 -> m1",
	"suballoc kernel_map 0x100000 fixed -> m2",
	"suballoc m1 0x20000 intrsafe -> m3",
	"suballoc kernel_map 0x30000 fixed intrsafe -> fail",
	"pgremove a1 page=0 count=1",
	"pgremove a2 page=63 count=16",
	"touch a1 page=0 read",
	"touch a7 page=5 write",
	"pageout 1",
	"pageout 64",
	"busy a1 page=3",
	"poolpage_get kernel_map -> p1",
	"poolpage_get m1 nowait -> p2",
	"poolpage_get kernel_map uncached -> p3",
	"poolpage_get kernel_map nowait uncached -> fail",
	"poolpage_put p1",
	"drain kernel_map",
	"drain m3",
	"fail_pagealloc 1",
	"fail_pagealloc 64",
	"hold_lock kernel_map",
	"hold_lock m1",
	"idlezero 7",
	"misuse double_free a1",
	"misuse wrong_size a2",
	"misuse wrong_type a3",
	"misuse misaligned a4",
	"misuse inside a5",
	"misuse poolpage_twice p1",
};

#define NCANON	(sizeof(canonical) / sizeof(canonical[0]))

/* Give a parsed op selectors, encode, decode: the same op? */
static bool
bytes_trip(const struct km_op *parsed)
{
	struct km_op op = *parsed, got;
	uint8_t out[16];

	op.map_sel = (uint8_t)(op.map_id % 3);
	op.handle_sel = (uint8_t)(op.handle_id % 5);
	size_t len = km_encode(&op, 1, &km_opset_misuse, out, sizeof(out));
	if (len == 0 || len != km_encode_size(&op, 1))
		return false;
	if (decode_all(out, len, &km_opset_misuse, &got, 1) != 1)
		return false;
	return op_eq_bytes(&op, &got);
}

static void
test_text_canonical(void)
{
	char err[256], line[256];
	struct km_op op, again;

	for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
		const char *s = canonical[i];
		int r = km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
		if (!check(r == KTEXT_OK, "parse '%s'", s)) {
			printf("#   %s\n", err);
			continue;
		}
		int n = km_text_print(&op, line, sizeof(line));
		check(strcmp(line, s) == 0 && n == (int)strlen(s),
		    "print gives it back: '%s'", line);
		r = km_text_parse_line(line, strlen(line), &again, err,
		    sizeof(err));
		check(r == KTEXT_OK && op_eq_text(&op, &again),
		    "parse(print(op)) == op for '%s'", s);
		check(bytes_trip(&op), "'%s' encodes and decodes back", s);
	}

	/* a few exact decodings */
	const char *s = "alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	check(op.code == KOP_ALLOC && op.map_id == 1 && op.npages == 3 &&
	    op.sub == 1 && op.align_log == 0 && op.result_id == 2 &&
	    op.flags == (UVM_KMF_PAGEABLE | UVM_KMF_NOWAIT | UVM_KMF_CANFAIL),
	    "'%s' is 3 pages, sub 1, map 1, -> a2", s);
	s = "suballoc kernel_map 0x100000 intrsafe fixed -> m2";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	km_text_print(&op, line, sizeof(line));
	check(op.npages == 256 && op.flags == (KOPF_FIXED | KOPF_INTRSAFE) &&
	    strcmp(line, "suballoc kernel_map 0x100000 fixed intrsafe -> m2")
	    == 0, "options in any order, printed in canonical order");
	s = "alloc kernel_map 0X1000 ZERO|WIRED";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	km_text_print(&op, line, sizeof(line));
	check(strcmp(line, "alloc kernel_map 0x1000 WIRED|ZERO -> fail") == 0,
	    "flags in any order, no arrow: canonical print is '%s'", line);
	s = "  pgremove\ta1  page=0x3 count=2   # drop two\r\n";
	check(km_text_parse_line(s, strlen(s), &op, err, sizeof(err)) ==
	    KTEXT_OK && op.page == 3 && op.count == 2,
	    "tabs, hex page, trailing comment and CRLF are fine");
	s = "alloc kernel_map 4096 WIRED";
	check(km_text_parse_line(s, strlen(s), &op, err, sizeof(err)) ==
	    KTEXT_OK && op.npages == 1 && op.sub == 0, "decimal size");

	const char *empty[] = { "", "   ", "\t", "# just a comment",
	    "   # indented comment", "\r\n", "#alloc kernel_map 0x1000 WIRED" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		check(km_text_parse_line(empty[i], strlen(empty[i]), &op, err,
		    sizeof(err)) == KTEXT_EMPTY, "blank/comment line %zu is "
		    "KTEXT_EMPTY", i);

	/* print truncates like snprintf */
	s = "alloc kernel_map 0x3000 align=0x1000 WIRED|ZERO -> a1";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	char small[10];
	memset(small, 'X', sizeof(small));
	int n = km_text_print(&op, small, sizeof(small));
	check(n == (int)strlen(s) && strcmp(small, "alloc ker") == 0,
	    "print into 10 bytes: full length returned, cut and terminated");
	check(km_text_print(&op, NULL, 0) == (int)strlen(s),
	    "print into nothing returns the length");
}

/*
 * Every alloc the bytes can say, across types, all 64 modifier sets,
 * every align and edge sizes: print -> parse -> print is the identity.
 */
static void
test_text_alloc_exhaustive(void)
{
	static const uint32_t types[] = { UVM_KMF_WIRED, UVM_KMF_PAGEABLE,
	    UVM_KMF_VAONLY };
	static const uint32_t modbits[] = { UVM_KMF_NOWAIT, UVM_KMF_TRYLOCK,
	    UVM_KMF_WAITVA, UVM_KMF_CANFAIL, UVM_KMF_ZERO, UVM_KMF_EXEC };
	static const uint8_t aligns[] = { 0, 12, 13, 14, 15, 16 };
	static const struct { uint32_t npages; uint8_t sub; } sizes[] = {
	    { 1, 0 }, { 1, 255 }, { 2, 1 }, { 64, 0 }, { 64, 255 }, { 3, 1 } };
	unsigned long n = 0, bad = 0;
	char line[256], line2[256], err[256];

	for (size_t t = 0; t < 3; t++)
	for (unsigned int m = 0; m < 64; m++)
	for (size_t a = 0; a < 6; a++)
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct km_op op, got;
		memset(&op, 0, sizeof(op));
		op.code = KOP_ALLOC;
		op.flags = types[t];
		for (int b = 0; b < 6; b++)
			if (m & (1u << b))
				op.flags |= modbits[b];
		op.align_log = aligns[a];
		op.npages = sizes[z].npages;
		op.sub = sizes[z].sub;
		op.map_id = (uint16_t)(m % 3);
		op.result_id = (uint16_t)(z * 7);
		km_text_print(&op, line, sizeof(line));
		int r = km_text_parse_line(line, strlen(line), &got, err,
		    sizeof(err));
		km_text_print(&got, line2, sizeof(line2));
		n++;
		if (r != KTEXT_OK || !op_eq_text(&op, &got) ||
		    strcmp(line, line2) != 0 || !bytes_trip(&got)) {
			if (bad++ < 3)
				printf("# '%s': %s\n", line, err);
		}
	}
	check(bad == 0, "%lu alloc ops (3 types x 64 modifier sets x 6 aligns "
	    "x 6 sizes) print, parse and encode losslessly", n);
}

/* Random decoded ops with names made up: text carries all of them. */
static void
test_text_from_bytes(void)
{
	unsigned long n = 0, bad = 0;
	uint8_t buf[256];
	struct km_op ops[257];
	char line[256], err[256];

	for (int it = 0; it < 20000; it++) {
		size_t len = rng() % sizeof(buf);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rng();
		size_t k = decode_all(buf, len, &km_opset_misuse, ops, 257);
		for (size_t i = 0; i < k; i++) {
			struct km_op op = ops[i], got;
			/* names only where the op has them */
			if (op.code == KOP_ALLOC || op.code == KOP_SUBALLOC ||
			    op.code == KOP_POOLPAGE_GET ||
			    op.code == KOP_DRAIN || op.code == KOP_HOLD_LOCK)
				op.map_id = op.map_sel % 4;
			if (op.code == KOP_FREE || op.code == KOP_PGREMOVE ||
			    op.code == KOP_TOUCH || op.code == KOP_BUSY ||
			    op.code == KOP_POOLPAGE_PUT ||
			    op.code == KOP_MISUSE)
				op.handle_id = (uint16_t)(1 + op.handle_sel);
			op.page %= KOP_MAX_NPAGES;
			if (op.code == KOP_ALLOC || op.code == KOP_SUBALLOC ||
			    op.code == KOP_POOLPAGE_GET)
				op.result_id = (uint16_t)(rng() % 3);
			km_text_print(&op, line, sizeof(line));
			int r = km_text_parse_line(line, strlen(line), &got,
			    err, sizeof(err));
			n++;
			if (r != KTEXT_OK || !op_eq_text(&op, &got)) {
				if (bad++ < 3) {
					printf("# '%s': %s\n", line, err);
					op_dump("want", &op);
					op_dump("got", &got);
				}
			}
		}
	}
	check(bad == 0, "%lu ops decoded from random bytes print and parse "
	    "back", n);
}

/* ---- 4: malformed ----------------------------------------------------- */

static void
test_text_malformed(void)
{
	static const char *const bad[] = {
		"frobnicate a1",
		"Alloc kernel_map 0x1000 WIRED",
		"alloc",
		"alloc kernel_map",
		"alloc kernel_map 0x1000",
		"alloc kernel_mapp 0x1000 WIRED",
		"alloc m0 0x1000 WIRED",
		"alloc m65536 0x1000 WIRED",
		"alloc m 0x1000 WIRED",
		"alloc kernel_map 0x WIRED",
		"alloc kernel_map 0xzz WIRED",
		"alloc kernel_map -1 WIRED",
		"alloc kernel_map 0x1001 WIRED",
		"alloc kernel_map 0x0 WIRED",
		"alloc kernel_map 0x41000 WIRED",
		"alloc kernel_map 0x40010 WIRED",
		"alloc kernel_map 0x100000000 WIRED",
		"alloc kernel_map 99999999999999999999999 WIRED",
		"alloc kernel_map 0x1000 align=0x800 WIRED",
		"alloc kernel_map 0x1000 align=0x20000 WIRED",
		"alloc kernel_map 0x1000 align=0x3000 WIRED",
		"alloc kernel_map 0x1000 align=0 WIRED",
		"alloc kernel_map 0x1000 align= WIRED",
		"alloc kernel_map 0x1000 align=0x1000",
		"alloc kernel_map 0x1000 WIRED|FOO",
		"alloc kernel_map 0x1000 wired",
		"alloc kernel_map 0x1000 ZERO",
		"alloc kernel_map 0x1000 WIRED|PAGEABLE",
		"alloc kernel_map 0x1000 WIRED|ZERO|ZERO",
		"alloc kernel_map 0x1000 WIRED|",
		"alloc kernel_map 0x1000 |WIRED",
		"alloc kernel_map 0x1000 WIRED||ZERO",
		"alloc kernel_map 0x1000 WIRED | ZERO",
		"alloc kernel_map 0x1000 WIRED ->",
		"alloc kernel_map 0x1000 WIRED -> p1",
		"alloc kernel_map 0x1000 WIRED -> a0",
		"alloc kernel_map 0x1000 WIRED -> a1 extra",
		"alloc kernel_map 0x1000 WIRED a1",
		"alloc kernel_map 0x1000 WIRED ->a1",
		"free",
		"free x",
		"free p1",
		"free a",
		"free a0",
		"free a65536",
		"free a1x",
		"free a-1",
		"free a0x1",
		"drain m0x1",
		"free a1 a2",
		"free a1 -> a2",
		"suballoc kernel_map",
		"suballoc kernel_map 0x1000 -> m1",
		"suballoc kernel_map 0x0 -> m1",
		"suballoc kernel_map 0x110000 -> m1",
		"suballoc kernel_map 0x18000 -> m1",
		"suballoc kernel_map 0x10000 fixed fixed -> m1",
		"suballoc kernel_map 0x10000 -> a1",
		"suballoc kernel_map 0x10000 nowait -> m1",
		"pgremove a1",
		"pgremove a1 page=0",
		"pgremove a1 count=1 page=0",
		"pgremove a1 page=64 count=1",
		"pgremove a1 page=0 count=0",
		"pgremove a1 page=0 count=17",
		"pgremove a1 page= count=1",
		"pgremove a1 pagex=0 count=1",
		"pgremove a1 page=0x count=1",
		"touch a1 page=0",
		"touch a1 page=0 readwrite",
		"touch a1 page=0 read write",
		"touch a1 read",
		"pageout",
		"pageout 0",
		"pageout 65",
		"pageout x",
		"pageout 1 2",
		"busy a1",
		"busy p1 page=0",
		"poolpage_get",
		"poolpage_get kernel_map nowait nowait -> p1",
		"poolpage_get kernel_map fixed -> p1",
		"poolpage_get kernel_map -> a1",
		"poolpage_put a1",
		"poolpage_put",
		"drain",
		"drain a1",
		"drain kernel_map kernel_map",
		"fail_pagealloc 0",
		"fail_pagealloc",
		"hold_lock",
		"idlezero 100",
		"misuse",
		"misuse double_free",
		"misuse double_free p1",
		"misuse poolpage_twice a1",
		"misuse triple_free a1",
		"misuse double_free a1 a2",
		"free a1 # fine comment but then \x01",
		"x y z w v u t s r q p o n m l k j i",
	};
	char err[256];
	struct km_op op;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		int r = km_text_parse_line(bad[i], strlen(bad[i]), &op, err,
		    sizeof(err));
		/* the comment line with \x01 in the comment is fine */
		if (strstr(bad[i], "fine comment") != NULL) {
			check(r == KTEXT_OK, "control bytes in a comment are "
			    "ignored");
			continue;
		}
		check(r == KTEXT_ERROR && err[0] != '\0' && op.code == 0 &&
		    op.npages == 0, "'%s' -> %s", bad[i], err);
	}

	/* the message the brief quotes */
	km_text_parse_line("free x", 6, &op, err, sizeof(err));
	check(strcmp(err, "expected a handle like a3 after 'free', got 'x'")
	    == 0, "message for 'free x'");
	km_text_parse_line("alloc kernel_map 0x1001 WIRED", 29, &op, err,
	    sizeof(err));
	check(strcmp(err, "size 0x1001 is not a multiple of 0x10 short of a "
	    "page") == 0, "message for size 0x1001");
	km_text_parse_line("free", 4, &op, err, sizeof(err));
	check(strstr(err, "got end of line") != NULL,
	    "a missing argument says 'got end of line': %s", err);

	/* NUL bytes inside the given length */
	static const char nul1[] = "free a1\0";
	static const char nul2[] = "fr\0ee a1";
	static const char nul3[] = "free a1 # \0 comment";
	check(km_text_parse_line(nul1, sizeof(nul1) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR && err[0] != '\0',
	    "trailing NUL inside len -> %s", err);
	check(km_text_parse_line(nul2, sizeof(nul2) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR, "NUL inside a token -> %s", err);
	check(km_text_parse_line(nul3, sizeof(nul3) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR, "NUL inside a comment -> %s", err);
	check(km_text_parse_line(nul1, 7, &op, err, sizeof(err)) == KTEXT_OK,
	    "the same line without the NUL is fine");

	/* overlong lines, a token far too long for the message */
	size_t big = 5000;
	char *longline = malloc(big);
	memset(longline, ' ', big);
	memcpy(longline, "free a1", 7);
	check(km_text_parse_line(longline, big, &op, err, sizeof(err)) ==
	    KTEXT_ERROR, "a 5000-byte line -> %s", err);
	memset(longline, 'a', 1000);
	check(km_text_parse_line(longline, 1000, &op, err, sizeof(err)) ==
	    KTEXT_ERROR && strlen(err) < 200,
	    "a 1000-byte token is quoted short -> %s", err);
	memcpy(longline, "free a", 6);
	memset(longline + 6, '1', 994);
	check(km_text_parse_line(longline, 1000, &op, err, sizeof(err)) ==
	    KTEXT_ERROR, "a 994-digit handle number -> %s", err);
	free(longline);

	/* the error buffer may be tiny or absent */
	char tiny[8];
	check(km_text_parse_line("free x", 6, &op, tiny, sizeof(tiny)) ==
	    KTEXT_ERROR && strlen(tiny) == 7, "an 8-byte err buffer is cut "
	    "and terminated: '%s'", tiny);
	check(km_text_parse_line("free x", 6, &op, NULL, 0) == KTEXT_ERROR,
	    "no err buffer at all");
	check(km_text_parse_line(NULL, 0, &op, err, sizeof(err)) ==
	    KTEXT_EMPTY, "NULL line of length 0 is empty");
}

/* ---- 5: garbage ------------------------------------------------------- */

/* Parsed garbage must print to a line that parses back the same. */
static bool
accepted_is_canonical(const struct km_op *op)
{
	char line[256], line2[256], err[256];
	struct km_op again;

	km_text_print(op, line, sizeof(line));
	if (km_text_parse_line(line, strlen(line), &again, err,
	    sizeof(err)) != KTEXT_OK || !op_eq_text(op, &again))
		return false;
	km_text_print(&again, line2, sizeof(line2));
	return strcmp(line, line2) == 0 && bytes_trip(op);
}

static void
test_text_garbage(void)
{
	static const char *const vocab[] = {
		"alloc", "free", "suballoc", "pgremove", "touch", "pageout",
		"busy", "poolpage_get", "poolpage_put", "drain",
		"fail_pagealloc", "hold_lock", "idlezero", "misuse",
		"kernel_map", "m1", "m2", "m0", "a1", "a2", "p1", "p3", "a0",
		"0x1000", "0x2ff0", "0x10", "0x10000", "0x1001", "4096", "0",
		"1", "64", "65", "0x", "align=0x1000", "align=0x4000",
		"align=", "WIRED", "PAGEABLE|ZERO", "VAONLY|NOWAIT|CANFAIL",
		"WIRED|EXEC|TRYLOCK|WAITVA", "FOO", "|", "->", "fail",
		"page=0", "page=3", "page=64", "count=1", "count=16",
		"count=0", "read", "write", "fixed", "intrsafe", "nowait",
		"uncached", "double_free", "wrong_size", "wrong_type",
		"misaligned", "inside", "poolpage_twice", "#", "# c", "\t",
		"\xff", "=", "page=", "a65535", "a65536", "99999999999",
	};
	const size_t nv = sizeof(vocab) / sizeof(vocab[0]);
	unsigned long ok_soup = 0, bad = 0, ok_raw = 0, ok_mut = 0;
	char line[2048], err[256];
	struct km_op op;

	for (int it = 0; it < 100000; it++) {
		/* token soup: an opcode first most of the time */
		size_t len = 0;
		int ntok = (int)(rng() % 8);
		for (int t = 0; t < ntok; t++) {
			const char *w = (t == 0 && rng() % 4 != 0) ?
			    vocab[rng() % 14] : vocab[rng() % nv];
			size_t wl = strlen(w);
			if (len + wl + 2 >= sizeof(line))
				break;
			memcpy(line + len, w, wl);
			len += wl;
			/* sometimes glue tokens, sometimes cut one short */
			if (rng() % 16 == 0 && len > 0)
				len--;
			if (rng() % 16 != 0)
				line[len++] = rng() % 8 == 0 ? '\t' : ' ';
		}
		int r = km_text_parse_line(line, len, &op, err, sizeof(err));
		if (r == KTEXT_ERROR && err[0] == '\0')
			bad++;
		if (r == KTEXT_OK) {
			ok_soup++;
			if (!accepted_is_canonical(&op) && bad++ < 3)
				printf("# soup '%.*s' not canonical\n",
				    (int)len, line);
		}

		/* a canonical line with one or two tokens mutated */
		const char *base = canonical[rng() % NCANON];
		char toks[16][64];
		int nt = 0;
		for (const char *c = base; *c != '\0' && nt < 16;) {
			while (*c == ' ')
				c++;
			int k = 0;
			while (*c != '\0' && *c != ' ' && k < 63)
				toks[nt][k++] = *c++;
			toks[nt++][k] = '\0';
		}
		for (int m = 1 + (int)(rng() % 2); m > 0; m--) {
			int at = (int)(rng() % (unsigned int)nt);
			switch (rng() % 4) {
			case 0:		/* replace */
				snprintf(toks[at], 64, "%s", vocab[rng() % nv]);
				break;
			case 1:		/* delete */
				memmove(&toks[at], &toks[at + 1],
				    (size_t)(nt - at - 1) * 64);
				nt--;
				break;
			case 2:		/* insert */
				if (nt < 16) {
					memmove(&toks[at + 1], &toks[at],
					    (size_t)(nt - at) * 64);
					snprintf(toks[at], 64, "%s",
					    vocab[rng() % nv]);
					nt++;
				}
				break;
			case 3:		/* flip a character */
				if (toks[at][0] != '\0') {
					size_t l = strlen(toks[at]);
					toks[at][rng() % l] =
					    "0123456789abcdefxAZ=|-> "[rng() % 24];
				}
				break;
			}
			if (nt == 0)
				break;
		}
		len = 0;
		for (int t = 0; t < nt; t++)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			    "%s%s", t ? " " : "", toks[t]);
		r = km_text_parse_line(line, len, &op, err, sizeof(err));
		if (r == KTEXT_ERROR && err[0] == '\0')
			bad++;
		if (r == KTEXT_OK) {
			ok_mut++;
			if (!accepted_is_canonical(&op) && bad++ < 3)
				printf("# mutant '%s' not canonical\n", line);
		}

		/* raw bytes, any length up to past the limit */
		len = rng() % (sizeof(line) - 1);
		char *raw = malloc(len + 1);	/* +1: malloc(0) */
		for (size_t i = 0; i < len; i++)
			raw[i] = (char)(rng() % 4 == 0 ? ' ' : rng());
		r = km_text_parse_line(raw, len, &op, err, sizeof(err));
		if (r == KTEXT_ERROR && err[0] == '\0')
			bad++;
		if (r == KTEXT_OK) {
			ok_raw++;
			if (!accepted_is_canonical(&op))
				bad++;
		}
		free(raw);
	}
	check(bad == 0, "300000 garbage lines: no crash, every error has a "
	    "message, every accepted line is canonical (parsed: %lu soup, "
	    "%lu mutants, %lu raw)", ok_soup, ok_mut, ok_raw);
	check(ok_mut > 1000, "mutated canonical lines still reach valid ops "
	    "(%lu)", ok_mut);
	check(ok_soup > 100, "the token soup reaches valid ops (%lu)",
	    ok_soup);
}

int
main(void)
{
	for (size_t i = 0; i < NSETS; i++)
		test_bytes_random(sets[i]);
	test_bytes_fixed();
	test_names();
	test_text_canonical();
	test_text_alloc_exhaustive();
	test_text_from_bytes();
	test_text_malformed();
	test_text_garbage();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
