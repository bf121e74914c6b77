/*
 * Named kernel knobs and counters, reached with sysctlbyname(2).  Every
 * value is a C int on the user side.
 *
 * Each knob is registered in the file that owns its variable, beside it
 * (FreeBSD's SYSCTL_INT(_kern, OID_AUTO, lastpid, ...)):
 *
 *	pid_t lastpid;
 *	SYSCTL_INT("kern.lastpid", lastpid);
 *	SYSCTL_INT_RW("kern.pid_max", pid_max, pid_max_set);
 *
 * Each registration is a struct sysctl_oid in the linker set set_sysctl
 * (both kernel.ld files keep the section and bound it), so no table lists
 * them and a changed variable or setter no longer compiles against a stale
 * declaration elsewhere.  sysctl_init checks at boot that no name is
 * registered twice.  The macros name their records after __LINE__, so one
 * registration a line.
 */
#ifndef _SYSCTL_H_
#define _SYSCTL_H_

#include "types.h"

struct sysctl_oid {
	const char	*oid_name;
	int		(*oid_get)(void *arg);
	/* NULL: read-only.  Returns 0 or EINVAL; the caller has checked for root. */
	int		(*oid_set)(void *arg, int value);
	void		*oid_arg;
};

#define SYSCTL_CAT2(a, b)	a##b
#define SYSCTL_CAT(a, b)	SYSCTL_CAT2(a, b)
#define SYSCTL_ID(what)		SYSCTL_CAT(sysctl_##what##_, __LINE__)

/* The general form: get(arg) and set(arg, value) with an argument of their own. */
#define SYSCTL_OID(name, get, set, arg)					\
	static const struct sysctl_oid SYSCTL_ID(oid)			\
	    __attribute__((section("set_sysctl"), used, aligned(8))) =	\
	    { (name), (get), (set), (arg) }

/*
 * The readers of an integer variable by its type; a wider one is
 * truncated.  Inline, so that a file registering a knob needs nothing
 * linked beside it (the host tests build owners without sysctl.c).
 */
static inline int sysctl_get_int(void *arg) { return (__atomic_load_n((int *)arg, __ATOMIC_RELAXED)); }
static inline int sysctl_get_uint(void *arg) { return ((int)__atomic_load_n((unsigned *)arg, __ATOMIC_RELAXED)); }
static inline int sysctl_get_u64(void *arg) { return ((int)__atomic_load_n((uint64_t *)arg, __ATOMIC_RELAXED)); }
static inline int sysctl_get_bool(void *arg) { return (__atomic_load_n((bool *)arg, __ATOMIC_RELAXED)); }
#define SYSCTL_GETTER(var) _Generic(&(var),				\
	int *: sysctl_get_int, volatile int *: sysctl_get_int,		\
	unsigned *: sysctl_get_uint, volatile unsigned *: sysctl_get_uint,	\
	uint64_t *: sysctl_get_u64, volatile uint64_t *: sysctl_get_u64,	\
	bool *: sysctl_get_bool)

/* An integer variable, read-only. */
#define SYSCTL_INT(name, var)						\
	SYSCTL_OID(name, SYSCTL_GETTER(var), NULL, (void *)(uintptr_t)&(var))

/* An integer variable that root writes through setter(int value): 0 or EINVAL. */
#define SYSCTL_INT_RW(name, var, setter)					\
	static int SYSCTL_ID(set)(void *arg __unused, int v) { return (setter(v)); } \
	SYSCTL_OID(name, SYSCTL_GETTER(var), SYSCTL_ID(set), (void *)(uintptr_t)&(var))

/* A value getter() computes, read-only. */
#define SYSCTL_PROC(name, getter)					\
	static int SYSCTL_ID(get)(void *arg __unused) { return (getter()); } \
	SYSCTL_OID(name, SYSCTL_ID(get), NULL, NULL)

/* A computed value root also writes, through setter(int value). */
#define SYSCTL_PROC_RW(name, getter, setter)				\
	static int SYSCTL_ID(get)(void *arg __unused) { return (getter()); } \
	static int SYSCTL_ID(set)(void *arg __unused, int v) { return (setter(v)); } \
	SYSCTL_OID(name, SYSCTL_ID(get), SYSCTL_ID(set), NULL)

/* A knob that is only written (an action: debug.panic), reading 0. */
#define SYSCTL_ACTION(name, setter)					\
	SYSCTL_PROC_RW(name, sysctl_zero, setter)
static inline int sysctl_zero(void) { return (0); }

/* Boot: panic if a name is registered twice. */
void	sysctl_init(void);
/* The knob of that name, or NULL (core/sysctl.c; the host tests arm fail points so). */
const struct sysctl_oid *sysctl_find(const char *name);

#endif /* !_SYSCTL_H_ */
