/*
 * The red-black tree against a reference set, and DragonFly's tid rule
 * (core/lwp_tid.c) with a lowered wrap limit.
 */
#include "host_libc.h"
#include "lwp.h"
#include "proc.h"
#include "rbtree.h"
#include "tap.h"

#define NKEYS	2048

struct item {
	struct rb_node	node;
	int		key;
};

static int
item_cmp(const struct rb_node *a, const struct rb_node *b)
{
	int x = rb_entry(a, struct item, node)->key;
	int y = rb_entry(b, struct item, node)->key;

	return (x < y ? -1 : x > y);
}

static int
key_cmp(const void *key, const struct rb_node *n)
{
	int k = *(const int *)key, nk = rb_entry(n, struct item, node)->key;

	return (k < nk ? -1 : k > nk);
}

static uint32_t seed = 12345;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8);
}

static struct item items[NKEYS];
static bool present[NKEYS];

static bool
tree_matches(struct rb_tree *t)
{
	struct rb_node *n;
	int last = -1, count = 0, want = 0;

	for (int i = 0; i < NKEYS; i++)
		want += present[i];
	for (n = rb_first(t); n != NULL; n = rb_next(n)) {
		int k = rb_entry(n, struct item, node)->key;

		if (k <= last || !present[k])
			return (false);
		last = k;
		count++;
	}
	return (count == want);
}

int
main(void)
{
	struct rb_tree t = RB_TREE_INIT(item_cmp);
	bool shape_ok = true, find_ok = true, dup_ok = true;
	int height;

	ok(rb_first(&t) == NULL && rb_check(&t) == 1, "an empty tree has no first node and is valid");
	for (int i = 0; i < NKEYS; i++)
		items[i].key = i;
	for (int step = 0; step < 20000; step++) {
		int k = (int)(rnd() % NKEYS);

		if (!present[k]) {
			if (rb_insert(&t, &items[k].node) != NULL)
				dup_ok = false;
			present[k] = true;
		} else if (rnd() % 2) {
			struct item dup = { .key = k };

			if (rb_insert(&t, &dup.node) != &items[k].node)
				dup_ok = false;
		} else {
			rb_remove(&t, &items[k].node);
			present[k] = false;
		}
		if (step % 97 == 0 && rb_check(&t) < 0)
			shape_ok = false;
	}
	ok(shape_ok && rb_check(&t) > 0, "random inserts and removals keep every red-black rule");
	ok(dup_ok, "inserting a key already present returns the node that holds it");
	ok(tree_matches(&t), "in-order iteration gives exactly the present keys, sorted");
	for (int k = 0; k < NKEYS; k++) {
		struct rb_node *n = rb_find(&t, &k, key_cmp);

		if ((n != NULL) != present[k] || (n != NULL && n != &items[k].node))
			find_ok = false;
	}
	ok(find_ok, "rb_find finds present keys and only those");
	for (int k = 0; k < NKEYS; k++)
		if (present[k]) {
			rb_remove(&t, &items[k].node);
			present[k] = false;
		}
	ok(t.rbt_root == NULL, "removing every key empties the tree");
	for (int k = 0; k < NKEYS; k++)
		rb_insert(&t, &items[k].node);
	height = rb_check(&t);
	ok(height > 0 && height <= 12, "2048 ascending inserts stay balanced (black height %d)",
	    height);

	/* DragonFly's tid rule, with the wrap lowered to 5. */
	{
		static struct proc p;
		static struct lwp l[8];
		bool seq_ok = true;

		lwp_tree_init(&p);
		lwp_tid_max = 5;
		for (int i = 0; i < 6; i++) {
			lwp_tid_insert(&p, &l[i]);
			if (l[i].l_tid != i)
				seq_ok = false;
		}
		ok(seq_ok && p.p_nthreads == 6,
		    "a new process's tids run 0, 1, 2, ... from p_lasttid + 1");
		lwp_tree_remove(&p, &l[2]);
		lwp_tid_insert(&p, &l[6]);
		ok(l[6].l_tid == 2, "past the limit the tid wraps to 1 and skips ids in use (got %d)",
		    l[6].l_tid);
		lwp_tree_remove(&p, &l[4]);
		lwp_tid_insert(&p, &l[7]);
		ok(l[7].l_tid == 4 && p.p_lasttid == 4, "the search goes on from the last tid given");
		ok(rb_check(&p.p_lwptree) > 0 && p.p_nthreads == 6,
		    "the process's lwp tree stays consistent");
	}
	return (done());
}
