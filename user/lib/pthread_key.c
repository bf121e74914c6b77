/*
 * pthread_once and thread-specific data.
 *
 * Keys are slots in a table; each thread keeps one value per slot,
 * tagged with the key's generation at the time it was set, so that a
 * deleted key's old values read as NULL when the slot is reused.
 */
#include "thr_private.h"

/* pthread_once's word: done, or someone runs init and others sleep. */
#define ONCE_NEVER	0
#define ONCE_RUNNING	1
#define ONCE_WAITERS	2	/* running, and someone sleeps on it */
#define ONCE_DONE	3

int
pthread_once(pthread_once_t *once, void (*init)(void))
{
	int s = ONCE_NEVER;

	if (__atomic_load_n(&once->o_state, __ATOMIC_ACQUIRE) == ONCE_DONE)
		return (0);
	if (__atomic_compare_exchange_n(&once->o_state, &s, ONCE_RUNNING, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		init();
		if (__atomic_exchange_n(&once->o_state, ONCE_DONE,
		    __ATOMIC_RELEASE) == ONCE_WAITERS)
			__thr_umtx_wake(&once->o_state, 0);
		return (0);
	}
	while (s != ONCE_DONE) {
		if (s == ONCE_RUNNING && !__atomic_compare_exchange_n(&once->o_state,
		    &s, ONCE_WAITERS, false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
			continue;
		__thr_umtx_sleep(&once->o_state, ONCE_WAITERS, 0);
		s = __atomic_load_n(&once->o_state, __ATOMIC_ACQUIRE);
	}
	return (0);
}

static struct key {
	bool		used;
	unsigned	seq;		/* bumped at each create */
	void		(*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];		/* under keys_lock */
static struct libc_lock keys_lock;

int
pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	int error = EAGAIN;

	libc_lock(&keys_lock);
	for (int i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (keys[i].used)
			continue;
		keys[i].used = true;
		keys[i].seq++;
		keys[i].destructor = destructor;
		*key = i;
		error = 0;
		break;
	}
	libc_unlock(&keys_lock);
	return (error);
}

int
pthread_key_delete(pthread_key_t key)
{
	int error = 0;

	if (key < 0 || key >= PTHREAD_KEYS_MAX)
		return (EINVAL);
	libc_lock(&keys_lock);
	if (!keys[key].used)
		error = EINVAL;
	keys[key].used = false;
	libc_unlock(&keys_lock);
	return (error);
}

void *
pthread_getspecific(pthread_key_t key)
{
	struct thr_specific *s;

	if (key < 0 || key >= PTHREAD_KEYS_MAX)
		return (NULL);
	s = &pthread_self()->specific[key];
	if (s->seq != __atomic_load_n(&keys[key].seq, __ATOMIC_RELAXED))
		return (NULL);
	return ((void *)s->value);
}

int
pthread_setspecific(pthread_key_t key, const void *value)
{
	struct thr_specific *s;

	if (key < 0 || key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return (EINVAL);
	s = &pthread_self()->specific[key];
	s->seq = __atomic_load_n(&keys[key].seq, __ATOMIC_RELAXED);
	s->value = value;
	return (0);
}

/*
 * POSIX: each non-NULL value of a key with a destructor is set to NULL
 * and passed to it; destructors may set values again, so repeat, up to
 * PTHREAD_DESTRUCTOR_ITERATIONS rounds.
 */
void
__thr_run_destructors(struct pthread *self)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool again = false;

		for (int i = 0; i < PTHREAD_KEYS_MAX; i++) {
			struct thr_specific *s = &self->specific[i];
			void (*destructor)(void *);
			void *v;

			libc_lock(&keys_lock);
			destructor = keys[i].used && s->seq == keys[i].seq ?
			    keys[i].destructor : NULL;
			libc_unlock(&keys_lock);
			if (destructor == NULL || s->value == NULL)
				continue;
			v = (void *)s->value;
			s->value = NULL;
			destructor(v);
			again = true;
		}
		if (!again)
			break;
	}
}
