/*
 * Program start-up: crt0 (user/arch/<arch>/crt0.S) hands over the initial
 * stack, which holds argc, argv[] and a NULL, the environment's NULL (it
 * is always empty), and the auxiliary vector (AT_* pairs up to AT_NULL).
 */
#include <forkrt.h>

int	main(int argc, char **argv);

/* The stack protector's guard; 0 until __libc_start sets it (user/lib/stack_protector.c). */
extern uintptr_t __stack_chk_guard;

/*
 * Built without the stack protector, as the guard changes under it:
 * install the canary exec left (AT_CANARY) before calling anything that
 * could be protected.  It never returns, so it never checks a guard.
 */
__attribute__((noreturn, no_stack_protector)) void
__libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	long *aux = sp + 1 + argc + 1;
	const unsigned char *canary = NULL;
	unsigned long canarylen = 0;
	uintptr_t guard = 0;

	while (*aux != 0)
		aux++;
	for (aux++; aux[0] != AT_NULL; aux += 2) {
		if (aux[0] == AT_CANARY)
			canary = (const unsigned char *)aux[1];
		else if (aux[0] == AT_CANARYLEN)
			canarylen = (unsigned long)aux[1];
	}
	for (unsigned long i = 0; canary != NULL && i < canarylen &&
	    i < sizeof(guard); i++)
		guard |= (uintptr_t)canary[i] << (8 * i);
	__stack_chk_guard = guard;
	exit(main(argc, argv));
}
