/*
 * Mutexes: the three-state lock word of thr_umtx.c, plus an owner for
 * the types that need one.  NORMAL relocking deadlocks, as POSIX says;
 * ERRORCHECK reports it (EDEADLK) and an unlock by another thread
 * (EPERM); RECURSIVE counts.  The owner is recorded for every type, so
 * that unlock by a non-owner is EPERM for all but NORMAL.
 */
#include "thr_private.h"

int
pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	attr->ma_type = PTHREAD_MUTEX_DEFAULT;
	return (0);
}

int
pthread_mutexattr_destroy(pthread_mutexattr_t *attr __attribute__((unused)))
{
	return (0);
}

int
pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (type < PTHREAD_MUTEX_ERRORCHECK || type > PTHREAD_MUTEX_NORMAL)
		return (EINVAL);
	attr->ma_type = type;
	return (0);
}

int
pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	*type = attr->ma_type;
	return (0);
}

int
pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	*m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	if (attr != NULL)
		m->m_type = attr->ma_type;
	return (0);
}

int
pthread_mutex_destroy(pthread_mutex_t *m)
{
	return (m->m_lock != 0 ? EBUSY : 0);
}

/* Held by the caller already: what each type does about it. */
static int
relock(pthread_mutex_t *m)
{
	if (m->m_type == PTHREAD_MUTEX_RECURSIVE) {
		m->m_count++;
		return (0);
	}
	return (EDEADLK);
}

int
pthread_mutex_lock(pthread_mutex_t *m)
{
	pthread_t self = pthread_self();

	if (m->m_type != PTHREAD_MUTEX_NORMAL && m->m_owner == self)
		return (relock(m));
	thr_lock(&m->m_lock);
	m->m_owner = self;
	return (0);
}

int
pthread_mutex_trylock(pthread_mutex_t *m)
{
	pthread_t self = pthread_self();

	if (m->m_type == PTHREAD_MUTEX_RECURSIVE && m->m_owner == self)
		return (relock(m));
	if (!thr_trylock(&m->m_lock))
		return (EBUSY);
	m->m_owner = self;
	return (0);
}

int
pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m->m_type != PTHREAD_MUTEX_NORMAL) {
		if (m->m_owner != pthread_self())
			return (EPERM);
		if (m->m_count > 0) {
			m->m_count--;
			return (0);
		}
	}
	m->m_owner = NULL;
	thr_unlock(&m->m_lock);
	return (0);
}

/* For pthread_cond_wait: take it again marked contended (see there). */
void
__thr_mutex_relock_contended(pthread_mutex_t *m)
{
	while (__atomic_exchange_n(&m->m_lock, 2, __ATOMIC_ACQUIRE) != 0)
		__thr_umtx_sleep(&m->m_lock, 2, 0);
	m->m_owner = pthread_self();
}
