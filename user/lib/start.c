/*
 * Program start-up: crt0 (user/arch/<arch>/crt0.S) hands over the initial
 * stack, which holds argc, argv[] and a NULL.
 */
#include <forkrt.h>

int	main(int argc, char **argv);

__attribute__((noreturn)) void
__libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);

	exit(main(argc, argv));
}
