/*
 * fileio.h: whole-file reads and error strings for the fuzz tools.
 *
 * A file of its own because the core's uvm_param.h defines NetBSD errno
 * values (EAGAIN 35) that clash with the host's <errno.h>: only fileio.c
 * includes <errno.h>, and nothing there includes the core.
 */
#ifndef KMFUZZ_FILEIO_H
#define KMFUZZ_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read a whole file, NUL-terminated (the NUL is not counted in *lenp).
 * => NULL on error; fuzz_errstr() then says why.
 */
uint8_t		*fuzz_read_file(const char *path, size_t *lenp);
/* strerror(errno) of the last failed call. */
const char	*fuzz_errstr(void);

#endif /* KMFUZZ_FILEIO_H */
