/*
 * Named fail points: the linker set of every FAIL_POINT in the kernel, and
 * the sysctls debug.fail_point.NAME that arm them.  See include/fail.h.
 */
#include "fail.h"
#include "kernel.h"

#define FAIL_POINT_PREFIX	"debug.fail_point."

/* Bounds of the set, defined by kernel.ld (empty when points are compiled out). */
extern struct fail_point __start_set_fail_point[], __stop_set_fail_point[];

#define FOREACH_FAIL_POINT(fp)						\
	for ((fp) = __start_set_fail_point; (fp) < __stop_set_fail_point; (fp)++)

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

void
fail_point_init(void)
{
	struct fail_point *fp, *fq;

	FOREACH_FAIL_POINT(fp)
		for (fq = fp + 1; fq < __stop_set_fail_point; fq++)
			if (strcmp(fp->fp_name, fq->fp_name) == 0)
				panic("fail point %s at %s:%d and at %s:%d",
				    fp->fp_name, fp->fp_file, fp->fp_line,
				    fq->fp_file, fq->fp_line);
}

struct fail_point *
fail_point_find(const char *sysctl_name)
{
	size_t n = sizeof(FAIL_POINT_PREFIX) - 1;
	struct fail_point *fp;

	if (strncmp(sysctl_name, FAIL_POINT_PREFIX, n) != 0)
		return (NULL);
	FOREACH_FAIL_POINT(fp)
		if (strcmp(fp->fp_name, sysctl_name + n) == 0)
			return (fp);
	return (NULL);
}

int
fail_point_get(const struct fail_point *fp)
{
	return (__atomic_load_n(&fp->fp_setting, __ATOMIC_RELAXED));
}

int
fail_point_set(struct fail_point *fp, int setting)
{
	if (setting < -1)
		return (EINVAL);
	__atomic_store_n(&fp->fp_setting, setting, __ATOMIC_RELAXED);
	return (0);
}
