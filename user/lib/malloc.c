/*
 * malloc on sbrk: power-of-two size classes with per-class free lists.
 * Each block carries its class in a 16-byte header; memory is taken from
 * the kernel in chunks of at least 64 KiB and never given back, which is
 * what small forkrt programs want (a forked child inherits the lists
 * copy-on-write and goes on from there).
 */
#include <forkrt.h>

#include "libc_lock.h"

#define MIN_SHIFT	4
#define NCLASS		28		/* up to 2 GiB */
#define CHUNK		(64 * 1024)

struct block {
	size_t		cls;
	struct block	*next;		/* while free */
};

/* Both under malloc_lock. */
static struct block *freelist[NCLASS];
static char *arena, *arena_end;
extern struct libc_lock malloc_lock;	/* libc_lock.c */

static void *
carve(size_t size)
{
	void *p;

	if ((size_t)(arena_end - arena) < size) {
		size_t grow = size > CHUNK ? size : CHUNK;
		char *q = sbrk((intptr_t)grow);

		if (q == (void *)-1)
			return (NULL);
		if (q != arena_end)
			arena = q;	/* someone else moved the break */
		arena_end = q + grow;
	}
	p = arena;
	arena += size;
	return (p);
}

void *
malloc(size_t size)
{
	struct block *b;
	size_t cls = 0;

	if (size > ((size_t)1 << (MIN_SHIFT + NCLASS - 1)) - 16)
		return (NULL);
	while (((size_t)1 << (cls + MIN_SHIFT)) < size + 16)
		cls++;
	libc_lock(&malloc_lock);
	if ((b = freelist[cls]) != NULL)
		freelist[cls] = b->next;
	else if ((b = carve((size_t)1 << (cls + MIN_SHIFT))) == NULL) {
		libc_unlock(&malloc_lock);
		errno = ENOMEM;
		return (NULL);
	}
	libc_unlock(&malloc_lock);
	b->cls = cls;
	return ((char *)b + 16);
}

void
free(void *p)
{
	struct block *b;

	if (p == NULL)
		return;
	b = (struct block *)((char *)p - 16);
	libc_lock(&malloc_lock);
	b->next = freelist[b->cls];
	freelist[b->cls] = b;
	libc_unlock(&malloc_lock);
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > (size_t)-1 / size)
		return (NULL);
	if ((p = malloc(n * size)) != NULL)
		memset(p, 0, n * size);
	return (p);
}

void *
realloc(void *p, size_t size)
{
	struct block *b;
	size_t have;
	void *q;

	if (p == NULL)
		return (malloc(size));
	b = (struct block *)((char *)p - 16);
	have = ((size_t)1 << (b->cls + MIN_SHIFT)) - 16;
	if (size <= have)
		return (p);
	if ((q = malloc(size)) == NULL)
		return (NULL);
	memcpy(q, p, have);
	free(p);
	return (q);
}
