/*
 * <sys/event.h>: kqueue and kevent (EVFILT_PROC with NOTE_FORK and
 * NOTE_EXIT), FreeBSD's struct kevent.
 */
#ifndef _SYS_EVENT_H_
#define _SYS_EVENT_H_

#include <sys/types.h>

#define EV_SET(kevp, a, b, c, d, e, f) do {				\
	struct kevent *__kevp = (kevp);					\
	__kevp->ident = (a);						\
	__kevp->filter = (b);						\
	__kevp->flags = (c);						\
	__kevp->fflags = (d);						\
	__kevp->data = (e);						\
	__kevp->udata = (f);						\
	__kevp->ext[0] = __kevp->ext[1] = __kevp->ext[2] = __kevp->ext[3] = 0; \
} while (0)

int	kqueue(void);
int	kevent(int kq, const struct kevent *changes, int nchanges,
	    struct kevent *events, int nevents, const struct timespec *timeout);

#endif /* !_SYS_EVENT_H_ */
