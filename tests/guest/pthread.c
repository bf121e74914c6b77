/*
 * pthreads over lwps and the umtx calls under them (issue 12, item 4):
 * threads, once, keys, the three mutex types, condition variables,
 * read-write locks, fork with threads (pthread_atfork, malloc's lock,
 * pthread_self in the child), umtx_sleep/umtx_wakeup's errors and keys
 * across processes, and nothing leaked by a thread storm.
 */
#include <pthread.h>

#include "tap.h"

#define NSTORM		200
#define PGSZ		4096ul
#define NWORKERS	4
#define NINCR		20000

static volatile int shared_counter;

/* ---- threads ---- */

static void *
times_two(void *arg)
{
	return ((void *)((intptr_t)arg * 2));
}

static void *
exits_early(void *arg)
{
	pthread_exit((void *)((intptr_t)arg + 1000));
}

static int
test_create_join(void)
{
	pthread_t t[32];
	bool created = true, values = true;
	void *v;

	for (int i = 0; i < 32; i++)
		if (pthread_create(&t[i], NULL, times_two, (void *)(intptr_t)i) != 0)
			created = false;
	ok(created, "32 pthread_create calls succeed");
	for (int i = 0; i < 32; i++)
		if (pthread_join(t[i], &v) != 0 || (intptr_t)v != i * 2)
			values = false;
	ok(values, "pthread_join hands back each start routine's return value");
	pthread_create(&t[0], NULL, exits_early, (void *)7);
	ok(pthread_join(t[0], &v) == 0 && (intptr_t)v == 1007,
	    "pthread_join hands back pthread_exit's value");
	ok(pthread_join(pthread_self(), NULL) == EDEADLK, "joining oneself is EDEADLK");
	return (0);
}

static pthread_t seen_self;

static void *
record_self(void *arg __attribute__((unused)))
{
	seen_self = pthread_self();
	return ((void *)(intptr_t)pthread_getthreadid_np());
}

static int
test_self(void)
{
	pthread_t main_self = pthread_self(), t;
	void *tid;

	ok(main_self != NULL && pthread_equal(main_self, pthread_self()),
	    "pthread_self in the main thread is stable");
	ok(pthread_getthreadid_np() == lwp_gettid(),
	    "the main thread's id is its lwp's");
	pthread_create(&t, NULL, record_self, NULL);
	pthread_join(t, &tid);
	ok(pthread_equal(seen_self, t) && !pthread_equal(t, main_self),
	    "pthread_self in a new thread is the handle pthread_create gave");
	ok((intptr_t)tid > 0, "a new thread knows its lwp id (%d)", (int)(intptr_t)tid);
	ok(pthread_kill(main_self, 0) == 0, "pthread_kill(self, 0) finds the thread");
	return (0);
}

static volatile int detached_done;

static void *
detached_body(void *arg __attribute__((unused)))
{
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	umtx_wakeup(&detached_done, 0);
	return (NULL);
}

static volatile int detach_hold;

static void *
held_body(void *arg __attribute__((unused)))
{
	while (detach_hold)
		umtx_sleep(&detach_hold, 1, 0);
	return (NULL);
}

static int
test_detach(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int state, n, before, after;
	bool created = true;

	pthread_attr_init(&attr);
	ok(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
	    pthread_attr_getdetachstate(&attr, &state) == 0 &&
	    state == PTHREAD_CREATE_DETACHED, "the detach state attribute sticks");
	ok(pthread_attr_setdetachstate(&attr, 5) == EINVAL, "a bad detach state is EINVAL");
	ok(pthread_attr_setstacksize(&attr, 100) == EINVAL,
	    "a stack below PTHREAD_STACK_MIN is EINVAL");
	pthread_attr_setstacksize(&attr, 64 * 1024);
	detached_done = 0;
	before = settled_unleaked();
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 25; i++)
			if (pthread_create(&t, &attr, detached_body, NULL) != 0)
				created = false;
		while ((n = detached_done) < (round + 1) * 25)
			umtx_sleep(&detached_done, n, 100000);
	}
	ok(created && detached_done == 100, "100 detached threads run to their end");
	ok(pthread_join(t, NULL) == EINVAL, "joining a detached thread is EINVAL");
	/*
	 * The dead ones are freed by the next create; this one is joined.  A
	 * detached thread still on its way out (its last store not yet done,
	 * on a loaded machine at 4 CPUs) is freed by a create after that:
	 * a few more rounds, until nothing more comes back.
	 */
	nap(20);
	for (int round = 0; round < 10; round++) {
		pthread_create(&t, NULL, times_two, NULL);
		pthread_join(t, NULL);
		if ((after = settled_unleaked()) >= before - 8)
			break;
		nap(20);
	}
	ok(after >= before - 8, "detached threads' stacks are freed by later creates "
	    "(%d pages before, %d after)", before, after);
	pthread_create(&t, NULL, times_two, NULL);
	nap(20);
	ok(pthread_detach(t) == 0, "a thread that has exited can still be detached");
	detach_hold = 1;
	pthread_create(&t, &attr, held_body, NULL);
	ok(pthread_detach(t) == EINVAL, "detaching a detached thread is EINVAL");
	detach_hold = 0;
	umtx_wakeup(&detach_hold, 0);
	return (0);
}

