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

/* exit1 never returns: its host tests come back through a longjmp. */
typedef long host_jmp_buf[64] __attribute__((aligned(16)));
int	_setjmp(void *) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(void *, int);

#endif
