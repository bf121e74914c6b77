/*
 * Process descriptors (FreeBSD's procdesc(4)): a file that names one
 * process, made by pdfork/pdrfork, so that the process can be signalled
 * and waited for without a pid that might have been reused.
 *
 * The descriptor and its process point at each other (pd_proc,
 * p_procdesc) until one of two things cuts the link: the process is
 * reaped (by pdwait, waitpid of its pid, or the last close of a zombie),
 * or the descriptor's file is closed for the last time while the process
 * runs (it is then killed, unless PD_DAEMON, and passed to its reaper
 * like any orphan).  A struct procdesc lives exactly as long as its file.
 *
 * The pid of a reaped process stays taken while its descriptor is open
 * (FreeBSD's way: the descriptor, not a zombie, holds it): its bit in the
 * pid map (pid.c) is cleared at the last close instead of at the reap.
 *
 * Locking: every field is (t) proctree_lock, the lock under which exit1
 * makes a zombie, wait reaps it and the last close detaches: each of the
 * three sees the others' work whole.  p_procdesc is (t) too.
 */
#ifndef _PROCDESC_H_
#define _PROCDESC_H_

#include "proc.h"

/* pd_flags (t) */
#define PDF_DAEMON	0x01	/* PD_DAEMON: the last close does not kill */
#define PDF_EXITED	0x02	/* the process exited: pd_xstat is its status */
#define PDF_HELD	0x04	/* reaped: pd_pid's bit in the pid map is ours to clear */

struct procdesc {
	struct proc	*pd_proc;	/* (t) NULL once reaped or detached */
	pid_t		pd_pid;		/* (b) */
	int		pd_flags;	/* (t) PDF_* */
	int		pd_xstat;	/* (t) wait status, once PDF_EXITED */
	struct klist	pd_klist;	/* (t) EVFILT_PROCDESC knotes */
};

struct file;

/*
 * pdfork's two steps around fork1.  procdesc_falloc gives the caller p a
 * descriptor in its lowest free slot (close-on-exec with PD_CLOEXEC) and
 * the file with the caller's own reference; until procdesc_new the file
 * is not passable, so the child's copy of the table leaves it out.
 * procdesc_new links the new process p2 (not yet started) to it.
 */
int	procdesc_falloc(struct proc *p, int pdflags, struct file **fpp,
	    int *fdp);
void	procdesc_new(struct proc *p2, struct file *fp);

/*
 * exit1, under proctree_lock once p_xstat is set: the descriptor (if any)
 * hears of the exit (NOTE_EXIT, pdwait).  true if p has an open
 * descriptor, which then takes the place of the parent's SIGCHLD.
 */
bool	procdesc_exit(struct proc *p);
/* A stop or continue of p: pdwait with WUNTRACED/WCONTINUED looks.  (t) */
void	procdesc_jobstate(struct proc *p);
/* Reaping zombie p, which has a descriptor: cut the link.  (t) */
void	procdesc_reap(struct proc *p);

/*
 * The process descriptor open at fd in p, with a reference the caller
 * drops: EBADF when fd is not open, `wrongtype' when it is another file.
 */
int	procdesc_get(struct proc *p, int fd, int wrongtype, struct file **fpp,
	    struct procdesc **pdp);

#endif /* !_PROCDESC_H_ */
