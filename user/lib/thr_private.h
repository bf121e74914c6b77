/*
 * The C library's threads (user/lib/pthread*.c), internal.
 *
 * A thread is an lwp plus a struct pthread kept at the top of its own
 * stack mapping (one mmap: stack, guard page below it, and the struct),
 * so that freeing the stack frees everything.  The main thread's struct
 * is static.
 *
 * Finding the running thread (pthread_self): the thread pointer register,
 * set once per lwp with lwp_setprivate (riscv64 tp, which trap entry and
 * exit keep as the user's; x86-64 the FS base, which the kernel keeps per
 * lwp and loads at every switch).  fork copies it, so the child's one
 * thread is the one that forked and finds itself; a signal handler runs
 * on the interrupted lwp and finds its thread too.  A scheme without
 * kernel help (stacks aligned to their size, found from sp) fails on the
 * main stack and on an alternate signal stack, and lwp_gettid() plus a
 * table costs a system call each time.
 *
 * Waiting: every lock here is an int that umtx_sleep/umtx_wakeup wait on
 * after a short spin (thr_umtx.c), never a yield loop.
 */
#ifndef _THR_PRIVATE_H_
#define _THR_PRIVATE_H_

#include <pthread.h>

#include "libc_lock.h"

long	__syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5);

struct thr_specific {
	unsigned	seq;		/* the key's generation this value belongs to */
	const void	*value;
};

struct pthread {
	struct pthread	*self;		/* first: x86-64 reads %fs:0 */
	int		*errnop;	/* its errno (errno.c) */
	int		t_errno;
	lwpid_t		tid;		/* the kernel writes it (lwp_create's tid1) */
	volatile int	exited;		/* set last, off the stack: join and reap wait on it */
	int		detached;	/* (list lock) */
	int		gone;		/* (list lock) past pthread_exit's unlink */
	void		*(*start)(void *);
	void		*arg;
	void		*ret;
	void		*map;		/* the mapping [map, map + maplen), NULL for main */
	size_t		maplen;
	sigset_t	sigmask;	/* the creator's, restored once the thread runs */
	int		rdlocks;	/* read locks held: they may nest past waiting writers */
	struct pthread	*next;		/* (list lock) all threads, or the dead list */
	struct thr_specific specific[PTHREAD_KEYS_MAX];
};

/* errno.c: set once the main thread has its thread pointer; the lwp_create lwps' thread. */
extern volatile int __thr_inited;
extern struct pthread __thr_raw;

/* The running thread: the thread pointer register. */
static inline struct pthread *
thr_tp(void)
{
	struct pthread *t;

#if defined(__riscv)
	__asm__("mv %0, tp" : "=r"(t));
#elif defined(__x86_64__)
	__asm__("movq %%fs:0, %0" : "=r"(t));
#elif defined(__aarch64__)
	__asm__("mrs %0, tpidr_el0" : "=r"(t));
#else
#error "no thread pointer for this architecture"
#endif
	return (t);
}

/* Thread list and dead detached threads, for fork and reaping. */
extern struct libc_lock __thr_list_lock;
extern volatile int __libc_threaded;

/* thr_umtx.c: the lock every mutex here is (0 free, 1 held, 2 held with sleepers). */
int	__thr_umtx_sleep(volatile int *p, int v, int timeout_us);	/* 0 or an errno */
void	__thr_umtx_wake(volatile int *p, int count);
void	__thr_lock_wait(volatile int *lk);
void	__thr_unlock_wake(volatile int *lk);

static inline bool
thr_trylock(volatile int *lk)
{
	int z = 0;

	return (__atomic_compare_exchange_n(lk, &z, 1, false, __ATOMIC_ACQUIRE,
	    __ATOMIC_RELAXED));
}

static inline void
thr_lock(volatile int *lk)
{
	if (!thr_trylock(lk))
		__thr_lock_wait(lk);
}

static inline void
thr_unlock(volatile int *lk)
{
	if (__atomic_exchange_n(lk, 0, __ATOMIC_RELEASE) == 2)
		__thr_unlock_wake(lk);
}

/* pthread_key.c: run the running thread's destructors (pthread_exit). */
void	__thr_run_destructors(struct pthread *self);
/* pthread.c: the fork steps around the thread list (atfork.c calls them). */
void	__thr_fork_prepare(void);
void	__thr_fork_parent(void);
void	__thr_fork_child(void);

#endif
