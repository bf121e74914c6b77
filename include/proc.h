/*
 * Processes and lightweight processes.
 *
 * A process owns an address space and a set of lwps; the scheduler runs
 * lwps.  Platforms use only struct lwp's l_md and l_proc.
 */
#ifndef _PROC_H_
#define _PROC_H_

#include "callout.h"
#include "cpu.h"
#include "kernel.h"
#include "queue.h"
#include "rbtree.h"
#include "smp.h"

struct vmspace;
struct filedesc;
struct filedesc_to_leader;
struct knote;
struct pgrp;
struct session;
struct plimit;
struct procdesc;
struct sigacts;
struct uidinfo;

/* A list of knotes attached to a process (EVFILT_PROC), see core/kqueue.c. */
LIST_HEAD(klist, knote);

/*
 * Locking.  Each shared field below names what protects it:
 *   (t) proctree_lock: the process tree and every index of processes
 *   (c) the process's own p_lock
 *   (s) sleepq_lock: sleep queues and the sleep/run state of lwps
 *   (r) the run-queue lock of the CPU the lwp is queued on
 *   (o) only the lwp itself (or the CPU running it) touches it
 *   (a) atomic operations
 *   (b) set before the process or lwp is visible, constant afterwards
 *   (*) racy on purpose: a statistic, or a hint re-checked under a lock
 * "(t, c)" means written holding both, so either is enough to read it.
 *
 * Lock order, outermost first (core/witness.c checks it in test builds):
 *   proctree -> proc -> filedesc, pipe, kqueue, umtx, callout -> vmspace -> vmobject
 *     -> sleepq -> runq -> page -> kmem -> random -> console
 * kstack (core/kstack.c, its slot bitmap) is a leaf taken with no other
 * lock held: kernel stacks are allocated and mapped outside every lock.
 * Two locks of one class are never held together.  No spinlock is held
 * across a context switch; a sleep gives up its interlock (msleep).
 */

/*
 * CPU time and counts of one lwp, of a process's exited lwps, or of its
 * reaped children: the kernel's struct rusage (core/rusage.c).  Times are
 * in counts of hal_timecount(), converted when reported.
 */
struct rusage_kern {
	uint64_t	rk_runtime;	/* on a CPU, user and system */
	uint64_t	rk_utime;	/* the part of it in user mode */
	long		rk_minflt;	/* page faults handled */
	long		rk_nvcsw;	/* voluntary switches: sleeps, yields */
	long		rk_nivcsw;	/* preemptions */
};

/*
 * An interval timer (core/itimer.c).  ITIMER_REAL's value is its
 * deadline in hal_time_ns(); the others' is the CPU time left.  In ns;
 * a zero value is a disarmed timer.
 */
struct itimer {
	uint64_t	it_value;
	uint64_t	it_interval;
};

/* l_stat (s) */
#define LSIDL		1	/* being created */
#define LSRUN		2	/* runnable or running */
#define LSSLEEP		3	/* in msleep() */
#define LSSTOP		4	/* RFSTOPPED, not yet started */
#define LSZOMB		5	/* exited; its stack goes once it is off it */

/* l_flags (b) */
#define LW_IDLE		0x1	/* a CPU's idle lwp: never queued, never sleeps */

/* What the kernel keeps of a pending signal for its siginfo_t. */
struct ksiginfo {
	int		ksi_code;	/* SI_USER, CLD_EXITED, SEGV_MAPERR, ... */
	pid_t		ksi_pid;
	uid_t		ksi_uid;
	int		ksi_status;
	vaddr_t		ksi_addr;
};

struct lwp {
	struct lwp_md	l_md;		/* platform-owned; keep first */
	struct proc	*l_proc;	/* (b) */
	lwpid_t		l_tid;		/* (c) */
	int		l_flags;	/* (b) LW_* */
	int		l_stat;		/* (s) */
	const void	*l_wchan;	/* (s) what it sleeps on */
	const char	*l_wmesg;	/* (s) */
	int		l_sleepflags;	/* (s) PCATCH, PCATCHKILL of this sleep */
	TAILQ_ENTRY(lwp) l_runq;	/* (r) run queue, or (s) sleep queue */
	struct rb_node	l_rbnode;	/* (c) in its process's tree, by tid */
	unsigned	l_slice;	/* (o) ticks left before preemption */
	LIST_ENTRY(lwp)	l_timed;	/* (s) on the timed-sleep list */
	uint64_t	l_deadline;	/* (s) tick to wake at, if timed */
	bool		l_timedout;	/* (s) */
	struct cpu	*l_cpu;		/* (r), or the CPU running it: where it runs, ran or waits */
	volatile bool	l_running;	/* (a) on a CPU: its stack is in use */
	cpuset_t	l_affinity;	/* (c) CPUs it may run on; read racily (*) */
	void		*l_kstart;	/* (b) kernel thread: its entry until it runs */
	/* Signals (core/signal.c); the masks are also read atomically by sleepers. */
	uint32_t	l_sigmask;	/* (c) blocked signals */
	uint32_t	l_siglist;	/* (c) signals pending on this lwp alone */
	uint32_t	l_sigwait;	/* (c) what its sigtimedwait waits for */
	uint32_t	l_oldmask;	/* (o) sigsuspend: the mask to restore */
	bool		l_hasoldmask;	/* (o) l_oldmask is set */
	stack_t		l_sigstk;	/* (o) sigaltstack */
	struct ksiginfo	*l_siginfo;	/* (c) [NSIG] of l_siglist's signals, made on first use */
	/* Written by the lwp or its CPU only; other lwps read them racily (*). */
	struct rusage_kern l_ru;	/* (o) */
	uint64_t	l_swtime;	/* (o) hal_timecount() when rk_runtime was brought up to date */
	uint64_t	l_ustart;	/* (o) hal_timecount() when it entered user mode; 0 in the kernel */
};

