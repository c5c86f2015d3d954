/*
 * cmd_triage.c: kmfuzz triage [--findings DIR] [--target T] CRASH...
 *
 * Turn crash inputs into findings, one folder per signature, in one
 * process: for each crash, replay it (checkers on, full check after
 * every op), name it by its signature (harness/signature.h), and for a
 * new signature run the engine's minimizer (only then: a flood of known
 * crashes costs one replay each), shrink (the signature is the
 * shrinker's predicate), verify the candidates (the engine's minimized
 * input CRASH.min must replay with the same signature or it is
 * rejected), and write
 *	DIR/<hash>/repro.txt	 the text repro (# caught:, # signature:,
 *				 # target: lines, then the ops)
 *	DIR/<hash>/repro.c	 the C repro (creproduce_write)
 *	DIR/<hash>/map.svg	 the address map before the failing op
 *	DIR/<hash>/minimized.bin the repro encoded for the target
 *	DIR/<hash>/report.txt	 the crash's report, then the repro's
 *	DIR/<hash>/signature, targets, count, input-<target>-<name>
 *				 (the first 10 inputs; count has them all)
 *	DIR/INDEX		 one line per finding
 * <hash> is a hash of the signature alone, so one bug found by two
 * targets is one finding listing both.  A folder is built as
 * <hash>.tmp and renamed; DIR/.lock (flock) makes two triage runs on one
 * DIR safe.  A crash file is deleted once its folder is complete; one
 * that replays clean goes to DIR/unreproducible/.
 *
 * Each crash is replayed in a forked child, so a sanitizer report that
 * ends the child is still a finding: the parent names it by the report
 * (signature: kind, two project frames, file:line) and keeps the input
 * as its repro.
 *
 * Example: two crash files of a planted leak, one from fuzz-out/km and
 * one from fuzz-out/pool, give one folder whose `targets' lists km and
 * pool and whose signature is "leak free: free of aN returned N of its
 * N wired pages".
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char usage_triage[] =
"usage: kmfuzz triage [--findings DIR] [--target T] [--libfuzzer-dir DIR]\n"
"                     [--afl-dir DIR] CRASH...\n"
"Replay each crash input, name it by its signature, and file it under\n"
"DIR (default: findings): a new signature gets a folder with the shrunk\n"
"text repro, C repro, picture, encoded bytes and report; a known one\n"
"adds the input to its folder.  For a new signature the engine's own\n"
"minimizer runs first (libFuzzer's -minimize_crash with DIR/fuzz_<t> of\n"
"--libfuzzer-dir, or afl-tmin with --afl-dir's for an AFL++ crash); its\n"
"CRASH.min is a candidate that must keep the signature.  The\n"
"target is --target, else the folder above crashes/ (fuzz-out/T/crashes,\n"
"afl/T/...), else km.  Prints one line per crash and a summary.\n"
"Exit 0 done (whatever was found), 2 bad usage or an unwritable DIR.\n";

#define TRIAGE_KEEP_INPUTS	10

/* Project folders, for the frames of a sanitizer report. */
static const char *const project_dirs[] = {
	"/core/", "/harness/", "/pmap_model/", "/adapter/", "/fuzz/", NULL
};

struct triage {
	const char	*dir;
	const char	*target;	/* --target, or NULL */
	const char	*libfuzzer_dir;	/* --libfuzzer-dir: fuzz_<t> there */
	const char	*afl_dir;	/* --afl-dir: fuzz_<t> for afl-tmin */
	int		lockfd;
	unsigned int	nnew, nknown, nunrepro, nbad;
};

/* ---- small file helpers ------------------------------------------------- */

static int
write_file(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL)
		return -1;
	size_t w = fwrite(buf, 1, len, fp);
	return fclose(fp) == 0 && w == len ? 0 : -1;
}

static int
write_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