/* ---- once and keys ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs, once_seen_done;
static volatile int go;

static void
once_init(void)
{
	nap(20);	/* the others arrive while this runs */
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
}

static void *
once_body(void *arg __attribute__((unused)))
{
	while (!go)
		umtx_sleep(&go, 0, 10000);
	pthread_once(&once, once_init);
	if (once_runs == 1)
		__atomic_add_fetch(&once_seen_done, 1, __ATOMIC_SEQ_CST);
	return (NULL);
}

static int
test_once(void)
{
	pthread_t t[8];

	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, once_body, NULL);
	go = 1;
	umtx_wakeup(&go, 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	ok(once_runs == 1 && once_seen_done == 8,
	    "pthread_once runs init once under 8 threads, and each returns after it "
	    "(runs %d, saw it done %d)", once_runs, once_seen_done);
	return (0);
}

static pthread_key_t key_a, key_b;
static volatile int destructed, destructor_rounds;

static void
destroy_a(void *v)
{
	__atomic_add_fetch(&destructed, (int)(intptr_t)v, __ATOMIC_SEQ_CST);
}

/* Sets its value again: destructors are called again, up to the limit. */
static void
destroy_b(void *v)
{
	__atomic_add_fetch(&destructor_rounds, 1, __ATOMIC_SEQ_CST);
	pthread_setspecific(key_b, v);
}

static void *
key_body(void *arg)
{
	bool fresh = pthread_getspecific(key_a) == NULL;

	pthread_setspecific(key_a, arg);
	pthread_setspecific(key_b, (void *)1);
	return ((void *)(intptr_t)(fresh && pthread_getspecific(key_a) == arg));
}

static int
test_keys(void)
{
	pthread_t t[4];
	bool own = true;
	void *v;

	ok(pthread_key_create(&key_a, destroy_a) == 0 &&
	    pthread_key_create(&key_b, destroy_b) == 0, "pthread_key_create twice");
	pthread_setspecific(key_a, (void *)100);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, key_body, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 4; i++)
		if (pthread_join(t[i], &v) != 0 || v == NULL)
			own = false;
	ok(own, "each thread starts with NULL and sees only its own value");
	ok(pthread_getspecific(key_a) == (void *)100,
	    "the main thread's value is untouched by the others");
	ok(destructed == 1 + 2 + 3 + 4, "destructors get each exiting thread's value "
	    "(sum %d)", destructed);
	ok(destructor_rounds == 4 * PTHREAD_DESTRUCTOR_ITERATIONS,
	    "a destructor that sets its value again runs PTHREAD_DESTRUCTOR_ITERATIONS "
	    "times per thread (%d)", destructor_rounds);
	ok(pthread_key_delete(key_b) == 0 && pthread_setspecific(key_b, NULL) == EINVAL,
	    "a deleted key is EINVAL");
	pthread_key_create(&key_b, NULL);
	ok(pthread_getspecific(key_b) == NULL, "a reused key slot reads NULL");
	pthread_key_delete(key_a);
	pthread_key_delete(key_b);
	return (0);
}

/* ---- mutexes ---- */

static pthread_mutex_t *other_m;
static int other_result;

static void *
other_trylock(void *arg __attribute__((unused)))
{
	other_result = pthread_mutex_trylock(other_m);
	if (other_result == 0)
		pthread_mutex_unlock(other_m);
	return (NULL);
}

static void *
other_unlock(void *arg __attribute__((unused)))
{
	other_result = pthread_mutex_unlock(other_m);
	return (NULL);
}

static int
in_other_thread(void *(*fn)(void *), pthread_mutex_t *m)
{
	pthread_t t;

	other_m = m;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
	return (other_result);
}