/* p_stat (t, c) */
#define SIDL		1	/* being created by fork1 */
#define SACTIVE		2
#define SZOMB		3

/* p_flags (c) */
#define P_SYSTEM	0x0001	/* proc0: no user space */
#define P_WEXIT		0x0002	/* exiting */
#define P_PPWAIT	0x0004	/* vfork parent waits for us */
#define P_SUGID		0x0008	/* credentials changed */
#define P_EXEC		0x0010	/* has exec'd: setpgid by the parent is EACCES */
#define P_KTHREAD	0x0020	/* kernel thread */
#define P_SINGLE	0x0040	/* all lwps but p_singlelwp must exit (execv) */
#define P_STOPPED	0x0080	/* stopped by p_xsig until SIGCONT */
#define P_WAITED	0x0100	/* this stop was reported by wait */
#define P_CONTINUED	0x0200	/* continued, not yet reported by wait */

#define MAXCOMLEN	19

struct proc {
	struct spinlock	p_lock;		/* the (c) lock */
	LIST_ENTRY(proc) p_list;	/* (t) allproc or zombproc */
	LIST_ENTRY(proc) p_hash;	/* (t) pid hash chain */
	LIST_ENTRY(proc) p_sibling;	/* (t) parent's children */
	LIST_HEAD(, proc) p_children;	/* (t) */
	struct proc	*p_pptr;	/* (t) */
	pid_t		p_pid;		/* (b) */
	int		p_stat;		/* (t, c) */
	int		p_flags;	/* (c) */
	int		p_xstat;	/* (t) wait status, once a zombie */
	uint32_t	p_siglist;	/* (c) pending signals (read atomically by sleepers) */
	struct ksiginfo	*p_siginfo;	/* (c) [NSIG] of p_siglist's signals, made on first use */
	int		p_xsig;		/* (c) the signal that stopped it */
	unsigned	p_holdcnt;	/* (c) PHOLD: the proc may not be freed */
	struct vmspace	*p_vmspace;	/* (o) changed only by the process itself */
	struct rb_tree	p_lwptree;	/* (c) its lwps, by tid */
	int		p_nthreads;	/* (c) */
	int		p_ndying;	/* (c) lwps gone from the tree whose stacks are not yet freed */
	lwpid_t		p_lasttid;	/* (c) */
	struct lwp	*p_singlelwp;	/* (c) the lwp that survives P_SINGLE/P_WEXIT */
	struct lwp	*p_zomblwp;	/* (t) the last lwp, freed by whoever reaps p */
	uid_t		p_uid;		/* (t, c) */
	struct uidinfo	*p_uidinfo;	/* (t) per-uid process count */
	struct plimit	*p_limit;	/* (c) resource limits, shared copy-on-write */
	struct sigacts	*p_sigacts;	/* (c) dispositions, NULL until one is set; RFSIGSHARE shares; exec swaps it under proctree_lock too */
	int		p_sigparent;	/* (t) signal to the parent on exit, 0 none; set at fork, SIGCHLD once orphaned or let go by its process descriptor */
	struct filedesc	*p_fd;		/* (o) descriptor table */
	struct filedesc_to_leader *p_fdtol; /* (o) leader tracking of a shared table */
	struct proc	*p_leader;	/* (b) RFTHREAD: the thread group's leader */
	struct proc	*p_peers;	/* (t) RFTHREAD: next in the leader's group */
	struct pgrp	*p_pgrp;	/* (t) */
	LIST_ENTRY(proc) p_pglist;	/* (t) in the process group */
	struct klist	p_klist;	/* (t) knotes watching this process */
	unsigned	p_estcpu;	/* (*) scheduling estimate, inherited */
	char		p_comm[MAXCOMLEN + 1]; /* (o) */
	struct rusage_kern p_ru;	/* (c) its exited lwps' usage */
	struct rusage_kern p_cru;	/* (t) its reaped children's, theirs included */
	struct itimer	p_itimer[3];	/* (c) by ITIMER_*; zero in a fork child */
	unsigned	p_itimer_cpu;	/* (c) ITIMER_VIRTUAL/PROF armed: a hint for the tick (*) */
	struct callout	p_itcallout;	/* (callout_lock) ITIMER_REAL's */
	struct procdesc	*p_procdesc;	/* (t) pdfork's descriptor, while both are there */
	/* Reapers (core/reaper.c, FreeBSD's procctl PROC_REAP_*). */
	int		p_treeflag;	/* (t) P_TREE_* */
	struct proc	*p_reaper;	/* (t) where our orphans and RFNOWAIT children go */
	TAILQ_HEAD(, proc) p_reaplist;	/* (t) a reaper's: the processes it reaps, each subtree's together */
	TAILQ_ENTRY(proc) p_reapsibling; /* (t) on p_reaper's p_reaplist, until reaped */
	pid_t		p_reapsubtree;	/* (t) pid of the reaper's child we descend from */
};

