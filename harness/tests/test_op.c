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
 * Hosted (libc).  One TAP line per check (report.h), the plan and "N
 * passed, N failed" at the end, exit 1 on any failure.  Run it under
 * the sanitizers:
 *	clang -std=c11 -g -fsanitize=address,undefined -Wall -Wextra \
 *	    -Icore/include -Iharness -Ireport harness/op_bytes.c \
 *	    harness/op_text.c harness/op_text_print.c harness/op_schema.c \
 *	    harness/tests/test_op*.c core/uvm_subr.c \
 *	    harness/tests/stub_platform.c report/report.c \
 *	    report/report_stdio.c -o /tmp/test_op
 */
#include "test_op.h"

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
		/* an smp program always has its schedule op */
		if (n > len + set->smp || (len > 1 && n == 0)) {
			if (bad_decode++ < 3)
				report_info("len %zu decoded %zu ops", len, n);
		}
		for (size_t i = 0; i < n; i++) {
			const char *why = ops[i].code == KOP_SHAPE && i > 0 ?
			    "shape op not first" : decoded_op_bad(set, &ops[i]);
			if (why != NULL && bad_decode++ < 3) {
				report_info("op %zu: %s", i, why);
				op_dump("op", &ops[i]);
			}
		}

		/* raw ops (selectors and pages unreduced) round-trip */
		size_t elen = km_encode(ops, n, set, enc, sizeof(enc));
		size_t m = decode_all(enc, elen, set, back, MAXLEN + 1);
		bool ok = elen == km_encode_size(ops, n) && m == n &&
		    (n == 0 || elen > 0);
		for (size_t i = 0; ok && i < n; i++)
			ok = km_op_same_bytes(&ops[i], &back[i]);
		if (!ok && bad_raw++ < 3)
			report_info("raw round trip: len %zu n %zu elen %zu "
			    "m %zu", len, n, elen, m);

		/* as the interpreter leaves them: selectors reduced */
		for (size_t i = 0; i < n; i++) {
			red[i] = ops[i];
			red[i].handle_sel %= 4;
			red[i].map_sel %= 2;
			if (red[i].code != KOP_SCHEDULE)	/* depth */
				red[i].page %= 1 + rng() % KOP_MAX_NPAGES;
		}
		elen = km_encode(red, n, set, enc, sizeof(enc));
		m = decode_all(enc, elen, set, back, MAXLEN + 1);
		ok = elen == km_encode_size(red, n) && m == n;
		for (size_t i = 0; ok && i < n; i++)
			ok = km_op_same_bytes(&red[i], &back[i]);
		if (!ok && bad_red++ < 3) {
			report_info("reduced round trip: len %zu n %zu elen %zu "
			    "m %zu", len, n, elen, m);
			for (size_t i = 0; i < n && i < m; i++) {
				if (!km_op_same_bytes(&red[i], &back[i])) {
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
			report_info("encode not idempotent: %zu vs %zu", elen,
			    elen2);
		free(buf);
	}
	REPORT_EQ(bad_decode, 0, "%s: %d random inputs decode in bounds to "
	    "valid ops (%lu ops)", set->name, iters, total_ops);
	REPORT_EQ(bad_raw, 0, "%s: raw decoded ops encode and decode back",
	    set->name);
	REPORT_EQ(bad_red, 0, "%s: reduced ops encode and decode back",
	    set->name);
	REPORT_EQ(bad_idem, 0, "%s: encode(decode(encode(ops))) == "
	    "encode(ops)", set->name);
}

static void
test_bytes_fixed(void)
{
	/* the worked example in op_bytes.c */
	static const uint8_t ex[] = { 0x00, 0x00, 0x01, 0x00, 0x10, 0x01,
	    0x00, 0x01, 0x18, 0x00 };
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
	report(ok, "worked example of op_bytes.c decodes as documented");
	uint8_t out[16];
	report(km_encode(ops, 2, &km_opset_km, out, sizeof(out)) == sizeof(ex)
	    && memcmp(out, ex, sizeof(ex)) == 0,
	    "worked example encodes back to the same 10 bytes");

	/* empty input, one byte, arguments past the meeting point are 0 */
	report(decode_all(ex, 0, &km_opset_km, ops, 4) == 0,
	    "empty input is the empty program");
	static const uint8_t one[] = { 0x00, 0x00 };
	n = decode_all(one, 2, &km_opset_km, ops, 4);
	report(n == 1 && ops[0].code == KOP_ALLOC && ops[0].npages == 1 &&
	    ops[0].sub == 0 && ops[0].flags == UVM_KMF_WIRED &&
	    ops[0].align_log == 0 && ops[0].map_sel == 0,
	    "shape 0 and a lone 0 byte: the simplest alloc, 1 page, WIRED");
	static const uint8_t two[] = { 0x00, 0x01, 0x07 };
	n = decode_all(two, 3, &km_opset_map, ops, 4);
	report(n == 1 && ops[0].code == KOP_FREE && ops[0].handle_sel == 7,
	    "map opset: byte 1 is free, its selector from the last byte");
	static const uint8_t vaonly[] = { 0x10, 0x00, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff };
	n = decode_all(vaonly, sizeof(vaonly), &km_opset_map, ops, 4);
	report(n == 1 && (ops[0].flags & UVM_KMF_TYPEMASK) == UVM_KMF_VAONLY
	    && ops[0].npages == KOP_SIZE_MAX_PAGES && ops[0].sub == 255 &&
	    ops[0].align_log == 255 % 26, "map opset: every alloc is VAONLY; "
	    "0xff gives the largest size (%u pages), sub 255, align 2^20",
	    KOP_SIZE_MAX_PAGES);

	/* what no byte can say fails the encoding */
	struct km_op op;
	memset(&op, 0, sizeof(op));
	op.code = KOP_PGREMOVE;
	op.count = 1;
	op.page = 255;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 5,
	    "pgremove page 255 encodes");
	op.page = 256;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove page 256 does not encode (no clamping)");
	op.page = 0;
	op.count = 0;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove count 0 does not encode");
	op.count = KOP_MAX_COUNT + 1;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pgremove count 17 does not encode");
	op.count = 1;
	report(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 0,
	    "pgremove is not in the map opset");
	report(km_encode(&op, 1, &km_opset_km, out, 4) == 0,
	    "a buffer one byte short fails");

	memset(&op, 0, sizeof(op));
	op.code = KOP_ALLOC;
	op.npages = 1;
	op.flags = UVM_KMF_PAGEABLE;
	report(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 0,
	    "PAGEABLE alloc does not encode in the VAONLY-only map opset");
	op.flags = UVM_KMF_VAONLY;
	report(km_encode(&op, 1, &km_opset_map, out, sizeof(out)) == 8 &&
	    out[3] == 0, "VAONLY is type byte 0 in the map opset");
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 8 &&
	    out[3] == 2, "VAONLY is type byte 2 in the km opset");
	op.flags = UVM_KMF_WIRED | UVM_KMF_PAGEABLE;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "two types do not encode");
	op.flags = UVM_KMF_WIRED | UVM_FLAG_FIXED;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "a flag outside the modifiers does not encode");
	op.flags = UVM_KMF_WIRED;
	op.npages = 0;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "alloc 0 pages does not encode");
	op.npages = 65;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "alloc 65 pages does not encode (off the size scale)");
	op.npages = KOP_SIZE_MAX_PAGES + 1;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "alloc past the largest size does not encode");
	for (uint32_t np = 1; np <= 40; np++) {
		op.npages = np;
		bool on = np < 32 || np % 2 == 0;
		report((km_encode(&op, 1, &km_opset_km, out, sizeof(out)) != 0) ==
		    on, "alloc of %u pages %s", np, on ? "encodes" :
		    "does not encode (steps of 2 from 32)");
	}
	op.npages = 1;
	op.align_log = KOP_ALIGN_LOG_MAX + 2;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "align 2^25 does not encode");
	for (uint8_t l = 0; l <= KOP_ALIGN_LOG_MAX + 1; l++) {
		op.align_log = l;
		struct km_op got;
		size_t len = km_encode(&op, 1, &km_opset_km, out, sizeof(out));
		ok = len == 8 && decode_all(out, len, &km_opset_km, &got, 1)
		    == 1 && got.align_log == l;
		report(ok, "align_log %u (%s0x%x) encodes and decodes back", l,
		    l == 0 ? "none, " : "", l == 0 ? 0 : 1u << (l - 1));
	}

	memset(&op, 0, sizeof(op));
	op.code = KOP_SUBALLOC;
	op.npages = 17;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "suballoc of 17 pages does not encode");
	op.npages = 272;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "suballoc of 272 pages does not encode");
	op.code = KOP_PAGEOUT;
	op.n = 0;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pageout 0 does not encode");
	op.n = KOP_MAX_N + 1;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "pageout 65 does not encode");
	op.code = KOP_MISUSE;
	op.misuse = KMIS_INSIDE;
	report(km_encode(&op, 1, &km_opset_km, out, sizeof(out)) == 0,
	    "misuse is not in the km opset");
	report(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 4,
	    "misuse encodes in the misuse opset");
	op.misuse = KMIS_COUNT;
	report(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 0,
	    "an unknown misuse kind does not encode");
	op.code = KOP_COUNT;
	report(km_encode(&op, 1, &km_opset_misuse, out, sizeof(out)) == 0,
	    "an unknown opcode does not encode");
}

