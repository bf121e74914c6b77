/*
 * <pthread.h>: POSIX threads over lwps, DragonFly's libthread_xu shape.
 * Every blocking call waits in the kernel (umtx_sleep) after a short
 * spin; functions return 0 or an error number and leave errno alone.
 * Values are FreeBSD's.  See user/lib/thr_private.h for how it works.
 */
#ifndef _PTHREAD_H_
#define _PTHREAD_H_

#include <forkrt.h>

#define PTHREAD_KEYS_MAX		64
#define PTHREAD_DESTRUCTOR_ITERATIONS	4
#define PTHREAD_STACK_MIN		(16 * 1024)
#define PTHREAD_THREADS_MAX		1024

#define PTHREAD_CREATE_JOINABLE		0
#define PTHREAD_CREATE_DETACHED		1

#define PTHREAD_PROCESS_PRIVATE		0
#define PTHREAD_PROCESS_SHARED		1

/* Mutex types (FreeBSD's values and default). */
#define PTHREAD_MUTEX_ERRORCHECK	1
#define PTHREAD_MUTEX_RECURSIVE		2
#define PTHREAD_MUTEX_NORMAL		3
#define PTHREAD_MUTEX_DEFAULT		PTHREAD_MUTEX_ERRORCHECK

typedef struct pthread *pthread_t;

typedef struct {
	size_t	a_stacksize;
	int	a_detachstate;
} pthread_attr_t;

typedef struct {
	volatile int	m_lock;		/* 0 free, 1 held, 2 held with sleepers */
	int		m_type;
	int		m_count;	/* recursive: times held beyond the first */
	pthread_t	m_owner;
} pthread_mutex_t;

typedef struct {
	int	ma_type;
} pthread_mutexattr_t;

typedef struct {
	volatile int	c_seq;		/* bumped by every signal and broadcast */
	volatile int	c_waiters;	/* lwps in pthread_cond_*wait */
	clockid_t	c_clock;	/* of timedwait's absolute time */
} pthread_cond_t;

typedef struct {
	clockid_t	ca_clock;
} pthread_condattr_t;

typedef struct {
	pthread_mutex_t	rw_mutex;	/* guards the fields below */
	pthread_cond_t	rw_readok;
	pthread_cond_t	rw_writeok;
	int		rw_readers;	/* read locks held */
	pthread_t	rw_writer;	/* the write-lock holder, or NULL */
	int		rw_rwait;	/* readers waiting */
	int		rw_wwait;	/* writers waiting */
} pthread_rwlock_t;

typedef struct {
	int	rwa_unused;
} pthread_rwlockattr_t;

typedef struct {
	volatile int	o_state;
} pthread_once_t;

typedef int pthread_key_t;

#define PTHREAD_MUTEX_INITIALIZER	{ 0, PTHREAD_MUTEX_DEFAULT, 0, NULL }
#define PTHREAD_COND_INITIALIZER	{ 0, 0, CLOCK_REALTIME }
#define PTHREAD_RWLOCK_INITIALIZER	{ { 0, PTHREAD_MUTEX_NORMAL, 0, NULL },	\
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, NULL, 0, 0 }
#define PTHREAD_ONCE_INIT		{ 0 }

/* threads */
int	pthread_create(pthread_t *thread, const pthread_attr_t *attr,
	    void *(*start)(void *), void *arg);
int	pthread_join(pthread_t thread, void **retval);
int	pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int	pthread_equal(pthread_t a, pthread_t b);
__attribute__((noreturn)) void pthread_exit(void *retval);
int	pthread_attr_init(pthread_attr_t *attr);
int	pthread_attr_destroy(pthread_attr_t *attr);
int	pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int	pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int	pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int	pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
/* forkrt's: the thread's lwp id (what pthread_kill signals). */
lwpid_t	pthread_getthreadid_np(void);

/* once and thread-specific data */
int	pthread_once(pthread_once_t *once, void (*init)(void));
int	pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int	pthread_key_delete(pthread_key_t key);
void	*pthread_getspecific(pthread_key_t key);
int	pthread_setspecific(pthread_key_t key, const void *value);

/* mutexes */
int	pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int	pthread_mutex_destroy(pthread_mutex_t *m);
int	pthread_mutex_lock(pthread_mutex_t *m);
int	pthread_mutex_trylock(pthread_mutex_t *m);
int	pthread_mutex_unlock(pthread_mutex_t *m);
int	pthread_mutexattr_init(pthread_mutexattr_t *attr);
int	pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int	pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int	pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);

/* condition variables */
int	pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int	pthread_cond_destroy(pthread_cond_t *c);
int	pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int	pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
	    const struct timespec *abstime);
int	pthread_cond_signal(pthread_cond_t *c);
int	pthread_cond_broadcast(pthread_cond_t *c);
int	pthread_condattr_init(pthread_condattr_t *attr);
int	pthread_condattr_destroy(pthread_condattr_t *attr);
int	pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int	pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);

/* read-write locks */
int	pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int	pthread_rwlock_destroy(pthread_rwlock_t *rw);
int	pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int	pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int	pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int	pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int	pthread_rwlock_unlock(pthread_rwlock_t *rw);

/* signals and fork */
int	pthread_sigmask(int how, const sigset_t *set, sigset_t *oset);
int	pthread_kill(pthread_t thread, int sig);
int	pthread_atfork(void (*prepare)(void), void (*parent)(void),
	    void (*child)(void));

#endif /* !_PTHREAD_H_ */
