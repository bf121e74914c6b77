/*
 * Threads: create, join, detach, exit, self, and what fork does to them.
 * thr_private.h says how a thread finds itself and where it lives.
 *
 * A thread's end: its last act, in thr_exit_final, stores `exited' and
 * makes the umtx_wakeup and lwp_exit calls without touching its stack
 * again, so that once `exited' is set its stack may be unmapped.  A
 * joiner sleeps on `exited' and frees the mapping; a detached thread
 * puts itself on the dead list first, and the next pthread_create (or
 * detach) frees those whose `exited' is set.
 */
#include "thr_private.h"

#define DEFAULT_STACK	(256 * 1024)
#define GUARD		4096
#define PAGE		4096

struct libc_lock __thr_list_lock;
static struct pthread thr_main;
static struct pthread *thr_all;		/* (list lock) every live thread */
static struct pthread *thr_dead;	/* (list lock) detached, exited or exiting */

static void
thr_setprivate(struct pthread *t)
{
	__syscall6(SYS_lwp_setprivate, (long)t, 0, 0, 0, 0, 0);
}

/* The first pthread call of a process (or of an exec'd image) adopts the main lwp. */
static struct pthread *
thr_init(void)
{
	thr_main.self = &thr_main;
	thr_main.errnop = __error();	/* the one it had */
	thr_main.tid = lwp_gettid();
	thr_main.next = NULL;
	thr_all = &thr_main;
	thr_setprivate(&thr_main);
	__atomic_store_n(&__thr_inited, 1, __ATOMIC_RELEASE);
	return (&thr_main);
}

pthread_t
pthread_self(void)
{
	if (__builtin_expect(!__atomic_load_n(&__thr_inited, __ATOMIC_ACQUIRE), 0))
		return (thr_init());
	return (thr_tp());
}

int
pthread_equal(pthread_t a, pthread_t b)
{
	return (a == b);
}

lwpid_t
pthread_getthreadid_np(void)
{
	return (pthread_self()->tid);
}

static int
raw_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	return ((int)-__syscall6(SYS_sigprocmask, how, (long)set, (long)oset, 0, 0, 0));
}

/* Unmap the stacks of dead detached threads that are off them.  List lock held. */
static void
thr_reap_locked(void)
{
	struct pthread **pp = &thr_dead, *t;

	while ((t = *pp) != NULL) {
		if (__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE)) {
			*pp = t->next;
			munmap(t->map, t->maplen);
		} else
			pp = &t->next;
	}
}

static void
thr_unlink_locked(struct pthread *t)
{
	struct pthread **pp;

	for (pp = &thr_all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
}

/*
 * Store exited = 1, wake the joiner, end the lwp: in registers only,
 * since the stack may be gone as soon as the store is seen.  Everything
 * the compiler puts on the stack for this function happens before.
 */
static __attribute__((noreturn)) void
thr_exit_final(volatile int *exited)
{
#if defined(__riscv)
	register long a0 __asm__("a0") = (long)exited;

	__asm__ volatile(
	    "fence rw, w\n\t"
	    "li t0, 1\n\t"
	    "sw t0, 0(a0)\n\t"
	    "li a1, 0\n\t"
	    "li a7, %1\n\t"
	    "ecall\n\t"
	    "li a7, %2\n\t"
	    "ecall\n\t"
	    "1: j 1b"
	    : : "r"(a0), "i"(SYS_umtx_wakeup), "i"(SYS_lwp_exit)
	    : "t0", "a1", "a7", "memory");
#elif defined(__x86_64__)
	__asm__ volatile(
	    "movl $1, (%0)\n\t"
	    "xorl %%esi, %%esi\n\t"
	    "movl %1, %%eax\n\t"
	    "syscall\n\t"
	    "movl %2, %%eax\n\t"
	    "syscall\n\t"
	    "1: jmp 1b"
	    : : "D"(exited), "i"(SYS_umtx_wakeup), "i"(SYS_lwp_exit)
	    : "rax", "rsi", "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = (long)exited;

	__asm__ volatile(
	    "mov w9, #1\n\t"
	    "stlr w9, [x0]\n\t"
	    "mov x1, #0\n\t"
	    "mov x8, %1\n\t"
	    "svc #0\n\t"
	    "mov x8, %2\n\t"
	    "svc #0\n\t"
	    "1: b 1b"
	    : : "r"(x0), "i"(SYS_umtx_wakeup), "i"(SYS_lwp_exit)
	    : "x1", "x8", "x9", "memory");
#endif
	__builtin_unreachable();
}

void
pthread_exit(void *retval)
{
	struct pthread *self = pthread_self();
	sigset_t all;

	self->ret = retval;
	__thr_run_destructors(self);
	/* A handler run from here on would need the stack we are giving up. */
	memset(&all, 0xff, sizeof(all));
	raw_sigmask(SIG_SETMASK, &all, NULL);
	libc_lock(&__thr_list_lock);
	thr_unlink_locked(self);
	self->gone = 1;
	if (self->detached && self->map != NULL) {
		self->next = thr_dead;
		thr_dead = self;
	}
	libc_unlock(&__thr_list_lock);
	/* The main thread's end is not the process's while others run (POSIX). */
	thr_exit_final(&self->exited);
}

/* lwp_create's entry: become self, take the creator's signal mask, run. */
#if defined(__x86_64__)
__attribute__((force_align_arg_pointer))
#endif
static void
thr_start(void *arg)
{
	struct pthread *self = arg;

	thr_setprivate(self);
	raw_sigmask(SIG_SETMASK, &self->sigmask, NULL);
	pthread_exit(self->start(self->arg));
}

int
pthread_create(pthread_t *thread, const pthread_attr_t *attr,
    void *(*start)(void *), void *arg)
{
	size_t stack = attr != NULL ? attr->a_stacksize : DEFAULT_STACK;
	struct lwp_params params;
	sigset_t all, old;
	struct pthread *t;
	size_t len, top;
	char *map;
	int error;

	pthread_self();		/* the main thread is one before there are two */
	stack = (stack + PAGE - 1) & ~(size_t)(PAGE - 1);
	top = (sizeof(struct pthread) + PAGE - 1) & ~(size_t)(PAGE - 1);
	len = GUARD + stack + top;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	if (map == MAP_FAILED)
		return (EAGAIN);
	if (mprotect(map, GUARD, PROT_NONE) != 0) {
		munmap(map, len);
		return (EAGAIN);
	}
	/* The struct sits above the stack: the lwp's first sp is its address. */
	t = (struct pthread *)(map + GUARD + stack);
	t->self = t;
	t->errnop = &t->t_errno;
	t->start = start;
	t->arg = arg;
	t->map = map;
	t->maplen = len;
	t->detached = attr != NULL && attr->a_detachstate == PTHREAD_CREATE_DETACHED;
	params = (struct lwp_params){ thr_start, t, t, &t->tid, NULL };

	/* Until it has set its thread pointer, the new lwp takes no signal. */
	memset(&all, 0xff, sizeof(all));
	raw_sigmask(SIG_SETMASK, &all, &old);
	t->sigmask = old;
	libc_lock(&__thr_list_lock);
	thr_reap_locked();
	__libc_threaded = 1;
	t->next = thr_all;
	thr_all = t;
	error = (int)-__syscall6(SYS_lwp_create, (long)&params, 0, 0, 0, 0, 0);
	if (error != 0)
		thr_all = t->next;
	libc_unlock(&__thr_list_lock);
	raw_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		munmap(map, len);
		return (error == ENOMEM ? EAGAIN : error);
	}
	*thread = t;
	return (0);
}

int
pthread_join(pthread_t t, void **retval)
{
	if (t == pthread_self())
		return (EDEADLK);
	if (t->detached)
		return (EINVAL);
	while (!__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE))
		__thr_umtx_sleep(&t->exited, 0, 0);
	if (retval != NULL)
		*retval = t->ret;
	if (t->map != NULL)
		munmap(t->map, t->maplen);
	return (0);
}

