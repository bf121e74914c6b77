/*
 * Named fail points: firing an armed point, and the handlers of the
 * sysctls debug.fail_point.NAME that arm them.  See include/fail.h.
 */
#include "fail.h"
#include "kernel.h"

/*
 * Take one pass off a count (several CPUs may pass at once: each failing
 * pass takes exactly one), or fail every pass for -1.
 */
bool
fail_point_fire(struct fail_point *fp)
{
	int v = __atomic_load_n(&fp->fp_setting, __ATOMIC_RELAXED);

	do {
		if (v == 0)
			return (false);
		if (v < 0)
			return (true);
	} while (!__atomic_compare_exchange_n(&fp->fp_setting, &v, v - 1, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return (true);
}

int
fail_point_get(void *arg)
{
	struct fail_point *fp = arg;

	return (__atomic_load_n(&fp->fp_setting, __ATOMIC_RELAXED));
}

int
fail_point_set(void *arg, int setting)
{
	struct fail_point *fp = arg;

	if (setting < -1)
		return (EINVAL);
	__atomic_store_n(&fp->fp_setting, setting, __ATOMIC_RELAXED);
	return (0);
}
