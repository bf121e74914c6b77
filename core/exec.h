/*
 * Replacing a process's image (core/exec.c).
 */
#ifndef _EXEC_H_
#define _EXEC_H_

#include "proc.h"

int	kern_execv(struct lwp *l, const char *name, const char *args, int argc,
	    size_t argbytes);
int	proc_spawn_init(const char *name, const char *args, int argc, size_t argbytes);
/* kern.elf64.aslr.enable (a): exec randomizes the layout; the command line may set it at boot. */
extern int aslr_enable;

#endif /* !_EXEC_H_ */