static void
test_names(void)
{
	bool ok = true;

	for (size_t i = 0; i < NSETS; i++)
		ok &= km_opset_find(sets[i]->name) == sets[i];
	report(ok && km_opset_find("kmx") == NULL && km_opset_find("") == NULL
	    && km_opset_find(NULL) == NULL, "km_opset_find by name");
	bool shapeless = true;
	for (size_t i = 0; i < NSETS; i++)
		shapeless &= !in_set(sets[i], KOP_SHAPE) &&
		    !in_set(sets[i], KOP_SCHEDULE);
	report(shapeless && km_opset_km.nops == KOP_COUNT - 4 &&
	    !in_set(&km_opset_km, KOP_MISUSE) &&
	    !in_set(&km_opset_km, KOP_RTOUCH) &&
	    km_opset_misuse.nops == KOP_COUNT - 3 &&
	    km_opset_map.type_mask == UVM_KMF_VAONLY &&
	    km_opset_smp.smp && !km_opset_km.smp &&
	    !in_set(&km_opset_smp, KOP_HOLD_LOCK) &&
	    !in_set(&km_opset_smp, KOP_WAIT_FREES),
	    "opsets: no opcode byte says shape or schedule (leading bytes "
	    "do); km is the rest but misuse and rtouch (smp's), misuse is "
	    "the rest, map is VAONLY; smp has no stand-in for another CPU");
	ok = true;
	for (unsigned int c = 0; c < KOP_COUNT; c++)
		ok &= km_opcode_name(c) != NULL;
	for (unsigned int k = 0; k < KMIS_COUNT; k++)
		ok &= km_misuse_name(k) != NULL;
	report(ok && km_opcode_name(KOP_COUNT) == NULL &&
	    km_misuse_name(KMIS_COUNT) == NULL &&
	    strcmp(km_opcode_name(KOP_POOLPAGE_GET), "poolpage_get") == 0,
	    "every opcode and misuse kind has a name, others NULL");
}

