/*
 * What every kernel file needs: console output, panic and assertions, the
 * shared string functions, errno values, and the spinlock.
 */
#ifndef _KERNEL_H_
#define _KERNEL_H_

#include <stdarg.h>

#include "hal_inline.h"
#include "smp.h"
#include "types.h"
#include "user/forkrt/abi.h"

int	printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	vprintf(const char *fmt, va_list ap);
int	snprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The kernel call chain (core/backtrace.c): up to max return addresses
 * from the frame pointer fp, innermost first, and their number;
 * backtrace() prints the caller's, for panic().
 */
unsigned backtrace_collect(uintptr_t fp, uintptr_t *pcs, unsigned max);
void	backtrace(void);
void	console_puts(const char *s, size_t len);
/* panic's: true for the first CPU to panic (it then prints without the lock). */
bool	console_panic(void);
/* Choose the stack protector's guard: kmain, first thing (core/stack_protector.c). */
void	stack_protector_init(void);

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
 * and panics, naming both, when a later nesting reverses it, or when two
 * locks of one class are held at once.
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
bool	spin_held(const struct spinlock *);
/* The paths spin_lock and spin_unlock leave their inline fast path for. */
void	spin_lock_slow(struct spinlock *);
__noreturn void spin_unlock_bad(const struct spinlock *);

/* core/witness.c: the lock-order checker, on unless the command line says kern.witness=0. */
void	witness_acquire(const struct spinlock *);
void	witness_release(const struct spinlock *);
extern bool witness_on;
unsigned witness_classes(void);
unsigned witness_orders(void);

/*
 * Nestable interrupt masking, what spinlocks use; also for per-CPU work
 * that takes no lock.  The state to restore is kept per CPU, at the
 * first level (xv6's push_off/pop_off), so that locks may be released in
 * any order.
 */
static inline void
intr_push(void)
{
	uint64_t s = hal_intr_disable();
	struct cpu *ci = hal_curcpu();

	if (ci->ci_spin_depth++ == 0)
		ci->ci_spin_intr = s;
}

static inline void
intr_pop(void)
{
	struct cpu *ci = hal_curcpu();

	if (--ci->ci_spin_depth == 0)
		hal_intr_restore(ci->ci_spin_intr);
}

/*
 * The fast paths, inline: the kernel takes a hundred locks a fork.  The
 * checker's work and any waiting are out of line (core/spinlock.c).
 */
static inline void
spin_lock(struct spinlock *lk)
{
	intr_push();
	if (__predict_false(witness_on ||
	    __atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0))
		spin_lock_slow(lk);
	lk->owner = hal_curcpu();
}

static inline void
spin_unlock(struct spinlock *lk)
{
	if (__predict_false(lk->owner != hal_curcpu()))
		spin_unlock_bad(lk);
	if (__predict_false(witness_on))
		witness_release(lk);
	lk->owner = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	intr_pop();
}

/* The CPU is waiting in a loop for another: let that one run (hal_pause). */
static inline void
cpu_relax(void)
{
	hal_pause();
}

/* Kernel heap: kmalloc returns NULL when memory is short, never panics. */
void	*kmalloc(size_t size);
void	*kzalloc(size_t size);
void	kfree(void *p);
void	kmem_init(void);
extern volatile uint64_t kmem_pages, kmem_objects;

#endif /* !_KERNEL_H_ */
