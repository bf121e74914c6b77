/*
 * <stdlib.h>: memory, leaving the program, numbers.  getenv always
 * returns NULL: forkrt programs have no environment.
 */
#ifndef _STDLIB_H_
#define _STDLIB_H_

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1
#define RAND_MAX	0x7fffffff

void	*malloc(size_t size);
void	*calloc(size_t n, size_t size);
void	*realloc(void *p, size_t size);
void	free(void *p);

_Noreturn void exit(int status);	/* atexit handlers, then flushes stdio */
_Noreturn void _Exit(int status);	/* neither */
_Noreturn void abort(void);		/* SIGABRT, even if caught or blocked */
int	atexit(void (*fn)(void));
char	*getenv(const char *name);

int	atoi(const char *s);
long	atol(const char *s);
long	strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end,
	    int base);
int	abs(int n);
long	labs(long n);
long long llabs(long long n);
void	qsort(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *));
void	*bsearch(const void *key, const void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *));
int	rand(void);
void	srand(unsigned seed);

#endif /* !_STDLIB_H_ */
