/*
 * Per-uid process counts and resource limits.
 */
#ifndef _RESOURCE_H_
#define _RESOURCE_H_

#include "proc.h"

#define RLIM_NLIMITS	8

/* One per uid with processes: how many it has (FreeBSD's uidinfo). */
struct uidinfo {
	LIST_ENTRY(uidinfo) ui_hash;
	uid_t		ui_uid;
	unsigned	ui_ref;		/* processes holding it */
	long		ui_proccnt;	/* processes counted against the uid */
};

/* Resource limits, shared between parent and child until one changes them. */
struct plimit {
	unsigned	pl_ref;
	struct rlimit	pl_rlimit[RLIM_NLIMITS];
};

struct uidinfo *uifind(uid_t uid);	/* with a reference; NULL when out of memory */
void	uifree(struct uidinfo *ui);
/*
 * Add diff to ui's process count; with diff > 0 and max != 0, refuse
 * (false, count unchanged) when the new count would pass max.
 */
bool	chgproccnt(struct uidinfo *ui, long diff, rlim_t max);

struct plimit *lim_alloc(void);
struct plimit *lim_hold(struct plimit *);
void	lim_free(struct plimit *);
rlim_t	lim_cur(struct proc *p, int which);

extern int maxprocperuid;
int	maxprocperuid_set(int v);	/* root writes kern.maxprocperuid: 0 or EINVAL */

#endif