static void
test_text_canonical(void)
{
	char err[256], line[256];
	struct km_op op, again;

	for (size_t i = 0; i < ncanonical; i++) {
		const char *s = canonical[i];
		int r = km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
		if (!report(r == KTEXT_OK, "parse '%s'", s)) {
			report_info("  %s", err);
			continue;
		}
		int n = km_text_print(&op, line, sizeof(line));
		report(strcmp(line, s) == 0 && n == (int)strlen(s),
		    "print gives it back: '%s'", line);
		r = km_text_parse_line(line, strlen(line), &again, err,
		    sizeof(err));
		report(r == KTEXT_OK && km_op_same_text(&op, &again),
		    "parse(print(op)) == op for '%s'", s);
		report(bytes_trip(&op), "'%s' encodes and decodes back", s);
	}

	/* a few exact decodings */
	const char *s = "alloc m1 0x2ff0 PAGEABLE|NOWAIT|CANFAIL -> a2";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	report(op.code == KOP_ALLOC && op.map_id == 1 && op.npages == 3 &&
	    op.sub == 1 && op.align_log == 0 && op.result_id == 2 &&
	    op.flags == (UVM_KMF_PAGEABLE | UVM_KMF_NOWAIT | UVM_KMF_CANFAIL),
	    "'%s' is 3 pages, sub 1, map 1, -> a2", s);
	s = "suballoc kernel_map 0x100000 intrsafe fixed -> m2";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	km_text_print(&op, line, sizeof(line));
	report(op.npages == 256 && op.flags == (KOPF_FIXED | KOPF_INTRSAFE) &&
	    strcmp(line, "suballoc kernel_map 0x100000 fixed intrsafe -> m2")
	    == 0, "options in any order, printed in canonical order");
	s = "alloc kernel_map 0X1000 ZERO|WIRED";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	km_text_print(&op, line, sizeof(line));
	report(strcmp(line, "alloc kernel_map 0x1000 WIRED|ZERO -> fail") == 0,
	    "flags in any order, no arrow: canonical print is '%s'", line);
	s = "  pgremove\ta1  page=0x3 count=2   # drop two\r\n";
	report(km_text_parse_line(s, strlen(s), &op, err, sizeof(err)) ==
	    KTEXT_OK && op.page == 3 && op.count == 2,
	    "tabs, hex page, trailing comment and CRLF are fine");
	s = "alloc kernel_map 4096 WIRED";
	report(km_text_parse_line(s, strlen(s), &op, err, sizeof(err)) ==
	    KTEXT_OK && op.npages == 1 && op.sub == 0, "decimal size");

	const char *empty[] = { "", "   ", "\t", "# just a comment",
	    "   # indented comment", "\r\n", "#alloc kernel_map 0x1000 WIRED" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		report(km_text_parse_line(empty[i], strlen(empty[i]), &op, err,
		    sizeof(err)) == KTEXT_EMPTY, "blank/comment line %zu is "
		    "KTEXT_EMPTY", i);

	/* print truncates like snprintf */
	s = "alloc kernel_map 0x3000 align=0x1000 WIRED|ZERO -> a1";
	km_text_parse_line(s, strlen(s), &op, err, sizeof(err));
	char small[10];
	memset(small, 'X', sizeof(small));
	int n = km_text_print(&op, small, sizeof(small));
	report(n == (int)strlen(s) && strcmp(small, "alloc ker") == 0,
	    "print into 10 bytes: full length returned, cut and terminated");
	report(km_text_print(&op, NULL, 0) == (int)strlen(s),
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
		if (r != KTEXT_OK || !km_op_same_text(&op, &got) ||
		    strcmp(line, line2) != 0 || !bytes_trip(&got)) {
			if (bad++ < 3)
				report_info("'%s': %s", line, err);
		}
	}
	REPORT_EQ(bad, 0, "%lu alloc ops (3 types x 64 modifier sets x 6 aligns "
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
			/* names only where the schema gives the op them */
			if (km_op_has_map(&op))
				op.map_id = op.map_sel % 4;
			if (km_op_handle_kind(&op) != 0)
				op.handle_id = (uint16_t)(1 + op.handle_sel);
			op.page %= KOP_MAX_NPAGES;
			if (km_op_creates(&op) != 0)
				op.result_id = (uint16_t)(rng() % 3);
			km_text_print(&op, line, sizeof(line));
			int r = km_text_parse_line(line, strlen(line), &got,
			    err, sizeof(err));
			n++;
			if (r != KTEXT_OK || !km_op_same_text(&op, &got)) {
				if (bad++ < 3) {
					report_info("'%s': %s", line, err);
					op_dump("want", &op);
					op_dump("got", &got);
				}
			}
		}
	}
	REPORT_EQ(bad, 0, "%lu ops decoded from random bytes print and parse "
	    "back", n);
}

