/*
 * programs.h: text op programs built into the image (the generated
 * kt_programs.c, made by tests/embed_programs.py from the .txt files in
 * tests/programs/ and corpus/seeds-text/).
 */
#ifndef KT_PROGRAMS_H
#define KT_PROGRAMS_H

struct kt_program {
	const char	*name;		/* "seeds-text/pool-cache.txt" */
	const char	*text;		/* the file, verbatim */
};

extern const struct kt_program kt_programs[];
extern const unsigned kt_nprograms;

#endif /* KT_PROGRAMS_H */
