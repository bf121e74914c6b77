/*
 * Fake kernel surroundings for host tests (fake_kern.c): process lists,
 * a malloc-backed kernel heap; and (fake_proc.c, with core/pid.c) fake
 * processes with group and session ids, marked in pid.c's id maps.
 */
#ifndef _FAKE_KERN_H_
#define _FAKE_KERN_H_

#include "proc.h"
#include "session.h"


struct proc *fake_proc(pid_t pid, pid_t pgid, pid_t sid, bool zombie);
void	fake_proc_free(struct proc *p);
void	fake_procs_clear(void);

#endif
