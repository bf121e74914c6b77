/*
 * Leaving the program: exit (atexit handlers, then stdio), _exit and _Exit.
 */
#include <forkrt.h>

#include "libc_lock.h"
#include "sys.h"

long	__syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5);

/*
 * ISO C's 32 handlers at least; no more, so registering never allocates.
 * Under atexit_lock; exit runs them without it, so that a handler may
 * register another (which then runs next, as FreeBSD's does).
 */
#define ATEXIT_MAX	32

static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_n;
static struct libc_lock atexit_lock;

int
atexit(void (*fn)(void))
{
	int r = -1;

	libc_lock(&atexit_lock);
	if (atexit_n < ATEXIT_MAX) {
		atexit_fns[atexit_n++] = fn;
		r = 0;
	}
	libc_unlock(&atexit_lock);
	if (r != 0)
		errno = ENOMEM;
	return (r);
}

/*
 * stdio sets this when it first takes output, so that a program that
 * never uses stdio does not carry it (FreeBSD's __cleanup).
 */
void (*__libc_stdio_cleanup)(void);

/* Handlers in reverse order of registration, each once, then every stream flushed. */
_Noreturn void
exit(int status)
{
	void (*fn)(void);

	for (;;) {
		libc_lock(&atexit_lock);
		fn = atexit_n > 0 ? atexit_fns[--atexit_n] : NULL;
		libc_unlock(&atexit_lock);
		if (fn == NULL)
			break;
		fn();
	}
	if (__libc_stdio_cleanup != NULL)
		__libc_stdio_cleanup();
	_exit(status);
}

_Noreturn void
_exit(int status)
{
	__syscall6(SYS_exit, status, 0, 0, 0, 0, 0);
	for (;;)
		;
}

_Noreturn void
_Exit(int status)
{
	_exit(status);
}
