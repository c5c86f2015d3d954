/*
 * cmd_kernel.c: kmfuzz run --kernel, the replay of inputs in the
 * bare-metal test kernel, on real page tables with the MMU as an oracle.
 *
 *	kmfuzz run --kernel [--kernel-image IMG] [--target T]
 *	    [--variant cached|direct] [--timeout S] [--serial FILE] FILE|DIR...
 *
 * The files (each file of each DIR but README* and dot files, sorted, as
 * kmfuzz run takes them) become Multiboot modules of one QEMU boot of
 * the test kernel with "only=replay"; testkernel/tests/replay.c runs
 * each as kmfuzz run would on the pmap model (same targets, variants,
 * checkers, full check every op) and prints, per module, one line this
 * command reads:
 *	# replay: NAME: clean
 *	# replay: NAME: FINDING signature=SIG
 *	# replay: NAME: BADINPUT line=N: MESSAGE
 * after a finding's report and repro (each kernel line behind "# ").
 * QEMU reads a module's file name up to the first blank and splits the
 * list at commas, so every file is passed as a symlink m<i> in a fresh
 * directory, with its sanitized base name as name=:
 *	-initrd "/tmp/kmfuzz-kernel.ab12/m0 name=crash-1.txt,..."
 *
 * Output, as kmfuzz run's: "FILE: clean|FINDING|bad input" per file on
 * stdout, the finding's report and text repro (the kernel's, as kmfuzz
 * prints them) on stderr, "FILE:LINE: message" for a bad input, the
 * "# signature:" comparison of a text repro, "DIR: N inputs"; and one
 * more line per finding, "FILE: signature: SIG".  If the kernel stops
 * (panic outside an op, UBSan, CPU exception, hang) the input it was
 * running is a FINDING with the reason and no signature, and the
 * inputs after it go on in a new boot.  Exit 0 all clean, 1 a finding,
 * 2 a bad input, or the kernel could not be booted at all.
 *
 * The image: --kernel-image, else $KMFUZZ_KERNEL, else the one built
 * beside this program (BUILD/testkernel/ next to BUILD/fuzz/, or the
 * program's own directory): kmfuzz-kernel.elf, and for a kmfuzz built
 * with the planted noupdate bug kmfuzz-kernel-plant-noupdate.elf, so a
 * planted model and a planted kernel run the same core.  QEMU is run as
 * testkernel/run-qemu.sh runs it (keep the two in step), honouring
 * $QEMU, $KMFUZZ_QEMU_MEM and $KMFUZZ_QEMU_ARGS; $KMFUZZ_QEMU_TIMEOUT
 * or --timeout (default 120 s) bounds one boot.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "target_common.h"


enum { RK_CLEAN = 0, RK_FINDING = 1, RK_BAD = 2 };	/* exit statuses */
#define RK_SKIPPED	3	/* a verdict, exit as clean: see print_input */

#define RK_MAX_MODS	128	/* per boot: testkernel MEMMAP_MAX_MODS */
#define RK_MAX_BYTES	(64u << 20)	/* module bytes per boot */
#define RK_NAME_MAX	80	/* name= (the kernel keeps 95) */
#define RK_TIMEOUT	120	/* seconds per boot */

static const char usage_kernel[] =
"usage: kmfuzz run --kernel [--kernel-image IMG] [--target T]\n"
"           [--variant cached|direct] [--timeout S] [--serial FILE]\n"
"           FILE|DIR...\n"
"Replay each FILE (each file of each DIR, but README* and dot files) in\n"
"the bare-metal test kernel under QEMU, on real page tables, as\n"
"'kmfuzz run' replays it on the pmap model: same targets and variants,\n"
"every checker on, a full check after every op, and the MMU asked after\n"
"every op.  All files go to one boot (as Multiboot modules).\n"
"  --kernel-image IMG  the test kernel (default: $KMFUZZ_KERNEL, else\n"
"                      the build's testkernel/kmfuzz-kernel[-plant-*].elf,\n"
"                      the one whose core this kmfuzz was built with)\n"
"  --timeout S         seconds for one boot (default 120, or\n"
"                      $KMFUZZ_QEMU_TIMEOUT)\n"
"  --serial FILE       keep the kernel's whole serial output in FILE\n"
"Prints 'FILE: clean|FINDING' per file and 'FILE: signature: SIG' per\n"
"finding on stdout, the kernel's report and repro on stderr; a text\n"
"repro's '# signature:' line is compared with the kernel's finding.\n"
"A program for several CPUs is 'skipped' (the kernel runs one).\n"
"Exit 0 all clean, 1 a finding (or the kernel stopped on an input),\n"
"2 a bad input, no kernel could be booted, or every input was skipped.\n";

