/*
 * Processes and lightweight processes.
 *
 * A process owns an address space and a set of lwps; the scheduler runs
 * lwps.  Platforms use only struct lwp's l_md and l_proc.
 */
#ifndef _PROC_H_
#define _PROC_H_

#include "cpu.h"
#include "kernel.h"
#include "queue.h"

struct vmspace;

/* l_stat */
#define LSIDL		1	/* being created */
#define LSRUN		2	/* runnable or running */
#define LSSLEEP		3	/* in tsleep() */
#define LSSTOP		4	/* RFSTOPPED, not yet started */
#define LSZOMB		5	/* exited; its stack goes once it is off it */

struct lwp {
	struct lwp_md	l_md;		/* platform-owned; keep first */
	struct proc	*l_proc;
	lwpid_t		l_tid;
	int		l_stat;
	const void	*l_wchan;	/* what it sleeps on */
	const char	*l_wmesg;
	TAILQ_ENTRY(lwp) l_runq;	/* run queue or sleep queue */
	LIST_ENTRY(lwp)	l_sibling;	/* in its process */
	unsigned	l_slice;	/* ticks left before preemption */
};

/* p_stat */
#define SIDL		1	/* being created by fork1 */
#define SACTIVE		2
#define SZOMB		3

/* p_flags */
#define P_SYSTEM	0x0001	/* proc0: no user space */
#define P_WEXIT		0x0002	/* exiting */
#define P_PPWAIT	0x0004	/* vfork parent waits for us */
#define P_SUGID		0x0008	/* credentials changed */

#define MAXCOMLEN	19

struct proc {
	LIST_ENTRY(proc) p_list;	/* allproc or zombproc */
	LIST_ENTRY(proc) p_hash;	/* pid hash chain */
	LIST_ENTRY(proc) p_sibling;	/* parent's children */
	LIST_HEAD(, proc) p_children;
	struct proc	*p_pptr;
	pid_t		p_pid;
	int		p_stat;
	int		p_flags;
	int		p_xstat;	/* wait status, once a zombie */
	uint32_t	p_siglist;	/* pending signals */
	struct vmspace	*p_vmspace;
	LIST_HEAD(, lwp) p_lwps;
	int		p_nthreads;
	lwpid_t		p_lasttid;
	uid_t		p_uid;
	char		p_comm[MAXCOMLEN + 1];
};

extern struct proc proc0, *initproc;
extern struct lwp lwp0;

static inline struct proc *
curproc(void)
{
	extern struct lwp *curlwp;

	return (curlwp->l_proc);
}

/* core/proc.c */
void	proc_init(void);
struct proc *proc_alloc(void);
void	proc_free(struct proc *);
int	proc_add(struct proc *p, struct proc *parent);
struct proc *pfind(pid_t pid);
struct lwp *lwp_alloc(struct proc *p);
void	lwp_free(struct lwp *);
extern struct spinlock proc_lock;
extern int nprocs;

/* core/pid.c */
int	pid_alloc(pid_t *pidp);

/* core/sched.c */
void	sched_init(void);
void	sched_setrun(struct lwp *);
void	sched_switch(void);
void	sched_yield(void);
__noreturn void sched_exit(void);	/* curlwp is a zombie: switch away for good */
void	sched_idle_loop(void) __attribute__((noreturn));
int	tsleep(const void *chan, const char *wmesg);
void	wakeup(const void *chan);
void	sched_unsleep(struct lwp *);
extern volatile uint64_t ticks;

/* core/fork.c */
int	fork1(struct lwp *l, int flags, struct proc **childp);
void	start_forked_proc(struct proc *p);

/* core/exit.c */
__noreturn void exit1(struct proc *p, int wstatus);
int	kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found);

/* core/exec.c */
int	kern_execv(struct lwp *l, const char *name, const char *args, int argc,
	    size_t argbytes);
int	proc_spawn_init(const char *name, const char *args, int argc, size_t argbytes);

/* core/signal.c */
void	psignal(struct proc *p, int sig);
void	psignal_deliver(struct lwp *l);
bool	sig_fatal_pending(const struct proc *p);

#endif /* !_PROC_H_ */
