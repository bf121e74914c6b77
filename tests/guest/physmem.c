/*
 * Not a suite: `physmem MIB` checks that a machine booted with MIB MiB of
 * RAM (QEMU's -m, tools' --mem) gives the page allocator all of it, less
 * what firmware, the kernel image and its tables take, and that memory
 * from the top of it is usable.  The root meson.build runs it with
 * --mem 8192.
 */
#include "tap.h"

#define PGSZ		4096
#define MIB		(1024 * 1024)
#define TOUCH		(32 * MIB)
/* What the firmware, the kernel image, its tables and the page array may take. */
#define SLACK_MIB	160

int
main(int argc, char **argv)
{
	long want, pages, free0, free1, free2;
	volatile char *p;
	size_t i;

	if (argc != 2 || (want = atoi(argv[1])) <= 0) {
		printf("usage: physmem MIB\n");
		return (2);
	}
	pages = sget("vm.stats.vm.v_page_count");
	free0 = sget("vm.stats.vm.v_free_count");
	diag("%ld pages managed, %ld free", pages, free0);
	ok(pages > (want - SLACK_MIB) * (MIB / PGSZ) && pages <= want * (MIB / PGSZ),
	    "the page allocator manages the machine's %ld MiB (%ld MiB)", want,
	    pages / (MIB / PGSZ));
	ok(free0 > (want - SLACK_MIB) * (MIB / PGSZ) && free0 <= pages,
	    "and nearly all of it is free at start-up (%ld MiB)",
	    free0 / (MIB / PGSZ));

	/*
	 * The allocator hands out its highest blocks first (it frees the
	 * ranges in address order, each block to the head of its list), so
	 * these pages come from the top of RAM.
	 */
	p = mmap(NULL, TOUCH, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
	ok(p != MAP_FAILED, "a %d MiB mapping", TOUCH / MIB);
	if (p == MAP_FAILED)
		return (done());
	for (i = 0; i < TOUCH; i += PGSZ)
		p[i] = (char)(i >> 12);
	free1 = sget("vm.stats.vm.v_free_count");
	ok(free0 - free1 >= TOUCH / PGSZ,
	    "touching every page takes them from the free list (%ld pages)",
	    free0 - free1);
	for (i = 0; i < TOUCH; i += PGSZ)
		if (p[i] != (char)(i >> 12))
			break;
	ok(i == TOUCH, "every page keeps what was written to it");
	ok(munmap((void *)p, TOUCH) == 0, "munmap");
	free2 = sget("vm.stats.vm.v_free_count");
	ok(free0 - free2 < 64, "and gives them back (%ld pages short)",
	    free0 - free2);
	return (done());
}
