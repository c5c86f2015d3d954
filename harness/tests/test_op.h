/*
 * test_op.h: what the op-language tests share (test_op_util.c): the
 * report vocabulary (report.h), a fixed-seed generator, the opsets, op
 * comparisons, and the canonical text lines of every opcode, flag and
 * option.
 */
#ifndef KMFUZZ_TEST_OP_H
#define KMFUZZ_TEST_OP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uvm/uvm.h>
#include "op.h"
#include "report.h"

uint32_t rng(void);
extern const struct km_opset *const sets[];
#define NSETS	5
void	op_dump(const char *what, const struct km_op *op);
bool	in_set(const struct km_opset *set, unsigned int code);
const char *decoded_op_bad(const struct km_opset *set, const struct km_op *op);
#define MAXLEN	512	/* longest random input */
size_t	decode_all(const uint8_t *buf, size_t len, const struct km_opset *set,
	    struct km_op *ops, size_t max);
extern const char *const canonical[];
extern const size_t ncanonical;
/* A parsed op given selectors, encoded and decoded: the same op? */
bool	bytes_trip(const struct km_op *parsed);

void	test_text_malformed(void);	/* test_op_bad.c */
void	test_text_garbage(void);

#endif /* KMFUZZ_TEST_OP_H */
