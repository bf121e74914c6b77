/*
 * Fake kernel surroundings for host tests (fake_kern.c): process lists,
 * fake processes with group and session ids, a malloc-backed kernel heap.
 */
#ifndef _FAKE_KERN_H_
#define _FAKE_KERN_H_

#include "proc.h"
#include "session.h"

LIST_HEAD(proclist, proc);
extern struct proclist allproc, zombproc;

struct proc *fake_proc(pid_t pid, pid_t pgid, pid_t sid, bool zombie);
void	fake_proc_free(struct proc *p);
void	fake_procs_clear(void);
/* Pids held by process descriptors of reaped processes (procdesc_pid_held); 0 unused. */
extern pid_t fake_held_pids[4];

#endif
