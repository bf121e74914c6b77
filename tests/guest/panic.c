/*
 * Not a suite: root asks for a kernel panic through debug.panic.  The
 * test that runs it (the root meson.build's `panic`) checks that the
 * kernel dies loudly; coming back here is the failure.
 */
#include "tap.h"

int
main(void)
{
	sset("debug.panic", 1);
	printf("not ok 1 - debug.panic returned (errno %d)\n", errno);
	return (1);
}
