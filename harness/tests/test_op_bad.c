/*
 * test_op_bad.c: promises 4 and 5 of test_op.c: malformed lines are
 * errors that say what was expected where, and garbage never crashes the
 * parser (whatever it accepts prints to a line that parses the same).
 */
#include "test_op.h"

/* ---- 4: malformed ----------------------------------------------------- */

void
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
		"alloc kernel_map 0x1000 align=0x2000000 WIRED",
		"alloc kernel_map 0x1000 align=0x6 WIRED",
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
			report(r == KTEXT_OK, "control bytes in a comment are "
			    "ignored");
			continue;
		}
		report(r == KTEXT_ERROR && err[0] != '\0' && op.code == 0 &&
		    op.npages == 0, "'%s' -> %s", bad[i], err);
	}

	/* the message the brief quotes */
	km_text_parse_line("free x", 6, &op, err, sizeof(err));
	report(strcmp(err, "expected a handle like a3 after 'free', got 'x'")
	    == 0, "message for 'free x'");
	km_text_parse_line("alloc kernel_map 0x1001 WIRED", 29, &op, err,
	    sizeof(err));
	report(strcmp(err, "size 0x1001 is not a multiple of 0x10 short of a "
	    "page") == 0, "message for size 0x1001");
	km_text_parse_line("free", 4, &op, err, sizeof(err));
	report(strstr(err, "got end of line") != NULL,
	    "a missing argument says 'got end of line': %s", err);

	/* NUL bytes inside the given length */
	static const char nul1[] = "free a1\0";
	static const char nul2[] = "fr\0ee a1";
	static const char nul3[] = "free a1 # \0 comment";
	report(km_text_parse_line(nul1, sizeof(nul1) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR && err[0] != '\0',
	    "trailing NUL inside len -> %s", err);
	report(km_text_parse_line(nul2, sizeof(nul2) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR, "NUL inside a token -> %s", err);
	report(km_text_parse_line(nul3, sizeof(nul3) - 1, &op, err,
	    sizeof(err)) == KTEXT_ERROR, "NUL inside a comment -> %s", err);
	report(km_text_parse_line(nul1, 7, &op, err, sizeof(err)) == KTEXT_OK,
	    "the same line without the NUL is fine");

	/* overlong lines, a token far too long for the message */
	size_t big = 5000;
	char *longline = malloc(big);
	memset(longline, ' ', big);
	memcpy(longline, "free a1", 7);
	report(km_text_parse_line(longline, big, &op, err, sizeof(err)) ==
	    KTEXT_ERROR, "a 5000-byte line -> %s", err);
	memset(longline, 'a', 1000);
	report(km_text_parse_line(longline, 1000, &op, err, sizeof(err)) ==
	    KTEXT_ERROR && strstr(err, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	    == NULL, "a 1000-byte token is quoted short -> %s", err);
	memcpy(longline, "free a", 6);
	memset(longline + 6, '1', 994);
	report(km_text_parse_line(longline, 1000, &op, err, sizeof(err)) ==
	    KTEXT_ERROR, "a 994-digit handle number -> %s", err);
	free(longline);

	/* the error buffer may be tiny or absent */
	char tiny[8];
	report(km_text_parse_line("free x", 6, &op, tiny, sizeof(tiny)) ==
	    KTEXT_ERROR && strlen(tiny) == 7, "an 8-byte err buffer is cut "
	    "and terminated: '%s'", tiny);
	report(km_text_parse_line("free x", 6, &op, NULL, 0) == KTEXT_ERROR,
	    "no err buffer at all");
	report(km_text_parse_line(NULL, 0, &op, err, sizeof(err)) ==
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
	    sizeof(err)) != KTEXT_OK || !km_op_same_text(op, &again))
		return false;
	km_text_print(&again, line2, sizeof(line2));
	return strcmp(line, line2) == 0 && bytes_trip(op);
}

void
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
				report_info("soup '%.*s' not canonical",
				    (int)len, line);
		}

		/* a canonical line with one or two tokens mutated */
		const char *base = canonical[rng() % ncanonical];
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
				report_info("mutant '%s' not canonical", line);
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
	REPORT_EQ(bad, 0, "300000 garbage lines: no crash, every error has a "
	    "message, every accepted line is canonical (parsed: %lu soup, "
	    "%lu mutants, %lu raw)", ok_soup, ok_mut, ok_raw);
	REPORT_GT(ok_mut, 1000, "mutated canonical lines still reach valid ops "
	    "(%lu)", ok_mut);
	REPORT_GT(ok_soup, 100, "the token soup reaches valid ops (%lu)",
	    ok_soup);
}

