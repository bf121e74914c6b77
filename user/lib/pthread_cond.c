/*
 * Condition variables: a sequence word that every signal and broadcast
 * bumps.  A waiter reads it while holding the mutex, unlocks, and sleeps
 * while it still holds that value, so a signal between the unlock and
 * the sleep is seen (umtx_sleep returns EBUSY at once).  c_waiters lets
 * a signal with nobody waiting skip the system call.  After waking, the
 * mutex is taken marked contended: the other waiters a broadcast woke
 * may be asleep on it, and its unlock must wake them.
 *
 * Timed waits measure the absolute time on the condattr's clock,
 * CLOCK_REALTIME unless pthread_condattr_setclock said otherwise.
 * Until the kernel has CLOCK_REALTIME (issue 12's timers), a realtime
 * wait falls back to CLOCK_MONOTONIC, which is what clock_gettime can
 * then give the caller too.
 */
#include "thr_private.h"

void	__thr_mutex_relock_contended(pthread_mutex_t *m);

int
pthread_condattr_init(pthread_condattr_t *attr)
{
	attr->ca_clock = CLOCK_REALTIME;
	return (0);
}

int
pthread_condattr_destroy(pthread_condattr_t *attr __attribute__((unused)))
{
	return (0);
}

int
pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return (EINVAL);
	attr->ca_clock = clock;
	return (0);
}

int
pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	*clock = attr->ca_clock;
	return (0);
}

int
pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	*c = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	if (attr != NULL)
		c->c_clock = attr->ca_clock;
	return (0);
}

int
pthread_cond_destroy(pthread_cond_t *c)
{
	return (c->c_waiters != 0 ? EBUSY : 0);
}

/* Now on clock, without touching errno; CLOCK_MONOTONIC where clock is not there yet. */
static void
cond_now(clockid_t clock, struct timespec *ts)
{
	if (__syscall6(SYS_clock_gettime, clock, (long)ts, 0, 0, 0, 0) != 0)
		__syscall6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)ts, 0, 0, 0, 0);
}

/* Microseconds from now to abstime, at least 1; 0 when it has passed. */
static int
cond_timeout_us(clockid_t clock, const struct timespec *abstime)
{
	struct timespec now;
	int64_t us;

	cond_now(clock, &now);
	us = (abstime->tv_sec - now.tv_sec) * 1000000 +
	    (abstime->tv_nsec - now.tv_nsec) / 1000;
	if (us <= 0)
		return (0);
	return (us > 1000000000 ? 1000000000 : (int)us);
}

static int
cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	pthread_t self = pthread_self();
	int seq, count, timeout = 0, error = 0;

	if (m->m_type != PTHREAD_MUTEX_NORMAL && m->m_owner != self)
		return (EPERM);
	if (abstime != NULL) {
		if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
			return (EINVAL);
		if ((timeout = cond_timeout_us(c->c_clock, abstime)) == 0)
			return (ETIMEDOUT);
	}
	__atomic_add_fetch(&c->c_waiters, 1, __ATOMIC_SEQ_CST);
	seq = __atomic_load_n(&c->c_seq, __ATOMIC_SEQ_CST);
	count = m->m_count;
	m->m_count = 0;
	m->m_owner = NULL;
	thr_unlock(&m->m_lock);
	/* One sleep: POSIX lets a wait end spuriously, and EINTR is one of those. */
	if (__thr_umtx_sleep(&c->c_seq, seq, timeout) == EAGAIN && abstime != NULL &&
	    cond_timeout_us(c->c_clock, abstime) == 0)
		error = ETIMEDOUT;
	__thr_mutex_relock_contended(m);
	m->m_count = count;
	__atomic_sub_fetch(&c->c_waiters, 1, __ATOMIC_SEQ_CST);
	return (error);
}

int
pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return (cond_wait(c, m, NULL));
}

int
pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
    const struct timespec *abstime)
{
	return (cond_wait(c, m, abstime));
}

int
pthread_cond_signal(pthread_cond_t *c)
{
	__atomic_add_fetch(&c->c_seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->c_waiters, __ATOMIC_SEQ_CST) > 0)
		__thr_umtx_wake(&c->c_seq, 1);
	return (0);
}

int
pthread_cond_broadcast(pthread_cond_t *c)
{
	__atomic_add_fetch(&c->c_seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->c_waiters, __ATOMIC_SEQ_CST) > 0)
		__thr_umtx_wake(&c->c_seq, 0);
	return (0);
}