/*
 * A thread still running frees itself at its exit; one that already went
 * the joinable way is put on the dead list here, for the next reap.
 */
int
pthread_detach(pthread_t t)
{
	int error = 0;

	libc_lock(&__thr_list_lock);
	if (t->detached)
		error = EINVAL;
	else {
		t->detached = 1;
		if (t->gone && t->map != NULL) {
			t->next = thr_dead;
			thr_dead = t;
		}
		thr_reap_locked();
	}
	libc_unlock(&__thr_list_lock);
	return (error);
}

int
pthread_attr_init(pthread_attr_t *attr)
{
	attr->a_stacksize = DEFAULT_STACK;
	attr->a_detachstate = PTHREAD_CREATE_JOINABLE;
	return (0);
}

int
pthread_attr_destroy(pthread_attr_t *attr __attribute__((unused)))
{
	return (0);
}

int
pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size < PTHREAD_STACK_MIN)
		return (EINVAL);
	attr->a_stacksize = size;
	return (0);
}

int
pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = attr->a_stacksize;
	return (0);
}

int
pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return (EINVAL);
	attr->a_detachstate = state;
	return (0);
}

int
pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	*state = attr->a_detachstate;
	return (0);
}

/*
 * fork: the list is held across the call, so that the child's copy is
 * whole.  The child has one thread, the one that forked (its thread
 * pointer was copied): it takes its new tid, and the other threads'
 * stacks, copies of lwps that do not exist here, are unmapped.  Locks
 * those threads held stay held: a program forking while its threads hold
 * its mutexes must release them in its pthread_atfork child handler, as
 * POSIX says; the C library's own locks are released by atfork.c.
 */
void
__thr_fork_prepare(void)
{
	libc_lock(&__thr_list_lock);
}

void
__thr_fork_parent(void)
{
	libc_unlock(&__thr_list_lock);
}

void
__thr_fork_child(void)
{
	struct pthread *self, *t, *next;

	if (!__libc_threaded)
		return;
	__thr_list_lock.locked = 0;
	if (!__atomic_load_n(&__thr_inited, __ATOMIC_ACQUIRE))
		return;
	self = thr_tp();
	self->tid = lwp_gettid();
	for (t = thr_all; t != NULL; t = next) {
		next = t->next;
		if (t != self && t->map != NULL)
			munmap(t->map, t->maplen);
	}
	for (t = thr_dead; t != NULL; t = next) {
		next = t->next;
		munmap(t->map, t->maplen);
	}
	thr_dead = NULL;
	self->next = NULL;
	thr_all = self;
}