/* p_treeflag (t) */
#define P_TREE_REAPER	0x0001	/* reaps its descendants' orphans (procctl) */

extern struct proc proc0, *initproc;
extern struct lwp lwp0;

static inline struct proc *
curproc(void)
{
	return (curlwp->l_proc);
}

/* core/proc.c */
void	proc_init(void);
struct proc *proc_alloc(void);
void	proc_free(struct proc *);
int	proc_add(struct proc *p, struct proc *parent);
struct proc *pfind(pid_t pid);		/* proctree_lock held */
void	phold(struct proc *);		/* p_lock held; core/exit.c, beside the reap */
void	prele(struct proc *);
/*
 * An lwp of p, zeroed but for its kernel stack (kstack_alloc), or NULL;
 * no spinlock held.  lwp_free gives both back: no CPU may still be on
 * its stack (sched_after_switch, lwp_wait_off_cpu).
 */
struct lwp *lwp_alloc(struct proc *p);
void	lwp_free(struct lwp *);
extern struct spinlock proctree_lock;
extern int nprocs;			/* (t) */

/* core/lwp.c */
#define FOREACH_LWP_IN_PROC(l, p)					\
	for ((l) = lwp_first(p); (l) != NULL; (l) = lwp_next(l))
struct lwp *lwp_first(struct proc *p);
struct lwp *lwp_next(struct lwp *l);
void	lwp_tree_init(struct proc *p);
/* Give l the next free tid of p (DragonFly's rule) and enter it in p's tree. */
void	lwp_tid_insert(struct proc *p, struct lwp *l);
void	lwp_tree_remove(struct proc *p, struct lwp *l);
struct lwp *lwp_find(struct proc *p, lwpid_t tid);	/* NULL if none */
/* l leaves p for good, unless it is p's last lwp: then it returns, and the caller ends p (exit1). */
void	lwp_exit_self(struct lwp *l);
/* Make every other lwp of p exit and wait for them; p keeps running on l. */
int	proc_single_lwp(struct proc *p, struct lwp *l, int flag);
extern lwpid_t lwp_tid_max;

/* core/kthread.c */
int	kthread_create(void (*func)(void *), void *arg, struct proc **pp,
	    const char *name);
__noreturn void kthread_exit(void);

/* core/pid.c */
int	pid_alloc(int flags, pid_t *pidp);
/*
 * The ids in use, one bitmap per use (FreeBSD's proc_id_*map); pid_alloc
 * hands out no id set in any of them, so each must be set for as long as
 * its use lasts:
 *   PROC_ID_PID	a process's pid, from proc_add until it is reaped
 *   PROC_ID_GROUP	a process group's id, while the group exists
 *   PROC_ID_SESSION	a session's id, while the session exists
 *   PROC_ID_REAP	a reaper's subtree id, while a process carries it
 * Each with proctree_lock held; ids in [0, PID_MAX).  proc_id_set panics
 * (KASSERT) when the id is already set and proc_id_clear when it is not.
 */
#define PROC_ID_PID	0
#define PROC_ID_GROUP	1
#define PROC_ID_SESSION	2
#define PROC_ID_REAP	3
#define PROC_ID_NTYPES	4
void	proc_id_set(int type, pid_t id);
void	proc_id_clear(int type, pid_t id);
bool	proc_id_test(int type, pid_t id);

