/*
 * The stack protector's two symbols (programs and libc are built with
 * -fstack-protector-strong): the guard every protected frame keeps a copy
 * of, one per process as FreeBSD's, set from the exec's AT_CANARY bytes
 * by __libc_start; and what a protected function calls when its copy
 * changed.  Threads and fork children share it; exec chooses a new one.
 */
#include <forkrt.h>

uintptr_t __stack_chk_guard;

/*
 * The caller's frame is corrupt: say so on stderr with one write (stdio
 * may be what was overwritten) and end with SIGABRT, as FreeBSD does.
 */
__attribute__((noreturn, no_stack_protector)) void
__stack_chk_fail(void)
{
	static const char msg[] = "stack smashing detected; terminated\n";

	write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}
