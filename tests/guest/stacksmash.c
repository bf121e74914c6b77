/*
 * Not a suite: root asks the kernel to overflow an array on its own
 * stack through debug.stack_smash.  The tests that run it (the root
 * meson.build's stack_smash@smpN) check that the stack protector panics
 * with "stack smashing detected"; coming back here is the failure.
 */
#include "tap.h"

int
main(void)
{
	sset("debug.stack_smash", 1);
	printf("not ok 1 - debug.stack_smash returned (errno %d)\n", errno);
	return (1);
}