static char *
read_str(const char *path)
{
	size_t len;
	uint8_t *buf = fuzz_read_file(path, &len);
	char *s;

	if (buf == NULL)
		return NULL;
	s = realloc(buf, len + 1);
	if (s == NULL) {
		free(buf);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

static int
copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *buf = fuzz_read_file(from, &len);
	int r;

	if (buf == NULL)
		return -1;
	r = write_file(to, buf, len);
	free(buf);
	return r;
}

/* FNV-1a 64 of the signature, 12 hex digits: the folder's name. */
static void
sig_hash(const char *sig, char out[13])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = sig; *p != '\0'; p++) {
		h ^= (uint8_t)*p;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 13, "%012llx", (unsigned long long)(h >> 16));
}

/* The crash's target: --target, else the folder names, else km. */
static const struct km_target *
crash_target(const struct triage *tr, const char *path)
{
	char buf[4096], *p;

	if (tr->target != NULL)
		return km_target_find(tr->target, strlen(tr->target));
	snprintf(buf, sizeof(buf), "%s", path);
	/* .../<t>/crashes/FILE or .../afl/<t>/<instance>/crashes/FILE */
	while ((p = strrchr(buf, '/')) != NULL) {
		*p = '\0';
		const char *name = strrchr(buf, '/') ? strrchr(buf, '/') + 1 :
		    buf;
		if (strcmp(name, "crashes") != 0)
			continue;
		*strrchr(buf, '/') = '\0';
		for (int up = 0; up < 2; up++) {
			const char *t = strrchr(buf, '/') ? strrchr(buf, '/') +
			    1 : buf;
			if (km_target_find(t, strlen(t)) != NULL)
				return km_target_find(t, strlen(t));
			if (strrchr(buf, '/') == NULL)
				break;
			*strrchr(buf, '/') = '\0';
		}
		break;
	}
	return km_target_find("km", 2);
}

/* The base name with anything but [A-Za-z0-9._-] made '_'. */
static void
safe_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t i = 0;

	for (; *b != '\0' && i + 1 < len; b++, i++)
		out[i] = ((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') ||
		    (*b >= '0' && *b <= '9') || *b == '.' || *b == '-' ||
		    *b == '_') ? *b : '_';
	out[i] = '\0';
}

/* ---- a known signature: add the input ----------------------------------- */

static void
add_target(const char *fdir, const char *target)
{
	char path[4096];
	char *have;

	snprintf(path, sizeof(path), "%s/targets", fdir);
	have = read_str(path);
	bool listed = false;
	for (char *l = have; l != NULL && *l != '\0';) {
		char *nl = strchr(l, '\n');
		size_t n = nl != NULL ? (size_t)(nl - l) : strlen(l);
		if (n == strlen(target) && strncmp(l, target, n) == 0)
			listed = true;
		l = nl != NULL ? nl + 1 : l + n;
	}
	if (!listed) {
		FILE *fp = fopen(path, "a");
		if (fp != NULL) {
			fprintf(fp, "%s\n", target);
			fclose(fp);
		}
	}
	free(have);
}

