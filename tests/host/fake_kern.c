/*
 * Fake kernel surroundings for host tests of core/pid.c and core/limits.c:
 * the process lists and lock core/proc.c would own, a kernel heap on the
 * host's malloc, and copyin/copyout that refuse every user address (the
 * system calls in those files are not what these tests exercise).
 */
#include "fake_kern.h"
#include "host_libc.h"
#include "proc.h"
#include "vm.h"

struct proclist allproc, zombproc;
struct spinlock proctree_lock = SPINLOCK_INIT("proctree");
int nprocs;
pid_t fake_held_pids[4];

/* core/procdesc.c's: the pids descriptors of reaped processes keep (fake_held_pids, 0 unused). */
bool
procdesc_pid_held(pid_t pid)
{
	for (unsigned i = 0; i < sizeof(fake_held_pids) / sizeof(fake_held_pids[0]); i++)
		if (fake_held_pids[i] != 0 && fake_held_pids[i] == pid)
			return (true);
	return (false);
}

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

/*
 * A fake process with pid, in a group pgid of session sid (pgid 0: no
 * group), on allproc (zombie false) or zombproc.  Groups and sessions are
 * not shared between fake processes: pid allocation only reads the ids.
 */
struct proc *
fake_proc(pid_t pid, pid_t pgid, pid_t sid, bool zombie)
{
	struct proc *p = calloc(1, sizeof(*p));

	p->p_pid = pid;
	if (pgid != 0) {
		p->p_pgrp = calloc(1, sizeof(*p->p_pgrp));
		p->p_pgrp->pg_id = pgid;
		p->p_pgrp->pg_session = calloc(1, sizeof(*p->p_pgrp->pg_session));
		p->p_pgrp->pg_session->s_sid = sid;
	}
	p->p_stat = zombie ? SZOMB : SACTIVE;
	LIST_INSERT_HEAD(zombie ? &zombproc : &allproc, p, p_list);
	return (p);
}

void
fake_proc_free(struct proc *p)
{
	LIST_REMOVE(p, p_list);
	if (p->p_pgrp != NULL) {
		free(p->p_pgrp->pg_session);
		free(p->p_pgrp);
	}
	free(p);
}

void
fake_procs_clear(void)
{
	while (!LIST_EMPTY(&allproc))
		fake_proc_free(LIST_FIRST(&allproc));
	while (!LIST_EMPTY(&zombproc))
		fake_proc_free(LIST_FIRST(&zombproc));
}
