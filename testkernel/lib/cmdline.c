/*
 * cmdline.c: the boot command line as "key=value" words.
 *
 * QEMU hands Multiboot kernels "<kernel path> <-append text>", so the
 * first word is the image name and is never a key.  Example: with
 * "kernel.elf selftest=panic seed=0x2a", cmdline_get("seed") is "0x2a".
 */
#include "libc.h"

static char line_copy[512];

/* Copy the line: the Multiboot info it lives in may be reused later. */
void
cmdline_set(const char *line)
{
	size_t n = line ? strlen(line) : 0;

	if (n >= sizeof(line_copy))
		n = sizeof(line_copy) - 1;
	memcpy(line_copy, line ? line : "", n);
	line_copy[n] = '\0';
}

const char *
cmdline_get(const char *key)
{
	static char value[128];
	size_t klen = strlen(key);
	const char *p = line_copy;

	while (*p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (p[n] && p[n] != ' ' && n + 1 < sizeof(value)) {
				value[n] = p[n];
				n++;
			}
			value[n] = '\0';
			return value;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

unsigned long
cmdline_get_ul(const char *key, unsigned long dflt)
{
	const char *v = cmdline_get(key);

	return v ? kstrtoul(v, NULL, 0) : dflt;
}
