/*
 * The few C library functions host tests use, declared here rather than
 * through the system headers: those define register_t, struct timespec and
 * the wait macros differently from the kernel's headers the tests include.
 */
#ifndef _HOST_LIBC_H_
#define _HOST_LIBC_H_

#include <stddef.h>

void	*calloc(size_t, size_t);
void	*aligned_alloc(size_t, size_t);
void	free(void *);
void	qsort(void *, size_t, size_t, int (*)(const void *, const void *));
__attribute__((noreturn)) void exit(int);

#endif
