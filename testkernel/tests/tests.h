/*
 * tests.h: the test groups the kernel runs, in order (tests/tests.c).
 * One file per feature under tests/; each group prints TAP via report().
 */
#ifndef KT_TESTS_H
#define KT_TESTS_H

struct ktest {
	const char	*name;		/* for only=NAME */
	void		(*fn)(void);
};

extern const struct ktest ktests[];
extern const unsigned ktests_count;

void	test_boot(void);		/* tests/boot.c */
void	test_kpmap(void);		/* tests/kpmap.c */
void	test_platform(void);		/* tests/platform.c */
void	test_harness(void);		/* tests/harness.c */
void	test_replay(void);		/* tests/replay.c */

#endif /* KT_TESTS_H */
