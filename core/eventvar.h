/*
 * A kqueue and its knotes (FreeBSD's sys/eventvar.h): shared by
 * kqueue.c, the kqueue file and kevent, and knote.c, where the process
 * side posts its events.
 */
#ifndef _EVENTVAR_H_
#define _EVENTVAR_H_

#include "file.h"
#include "proc.h"

#define KN_QUEUED	0x01	/* on kq_head, waiting to be reported */
#define KN_DISABLED	0x02	/* EV_DISABLE: fires, is not reported */

struct knote {
	LIST_ENTRY(knote) kn_selnext;	/* on kn_proc->p_klist or kn_pd->pd_klist */
	TAILQ_ENTRY(knote) kn_link;	/* every knote of the kqueue */
	TAILQ_ENTRY(knote) kn_tqe;	/* on kq_head when KN_QUEUED */
	struct kqueue	*kn_kq;
	struct proc	*kn_proc;	/* EVFILT_PROC: NULL once it exited */
	struct procdesc	*kn_pd;		/* EVFILT_PROCDESC: NULL once exited, closed */
	uintptr_t	kn_ident;	/* a pid, or a process descriptor */
	int16_t		kn_filter;
	uint16_t	kn_flags;	/* EV_* reported with the event */
	uint32_t	kn_sfflags;	/* notes asked for */
	uint32_t	kn_fflags;	/* notes fired and not yet reported */
	int64_t		kn_data;
	void		*kn_udata;
	int		kn_status;	/* KN_* */
};

/*
 * Locks: kq_lock covers a kqueue and its knotes; a knote's link to its
 * process or process descriptor (kn_proc, kn_pd, kn_selnext on their
 * lists) also needs proctree_lock, taken first.
 */
struct kqueue {
	TAILQ_HEAD(, knote) kq_knotes;	/* all of them */
	TAILQ_HEAD(, knote) kq_head;	/* fired, to be reported */
	int		kq_count;	/* on kq_head */
	struct spinlock	kq_lock;
};

/* kq_lock held (knote_drop: and proctree_lock while kn is on a list). */
void	knote_enqueue(struct knote *kn);
void	knote_dequeue(struct knote *kn);
void	knote_drop(struct knote *kn);

#endif /* !_EVENTVAR_H_ */