static int
test_mutex_types(void)
{
	pthread_mutex_t normal, check = PTHREAD_MUTEX_INITIALIZER, rec;
	pthread_mutexattr_t a;
	int type;

	pthread_mutexattr_init(&a);
	ok(pthread_mutexattr_gettype(&a, &type) == 0 && type == PTHREAD_MUTEX_DEFAULT,
	    "a mutexattr starts as PTHREAD_MUTEX_DEFAULT");
	ok(pthread_mutexattr_settype(&a, 99) == EINVAL, "an unknown mutex type is EINVAL");
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
	pthread_mutex_init(&normal, &a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);

	ok(pthread_mutex_trylock(&normal) == 0 && pthread_mutex_trylock(&normal) == EBUSY,
	    "normal: trylock of a held mutex is EBUSY");
	ok(in_other_thread(other_trylock, &normal) == EBUSY,
	    "normal: another thread's trylock is EBUSY");
	ok(pthread_mutex_destroy(&normal) == EBUSY, "destroying a held mutex is EBUSY");
	pthread_mutex_unlock(&normal);
	ok(in_other_thread(other_trylock, &normal) == 0,
	    "normal: once unlocked, another thread takes it");

	ok(pthread_mutex_lock(&check) == 0 && pthread_mutex_lock(&check) == EDEADLK,
	    "errorcheck (the static initializer's type): relocking is EDEADLK");
	ok(in_other_thread(other_unlock, &check) == EPERM,
	    "errorcheck: unlock by another thread is EPERM");
	ok(pthread_mutex_unlock(&check) == 0 && pthread_mutex_unlock(&check) == EPERM,
	    "errorcheck: unlocking an unlocked mutex is EPERM");

	ok(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 &&
	    pthread_mutex_trylock(&rec) == 0, "recursive: the owner takes it three times");
	ok(in_other_thread(other_trylock, &rec) == EBUSY,
	    "recursive: held three times, others get EBUSY");
	pthread_mutex_unlock(&rec);
	pthread_mutex_unlock(&rec);
	ok(in_other_thread(other_trylock, &rec) == EBUSY,
	    "recursive: still held after two of three unlocks");
	pthread_mutex_unlock(&rec);
	ok(in_other_thread(other_trylock, &rec) == 0 &&
	    pthread_mutex_unlock(&rec) == EPERM,
	    "recursive: free after the third unlock; a fourth is EPERM");
	ok(pthread_mutex_destroy(&rec) == 0 && pthread_mutex_destroy(&check) == 0,
	    "destroying free mutexes succeeds");
	return (0);
}

static pthread_mutex_t stress_m = PTHREAD_MUTEX_INITIALIZER;

static void *
stress_body(void *arg __attribute__((unused)))
{
	for (int i = 0; i < NINCR; i++) {
		pthread_mutex_lock(&stress_m);
		shared_counter = shared_counter + 1;	/* not atomic: the mutex is the test */
		pthread_mutex_unlock(&stress_m);
	}
	return (NULL);
}

static int
test_mutex_stress(void)
{
	pthread_t t[NWORKERS];

	shared_counter = 0;
	for (int i = 0; i < NWORKERS; i++)
		pthread_create(&t[i], NULL, stress_body, NULL);
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(t[i], NULL);
	ok(shared_counter == NWORKERS * NINCR,
	    "%d threads x %d locked increments count to %d (got %d)", NWORKERS, NINCR,
	    NWORKERS * NINCR, shared_counter);
	return (0);
}

/* ---- condition variables ---- */

#define QSIZE	8
#define NITEMS	5000

static pthread_mutex_t q_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_notempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_notfull = PTHREAD_COND_INITIALIZER;
static int q[QSIZE], q_head, q_len, q_maxlen;
static int64_t consumed_sum;

static void *
producer(void *arg)
{
	int base = (int)(intptr_t)arg;

	for (int i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&q_m);
		while (q_len == QSIZE)
			pthread_cond_wait(&q_notfull, &q_m);
		q[(q_head + q_len++) % QSIZE] = base + i;
		if (q_len > q_maxlen)
			q_maxlen = q_len;
		pthread_cond_signal(&q_notempty);
		pthread_mutex_unlock(&q_m);
	}
	return (NULL);
}

static void *
consumer(void *arg __attribute__((unused)))
{
	int64_t sum = 0;

	for (int i = 0; i < NITEMS; i++) {
		pthread_mutex_lock(&q_m);
		while (q_len == 0)
			pthread_cond_wait(&q_notempty, &q_m);
		sum += q[q_head];
		q_head = (q_head + 1) % QSIZE;
		q_len--;
		pthread_cond_signal(&q_notfull);
		pthread_mutex_unlock(&q_m);
	}
	pthread_mutex_lock(&q_m);
	consumed_sum += sum;
	pthread_mutex_unlock(&q_m);
	return (NULL);
}

