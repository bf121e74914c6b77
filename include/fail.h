/*
 * Named fail points (FreeBSD's fail(9), reduced to what the tests need):
 * a point is written where an allocation can fail,
 *
 *	if (FAIL_POINT(fork_proc_alloc) || (p2 = proc_alloc()) == NULL)
 *		goto fail_count;
 *	if ((error = FAIL_POINT_ERROR(fork_fd, ENOMEM)) != 0 ||
 *	    (error = fd_fork(p1, p2, flags)) != 0)
 *		goto fail_vm;
 *
 * and root arms it through its own sysctl, debug.fail_point.NAME (an int):
 * N > 0 makes the next N passes fail, -1 every pass, 0 (the default) none;
 * other values are EINVAL.  Reading gives the setting, so an armed count
 * that reads 0 again has fired that many times.  A pass that fires takes
 * the error path as if the allocation had failed: FAIL_POINT is then true,
 * FAIL_POINT_ERROR the error given (0 when the point does not fire).
 *
 * Each point registers its own sysctl in the linker set of knobs
 * (include/sysctl.h), so no list names them.  A name is used at one place
 * only (sysctl_init checks at boot that no knob is registered twice), and
 * FAIL_POINT must not sit in a header: each file including it would get a
 * point of its own.
 *
 * The build option fail_points (meson, on by default: run, test and bench
 * share one build directory per arch) compiles them in; off, FAIL_POINT
 * is false, no record exists and the sysctls are ENOENT.  Compiled in, an
 * unarmed point costs one load of its setting and one branch predicted
 * not taken; the firing path is out of line.
 */
#ifndef _FAIL_H_
#define _FAIL_H_

#include "sysctl.h"
#include "types.h"

struct fail_point {
	const char	*fp_name;	/* NAME of debug.fail_point.NAME */
	int		fp_setting;	/* (a) 0 off, N > 0 the next N fail, -1 all */
};

#ifdef FAIL_POINTS
#define FAIL_POINT(name) ({						\
	static struct fail_point __fail_point_##name =			\
	    { #name, 0 };						\
	SYSCTL_OID("debug.fail_point." #name, fail_point_get,		\
	    fail_point_set, &__fail_point_##name);			\
	__predict_false(__atomic_load_n(&__fail_point_##name.fp_setting,	\
	    __ATOMIC_RELAXED) != 0) && fail_point_fire(&__fail_point_##name); \
})
#else
#define FAIL_POINT(name)	false
#endif

#define FAIL_POINT_ERROR(name, error)	(FAIL_POINT(name) ? (error) : 0)

/* An armed point's pass: true if it fails (and a count is used up). */
bool	fail_point_fire(struct fail_point *fp);
/* debug.fail_point.NAME's handlers; arg is the point.  Setting: 0, or EINVAL below -1. */
int	fail_point_get(void *arg);
int	fail_point_set(void *arg, int setting);

#endif /* !_FAIL_H_ */
