/*
 * An intrusive red-black tree.  The caller embeds a struct rb_node in its
 * objects and supplies a comparison; the tree never allocates, so insert
 * and remove cannot fail for want of memory.
 *
 * rb_insert returns NULL after inserting, or the node already in the tree
 * that compares equal (and inserts nothing): the caller's "is this key
 * taken?" answer and the insert are one step, as DragonFly's tid loop
 * wants.
 */
#ifndef _RBTREE_H_
#define _RBTREE_H_

#include "types.h"

struct rb_node {
	struct rb_node	*rb_left, *rb_right, *rb_parent;
	int		rb_red;
};

typedef int rb_cmp_fn(const struct rb_node *a, const struct rb_node *b);
typedef int rb_key_cmp_fn(const void *key, const struct rb_node *n);

struct rb_tree {
	struct rb_node	*rbt_root;
	rb_cmp_fn	*rbt_cmp;
};

#define RB_TREE_INIT(cmp)	{ NULL, (cmp) }
#define rb_entry(n, type, member)	container_of(n, type, member)

struct rb_node *rb_insert(struct rb_tree *t, struct rb_node *n);
void	rb_remove(struct rb_tree *t, struct rb_node *n);
struct rb_node *rb_find(const struct rb_tree *t, const void *key, rb_key_cmp_fn *cmp);
struct rb_node *rb_first(const struct rb_tree *t);
struct rb_node *rb_next(const struct rb_node *n);

/* Debugging and tests: black height if the tree obeys every rule, else -1. */
int	rb_check(const struct rb_tree *t);

#endif
