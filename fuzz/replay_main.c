/*
 * replay_main.c: a plain main() for a fuzz target built without an
 * engine: replays the files (or every file of the directories) named on
 * the command line, as the engine would, one line per file on stdout.
 *
 *	fuzz_km_replay corpus/km crash-1234
 *	exit 0 all clean, 1 some input found something (report and text
 *	repro on stderr), 2 a file could not be read.
 *
 * Unlike the engine entry point, a finding does not abort(): the replay
 * goes on with the next file and the exit status says.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "target_common.h"

static int
replay_file(const char *path)
{
	static struct harness_finding f;
	struct fuzz_opts o;
	size_t len;
	uint8_t *buf;
	int r;

	buf = fuzz_read_file(path, &len);
	if (buf == NULL) {
		fprintf(stderr, "%s: %s\n", path, fuzz_errstr());
		return 2;
	}
	fuzz_opts_default(&o);
	r = fuzz_run_input(fuzz_this_target, buf, len, &o, NULL, &f);
	free(buf);
	printf("%s: %s\n", path, r == HARNESS_FINDING ? "FINDING" :
	    r == HARNESS_BADINPUT ? "rejected (not a program)" : "clean");
	fflush(stdout);
	return r == HARNESS_FINDING ? 1 : 0;
}

static int
replay_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int n, worst = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, fuzz_errstr());
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];
		int r;

		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
			    names[i]->d_name);
			r = replay_file(sub);
			if (r > worst)
				worst = r;
		}
		free(names[i]);
	}
	free(names);
	return worst;
}

int
main(int argc, char **argv)
{
	int worst = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		    "usage: %s FILE|DIR...\n"
		    "Replay inputs through fuzz target \"%s\" (no engine).\n"
		    "Exit 0 clean, 1 a finding (report on stderr), 2 an "
		    "unreadable file.\n", argv[0], fuzz_this_target->name);
		return argc < 2 ? 2 : 0;
	}
	for (int i = 1; i < argc; i++) {
		int r = replay_path(argv[i]);

		if (r == 2 || (r == 1 && worst != 2))
			worst = r;
	}
	/* torn down as a kernel would never be: the teardown is code too */
	fuzz_harnesses_destroy();
	return worst;
}
