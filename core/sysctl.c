/*
 * sysctlbyname(2) over the linker set of knobs (include/sysctl.h): each
 * file registers its own beside its variables, the fail points their
 * debug.fail_point.NAME among them.  Reading returns the old value before
 * a write takes effect, as BSD does; writes are root's.
 */
#include "kernel.h"
#include "proc.h"
#include "syscall.h"
#include "sysctl.h"
#include "vm.h"

#define SYSCTL_NAME_MAX	64

/* Bounds of the set, defined by kernel.ld. */
extern const struct sysctl_oid __start_set_sysctl[], __stop_set_sysctl[];

#define FOREACH_SYSCTL(oid)						\
	for ((oid) = __start_set_sysctl; (oid) < __stop_set_sysctl; (oid)++)

void
sysctl_init(void)
{
	const struct sysctl_oid *oid, *o2;

	FOREACH_SYSCTL(oid)
		for (o2 = oid + 1; o2 < __stop_set_sysctl; o2++)
			if (strcmp(oid->oid_name, o2->oid_name) == 0)
				panic("sysctl %s registered twice", oid->oid_name);
}

const struct sysctl_oid *
sysctl_find(const char *name)
{
	const struct sysctl_oid *oid;

	FOREACH_SYSCTL(oid)
		if (strcmp(oid->oid_name, name) == 0)
			return (oid);
	return (NULL);
}

/*
 * sysctlbyname(name, old, oldlenp, new, newlen).  ENOENT for an unknown
 * name, ENOMEM when *oldlenp is too small for the value, EPERM for a
 * write to a read-only knob or by a non-root process, EINVAL for a new
 * value of the wrong size or out of range.
 */
int
sys_sysctlbyname(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	const struct sysctl_oid *oid;
	char name[SYSCTL_NAME_MAX];
	uint64_t oldlen;
	int error, value, newval;

	if ((error = copyinstr(vm, args[0], name, sizeof(name))) != 0)
		return (error == ENAMETOOLONG ? ENOENT : error);
	if ((oid = sysctl_find(name)) == NULL)
		return (ENOENT);
	value = oid->oid_get(oid->oid_arg);
	if (args[2] != 0) {
		if ((error = copyin(vm, args[2], &oldlen, sizeof(oldlen))) != 0)
			return (error);
		if (args[1] != 0) {
			if (oldlen < sizeof(int))
				return (ENOMEM);
			if ((error = copyout(vm, &value, args[1], sizeof(int))) != 0)
				return (error);
		}
		oldlen = sizeof(int);
		if ((error = copyout(vm, &oldlen, args[2], sizeof(oldlen))) != 0)
			return (error);
	} else if (args[1] != 0)
		return (EINVAL);
	if (args[3] == 0)
		return (0);
	if (oid->oid_set == NULL || p->p_uid != 0)
		return (EPERM);
	if (args[4] != sizeof(int))
		return (EINVAL);
	if ((error = copyin(vm, args[3], &newval, sizeof(newval))) != 0)
		return (error);
	return (oid->oid_set(oid->oid_arg, newval));
}
