/*
 * What happens around fork in the C library: pthread_atfork's handlers
 * and the library's own locks.
 *
 * fork: the prepare handlers, last registered first; then the library's
 * locks (the thread list, stdio, malloc), so that no other thread is
 * inside malloc or printf when the address space is copied and the
 * child finds them free; the call; the locks released; then the parent
 * or child handlers in registration order.  The child also resets the
 * thread bookkeeping to its one thread (pthread.c).  rfork of a new
 * address space takes the locks but runs no handlers (FreeBSD's rfork is
 * not interposed either); vfork and RFMEM share the locks themselves.
 */
#include "thr_private.h"

struct atfork {
	struct atfork	*prev, *next;
	void		(*prepare)(void);
	void		(*parent)(void);
	void		(*child)(void);
};

/* Under atfork_lock, held across the whole of fork (so registrations wait). */
static struct atfork *atfork_head, *atfork_tail;
static struct libc_lock atfork_lock;
extern struct libc_lock malloc_lock, stdio_lock;

/* pthread.c's, when threads are linked in: the thread list's part of fork. */
void	__thr_fork_prepare(void) __attribute__((weak));
void	__thr_fork_parent(void) __attribute__((weak));
void	__thr_fork_child(void) __attribute__((weak));

int
pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	struct atfork *a = malloc(sizeof(*a));

	if (a == NULL)
		return (ENOMEM);
	*a = (struct atfork){ NULL, NULL, prepare, parent, child };
	libc_lock(&atfork_lock);
	a->prev = atfork_tail;
	if (atfork_tail != NULL)
		atfork_tail->next = a;
	else
		atfork_head = a;
	atfork_tail = a;
	libc_unlock(&atfork_lock);
	return (0);
}

/* Take the library's locks, outermost first: the thread list, stdio, malloc. */
void
__libc_fork_lock(void)
{
	if (__thr_fork_prepare != NULL)
		__thr_fork_prepare();
	libc_lock(&stdio_lock);
	libc_lock(&malloc_lock);
}

/* After the call: in the parent (child false) or the child. */
void
__libc_fork_unlock(bool child)
{
	if (child) {
		/*
		 * One thread now: whoever held them in the parent is not
		 * here.  Unthreaded, they were never taken, and a write
		 * would cost the child a copy of their page.
		 */
		if (__libc_threaded) {
			malloc_lock.locked = 0;
			stdio_lock.locked = 0;
		}
		if (__thr_fork_child != NULL)
			__thr_fork_child();
		return;
	}
	libc_unlock(&malloc_lock);
	libc_unlock(&stdio_lock);
	if (__thr_fork_parent != NULL)
		__thr_fork_parent();
}

pid_t
__libc_fork(long (*call)(int), int flags)
{
	struct atfork *a;
	pid_t pid;

	libc_lock(&atfork_lock);
	for (a = atfork_tail; a != NULL; a = a->prev)
		if (a->prepare != NULL)
			a->prepare();
	__libc_fork_lock();
	pid = (pid_t)call(flags);
	__libc_fork_unlock(pid == 0);
	for (a = atfork_head; a != NULL; a = a->next) {
		void (*fn)(void) = pid == 0 ? a->child : a->parent;

		if (fn != NULL)
			fn();
	}
	if (pid == 0) {
		if (__libc_threaded)
			atfork_lock.locked = 0;
	} else
		libc_unlock(&atfork_lock);
	return (pid);
}
