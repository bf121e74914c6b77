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
void	console_puts(const char *s, size_t len);

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
 * interrupt context.  It records the CPU that holds it: spin_held() means
 * "held by this CPU".  Interrupts are masked from the first spinlock a CPU
 * takes until it releases its last (the state to restore is per CPU, so
 * locks may be released in any order).  A CPU spinning for a lock keeps
 * answering cross-calls (smp.h).
 *
 * Each lock belongs to a class, its name: the lock-order checker
 * (core/witness.c) records the order in which classes are first nested
 * and panics, naming both, when a later nesting reverses it.  Locks of
 * one class nest only through spin_lock_nested(), for the few places that
 * order them by another rule (written where they do it).
 */
struct cpu;

struct spinlock {
	volatile int	locked;
	struct cpu	*volatile owner;
	const char	*name;		/* also its class for the checker */
	unsigned	class;		/* checker's class index + 1, 0 = not yet seen */
};

#define SPINLOCK_INIT(n)	{ 0, NULL, (n), 0 }

void	spin_init(struct spinlock *, const char *name);
void	spin_lock(struct spinlock *);
void	spin_lock_nested(struct spinlock *);
bool	spin_trylock(struct spinlock *);
void	spin_unlock(struct spinlock *);
bool	spin_held(const struct spinlock *);

/* Nestable interrupt masking that spinlocks use; also for per-CPU work with no lock. */
void	intr_push(void);
void	intr_pop(void);

/* core/witness.c: the lock-order checker, on unless the command line says nowitness. */
void	witness_acquire(const struct spinlock *, bool nested);
void	witness_release(const struct spinlock *);
extern bool witness_on;
unsigned witness_classes(void);
unsigned witness_orders(void);

/* The CPU is waiting in a loop: let the other hardware thread run (pause). */
static inline void
cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Kernel heap: kmalloc returns NULL when memory is short, never panics. */
void	*kmalloc(size_t size);
void	*kzalloc(size_t size);
void	kfree(void *p);
void	kmem_init(void);
extern volatile uint64_t kmem_pages, kmem_objects;

#endif /* !_KERNEL_H_ */
