/*
 * Not a suite: root writes 1 to a debug knob that must panic the kernel
 * (debug.panic, or the knob named by the first argument:
 * debug.write_kernel_text, debug.kstack_overflow, debug.read_user).  The
 * tests that run it (the root meson.build's panic, write_kernel_text,
 * kstack_overflow and read_user) check that the kernel dies loudly and
 * what it says; coming back here is the failure.  A knob this machine cannot honour (EOPNOTSUPP: no guard
 * pages, no view of the kernel's page tables) makes the run a skip.
 */
#include "tap.h"

int
main(int argc, char **argv)
{
	const char *knob = argc > 1 ? argv[1] : "debug.panic";

	if (sset(knob, 1) != 0 && errno == EOPNOTSUPP) {
		printf("1..0 # SKIP %s: not supported on this platform (EOPNOTSUPP)\n",
		    knob);
		return (0);
	}
	printf("not ok 1 - %s returned (errno %d)\n", knob, errno);
	return (1);
}
