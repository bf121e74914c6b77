/*
 * Processes and lightweight processes.  (Full definition grows in core/;
 * platforms use only struct lwp's l_md and l_proc.)
 */
#ifndef _PROC_H_
#define _PROC_H_

#include "types.h"
#include "cpu.h"

struct proc;

struct lwp {
	struct lwp_md	l_md;		/* platform-owned; keep first */
	struct proc	*l_proc;
};

#endif /* !_PROC_H_ */