/* One input file and what the kernel said about it. */
struct rk_input {
	const char	*path;		/* as given (or DIR/NAME) */
	char		*owned;		/* path, when built from a DIR */
	const char	*dir;		/* the DIR argument it came from */
	bool		last_of_dir;	/* print "DIR: N inputs" after it */
	unsigned	dir_count;
	char		name[RK_NAME_MAX + 1];	/* name= for the kernel */
	long		size;
	int		verdict;	/* RK_*, or -1: not yet run */
	bool		stopped;	/* the kernel stopped on it */
	char		sig[HARNESS_SIG_MAX];
};

struct rk_opts {
	const char	*image;
	const char	*target;	/* NULL: as the file says */
	const char	*variant;	/* NULL, "cached", "direct" */
	const char	*serial;
	unsigned	timeout;
};

/* A boot's serial output. */
struct rk_out {
	char		*buf;
	size_t		len, cap;
};

static struct rk_input *inputs;
static size_t ninputs, cap_inputs;

/* => NULL (message printed) when out of memory. */
static struct rk_input *
add_input(const char *path)
{
	struct rk_input *in;
	struct stat st;
	const char *base = strrchr(path, '/');
	size_t i;

	if (ninputs == cap_inputs) {
		size_t ncap = cap_inputs ? cap_inputs * 2 : 64;
		struct rk_input *n = realloc(inputs, ncap * sizeof(*n));

		if (n == NULL) {
			fprintf(stderr, "kmfuzz: out of memory\n");
			return NULL;
		}
		inputs = n;
		cap_inputs = ncap;
	}
	in = &inputs[ninputs++];
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->verdict = -1;
	in->size = stat(path, &st) == 0 ? (long)st.st_size : -1;
	/* QEMU splits at ',' and ' ', the kernel at ' ': keep it plain */
	base = base != NULL ? base + 1 : path;
	for (i = 0; base[i] != '\0' && i < RK_NAME_MAX; i++) {
		char c = base[i];

		in->name[i] = (c >= 'a' && c <= 'z') || (c >= 'A' &&
		    c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '_' || c == '-' || c == '+' ? c : '_';
	}
	if (i == 0)
		in->name[i++] = '_';
	in->name[i] = '\0';
	return in;
}

static int
skip_dirent(const struct dirent *d)
{
	return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6) != 0;
}

