/*
 * Signals, FreeBSD's model: per-process dispositions (struct sigacts,
 * shared by RFSIGSHARE), per-lwp masks, signals pending on the process
 * (kill) or on one lwp (lwp_kill, traps), delivered in userret() through
 * the platform's signal frame (cpu_sendsig), and job control (stop and
 * continue) reported to the parent through wait and SIGCHLD.
 */
#ifndef _SIGNALVAR_H_
#define _SIGNALVAR_H_

#include "proc.h"

#define SIGMASK(sig)	(1u << ((sig) - 1))
#define SIGS_ALL	(~0u >> (33 - NSIG))	/* 1 .. NSIG - 1 */
/* Signals that can be neither caught, ignored nor masked. */
#define SIGS_CANTMASK	(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))
/* Signals whose default action stops the process. */
#define SIGS_STOP	(SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | \
			 SIGMASK(SIGTTOU))
/* Stop signals a terminal sends: dropped for an orphaned process group (POSIX). */
#define SIGS_TTYSTOP	(SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | SIGMASK(SIGTTOU))
/* Signals whose default action is to do nothing (SIGCONT also continues). */
#define SIGS_DFL_IGNORE	(SIGMASK(SIGURG) | SIGMASK(SIGCONT) | SIGMASK(SIGCHLD) | \
			 SIGMASK(SIGIO) | SIGMASK(SIGWINCH) | SIGMASK(SIGINFO))

/*
 * Dispositions.  ps_lock guards every field but ps_refcnt; the masks are
 * also read without it (atomically) where a stale answer is only a hint
 * re-checked later: by msleep, which may not take ps_lock (sleepq is
 * below it), to choose EINTR or ERESTART.
 * Lock order: proc -> sigacts -> sleepq.
 */
struct sigacts {
	struct spinlock	ps_lock;
	unsigned	ps_refcnt;		/* (a) processes sharing it */
	vaddr_t		ps_handler[NSIG];	/* a function, or SIG_DFL (0) / SIG_IGN (1) */
	vaddr_t		ps_tramp[NSIG];		/* where each handler returns */
	uint32_t	ps_catchmask[NSIG];	/* masked while it runs (sa_mask, sig) */
	uint32_t	ps_sigcatch;		/* has a handler */
	uint32_t	ps_sigignore;		/* SIG_IGN */
	uint32_t	ps_sigonstack;		/* SA_ONSTACK */
	uint32_t	ps_sigrestart;		/* SA_RESTART */
	uint32_t	ps_sigreset;		/* SA_RESETHAND */
	uint32_t	ps_siginfo;		/* SA_SIGINFO */
	uint32_t	ps_signodefer;		/* SA_NODEFER */
	int		ps_flag;		/* PS_* */
};

/* ps_flag */
#define PS_NOCLDSTOP	0x1	/* no SIGCHLD when a child stops or continues */
#define PS_NOCLDWAIT	0x2	/* children leave no zombies (SA_NOCLDWAIT, SIGCHLD SIG_IGN) */

/* core/signal.c */
/* RFSIGSHARE: share p1's table; otherwise p2 gets a copy.  0 or ENOMEM. */
int	sigacts_fork(struct proc *p1, struct proc *p2, int flags);
void	sigacts_free(struct proc *p);
/* p's table (NULL in p_sigacts means all SIG_DFL), made if need be; NULL if out of memory. */
struct sigacts *sigacts_get(struct proc *p);
/* p's PS_* flags, 0 without a table. */
int	sigacts_flags(const struct proc *p);
/*
 * exec: before its point of no return, a private copy of a table shared
 * with RFSIGSHARE peers (*fresh; NULL when not shared), 0 or ENOMEM; after
 * it, caught signals back to SIG_DFL, ignored ones and the mask kept.
 */
int	sigacts_exec_prepare(struct proc *p, struct sigacts **fresh);
void	sigacts_exec(struct proc *p, struct lwp *l, struct sigacts *fresh);
/* Let go of a table (NULL: nothing), freeing it with its last user. */
void	sigacts_drop(struct sigacts *ps);
/* Post sig, with what siginfo_t will say, to p (tid TID_ANY) or to its lwp tid. */
#define TID_ANY		(-1)
void	psignal_info(struct proc *p, lwpid_t tid, int sig, const struct ksiginfo *ksi);
/* Take pending sig off l (first) or its process, with its siginfo.  p_lock held. */
void	psignal_take(struct lwp *l, int sig, struct ksiginfo *ksi);
/*
 * core/sigpend.c, below the scheduler: a sleep with PCATCH must end now:
 * 0, EINTR or ERESTART (an SA_RESTART handler).
 */
int	sig_sleep_check(const struct lwp *l);
/* The lowest signal l could take now, or 0.  p_lock held. */
int	sig_deliverable(const struct lwp *l);
/*
 * Is anything pending that l does not mask?  userret's test on every
 * return to user mode, so a relaxed read: sig_deliver takes p_lock, and a
 * signal posted just after is seen at the next return (the poster kicks
 * a running lwp).
 */
static inline bool
sig_any_deliverable(const struct lwp *l)
{
	return (((__atomic_load_n(&l->l_proc->p_siglist, __ATOMIC_RELAXED) |
	    __atomic_load_n(&l->l_siglist, __ATOMIC_RELAXED)) &
	    ~__atomic_load_n(&l->l_sigmask, __ATOMIC_RELAXED)) != 0);
}
/*
 * Act on every signal l can take (userret): handlers, stops.  0, or the
 * signal whose action ends the process: the caller ends it (sigexit).
 */
int	sig_deliver(struct lwp *l);
/* A stopped process's lwp waits here until SIGCONT or SIGKILL (userret). */
void	sig_stopped_wait(struct lwp *l);
/* Forget pending signals of m on p and on each of its lwps.  p_lock held. */
void	sig_unpend(struct proc *p, uint32_t m);
/* Set l's mask to mask, minus what cannot be masked.  p_lock held. */
void	sig_setmask(struct lwp *l, uint32_t mask);
/* core/sys_signal.c: may cur signal p (kill's rule: root anyone, others their own uid's)? */
bool	p_cansignal(const struct proc *cur, const struct proc *p);
/*
 * A trap's signal sig (siginfo code, addr) for l: 0 when its handler is to
 * run, else sig, and the caller ends the process (sigexit).
 */
int	trapsignal(struct lwp *l, int sig, int code, const char *what, vaddr_t addr);
/* End the process as signal sig would, from its own lwp l (core/exit.c). */
__noreturn void sigexit(struct lwp *l, int sig);

/* Post sig to p as the kernel's (si_code SI_KERNEL). */
void	psignal(struct proc *p, int sig);

#endif
