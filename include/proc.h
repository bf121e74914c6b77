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
/* Every process, live (allproc) or a zombie not yet reaped (zombproc). */
LIST_HEAD(proclist, proc);
extern struct proclist allproc, zombproc;	/* (t) */
extern int nprocs;			/* (t) */

#endif /* !_PROC_H_ */