static int
test_cond(void)
{
	pthread_t p[2], c[2];
	int64_t want = 0;

	for (int k = 0; k < 2; k++)
		for (int i = 1; i <= NITEMS; i++)
			want += k * 1000000 + i;
	for (int k = 0; k < 2; k++) {
		pthread_create(&c[k], NULL, consumer, NULL);
		pthread_create(&p[k], NULL, producer, (void *)(intptr_t)(k * 1000000));
	}
	for (int k = 0; k < 2; k++) {
		pthread_join(p[k], NULL);
		pthread_join(c[k], NULL);
	}
	ok(consumed_sum == want && q_len == 0 && q_maxlen <= QSIZE,
	    "2 producers and 2 consumers pass %d items through an %d-slot queue "
	    "with condition variables, none lost or doubled", 2 * NITEMS, QSIZE);
	return (0);
}

static volatile int bcast_waiting, bcast_woken;
static int bcast_go;
static pthread_cond_t bcast_c = PTHREAD_COND_INITIALIZER;

static void *
bcast_waiter(void *arg __attribute__((unused)))
{
	pthread_mutex_lock(&q_m);
	bcast_waiting++;
	while (!bcast_go)
		pthread_cond_wait(&bcast_c, &q_m);
	bcast_woken++;
	pthread_mutex_unlock(&q_m);
	return (NULL);
}

static int
test_broadcast(void)
{
	pthread_t t[6];
	int waiting;

	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, bcast_waiter, NULL);
	do {
		nap(5);
		pthread_mutex_lock(&q_m);
		waiting = bcast_waiting;
		pthread_mutex_unlock(&q_m);
	} while (waiting < 6);
	pthread_mutex_lock(&q_m);
	bcast_go = 1;
	pthread_cond_broadcast(&bcast_c);
	pthread_mutex_unlock(&q_m);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	ok(bcast_woken == 6, "pthread_cond_broadcast wakes all 6 waiters");
	return (0);
}

static void
add_ms(struct timespec *ts, long ms)
{
	ts->tv_nsec += (ms % 1000) * 1000000;
	ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
}

/*
 * A timed wait as POSIX programs write it: a return of 0 with nothing
 * signalled is a spurious wakeup (allowed, and seen at 4 CPUs under
 * load), so wait again; only the deadline's ETIMEDOUT, never early, ends it.
 */
static int
timedwait_until_timeout(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts)
{
	int r, spurious = 0;

	while ((r = pthread_cond_timedwait(c, m, ts)) == 0 && spurious < 1000)
		spurious++;
	if (spurious > 0)
		diag("%d spurious wakeups before the timeout", spurious);
	return (r);
}

static int
test_timedwait(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t ca;
	pthread_cond_t c;
	struct timespec ts;
	clockid_t clk;
	uint64_t t0, dt;
	int r;

	pthread_condattr_init(&ca);
	ok(pthread_condattr_getclock(&ca, &clk) == 0 && clk == CLOCK_REALTIME,
	    "a condattr's clock is CLOCK_REALTIME by default");
	ok(pthread_condattr_setclock(&ca, 12345) == EINVAL, "an unknown clock is EINVAL");
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c, &ca);
	pthread_mutex_lock(&m);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	add_ms(&ts, 60);
	t0 = now_ms();
	r = timedwait_until_timeout(&c, &m, &ts);
	dt = now_ms() - t0;
	ok(r == ETIMEDOUT && dt >= 59 && dt < 2000,
	    "timedwait on CLOCK_MONOTONIC times out after 60 ms: ETIMEDOUT (%d) after %llu ms",
	    r, (unsigned long long)dt);
	ok(pthread_mutex_unlock(&m) == 0, "timedwait returns with the mutex held");
	pthread_mutex_lock(&m);
	r = pthread_cond_timedwait(&c, &m, &(struct timespec){ 0, 0 });
	ok(r == ETIMEDOUT, "an absolute time already past is ETIMEDOUT at once");
	r = pthread_cond_timedwait(&c, &m, &(struct timespec){ 0, 2000000000 });
	ok(r == EINVAL, "tv_nsec out of range is EINVAL");

	/* The default clock: CLOCK_REALTIME once the kernel has it. */
	pthread_cond_init(&c, NULL);
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		diag("no CLOCK_REALTIME yet: timedwait falls back to CLOCK_MONOTONIC");
		clock_gettime(CLOCK_MONOTONIC, &ts);
	}
	add_ms(&ts, 40);
	t0 = now_ms();
	r = timedwait_until_timeout(&c, &m, &ts);
	dt = now_ms() - t0;
	ok(r == ETIMEDOUT && dt >= 39 && dt < 2000,
	    "timedwait on the default clock times out after 40 ms (%llu ms)",
	    (unsigned long long)dt);
	pthread_mutex_unlock(&m);
	return (0);
}

