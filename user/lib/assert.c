/*
 * assert's failure path: one line on stderr, then abort (SIGABRT).
 */
#include <forkrt.h>

_Noreturn void
__assert(const char *func, const char *file, int line, const char *expr)
{
	fprintf(stderr, "Assertion failed: (%s), function %s, file %s, line %d.\n",
	    expr, func, file, line);
	abort();
}