static void
add_input(const char *fdir, const char *crash, const char *target)
{
	char path[4096], name[256], *count;
	unsigned int n = 0, inputs = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/count", fdir);
	count = read_str(path);
	if (count != NULL)
		n = (unsigned int)strtoul(count, NULL, 10);
	free(count);
	snprintf(name, sizeof(name), "%u\n", n + 1);
	write_str(path, name);
	if ((d = opendir(fdir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			inputs += strncmp(e->d_name, "input-", 6) == 0;
		closedir(d);
	}
	if (inputs < TRIAGE_KEEP_INPUTS) {
		safe_name(crash, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/input-%s-%s", fdir, target,
		    name);
		copy_file(crash, path);
	}
	add_target(fdir, target);
}

/* ---- a new signature: the folder ---------------------------------------- */

/* The fewest ops of the crash's shrink and of its engine minimizer's. */
static size_t
best_repro(struct cli_run *run, const char *crash, const char *sig,
    struct km_op *ops, struct harness_finding *f, FILE *log)
{
	static struct km_op alt[HARNESS_MAX_OPS];
	struct harness_finding fa;
	struct cli_args a;
	struct cli_run mrun;
	char minpath[4096], msig[HARNESS_SIG_MAX];
	uint32_t before = run->h->ntrace;
	size_t n = shrink_run(run, ops, f), na;

	fprintf(log, "shrunk the input: %u ops -> %zu\n", before, n);
	snprintf(minpath, sizeof(minpath), "%s.min", crash);
	if (access(minpath, R_OK) != 0)
		return n;
	memset(&a, 0, sizeof(a));
	a.target = run->t;
	a.target_given = true;
	a.variant = run->direct ? 1 : 0;
	int r = cli_load_and_run(minpath, &a, false, &mrun);
	if (r != HARNESS_FINDING) {
		fprintf(log, "candidate %s rejected: it replays %s\n", minpath,
		    r == HARNESS_CLEAN ? "clean" : "as a bad input");
		return n;
	}
	harness_signature(&mrun.f, msig, sizeof(msig));
	if (!harness_signature_equal(msig, sig)) {
		fprintf(log, "candidate %s rejected: signature \"%s\" is not "
		    "\"%s\"\n", minpath, msig, sig);
		return n;
	}
	na = shrink_run(&mrun, alt, &fa);
	harness_signature(&fa, msig, sizeof(msig));
	if (!harness_signature_equal(msig, sig) || na >= n) {
		fprintf(log, "candidate %s: %zu ops, not kept\n", minpath, na);
		return n;
	}
	fprintf(log, "candidate %s: %zu ops, kept\n", minpath, na);
	memcpy(ops, alt, na * sizeof(ops[0]));
	*f = fa;
	*run = mrun;
	return na;
}

/* Open WORK/name for writing. */
static FILE *
open_in(const char *work, const char *name, const char *mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", work, name);
	return fopen(path, mode);
}

/*
 * Write the folder of a new harness finding into work/.  run is the
 * crash's run (its report already in work/report.txt).
 */
static int
new_folder(const char *work, const char *crash, struct cli_run *run,
    const char *sig)
{
	static struct km_op ops[HARNESS_MAX_OPS], whole[HARNESS_MAX_OPS];
	struct harness_finding f, f2;
	FILE *log = open_in(work, "triage.log", "w");
	FILE *fp;
	uint32_t before = run->h->ntrace;
	char rsig[HARNESS_SIG_MAX];
	size_t n;
	int r;

	if (log == NULL)
		return -1;
	memcpy(whole, run->h->trace, before * sizeof(whole[0]));
	n = best_repro(run, crash, sig, ops, &f, log);
	/* the repro's own run: the writers below take it from run->h */
	r = cli_rerun_ops(run, ops, n, false, &f2);
	harness_signature(&f2, rsig, sizeof(rsig));
	if (r != HARNESS_FINDING || !harness_signature_equal(rsig, sig)) {
		/* a repro must replay: else the crash's ops, unshrunk */
		fprintf(log, "the shrunk repro (%zu ops) replays %s, not the "
		    "signature; the repro is the crash's trace (%u ops)\n",
		    n, r == HARNESS_FINDING ? rsig : r == HARNESS_CLEAN ?
		    "clean" : "as a bad input", before);
		n = before;
		memcpy(ops, whole, n * sizeof(ops[0]));
		r = cli_rerun_ops(run, ops, n, false, &f2);
	}
	run->f = f2;
	if ((fp = open_in(work, "repro.txt", "w")) != NULL) {
		repro_text_write(fp, run, run->h->trace, run->h->ntrace, &f2,
		    crash, before);
		fclose(fp);
	}
	if ((fp = open_in(work, "repro.c", "w")) != NULL) {
		if (creproduce_write(fp, run, "repro.txt", r) != 0)
			fprintf(fp, "/* kmfuzz creproduce failed: see "
			    "triage.log */\n");
		fclose(fp);
	}
	if ((fp = open_in(work, "map.svg", "w")) != NULL) {
		picture_write(fp, run, "repro.txt", r);
		fclose(fp);
	}
	/* picture re-ran a prefix: the repro once more for what follows */
	r = cli_rerun_ops(run, ops, n, false, &f2);
	if (!run->t->text) {
		size_t len = km_encode_size(run->h->trace, run->h->ntrace);
		uint8_t *bytes = malloc(len + 1);
		if (bytes != NULL && km_encode(run->h->trace, run->h->ntrace,
		    run->t->set, bytes, len + 1) == len) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/minimized.bin", work);
			write_file(path, bytes, len);
		} else {
			fprintf(log, "the repro does not encode for target "
			    "%s; minimized.bin is the input\n", run->t->name);
		}
		free(bytes);
	}
	if ((fp = open_in(work, "replay.txt", "w")) != NULL) {
		char rep[2048];
		harness_format_finding(&f2, rep, sizeof(rep));
		fprintf(fp, "\n---- the repro (%u ops) replayed: %s\n%s",
		    run->h->ntrace, r == HARNESS_FINDING ? "finding" : "CLEAN",
		    r == HARNESS_FINDING ? rep : "");
		fclose(fp);
	}
	fclose(log);
	return 0;
}

/* ---- one crash ---------------------------------------------------------- */

/* The child's verdict, from its result file. */
enum { TR_CLEAN = 'c', TR_FINDING = 'f', TR_BAD = 'b' };

/*
 * In the child: replay the crash, write work/result ("f SIGNATURE" or
 * "c" or "b") and for a finding work/report.txt and, if the signature is
 * new (no DIR/<hash>), the rest of the folder.  stderr is already
 * work/stderr.txt.
 */
static int
child(const struct triage *tr, const char *crash, const char *work,
    const struct km_target *t, bool build)
{
	struct cli_args a;
	struct cli_run run;
	char sig[HARNESS_SIG_MAX], hash[13], path[4096], res[HARNESS_SIG_MAX +
	    4];
	struct stat st;

	memset(&a, 0, sizeof(a));
	a.target = t;
	a.target_given = true;
	a.variant = -1;
	int r = cli_load_and_run(crash, &a, true, &run);
	snprintf(path, sizeof(path), "%s/result", work);
	if (r != HARNESS_FINDING) {
		write_str(path, r == HARNESS_CLEAN ? "c" : "b");
		return 0;
	}
	harness_signature(&run.f, sig, sizeof(sig));
	snprintf(res, sizeof(res), "f %s", sig);
	write_str(path, res);
	sig_hash(sig, hash);
	snprintf(path, sizeof(path), "%s/%s", tr->dir, hash);
	if (!build || stat(path, &st) == 0)
		return 0;		/* known: the parent adds the input */
	return new_folder(work, crash, &run, sig) == 0 ? 0 : 1;
}

/* rm -r of a folder of plain files (a work folder). */
static void
remove_tree(const char *dir)
{
	char path[4096];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
say(const char *crash, const char *t, const char *what, const char *hash,
    const char *sig)
{
	printf("triage: %s (%s): %s%s%s%s%s\n", crash, t, what,
	    hash ? " " : "", hash ? hash : "", sig ? ": " : "", sig ? sig : "");
	fflush(stdout);
}

/*
 * Replay crash in a child (build: and write the folder of a new
 * finding); its verdict and stderr.  => false: no child.
 */
static bool
replay(const struct triage *tr, const char *crash, const char *work,
    const struct km_target *t, bool build, char **res, char **err)
{
	char path[4096];
	int status;

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		snprintf(path, sizeof(path), "%s/stderr.txt", work);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		_exit(child(tr, crash, work, t, build));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	snprintf(path, sizeof(path), "%s/result", work);
	*res = read_str(path);
	snprintf(path, sizeof(path), "%s/stderr.txt", work);
	*err = read_str(path);
	return true;
}

/* report.txt: the crash's report, then the repro's replay. */
static void
write_report(const char *work, const char *err)
{
	char path[4096];
	char *replayed;

	snprintf(path, sizeof(path), "%s/replay.txt", work);
	replayed = read_str(path);
	unlink(path);
	snprintf(path, sizeof(path), "%s/report.txt", work);
	FILE *fp = fopen(path, "w");
	if (fp != NULL) {
		fputs(err != NULL ? err : "", fp);
		fputs(replayed != NULL ? replayed : "", fp);
		fclose(fp);
	}
	free(replayed);
}

/* A sanitizer finding has no shrunk repro: the input is it. */
static void
input_as_repro(const char *work, const char *crash, const char *sig,
    const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/repro.txt", work);
	if (access(path, R_OK) == 0)
		return;
	FILE *fp = fopen(path, "w");
	if (fp != NULL) {
		fprintf(fp, "# caught: %s\n# signature: %s\n# target: %s\n"
		    "# (the replay ended in a sanitizer report: the input "
		    "itself, minimized.bin, is the repro)\n", sig, sig, target);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/minimized.bin", work);
	copy_file(crash, path);
}

/*
 * Run argv (NULL-terminated) with output to work/minimize.log, at most
 * `secs' seconds (through timeout(1)).  => its exit status, -1 if none.
 */
static int
run_logged(const char *work, unsigned int secs, char *const argv[])
{
	char path[4096], limit[16];
	char *targv[32];
	int status, n = 0;

	snprintf(limit, sizeof(limit), "%u", secs);
	targv[n++] = (char *)"timeout";
	targv[n++] = limit;
	for (int i = 0; argv[i] != NULL && n < 31; i++)
		targv[n++] = argv[i];
	targv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		snprintf(path, sizeof(path), "%s/minimize.log", work);
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(targv[0], targv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The engine's own minimizer writes CRASH.min (a candidate best_repro
 * verifies): libFuzzer's -minimize_crash=1 with DIR/fuzz_<t> of
 * --libfuzzer-dir, or afl-tmin with --afl-dir's binary for an AFL++
 * crash (named afl-* or under an afl/ folder).
 */
static void
engine_minimize(const struct triage *tr, const char *crash, const char *work,
    const struct km_target *t)
{
	char bin[4096], min[4096], art[4200];
	const char *base = strrchr(crash, '/') ? strrchr(crash, '/') + 1 :
	    crash;
	bool afl = strncmp(base, "afl", 3) == 0 || strstr(crash, "/afl/");

	snprintf(min, sizeof(min), "%s.min", crash);
	if (access(min, R_OK) == 0)
		return;		/* one is there already */
	if (afl && tr->afl_dir != NULL) {
		snprintf(bin, sizeof(bin), "%s/fuzz_%s", tr->afl_dir, t->name);
		char *const argv[] = { (char *)"afl-tmin", (char *)"-i",
		    (char *)crash, (char *)"-o", min, (char *)"--", bin, NULL };
		if (access(bin, X_OK) == 0 && run_logged(work, 60, argv) != 0)
			unlink(min);
	} else if (!afl && tr->libfuzzer_dir != NULL) {
		snprintf(bin, sizeof(bin), "%s/fuzz_%s", tr->libfuzzer_dir,
		    t->name);
		snprintf(art, sizeof(art), "-exact_artifact_path=%s", min);
		char *const argv[] = { bin, (char *)"-minimize_crash=1",
		    (char *)"-runs=3000", (char *)"-max_total_time=15", art,
		    (char *)crash, NULL };
		if (access(bin, X_OK) == 0)
			(void)run_logged(work, 60, argv);
	}
}

static void
triage_one(struct triage *tr, const char *crash)
{
	const struct km_target *t = crash_target(tr, crash);
	char work[4096], path[4096], fdir[4096], hash[13], name[256];
	char sig[HARNESS_SIG_MAX] = "";
	char *res = NULL, *err = NULL;
	struct stat st;

	if (t == NULL) {
		say(crash, tr->target, "unknown target", NULL, NULL);
		tr->nbad++;
		return;
	}
	snprintf(work, sizeof(work), "%s/.work.%ld", tr->dir, (long)getpid());
	remove_tree(work);
	if (mkdir(work, 0777) != 0 || !replay(tr, crash, work, t, false,
	    &res, &err)) {
		say(crash, t->name, "cannot replay (work folder or fork)",
		    NULL, NULL);
		tr->nbad++;
		goto out;
	}
	if (res == NULL && err != NULL)
		/* the child died: a sanitizer report names it */
		harness_signature_sanitizer(err, strlen(err), project_dirs, sig,
		    sizeof(sig));
	else if (res != NULL && res[0] == TR_FINDING)
		snprintf(sig, sizeof(sig), "%s", res + 2);
	if (sig[0] == '\0') {
		snprintf(fdir, sizeof(fdir), "%s/unreproducible", tr->dir);
		mkdir(fdir, 0777);
		safe_name(crash, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s-%s", fdir, t->name, name);
		if (copy_file(crash, path) == 0)
			unlink(crash);
		say(crash, t->name, res != NULL && res[0] == TR_BAD ?
		    "a bad input; kept in" : res == NULL ? "the replay died "
		    "without a sanitizer report; kept in" : "replays clean; "
		    "kept in", NULL, fdir);
		tr->nunrepro++;
		goto out;
	}
	sig_hash(sig, hash);
	snprintf(fdir, sizeof(fdir), "%s/%s", tr->dir, hash);
	if (stat(fdir, &st) == 0) {
		add_input(fdir, crash, t->name);
		unlink(crash);
		snprintf(path, sizeof(path), "%s.min", crash);
		unlink(path);
		say(crash, t->name, "known finding", hash, sig);
		tr->nknown++;
		goto out;
	}
	/*
	 * new: the engine's minimizer (for new findings only: a flood of
	 * known crashes costs a replay each), then the folder, built by a
	 * second child; rename it into place.
	 */
	if (res != NULL) {
		engine_minimize(tr, crash, work, t);
		free(res);
		free(err);
		res = err = NULL;
		if (!replay(tr, crash, work, t, true, &res, &err) ||
		    res == NULL) {
			say(crash, t->name, "the folder could not be written",
			    hash, sig);
			tr->nbad++;
			goto out;
		}
	}
	write_report(work, err);
	input_as_repro(work, crash, sig, t->name);
	snprintf(path, sizeof(path), "%s/signature", work);
	write_str(path, sig);
	snprintf(path, sizeof(path), "%s/stderr.txt", work);
	unlink(path);
	snprintf(path, sizeof(path), "%s/result", work);
	unlink(path);
	add_input(work, crash, t->name);
	if (rename(work, fdir) != 0) {
		say(crash, t->name, "cannot rename the folder into place",
		    hash, sig);
		tr->nbad++;
		goto out;
	}
	unlink(crash);
	snprintf(path, sizeof(path), "%s.min", crash);
	unlink(path);
	say(crash, t->name, "NEW finding", hash, sig);
	tr->nnew++;
out:
	free(res);
	free(err);
	remove_tree(work);
}

/* DIR/INDEX from the folders: hash, targets, ops, inputs, signature. */
static void
write_index(const struct triage *tr)
{
	char path[4096], tmp[4096];
	struct dirent **names;
	int n = scandir(tr->dir, &names, NULL, alphasort);

	if (n < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s/INDEX.tmp", tr->dir);
	FILE *fp = fopen(tmp, "w");
	if (fp == NULL)
		return;
	fprintf(fp, "# findings: one folder per signature (kmfuzz triage)\n"
	    "# hash        targets      ops inputs  signature\n");
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		char *sig, *targets, *count;
		snprintf(path, sizeof(path), "%s/%s/signature", tr->dir, d);
		if (d[0] != '.' && (sig = read_str(path)) != NULL) {
			snprintf(path, sizeof(path), "%s/%s/targets", tr->dir, d);
			targets = read_str(path);
			for (char *p = targets; p != NULL && *p; p++)
				if (*p == '\n')
					*p = p[1] != '\0' ? ',' : '\0';
			snprintf(path, sizeof(path), "%s/%s/count", tr->dir, d);
			count = read_str(path);
			snprintf(path, sizeof(path), "%s/%s/repro.txt", tr->dir,
			    d);
			char *repro = read_str(path);
			unsigned int ops = 0;
			for (char *l = repro; l != NULL && *l != '\0';) {
				char *nl = strchr(l, '\n');
				ops += *l != '#' && *l != '\n';
				l = nl != NULL ? nl + 1 : l + strlen(l);
			}
			fprintf(fp, "%-13s %-12s %3u %6lu  %s\n", d,
			    targets ? targets : "?", ops,
			    count ? strtoul(count, NULL, 10) : 1UL, sig);
			free(sig);
			free(targets);
			free(count);
			free(repro);
		}
		free(names[i]);
	}
	free(names);
	snprintf(path, sizeof(path), "%s/unreproducible", tr->dir);
	DIR *u = opendir(path);
	if (u != NULL) {
		unsigned int k = 0;
		struct dirent *e;
		while ((e = readdir(u)) != NULL) {
			/* NAME.why: what the engine printed (scripts/fuzz) */
			size_t n = strlen(e->d_name);
			k += e->d_name[0] != '.' && !(n > 4 &&
			    strcmp(e->d_name + n - 4, ".why") == 0);
		}
		closedir(u);
		fprintf(fp, "# unreproducible (replay clean or bad): %u file(s) "
		    "in unreproducible/\n", k);
	}
	fclose(fp);
	snprintf(path, sizeof(path), "%s/INDEX", tr->dir);
	rename(tmp, path);
}

int
cmd_triage(int argc, char **argv)
{
	struct triage tr = { .dir = "findings", .lockfd = -1 };
	char path[4096];
	int nfiles = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_triage, stdout);
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "--findings") == 0 && i + 1 < argc) {
			tr.dir = argv[++i];
		} else if (strcmp(argv[i], "--libfuzzer-dir") == 0 &&
		    i + 1 < argc) {
			tr.libfuzzer_dir = argv[++i];
		} else if (strcmp(argv[i], "--afl-dir") == 0 && i + 1 < argc) {
			tr.afl_dir = argv[++i];
		} else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
			tr.target = argv[++i];
			if (km_target_find(argv[i], strlen(argv[i])) == NULL) {
				fprintf(stderr, "kmfuzz triage: unknown target "
				    "'%s'\n", tr.target);
				return EXIT_BAD;
			}
		} else if (argv[i][0] == '-') {
			fputs(usage_triage, stderr);
			return EXIT_BAD;
		} else {
			argv[nfiles++] = argv[i];
		}
	}
	struct stat dst;
	if (mkdir(tr.dir, 0777) != 0 && (stat(tr.dir, &dst) != 0 ||
	    !S_ISDIR(dst.st_mode))) {
		fprintf(stderr, "kmfuzz triage: %s: %s\n", tr.dir,
		    fuzz_errstr());
		return EXIT_BAD;
	}
	snprintf(path, sizeof(path), "%s/.lock", tr.dir);
	tr.lockfd = open(path, O_RDWR | O_CREAT, 0666);
	if (tr.lockfd < 0 || flock(tr.lockfd, LOCK_EX) != 0) {
		fprintf(stderr, "kmfuzz triage: cannot lock %s: %s\n", path,
		    fuzz_errstr());
		return EXIT_BAD;
	}
	for (int i = 0; i < nfiles; i++) {
		struct stat st;
		if (cli_has_suffix(argv[i], ".min"))
			continue;	/* a candidate of its crash, not one */
		if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
			triage_one(&tr, argv[i]);
	}
	write_index(&tr);
	flock(tr.lockfd, LOCK_UN);
	close(tr.lockfd);
	printf("triage: %u new, %u known, %u unreproducible, %u failed\n",
	    tr.nnew, tr.nknown, tr.nunrepro, tr.nbad);
	return EXIT_CLEAN;
}
