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
#include "rbtree.h"

struct vmspace;
struct filedesc;
struct filedesc_to_leader;
struct knote;
struct pgrp;
struct session;
struct plimit;
struct sigacts;
struct uidinfo;

/* A list of knotes attached to a process (EVFILT_PROC), see core/kqueue.c. */
LIST_HEAD(klist, knote);

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
	struct rb_node	l_rbnode;	/* in its process's tree, by tid */
	unsigned	l_slice;	/* ticks left before preemption */
	LIST_ENTRY(lwp)	l_timed;	/* on the timed-sleep list */
	uint64_t	l_deadline;	/* tick to wake at, if timed */
	bool		l_timedout;
	bool		l_nosig;	/* asleep where no signal may wake it */
	void		*l_kstart;	/* kernel thread: its entry until it runs */
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
#define P_EXEC		0x0010	/* has exec'd: setpgid by the parent is EACCES */
#define P_KTHREAD	0x0020	/* kernel thread */
#define P_SINGLE	0x0040	/* all lwps but p_singlelwp must exit (execv) */

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
	struct rb_tree	p_lwptree;	/* its lwps, by tid */
	int		p_nthreads;
	lwpid_t		p_lasttid;
	struct lwp	*p_singlelwp;	/* the lwp that survives P_SINGLE/P_WEXIT */
	uid_t		p_uid;
	struct uidinfo	*p_uidinfo;	/* per-uid process count */
	struct plimit	*p_limit;	/* resource limits, shared copy-on-write */
	struct sigacts	*p_sigacts;	/* signal dispositions (RFSIGSHARE shares) */
	int		p_sigparent;	/* signal to the parent on exit */
	struct filedesc	*p_fd;		/* descriptor table */
	struct filedesc_to_leader *p_fdtol; /* leader tracking of a shared table */
	struct proc	*p_leader;	/* RFTHREAD: the thread group's leader */
	struct proc	*p_peers;	/* RFTHREAD: next in the leader's group */
	struct pgrp	*p_pgrp;
	LIST_ENTRY(proc) p_pglist;	/* in the process group */
	struct klist	p_klist;	/* knotes watching this process */
	unsigned	p_estcpu;	/* scheduling estimate, inherited */
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

/* core/lwp.c */
#define FOREACH_LWP_IN_PROC(l, p)					\
	for ((l) = lwp_first(p); (l) != NULL; (l) = lwp_next(l))
struct lwp *lwp_first(struct proc *p);
struct lwp *lwp_next(struct lwp *l);
void	lwp_tree_init(struct proc *p);
/* Give l the next free tid of p (DragonFly's rule) and enter it in p's tree. */
void	lwp_tid_insert(struct proc *p, struct lwp *l);
void	lwp_tree_remove(struct proc *p, struct lwp *l);
__noreturn void lwp_exit_self(struct lwp *l);
/* Make every other lwp of p exit and wait for them; p keeps running on l. */
void	proc_single_lwp(struct proc *p, struct lwp *l, int flag);
extern lwpid_t lwp_tid_max;

/* core/kthread.c */
int	kthread_create(void (*func)(void *), void *arg, struct proc **pp,
	    const char *name);
__noreturn void kthread_exit(void);

/* core/pid.c */
int	pid_alloc(int flags, pid_t *pidp);
void	pid_seed(uint64_t seed);

/* core/sched.c */
void	sched_init(void);
void	sched_setrun(struct lwp *);
void	sched_switch(void);
void	sched_yield(void);
__noreturn void sched_exit(void);	/* curlwp is a zombie: switch away for good */
void	sched_idle_loop(void) __attribute__((noreturn));
int	tsleep(const void *chan, const char *wmesg);
int	tsleep_timo(const void *chan, const char *wmesg, uint64_t timo);
void	tsleep_nosig(const void *chan, const char *wmesg);
#define HZ	100
void	wakeup(const void *chan);
void	sched_unsleep(struct lwp *);
void	sched_lwp_start(void);		/* first thing on a new lwp's stack */
extern volatile uint64_t ticks;

/* core/fork.c */
int	fork1(struct lwp *l, int flags, struct proc **childp);
void	start_forked_proc(struct proc *p, int flags);
void	peers_unlink(struct proc *p);
typedef void forklist_fn(struct proc *parent, struct proc *child, int flags);
int	at_fork(forklist_fn *function);
bool	rm_at_fork(forklist_fn *function);
extern int maxproc;

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