/* core/sched.c */
void	sched_init(void);
void	sched_setrun(struct lwp *);
void	sched_setrun_forked(struct lwp *);	/* a new process's first lwp */
void	sched_switch(void);
void	sched_yield(void);
/*
 * curlwp is a zombie: switch away for good.  Its stack is freed by this
 * CPU's next switch, or, with `reaped', by the reaper (proc_reap waits
 * until it is off its CPU), so that a parent's wait sees every page back.
 */
__noreturn void sched_exit(bool reaped);
void	lwp_wait_off_cpu(struct lwp *l);
__noreturn void sched_idle_loop(void);
/* Make l, running on another CPU, pass through userret() soon (a signal, an exit). */
void	sched_kick(struct lwp *l);
/*
 * Sleep on chan, giving up interlock (held by the caller, or NULL for a
 * pure timeout) once the lwp is on the sleep queue, so that a wakeup(chan)
 * by anyone who takes interlock first cannot be missed.  The interlock is
 * held again on return unless PDROP.  timo in ticks (0: none).  Returns 0,
 * EAGAIN on timeout (BSD's EWOULDBLOCK), or, when the sleep was ended
 * early: with PCATCH, for a signal the lwp could take, EINTR or ERESTART
 * (its handler has SA_RESTART: the system call should run again); with
 * PCATCHKILL only for SIGKILL; with either when the process is exiting
 * (EINTR).  A stop does not end a sleep: the lwp stops when it wakes.
 */
#define PCATCH		0x100
#define PCATCHKILL	0x200
#define PDROP		0x400
int	msleep(const void *chan, struct spinlock *interlock, int flags,
	    const char *wmesg, uint64_t timo);
/* A pure delay of timo ticks; EINTR or ERESTART if a signal comes first. */
int	pause(const char *wmesg, uint64_t timo);
#define HZ	100
void	wakeup(const void *chan);
void	wakeup_exiting(const void *chan);	/* by an lwp about to exit: take its CPU */
void	sched_unsleep(struct lwp *);	/* p_lock of l's process held */
void	sched_lwp_start(void);		/* first thing on a new lwp's stack */
bool	sched_must_yield(const struct lwp *l);	/* before user mode: a switch is due */
extern volatile uint64_t ticks;
extern struct spinlock sleepq_lock;

/* core/sys_proc.c: rfork's and pdrfork's flags from user space as fork1's.  0 or EINVAL. */
int	rfork_flags(int uflags, bool procdesc, int *flagsp);

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
int	kern_wait6(struct proc *p, idtype_t idtype, id_t id, int options, pid_t *pidp,
	    int *status, siginfo_t *si, struct __wrusage *wru);
/* Reap zombie child (proctree_lock held, released): its usage to its parent and *wru. */
void	proc_collect(struct proc *child, struct __wrusage *wru);
/* pdwait: kern_wait6 for the process of one descriptor, whoever holds it. */
int	kern_pdwait(struct procdesc *pd, int options, int *status, siginfo_t *si,
	    struct __wrusage *wru, bool *found);
/* wait4's pid (> 0, -1, 0, < -1) over kern_wait6, with WEXITED implied. */
int	kern_wait(struct proc *p, pid_t pid, int *status, int options, pid_t *found,
	    struct __wrusage *wru);

/* core/exec.c */
int	kern_execv(struct lwp *l, const char *name, const char *args, int argc,
	    size_t argbytes);
int	proc_spawn_init(const char *name, const char *args, int argc, size_t argbytes);

/* core/rusage.c: CPU time per lwp; the hooks of every system call and switch are in rusage.h */
void	rusage_tick(struct lwp *l, bool from_user);
void	rusage_fault(struct lwp *l);	/* a user page fault, before it is handled */
void	rusage_lwp_exit(struct proc *p, struct lwp *l);	/* p_lock held */
/* At reap: child's usage and its children's into parent's p_cru, and into *wru if set. */
void	rusage_reap(struct proc *parent, struct proc *child, struct __wrusage *wru);
uint64_t rusage_lwp_runtime(struct lwp *l);	/* l is curlwp */
uint64_t rusage_proc_runtime(struct proc *p);	/* p is curproc */

/* core/itimer.c */
void	itimer_tick(struct lwp *l, bool from_user);
void	itimer_exit(struct proc *p);	/* P_WEXIT set: no ITIMER_REAL callout after this */

/* core/reaper.c: the reaper tree; proctree_lock held for each */
struct proc *reaper_fork(struct proc *p1, struct proc *p2, int flags);
void	reaper_make_init(struct proc *p);
void	reaper_acquire(struct proc *p);
void	reaper_abandon(struct proc *p);
void	reaper_reap(struct proc *p);

/* core/signal.c (more in signalvar.h) */
/* Post sig to p as the kernel's (si_code SI_KERNEL). */
void	psignal(struct proc *p, int sig);

#endif /* !_PROC_H_ */
