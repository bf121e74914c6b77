/*
 * <assert.h>: a failed assert prints the expression, file, line and
 * function on stderr and calls abort() (SIGABRT).  Unlike the others,
 * this header may be included again to follow a change of NDEBUG.
 */
#undef assert

#ifdef NDEBUG
#define assert(e)	((void)0)
#else
#define assert(e)	((e) ? (void)0 : __assert(__func__, __FILE__, __LINE__, #e))
#endif

#ifndef _ASSERT_H_
#define _ASSERT_H_

#define static_assert	_Static_assert

_Noreturn void	__assert(const char *func, const char *file, int line,
	    const char *expr);

#endif /* !_ASSERT_H_ */
