/*
 * Red-black trees (CLRS, with parent pointers).  Properties kept: the root
 * and every NULL leaf are black, a red node has black children, and every
 * path from a node down to a leaf crosses the same number of black nodes;
 * so the height stays within 2 log2(n + 1) and every operation is O(log n).
 */
#include "rbtree.h"

static inline bool
is_red(const struct rb_node *n)
{
	return (n != NULL && n->rb_red);
}

/* Put c where p was, as far as p's parent (or the root) is concerned. */
static void
replace_child(struct rb_tree *t, struct rb_node *p, struct rb_node *c)
{
	struct rb_node *g = p->rb_parent;

	if (g == NULL)
		t->rbt_root = c;
	else if (g->rb_left == p)
		g->rb_left = c;
	else
		g->rb_right = c;
	if (c != NULL)
		c->rb_parent = g;
}

static void
rotate_left(struct rb_tree *t, struct rb_node *x)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left != NULL)
		y->rb_left->rb_parent = x;
	replace_child(t, x, y);
	y->rb_left = x;
	x->rb_parent = y;
}

static void
rotate_right(struct rb_tree *t, struct rb_node *x)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right != NULL)
		y->rb_right->rb_parent = x;
	replace_child(t, x, y);
	y->rb_right = x;
	x->rb_parent = y;
}

struct rb_node *
rb_insert(struct rb_tree *t, struct rb_node *n)
{
	struct rb_node **link = &t->rbt_root, *parent = NULL;

	while (*link != NULL) {
		int c = t->rbt_cmp(n, *link);

		if (c == 0)
			return (*link);
		parent = *link;
		link = c < 0 ? &parent->rb_left : &parent->rb_right;
	}
	n->rb_left = n->rb_right = NULL;
	n->rb_parent = parent;
	n->rb_red = 1;
	*link = n;

	/* Fix a red node under a red parent, moving up. */
	while (is_red(n->rb_parent)) {
		struct rb_node *p = n->rb_parent, *g = p->rb_parent;
		struct rb_node *u = g->rb_left == p ? g->rb_right : g->rb_left;

		if (is_red(u)) {
			p->rb_red = u->rb_red = 0;
			g->rb_red = 1;
			n = g;
			continue;
		}
		if (g->rb_left == p) {
			if (p->rb_right == n) {
				rotate_left(t, p);
				n = p;
				p = n->rb_parent;
			}
			rotate_right(t, g);
		} else {
			if (p->rb_left == n) {
				rotate_right(t, p);
				n = p;
				p = n->rb_parent;
			}
			rotate_left(t, g);
		}
		p->rb_red = 0;
		g->rb_red = 1;
		break;
	}
	t->rbt_root->rb_red = 0;
	return (NULL);
}

void
rb_remove(struct rb_tree *t, struct rb_node *z)
{
	struct rb_node *x, *xp;
	int removed_red;

	/* Reduce to removing a node with at most one child. */
	if (z->rb_left != NULL && z->rb_right != NULL) {
		struct rb_node *y = z->rb_right;

		while (y->rb_left != NULL)
			y = y->rb_left;
		/* y takes z's place and colour; y's old spot is what goes. */
		removed_red = y->rb_red;
		x = y->rb_right;
		if (y->rb_parent == z)
			xp = y;
		else {
			xp = y->rb_parent;
			replace_child(t, y, x);
			y->rb_right = z->rb_right;
			y->rb_right->rb_parent = y;
		}
		replace_child(t, z, y);
		y->rb_left = z->rb_left;
		y->rb_left->rb_parent = y;
		y->rb_red = z->rb_red;
	} else {
		removed_red = z->rb_red;
		x = z->rb_left != NULL ? z->rb_left : z->rb_right;
		xp = z->rb_parent;
		replace_child(t, z, x);
	}
	if (removed_red)
		return;

	/* A black node went: x carries an extra black until it is absorbed. */
	while (x != t->rbt_root && !is_red(x)) {
		struct rb_node *w;

		if (xp->rb_left == x) {
			w = xp->rb_right;
			if (is_red(w)) {
				w->rb_red = 0;
				xp->rb_red = 1;
				rotate_left(t, xp);
				w = xp->rb_right;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = 1;
				x = xp;
				xp = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_right)) {
				w->rb_left->rb_red = 0;
				w->rb_red = 1;
				rotate_right(t, w);
				w = xp->rb_right;
			}
			w->rb_red = xp->rb_red;
			xp->rb_red = 0;
			w->rb_right->rb_red = 0;
			rotate_left(t, xp);
		} else {
			w = xp->rb_left;
			if (is_red(w)) {
				w->rb_red = 0;
				xp->rb_red = 1;
				rotate_right(t, xp);
				w = xp->rb_left;
			}
			if (!is_red(w->rb_left) && !is_red(w->rb_right)) {
				w->rb_red = 1;
				x = xp;
				xp = x->rb_parent;
				continue;
			}
			if (!is_red(w->rb_left)) {
				w->rb_right->rb_red = 0;
				w->rb_red = 1;
				rotate_left(t, w);
				w = xp->rb_left;
			}
			w->rb_red = xp->rb_red;
			xp->rb_red = 0;
			w->rb_left->rb_red = 0;
			rotate_right(t, xp);
		}
		x = t->rbt_root;
		break;
	}
	if (x != NULL)
		x->rb_red = 0;
}

struct rb_node *
rb_find(const struct rb_tree *t, const void *key, rb_key_cmp_fn *cmp)
{
	struct rb_node *n = t->rbt_root;

	while (n != NULL) {
		int c = cmp(key, n);

		if (c == 0)
			return (n);
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return (NULL);
}

struct rb_node *
rb_first(const struct rb_tree *t)
{
	struct rb_node *n = t->rbt_root;

	if (n != NULL)
		while (n->rb_left != NULL)
			n = n->rb_left;
	return (n);
}

struct rb_node *
rb_next(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->rb_right != NULL) {
		n = n->rb_right;
		while (n->rb_left != NULL)
			n = n->rb_left;
		return ((struct rb_node *)n);
	}
	while ((p = n->rb_parent) != NULL && p->rb_right == n)
		n = p;
	return ((struct rb_node *)p);
}

static int
check(const struct rb_tree *t, const struct rb_node *n, const struct rb_node *parent)
{
	int lh, rh;

	if (n == NULL)
		return (1);
	if (n->rb_parent != parent)
		return (-1);
	if (n->rb_red && (is_red(n->rb_left) || is_red(n->rb_right)))
		return (-1);
	if ((n->rb_left != NULL && t->rbt_cmp(n->rb_left, n) >= 0) ||
	    (n->rb_right != NULL && t->rbt_cmp(n->rb_right, n) <= 0))
		return (-1);
	lh = check(t, n->rb_left, n);
	rh = check(t, n->rb_right, n);
	if (lh < 0 || rh < 0 || lh != rh)
		return (-1);
	return (lh + (n->rb_red ? 0 : 1));
}

int
rb_check(const struct rb_tree *t)
{
	if (is_red(t->rbt_root))
		return (-1);
	return (check(t, t->rbt_root, NULL));
}
