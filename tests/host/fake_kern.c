/*
 * Fake kernel surroundings for host tests of core/pid.c and core/limits.c:
 * the process lists core/proc.c would own (their lock is core/pid.c's,
 * which every test of these links), a kernel heap on the host's malloc,
 * and copyin/copyout that refuse every user address (the system calls in
 * those files are not what these tests exercise).  The fake processes are
 * in fake_proc.c.
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "proc.h"
#include "vm.h"

struct proclist allproc, zombproc;
int nprocs;

void *
kmalloc(size_t size)
{
	return (calloc(1, size));
}

void *
kzalloc(size_t size)
{
	return (calloc(1, size));
}

void
kfree(void *p)
{
	free(p);
}

int
copyin(struct vmspace *vm __unused, vaddr_t uaddr __unused, void *kaddr __unused,
    size_t len __unused)
{
	return (EFAULT);
}

int
copyout(struct vmspace *vm __unused, const void *kaddr __unused, vaddr_t uaddr __unused,
    size_t len __unused)
{
	return (EFAULT);
}