/*
 * The concurrent spelling: a schedule line and "cpuN: " prefixes, in
 * text and through bytes (the CPU rides in the opcode byte, the
 * schedule's 3 bytes come first from the back).
 */
static void
test_text_smp(void)
{
	static const char *const lines[] = {
		"schedule random cpus=2 seed=0x0000",
		"schedule pct cpus=3 depth=2 seed=0x1a2b",
		"schedule pct cpus=4 depth=4 seed=0xffff noupdate",
		"alloc kernel_map 0x1000 WIRED -> a1",
		"cpu1: free a1",
		"cpu3: touch a2 page=1 write",
	};
	struct km_op ops[6], back[6];
	char err[256], line[256];
	uint8_t buf[64];
	bool ok = true;

	for (size_t i = 0; i < 6; i++) {
		int r = km_text_parse_line(lines[i], strlen(lines[i]), &ops[i],
		    err, sizeof(err));
		km_text_print(&ops[i], line, sizeof(line));
		if (!report(r == KTEXT_OK && strcmp(line, lines[i]) == 0,
		    "smp text: '%s' prints back", lines[i]))
			report_info("  %s / %s", err, line);
	}
	report(ops[1].count == 3 && ops[1].page == 2 && ops[1].n == 0x1a2b &&
	    ops[1].flags == KOPF_SCHED_PCT && ops[4].cpu == 1 &&
	    ops[5].cpu == 3, "smp text: fields of the schedule and the CPU");
	/* schedule, then ops on cpus 0..3 (selectors from the names) */
	ops[2].cpu = 0;
	struct km_op prog[4] = { ops[2], ops[3], ops[4], ops[5] };
	for (size_t i = 0; i < 4; i++)
		prog[i].handle_sel = (uint8_t)prog[i].handle_id;
	size_t len = km_encode(prog, 4, &km_opset_smp, buf, sizeof(buf));
	size_t n = decode_all(buf, len, &km_opset_smp, back, 6);
	for (size_t i = 0; i < 4 && ok; i++)
		ok = km_op_same_bytes(&prog[i], &back[i]);
	report(len > 0 && n == 4 && ok, "smp bytes: schedule and CPUs round "
	    "trip (%zu bytes)", len);
	report(km_encode(prog, 4, &km_opset_km, buf, sizeof(buf)) == 0 &&
	    km_encode(&prog[1], 3, &km_opset_smp, buf, sizeof(buf)) == 0,
	    "smp bytes: a schedule needs the smp opset, which needs one");
	static const char *const bad[] = {
		"cpu4: free a1", "cpu1:", "cpux: free a1",
		"schedule pct cpus=2 seed=0x1", "schedule random cpus=5 seed=0",
		"schedule random cpus=2 seed=0x10000",
	};
	for (size_t i = 0; i < 6; i++)
		report(km_text_parse_line(bad[i], strlen(bad[i]), &ops[0], err,
		    sizeof(err)) == KTEXT_ERROR, "smp text: '%s' rejected: %s",
		    bad[i], err);
}

int
main(void)
{
	for (size_t i = 0; i < NSETS; i++)
		test_bytes_random(sets[i]);
	test_bytes_fixed();
	test_names();
	test_text_canonical();
	test_text_smp();
	test_text_alloc_exhaustive();
	test_text_from_bytes();
	test_text_malformed();
	test_text_garbage();
	return report_summary();
}