/* Every regular file of dir, sorted, but README* and dot files. */
static int
add_dir(const char *dir)
{
	struct dirent **names;
	struct rk_input *in = NULL;
	unsigned count = 0;
	int n;

	n = scandir(dir, &names, skip_dirent, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, fuzz_errstr());
		return RK_BAD;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(len);
		struct stat st;

		if (path != NULL) {
			snprintf(path, len, "%s/%s", dir, names[i]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    (in = add_input(path)) != NULL) {
				in->owned = path;
				in->dir = dir;
				count++;
				path = NULL;
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	if (count > 0) {
		in->last_of_dir = true;
		in->dir_count = count;
	} else {
		printf("%s: 0 inputs\n", dir);
	}
	return RK_CLEAN;
}

/*
 * The test kernel beside this program: DIR/../testkernel/IMAGE or
 * DIR/IMAGE, DIR being where /proc/self/exe lives.  => malloc'ed path,
 * or NULL.
 */
static char *
default_image(void)
{
#if !defined(KMFUZZ_PLANT) || KMFUZZ_PLANT == 0
	static const char *const image = "kmfuzz-kernel.elf";
#elif KMFUZZ_PLANT == 3
	static const char *const image = "kmfuzz-kernel-plant-noupdate.elf";
#else
	static const char *const image = NULL;	/* no such kernel */
#endif
	static const char *const where[] = { "/../testkernel/", "/" };
	char exe[PATH_MAX], *slash, *path;
	ssize_t n;

	if (image == NULL)
		return NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		size_t len = strlen(exe) + strlen(where[i]) + strlen(image) +
		    1;

		if ((path = malloc(len)) == NULL)
			return NULL;
		snprintf(path, len, "%s%s%s", exe, where[i], image);
		if (access(path, R_OK) == 0) {
			char *real = realpath(path, NULL);

			if (real != NULL) {
				free(path);
				path = real;
			}
			return path;
		}
		free(path);
	}
	return NULL;
}

/*
 * The "# signature: ..." line of a text repro into sig ("" if none, or
 * the file is not text by kmfuzz's rule).
 */
static void
recorded_signature(const char *path, char *sig, size_t siglen)
{
	struct km_input_header hd;
	size_t len;
	uint8_t *buf = fuzz_read_file(path, &len);

	sig[0] = '\0';
	if (buf == NULL)
		return;
	if (km_input_is_text(path, buf, len)) {
		km_input_header(buf, len, &hd);
		snprintf(sig, siglen, "%s", hd.signature);
	}
	free(buf);
}

/* ---- one boot ------------------------------------------------------------ */

static bool
out_append(struct rk_out *o, const char *p, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t ncap = o->cap ? o->cap : 65536;
		char *nb;

		while (o->len + n + 1 > ncap)
			ncap *= 2;
		if ((nb = realloc(o->buf, ncap)) == NULL)
			return false;
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
	return true;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Boot the kernel with modules `initrd'; its serial output (and QEMU's
 * messages) into *o.
 * => QEMU's exit status; 124 on timeout (QEMU killed), 127 if QEMU
 *    could not be started, -1 on a local error (message printed).
 */
static int
boot(const struct rk_opts *opt, const char *initrd, struct rk_out *o)
{
	const char *qemu = getenv("QEMU"), *mem = getenv("KMFUZZ_QEMU_MEM");
	const char *extra = getenv("KMFUZZ_QEMU_ARGS");
	char *extra_copy = NULL, *argv[64];
	int fds[2], status, argc = 0;
	double deadline;
	bool timed_out = false;
	pid_t pid;

	if (qemu == NULL || qemu[0] == '\0')
		qemu = "qemu-system-x86_64";
	argv[argc++] = (char *)qemu;
	argv[argc++] = "-machine";
	argv[argc++] = "q35,accel=tcg";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-serial";
	argv[argc++] = "stdio";
	argv[argc++] = "-nodefaults";
	argv[argc++] = "-no-reboot";
	argv[argc++] = "-device";
	argv[argc++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	argv[argc++] = "-m";
	argv[argc++] = (char *)(mem != NULL && mem[0] != '\0' ? mem : "256M");
	if (extra != NULL && (extra_copy = strdup(extra)) != NULL) {
		char *save = NULL;

		for (char *w = strtok_r(extra_copy, " \t", &save);
		    w != NULL && argc < 56; w = strtok_r(NULL, " \t", &save))
			argv[argc++] = w;
	}
	argv[argc++] = "-kernel";
	argv[argc++] = (char *)opt->image;
	argv[argc++] = "-append";
	argv[argc++] = "only=replay";
	argv[argc++] = "-initrd";
	argv[argc++] = (char *)initrd;
	argv[argc] = NULL;

	if (pipe(fds) != 0) {
		fprintf(stderr, "kmfuzz: pipe: %s\n", fuzz_errstr());
		free(extra_copy);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "kmfuzz: fork: %s\n", fuzz_errstr());
		close(fds[0]);
		close(fds[1]);
		free(extra_copy);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(qemu, argv);
		dprintf(2, "kmfuzz: cannot run %s: %s\n", qemu, fuzz_errstr());
		_exit(127);
	}
	close(fds[1]);
	free(extra_copy);
	deadline = now_s() + opt->timeout;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		double left = deadline - now_s();
		char chunk[8192];
		ssize_t n;

		if (left <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);	/* our own QEMU child */
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if ((n = read(fds[0], chunk, sizeof(chunk))) <= 0)
			break;
		if (!out_append(o, chunk, (size_t)n)) {
			fprintf(stderr, "kmfuzz: out of memory\n");
			kill(pid, SIGKILL);
			break;
		}
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (timed_out)
		return 124;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

/* How the kernel ended, from QEMU's status (run-qemu.sh's table). */
static const char *
boot_end(int status)
{
	switch (status) {
	case 33:	return NULL;		/* every check passed */
	case 35:	return NULL;		/* some check failed */
	case 37:	return "panic";
	case 39:	return "unexpected exception";
	case 41:	return "undefined behaviour (UBSan)";
	case 0:		return "triple fault";
	case 124:	return "timeout";
	case 127:	return "QEMU could not be started";
	default:	return "QEMU ended unexpectedly";
	}
}

/* The kernel's own last words about a bad end: the first such line. */
static void
print_last_words(const struct rk_out *o)
{
	static const char *const keys[] = { "PANIC: ", "UNEXPECTED EXCEPTION",
	    "UBSAN: ", "qemu-system", "kmfuzz: cannot run", NULL };

	for (unsigned k = 0; keys[k] != NULL; k++) {
		const char *p = strstr(o->buf != NULL ? o->buf : "", keys[k]);

		if (p != NULL) {
			const char *e = strchr(p, '\n');
			int n = e != NULL ? (int)(e - p) : (int)strlen(p);

			fprintf(stderr, "  %.*s\n", n, p);
			return;
		}
	}
}

/* Remove the '\r's of the serial line discipline. */
static void
strip_cr(struct rk_out *o)
{
	size_t j = 0;

	for (size_t i = 0; i < o->len; i++)
		if (o->buf[i] != '\r')
			o->buf[j++] = o->buf[i];
	o->len = j;
	if (o->buf != NULL)
		o->buf[j] = '\0';
}

/* Is s[0, l) "N modules"?  => *n = N. */
static bool
has_modules(const char *s, size_t l, long *n)
{
	char *e;
	long v = strtol(s, &e, 10);

	if (e == s || (size_t)(e - s) + 8 != l ||
	    strncmp(e, " modules", 8) != 0)
		return false;
	*n = v;
	return true;
}

/*
 * Read the "# replay:" lines of one boot for inputs [first, end): their
 * verdicts, and on stderr each finding's report (the kernel's lines
 * from "# kmfuzz finding:" to "# ---- end of repro", "# " taken off).
 * => the number of inputs that got a verdict (in order); *nmods: the
 *    kernel's "# replay: N modules" (-1 if absent).
 */
static size_t
parse_boot(const struct rk_out *o, size_t first, size_t end, long *nmods)
{
	static const char key[] = "# replay: ";
	const size_t k = sizeof(key) - 1;
	const char *p = o->buf != NULL ? o->buf : "";
	const char *report = NULL;	/* current module's report start */
	size_t done = first;

	*nmods = -1;
	while (*p != '\0' && done < end) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);
		const char *next = nl != NULL ? nl + 1 : p + l;
		struct rk_input *in = &inputs[done];
		size_t nlen = strlen(in->name);

		if (strncmp(p, "# kmfuzz finding:", 17) == 0)
			report = p;
		if (l <= k || strncmp(p, key, k) != 0) {
			p = next;
			continue;
		}
		if (*nmods < 0 && has_modules(p + k, l - k, nmods)) {
			p = next;
			continue;
		}
		if (l < k + nlen + 2 || strncmp(p + k, in->name, nlen) != 0 ||
		    p[k + nlen] != ':' || p[k + nlen + 1] != ' ') {
			p = next;	/* the summary, or not ours */
			continue;
		}
		const char *v = p + k + nlen + 2;
		size_t vl = l - (size_t)(v - p);

		if (vl == 5 && strncmp(v, "clean", 5) == 0) {
			in->verdict = RK_CLEAN;
		} else if (vl > 18 && strncmp(v, "FINDING signature=", 18) ==
		    0) {
			in->verdict = RK_FINDING;
			snprintf(in->sig, sizeof(in->sig), "%.*s",
			    (int)(vl - 18), v + 18);
			for (const char *r = report; r != NULL && r < p;) {
				const char *e = strchr(r, '\n');
				int rl = (int)(e - r);

				fprintf(stderr, "%.*s\n", rl - (rl >= 2 ? 2 :
				    0), r + (rl >= 2 ? 2 : 0));
				if (strncmp(r, "# ---- end of repro", 19) == 0)
					break;
				r = e + 1;
			}
		} else if (vl > 8 && strncmp(v, "SKIPPED ", 8) == 0) {
			in->verdict = RK_SKIPPED;
			snprintf(in->sig, sizeof(in->sig), "%.*s",
			    (int)(vl - 8), v + 8);
		} else if (vl > 14 && strncmp(v, "BADINPUT line=", 14) == 0) {
			char *e;
			unsigned long line = strtoul(v + 14, &e, 10);

			in->verdict = RK_BAD;
			fprintf(stderr, "%s:%lu%.*s\n", in->path, line,
			    (int)(vl - (size_t)(e - v)), e);
		} else {
			p = next;
			continue;
		}
		report = NULL;
		done++;
		p = next;
	}
	return done - first;
}

/* The per-file lines, as kmfuzz run prints them. */
static void
print_input(const struct rk_input *in, const char *image)
{
	char recorded[HARNESS_SIG_MAX];

	/* a program for more CPUs than the kernel has is not run there */
	if (in->verdict == RK_SKIPPED) {
		printf("%s: skipped (%s)\n", in->path, in->sig);
		if (in->last_of_dir)
			printf("%s: %u inputs\n", in->dir, in->dir_count);
		fflush(stdout);
		return;
	}
	printf("%s: %s\n", in->path, in->verdict == RK_CLEAN ? "clean" :
	    in->verdict == RK_FINDING ? "FINDING" : "bad input");
	if (in->verdict == RK_FINDING && in->stopped)
		printf("%s: the test kernel stopped on it (no signature)\n",
		    in->path);
	else if (in->verdict == RK_FINDING)
		printf("%s: signature: %s\n", in->path, in->sig);
	if (in->verdict != RK_BAD && !in->stopped) {
		recorded_signature(in->path, recorded, sizeof(recorded));
		if (recorded[0] == '\0')
			;
		else if (in->verdict == RK_CLEAN)
			printf("%s: the recorded finding is gone (%s)\n",
			    in->path, recorded);
		else if (harness_signature_equal(in->sig, recorded))
			printf("%s: the recorded signature, reproduced\n",
			    in->path);
		else
			printf("%s: a DIFFERENT signature than recorded: %s "
			    "(recorded: %s)\n", in->path, in->sig, recorded);
	}
	if (in->last_of_dir)
		printf("%s: %u inputs\n", in->dir, in->dir_count);
	fflush(stdout);
	if (in->verdict == RK_FINDING)
		fprintf(stderr, "(in %s, test kernel %s)\n", in->path, image);
}

/*
 * Boot once for inputs [first, ...): as many as fit (RK_MAX_MODS,
 * RK_MAX_BYTES).  => the index after the last input judged, or
 * (size_t)-1 when the kernel could not be booted or said nothing
 * usable (message printed).
 */
static size_t
boot_batch(const struct rk_opts *opt, const char *tmp, size_t first)
{
	struct rk_out o = { NULL, 0, 0 };
	size_t end = first, bytes = 0, initrd_len = 0, got;
	char *initrd = NULL;
	static bool serial_started;
	const char *why;
	long nmods = -1;
	int status;

	while (end < ninputs && end - first < RK_MAX_MODS &&
	    (end == first || bytes + (size_t)inputs[end].size <=
	    RK_MAX_BYTES)) {
		const struct rk_input *in = &inputs[end];
		char mod[PATH_MAX + 256], link[PATH_MAX + 32], *real, *n;
		int ml;

		bytes += in->size > 0 ? (size_t)in->size : 0;
		snprintf(link, sizeof(link), "%s/m%zu", tmp, end);
		if ((real = realpath(in->path, NULL)) == NULL ||
		    (unlink(link), symlink(real, link)) != 0) {
			fprintf(stderr, "kmfuzz: %s: %s\n", in->path,
			    fuzz_errstr());
			free(real);
			free(initrd);
			return (size_t)-1;
		}
		free(real);
		ml = snprintf(mod, sizeof(mod), "%s%s name=%s%s%s%s%s",
		    end == first ? "" : ",", link, in->name,
		    opt->target != NULL ? " target=" : "",
		    opt->target != NULL ? opt->target : "",
		    opt->variant != NULL ? " variant=" : "",
		    opt->variant != NULL ? opt->variant : "");
		if ((n = realloc(initrd, initrd_len + (size_t)ml + 1)) ==
		    NULL) {
			free(initrd);
			return (size_t)-1;
		}
		initrd = n;
		memcpy(initrd + initrd_len, mod, (size_t)ml + 1);
		initrd_len += (size_t)ml;
		end++;
	}
	status = boot(opt, initrd, &o);
	free(initrd);
	strip_cr(&o);
	if (opt->serial != NULL) {
		FILE *fp = fopen(opt->serial, serial_started ? "a" : "w");

		serial_started = true;
		if (fp != NULL) {
			fwrite(o.buf != NULL ? o.buf : "", 1, o.len, fp);
			fclose(fp);
		} else {
			fprintf(stderr, "kmfuzz: %s: %s\n", opt->serial,
			    fuzz_errstr());
		}
	}
	got = status < 0 ? 0 : parse_boot(&o, first, end, &nmods);
	why = status < 0 ? "local error" : boot_end(status);
	if (status >= 0 && why == NULL && (nmods != (long)(end - first) ||
	    got != end - first))
		why = nmods < 0 ? "the kernel has no replay group or did "
		    "not start it" : "the kernel's output lacks a verdict";
	if (why != NULL && nmods < 0) {
		/* not one input started: the boot itself failed */
		fprintf(stderr, "kmfuzz: the test kernel %s did not replay "
		    "(QEMU status %d: %s)\n", opt->image, status, why);
		print_last_words(&o);
		free(o.buf);
		return (size_t)-1;
	}
	if (why != NULL && first + got < end) {
		struct rk_input *in = &inputs[first + got];

		in->verdict = RK_FINDING;
		in->stopped = true;
		fprintf(stderr, "%s: the test kernel stopped while replaying "
		    "it: %s (QEMU status %d)\n", in->path, why, status);
		print_last_words(&o);
		got++;
	}
	free(o.buf);
	return first + got;
}

static int
remove_tmp(const char *tmp, size_t n)
{
	char link[PATH_MAX + 32];

	for (size_t i = 0; i < n; i++) {
		snprintf(link, sizeof(link), "%s/m%zu", tmp, i);
		unlink(link);
	}
	return rmdir(tmp);
}

int
cmd_run_kernel(int argc, char **argv)
{
	struct rk_opts opt = { .timeout = RK_TIMEOUT };
	const char *env = getenv("KMFUZZ_QEMU_TIMEOUT"), *tdir;
	char *image = NULL, tmp[PATH_MAX];
	int worst = RK_CLEAN, nboots = 0;
	size_t nskipped = 0;
	size_t i, next;
	double t0;

	if (env != NULL && atoi(env) > 0)
		opt.timeout = (unsigned)atoi(env);
	for (int a = 0; a < argc; a++) {
		const char *s = argv[a];

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			fputs(usage_kernel, stdout);
			return RK_CLEAN;
		} else if (strcmp(s, "--kernel") == 0) {
			continue;
		} else if (a + 1 < argc && strcmp(s, "--kernel-image") == 0) {
			opt.image = argv[++a];
		} else if (a + 1 < argc && (strcmp(s, "--target") == 0 ||
		    strcmp(s, "-t") == 0)) {
			opt.target = argv[++a];
			if (km_target_find(argv[a], strlen(argv[a])) == NULL) {
				fprintf(stderr, "kmfuzz: unknown target '%s' "
				    "(km map pool misuse text)\n", opt.target);
				return RK_BAD;
			}
		} else if (a + 1 < argc && strcmp(s, "--variant") == 0) {
			opt.variant = argv[++a];
			if (strcmp(opt.variant, "cached") != 0 &&
			    strcmp(opt.variant, "direct") != 0)
				goto usage;
		} else if (a + 1 < argc && strcmp(s, "--timeout") == 0) {
			if (atoi(argv[++a]) <= 0)
				goto usage;
			opt.timeout = (unsigned)atoi(argv[a]);
		} else if (a + 1 < argc && strcmp(s, "--serial") == 0) {
			opt.serial = argv[++a];
		} else if (s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "kmfuzz: unknown option '%s'\n", s);
			goto usage;
		} else {
			struct stat st;

			if (stat(s, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (add_dir(s) != RK_CLEAN)
					worst = RK_BAD;
			} else if (add_input(s) == NULL) {
				return RK_BAD;
			}
		}
	}
	if (ninputs == 0 && worst == RK_CLEAN)
		goto usage;

	if (opt.image == NULL && (env = getenv("KMFUZZ_KERNEL")) != NULL &&
	    env[0] != '\0')
		opt.image = env;
	if (opt.image == NULL && (image = default_image()) != NULL)
		opt.image = image;
	if (opt.image == NULL || access(opt.image, R_OK) != 0) {
		fprintf(stderr, "kmfuzz: no test kernel image%s%s; build it "
		    "(ninja -C BUILD testkernel) or give --kernel-image PATH "
		    "or KMFUZZ_KERNEL\n", opt.image != NULL ? " at " : "",
		    opt.image != NULL ? opt.image : "");
		free(image);
		return RK_BAD;
	}
	/* module strings: no ',' or ' ' in the directory's name */
	tdir = getenv("TMPDIR");
	if (tdir == NULL || tdir[0] == '\0' || strpbrk(tdir, " ,") != NULL)
		tdir = "/tmp";
	snprintf(tmp, sizeof(tmp), "%s/kmfuzz-kernel.XXXXXX", tdir);
	if (mkdtemp(tmp) == NULL) {
		fprintf(stderr, "kmfuzz: %s: %s\n", tmp, fuzz_errstr());
		free(image);
		return RK_BAD;
	}

	t0 = now_s();
	for (i = 0; i < ninputs; i = next) {
		/* a file that cannot be read is a bad input, as in kmfuzz */
		if (inputs[i].size < 0 || access(inputs[i].path, R_OK) != 0) {
			fprintf(stderr, "%s: %s\n", inputs[i].path,
			    fuzz_errstr());
			inputs[i].verdict = RK_BAD;
			next = i + 1;
		} else {
			next = boot_batch(&opt, tmp, i);
			nboots++;
			if (next == (size_t)-1) {
				worst = RK_BAD;
				break;
			}
		}
		for (size_t j = i; j < next; j++) {
			print_input(&inputs[j], opt.image);
			if (inputs[j].verdict == RK_SKIPPED)
				nskipped++;
			else if (inputs[j].verdict == RK_BAD)
				worst = RK_BAD;
			else if (inputs[j].verdict > worst)
				worst = inputs[j].verdict;
		}
	}
	fprintf(stderr, "kmfuzz run --kernel: %zu inputs (%zu skipped), %d "
	    "boot%s of %s, %.2f s\n", ninputs, nskipped, nboots,
	    nboots == 1 ? "" : "s", opt.image, now_s() - t0);
	if (nskipped == ninputs && worst == RK_CLEAN) {
		fprintf(stderr, "kmfuzz: no input could run in the test "
		    "kernel\n");
		worst = RK_BAD;
	}
	remove_tmp(tmp, ninputs);
	for (i = 0; i < ninputs; i++)
		free(inputs[i].owned);
	free(inputs);
	free(image);
	return worst;
usage:
	fputs(usage_kernel, stderr);
	return RK_BAD;
}