/* ---- read-write locks ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in, readers_max, rw_value, rw_torn;

static void *
parallel_reader(void *arg __attribute__((unused)))
{
	int n;

	pthread_rwlock_rdlock(&rw);
	n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
	umtx_wakeup(&readers_in, 0);
	/* Hold it until all four hold it at once (or give up after a while). */
	for (int i = 0; i < 200 && (n = readers_in) < 4; i++)
		umtx_sleep(&readers_in, n, 10000);
	if (n > readers_max)
		readers_max = n;
	pthread_rwlock_unlock(&rw);
	return (NULL);
}

static void *
rw_writer(void *arg __attribute__((unused)))
{
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_wrlock(&rw);
		rw_value++;
		rw_value++;		/* readers must never see it odd */
		pthread_rwlock_unlock(&rw);
	}
	return (NULL);
}

static void *
rw_reader(void *arg __attribute__((unused)))
{
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_rdlock(&rw);
		pthread_rwlock_rdlock(&rw);	/* read locks nest */
		if (rw_value & 1)
			rw_torn++;
		pthread_rwlock_unlock(&rw);
		pthread_rwlock_unlock(&rw);
	}
	return (NULL);
}

static int
test_rwlock(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, parallel_reader, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ok(readers_max == 4, "4 readers hold the read lock at once (max %d)", readers_max);

	ok(pthread_rwlock_rdlock(&rw) == 0 && pthread_rwlock_trywrlock(&rw) == EBUSY,
	    "a writer's trylock is EBUSY while a reader holds it");
	ok(pthread_rwlock_tryrdlock(&rw) == 0, "another read lock is granted");
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	ok(pthread_rwlock_wrlock(&rw) == 0 && pthread_rwlock_tryrdlock(&rw) == EBUSY &&
	    pthread_rwlock_wrlock(&rw) == EDEADLK,
	    "while written: tryrdlock is EBUSY, a second wrlock EDEADLK");
	ok(pthread_rwlock_unlock(&rw) == 0 && pthread_rwlock_unlock(&rw) == EPERM,
	    "unlocking a free rwlock is EPERM");

	pthread_create(&t[0], NULL, rw_writer, NULL);
	pthread_create(&t[1], NULL, rw_writer, NULL);
	pthread_create(&t[2], NULL, rw_reader, NULL);
	pthread_create(&t[3], NULL, rw_reader, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ok(rw_value == 8000 && rw_torn == 0,
	    "2 writers and 2 readers: writes exclude everyone (value %d, torn reads %d)",
	    rw_value, rw_torn);
	ok(pthread_rwlock_destroy(&rw) == 0, "a free rwlock is destroyed");
	return (0);
}

/* ---- signals ---- */

static int
test_sigmask(void)
{
	sigset_t set, old, now;
	int r;

	memset(&set, 0, sizeof(set));
	set.__bits[0] = 1u << (SIGUSR2 - 1);
	r = pthread_sigmask(SIG_BLOCK, &set, &old);
	if (r == ENOSYS) {
		diag("no sigprocmask in this kernel yet: pthread_sigmask returns ENOSYS");
		ok(pthread_sigmask(SIG_BLOCK, &set, NULL) == ENOSYS,
		    "pthread_sigmask returns the error rather than -1");
		return (0);
	}
	ok(r == 0, "pthread_sigmask(SIG_BLOCK) succeeds");
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	ok((now.__bits[0] & set.__bits[0]) != 0, "the blocked signal is in the mask");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ok(pthread_sigmask(99, &set, NULL) == EINVAL, "a bad how is EINVAL");
	return (0);
}

/* ---- fork ---- */

static char order[64];
static size_t order_len;

static void note(char c) { if (order_len < sizeof(order) - 1) order[order_len++] = c; }
static void prep1(void) { note('P'); note('1'); }
static void prep2(void) { note('P'); note('2'); }
static void prep3(void) { note('P'); note('3'); }
static void par1(void) { note('p'); note('1'); }
static void par2(void) { note('p'); note('2'); }
static void chi1(void) { note('c'); note('1'); }
static void chi2(void) { note('c'); note('2'); }

static int
test_atfork(void)
{
	int fds[2], status;
	char child[64] = "";
	pid_t pid;
	ssize_t n;

	ok(pthread_atfork(prep1, par1, chi1) == 0 && pthread_atfork(prep2, par2, chi2) == 0 &&
	    pthread_atfork(prep3, NULL, NULL) == 0, "pthread_atfork registers 3 sets");
	pipe(fds);
	order_len = 0;
	if ((pid = xfork()) == 0) {
		order[order_len] = '\0';
		write(fds[1], order, order_len);
		_exit(0);
	}
	order[order_len] = '\0';
	close(fds[1]);
	n = read(fds[0], child, sizeof(child) - 1);
	child[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	ok(strcmp(order, "P3P2P1p1p2") == 0,
	    "parent: prepare handlers in reverse order, then parent handlers in order (%s)",
	    order);
	ok(strcmp(child, "P3P2P1c1c2") == 0,
	    "child: prepare handlers in reverse order, then child handlers in order (%s)",
	    child);
	return (0);
}

extern struct libc_lock { volatile int locked; } malloc_lock;
static volatile int holder_state;	/* 1: holds malloc's lock, 2: let it go */

static void *
malloc_holder(void *arg __attribute__((unused)))
{
	int z = 0;

	/* As if inside malloc: hold its lock while the main thread forks. */
	while (!__atomic_compare_exchange_n(&malloc_lock.locked, &z, 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		z = 0;
	holder_state = 1;
	umtx_wakeup(&holder_state, 0);
	nap(50);
	holder_state = 2;
	if (__atomic_exchange_n(&malloc_lock.locked, 0, __ATOMIC_RELEASE) == 2)
		umtx_wakeup(&malloc_lock.locked, 1);
	return (NULL);
}

static volatile int churn_stop;

static void *
malloc_churn(void *arg __attribute__((unused)))
{
	while (!churn_stop)
		free(malloc(16 + (size_t)(churn_stop & 0xff)));
	return (NULL);
}

/* The child: malloc works, and so do pthread_self and pthread_create. */
static int
child_mallocs(void)
{
	char *p = malloc(100), *q = malloc(5000);

	if (p == NULL || q == NULL)
		return (1);
	memset(p, 1, 100);
	free(p);
	free(q);
	return (0);
}

/* Wait for pid up to ms; kill it if still there.  Its status or -1. */
static int
wait_bounded(pid_t pid, long ms)
{
	int status;

	for (long t = 0; t < ms; t += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return (status);
		nap(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return (-1);
}

static int
test_fork_malloc(void)
{
	pthread_t t;
	int status, n;
	bool all = true;
	pid_t pid;

	holder_state = 0;
	pthread_create(&t, NULL, malloc_holder, NULL);
	while ((n = holder_state) == 0)
		umtx_sleep(&holder_state, n, 100000);
	if ((pid = xfork()) == 0)
		_exit(child_mallocs());
	ok(holder_state == 2, "fork waits for another thread to let go of malloc's lock");
	status = wait_bounded(pid, 5000);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the child of that fork can malloc and free");
	pthread_join(t, NULL);

	churn_stop = 0;
	pthread_create(&t, NULL, malloc_churn, NULL);
	for (int i = 0; i < 20; i++) {
		if ((pid = xfork()) == 0)
			_exit(child_mallocs());
		status = wait_bounded(pid, 5000);
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			all = false;
	}
	churn_stop = 1;
	pthread_join(t, NULL);
	ok(all, "20 forks while another thread mallocs and frees: every child can malloc");
	return (0);
}

static pthread_t forker_self;

static int
child_checks_self(void)
{
	pthread_t t;
	void *v;

	if (!pthread_equal(pthread_self(), forker_self))
		return (1);
	if (pthread_getthreadid_np() != lwp_gettid())
		return (2);
	if (pthread_create(&t, NULL, times_two, (void *)21) != 0 ||
	    pthread_join(t, &v) != 0 || (intptr_t)v != 42)
		return (3);
	return (0);
}

static void *
forking_thread(void *arg __attribute__((unused)))
{
	int status;
	pid_t pid;

	forker_self = pthread_self();
	if ((pid = xfork()) == 0)
		_exit(child_checks_self());
	status = wait_bounded(pid, 5000);
	return ((void *)(intptr_t)status);
}

static void *
idle_thread(void *arg __attribute__((unused)))
{
	while (!churn_stop)
		umtx_sleep(&churn_stop, 0, 0);
	return (NULL);
}

static int
test_fork_self(void)
{
	pthread_t t, idle;
	void *v;
	int status;
	pid_t pid;

	churn_stop = 0;
	pthread_create(&idle, NULL, idle_thread, NULL);
	forker_self = pthread_self();
	if ((pid = xfork()) == 0)
		_exit(child_checks_self());
	status = wait_bounded(pid, 5000);
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fork from the main thread: the child's pthread_self is the forker, "
	    "its id the child's lwp, and it can create and join (status %#x)", status);
	pthread_create(&t, NULL, forking_thread, NULL);
	pthread_join(t, &v);
	status = (int)(intptr_t)v;
	ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fork from another thread: the same holds in its child (status %#x)", status);
	churn_stop = 1;
	umtx_wakeup(&churn_stop, 0);
	pthread_join(idle, NULL);
	return (0);
}

/* ---- umtx ---- */

static int
test_umtx_errors(void)
{
	int *page = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	volatile int word = 5;
	uint64_t t0, dt;
	int r;

	munmap(page, PGSZ);
	ok(umtx_sleep(NULL, 0, 0) == -1 && errno == EFAULT, "umtx_sleep(NULL) is EFAULT");
	ok(umtx_sleep(page, 0, 0) == -1 && errno == EFAULT,
	    "umtx_sleep on an unmapped page is EFAULT");
	ok(umtx_sleep((int *)((char *)&word + 1), 0, 0) == -1 && errno == EFAULT,
	    "umtx_sleep on a misaligned address is EFAULT");
	ok(umtx_sleep((int *)0xffffffff00000000ull, 0, 0) == -1 && errno == EFAULT,
	    "umtx_sleep on a kernel address is EFAULT");
	ok(umtx_wakeup(page, 1) == -1 && errno == EFAULT,
	    "umtx_wakeup on an unmapped page is EFAULT");
	ok(umtx_sleep(&word, 4, 0) == -1 && errno == EBUSY,
	    "umtx_sleep when the word differs is EBUSY");
	ok(umtx_sleep(&word, 5, -1) == -1 && errno == EINVAL,
	    "a negative timeout is EINVAL");
	ok(umtx_wakeup(&word, -1) == -1 && errno == EINVAL, "a negative count is EINVAL");
	ok(umtx_wakeup(&word, 0) == 0, "waking nobody is not an error");
	t0 = now_ms();
	r = umtx_sleep(&word, 5, 50000);
	dt = now_ms() - t0;
	ok(r == -1 && errno == EAGAIN && dt >= 49 && dt < 2000,
	    "umtx_sleep times out with EAGAIN after 50 ms (%llu ms)", (unsigned long long)dt);
	return (0);
}

static volatile int wake_word, woken_n;

static void *
umtx_sleeper(void *arg __attribute__((unused)))
{
	if (umtx_sleep(&wake_word, 0, 3000000) == 0)
		__atomic_add_fetch(&woken_n, 1, __ATOMIC_SEQ_CST);
	return (NULL);
}

static int
test_umtx_count(void)
{
	pthread_t t[3];
	int one;

	wake_word = 0;
	woken_n = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, umtx_sleeper, NULL);
	nap(100);
	umtx_wakeup(&wake_word, 1);
	nap(50);
	one = woken_n;
	umtx_wakeup(&wake_word, 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	ok(one == 1 && woken_n == 3,
	    "umtx_wakeup with count 1 wakes one of 3 sleepers (%d), count 0 the rest (%d)",
	    one, woken_n);
	return (0);
}

/* Sleep on *w (0) up to 2 s; the child's exit status: 0 woken, 1 timed out, 2 other. */
static int
sleep_status(volatile int *w, volatile int *ready)
{
	int r;

	*ready = 1;
	r = umtx_sleep(w, 0, 2000000);
	if (r == 0)
		return (0);
	return (errno == EAGAIN ? 1 : 2);
}

static int
test_umtx_shared(void)
{
	volatile int *sh = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON,
	    -1, 0);
	int status, r;
	pid_t pid;

	sh[0] = sh[1] = 0;
	if ((pid = xfork()) == 0)
		_exit(sleep_status(&sh[0], &sh[1]));
	while (!sh[1])
		nap(5);
	nap(50);
	sh[0] = 1;
	umtx_wakeup(&sh[0], 0);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "over MAP_SHARED memory, a parent's umtx_wakeup wakes its child");

	sh[2] = sh[3] = 0;
	if ((pid = xfork()) == 0) {
		while (!sh[3])
			nap(5);
		nap(50);
		sh[2] = 1;
		_exit(umtx_wakeup(&sh[2], 0) == 0 ? 0 : 1);
	}
	r = sleep_status(&sh[2], &sh[3]);
	waitpid(pid, &status, 0);
	ok(r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "and a child's wakes its parent (%d)", r);
	munmap((void *)sh, PGSZ);
	return (0);
}

static volatile int private_word;

static int
test_umtx_private(void)
{
	volatile int *sh = mmap(NULL, PGSZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON,
	    -1, 0);
	uint64_t t0;
	int status, r;
	pid_t pid;

	/* Same address, same page until one writes: still two words. */
	private_word = 0;
	sh[0] = 0;
	if ((pid = xfork()) == 0)
		_exit(sleep_status(&private_word, &sh[0]));
	while (!sh[0])
		nap(5);
	nap(50);
	for (int i = 0; i < 5; i++)
		umtx_wakeup(&private_word, 0);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "a parent's wakeup on its private copy-on-write word does not wake the "
	    "child sleeping on its own copy (child timed out: status %#x)", status);

	sh[0] = 0;
	if ((pid = xfork()) == 0) {
		while (!sh[0])
			nap(5);
		nap(50);
		for (int i = 0; i < 5; i++)
			umtx_wakeup(&private_word, 0);
		_exit(0);
	}
	t0 = now_ms();
	sh[0] = 1;
	r = umtx_sleep(&private_word, 0, 500000) == 0 ? 0 : errno;
	waitpid(pid, &status, 0);
	ok(r == EAGAIN && now_ms() - t0 >= 499,
	    "nor does a child's wake its parent (%d)", r);
	munmap((void *)sh, PGSZ);
	return (0);
}

/* ---- leaks ---- */

static void
storm(void)
{
	pthread_t t[16];

	for (int i = 0; i < NSTORM; i += 16) {
		for (int k = 0; k < 16; k++)
			pthread_create(&t[k], NULL, times_two, NULL);
		for (int k = 0; k < 16; k++)
			pthread_join(t[k], NULL);
	}
}

static int
test_leaks(void)
{
	int before, after, procs, status;
	pid_t pid;

	storm();		/* page tables and malloc's arena reach their size */
	before = settled_unleaked();
	storm();
	after = settled_unleaked();
	ok(before > 0 && after == before,
	    "a storm of %d threads created and joined gives back every stack "
	    "(%d pages before, %d after)", NSTORM, before, after);

	procs = sget("kern.nprocs");
	before = settled_unleaked();
	if ((pid = xfork()) == 0) {
		pthread_t t[NWORKERS];

		storm();
		for (int i = 0; i < NWORKERS; i++)
			pthread_create(&t[i], NULL, stress_body, NULL);
		_exit(0);	/* with its threads still running */
	}
	waitpid(pid, &status, 0);
	after = settled_unleaked();
	ok(WIFEXITED(status) && after == before && sget("kern.nprocs") == procs,
	    "a child's thread storm leaves no page and no process behind "
	    "(%d pages before, %d after)", before, after);
	return (0);
}

/* errno is per thread: two threads' failing calls do not overwrite each other's. */
static volatile int errno_stage;

static void *
errno_body(void *arg)
{
	(void)arg;
	errno = 0;
	if (close(-1) != -1 || errno != EBADF)
		return ((void *)1);
	__atomic_store_n(&errno_stage, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&errno_stage, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	return ((void *)(intptr_t)(errno == EBADF ? 0 : 2));
}

static int
test_errno(void)
{
	pthread_t t;
	void *v;

	errno = 0;
	ok(pthread_create(&t, NULL, errno_body, NULL) == 0, "a thread for the errno test");
	while (__atomic_load_n(&errno_stage, __ATOMIC_ACQUIRE) != 1)
		sched_yield();
	ok(errno == 0, "another thread's failed call leaves this thread's errno alone");
	ok(sigaction(0, NULL, NULL) == -1 && errno == EINVAL, "this thread's own error is EINVAL");
	__atomic_store_n(&errno_stage, 2, __ATOMIC_RELEASE);
	ok(pthread_join(t, &v) == 0 && v == NULL,
	    "and the other thread still sees its EBADF (%ld)", (long)(intptr_t)v);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(test_create_join, "create join"),
	TAP_CASE(test_errno, "errno"),
	TAP_CASE(test_self, "self"),
	TAP_CASE(test_detach, "detach"),
	TAP_CASE(test_once, "once"),
	TAP_CASE(test_keys, "keys"),
	TAP_CASE(test_mutex_types, "mutex types"),
	TAP_CASE(test_mutex_stress, "mutex stress"),
	TAP_CASE(test_cond, "cond"),
	TAP_CASE(test_broadcast, "broadcast"),
	TAP_CASE(test_timedwait, "timedwait"),
	TAP_CASE(test_rwlock, "rwlock"),
	TAP_CASE(test_sigmask, "sigmask"),
	TAP_CASE(test_atfork, "atfork"),
	TAP_CASE(test_fork_malloc, "fork malloc"),
	TAP_CASE(test_fork_self, "fork self"),
	TAP_CASE(test_umtx_errors, "umtx errors"),
	TAP_CASE(test_umtx_count, "umtx count"),
	TAP_CASE(test_umtx_shared, "umtx shared"),
	TAP_CASE(test_umtx_private, "umtx private"),
	TAP_CASE(test_leaks, "leaks"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
