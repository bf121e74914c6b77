/*
 * Read-write locks: counts under an internal mutex, waiters on two
 * condition variables (so waiting is umtx_sleep's, like everything
 * here).  Writers are preferred: a reader waits while a writer holds or
 * waits, unless it already holds a read lock (POSIX lets read locks
 * nest, and waiting then would deadlock against the waiting writer).
 */
#include "thr_private.h"

int
pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr __attribute__((unused)))
{
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return (0);
}

int
pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	return (rw->rw_readers != 0 || rw->rw_writer != NULL ? EBUSY : 0);
}

static bool
read_blocked(pthread_rwlock_t *rw, pthread_t self)
{
	return (rw->rw_writer != NULL || (rw->rw_wwait > 0 && self->rdlocks == 0));
}

static int
rdlock(pthread_rwlock_t *rw, bool try)
{
	pthread_t self = pthread_self();
	int error = 0;

	pthread_mutex_lock(&rw->rw_mutex);
	if (try && read_blocked(rw, self))
		error = EBUSY;
	else if (rw->rw_writer == self)
		error = EDEADLK;
	else {
		while (read_blocked(rw, self)) {
			rw->rw_rwait++;
			pthread_cond_wait(&rw->rw_readok, &rw->rw_mutex);
			rw->rw_rwait--;
		}
		rw->rw_readers++;
		self->rdlocks++;
	}
	pthread_mutex_unlock(&rw->rw_mutex);
	return (error);
}

static int
wrlock(pthread_rwlock_t *rw, bool try)
{
	pthread_t self = pthread_self();
	int error = 0;

	pthread_mutex_lock(&rw->rw_mutex);
	if (try && (rw->rw_writer != NULL || rw->rw_readers > 0))
		error = EBUSY;
	else if (rw->rw_writer == self)
		error = EDEADLK;
	else {
		while (rw->rw_writer != NULL || rw->rw_readers > 0) {
			rw->rw_wwait++;
			pthread_cond_wait(&rw->rw_writeok, &rw->rw_mutex);
			rw->rw_wwait--;
		}
		rw->rw_writer = self;
	}
	pthread_mutex_unlock(&rw->rw_mutex);
	return (error);
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw) { return (rdlock(rw, false)); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw) { return (rdlock(rw, true)); }
int pthread_rwlock_wrlock(pthread_rwlock_t *rw) { return (wrlock(rw, false)); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw) { return (wrlock(rw, true)); }

int
pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	pthread_t self = pthread_self();
	int error = 0;

	pthread_mutex_lock(&rw->rw_mutex);
	if (rw->rw_writer == self)
		rw->rw_writer = NULL;
	else if (rw->rw_readers > 0 && self->rdlocks > 0) {
		rw->rw_readers--;
		self->rdlocks--;
	} else
		error = EPERM;
	if (error == 0) {
		if (rw->rw_wwait > 0) {
			if (rw->rw_readers == 0)
				pthread_cond_signal(&rw->rw_writeok);
		} else if (rw->rw_rwait > 0)
			pthread_cond_broadcast(&rw->rw_readok);
	}
	pthread_mutex_unlock(&rw->rw_mutex);
	return (error);
}
