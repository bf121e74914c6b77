/*
 * An lwp's thread id, DragonFly's way: the one after the process's last,
 * wrapping to 1 past lwp_tid_max, trying until the insert into the
 * process's red-black tree finds the id free.  A new process starts at
 * p_lasttid = -1, so its first lwp is tid 0.  The tree is the
 * process's (c): callers hold p_lock once the process is visible.
 */
#include "lwp.h"
#include "proc.h"

lwpid_t lwp_tid_max = INT32_MAX;	/* lowered only by tests */

/* The tree's order, by tid: a key (an lwpid_t) against an lwp in the tree. */
static int
tid_key_cmp(const void *key, const struct rb_node *n)
{
	lwpid_t tid = *(const lwpid_t *)key;
	lwpid_t ntid = rb_entry(n, struct lwp, l_rbnode)->l_tid;

	return (tid < ntid ? -1 : tid > ntid);
}

static int
lwp_cmp(const struct rb_node *a, const struct rb_node *b)
{
	return (tid_key_cmp(&rb_entry(a, struct lwp, l_rbnode)->l_tid, b));
}

void
lwp_tree_init(struct proc *p)
{
	p->p_lwptree = (struct rb_tree)RB_TREE_INIT(lwp_cmp);
	p->p_lasttid = -1;
}

void
lwp_tid_insert(struct proc *p, struct lwp *l)
{
	l->l_tid = p->p_lasttid;
	do {
		if (l->l_tid >= lwp_tid_max || ++l->l_tid < 0)
			l->l_tid = 1;
	} while (rb_insert(&p->p_lwptree, &l->l_rbnode) != NULL);
	p->p_lasttid = l->l_tid;
	p->p_nthreads++;
}

void
lwp_tree_remove(struct proc *p, struct lwp *l)
{
	rb_remove(&p->p_lwptree, &l->l_rbnode);
	p->p_nthreads--;
}

struct lwp *
lwp_first(struct proc *p)
{
	struct rb_node *n = rb_first(&p->p_lwptree);

	return (n != NULL ? rb_entry(n, struct lwp, l_rbnode) : NULL);
}

struct lwp *
lwp_next(struct lwp *l)
{
	struct rb_node *n = rb_next(&l->l_rbnode);

	return (n != NULL ? rb_entry(n, struct lwp, l_rbnode) : NULL);
}

struct lwp *
lwp_find(struct proc *p, lwpid_t tid)
{
	struct rb_node *n = rb_find(&p->p_lwptree, &tid, tid_key_cmp);

	return (n != NULL ? rb_entry(n, struct lwp, l_rbnode) : NULL);
}
