/*
 * The lock words fork holds (fork_locked in syscalls.c), apart from the
 * code they guard: fork reaches them from every program, and a program
 * should carry malloc and stdio only if it calls them.
 */
#include <forkrt.h>

#include "libc_lock.h"

/* Set once a second lwp may exist: until then the locks cost nothing. */
volatile int __libc_threaded;
struct libc_lock malloc_lock;	/* malloc.c */
struct libc_lock stdio_lock;	/* stdio.c */
