/*
 * What every kernel file needs: console output, panic and assertions, the
 * shared string functions, errno values, and the spinlock.
 */
#ifndef _KERNEL_H_
#define _KERNEL_H_

#include <stdarg.h>

#include "types.h"
#include "user/forkrt/abi.h"

int	printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	vprintf(const char *fmt, va_list ap);
int	snprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef KASSERT_ON
#define KASSERT(cond, msg) do {						\
	if (__predict_false(!(cond)))					\
		panic("assertion \"%s\" failed at %s:%d: %s", #cond,	\
		    __FILE__, __LINE__, msg);				\
} while (0)
#else
#define KASSERT(cond, msg) do { (void)sizeof(cond); } while (0)
#endif

void	*memcpy(void *restrict, const void *restrict, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	memcmp(const void *, const void *, size_t);
size_t	strlen(const char *);
size_t	strnlen(const char *, size_t);
int	strcmp(const char *, const char *);
int	strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
size_t	strlcpy(char *, const char *, size_t);

/*
 * A spinlock that also masks interrupts, so that it can be taken from
 * interrupt context.  With one CPU the lock word only catches recursion;
 * with more it is what keeps them apart.
 */
struct spinlock {
	volatile int	locked;
	uint64_t	saved_intr;
	const char	*name;
};

#define SPINLOCK_INIT(n)	{ 0, 0, (n) }

void	spin_lock(struct spinlock *);
void	spin_unlock(struct spinlock *);
bool	spin_held(const struct spinlock *);

/* Kernel heap: kmalloc returns NULL when memory is short, never panics. */
void	*kmalloc(size_t size);
void	*kzalloc(size_t size);
void	kfree(void *p);
void	kmem_init(void);

#endif /* !_KERNEL_H_ */
